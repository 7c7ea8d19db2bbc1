package helpdesk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// Anonymise removes the free text and the files of consultations closed
// more than Config.Retention ago: subject, question, messages, notes,
// attachments, the beneficiary's label and the intake, the places and
// video links of its appointments, and the note, service, place and video
// link of the mediation requests linked to it (with the notes of their
// package's ledger). What reports count stays: desk, topic, ambito,
// urgency, the beneficiary's age band, nationality and language, the
// times, and the mediations' languages, modes, minutes and dates. It returns how many
// consultations it anonymised. The hub runs it periodically; it is safe to
// run from several instances. It also deletes files uploaded more than a
// day ago and never sent.
func (h *Helpdesk) Anonymise(ctx context.Context) (int, error) {
	if err := h.pruneUnsent(ctx); err != nil {
		return 0, err
	}
	before := h.p.Now().Add(-h.cfg.Retention)
	var ids []int64
	if err := h.db.WithContext(ctx).Model(&Consultation{}).
		Where("status = ? AND closed_at < ? AND anonymised_at IS NULL", StatusClosed, before).
		Order("id").Limit(500).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("helpdesk: consultations to anonymise: %w", err)
	}
	done := 0
	for _, id := range ids {
		if err := h.anonymiseOne(ctx, id); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// idleStatuses are where a consultation waits for nobody but its operator:
// CloseIdle closes it after Config.AutoClose with no activity.
var idleStatuses = []Status{StatusResolved, StatusWaitingOperator}

// CloseIdle closes the consultations resolved, or waiting for their
// operator, with no activity (no message, no change) for Config.AutoClose,
// so that Anonymise later removes their text. Each closing is recorded in
// the status history with no actor and in the audit log, and the operator
// is told by e-mail. It returns how many it closed. The hub runs it
// periodically; it is safe to run from several instances.
func (h *Helpdesk) CloseIdle(ctx context.Context) (int, error) {
	before := h.p.Now().Add(-h.cfg.AutoClose)
	var ids []int64
	if err := h.db.WithContext(ctx).Model(&Consultation{}).
		Where("status IN ? AND updated_at < ? AND last_message_at < ?", idleStatuses, before, before).
		Order("id").Limit(500).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("helpdesk: idle consultations: %w", err)
	}
	done := 0
	for _, id := range ids {
		ok, err := h.closeIdleOne(ctx, id, before)
		if err != nil {
			return done, err
		}
		if ok {
			done++
			h.publishChange(ctx, id, "consultation.status")
		}
	}
	if done > 0 {
		h.p.WakeMail()
	}
	return done, nil
}

func (h *Helpdesk) closeIdleOne(ctx context.Context, id int64, before time.Time) (bool, error) {
	closed := false
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Claim it first: a concurrent instance, or a message that came
		// meanwhile, makes the claim miss.
		res := tx.Model(&Consultation{}).Where("id = ? AND status IN ? AND updated_at < ? AND last_message_at < ?", id, idleStatuses, before, before).
			Update("updated_at", h.p.Now())
		if res.Error != nil {
			return fmt.Errorf("helpdesk: close idle %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		var c Consultation
		if err := tx.Where("id = ?", id).Take(&c).Error; err != nil {
			return fmt.Errorf("helpdesk: close idle %d: %w", id, err)
		}
		from := c.Status
		if err := h.move(ctx, tx, &c, StatusClosed, 0); err != nil {
			return err
		}
		closed = true
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.autoclose", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"from": from, "idle_days": int(h.cfg.AutoClose / (24 * time.Hour))}); err != nil {
			return err
		}
		var op incroci.Person
		if err := tx.Where("id = ?", c.OperatorID).Take(&op).Error; err != nil {
			return fmt.Errorf("helpdesk: close idle %d: operator: %w", id, err)
		}
		ref, err := h.refOf(ctx, tx, &c)
		if err != nil {
			return err
		}
		days := int(h.cfg.AutoClose / (24 * time.Hour))
		return h.mailTo(ctx, tx, mail.Address{Email: op.Email, Name: op.Name}, fmt.Sprintf("incroci: consulenza n. %d chiusa / consultation closed", c.ID),
			fmt.Sprintf("La consulenza %s è stata chiusa perché è rimasta senza attività per %d giorni. Se serve ancora aiuto, aprine una nuova.\n\n"+
				"Consultation %s was closed after %d days with no activity. If you still need help, open a new one.\n", ref.IT(), days, ref.EN(), days))
	})
	return closed, err
}

func (h *Helpdesk) anonymiseOne(ctx context.Context, id int64) error {
	var keys []string
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Consultation
		if err := tx.Where("id = ? AND anonymised_at IS NULL", id).Take(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil // another instance did it
			}
			return fmt.Errorf("helpdesk: anonymise %d: %w", id, err)
		}
		if err := tx.Model(&Attachment{}).Where("consultation_id = ?", id).Pluck("storage_key", &keys).Error; err != nil {
			return fmt.Errorf("helpdesk: anonymise %d: %w", id, err)
		}
		for _, q := range []struct {
			what  string
			model any
		}{{"attachments", &Attachment{}}, {"messages", &Message{}}, {"read marks", &ReadMark{}}} {
			if err := tx.Where("consultation_id = ?", id).Delete(q.model).Error; err != nil {
				return fmt.Errorf("helpdesk: anonymise %d: %s: %w", id, q.what, err)
			}
		}
		if err := tx.Model(&AppointmentSlot{}).Where("consultation_id = ?", id).
			Updates(map[string]any{"place": "", "video_url": ""}).Error; err != nil {
			return fmt.Errorf("helpdesk: anonymise %d: appointments: %w", id, err)
		}
		var requests []int64
		if err := tx.Model(&MediationRequest{}).Where("consultation_id = ?", id).Pluck("id", &requests).Error; err != nil {
			return fmt.Errorf("helpdesk: anonymise %d: mediation requests: %w", id, err)
		}
		if len(requests) > 0 {
			if err := tx.Model(&MediationRequest{}).Where("id IN ?", requests).
				Updates(map[string]any{"note": "", "service": "", "place": "", "video_url": ""}).Error; err != nil {
				return fmt.Errorf("helpdesk: anonymise %d: mediation requests: %w", id, err)
			}
			if err := tx.Model(&LedgerEntry{}).Where("booking_id IN ?", requests).Update("note", "").Error; err != nil {
				return fmt.Errorf("helpdesk: anonymise %d: mediation ledger: %w", id, err)
			}
		}
		now := h.p.Now()
		if err := tx.Model(&Consultation{}).Where("id = ?", id).Updates(map[string]any{
			"subject": "", "question": "", "service": "", "beneficiary_label": "", "intake": "{}", "deadline": nil,
			"anonymised_at": now, "updated_at": now,
		}).Error; err != nil {
			return fmt.Errorf("helpdesk: anonymise %d: %w", id, err)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.anonymise", ObjectType: "consultation", ObjectID: fmt.Sprint(id)},
			map[string]int{"files": len(keys), "mediation_requests": len(requests)})
	})
	if err != nil {
		return err
	}
	// The rows are gone: the files follow (a failure leaves an orphan file
	// with no name or owner, logged for the operator of the hub).
	for _, k := range keys {
		if err := h.cfg.Attachments.Delete(ctx, k); err != nil {
			h.log.WarnContext(ctx, "helpdesk: delete file of an anonymised consultation", "err", err)
		}
	}
	return nil
}

// ExportedFile is an attachment with its content, in an export.
type ExportedFile struct {
	Attachment
	// Content is the file, base64-encoded; empty when Missing.
	Content string `json:"content"`
	// Missing is true when the store no longer holds the file: the export
	// says so rather than failing.
	Missing bool `json:"missing,omitempty"`
}

// Export is a whole consultation, to answer an access request.
type Export struct {
	ExportedAt time.Time          `json:"exported_at"`
	Detail     ConsultationDetail `json:"consultation"`
	Files      []ExportedFile     `json:"files"`
	// MediationRequests are the mediator bookings linked to the
	// consultation, with their notes.
	MediationRequests []MediationRequest `json:"mediation_requests"`
}

// Export returns a whole consultation with every message, note and file,
// and the mediation requests linked to it, to answer a data subject's
// access request. A file missing from the store is listed as missing. The
// desk's consultants and the coordinators of its ambito may export; the
// export is recorded in the audit log.
func (h *Helpdesk) Export(ctx context.Context, id int64) (*Export, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	out := &Export{ExportedAt: h.p.Now(), Files: []ExportedFile{}, MediationRequests: []MediationRequest{}}
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Consultation
		if err := tx.Where("id = ?", id).Take(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrConsultationNotFound
			}
			return fmt.Errorf("helpdesk: export %d: %w", id, err)
		}
		v, err := h.viewOf(ctx, tx, pr, &c)
		if err != nil {
			return err
		}
		if v != viewStaff && !pr.Has(incroci.RoleCoordinator, c.Ambito) {
			if v == viewNone {
				return ErrConsultationNotFound
			}
			return incroci.ErrForbidden
		}
		d, err := h.detail(ctx, tx, &c, viewStaff, pr)
		if err != nil {
			return err
		}
		out.Detail = *d
		missing := 0
		for _, a := range d.Attachments {
			f, err := h.readFile(ctx, a.StorageKey)
			if errors.Is(err, ErrNoSuchFile) {
				h.log.WarnContext(ctx, "helpdesk: export: file missing from the store", "consultation", c.ID, "attachment", a.ID)
				out.Files = append(out.Files, ExportedFile{Attachment: a, Missing: true})
				missing++
				continue
			}
			if err != nil {
				return err
			}
			out.Files = append(out.Files, ExportedFile{Attachment: a, Content: base64.StdEncoding.EncodeToString(f)})
		}
		if err := tx.Where("consultation_id = ?", c.ID).Order("id").Find(&out.MediationRequests).Error; err != nil {
			return fmt.Errorf("helpdesk: export %d: mediation requests: %w", id, err)
		}
		rs := make([]*MediationRequest, len(out.MediationRequests))
		for i := range out.MediationRequests {
			rs[i] = &out.MediationRequests[i]
		}
		if err := h.nameRequests(ctx, tx, rs); err != nil {
			return err
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.export", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int{"files": len(out.Files), "missing_files": missing, "mediation_requests": len(out.MediationRequests)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (h *Helpdesk) readFile(ctx context.Context, key string) ([]byte, error) {
	rc, err := h.cfg.Attachments.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: export file: %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("helpdesk: export file: %w", err)
	}
	return data, nil
}
