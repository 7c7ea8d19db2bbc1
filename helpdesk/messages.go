package helpdesk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MessageInput is a message (or, for consultants, an internal note) to add
// to a consultation. ClientID is chosen by the writer's widget, once per
// message: posting again with the same id returns the same message.
type MessageInput struct {
	ClientID    string  `json:"client_id" validate:"required,min=8,max=64,printascii"`
	Body        string  `json:"body" validate:"required"`
	Internal    bool    `json:"internal"`
	Attachments []int64 `json:"attachments" validate:"max=10,dive,min=1"`
}

// Post adds a message to a consultation and moves it along: a consultant's
// answer makes it wait for the operator (and is the first response, the
// first time), an operator's message makes it wait for the consultant
// (reopening it when resolved). Internal notes change nothing but the
// dialogue of the desk's consultants. It reports whether the message is new
// (false when the client id was already used for the same message).
func (h *Helpdesk) Post(ctx context.Context, id int64, in MessageInput) (*Message, bool, error) {
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, false, err
	}
	in.Body = strings.TrimSpace(in.Body)
	if in.Body == "" {
		return nil, false, httpx.Invalid("body", "required", "helpdesk.body")
	}
	if n := len([]rune(in.Body)); n > h.cfg.MaxMessage {
		return nil, false, httpx.Invalid("body", "max", "helpdesk.too_long", h.cfg.MaxMessage)
	}
	var msg Message
	created := false
	var c *Consultation
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var v view
		var pr *incroci.Principal
		var err error
		c, v, pr, err = h.loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Internal && v != viewStaff {
			return httpx.Invalid("internal", "staff", "helpdesk.note_staff")
		}
		kind := KindMessage
		if in.Internal {
			kind = KindNote
		}
		if c.Status == StatusClosed {
			// A retry of a message sent before closing still gets it back.
			var prior Message
			if err := tx.Where("consultation_id = ? AND client_id = ?", c.ID, in.ClientID).Take(&prior).Error; err == nil {
				if prior.AuthorID != pr.PersonID || prior.Body != in.Body || prior.Kind != kind {
					return ErrClientIDReused
				}
				msg = prior
				return nil
			}
			return ErrClosed
		}
		now := h.p.Now()
		msg = Message{ConsultationID: c.ID, ClientID: in.ClientID, AuthorID: pr.PersonID, Kind: kind, Body: in.Body, CreatedAt: now}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&msg)
		if res.Error != nil {
			return fmt.Errorf("helpdesk: post message: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			// The client id was used: a retry gets the message it made.
			var prior Message
			if err := tx.Where("consultation_id = ? AND client_id = ?", c.ID, in.ClientID).Take(&prior).Error; err != nil {
				return fmt.Errorf("helpdesk: find message: %w", err)
			}
			if prior.AuthorID != pr.PersonID || prior.Body != in.Body || prior.Kind != kind {
				return ErrClientIDReused
			}
			msg = prior
			return nil
		}
		created = true
		if err := h.attach(ctx, tx, c, &msg, in.Attachments, pr.PersonID); err != nil {
			return err
		}
		statusBefore := c.Status
		updates := map[string]any{"last_message_at": now, "updated_at": now}
		moved := false
		if kind == KindMessage {
			to := StatusWaitingConsultant
			if v == viewStaff {
				to = StatusWaitingOperator
				if c.FirstResponseAt == nil {
					updates["first_response_at"] = now
				}
				if c.Status == StatusAppointment {
					// Before or during the meeting the consultation stays
					// in "appointment"; once it is over, an answer makes it
					// wait for the operator.
					ahead, err := h.appointmentAhead(ctx, tx, c.ID, now)
					if err != nil {
						return err
					}
					if ahead {
						to = c.Status
					}
				}
			}
			// A change of status touches the consultation in its own UPDATE.
			if moved, err = h.moveWith(ctx, tx, c, to, pr.PersonID, updates); err != nil {
				return err
			}
		}
		if !moved {
			if err := tx.Model(&Consultation{}).Where("id = ?", c.ID).Updates(updates).Error; err != nil {
				return fmt.Errorf("helpdesk: touch consultation: %w", err)
			}
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.message." + string(kind), ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int64{"message": msg.ID}); err != nil {
			return err
		}
		if err := h.notifyMessage(ctx, tx, c, &msg, v); err != nil {
			return err
		}
		if c.Status != statusBefore {
			if err := h.publishChangeTx(ctx, tx, c.ID, "consultation.status"); err != nil {
				return err
			}
		}
		return h.publishMessage(ctx, tx, c.ID, &msg) // last: it holds the events lock until commit
	})
	if err != nil {
		return nil, false, err
	}
	if created {
		h.p.WakeMail()
	}
	return &msg, created, nil
}

// appointmentAhead reports whether consultation id has an accepted
// appointment that has not ended by now.
func (h *Helpdesk) appointmentAhead(ctx context.Context, tx *gorm.DB, id int64, now time.Time) (bool, error) {
	var n int64
	if err := tx.WithContext(ctx).Model(&AppointmentSlot{}).Where("consultation_id = ? AND status = ? AND ends_at > ?", id, SlotAccepted, now.UTC()).
		Limit(1).Count(&n).Error; err != nil {
		return false, fmt.Errorf("helpdesk: appointment ahead: %w", err)
	}
	return n > 0, nil
}

// attach links uploaded files to the message: only files of the same
// consultation, uploaded by the writer and not yet attached.
func (h *Helpdesk) attach(ctx context.Context, tx *gorm.DB, c *Consultation, msg *Message, ids []int64, author int64) error {
	if len(ids) == 0 {
		return nil
	}
	res := tx.Model(&Attachment{}).Where("id IN ? AND consultation_id = ? AND uploaded_by = ? AND message_id IS NULL", ids, c.ID, author).
		Updates(map[string]any{"message_id": msg.ID, "internal": msg.Kind == KindNote})
	if res.Error != nil {
		return fmt.Errorf("helpdesk: attach files: %w", res.Error)
	}
	if res.RowsAffected != int64(len(uniqIDs(ids))) {
		return httpx.Invalid("attachments", "exists", "helpdesk.attachment_ids")
	}
	return nil
}

func uniqIDs(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// publishMessage announces a new message inside the transaction that
// stores it, so the announcement and the message commit together: notes to
// the consultants' stream only. Events carry ids; widgets fetch what they
// may see.
func (h *Helpdesk) publishMessage(ctx context.Context, tx *gorm.DB, consultationID int64, m *Message) error {
	data := map[string]int64{"consultation_id": consultationID, "message_id": m.ID}
	topics := []string{staffTopic(consultationID)}
	if m.Kind != KindNote {
		topics = append(topics, publicTopic(consultationID))
	}
	if _, err := h.p.PublishEachTx(ctx, tx, topics, "message.created", data); err != nil {
		return fmt.Errorf("helpdesk: publish message: %w", err)
	}
	return nil
}

// Messages returns the messages of a consultation after afterID that the
// caller may see: what a reconnecting widget fetches.
func (h *Helpdesk) Messages(ctx context.Context, id, afterID int64) ([]Message, []Attachment, error) {
	msgs, atts := []Message{}, []Attachment{}
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, _, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		q := tx.Where("consultation_id = ? AND id > ?", c.ID, afterID).Order("id").Limit(500)
		if v != viewStaff {
			q = q.Where("kind <> ?", KindNote)
		}
		if err := q.Find(&msgs).Error; err != nil {
			return fmt.Errorf("helpdesk: messages: %w", err)
		}
		if len(msgs) > 0 {
			ids := make([]int64, len(msgs))
			for i, m := range msgs {
				ids[i] = m.ID
			}
			if err := tx.Where("message_id IN ?", ids).Order("id").Find(&atts).Error; err != nil {
				return fmt.Errorf("helpdesk: attachments: %w", err)
			}
			if err := h.nameMessages(ctx, tx, msgs); err != nil {
				return err
			}
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.read", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int64{"after": afterID})
	})
	return msgs, atts, err
}

// notifyMessage e-mails the other side of the dialogue about a new message
// when they are not following the consultation live: the consultation's
// number, desk and topic, never its text, and a link that opens it (one
// that signs an operator in; for consultants, when Config.LinkPage is set).
// An operator's message on an unassigned consultation goes to the desk's
// managers, or its consultants when it has none (see deskWatchers).
func (h *Helpdesk) notifyMessage(ctx context.Context, tx *gorm.DB, c *Consultation, m *Message, v view) error {
	if m.Kind == KindNote {
		return nil
	}
	if v != viewStaff && c.AssigneeID == nil {
		// Unassigned: the desk's managers (or consultants) hear of it.
		ref, err := h.refOf(ctx, tx, c)
		if err != nil {
			return err
		}
		openIT, openEN := openLine(h.consultantLink(c), "assegnarla", "assign it")
		return h.notifyUnassigned(ctx, tx, c, fmt.Sprintf("incroci: nuovo messaggio nella consulenza n. %d, da assegnare / new message, unassigned", c.ID),
			fmt.Sprintf("C'è un nuovo messaggio nella consulenza %s, che non ha ancora un consulente.\n%s\n\n"+
				"There is a new message in consultation %s, which has no consultant yet.\n%s\n", ref.IT(), openIT, ref.EN(), openEN))
	}
	to := c.OperatorID
	if v != viewStaff {
		to = *c.AssigneeID
	}
	r, err := h.reach(ctx, tx, to, c.ID)
	if err != nil || r.Online {
		return err
	}
	ref, err := h.refOf(ctx, tx, c)
	if err != nil {
		return err
	}
	link := h.consultantLink(c)
	if v == viewStaff {
		if link, err = h.operatorLink(ctx, tx, r.Email, c); err != nil {
			return err
		}
	}
	openIT, openEN := openLine(link, "leggerlo", "read it")
	return h.mailTo(ctx, tx, mail.Address{Email: r.Email, Name: r.Name}, fmt.Sprintf("incroci: nuovo messaggio nella consulenza n. %d / new message", c.ID),
		fmt.Sprintf("C'è un nuovo messaggio nella consulenza %s.\n%s\n\nThere is a new message in consultation %s.\n%s\n",
			ref.IT(), openIT, ref.EN(), openEN))
}
