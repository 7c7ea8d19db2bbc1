package helpdesk

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gabriel-vasile/mimetype"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

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
	data, err := io.ReadAll(io.LimitReader(r, h.cfg.MaxAttachment+1))
	if err != nil {
		return nil, fmt.Errorf("helpdesk: read upload: %w", err)
	}
	if int64(len(data)) > h.cfg.MaxAttachment {
		return nil, &httpx.TooLargeError{Limit: h.cfg.MaxAttachment}
	}
	if len(data) == 0 {
		return nil, httpx.Invalid("file", "required", "helpdesk.file_empty")
	}
	ctype := mimetype.Detect(data).String()
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = strings.TrimSpace(ctype[:i])
	}
	if !slices.Contains(h.cfg.AttachmentTypes, ctype) {
		return nil, ErrFileType
	}
	name = cleanFileName(name)
	sum := sha256.Sum256(data)
	var kb [24]byte
	rand.Read(kb[:])
	key := hex.EncodeToString(kb[:])
	var out Attachment
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, _, pr, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Status == StatusClosed {
			return ErrClosed
		}
		if err := h.cfg.Attachments.Put(ctx, key, bytes.NewReader(data)); err != nil {
			return fmt.Errorf("helpdesk: store file: %w", err)
		}
		out = Attachment{ConsultationID: c.ID, Name: name, ContentType: ctype, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
			StorageKey: key, UploadedBy: pr.PersonID, CreatedAt: h.p.Now()}
		if err := tx.Create(&out).Error; err != nil {
			return fmt.Errorf("helpdesk: record file: %w", err)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.attachment.upload", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"attachment": out.ID, "type": ctype, "size": out.Size})
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
		if errors.Is(err, ErrNoSuchFile) {
			return nil, nil, ErrAttachmentNotFound
		}
		return nil, nil, err
	}
	return &att, rc, nil
}

// cleanFileName keeps the base name, without control characters, at most
// 200 characters; the name is shown as text, never used as a path.
func cleanFileName(name string) string {
	// Browsers escape these three in multipart file names (HTML's form
	// encoding); take them back before judging the name.
	name = strings.NewReplacer("%22", `"`, "%0D", "\r", "%0A", "\n").Replace(name)
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name
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
