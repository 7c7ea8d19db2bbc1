package toolkit

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome must load on machines without zoneinfo.

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// dateLayout is how days are written: YYYY-MM-DD.
const dateLayout = "2006-01-02"

// Days are counted in Italian time (rome, in directory.go); today is there too.

// nextReview is the day a sheet checked or published today is due for
// review again: today plus Config.ReviewEvery.
func (t *Toolkit) nextReview() string {
	return t.p.Now().In(rome).Add(t.cfg.ReviewEvery).Format(dateLayout)
}

// markOverdue sets Overdue on sheets whose review_by has passed.
func (t *Toolkit) markOverdue(sheets ...*Sheet) {
	today := t.today()
	for _, s := range sheets {
		s.Overdue = s.State != StateArchived && s.ReviewBy != "" && s.ReviewBy < today
	}
}

// sheetLink returns the page of Config.LinkPage that opens sheet id, or ""
// when no page is set.
func (t *Toolkit) sheetLink(id int64) string {
	if t.cfg.LinkPage == "" {
		return ""
	}
	u, err := url.Parse(t.cfg.LinkPage)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("incroci_sheet", fmt.Sprint(id))
	u.RawQuery = q.Encode()
	return u.String()
}

// flagSource records change ch of source s and flags every sheet resting
// on s (archived ones aside), and each of their translations, outdated;
// each owner gets one e-mail listing their sheets, queued in tx. It
// returns how many sheets it flagged.
func (t *Toolkit) flagSource(ctx context.Context, tx *gorm.DB, s *Source, ch *SourceChange) (int, error) {
	var sheets []Sheet
	if err := tx.WithContext(ctx).Where("id IN (?) AND state <> ?", tx.Model(&SheetSource{}).Select("sheet_id").Where("source_id = ?", s.ID), StateArchived).
		Order("id").Find(&sheets).Error; err != nil {
		return 0, fmt.Errorf("toolkit: sheets resting on source %d: %w", s.ID, err)
	}
	ch.Sheets = len(sheets)
	if err := tx.WithContext(ctx).Create(ch).Error; err != nil {
		return 0, fmt.Errorf("toolkit: record change of source %d: %w", s.ID, err)
	}
	if len(sheets) == 0 {
		return 0, nil
	}
	reason := OutdatedSourceChanged
	if ch.Kind == ChangeExpired {
		reason = OutdatedSourceExpired
	}
	ids := make([]int64, len(sheets))
	for i, sh := range sheets {
		ids[i] = sh.ID
	}
	now := t.p.Now()
	if err := tx.WithContext(ctx).Model(&Sheet{}).Where("id IN ?", ids).Updates(map[string]any{"outdated": true, "outdated_reason": reason,
		"outdated_source_id": s.ID, "outdated_note": ch.Note, "outdated_at": now, "updated_at": now}).Error; err != nil {
		return 0, fmt.Errorf("toolkit: flag sheets outdated: %w", err)
	}
	if err := tx.WithContext(ctx).Model(&Translation{}).Where("sheet_id IN ?", ids).Updates(map[string]any{"status": TranslationOutdated,
		"outdated_reason": reason, "outdated_source_id": s.ID, "updated_at": now}).Error; err != nil {
		return 0, fmt.Errorf("toolkit: flag translations outdated: %w", err)
	}
	for _, sh := range sheets {
		if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: sh.Ambito, Action: "toolkit.sheet.outdated", ObjectType: "sheet", ObjectID: fmt.Sprint(sh.ID)},
			map[string]any{"source": s.ID, "change": ch.ID, "reason": reason}); err != nil {
			return 0, err
		}
	}
	return len(sheets), t.tellOwners(ctx, tx, s, ch, sheets)
}

// tellOwners queues one e-mail per owner of sheets, in Italian and
// English, naming the source, what happened to it and their sheets.
func (t *Toolkit) tellOwners(ctx context.Context, tx *gorm.DB, s *Source, ch *SourceChange, sheets []Sheet) error {
	byOwner := map[int64][]Sheet{}
	var owners []int64
	for _, sh := range sheets {
		if _, ok := byOwner[sh.OwnerID]; !ok {
			owners = append(owners, sh.OwnerID)
		}
		byOwner[sh.OwnerID] = append(byOwner[sh.OwnerID], sh)
	}
	var people []incroci.Person
	if err := tx.WithContext(ctx).Where("id IN ?", owners).Find(&people).Error; err != nil {
		return fmt.Errorf("toolkit: owners of sheets: %w", err)
	}
	name := s.Title
	if s.Reference != "" {
		name += " (" + s.Reference + ")"
	}
	var whatIT, whatEN string
	if ch.Kind == ChangeExpired {
		day, _ := time.Parse(dateLayout, s.ValidTo)
		whatIT = fmt.Sprintf("La fonte «%s» non è più valida dal %s.", name, day.AddDate(0, 0, 1).Format("02/01/2006"))
		whatEN = fmt.Sprintf("The source “%s” is no longer valid since %s.", name, day.AddDate(0, 0, 1).Format(dateLayout))
	} else {
		whatIT = fmt.Sprintf("La fonte «%s» è cambiata: %s", name, ch.Note)
		whatEN = fmt.Sprintf("The source “%s” changed: %s", name, ch.Note)
	}
	for _, p := range people {
		if p.Email == "" {
			continue
		}
		mine := byOwner[p.ID]
		var listIT, listEN strings.Builder
		for _, sh := range mine {
			link := t.sheetLink(sh.ID)
			fmt.Fprintf(&listIT, "- n. %d «%s»\n", sh.ID, sh.Title)
			fmt.Fprintf(&listEN, "- no. %d “%s”\n", sh.ID, sh.Title)
			if link != "" {
				fmt.Fprintf(&listIT, "  %s\n", link)
				fmt.Fprintf(&listEN, "  %s\n", link)
			}
		}
		subject := fmt.Sprintf("incroci: scheda n. %d da verificare / sheet to check", mine[0].ID)
		if len(mine) > 1 {
			subject = fmt.Sprintf("incroci: %d schede da verificare / %d sheets to check", len(mine), len(mine))
		}
		text := fmt.Sprintf("%s\n\nLe schede che curi e che si basano su questa fonte, con le loro traduzioni, sono segnate come da aggiornare:\n%s\n"+
			"Pubblica una nuova versione, o segnala la scheda come verificata se resta corretta.\n\n"+
			"%s\n\nThe sheets you keep that rest on this source, and their translations, are marked outdated:\n%s\n"+
			"Publish a new revision, or mark the sheet checked if it is still right.\n", whatIT, listIT.String(), whatEN, listEN.String())
		if err := t.p.QueueMail(ctx, tx, mail.Message{To: []mail.Address{{Email: p.Email, Name: p.Name}}, Subject: subject, Text: text,
			Headers: map[string]string{"Auto-Submitted": "auto-generated"}}); err != nil {
			return fmt.Errorf("toolkit: tell the owner of sheets: %w", err)
		}
	}
	return nil
}

// clearOutdated adds to upd, a sheet's update, what lifts its outdated
// flag.
func clearOutdated(upd map[string]any) {
	upd["outdated"], upd["outdated_reason"], upd["outdated_source_id"], upd["outdated_note"], upd["outdated_at"] = false, "", nil, "", nil
}

// MarkChecked records that an editor checked sheet id and found it
// current: the outdated flag is lifted and review_by moves to today plus
// Config.ReviewEvery. Its translations stay as they are (a mediator checks
// them). Editors of the sheet's ambito (any editor for the network's) and
// admins.
func (t *Toolkit) MarkChecked(ctx context.Context, id int64) (*SheetView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.editing(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		now := t.p.Now()
		upd := map[string]any{"checked_at": now, "checked_by": pr.PersonID, "review_by": t.nextReview(), "updated_at": now}
		clearOutdated(upd)
		if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("toolkit: check sheet %d: %w", s.ID, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.checked", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"was_outdated": s.Outdated, "review_by": upd["review_by"]})
	})
	if err != nil {
		return nil, err
	}
	return t.Get(ctx, id)
}

// SheetPatch changes who keeps a sheet current and when it is due for
// review; fields left out (nil) stay as they are.
type SheetPatch struct {
	// OwnerID must hold a role in the sheet's ambito (in any, for the
	// network's sheets).
	OwnerID *int64 `json:"owner_id" validate:"omitnil,min=1"`
	// ReviewBy is a day YYYY-MM-DD, or "" for none.
	ReviewBy *string `json:"review_by" validate:"omitnil,max=10"`
}

// UpdateSheet changes the owner or the review-by day of sheet id: editors
// of the sheet's ambito (any editor for the network's) and admins.
func (t *Toolkit) UpdateSheet(ctx context.Context, id int64, in SheetPatch) (*SheetView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if in.ReviewBy != nil {
		if issues := checkDate(nil, "review_by", *in.ReviewBy); issues != nil {
			return nil, &httpx.ValidationError{Fields: issues}
		}
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.editing(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		upd := map[string]any{"updated_at": t.p.Now()}
		if in.OwnerID != nil {
			q := tx.Model(&incroci.RoleGrant{}).Where("person_id = ? AND ambito <> ''", *in.OwnerID)
			if s.Ambito != "" {
				q = q.Where("ambito = ?", s.Ambito)
			}
			var n int64
			if err := q.Count(&n).Error; err != nil {
				return fmt.Errorf("toolkit: roles of person %d: %w", *in.OwnerID, err)
			}
			if n == 0 {
				return httpx.Invalid("owner_id", "role", "toolkit.owner_role")
			}
			upd["owner_id"] = *in.OwnerID
		}
		if in.ReviewBy != nil {
			upd["review_by"] = *in.ReviewBy
		}
		if err := tx.Model(&Sheet{}).Where("id = ?", s.ID).Updates(upd).Error; err != nil {
			return fmt.Errorf("toolkit: update sheet %d: %w", s.ID, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.sheet.update", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"owner_id": in.OwnerID, "review_by": in.ReviewBy})
	})
	if err != nil {
		return nil, err
	}
	return t.Get(ctx, id)
}

// QueueReason says why a sheet needs attention.
type QueueReason string

// The reasons a sheet is in the editors' queue.
const (
	// QueueOutdated: a legal source it rests on changed or expired.
	QueueOutdated QueueReason = "outdated"
	// QueueOverdue: its review-by day has passed.
	QueueOverdue QueueReason = "overdue"
)

// QueueItem is a sheet in the editors' queue, with why it is there.
type QueueItem struct {
	Sheet
	Reasons   []QueueReason `json:"reasons"`
	OwnerName string        `json:"owner_name,omitempty"`
	// SourceTitle is the title of the source that flagged it, when any.
	SourceTitle string `json:"outdated_source_title,omitempty"`
}

// QueueQuery filters and pages the editors' queue.
type QueueQuery struct {
	// Ambito: one ambito's sheets; "network" the network's; "" all those
	// the caller reviews.
	Ambito  string
	Page    int
	PerPage int
}

// Queue lists the sheets that need an editor's attention (outdated, or
// past their review-by day; archived ones aside), outdated first, then by
// review-by day: to the editors of their ambito (every editor for the
// network's) and admins. Others get ErrForbidden.
func (t *Toolkit) Queue(ctx context.Context, q QueueQuery) ([]QueueItem, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	eds := pr.Ambiti(incroci.RoleEditor)
	if !pr.Admin && len(eds) == 0 {
		return nil, 0, incroci.ErrForbidden
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	today := t.today()
	db := t.db.WithContext(ctx).Model(&Sheet{}).Where("state <> ?", StateArchived).
		Where("outdated = ? OR (review_by <> '' AND review_by < ?)", true, today)
	if !pr.Admin {
		db = db.Where("ambito IN ?", append(eds, ""))
	}
	switch q.Ambito {
	case "":
	case "network":
		db = db.Where("ambito = ''")
	default:
		db = db.Where("ambito = ?", q.Ambito)
	}
	var total int64
	if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: count the queue: %w", err)
	}
	var sheets []Sheet
	if err := db.Order("outdated DESC, review_by, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&sheets).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: the queue: %w", err)
	}
	out := make([]QueueItem, len(sheets))
	var owners, sources []int64
	for i := range sheets {
		t.markOverdue(&sheets[i])
		out[i] = QueueItem{Sheet: sheets[i], Reasons: []QueueReason{}}
		if sheets[i].Outdated {
			out[i].Reasons = append(out[i].Reasons, QueueOutdated)
		}
		if sheets[i].Overdue {
			out[i].Reasons = append(out[i].Reasons, QueueOverdue)
		}
		owners = append(owners, sheets[i].OwnerID)
		if sheets[i].OutdatedSourceID != nil {
			sources = append(sources, *sheets[i].OutdatedSourceID)
		}
	}
	names, err := t.names(ctx, t.db, owners...)
	if err != nil {
		return nil, 0, err
	}
	titles := map[int64]string{}
	if len(sources) > 0 {
		var found []Source
		if err := t.db.WithContext(ctx).Select("id", "title").Where("id IN ?", slices.Compact(slices.Sorted(slices.Values(sources)))).Find(&found).Error; err != nil {
			return nil, 0, fmt.Errorf("toolkit: sources of the queue: %w", err)
		}
		for _, s := range found {
			titles[s.ID] = s.Title
		}
	}
	for i := range out {
		out[i].OwnerName = names[out[i].OwnerID]
		if out[i].OutdatedSourceID != nil {
			out[i].SourceTitle = titles[*out[i].OutdatedSourceID]
		}
	}
	return out, total, nil
}
