package training

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/ical"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// prodID names the module in the calendars it writes.
const prodID = "-//incroci//training//IT"

// meetingUID identifies a meeting in every calendar, for good.
func meetingUID(id int64) string { return fmt.Sprintf("training-meeting-%d@incroci", id) }

// events returns the meetings of e as calendar events of course c.
func events(e *Edition, c *Course, cancelled bool) []ical.Event {
	out := make([]ical.Event, 0, len(e.Meetings))
	for i, m := range e.Meetings {
		ev := ical.Event{UID: meetingUID(m.ID), Summary: c.Title, Start: m.Start, End: m.End, Location: m.Place, Stamp: e.UpdatedAt}
		if len(e.Meetings) > 1 {
			ev.Summary = fmt.Sprintf("%s (%d/%d)", c.Title, i+1, len(e.Meetings))
		}
		if m.VideoURL != "" {
			ev.URL = m.VideoURL
			if ev.Location == "" {
				ev.Location = m.VideoURL
			}
		}
		ev.Description = strings.TrimSpace(c.Goals)
		if cancelled {
			ev.Status, ev.Sequence = ical.StatusCancelled, 1
		}
		out = append(out, ev)
	}
	return out
}

// when writes the meetings of e for an e-mail, in Italian time.
func when(e *Edition) (it, en string) {
	var bi, be strings.Builder
	for _, m := range e.Meetings {
		s, f := m.Start.In(rome), m.End.In(rome)
		where, whereEN := m.Place, m.Place
		if m.VideoURL != "" {
			where, whereEN = "in videochiamata: "+m.VideoURL, "by video call: "+m.VideoURL
			if m.Place != "" {
				where, whereEN = m.Place+" o in videochiamata: "+m.VideoURL, m.Place+" or by video call: "+m.VideoURL
			}
		}
		fmt.Fprintf(&bi, "- %s, %s–%s, %s\n", s.Format("02/01/2006"), s.Format("15:04"), f.Format("15:04"), where)
		fmt.Fprintf(&be, "- %s, %s–%s, %s\n", s.Format("2006-01-02"), s.Format("15:04"), f.Format("15:04"), whereEN)
	}
	return bi.String(), be.String()
}

// mailEnrolment tells en's person where their enrolment in e now stands,
// in tx (sent once it commits): seat confirmed or pending approval (with
// the meetings attached as iCalendar), waiting list, a seat offered (with
// its deadline and the meetings), rejected, lapsed or cancelled.
func (t *Training) mailEnrolment(ctx context.Context, tx *gorm.DB, e *Edition, c *Course, en *Enrolment) error {
	var person incroci.Person
	if err := tx.WithContext(ctx).Where("id = ?", en.PersonID).Take(&person).Error; err != nil {
		return fmt.Errorf("training: person %d: %w", en.PersonID, err)
	}
	if len(e.Meetings) == 0 {
		var ms []Meeting
		if err := tx.WithContext(ctx).Where("edition_id = ?", e.ID).Order("start, id").Find(&ms).Error; err != nil {
			return fmt.Errorf("training: meetings of edition %d: %w", e.ID, err)
		}
		e.Meetings = ms
	}
	whenIT, whenEN := when(e)
	link := ""
	if t.cfg.LinkPage != "" {
		link = "\n" + t.cfg.LinkPage + "?incroci_edition=" + url.QueryEscape(fmt.Sprint(e.ID)) + "\n"
	}
	var subject, it, en2 string
	attach := false
	switch en.Status {
	case StatusConfirmed:
		subject, attach = "incroci: iscrizione confermata / enrolment confirmed: "+c.Title, true
		it = "La tua iscrizione al corso «%s» è confermata. Gli incontri (ora italiana):\n%s"
		en2 = "Your enrolment in the course “%s” is confirmed. The meetings (Italian time):\n%s"
	case StatusPending:
		subject, attach = "incroci: iscrizione in attesa di approvazione / enrolment awaiting approval: "+c.Title, true
		it = "Hai un posto nel corso «%s», in attesa dell'approvazione del coordinatore del tuo ambito. Gli incontri (ora italiana):\n%s"
		en2 = "You have a seat in the course “%s”, awaiting the approval of your ambito's coordinator. The meetings (Italian time):\n%s"
	case StatusWaiting:
		subject = "incroci: lista d'attesa / waiting list: " + c.Title
		it = fmt.Sprintf("Il corso «%%s» è al completo: sei in lista d'attesa (posizione %d). Se si libera un posto per te, ti scriveremo. Gli incontri (ora italiana):\n%%s", en.Position)
		en2 = fmt.Sprintf("The course “%%s” is full: you are on the waiting list (position %d). If a seat frees up for you, we will write. The meetings (Italian time):\n%%s", en.Position)
	case StatusOffered:
		until := en.OfferedUntil.In(rome)
		subject, attach = "incroci: un posto per te / a seat for you: "+c.Title, true
		it = "Si è liberato un posto nel corso «%s» ed è tuo se lo accetti entro il " + until.Format("02/01/2006 15:04") + " (ora italiana); poi passa al prossimo in lista. Gli incontri:\n%s"
		en2 = "A seat freed up in the course “%s” and it is yours if you accept it by " + until.Format("2006-01-02 15:04") + " (Italian time); then it passes on. The meetings:\n%s"
	case StatusRejected:
		subject = "incroci: iscrizione non approvata / enrolment not approved: " + c.Title
		it = "La tua iscrizione al corso «%s» non è stata approvata dal coordinatore del tuo ambito.\n%s"
		en2 = "Your enrolment in the course “%s” was not approved by your ambito's coordinator.\n%s"
		whenIT, whenEN = "", ""
	case StatusLapsed:
		subject = "incroci: posto non più disponibile / seat no longer held: " + c.Title
		it = "Il posto offerto nel corso «%s» è passato al prossimo in lista.\n%s"
		en2 = "The seat offered in the course “%s” has passed on to the next person.\n%s"
		whenIT, whenEN = "", ""
	case StatusCancelled:
		if e.Cancelled {
			subject, attach = "incroci: edizione annullata / edition cancelled: "+c.Title, true
			it = "L'edizione del corso «%s» è stata annullata: questi incontri non si terranno.\n%s"
			en2 = "The edition of the course “%s” was cancelled: these meetings will not take place.\n%s"
			break
		}
		subject = "incroci: iscrizione annullata / enrolment cancelled: " + c.Title
		it = "La tua iscrizione al corso «%s» è annullata.\n%s"
		en2 = "Your enrolment in the course “%s” is cancelled.\n%s"
		whenIT, whenEN = "", ""
	default:
		return nil
	}
	text := fmt.Sprintf(it, c.Title, whenIT) + link + "\n" + fmt.Sprintf(en2, c.Title, whenEN) + link
	msg := mail.Message{To: []mail.Address{{Email: person.Email, Name: person.Name}}, Subject: subject, Text: text,
		Headers: map[string]string{"Auto-Submitted": "auto-generated"}}
	if attach && len(e.Meetings) > 0 {
		data, err := ical.Publish(ical.Calendar{ProdID: prodID, Name: c.Title, Events: events(e, c, e.Cancelled)})
		if err != nil {
			return fmt.Errorf("training: calendar of edition %d: %w", e.ID, err)
		}
		msg.Attachments = []mail.Attachment{{Filename: "incontri.ics", ContentType: ical.ContentType(ical.MethodPublish), Data: data}}
	}
	return t.p.QueueMail(ctx, tx, msg)
}
