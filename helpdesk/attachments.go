package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/files"
	"gorm.io/gorm"
)

// fileAnswers answer the files Judge refuses.
var fileAnswers = files.Answers{EmptyKey: "helpdesk.file_empty", Type: ErrFileType}

// Upload stores a file for a consultation, to be attached to the caller's
// next message (by its id). The type is read from the content, never from
// the name, and must be one of Config.AttachmentTypes (else ErrFileType,
// 415); a file larger than Config.MaxAttachment is refused (413). Files
// the desk's consultants upload for an internal note stay internal.
func (h *Helpdesk) Upload(ctx context.Context, id int64, name string, r io.Reader) (*Attachment, error) {
	// Access first: someone who may not see the consultation learns
	// nothing from how their file is judged.
	if _, _, _, err := h.load(ctx, h.db, id); err != nil {
		return nil, err
	}
	u, err := fileAnswers.Judge(r, name, h.cfg.MaxAttachment, h.cfg.AttachmentTypes)
	if err != nil {
		return nil, err
	}
	key := files.NewKey()
	var out Attachment
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, _, pr, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Status == StatusClosed {
			return ErrClosed
		}
		if err := h.cfg.Attachments.Put(ctx, key, u.Reader()); err != nil {
			return fmt.Errorf("helpdesk: store file: %w", err)
		}
		out = Attachment{ConsultationID: c.ID, Name: u.Name, ContentType: u.Type, Size: u.Size(), SHA256: u.SHA256,
			StorageKey: key, UploadedBy: pr.PersonID, CreatedAt: h.p.Now()}
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("helpdesk: record file: %w", err)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.attachment.upload", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"attachment": out.ID, "type": u.Type, "size": out.Size})
	})
	if err != nil {
		// The file, if stored, belongs to nothing: remove it.
		if derr := h.cfg.Attachments.Delete(context.WithoutCancel(ctx), key); derr != nil {
			h.log.WarnContext(ctx, "helpdesk: remove orphan file", "err", derr)
		}
		return nil, err
	}
	return &out, nil
}

// Download opens an attachment the caller may see (internal ones only for
// the desk's consultants) and records the reading.
func (h *Helpdesk) Download(ctx context.Context, id, attachmentID int64) (*Attachment, io.ReadCloser, error) {
	var att Attachment
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, pr, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		err = tx.Where("id = ? AND consultation_id = ?", attachmentID, c.ID).Take(&att).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrAttachmentNotFound
		}
		if err != nil {
			return fmt.Errorf("helpdesk: attachment: %w", err)
		}
		// Internal files, and files not yet sent by someone else, stay hidden.
		if (att.Internal && v != viewStaff) || (att.MessageID == nil && att.UploadedBy != pr.PersonID) {
			return ErrAttachmentNotFound
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.attachment.read", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int64{"attachment": att.ID})
	})
	if err != nil {
		return nil, nil, err
	}
	rc, err := h.cfg.Attachments.Open(ctx, att.StorageKey)
	if err != nil {
		if errors.Is(err, files.ErrNoSuchFile) {
			return nil, nil, ErrAttachmentNotFound
		}
		return nil, nil, err
	}
	return &att, rc, nil
}

// DeleteUpload removes a file the caller uploaded and has not sent yet.
func (h *Helpdesk) DeleteUpload(ctx context.Context, id, attachmentID int64) error {
	var key string
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, _, pr, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		var att Attachment
		err = tx.Where("id = ? AND consultation_id = ? AND uploaded_by = ? AND message_id IS NULL", attachmentID, c.ID, pr.PersonID).Take(&att).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrAttachmentNotFound
		}
		if err != nil {
			return fmt.Errorf("helpdesk: attachment: %w", err)
		}
		if err := tx.Delete(&Attachment{}, att.ID).Error; err != nil {
			return fmt.Errorf("helpdesk: delete attachment: %w", err)
		}
		key = att.StorageKey
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.attachment.delete", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int64{"attachment": att.ID})
	})
	if err != nil {
		return err
	}
	return h.cfg.Attachments.Delete(ctx, key)
}

// unsentUploadTTL is how long a file uploaded but never sent is kept.
const unsentUploadTTL = 24 * time.Hour

// pruneUnsent deletes files uploaded more than a day ago and never sent.
func (h *Helpdesk) pruneUnsent(ctx context.Context) error {
	var rows []Attachment
	if err := h.db.WithContext(ctx).Where("message_id IS NULL AND created_at < ?", h.p.Now().Add(-unsentUploadTTL)).Limit(500).Find(&rows).Error; err != nil {
		return fmt.Errorf("helpdesk: unsent files: %w", err)
	}
	for _, a := range rows {
		if err := h.db.WithContext(ctx).Where("id = ? AND message_id IS NULL", a.ID).Delete(&Attachment{}).Error; err != nil {
			return fmt.Errorf("helpdesk: delete unsent file: %w", err)
		}
		if err := h.cfg.Attachments.Delete(ctx, a.StorageKey); err != nil {
			h.log.WarnContext(ctx, "helpdesk: delete unsent file", "err", err)
		}
	}
	return nil
}
