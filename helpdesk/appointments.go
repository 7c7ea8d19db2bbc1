package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Rome must load on machines without zoneinfo.

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
	"github.com/incrocicomuni/incroci/internal/ical"
	"github.com/incrocicomuni/incroci/mail"
	"golang.org/x/text/language"
	"gorm.io/gorm"
)

// AppointmentMode is how a face-to-face appointment takes place.
type AppointmentMode string

// The modes of an appointment.
const (
	AppointmentInPerson AppointmentMode = "in_person"
	AppointmentVideo    AppointmentMode = "video"
)

// SlotStatus is where a proposed appointment slot stands.
type SlotStatus string

// The statuses of an appointment slot.
const (
	// SlotProposed: offered by a consultant, waiting for the operator.
	SlotProposed SlotStatus = "proposed"
	// SlotAccepted: picked by an operator; it is the appointment.
	SlotAccepted SlotStatus = "accepted"
	// SlotDeclined: another slot of the consultation was picked.
	SlotDeclined SlotStatus = "declined"
	// SlotWithdrawn: taken back by a consultant before anyone picked it.
	SlotWithdrawn SlotStatus = "withdrawn"
	// SlotCancelled: accepted, then cancelled by either side.
	SlotCancelled SlotStatus = "cancelled"
)

// Limits of appointment proposals.
const (
	// MaxAppointmentLength is the longest an appointment may last.
	MaxAppointmentLength = 8 * time.Hour
	// MaxOpenProposals is how many proposed slots, not yet picked and not
	// past, a consultation may hold at once.
	MaxOpenProposals = 10
)

// AppointmentSlot is a time a desk's consultant offers to meet the
// operator about a consultation; the one the operator picks is the
// appointment. It holds no beneficiary data.
type AppointmentSlot struct {
	ID             int64           `gorm:"primaryKey" json:"id"`
	ConsultationID int64           `gorm:"not null;index" json:"consultation_id"`
	ProposedBy     int64           `gorm:"not null" json:"proposed_by"`
	Start          time.Time       `gorm:"column:starts_at;not null;index" json:"start"`
	End            time.Time       `gorm:"column:ends_at;not null" json:"end"`
	Mode           AppointmentMode `gorm:"size:16;not null" json:"mode"`
	// Place is where to meet, for in-person appointments.
	Place string `gorm:"size:300;not null;default:''" json:"place"`
	// VideoURL is the https link of the call, for video appointments.
	VideoURL string `gorm:"size:2000;not null;default:''" json:"video_url"`
	// Interpreter is true when an interpreter (a mediator) takes part, in
	// InterpreterLanguage (ISO 639).
	Interpreter         bool       `gorm:"not null;default:false" json:"interpreter"`
	InterpreterLanguage string     `gorm:"size:12;not null;default:''" json:"interpreter_language"`
	Status              SlotStatus `gorm:"size:16;not null;index" json:"status"`
	// Sequence is the revision of the calendar invitation (RFC 5545).
	Sequence    int        `gorm:"not null;default:0" json:"sequence"`
	AcceptedBy  *int64     `json:"accepted_by"`
	AcceptedAt  *time.Time `json:"accepted_at"`
	CancelledBy *int64     `json:"cancelled_by"`
	CancelledAt *time.Time `json:"cancelled_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (AppointmentSlot) TableName() string { return "incroci_helpdesk_appointments" }

// SlotInput is one slot a consultant proposes.
type SlotInput struct {
	Start               time.Time       `json:"start" validate:"required"`
	End                 time.Time       `json:"end" validate:"required"`
	Mode                AppointmentMode `json:"mode" validate:"required,oneof=in_person video"`
	Place               string          `json:"place" validate:"max=300,nocontrol"`
	VideoURL            string          `json:"video_url" validate:"max=2000"`
	Interpreter         bool            `json:"interpreter"`
	InterpreterLanguage string          `json:"interpreter_language" validate:"max=12"`
}

// ProposeInput is the body of POST /consultations/{id}/appointments.
type ProposeInput struct {
	Slots []SlotInput `json:"slots" validate:"required,min=1,max=10,dive"`
}

// Errors of appointments.
var (
	// ErrAppointmentNotFound: no such slot in the consultation.
	ErrAppointmentNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.appointment.not_found")
	// ErrSlotNotOpen: the slot is no longer proposed (picked, declined,
	// withdrawn) or the appointment no longer stands.
	ErrSlotNotOpen error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.appointment.not_open")
	// ErrSlotPast: the slot has begun or is over.
	ErrSlotPast error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.appointment.past")
	// ErrAppointmentBooked: the consultation already has an appointment to
	// come; cancel it first.
	ErrAppointmentBooked error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.appointment.booked")
	// ErrConsultationEnded: the consultation is resolved or closed.
	ErrConsultationEnded error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.appointment.ended")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"helpdesk.appointment.not_found": {IT: "Appuntamento non trovato.", EN: "Appointment not found."},
		"helpdesk.appointment.not_open":  {IT: "Questo appuntamento non è più disponibile.", EN: "This appointment is no longer available."},
		"helpdesk.appointment.past":      {IT: "L'orario di questo appuntamento è già passato.", EN: "The time of this appointment has passed."},
		"helpdesk.appointment.booked":    {IT: "La consulenza ha già un appuntamento fissato: annullalo prima di sceglierne un altro.", EN: "The consultation already has an appointment: cancel it before picking another."},
		"helpdesk.appointment.ended":     {IT: "La consulenza è risolta o chiusa.", EN: "The consultation is resolved or closed."},
		"helpdesk.appointment.future":    {IT: "deve essere nel futuro", EN: "must be in the future"},
		"helpdesk.appointment.after":     {IT: "deve essere dopo l'inizio", EN: "must be after the start"},
		"helpdesk.appointment.too_long":  {IT: "un appuntamento dura al massimo %d ore", EN: "an appointment lasts at most %d hours"},
		"helpdesk.appointment.place":     {IT: "indica il luogo dell'incontro in presenza", EN: "give the place of the in-person meeting"},
		"helpdesk.appointment.video_url": {IT: "deve essere un collegamento https", EN: "must be an https link"},
		"helpdesk.appointment.excluded":  {IT: "non si applica a questa modalità", EN: "does not apply to this mode"},
		"helpdesk.appointment.max_open":  {IT: "al massimo %d proposte aperte per consulenza", EN: "at most %d open proposals per consultation"},
		"helpdesk.appointment.language":  {IT: "indica la lingua dell'interprete (codice ISO 639)", EN: "give the interpreter's language (ISO 639 code)"},
	})
}

// bookingZone is where appointments and mediation bookings happen: times in
// e-mails and weekly availabilities are read in it.
var bookingZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic("helpdesk: Europe/Rome: " + err.Error())
	}
	return loc
}()

// validLangCode reports whether code is a lowercase ISO 639 language code
// ("ar", "ti", "fil").
func validLangCode(code string) bool {
	if len(code) < 2 || len(code) > 3 {
		return false
	}
	base, err := language.ParseBase(code)
	return err == nil && base.String() == code
}

// validHTTPS reports whether s is an absolute https URL with a host.
func validHTTPS(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && !strings.ContainsAny(s, " \r\n\t")
}

// checkSlots validates proposed slots against now, normalising them.
func checkSlots(slots []SlotInput, now time.Time) error {
	var issues []httpx.FieldIssue
	bad := func(i int, field, rule, key string, args ...any) {
		issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("slots[%d].%s", i, field), Rule: rule, Key: key, Args: args})
	}
	for i := range slots {
		s := &slots[i]
		s.Start = s.Start.UTC().Truncate(time.Second)
		s.End = s.End.UTC().Truncate(time.Second)
		s.Place = strings.TrimSpace(s.Place)
		s.VideoURL = strings.TrimSpace(s.VideoURL)
		s.InterpreterLanguage = strings.ToLower(strings.TrimSpace(s.InterpreterLanguage))
		switch {
		case !s.Start.After(now):
			bad(i, "start", "future", "helpdesk.appointment.future")
		case !s.End.After(s.Start):
			bad(i, "end", "after", "helpdesk.appointment.after")
		case s.End.Sub(s.Start) > MaxAppointmentLength:
			bad(i, "end", "max_duration", "helpdesk.appointment.too_long", int(MaxAppointmentLength/time.Hour))
		}
		switch s.Mode {
		case AppointmentInPerson:
			if s.Place == "" {
				bad(i, "place", "required", "helpdesk.appointment.place")
			}
			if s.VideoURL != "" {
				bad(i, "video_url", "excluded", "helpdesk.appointment.excluded")
			}
		case AppointmentVideo:
			if !validHTTPS(s.VideoURL) {
				bad(i, "video_url", "https_url", "helpdesk.appointment.video_url")
			}
			if s.Place != "" {
				bad(i, "place", "excluded", "helpdesk.appointment.excluded")
			}
		}
		if s.Interpreter && !validLangCode(s.InterpreterLanguage) {
			bad(i, "interpreter_language", "iso639", "helpdesk.appointment.language")
		}
		if !s.Interpreter && s.InterpreterLanguage != "" {
			bad(i, "interpreter_language", "excluded", "helpdesk.appointment.excluded")
		}
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// ProposeAppointments offers slots to meet about consultation id. Only the
// desk's consultants propose; a consultation waiting for its consultant
// then waits for the operator, who gets a notice.
func (h *Helpdesk) ProposeAppointments(ctx context.Context, id int64, in ProposeInput) ([]AppointmentSlot, error) {
	if _, err := caller(ctx); err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if err := checkSlots(in.Slots, h.p.Now()); err != nil {
		return nil, err
	}
	var out []AppointmentSlot
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, pr, err := h.loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		if v != viewStaff {
			return incroci.ErrForbidden
		}
		if c.Status == StatusResolved || c.Status == StatusClosed {
			return ErrConsultationEnded
		}
		now := h.p.Now().UTC()
		var open int64
		if err := tx.Model(&AppointmentSlot{}).Where("consultation_id = ? AND status = ? AND starts_at > ?", c.ID, SlotProposed, now).
			Count(&open).Error; err != nil {
			return fmt.Errorf("helpdesk: count proposals: %w", err)
		}
		if int(open)+len(in.Slots) > MaxOpenProposals {
			return httpx.Invalid("slots", "max_open", "helpdesk.appointment.max_open", MaxOpenProposals)
		}
		ids := make([]int64, 0, len(in.Slots))
		for _, s := range in.Slots {
			row := AppointmentSlot{ConsultationID: c.ID, ProposedBy: pr.PersonID, Start: s.Start, End: s.End, Mode: s.Mode,
				Place: s.Place, VideoURL: s.VideoURL, Interpreter: s.Interpreter, InterpreterLanguage: s.InterpreterLanguage,
				Status: SlotProposed, CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("helpdesk: propose appointment: %w", err)
			}
			ids = append(ids, row.ID)
			out = append(out, row)
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.appointment.propose", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"slots": ids}); err != nil {
			return err
		}
		switch c.Status {
		case StatusNew, StatusOpen, StatusWaitingConsultant:
			if err := h.move(ctx, tx, c, StatusWaitingOperator, pr.PersonID); err != nil {
				return err
			}
		}
		return h.mailProposed(ctx, tx, c, len(in.Slots))
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishChange(ctx, id, "appointment.proposed")
	return out, nil
}

// mailProposed tells the operator of c that n slots were proposed, with a
// link that signs them in and opens the consultation.
func (h *Helpdesk) mailProposed(ctx context.Context, tx *gorm.DB, c *Consultation, n int) error {
	var op incroci.Person
	if err := tx.WithContext(ctx).Where("id = ?", c.OperatorID).Take(&op).Error; err != nil {
		return fmt.Errorf("helpdesk: operator of %d: %w", c.ID, err)
	}
	ref, err := h.refOf(ctx, tx, c)
	if err != nil {
		return err
	}
	link, err := h.operatorLink(ctx, tx, op.Email, c)
	if err != nil {
		return err
	}
	openIT, openEN := openLine(link, "sceglierne uno", "pick one")
	return h.mailTo(ctx, tx, mail.Address{Email: op.Email, Name: op.Name}, fmt.Sprintf("incroci: orari proposti per la consulenza n. %d / appointment times proposed", c.ID),
		fmt.Sprintf("Il consulente ha proposto %d orari per un appuntamento sulla consulenza %s.\n%s\n\n"+
			"The consultant proposed %d times for an appointment about consultation %s.\n%s\n",
			n, ref.IT(), openIT, n, ref.EN(), openEN))
}

// Appointments returns the slots of consultation id, proposed, picked and
// past, for whoever may see the consultation; the reading is audited.
func (h *Helpdesk) Appointments(ctx context.Context, id int64) ([]AppointmentSlot, error) {
	var out []AppointmentSlot
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, _, _, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if out, err = h.appointmentsOf(ctx, tx, c.ID); err != nil {
			return err
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.appointment.read", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)}, nil)
	})
	return out, err
}

// appointmentsOf returns every slot of a consultation, by start time. The
// caller has checked access.
func (h *Helpdesk) appointmentsOf(ctx context.Context, tx *gorm.DB, consultationID int64) ([]AppointmentSlot, error) {
	out := []AppointmentSlot{}
	if err := tx.WithContext(ctx).Where("consultation_id = ?", consultationID).Order("starts_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: appointments of %d: %w", consultationID, err)
	}
	return out, nil
}

func (h *Helpdesk) slot(ctx context.Context, tx *gorm.DB, consultationID, slotID int64) (*AppointmentSlot, error) {
	var s AppointmentSlot
	err := tx.WithContext(ctx).Where("id = ? AND consultation_id = ?", slotID, consultationID).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrAppointmentNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("helpdesk: appointment %d: %w", slotID, err)
	}
	return &s, nil
}

// AcceptAppointment picks a proposed slot: an operator of the
// consultation's ambito only. It becomes the appointment, the other
// proposals are declined, the consultation moves to "appointment", and the
// operator and the consultant get an e-mail with a calendar invitation.
func (h *Helpdesk) AcceptAppointment(ctx context.Context, id, slotID int64) (*AppointmentSlot, error) {
	var out *AppointmentSlot
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, _, pr, err := h.loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		if !pr.Has(incroci.RoleOperator, c.Ambito) {
			return incroci.ErrForbidden
		}
		if c.Status == StatusResolved || c.Status == StatusClosed {
			return ErrConsultationEnded
		}
		s, err := h.slot(ctx, tx, c.ID, slotID)
		if err != nil {
			return err
		}
		now := h.p.Now().UTC()
		if s.Status != SlotProposed {
			return ErrSlotNotOpen
		}
		if !s.Start.After(now) {
			return ErrSlotPast
		}
		var booked int64
		if err := tx.Model(&AppointmentSlot{}).Where("consultation_id = ? AND status = ? AND ends_at > ?", c.ID, SlotAccepted, now).
			Count(&booked).Error; err != nil {
			return fmt.Errorf("helpdesk: booked appointments: %w", err)
		}
		if booked > 0 {
			return ErrAppointmentBooked
		}
		res := tx.Model(&AppointmentSlot{}).Where("id = ? AND status = ?", s.ID, SlotProposed).
			Updates(map[string]any{"status": SlotAccepted, "accepted_by": pr.PersonID, "accepted_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("helpdesk: accept appointment: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrSlotNotOpen
		}
		if err := tx.Model(&AppointmentSlot{}).Where("consultation_id = ? AND status = ? AND id <> ?", c.ID, SlotProposed, s.ID).
			Updates(map[string]any{"status": SlotDeclined, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("helpdesk: decline proposals: %w", err)
		}
		s.Status, s.AcceptedBy, s.AcceptedAt, s.UpdatedAt = SlotAccepted, &pr.PersonID, &now, now
		if err := h.move(ctx, tx, c, StatusAppointment, pr.PersonID); err != nil {
			return err
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.appointment.accept", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"slot": s.ID, "start": s.Start, "end": s.End, "mode": s.Mode}); err != nil {
			return err
		}
		out = s
		return h.mailAppointment(ctx, tx, c, s, ical.MethodRequest)
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishChange(ctx, id, "appointment.accepted")
	return out, nil
}

// CancelAppointment cancels an accepted appointment that is not over yet,
// for either side (a desk's consultant or an operator of the ambito): both
// get the calendar cancellation and the consultation waits for the
// operator again. A desk's consultant may also withdraw a proposed slot.
func (h *Helpdesk) CancelAppointment(ctx context.Context, id, slotID int64) (*AppointmentSlot, error) {
	var out *AppointmentSlot
	event := "appointment.cancelled"
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, pr, err := h.loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		s, err := h.slot(ctx, tx, c.ID, slotID)
		if err != nil {
			return err
		}
		now := h.p.Now().UTC()
		switch s.Status {
		case SlotProposed:
			if v != viewStaff {
				return incroci.ErrForbidden
			}
			res := tx.Model(&AppointmentSlot{}).Where("id = ? AND status = ?", s.ID, SlotProposed).
				Updates(map[string]any{"status": SlotWithdrawn, "cancelled_by": pr.PersonID, "cancelled_at": now, "updated_at": now})
			if res.Error != nil {
				return fmt.Errorf("helpdesk: withdraw appointment: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				return ErrSlotNotOpen
			}
			s.Status, s.CancelledBy, s.CancelledAt, s.UpdatedAt = SlotWithdrawn, &pr.PersonID, &now, now
			out, event = s, "appointment.withdrawn"
			return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.appointment.withdraw", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
				map[string]int64{"slot": s.ID})
		case SlotAccepted:
		default:
			return ErrSlotNotOpen
		}
		if !s.End.After(now) {
			return ErrSlotPast
		}
		res := tx.Model(&AppointmentSlot{}).Where("id = ? AND status = ?", s.ID, SlotAccepted).
			Updates(map[string]any{"status": SlotCancelled, "sequence": s.Sequence + 1, "cancelled_by": pr.PersonID, "cancelled_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("helpdesk: cancel appointment: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrSlotNotOpen
		}
		s.Status, s.Sequence, s.CancelledBy, s.CancelledAt, s.UpdatedAt = SlotCancelled, s.Sequence+1, &pr.PersonID, &now, now
		if c.Status == StatusAppointment {
			if err := h.move(ctx, tx, c, StatusWaitingOperator, pr.PersonID); err != nil {
				return err
			}
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.appointment.cancel", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]int64{"slot": s.ID}); err != nil {
			return err
		}
		out = s
		return h.mailAppointment(ctx, tx, c, s, ical.MethodCancel)
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishChange(ctx, id, event)
	return out, nil
}

// appointmentUID is the calendar identity of an appointment: the same for
// its invitation and its cancellation.
func appointmentUID(slotID int64) string { return fmt.Sprintf("appointment-%d@incroci", slotID) }

// mailAppointment sends the operators (the one who opened the consultation
// and the one who picked the slot) and the consultant who proposed it an
// e-mail with the calendar invitation or cancellation. Neither names the
// beneficiary nor quotes the case: the consultation's number and topic
// only.
func (h *Helpdesk) mailAppointment(ctx context.Context, tx *gorm.DB, c *Consultation, s *AppointmentSlot, method ical.Method) error {
	ids := []int64{c.OperatorID}
	if s.AcceptedBy != nil && *s.AcceptedBy != c.OperatorID {
		ids = append(ids, *s.AcceptedBy)
	}
	var operators []incroci.Person
	if err := tx.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&operators).Error; err != nil {
		return fmt.Errorf("helpdesk: appointment people: %w", err)
	}
	var consultant incroci.Person
	if err := tx.WithContext(ctx).Where("id = ?", s.ProposedBy).Take(&consultant).Error; err != nil {
		return fmt.Errorf("helpdesk: appointment consultant: %w", err)
	}
	var topic Topic
	if err := tx.WithContext(ctx).Where("id = ?", c.TopicID).Take(&topic).Error; err != nil {
		return fmt.Errorf("helpdesk: topic: %w", err)
	}
	d, err := h.desk(ctx, tx, c.DeskID)
	if err != nil {
		return err
	}

	start, end := s.Start.In(bookingZone), s.End.In(bookingZone)
	when := fmt.Sprintf("%s, %s–%s", start.Format("02/01/2006"), start.Format("15:04"), end.Format("15:04"))
	whenEN := fmt.Sprintf("%s, %s–%s", start.Format("2006-01-02"), start.Format("15:04"), end.Format("15:04"))
	where, whereEN := "in presenza: "+s.Place, "in person: "+s.Place
	location := s.Place
	if s.Mode == AppointmentVideo {
		where, whereEN, location = "in videochiamata: "+s.VideoURL, "by video call: "+s.VideoURL, s.VideoURL
	}
	interp, interpEN := "", ""
	if s.Interpreter {
		langIT, langEN := langNames(s.InterpreterLanguage)
		interp = fmt.Sprintf("\nCon interprete (lingua: %s).", langIT)
		interpEN = fmt.Sprintf("\nWith an interpreter (language: %s).", langEN)
	}
	summary := fmt.Sprintf("Consulenza n. %d: %s", c.ID, topic.LabelIT)
	desc := fmt.Sprintf("Appuntamento per la consulenza n. %d (%s) con lo sportello %s.%s\n\nAppointment about consultation no. %d (%s) with the %s desk.%s",
		c.ID, topic.LabelIT, d.Name, interp, c.ID, topic.LabelEN, d.Name, interpEN)

	ev := ical.Event{UID: appointmentUID(s.ID), Summary: summary, Description: desc, Location: location,
		Start: s.Start, End: s.End, Sequence: s.Sequence, Stamp: h.p.Now(),
		Organizer: ical.Person{Name: consultant.Name, Email: consultant.Email}}
	if s.Mode == AppointmentVideo {
		ev.URL = s.VideoURL
	}
	for _, o := range operators {
		ev.Attendees = append(ev.Attendees, ical.Person{Name: o.Name, Email: o.Email})
	}
	ev.Attendees = append(ev.Attendees, ical.Person{Name: consultant.Name, Email: consultant.Email})

	var data []byte
	var subject, text, file string
	if method == ical.MethodCancel {
		data, err = ical.Cancel(ev)
		file = "annullamento.ics"
		subject = fmt.Sprintf("incroci: appuntamento annullato, consulenza n. %d / appointment cancelled", c.ID)
		text = fmt.Sprintf("L'appuntamento per la consulenza n. %d (%s) del %s, %s, è stato annullato.\n\n"+
			"The appointment about consultation no. %d (%s) on %s, %s, was cancelled.\n",
			c.ID, topic.LabelIT, when, where, c.ID, topic.LabelEN, whenEN, whereEN)
	} else {
		data, err = ical.Invite(ev)
		file = "appuntamento.ics"
		subject = fmt.Sprintf("incroci: appuntamento per la consulenza n. %d / appointment", c.ID)
		text = fmt.Sprintf("È fissato l'appuntamento per la consulenza n. %d (%s) con lo sportello %s:\n%s (ora italiana), %s.%s\n"+
			"L'invito per il calendario è allegato.\n\n"+
			"The appointment about consultation no. %d (%s) with the %s desk is set:\n%s (Italian time), %s.%s\n"+
			"The calendar invitation is attached.\n",
			c.ID, topic.LabelIT, d.Name, when, where, interp, c.ID, topic.LabelEN, d.Name, whenEN, whereEN, interpEN)
	}
	if err != nil {
		return fmt.Errorf("helpdesk: calendar for appointment %d: %w", s.ID, err)
	}
	recipients := append([]incroci.Person{}, operators...)
	if !slices.ContainsFunc(operators, func(o incroci.Person) bool { return o.ID == consultant.ID }) {
		recipients = append(recipients, consultant)
	}
	for _, p := range recipients {
		msg := mail.Message{To: []mail.Address{{Email: p.Email, Name: p.Name}}, Subject: subject, Text: text,
			Attachments: []mail.Attachment{{Filename: file, ContentType: ical.ContentType(method), Data: data}},
			Headers:     map[string]string{"Auto-Submitted": "auto-generated"}}
		if err := h.p.QueueMail(ctx, tx, msg); err != nil {
			return err
		}
	}
	return nil
}
