package toolkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/files"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// fileAnswers answer the files Judge refuses.
var fileAnswers = files.Answers{EmptyKey: "toolkit.file_empty", Type: ErrFileType, TooLarge: ErrFileTooLarge}

// AttachmentStore keeps the bytes of attachments; the database keeps what
// they are. Keys are chosen by the module: random, with no personal data.
// Partners plug in their own (an object store) by implementing it; the
// help desk takes the same kind of store (helpdesk.AttachmentStore).
type AttachmentStore = files.Store

// DiskStore is an AttachmentStore in a folder of the local disk.
type DiskStore = files.DiskStore

// NewDiskStore returns a store in dir, creating it (mode 0700) if needed.
func NewDiskStore(dir string) (*DiskStore, error) { return files.NewDiskStore(dir) }

// DefaultAttachmentTypes are the files a sheet takes by default, as their
// content shows them: PDF, OpenDocument and Word/Excel documents and
// spreadsheets, plain text and CSV, PNG and JPEG images (scanned forms).
var DefaultAttachmentTypes = []string{
	"application/pdf",
	"application/vnd.oasis.opendocument.text",
	"application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"text/plain", "text/csv",
	"image/png", "image/jpeg",
}

// AttachmentStatus is where an attachment stands.
type AttachmentStatus string

// The statuses of an attachment.
const (
	// AttachmentPending: added with a draft or a proposed change
	// (RevisionID), it reaches the sheet when that revision is published;
	// until then only editors, the sheet's owner, its uploader and the
	// revision's author see it.
	AttachmentPending AttachmentStatus = "pending"
	// AttachmentPublished: on the sheet as it is published.
	AttachmentPublished AttachmentStatus = "published"
	// AttachmentRemoved: taken off the published sheet, kept because an
	// earlier published revision listed it (a rollback to that revision
	// brings it back). Nobody downloads it meanwhile.
	AttachmentRemoved AttachmentStatus = "removed"
)

// Attachment is a file of a sheet (a form, a template), judged by its
// content and kept in the module's AttachmentStore under StorageKey.
type Attachment struct {
	ID      int64 `gorm:"primaryKey" json:"id"`
	SheetID int64 `gorm:"not null;index" json:"sheet_id"`
	// RevisionID is the draft or proposed change the file came with; nil
	// when an editor added it straight to the published sheet.
	RevisionID *int64           `gorm:"index" json:"revision_id"`
	Status     AttachmentStatus `gorm:"size:16;not null" json:"status"`
	// Title says what the file is, for people ("Modulo di richiesta").
	Title string `gorm:"size:200;not null" json:"title"`
	// Lang is the language the file is written in (ISO 639), "" when not
	// said.
	Lang string `gorm:"size:8;not null;default:''" json:"lang"`
	// Name is the file's base name, shown as text.
	Name string `gorm:"size:200;not null" json:"name"`
	// ContentType is the type its bytes show.
	ContentType string     `gorm:"size:100;not null" json:"content_type"`
	Size        int64      `gorm:"not null" json:"size"`
	SHA256      string     `gorm:"size:64;not null" json:"sha256"`
	StorageKey  string     `gorm:"size:100;not null" json:"-"`
	UploadedBy  int64      `gorm:"not null" json:"uploaded_by"`
	CreatedAt   time.Time  `json:"created_at"`
	RemovedAt   *time.Time `json:"-"`
	RemovedBy   *int64     `json:"-"`
	// UploaderName is the uploader's name, in views.
	UploaderName string `gorm:"-" json:"uploader_name,omitempty"`
}

// TableName places the table under the module's prefix.
func (Attachment) TableName() string { return "incroci_toolkit_attachments" }

// AttachmentInput describes a file added to a sheet.
type AttachmentInput struct {
	Title string `json:"title" validate:"required,min=2,max=200,nocontrol"`
	// Lang is the language the file is written in, "" when not said.
	Lang string `json:"lang" validate:"omitempty,max=8"`
	// RevisionID names the caller's draft or proposed change the file goes
	// with; 0 adds it to the sheet itself: straight to a published sheet
	// (its editors only), or to the draft of one not yet published.
	RevisionID int64 `json:"revision_id" validate:"omitempty,min=1"`
}

// attachTarget says where a file the caller adds to sheet s goes: its
// status and the revision it waits for. authored says whether the caller
// wrote a revision of s.
func (t *Toolkit) attachTarget(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, s *Sheet, authored bool, revID int64) (AttachmentStatus, *int64, error) {
	if s.State == StateArchived {
		return "", nil, ErrArchived
	}
	editor := isEditor(pr, s.Ambito)
	if revID == 0 {
		if s.PublishedID != nil {
			// A proposal never changes a published sheet until accepted:
			// only editors change its files directly.
			if !editor {
				return "", nil, ErrAttachmentEditors
			}
			return AttachmentPublished, nil, nil
		}
		if !editor && s.OwnerID != pr.PersonID && !authored {
			return "", nil, incroci.ErrForbidden
		}
		latest := s.LatestID
		return AttachmentPending, &latest, nil
	}
	var r Revision
	err := tx.WithContext(ctx).Where("id = ? AND sheet_id = ?", revID, s.ID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil, httpx.Invalid("revision_id", "exists", "toolkit.revision_not_found")
	}
	if err != nil {
		return "", nil, fmt.Errorf("toolkit: revision %d: %w", revID, err)
	}
	if !editor && r.AuthorID != pr.PersonID {
		return "", nil, incroci.ErrForbidden
	}
	if r.Status != RevisionDraft && r.Status != RevisionProposed {
		return "", nil, ErrRevisionState
	}
	return AttachmentPending, &r.ID, nil
}

// fileTooLarge gives a file over the limit the toolkit's message, which
// names the limit.
func fileTooLarge(err error) error { return files.TooLarge(err, ErrFileTooLarge) }

// Attach adds the file r, named name, to sheet id. Editors of the sheet's
// ambito (any editor for the network's sheets) add files straight to a
// published sheet; whoever may write a draft or a proposed change adds
// files to it (in.RevisionID, or the draft of a sheet not yet published),
// and they reach the published sheet only when that revision is published.
// The type is read from the content, never from the name, and must be one
// of Config.AttachmentTypes (else ErrFileType); a file over
// Config.MaxAttachment is refused (413) and an empty one is invalid.
func (t *Toolkit) Attach(ctx context.Context, id int64, in AttachmentInput, name string, r io.Reader) (*Attachment, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	// Access first: someone who may not add files learns nothing from how
	// their file would be judged.
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		_, _, err = t.attachTarget(ctx, tx, pr, s, authored, in.RevisionID)
		return err
	})
	if err != nil {
		return nil, err
	}
	in.Title, in.Lang = strings.TrimSpace(in.Title), strings.TrimSpace(in.Lang)
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if in.Lang != "" && in.Lang != "it" && language(in.Lang) == nil {
		return nil, httpx.Invalid("lang", "oneof", "toolkit.language")
	}
	u, err := fileAnswers.Judge(r, name, t.cfg.MaxAttachment, t.cfg.AttachmentTypes)
	if err != nil {
		return nil, err
	}
	key := files.NewKey()
	var out Attachment
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, err := t.visible(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		status, rev, err := t.attachTarget(ctx, tx, pr, s, authored, in.RevisionID)
		if err != nil {
			return err
		}
		if err := t.cfg.Attachments.Put(ctx, key, u.Reader()); err != nil {
			return fmt.Errorf("toolkit: store file: %w", err)
		}
		out = Attachment{SheetID: s.ID, RevisionID: rev, Status: status, Title: in.Title, Lang: in.Lang, Name: u.Name, ContentType: u.Type,
			Size: u.Size(), SHA256: u.SHA256, StorageKey: key, UploadedBy: pr.PersonID, CreatedAt: t.p.Now(), UploaderName: pr.Name}
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("toolkit: record file: %w", err)
		}
		if status == AttachmentPublished {
			if err := t.syncPublishedList(ctx, tx, s); err != nil {
				return err
			}
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.attachment.upload", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"attachment": out.ID, "revision": rev, "status": status, "type": u.Type, "size": out.Size})
	})
	if err != nil {
		// The file, if stored, belongs to nothing: remove it.
		if derr := t.cfg.Attachments.Delete(context.WithoutCancel(ctx), key); derr != nil {
			t.log.WarnContext(ctx, "toolkit: remove orphan file", "err", derr)
		}
		return nil, err
	}
	return &out, nil
}

// liveAttachments returns the attachments sheet id shows as published.
func liveAttachments(ctx context.Context, tx *gorm.DB, id int64) ([]Attachment, error) {
	out := []Attachment{}
	if err := tx.WithContext(ctx).Where("sheet_id = ? AND status = ?", id, AttachmentPublished).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("toolkit: attachments of sheet %d: %w", id, err)
	}
	return out, nil
}

// syncPublishedList writes the sheet's published attachments onto its
// published revision, which carries them (for a later rollback to it).
func (t *Toolkit) syncPublishedList(ctx context.Context, tx *gorm.DB, s *Sheet) error {
	if s.PublishedID == nil {
		return nil
	}
	return t.recordList(ctx, tx, s.ID, *s.PublishedID)
}

// recordList writes the sheet's published attachments onto revision rev.
func (t *Toolkit) recordList(ctx context.Context, tx *gorm.DB, sheetID, rev int64) error {
	live, err := liveAttachments(ctx, tx, sheetID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(live))
	for i, a := range live {
		ids[i] = a.ID
	}
	if err := tx.WithContext(ctx).Model(&Revision{}).Where("id = ?", rev).Select("AttachmentIDs").Updates(&Revision{AttachmentIDs: ids}).Error; err != nil {
		return fmt.Errorf("toolkit: attachments of revision %d: %w", rev, err)
	}
	return nil
}

// publishAttachments, as revision r is published, brings the files that
// came with it onto the sheet and records the sheet's list on r.
func (t *Toolkit) publishAttachments(ctx context.Context, tx *gorm.DB, s *Sheet, r *Revision) error {
	if err := tx.WithContext(ctx).Model(&Attachment{}).Where("sheet_id = ? AND status = ? AND revision_id = ?", s.ID, AttachmentPending, r.ID).
		Update("status", AttachmentPublished).Error; err != nil {
		return fmt.Errorf("toolkit: publish attachments: %w", err)
	}
	return t.recordList(ctx, tx, s.ID, r.ID)
}

// restoreAttachments makes ids the sheet's published attachments, as a
// rollback to the revision that carried them: files taken off since come
// back, files added since are taken off (kept for history).
func (t *Toolkit) restoreAttachments(ctx context.Context, tx *gorm.DB, sheetID int64, ids []int64, by int64) error {
	now := t.p.Now()
	q := tx.WithContext(ctx).Model(&Attachment{}).Where("sheet_id = ? AND status = ?", sheetID, AttachmentPublished)
	if len(ids) > 0 {
		q = q.Where("id NOT IN ?", ids)
	}
	if err := q.Updates(map[string]any{"status": AttachmentRemoved, "removed_at": now, "removed_by": by}).Error; err != nil {
		return fmt.Errorf("toolkit: roll attachments back: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if err := tx.WithContext(ctx).Model(&Attachment{}).Where("sheet_id = ? AND status = ? AND id IN ?", sheetID, AttachmentRemoved, ids).
		Updates(map[string]any{"status": AttachmentPublished, "removed_at": nil, "removed_by": nil}).Error; err != nil {
		return fmt.Errorf("toolkit: roll attachments back: %w", err)
	}
	return nil
}

// carryAttachments moves the files waiting for a sheet's earlier drafts
// onto its new draft rev (a sheet not yet published: the new draft
// replaces them, as it carries their text on).
func carryAttachments(ctx context.Context, tx *gorm.DB, sheetID, rev int64) error {
	if err := tx.WithContext(ctx).Model(&Attachment{}).Where("sheet_id = ? AND status = ?", sheetID, AttachmentPending).
		Update("revision_id", rev).Error; err != nil {
		return fmt.Errorf("toolkit: carry attachments over: %w", err)
	}
	return nil
}

// dropAttachments deletes the files waiting for rejected revision rev of a
// published sheet, returning their storage keys to delete after commit.
func dropAttachments(ctx context.Context, tx *gorm.DB, sheetID, rev int64) ([]string, error) {
	var keys []string
	q := tx.WithContext(ctx).Model(&Attachment{}).Where("sheet_id = ? AND status = ? AND revision_id = ?", sheetID, AttachmentPending, rev)
	if err := q.Session(&gorm.Session{}).Pluck("storage_key", &keys).Error; err != nil {
		return nil, fmt.Errorf("toolkit: attachments of revision %d: %w", rev, err)
	}
	if len(keys) > 0 {
		if err := q.Delete(&Attachment{}).Error; err != nil {
			return nil, fmt.Errorf("toolkit: drop attachments of revision %d: %w", rev, err)
		}
	}
	return keys, nil
}

// deleteFiles removes stored files whose records are gone.
func (t *Toolkit) deleteFiles(ctx context.Context, keys []string) {
	for _, k := range keys {
		if err := t.cfg.Attachments.Delete(context.WithoutCancel(ctx), k); err != nil {
			t.log.WarnContext(ctx, "toolkit: delete file", "err", err)
		}
	}
}

// attachmentReader decides which attachments of sheet s the caller (who
// may read s) sees: the published ones; pending ones of a sheet not yet
// published (its draft's files: whoever reads the draft); of a published
// sheet, pending ones to its editors, its owner, their uploader and the
// author of the revision they wait for. Removed ones to nobody.
type attachmentReader struct {
	pr      *incroci.Principal
	s       *Sheet
	editor  bool
	authors map[int64]int64 // revision id → author
}

func (t *Toolkit) attachmentReader(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, s *Sheet) (*attachmentReader, error) {
	ar := &attachmentReader{pr: pr, s: s, editor: isEditor(pr, s.Ambito), authors: map[int64]int64{}}
	if s.PublishedID != nil && !ar.editor && pr != nil {
		var revs []Revision
		if err := tx.WithContext(ctx).Select("id", "author_id").Where("sheet_id = ? AND status IN ?", s.ID, []RevisionStatus{RevisionDraft, RevisionProposed}).
			Find(&revs).Error; err != nil {
			return nil, fmt.Errorf("toolkit: revisions of sheet %d: %w", s.ID, err)
		}
		for _, r := range revs {
			ar.authors[r.ID] = r.AuthorID
		}
	}
	return ar, nil
}

func (ar *attachmentReader) sees(a *Attachment) bool {
	switch a.Status {
	case AttachmentPublished:
		return true
	case AttachmentPending:
		if ar.s.PublishedID == nil || ar.editor {
			return true
		}
		if ar.pr == nil || ar.pr.PersonID == 0 {
			return false
		}
		pid := ar.pr.PersonID
		return ar.s.OwnerID == pid || a.UploadedBy == pid || (a.RevisionID != nil && ar.authors[*a.RevisionID] == pid)
	}
	return false
}

// Attachments lists the files of sheet id the caller sees: those of the
// sheet as shown (status "published"; for a sheet not yet published, its
// draft's), then those waiting for a draft or a proposed change (status
// "pending", with the revision), to editors, the owner, their uploader and
// that revision's author.
func (t *Toolkit) Attachments(ctx context.Context, id int64) ([]Attachment, error) {
	pr := incroci.PrincipalFrom(ctx)
	out := []Attachment{}
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		ar, err := t.attachmentReader(ctx, tx, pr, s)
		if err != nil {
			return err
		}
		var all []Attachment
		if err := tx.Where("sheet_id = ? AND status IN ?", s.ID, []AttachmentStatus{AttachmentPublished, AttachmentPending}).
			Order("CASE WHEN status = 'published' THEN 0 ELSE 1 END, id").Find(&all).Error; err != nil {
			return fmt.Errorf("toolkit: attachments of sheet %d: %w", s.ID, err)
		}
		for _, a := range all {
			if ar.sees(&a) {
				out = append(out, a)
			}
		}
		if err := t.nameUploaders(ctx, tx, out); err != nil {
			return err
		}
		if s.State != StatePublished {
			return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.attachment.list", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)}, nil)
		}
		return nil
	})
	return out, err
}

// nameUploaders fills the uploaders' names.
func (t *Toolkit) nameUploaders(ctx context.Context, tx *gorm.DB, list []Attachment) error {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.UploadedBy
	}
	names, err := t.names(ctx, tx, ids...)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].UploaderName = names[list[i].UploadedBy]
	}
	return nil
}

// shownAttachments returns the files of the sheet as shown: the published
// ones, or for a sheet never published, its draft's.
func shownAttachments(ctx context.Context, tx *gorm.DB, s *Sheet) ([]Attachment, error) {
	status := AttachmentPublished
	if s.PublishedID == nil {
		status = AttachmentPending
	}
	out := []Attachment{}
	if err := tx.WithContext(ctx).Where("sheet_id = ? AND status = ?", s.ID, status).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("toolkit: attachments of sheet %d: %w", s.ID, err)
	}
	return out, nil
}

// findAttachment loads attachment aid of sheet s, if the caller sees it.
func (t *Toolkit) findAttachment(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, s *Sheet, aid int64) (*Attachment, error) {
	var a Attachment
	err := tx.WithContext(ctx).Where("id = ? AND sheet_id = ?", aid, s.ID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrAttachmentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("toolkit: attachment %d: %w", aid, err)
	}
	ar, err := t.attachmentReader(ctx, tx, pr, s)
	if err != nil {
		return nil, err
	}
	if !ar.sees(&a) {
		return nil, ErrAttachmentNotFound
	}
	return &a, nil
}

// OpenAttachment opens file aid of sheet id, if the caller sees it (see
// Attachments). Reading a file of a sheet not published, or one waiting
// for a revision, is recorded in the audit log, as reading such a sheet is.
func (t *Toolkit) OpenAttachment(ctx context.Context, id, aid int64) (*Attachment, io.ReadCloser, error) {
	pr := incroci.PrincipalFrom(ctx)
	var a *Attachment
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if a, err = t.findAttachment(ctx, tx, pr, s, aid); err != nil {
			return err
		}
		if s.State != StatePublished || a.Status != AttachmentPublished {
			return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.attachment.read", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
				map[string]int64{"attachment": a.ID})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	rc, err := t.cfg.Attachments.Open(ctx, a.StorageKey)
	if errors.Is(err, files.ErrNoSuchFile) {
		return nil, nil, ErrAttachmentNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("toolkit: open attachment %d: %w", a.ID, err)
	}
	return a, rc, nil
}

// RemoveAttachment takes file aid off sheet id. A file of the published
// sheet: its editors only (ErrAttachmentEditors for others who see it);
// it is kept, unseen, while an earlier published revision lists it, so that
// a rollback to that revision brings it back, and deleted otherwise. A
// file waiting for a draft or a proposal: its uploader, that revision's
// author, the editors (and, for a sheet not yet published, whoever writes
// its draft); it is deleted.
func (t *Toolkit) RemoveAttachment(ctx context.Context, id, aid int64) error {
	pr, err := caller(ctx)
	if err != nil {
		return err
	}
	var drop []string
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, authored, err := t.visible(ctx, tx, pr, id, true)
		if err != nil {
			return err
		}
		a, err := t.findAttachment(ctx, tx, pr, s, aid)
		if err != nil {
			return err
		}
		if s.State == StateArchived {
			return ErrArchived
		}
		editor := isEditor(pr, s.Ambito)
		keep := false
		switch {
		case a.Status == AttachmentPublished:
			if !editor {
				return ErrAttachmentEditors
			}
			if keep, err = listedEarlier(ctx, tx, s, a.ID); err != nil {
				return err
			}
		case editor || a.UploadedBy == pr.PersonID:
		case s.PublishedID == nil && (s.OwnerID == pr.PersonID || authored):
		default:
			var author int64
			if a.RevisionID != nil {
				if err := tx.Model(&Revision{}).Where("id = ?", *a.RevisionID).Pluck("author_id", &author).Error; err != nil {
					return fmt.Errorf("toolkit: revision %d: %w", *a.RevisionID, err)
				}
			}
			if author != pr.PersonID {
				return incroci.ErrForbidden
			}
		}
		if keep {
			err = tx.Model(&Attachment{}).Where("id = ?", a.ID).Updates(map[string]any{"status": AttachmentRemoved, "removed_at": t.p.Now(), "removed_by": pr.PersonID}).Error
		} else {
			err = tx.Delete(&Attachment{}, a.ID).Error
			drop = append(drop, a.StorageKey)
		}
		if err != nil {
			return fmt.Errorf("toolkit: remove attachment %d: %w", a.ID, err)
		}
		if a.Status == AttachmentPublished {
			if err := t.syncPublishedList(ctx, tx, s); err != nil {
				return err
			}
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "toolkit.attachment.delete", ObjectType: "sheet", ObjectID: fmt.Sprint(s.ID)},
			map[string]any{"attachment": a.ID, "status": a.Status, "kept": keep})
	})
	if err != nil {
		return err
	}
	t.deleteFiles(ctx, drop)
	return nil
}

// listedEarlier reports whether a revision of sheet s other than the one
// published lists attachment aid (a rollback to it would bring it back).
func listedEarlier(ctx context.Context, tx *gorm.DB, s *Sheet, aid int64) (bool, error) {
	var revs []Revision
	q := tx.WithContext(ctx).Select("id", "attachment_ids").Where("sheet_id = ? AND attachment_ids IS NOT NULL", s.ID)
	if s.PublishedID != nil {
		q = q.Where("id <> ?", *s.PublishedID)
	}
	if err := q.Find(&revs).Error; err != nil {
		return false, fmt.Errorf("toolkit: revisions of sheet %d: %w", s.ID, err)
	}
	for _, r := range revs {
		if slices.Contains(r.AttachmentIDs, aid) {
			return true, nil
		}
	}
	return false, nil
}
