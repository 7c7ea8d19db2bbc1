package helpdesk

import (
	"context"
	"fmt"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// reminderStages are how long before a consultation's deadline (a permit
// expiry, an appeal deadline) its operator and consultant are reminded:
// a week before, then the day before.
var reminderStages = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}

// m4Consultation is the column step 4 adds: the last reminder stage sent.
type m4Consultation struct {
	DeadlineReminder int `gorm:"not null;default:0"`
}

func (m4Consultation) TableName() string { return "incroci_helpdesk_consultations" }

func m4Up(tx *gorm.DB) error {
	return tx.Migrator().AddColumn(&m4Consultation{}, "DeadlineReminder")
}

// Remind e-mails the operator and the consultant of every open consultation
// whose deadline comes within a reminder stage not yet sent (a week, then
// a day before), with no case text in the e-mail and a link that opens the
// consultation (see notifyMessage). It returns how many
// reminders it queued. The hub runs it periodically; a stage is sent once,
// also with several instances.
func (h *Helpdesk) Remind(ctx context.Context) (int, error) {
	now := h.p.Now()
	sent := 0
	for stage := len(reminderStages); stage >= 1; stage-- {
		before := now.Add(reminderStages[stage-1])
		var ids []int64
		if err := h.db.WithContext(ctx).Model(&Consultation{}).
			Where("deadline IS NOT NULL AND deadline <= ? AND deadline >= ? AND status NOT IN ? AND deadline_reminder < ?",
				before, now.Add(-24*time.Hour), []Status{StatusResolved, StatusClosed}, stage).
			Order("id").Limit(500).Pluck("id", &ids).Error; err != nil {
			return sent, fmt.Errorf("helpdesk: deadlines to remind: %w", err)
		}
		for _, id := range ids {
			ok, err := h.remindOne(ctx, id, stage)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	if sent > 0 {
		h.p.WakeMail()
	}
	return sent, nil
}

func (h *Helpdesk) remindOne(ctx context.Context, id int64, stage int) (bool, error) {
	claimed := false
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Claim the stage first: a concurrent instance claiming it loses.
		// UpdateColumn leaves updated_at alone: a reminder is not activity,
		// and CloseIdle reads updated_at as the last one.
		res := tx.Model(&Consultation{}).Where("id = ? AND deadline_reminder < ?", id, stage).UpdateColumn("deadline_reminder", stage)
		if res.Error != nil {
			return fmt.Errorf("helpdesk: claim reminder: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		claimed = true
		var c Consultation
		if err := tx.Where("id = ?", id).Take(&c).Error; err != nil {
			return fmt.Errorf("helpdesk: reminder: %w", err)
		}
		day := c.Deadline.Format("02/01/2006")
		subject := fmt.Sprintf("incroci: scadenza il %s per la consulenza n. %d / deadline", day, c.ID)
		ref, err := h.refOf(ctx, tx, &c)
		if err != nil {
			return err
		}
		to := []int64{c.OperatorID}
		if c.AssigneeID != nil {
			to = append(to, *c.AssigneeID)
		}
		for _, person := range to {
			var p incroci.Person
			if err := tx.Where("id = ?", person).Take(&p).Error; err != nil {
				return fmt.Errorf("helpdesk: reminder to %d: %w", person, err)
			}
			link := h.consultantLink(&c)
			if person == c.OperatorID {
				if link, err = h.operatorLink(ctx, tx, p.Email, &c); err != nil {
					return err
				}
			}
			openIT, openEN := openLine(link, "verificare", "check")
			text := fmt.Sprintf("La consulenza %s ha una scadenza il %s (permesso o termine di ricorso).\n%s\n\n"+
				"Consultation %s has a deadline on %s (permit expiry or appeal term).\n%s\n", ref.IT(), day, openIT, ref.EN(), day, openEN)
			if err := h.mailTo(ctx, tx, mail.Address{Email: p.Email, Name: p.Name}, subject, text); err != nil {
				return err
			}
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.remind", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int{"stage": stage})
	})
	return claimed, err
}
