package toolkit

import (
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// topicsCSV is a copy of ../shared/domain/topics.csv: the topics sheets are
// filed under.
//
//go:embed topics.csv
var topicsCSV string

// Topic is a topic sheets are filed under.
type Topic struct {
	Code    string `json:"code"`
	LabelIT string `json:"label_it"`
	LabelEN string `json:"label_en"`
}

// Topics returns the topics of ../shared/domain/topics.csv, in its order.
var Topics = sync.OnceValue(func() []Topic {
	rows, err := csv.NewReader(strings.NewReader(topicsCSV)).ReadAll()
	if err != nil {
		panic("toolkit: embedded topics.csv: " + err.Error())
	}
	out := make([]Topic, 0, len(rows))
	for _, r := range rows[1:] {
		out = append(out, Topic{Code: r[0], LabelIT: r[1], LabelEN: r[2]})
	}
	return out
})

func knownTopic(code string) bool {
	return slices.ContainsFunc(Topics(), func(t Topic) bool { return t.Code == code })
}

// SheetInput proposes a new sheet.
type SheetInput struct {
	// Ambito owns the sheet; "" proposes it for the whole network.
	Ambito   string            `json:"ambito" validate:"omitempty,slug"`
	Audience Audience          `json:"audience" validate:"required,oneof=operators citizens"`
	Topics   []string          `json:"topics" validate:"max=10"`
	Title    string            `json:"title" validate:"required,min=3,max=200,nocontrol"`
	Sections map[string]string `json:"sections"`
	Note     string            `json:"note" validate:"max=500,nocontrol"`
	// SourceIDs are the legal sources the sheet rests on.
	SourceIDs []int64 `json:"source_ids" validate:"max=50,dive,min=1"`
	// Submit sends the proposal to the editors at once; otherwise it stays
	// a draft that its author can go on writing.
	Submit bool `json:"submit"`
}

// RevisionInput writes a new revision of a sheet: a draft of one not yet
// published, or a proposed change of a published one.
type RevisionInput struct {
	// BaseID is the revision the change was written from. When it is not the
	// sheet's current revision (someone changed it meanwhile) the change is
	// refused with ErrStale instead of silently undoing theirs.
	BaseID   int64             `json:"base_id" validate:"required,min=1"`
	Title    string            `json:"title" validate:"required,min=3,max=200,nocontrol"`
	Sections map[string]string `json:"sections"`
	Note     string            `json:"note" validate:"max=500,nocontrol"`
	// SourceIDs, when given, are the legal sources the sheet rests on once
	// the revision is published (at once for a sheet not yet published).
	SourceIDs *[]int64 `json:"source_ids" validate:"omitnil,max=50,dive,min=1"`
	Submit    bool     `json:"submit"`
}

// ReviewInput names the revision an editor publishes, rejects or rolls
// back to, with a note.
type ReviewInput struct {
	RevisionID int64  `json:"revision_id" validate:"required,min=1"`
	Note       string `json:"note" validate:"max=500,nocontrol"`
}

// SheetView is a sheet as the caller may see it: the revision shown (the
// published one; the latest while none is, for those who may see drafts),
// its sections rendered to sanitised HTML, and the changes waiting for
// review (for editors, the owner and their authors).
type SheetView struct {
	Sheet
	Revision *Revision `json:"revision"`
	// HTML holds each section of the revision shown, rendered and sanitised.
	HTML map[string]string `json:"html"`
	// Pending are the drafts and proposals not reviewed yet.
	Pending []Revision `json:"pending"`
	// Editor is true when the caller reviews this sheet.
	Editor bool `json:"editor"`
	// OwnerName is the name of who keeps the sheet current.
	OwnerName string `json:"owner_name,omitempty"`
	// Terms are the glossary's entries named in the revision shown, with
	// their definitions, for widgets to explain on hover or tap.
	Terms []TermMatch `json:"terms"`
	// Attachments are the files of the sheet as shown: the published ones
	// (a sheet never published: its draft's). Files waiting for a proposed
	// change are listed by Attachments.
	Attachments []Attachment `json:"attachments"`
}

// SheetQuery filters and pages sheets.
type SheetQuery struct {
	Topic    string
	Audience Audience
	// Ambito: one ambito's own sheets; "network" the network's; "" both
	// (those the caller may read).
	Ambito string
	// State: one state; editors only but for "published" (the default).
	State State
	// Q looks in titles.
	Q string
	// Pending keeps only the sheets with a change proposed and not yet
	// reviewed (for a published sheet, a proposal that does not touch it
	// until published); like states other than published, it lists only
	// what the caller reviews.
	Pending bool
	Page    int
	PerPage int
}

// checkSections validates a revision's sections: known keys, each within
// MaxSection characters, "what" not empty.
func (t *Toolkit) checkSections(s map[string]string) []httpx.FieldIssue {
	var issues []httpx.FieldIssue
	for k, v := range s {
		if !slices.Contains(SectionKeys, k) {
			issues = append(issues, httpx.FieldIssue{Field: "sections." + k, Rule: "oneof", Key: "toolkit.section_unknown"})
		} else if n := utf8.RuneCountInString(v); n > t.cfg.MaxSection {
			issues = append(issues, httpx.FieldIssue{Field: "sections." + k, Rule: "max", Key: "toolkit.too_long", Args: []any{t.cfg.MaxSection}})
		} else if strings.ContainsAny(v, "\x00\x1b") {
			issues = append(issues, httpx.FieldIssue{Field: "sections." + k, Rule: "nocontrol", Key: "toolkit.control"})
		}
	}
	if strings.TrimSpace(s["what"]) == "" {
		issues = append(issues, httpx.FieldIssue{Field: "sections.what", Rule: "required", Key: "toolkit.section_empty"})
	}
	return issues
}

// clean drops empty sections and trims the others' trailing space.
func clean(s map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range s {
		if v = strings.TrimRight(v, " \t\r\n"); strings.TrimSpace(v) != "" {
			out[k] = v
		}
	}
	return out
}

// Propose creates a sheet with its first revision, a draft or (Submit) a
// proposal for the editors. Anyone with a role in the ambito (in any, for
// the network's sheets).
func (t *Toolkit) Propose(ctx context.Context, in SheetInput) (*SheetView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	issues := t.checkSections(in.Sections)
	for i, c := range in.Topics {
		if !knownTopic(c) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("topics[%d]", i), Rule: "oneof", Key: "toolkit.topic_unknown"})
		}
	}
	if issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	if !mayPropose(pr, in.Ambito) {
		if inNetwork(pr) {
			return nil, httpx.Invalid("ambito", "role", "toolkit.ambito_role")
		}
		return nil, incroci.ErrForbidden
	}
	now := t.p.Now()
	state, status := StateDraft, RevisionDraft
	if in.Submit {
		state, status = StateReview, RevisionProposed
	}
	s := Sheet{Ambito: in.Ambito, Audience: in.Audience, Topics: uniq(in.Topics), Title: strings.TrimSpace(in.Title), State: state,
		OwnerID: pr.PersonID, CreatedAt: now, UpdatedAt: now}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&s).Error; err != nil {
			return fmt.Errorf("toolkit: create sheet: %w", err)
		}
		if err := t.checkSourceIDs(ctx, tx, &s, in.SourceIDs); err != nil {
			return err
		}
		r := Revision{SheetID: s.ID, Number: 1, Title: s.Title, Sections: clean(in.Sections), AuthorID: pr.PersonID,
			Note: strings.TrimSpace(in.Note), Status: status, CreatedAt: now}
		if len(in.SourceIDs) > 0 {
			r.SourceIDs = in.SourceIDs
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("toolkit: create revision: %w", err)
		}
		if err := t.linkSources(ctx, tx, s.ID, in.SourceIDs); err != nil {
			return err
		}
		s.LatestID = r.ID
		// updated_at named, so that gorm does not stamp it from the real clock.
		if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(map[string]any{"latest_id": r.ID, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("toolkit: create sheet: %w", err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.propose", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"revision": r.ID, "submit": in.Submit})
	})
	if err != nil {
		return nil, err
	}
	return t.Get(ctx, s.ID)
}

// load reads sheet id, locked for the transaction on PostgreSQL when lock.
func (t *Toolkit) load(ctx context.Context, tx *gorm.DB, id int64, lock bool) (*Sheet, error) {
	q := tx.WithContext(ctx)
	if lock && tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var s Sheet
	err := q.Where("id = ?", id).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrSheetNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("toolkit: sheet %d: %w", id, err)
	}
	return &s, nil
}

// authored reports whether personID wrote a revision of sheet id.
func (t *Toolkit) authored(ctx context.Context, tx *gorm.DB, id, personID int64) (bool, error) {
	if personID == 0 {
		return false, nil
	}
	var n int64
	if err := tx.WithContext(ctx).Model(&Revision{}).Where("sheet_id = ? AND author_id = ?", id, personID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("toolkit: authors of sheet %d: %w", id, err)
	}
	return n > 0, nil
}

// visible loads sheet id if the caller (pr, nil when anonymous) may read
// it, and says whether they wrote one of its revisions.
func (t *Toolkit) visible(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64, lock bool) (*Sheet, bool, error) {
	s, err := t.load(ctx, tx, id, lock)
	if err != nil {
		return nil, false, err
	}
	var pid int64
	if pr != nil {
		pid = pr.PersonID
	}
	authored, err := t.authored(ctx, tx, s.ID, pid)
	if err != nil {
		return nil, false, err
	}
	// The holder of a handout link reads that published sheet, and only
	// for its handout (the grant is on no other context).
	if g := grantFrom(ctx); g != nil && pr == nil && g.id == s.ID && s.State == StatePublished {
		return s, false, nil
	}
	if !mayRead(pr, s, authored) {
		return nil, false, ErrSheetNotFound
	}
	return s, authored, nil
}

// Get returns a sheet as the caller may see it. Published handouts for
// citizens are read by anyone, with no principal in ctx.
func (t *Toolkit) Get(ctx context.Context, id int64) (*SheetView, error) {
	return t.get(ctx, id, 0)
}

// GetRevision returns sheet id as Get does, but showing its revision
// revisionID (its sections rendered, its glossary terms): a proposed
// change as it would read once published. Who may see the revision
// decides, as for Revisions and Diff: editors all of them, others the
// published ones and their own; any other revision, or one of another
// sheet, is ErrRevisionNotFound. Reading a revision not published, or any
// revision of a sheet not published, is audited.
func (t *Toolkit) GetRevision(ctx context.Context, id, revisionID int64) (*SheetView, error) {
	if revisionID <= 0 {
		return nil, ErrRevisionNotFound
	}
	return t.get(ctx, id, revisionID)
}

// everPublished reports whether r is or was the published text of its sheet.
func everPublished(r *Revision) bool {
	return r.Status == RevisionPublished || r.Status == RevisionSuperseded
}

// get is Get, showing revision rid instead when rid is not 0.
func (t *Toolkit) get(ctx context.Context, id, rid int64) (*SheetView, error) {
	pr := incroci.PrincipalFrom(ctx)
	var out *SheetView
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		out = &SheetView{Sheet: *s, HTML: map[string]string{}, Pending: []Revision{}, Editor: isEditor(pr, s.Ambito)}
		t.markOverdue(&out.Sheet)
		shown := s.LatestID
		if s.PublishedID != nil {
			shown = *s.PublishedID
		}
		var r Revision
		if rid != 0 {
			err := tx.Where("id = ? AND sheet_id = ?", rid, s.ID).Take(&r).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrRevisionNotFound
			}
			if err != nil {
				return fmt.Errorf("toolkit: revision %d: %w", rid, err)
			}
			if !out.Editor && !everPublished(&r) && (pr == nil || r.AuthorID != pr.PersonID) {
				return ErrRevisionNotFound
			}
		} else if err := tx.Where("id = ?", shown).Take(&r).Error; err != nil {
			return fmt.Errorf("toolkit: revision %d: %w", shown, err)
		}
		out.Revision = &r
		for k, v := range r.Sections {
			out.HTML[k] = RenderMarkdown(v)
		}
		var terms []Term
		if err := tx.Where("ambito = '' OR ambito = ?", s.Ambito).Find(&terms).Error; err != nil {
			return fmt.Errorf("toolkit: glossary: %w", err)
		}
		text := []string{r.Title}
		for _, k := range SectionKeys {
			text = append(text, r.Sections[k])
		}
		out.Terms = termsIn(strings.Join(text, "\n"), terms)
		if out.Attachments, err = shownAttachments(ctx, tx, s); err != nil {
			return err
		}
		if err := t.nameUploaders(ctx, tx, out.Attachments); err != nil {
			return err
		}
		if out.Editor || (pr != nil && (s.OwnerID == pr.PersonID || authored)) {
			q := tx.Where("sheet_id = ? AND status IN ?", s.ID, []RevisionStatus{RevisionDraft, RevisionProposed}).Order("id")
			if !out.Editor && s.OwnerID != pr.PersonID {
				// Authors see their own drafts; proposals are seen by all who may.
				q = q.Where("status = ? OR author_id = ?", RevisionProposed, pr.PersonID)
			}
			if err := q.Find(&out.Pending).Error; err != nil {
				return fmt.Errorf("toolkit: pending revisions: %w", err)
			}
			out.Pending = slices.DeleteFunc(out.Pending, func(x Revision) bool { return x.ID == shown })
		}
		names, err := t.names(ctx, tx, append([]int64{s.OwnerID, r.AuthorID}, authorsOf(out.Pending)...)...)
		if err != nil {
			return err
		}
		out.OwnerName, out.Revision.AuthorName = names[s.OwnerID], names[r.AuthorID]
		for i := range out.Pending {
			out.Pending[i].AuthorName = names[out.Pending[i].AuthorID]
		}
		if rid != 0 && (s.State != StatePublished || !everPublished(&r)) {
			return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.read", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
				map[string]int64{"revision": r.ID})
		}
		if s.State != StatePublished {
			return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.read", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)}, nil)
		}
		return nil
	})
	return out, err
}

func authorsOf(rs []Revision) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.AuthorID
	}
	return out
}

// names returns the names of people by id (those without one are missing).
func (t *Toolkit) names(ctx context.Context, tx *gorm.DB, ids ...int64) (map[int64]string, error) {
	out := map[int64]string{}
	ids = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(ids))), func(id int64) bool { return id == 0 })
	if len(ids) == 0 {
		return out, nil
	}
	var people []incroci.Person
	if err := tx.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&people).Error; err != nil {
		return nil, fmt.Errorf("toolkit: names: %w", err)
	}
	for _, p := range people {
		if p.Name != "" {
			out[p.ID] = p.Name
		}
	}
	return out, nil
}

// Revise writes a new revision of sheet id. On a sheet not yet published
// it is the next draft (its owner, its authors and the editors may write
// it; Submit sends it to the editors); on a published sheet it is a
// proposed change that leaves the sheet as it is until an editor publishes
// it (anyone who may propose). in.BaseID must be the sheet's current
// revision (ErrStale otherwise).
func (t *Toolkit) Revise(ctx context.Context, id int64, in RevisionInput) (*Revision, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if issues := t.checkSections(in.Sections); issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	var r Revision
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, err := t.visible(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		if s.State == StateArchived {
			return ErrArchived
		}
		editor := isEditor(pr, s.Ambito)
		current := s.LatestID
		if s.PublishedID != nil {
			current = *s.PublishedID
		}
		if in.BaseID != current {
			return ErrStale
		}
		status := RevisionDraft
		if in.Submit || s.State == StatePublished {
			status = RevisionProposed
		}
		switch {
		case s.State == StatePublished:
			if !mayPropose(pr, s.Ambito) {
				return incroci.ErrForbidden
			}
		case !editor && s.OwnerID != pr.PersonID && !authored:
			return incroci.ErrForbidden
		}
		var last int
		if err := tx.Model(&Revision{}).Where("sheet_id = ?", s.ID).Select("COALESCE(MAX(number), 0)").Scan(&last).Error; err != nil {
			return fmt.Errorf("toolkit: revisions of sheet %d: %w", s.ID, err)
		}
		now := t.p.Now()
		base := in.BaseID
		r = Revision{SheetID: s.ID, Number: last + 1, Title: strings.TrimSpace(in.Title), Sections: clean(in.Sections), AuthorID: pr.PersonID,
			Note: strings.TrimSpace(in.Note), Status: status, BaseID: &base, CreatedAt: now}
		if in.SourceIDs != nil {
			if err := t.checkSourceIDs(ctx, tx, s, *in.SourceIDs); err != nil {
				return err
			}
			r.SourceIDs = append([]int64{}, *in.SourceIDs...)
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("toolkit: create revision: %w", err)
		}
		if in.SourceIDs != nil && s.State != StatePublished {
			if err := t.linkSources(ctx, tx, s.ID, r.SourceIDs); err != nil {
				return err
			}
		}
		upd := map[string]any{"updated_at": now}
		if s.State != StatePublished {
			// The draft moves on: the sheet shows it, and is in review when sent.
			upd["latest_id"], upd["title"] = r.ID, r.Title
			upd["state"] = StateDraft
			if status == RevisionProposed {
				upd["state"] = StateReview
			}
			// Earlier drafts are replaced by this one, which carries their
			// files on.
			if err := tx.Model(&Revision{}).Where("sheet_id = ? AND id <> ? AND status IN ?", s.ID, r.ID, []RevisionStatus{RevisionDraft, RevisionProposed}).
				Update("status", RevisionReplaced).Error; err != nil {
				return fmt.Errorf("toolkit: supersede drafts: %w", err)
			}
			if err := carryAttachments(ctx, tx, s.ID, r.ID); err != nil {
				return err
			}
		}
		if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("toolkit: update sheet %d: %w", s.ID, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.revise", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"revision": r.ID, "status": r.Status})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// editing loads sheet id, locked in tx, for an editor's change: editors
// of its ambito (any editor for the network's) and admins; ErrArchived
// when it is archived.
func (t *Toolkit) editing(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64) (*Sheet, error) {
	s, _, err := t.visible(ctx, tx, pr, id, true)
	if err != nil {
		return nil, err
	}
	if !isEditor(pr, s.Ambito) {
		return nil, incroci.ErrForbidden
	}
	if s.State == StateArchived {
		return nil, ErrArchived
	}
	return s, nil
}

// review loads sheet id and its revision revID for an editor's decision,
// in tx, with the sheet locked.
func (t *Toolkit) review(ctx context.Context, tx *gorm.DB, id, revID int64) (*Sheet, *Revision, *incroci.Principal, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	s, _, err := t.visible(ctx, tx, pr, id, true)
	if err != nil {
		return nil, nil, nil, err
	}
	if !isEditor(pr, s.Ambito) {
		return nil, nil, nil, incroci.ErrForbidden
	}
	var r Revision
	err = tx.Where("id = ? AND sheet_id = ?", revID, s.ID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, nil, ErrRevisionNotFound
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("toolkit: revision %d: %w", revID, err)
	}
	return s, &r, pr, nil
}

// Publish makes revision in.RevisionID the one sheet id shows: editors of
// the sheet's ambito (any editor for the network's) and admins. A change
// written from an older revision than the one now published is refused
// with ErrStale.
func (t *Toolkit) Publish(ctx context.Context, id int64, in ReviewInput) (*SheetView, error) {
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, r, pr, err := t.review(ctx, tx, id, in.RevisionID)
		if err != nil {
			return err
		}
		if s.State == StateArchived {
			return ErrArchived
		}
		if r.Status != RevisionDraft && r.Status != RevisionProposed {
			return ErrRevisionState
		}
		if s.PublishedID != nil && (r.BaseID == nil || *r.BaseID != *s.PublishedID) {
			return ErrStale
		}
		return t.publish(ctx, tx, s, r, pr, in.Note, "toolkit.sheet.publish")
	})
	if err != nil {
		return nil, err
	}
	return t.Get(ctx, id)
}

// publish makes r the sheet's published revision, the earlier one
// superseded.
func (t *Toolkit) publish(ctx context.Context, tx *gorm.DB, s *Sheet, r *Revision, pr *incroci.Principal, note, action string) error {
	now := t.p.Now()
	if s.PublishedID != nil {
		if err := tx.Model(&Revision{}).Where("id = ?", *s.PublishedID).Update("status", RevisionSuperseded).Error; err != nil {
			return fmt.Errorf("toolkit: supersede revision: %w", err)
		}
	}
	if err := tx.Model(&Revision{}).Where("id = ?", r.ID).Updates(map[string]any{"status": RevisionPublished, "reviewer_id": pr.PersonID,
		"review_note": strings.TrimSpace(note), "reviewed_at": now}).Error; err != nil {
		return fmt.Errorf("toolkit: publish revision: %w", err)
	}
	upd := map[string]any{"published_id": r.ID, "published_at": now, "state": StatePublished, "title": r.Title, "updated_at": now}
	if r.ID > s.LatestID {
		upd["latest_id"] = r.ID
	}
	// A new revision published by an editor is the sheet brought up to
	// date; the first publication sets when it is due for review.
	clearOutdated(upd)
	if s.ReviewBy == "" {
		upd["review_by"] = t.nextReview()
	}
	if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(upd).Error; err != nil {
		return fmt.Errorf("toolkit: publish sheet %d: %w", s.ID, err)
	}
	// A proposal's sources apply when it is published; a sheet not yet
	// published had its drafts' sources linked as they were written.
	if r.SourceIDs != nil && s.PublishedID != nil {
		if err := t.linkSources(ctx, tx, s.ID, r.SourceIDs); err != nil {
			return err
		}
	}
	// The files that came with r reach the sheet; r carries the list.
	if err := t.publishAttachments(ctx, tx, s, r); err != nil {
		return err
	}
	if err := t.outdateTranslations(ctx, tx, s.ID, r.ID); err != nil {
		return err
	}
	if err := t.indexSheet(ctx, tx, s.ID); err != nil {
		return err
	}
	return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: action, ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
		map[string]any{"revision": r.ID, "number": r.Number})
}

// Reject turns down a draft or a proposed change, with a note for its
// author: editors only. A sheet never published whose proposal is
// rejected goes back to draft.
func (t *Toolkit) Reject(ctx context.Context, id int64, in ReviewInput) (*SheetView, error) {
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var drop []string
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, r, pr, err := t.review(ctx, tx, id, in.RevisionID)
		if err != nil {
			return err
		}
		if r.Status != RevisionDraft && r.Status != RevisionProposed {
			return ErrRevisionState
		}
		// A rejected change of a published sheet takes its files with it;
		// a sheet not yet published keeps its draft's for the next draft.
		if s.PublishedID != nil {
			if drop, err = dropAttachments(ctx, tx, s.ID, r.ID); err != nil {
				return err
			}
		}
		now := t.p.Now()
		if err := tx.Model(&Revision{}).Where("id = ?", r.ID).Updates(map[string]any{"status": RevisionRejected, "reviewer_id": pr.PersonID,
			"review_note": strings.TrimSpace(in.Note), "reviewed_at": now}).Error; err != nil {
			return fmt.Errorf("toolkit: reject revision: %w", err)
		}
		if s.State == StateReview {
			if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(map[string]any{"state": StateDraft, "updated_at": now}).Error; err != nil {
				return fmt.Errorf("toolkit: sheet %d: %w", s.ID, err)
			}
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.reject", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"revision": r.ID, "attachments_dropped": len(drop)})
	})
	if err != nil {
		return nil, err
	}
	t.deleteFiles(ctx, drop)
	return t.Get(ctx, id)
}

// Rollback publishes again the text of an earlier revision of a published
// sheet, as a new revision (the history stays whole), with the attachments
// the sheet had while that revision was published: editors only.
func (t *Toolkit) Rollback(ctx context.Context, id int64, in ReviewInput) (*SheetView, error) {
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, old, pr, err := t.review(ctx, tx, id, in.RevisionID)
		if err != nil {
			return err
		}
		if s.State != StatePublished || s.PublishedID == nil {
			return ErrRevisionState
		}
		if old.ID == *s.PublishedID || (old.Status != RevisionSuperseded && old.Status != RevisionPublished) {
			return ErrRevisionState
		}
		var last int
		if err := tx.Model(&Revision{}).Where("sheet_id = ?", s.ID).Select("COALESCE(MAX(number), 0)").Scan(&last).Error; err != nil {
			return fmt.Errorf("toolkit: revisions of sheet %d: %w", s.ID, err)
		}
		note := strings.TrimSpace(in.Note)
		if note == "" {
			note = fmt.Sprintf("ripristino della versione %d / rollback to revision %d", old.Number, old.Number)
		}
		r := Revision{SheetID: s.ID, Number: last + 1, Title: old.Title, Sections: old.Sections, AuthorID: pr.PersonID, Note: note,
			Status: RevisionProposed, BaseID: s.PublishedID, CreatedAt: t.p.Now()}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("toolkit: create revision: %w", err)
		}
		// The files go back to those the old revision carried (when it
		// carries a list: revisions published before attachments existed
		// leave them as they are).
		if old.AttachmentIDs != nil {
			if err := t.restoreAttachments(ctx, tx, s.ID, old.AttachmentIDs, pr.PersonID); err != nil {
				return err
			}
		}
		return t.publish(ctx, tx, s, &r, pr, note, "toolkit.sheet.rollback")
	})
	if err != nil {
		return nil, err
	}
	return t.Get(ctx, id)
}

// Archive withdraws a sheet, keeping its history: editors only.
func (t *Toolkit) Archive(ctx context.Context, id int64) (*SheetView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.editing(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(map[string]any{"state": StateArchived, "updated_at": t.p.Now()}).Error; err != nil {
			return fmt.Errorf("toolkit: archive sheet %d: %w", s.ID, err)
		}
		if err := t.unindex(ctx, tx, KindSheet, s.ID); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.archive", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return t.Get(ctx, id)
}

// Revisions lists the revisions of a sheet the caller may see, newest
// first: all of them for editors; for others the published ones and their
// own.
func (t *Toolkit) Revisions(ctx context.Context, id int64) ([]Revision, error) {
	pr := incroci.PrincipalFrom(ctx)
	out := []Revision{}
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		q := tx.Where("sheet_id = ?", s.ID).Order("number DESC")
		if !isEditor(pr, s.Ambito) {
			var pid int64
			if pr != nil {
				pid = pr.PersonID
			}
			q = q.Where("status IN ? OR author_id = ?", []RevisionStatus{RevisionPublished, RevisionSuperseded}, pid)
		}
		if err := q.Find(&out).Error; err != nil {
			return fmt.Errorf("toolkit: revisions of sheet %d: %w", s.ID, err)
		}
		names, err := t.names(ctx, tx, authorsOf(out)...)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].AuthorName = names[out[i].AuthorID]
		}
		return nil
	})
	return out, err
}

// List returns one page of the sheets the caller may read, by title.
func (t *Toolkit) List(ctx context.Context, q SheetQuery) ([]Sheet, int64, error) {
	pr := incroci.PrincipalFrom(ctx)
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	if q.State == "" {
		q.State = StatePublished
	}
	if !slices.Contains([]State{StateDraft, StateReview, StatePublished, StateArchived}, q.State) {
		return nil, 0, httpx.Invalid("state", "oneof", "toolkit.state")
	}
	if q.Topic != "" && !knownTopic(q.Topic) {
		return nil, 0, httpx.Invalid("topic", "oneof", "toolkit.topic_unknown")
	}
	if q.Audience != "" && q.Audience != AudienceOperators && q.Audience != AudienceCitizens {
		return nil, 0, httpx.Invalid("audience", "oneof", "toolkit.state")
	}
	db := t.db.WithContext(ctx).Model(&Sheet{}).Where("state = ?", q.State)
	// Which ambiti's sheets the caller may list.
	switch {
	case pr != nil && pr.Admin:
	case q.State != StatePublished || q.Pending:
		// Drafts, reviews, archives and proposals: the editors' own ambiti
		// (every ambito's editor reviews the network's sheets).
		eds := []string{}
		if pr != nil {
			eds = pr.Ambiti(incroci.RoleEditor)
		}
		if len(eds) == 0 {
			return []Sheet{}, 0, nil
		}
		db = db.Where("ambito IN ?", append(eds, ""))
	case inNetwork(pr):
		db = db.Where("ambito = '' OR ambito IN ?", append(ambitiOf(pr), ""))
	default:
		db = db.Where("ambito = '' AND audience = ?", AudienceCitizens)
	}
	switch q.Ambito {
	case "":
	case "network":
		db = db.Where("ambito = ''")
	default:
		db = db.Where("ambito = ?", q.Ambito)
	}
	if q.Audience != "" {
		db = db.Where("audience = ?", q.Audience)
	}
	if q.Pending {
		db = db.Where("EXISTS (?)", t.db.Model(&Revision{}).Select("1").
			Where("sheet_id = "+(Sheet{}).TableName()+".id AND status = ?", RevisionProposed))
	}
	if q.Topic != "" {
		// Topics are stored as a JSON array of codes: the quoted code is a
		// substring of it, on both databases.
		db = db.Where("topics LIKE ?", "%\""+q.Topic+"\"%")
	}
	if s := strings.TrimSpace(q.Q); s != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s)) + "%"
		db = db.Where("LOWER(title) LIKE ? ESCAPE '\\'", like)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: count sheets: %w", err)
	}
	out := []Sheet{}
	if err := db.Order("title, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: list sheets: %w", err)
	}
	for i := range out {
		t.markOverdue(&out[i])
	}
	return out, total, nil
}

func ambitiOf(pr *incroci.Principal) []string {
	out := []string{}
	for _, g := range pr.Grants {
		if !slices.Contains(out, g.Ambito) {
			out = append(out, g.Ambito)
		}
	}
	return out
}

// CommentInput is a remark on a sheet, on one of its revisions when
// RevisionID is set.
type CommentInput struct {
	RevisionID int64  `json:"revision_id" validate:"omitempty,min=1"`
	Body       string `json:"body" validate:"required,min=1,max=2000"`
}

// AddComment adds a remark to a sheet the caller may read, by anyone who
// may propose a change to it.
func (t *Toolkit) AddComment(ctx context.Context, id int64, in CommentInput) (*Comment, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var c Comment
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if !mayPropose(pr, s.Ambito) {
			return incroci.ErrForbidden
		}
		c = Comment{SheetID: s.ID, AuthorID: pr.PersonID, Body: strings.TrimSpace(in.Body), CreatedAt: t.p.Now(), AuthorName: pr.Name}
		if in.RevisionID != 0 {
			var n int64
			if err := tx.Model(&Revision{}).Where("id = ? AND sheet_id = ?", in.RevisionID, s.ID).Count(&n).Error; err != nil {
				return fmt.Errorf("toolkit: revision %d: %w", in.RevisionID, err)
			}
			if n == 0 {
				return httpx.Invalid("revision_id", "exists", "toolkit.revision_not_found")
			}
			c.RevisionID = &in.RevisionID
		}
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("toolkit: comment: %w", err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.comment", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"comment": c.ID})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Comments lists the remarks on a sheet, oldest first, to those who may
// propose a change to it.
func (t *Toolkit) Comments(ctx context.Context, id int64) ([]Comment, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	out := []Comment{}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if !mayPropose(pr, s.Ambito) {
			return incroci.ErrForbidden
		}
		if err := tx.Where("sheet_id = ?", s.ID).Order("id").Find(&out).Error; err != nil {
			return fmt.Errorf("toolkit: comments: %w", err)
		}
		ids := make([]int64, len(out))
		for i, c := range out {
			ids[i] = c.AuthorID
		}
		names, err := t.names(ctx, tx, ids...)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].AuthorName = names[out[i].AuthorID]
		}
		return nil
	})
	return out, err
}

func uniq(list []string) []string {
	out := []string{}
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
