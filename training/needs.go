package training

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/dberr"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// Need is a training need that came out of a survey: one option of a
// choice question, one topic of a ranking, or a whole Likert or free-text
// question, named by Label. Courses are linked to the needs they answer;
// a need no course answers is not Covered.
type Need struct {
	ID         int64 `json:"id" gorm:"primaryKey"`
	SurveyID   int64 `json:"survey_id"`
	QuestionID int64 `json:"question_id"`
	// Option is the option's index (choice questions), the topic's code
	// (rankings) or "" (the whole question).
	Option    string    `json:"option"`
	Ambito    string    `json:"ambito"`
	Label     string    `json:"label"`
	CreatedBy int64     `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// Covered says whether some course is linked to the need.
	Covered bool `json:"covered" gorm:"->;-:migration"`
}

// TableName places the table under the module's prefix.
func (Need) TableName() string { return "incroci_training_needs" }

// courseNeed links a course to a need it answers.
type courseNeed struct {
	CourseID int64
	NeedID   int64
}

func (courseNeed) TableName() string { return "incroci_training_course_needs" }

// NeedInput turns one result of a survey into a need.
type NeedInput struct {
	QuestionID int64  `json:"question_id" validate:"required,min=1"`
	Option     string `json:"option" validate:"max=64"`
	Label      string `json:"label" validate:"required,max=200,nocontrol"`
}

// NeedsInput is the needs to create from a survey.
type NeedsInput struct {
	Needs []NeedInput `json:"needs" validate:"required,min=1,max=100,dive"`
}

// NeedFilter selects needs: those of a survey or an ambito, covered or
// not (nil for both); one page, newest first.
type NeedFilter struct {
	SurveyID      int64
	Ambito        string
	Covered       *bool
	Page, PerPage int
}

// CreateNeeds turns results of survey id into needs, for the survey's
// owners. An option that is a need already is ErrNeedExists.
func (t *Training) CreateNeeds(ctx context.Context, id int64, in NeedsInput) ([]Need, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate("en", &in); err != nil {
		return nil, err
	}
	var out []Need
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.ownedSurvey(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if s.Kind != KindNeeds {
			return httpx.Invalid("survey", "eq", "training.need.evaluation")
		}
		var qs []Question
		if err := tx.Where("survey_id = ?", id).Find(&qs).Error; err != nil {
			return fmt.Errorf("training: needs of %d: questions: %w", id, err)
		}
		var issues []httpx.FieldIssue
		seen := map[string]bool{}
		now := t.p.Now()
		for i, n := range in.Needs {
			k := slices.IndexFunc(qs, func(q Question) bool { return q.ID == n.QuestionID })
			field := fmt.Sprintf("needs[%d]", i)
			switch {
			case k < 0:
				issues = append(issues, httpx.FieldIssue{Field: field + ".question_id", Rule: "exists", Key: "training.answer.no_question"})
				continue
			case !validOption(qs[k], n.Option):
				issues = append(issues, httpx.FieldIssue{Field: field + ".option", Rule: "oneof", Key: "training.need.option", Args: []any{i + 1, n.Option}})
				continue
			}
			key := fmt.Sprint(n.QuestionID, "\x00", n.Option)
			if seen[key] {
				issues = append(issues, httpx.FieldIssue{Field: field + ".option", Rule: "unique", Key: "training.need.twice", Args: []any{i + 1}})
				continue
			}
			seen[key] = true
			out = append(out, Need{SurveyID: id, QuestionID: n.QuestionID, Option: n.Option, Ambito: s.Ambito,
				Label: strings.TrimSpace(n.Label), CreatedBy: pr.PersonID, CreatedAt: now})
		}
		if issues != nil {
			return &httpx.ValidationError{Fields: issues}
		}
		if err := tx.Create(&out).Error; err != nil {
			if dberr.IsDuplicate(err) {
				return ErrNeedExists
			}
			return fmt.Errorf("training: needs of %d: %w", id, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "training.needs.create", ObjectType: "survey", ObjectID: fmt.Sprint(id)},
			map[string]int{"needs": len(out)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validOption reports whether option names a part of q a need can be.
func validOption(q Question, option string) bool {
	switch q.Kind {
	case QuestionSingle, QuestionMultiple:
		i, err := strconv.Atoi(option)
		return err == nil && i >= 0 && i < len(q.Options) && strconv.Itoa(i) == option
	case QuestionRanking:
		return slices.Contains(q.Topics, option)
	default:
		return option == ""
	}
}

// Needs returns one page of the needs the caller runs (coordinators their
// ambiti's, admins all), newest first, each saying whether a course
// covers it, and their total.
func (t *Training) Needs(ctx context.Context, f NeedFilter) ([]Need, int64, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, 0, err
	}
	page, perPage := pageOf(f.Page, f.PerPage)
	q := t.db.WithContext(ctx).Model(&Need{})
	if !pr.Admin {
		owned := pr.Ambiti(incroci.RoleCoordinator)
		if len(owned) == 0 {
			return nil, 0, incroci.ErrForbidden
		}
		q = q.Where("ambito IN ?", owned)
	}
	if f.Ambito != "" {
		q = q.Where("ambito = ?", f.Ambito)
	}
	if f.SurveyID != 0 {
		q = q.Where("survey_id = ?", f.SurveyID)
	}
	const covered = "EXISTS (SELECT 1 FROM incroci_training_course_needs cn WHERE cn.need_id = incroci_training_needs.id)"
	if f.Covered != nil {
		if *f.Covered {
			q = q.Where(covered)
		} else {
			q = q.Where("NOT " + covered)
		}
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("training: needs: count: %w", err)
	}
	out := []Need{}
	err = q.Select("incroci_training_needs.*, " + covered + " AS covered").
		Order("id DESC").Offset((page - 1) * perPage).Limit(perPage).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("training: needs: %w", err)
	}
	return out, total, nil
}

// LinkNeeds sets the needs course courseID answers, replacing those it
// had: the course must be one the caller reads (else ErrCourseNotFound),
// the caller must run needs somewhere (coordinators, admins; else
// ErrForbidden), and each need must be one the caller runs (else
// ErrNeedNotFound). Links to needs of ambiti the caller does not run stay.
func (t *Training) LinkNeeds(ctx context.Context, courseID int64, needIDs []int64) error {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return err
	}
	if courseID <= 0 {
		return ErrCourseNotFound
	}
	ids := slices.Compact(slices.Sorted(slices.Values(needIDs)))
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := needsCourse(ctx, tx, pr, courseID); err != nil {
			return err
		}
		var needs []Need
		if len(ids) > 0 {
			if err := tx.Where("id IN ?", ids).Find(&needs).Error; err != nil {
				return fmt.Errorf("training: link needs of course %d: %w", courseID, err)
			}
		}
		if len(needs) != len(ids) {
			return ErrNeedNotFound
		}
		for _, n := range needs {
			if !ownsAmbito(pr, n.Ambito) {
				return ErrNeedNotFound
			}
		}
		// Links to needs of ambiti the caller does not run stay as they are.
		var old []courseNeed
		if err := tx.Where("course_id = ?", courseID).Find(&old).Error; err != nil {
			return fmt.Errorf("training: link needs of course %d: %w", courseID, err)
		}
		var drop []int64
		for _, o := range old {
			if !slices.Contains(ids, o.NeedID) {
				drop = append(drop, o.NeedID)
			}
		}
		if len(drop) > 0 {
			var mine []int64
			var dropNeeds []Need
			if err := tx.Where("id IN ?", drop).Find(&dropNeeds).Error; err != nil {
				return fmt.Errorf("training: link needs of course %d: %w", courseID, err)
			}
			for _, n := range dropNeeds {
				if ownsAmbito(pr, n.Ambito) {
					mine = append(mine, n.ID)
				}
			}
			if len(mine) > 0 {
				if err := tx.Where("course_id = ? AND need_id IN ?", courseID, mine).Delete(&courseNeed{}).Error; err != nil {
					return fmt.Errorf("training: link needs of course %d: %w", courseID, err)
				}
			}
		}
		for _, id := range ids {
			if slices.ContainsFunc(old, func(o courseNeed) bool { return o.NeedID == id }) {
				continue
			}
			if err := tx.Create(&courseNeed{CourseID: courseID, NeedID: id}).Error; err != nil && !dberr.IsDuplicate(err) {
				return fmt.Errorf("training: link needs of course %d: %w", courseID, err)
			}
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Action: "training.course.needs", ObjectType: "course", ObjectID: fmt.Sprint(courseID)},
			map[string][]int64{"needs": ids})
	})
}

// CourseNeeds returns the needs course courseID is linked to that the
// caller runs: for coordinators and admins (else ErrForbidden), of a
// course they read (else ErrCourseNotFound).
func (t *Training) CourseNeeds(ctx context.Context, courseID int64) ([]Need, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := needsCourse(ctx, t.db, pr, courseID); err != nil {
		return nil, err
	}
	var all []Need
	err = t.db.WithContext(ctx).Where("id IN (SELECT need_id FROM incroci_training_course_needs WHERE course_id = ?)", courseID).
		Order("id").Find(&all).Error
	if err != nil {
		return nil, fmt.Errorf("training: needs of course %d: %w", courseID, err)
	}
	out := []Need{}
	for _, n := range all {
		if ownsAmbito(pr, n.Ambito) {
			n.Covered = true
			out = append(out, n)
		}
	}
	return out, nil
}

// needsCourse reads course id for the needs' owners: ErrCourseNotFound
// when it is not there or pr may not read it, ErrForbidden when pr runs
// no needs (neither a coordinator nor an admin).
func needsCourse(ctx context.Context, db *gorm.DB, pr *incroci.Principal, id int64) (*Course, error) {
	var c Course
	if err := db.WithContext(ctx).Where("id = ?", id).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrCourseNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: course %d: %w", id, err)
	}
	if !mayRead(pr, c.Ambito) {
		return nil, ErrCourseNotFound
	}
	if !pr.Admin && len(pr.Ambiti(incroci.RoleCoordinator)) == 0 {
		return nil, incroci.ErrForbidden
	}
	return &c, nil
}
