package toolkit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/pii"
	"gorm.io/gorm"
)

// Feedback is one answer to "Were the instructions clear?" about a
// published sheet. It is anonymous: no person, no address, no IP kept.
type Feedback struct {
	ID         int64 `gorm:"primaryKey" json:"id"`
	SheetID    int64 `gorm:"not null;index" json:"sheet_id"`
	RevisionID int64 `gorm:"not null" json:"revision_id"`
	// Score is 1 (not at all) to 5 (completely).
	Score int `gorm:"not null" json:"score"`
	// Missing answers the follow-up "What was missing or unclear?" for
	// scores up to 3: one of FeedbackMissing, or "".
	Missing string `gorm:"size:16;not null;default:''" json:"missing"`
	// Comment is a short remark, checked for personal data before it is kept.
	Comment string `gorm:"size:500;not null;default:''" json:"comment"`
	// Day is the day it was given (YYYY-MM-DD), not the time.
	Day string `gorm:"size:10;not null" json:"day"`
}

// TableName places the table under the module's prefix.
func (Feedback) TableName() string { return "incroci_toolkit_feedback" }

// FeedbackMissing are the answers to the follow-up question.
var FeedbackMissing = []string{"steps", "documents", "where", "language", "other"}

// FeedbackInput is one answer about a sheet.
type FeedbackInput struct {
	Score   int    `json:"score" validate:"min=1,max=5"`
	Missing string `json:"missing" validate:"omitempty,oneof=steps documents where language other"`
	Comment string `json:"comment" validate:"max=500"`
}

// FeedbackSummary is what editors read of a sheet's answers.
type FeedbackSummary struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
	// Scores counts the answers by score, 1 to 5 (index 0 is score 1).
	Scores [5]int `json:"scores"`
	// Missing counts the follow-up answers.
	Missing map[string]int `json:"missing"`
	// Comments are the latest remarks, newest first (at most 50).
	Comments []Feedback `json:"comments"`
}

// GiveFeedback records an anonymous answer about a published sheet the
// caller may read (a citizen's handout, anonymously too). A comment that
// looks like personal data (tax code, phone, e-mail, document number) is
// refused, so that nothing of a person is kept.
func (t *Toolkit) GiveFeedback(ctx context.Context, id int64, in FeedbackInput) error {
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if in.Comment != "" && (pii.Find(in.Comment) != nil || strings.ContainsAny(in.Comment, "\x00\x1b")) {
		return httpx.Invalid("comment", "personal_data", "toolkit.personal_data")
	}
	if in.Score > 3 {
		in.Missing = ""
	}
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, incroci.PrincipalFrom(ctx), id, false)
		if err != nil {
			return err
		}
		if s.State != StatePublished || s.PublishedID == nil {
			return ErrSheetNotFound
		}
		f := Feedback{SheetID: s.ID, RevisionID: *s.PublishedID, Score: in.Score, Missing: in.Missing, Comment: in.Comment,
			Day: t.p.Now().In(italy).Format("2006-01-02")}
		if err := tx.Create(&f).Error; err != nil {
			return fmt.Errorf("toolkit: feedback: %w", err)
		}
		return nil
	})
}

// FeedbackOf sums up the answers about a sheet: its editors only.
func (t *Toolkit) FeedbackOf(ctx context.Context, id int64) (*FeedbackSummary, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	out := &FeedbackSummary{Missing: map[string]int{}, Comments: []Feedback{}}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if !isEditor(pr, s.Ambito) {
			return incroci.ErrForbidden
		}
		var all []Feedback
		if err := tx.Where("sheet_id = ?", s.ID).Order("id DESC").Find(&all).Error; err != nil {
			return fmt.Errorf("toolkit: feedback of sheet %d: %w", s.ID, err)
		}
		sum := 0
		for _, f := range all {
			out.Count++
			sum += f.Score
			out.Scores[f.Score-1]++
			if f.Missing != "" && slices.Contains(FeedbackMissing, f.Missing) {
				out.Missing[f.Missing]++
			}
			if f.Comment != "" && len(out.Comments) < 50 {
				out.Comments = append(out.Comments, f)
			}
		}
		if out.Count > 0 {
			out.Average = float64(sum) / float64(out.Count)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// italy is the time zone of the days the toolkit records.
var italy = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic("toolkit: Europe/Rome: " + err.Error())
	}
	return loc
}()
