package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/mail"
	"golang.org/x/text/language"
	"gorm.io/gorm"
)

// OpenInput opens a consultation.
type OpenInput struct {
	DeskID      int64       `json:"desk_id" validate:"required,min=1"`
	Topic       string      `json:"topic" validate:"required,slug"`
	Ambito      string      `json:"ambito" validate:"required,slug"`
	Service     string      `json:"service" validate:"max=200,nocontrol"`
	Subject     string      `json:"subject" validate:"required,min=3,max=300,nocontrol"`
	Question    string      `json:"question" validate:"required,min=10"`
	Urgency     Urgency     `json:"urgency" validate:"omitempty,oneof=low normal high urgent"`
	Beneficiary Beneficiary `json:"beneficiary"`
	Intake      Intake      `json:"intake"`
	// ReturnURL is the page with the widget that the e-mail's link opens.
	ReturnURL string `json:"return_url" validate:"omitempty,max=2000,url"`
}

// ConsultationSummary is a consultation in a list.
type ConsultationSummary struct {
	ID         int64   `json:"id"`
	DeskID     int64   `json:"desk_id"`
	Topic      string  `json:"topic"`
	Ambito     string  `json:"ambito"`
	Subject    string  `json:"subject"`
	Urgency    Urgency `json:"urgency"`
	Status     Status  `json:"status"`
	OperatorID int64   `json:"operator_id"`
	AssigneeID *int64  `json:"assignee_id"`
	// OperatorName and AssigneeName are their names, when known.
	OperatorName     string     `json:"operator_name,omitempty"`
	AssigneeName     string     `json:"assignee_name,omitempty"`
	Deadline         *time.Time `json:"deadline"`
	FirstResponseDue time.Time  `json:"first_response_due"`
	FirstResponseAt  *time.Time `json:"first_response_at"`
	// Late is true when no first answer came within the desk's target.
	Late          bool      `json:"late"`
	Unread        int64     `json:"unread"`
	LastMessageAt time.Time `json:"last_message_at"`
	CreatedAt     time.Time `json:"created_at"`
}

// ListQuery filters and pages consultations.
type ListQuery struct {
	Status  Status // one status, or "" for all
	DeskID  int64  // one desk, or 0
	Mine    bool   // opened by me (operators) or assigned to me (consultants)
	Late    bool   // only those still waiting for a first answer past their target
	Q       string // in the subject
	Page    int
	PerPage int
}

// checkBeneficiary validates the pseudonymous beneficiary.
func checkBeneficiary(b *Beneficiary) error {
	b.Label = strings.TrimSpace(b.Label)
	b.Nationality = strings.ToUpper(strings.TrimSpace(b.Nationality))
	b.Language = strings.ToLower(strings.TrimSpace(b.Language))
	var issues []httpx.FieldIssue
	switch {
	case b.Label == "":
		issues = append(issues, httpx.FieldIssue{Field: "beneficiary.label", Rule: "required", Key: "helpdesk.label"})
	case len(b.Label) > 40 || looksLikeName(b.Label):
		issues = append(issues, httpx.FieldIssue{Field: "beneficiary.label", Rule: "pseudonym", Key: "helpdesk.label"})
	}
	if b.AgeBand == "" {
		b.AgeBand = "unknown"
	}
	if !slices.Contains(AgeBands, b.AgeBand) {
		issues = append(issues, httpx.FieldIssue{Field: "beneficiary.age_band", Rule: "oneof", Key: "helpdesk.age_band"})
	}
	if b.Nationality == "" {
		b.Nationality = "XX"
	}
	if !validCountry(b.Nationality) {
		issues = append(issues, httpx.FieldIssue{Field: "beneficiary.nationality", Rule: "iso3166", Key: "helpdesk.country"})
	}
	if b.Language != "" {
		if base, err := language.ParseBase(b.Language); err != nil || base.String() != b.Language {
			issues = append(issues, httpx.FieldIssue{Field: "beneficiary.language", Rule: "iso639", Key: "helpdesk.language"})
		}
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// looksLikeName refuses labels that spell a name: a word of four or more
// letters with lowercase in it ("Mario", "rossi"), or all in capitals
// ("ROSSI") when the label has no digit. Initials ("M.R."), service codes
// ("TM-2025-014") and uppercase codes with digits pass.
func looksLikeName(label string) bool {
	hasDigit := strings.IndexFunc(label, unicode.IsDigit) >= 0
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		letters, lower := 0, false
		for _, r := range w {
			if !unicode.IsLetter(r) {
				letters = -1
				break
			}
			letters++
			lower = lower || unicode.IsLower(r)
		}
		if letters >= 4 && (lower || !hasDigit) {
			return true
		}
	}
	return false
}

func validCountry(code string) bool {
	if code == "XX" {
		return true
	}
	if len(code) != 2 {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

// parseIntake checks the intake dates and returns the nearest of them.
func parseIntake(in *Intake, topic *Topic) (*time.Time, error) {
	in.PermitType = strings.TrimSpace(in.PermitType)
	var issues []httpx.FieldIssue
	var nearest *time.Time
	for _, f := range []struct {
		name  string
		value string
	}{{"permit_expiry", in.PermitExpiry}, {"appeal_deadline", in.AppealDeadline}} {
		if f.value == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, f.value)
		if err != nil {
			issues = append(issues, httpx.FieldIssue{Field: "intake." + f.name, Rule: "date", Key: "helpdesk.date"})
			continue
		}
		if nearest == nil || d.Before(*nearest) {
			nearest = &d
		}
	}
	if len(in.PermitType) > 100 {
		issues = append(issues, httpx.FieldIssue{Field: "intake.permit_type", Rule: "max", Key: "helpdesk.label"})
	}
	if issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	return nearest, nil
}

// Open opens a consultation for the caller, an operator of in.Ambito, on a
// desk serving it: it is assigned by topic and load, the operator gets an
// e-mail with a link back to it and the consultant a notice.
func (h *Helpdesk) Open(ctx context.Context, in OpenInput) (*ConsultationDetail, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	lang := incroci.LangFrom(ctx)
	if err := httpx.Validate(lang, &in); err != nil {
		return nil, err
	}
	if n := len([]rune(in.Question)); n > h.cfg.MaxMessage {
		return nil, httpx.Invalid("question", "max", "helpdesk.too_long", h.cfg.MaxMessage)
	}
	if err := checkBeneficiary(&in.Beneficiary); err != nil {
		return nil, err
	}
	if !pr.Has(incroci.RoleOperator, in.Ambito) {
		return nil, incroci.ErrForbidden
	}
	if in.Urgency == "" {
		in.Urgency = UrgencyNormal
	}
	var id int64
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := h.desk(ctx, tx, in.DeskID)
		if errors.Is(err, ErrDeskNotFound) {
			return httpx.Invalid("desk_id", "exists", "helpdesk.desk_not_found")
		}
		if err != nil {
			return err
		}
		if !d.Serves(in.Ambito) {
			return httpx.Invalid("desk_id", "serves", "helpdesk.desk_serves")
		}
		var topic Topic
		if err := tx.Where("desk_id = ? AND code = ? AND active = ?", d.ID, in.Topic, true).Take(&topic).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return httpx.Invalid("topic", "exists", "helpdesk.topic_unknown")
			}
			return fmt.Errorf("helpdesk: topic: %w", err)
		}
		deadline, err := parseIntake(&in.Intake, &topic)
		if err != nil {
			return err
		}
		now := h.p.Now()
		c := Consultation{
			DeskID: d.ID, TopicID: topic.ID, Ambito: in.Ambito, Service: strings.TrimSpace(in.Service), OperatorID: pr.PersonID,
			Subject: strings.TrimSpace(in.Subject), Question: strings.TrimSpace(in.Question), Urgency: in.Urgency, Status: StatusNew,
			BeneficiaryLabel: in.Beneficiary.Label, BeneficiaryAgeBand: in.Beneficiary.AgeBand,
			BeneficiaryNationality: in.Beneficiary.Nationality, BeneficiaryLanguage: in.Beneficiary.Language,
			Intake: in.Intake, Deadline: deadline,
			FirstResponseDue: h.cfg.Calendar.Add(now, time.Duration(d.FirstResponseHours)*time.Hour).UTC(),
			LastMessageAt:    now, CreatedAt: now, UpdatedAt: now,
		}
		assignee, err := h.pickConsultant(ctx, tx, d.ID, topic.Code)
		if err != nil {
			return err
		}
		c.AssigneeID = assignee
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("helpdesk: open consultation: %w", err)
		}
		id = c.ID
		actor := pr.PersonID
		if err := tx.Create(&StatusChange{ConsultationID: c.ID, To: StatusNew, ActorID: &actor, At: now}).Error; err != nil {
			return fmt.Errorf("helpdesk: history: %w", err)
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.open", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"desk": d.ID, "topic": topic.Code, "assignee": assignee}); err != nil {
			return err
		}
		return h.mailOpened(ctx, tx, &c, d, &topic, pr, in.ReturnURL)
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishChange(ctx, id, "consultation.opened")
	return h.Get(ctx, id)
}

// mailOpened tells the operator the consultation is open, with a link that
// signs them in and opens it, and its consultant that a case waits (or,
// when it has none, the desk's managers, see deskWatchers).
func (h *Helpdesk) mailOpened(ctx context.Context, tx *gorm.DB, c *Consultation, d *Desk, t *Topic, pr *incroci.Principal, page string) error {
	if page == "" {
		page = h.cfg.LinkPage
	}
	link, err := h.p.SignInLink(ctx, tx, pr.Email, c.Ambito, page, url.Values{"incroci_consultation": {fmt.Sprint(c.ID)}})
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Buongiorno,\n\nla consulenza n. %d (%s) è stata aperta presso lo sportello %s.\n", c.ID, t.LabelIT, d.Name)
	fmt.Fprintf(&b, "Riceverai una prima risposta entro %d ore lavorative.\n", d.FirstResponseHours)
	if link != "" {
		fmt.Fprintf(&b, "Per seguirla e rispondere apri:\n%s\n", link)
	}
	fmt.Fprintf(&b, "\n---\n\nConsultation no. %d (%s) is open at the %s desk.\nA first answer will come within %d working hours.\n", c.ID, t.LabelEN, d.Name, d.FirstResponseHours)
	if link != "" {
		fmt.Fprintf(&b, "To follow it and reply, open:\n%s\n", link)
	}
	msg := mail.Message{To: []mail.Address{{Email: pr.Email, Name: pr.Name}}, Subject: fmt.Sprintf("incroci: consulenza n. %d aperta / consultation opened", c.ID),
		Text: b.String(), Headers: map[string]string{"Auto-Submitted": "auto-generated"}}
	if err := h.p.QueueMail(ctx, tx, msg); err != nil {
		return err
	}
	if c.AssigneeID != nil {
		openIT, openEN := openLine(h.consultantLink(c), "rispondere", "answer it")
		return h.notify(ctx, tx, *c.AssigneeID, c, fmt.Sprintf("incroci: nuova consulenza n. %d / new consultation", c.ID),
			fmt.Sprintf("Una nuova consulenza (n. %d, %s, urgenza: %s) ti è stata assegnata presso lo sportello %s.\n%s\n\nA new consultation (no. %d, %s, urgency: %s) was assigned to you at the %s desk.\n%s\n",
				c.ID, t.LabelIT, c.Urgency, d.Name, openIT, c.ID, t.LabelEN, c.Urgency, d.Name, openEN))
	}
	// Nobody fits (all full, no topic match): the desk's managers, or its
	// consultants, hear of it so that someone takes it.
	openIT, openEN := openLine(h.consultantLink(c), "assegnarla", "assign it")
	return h.notifyUnassigned(ctx, tx, c, fmt.Sprintf("incroci: consulenza n. %d da assegnare / consultation to assign", c.ID),
		fmt.Sprintf("Una nuova consulenza (n. %d, %s, urgenza: %s) presso lo sportello %s non ha un consulente: nessuno è disponibile per questo argomento.\n%s\n\n"+
			"A new consultation (no. %d, %s, urgency: %s) at the %s desk has no consultant: nobody is available for this topic.\n%s\n",
			c.ID, t.LabelIT, c.Urgency, d.Name, openIT, c.ID, t.LabelEN, c.Urgency, d.Name, openEN))
}

// notify queues an e-mail to a person about a consultation, with no case
// text in it: they read it in the widget.
func (h *Helpdesk) notify(ctx context.Context, tx *gorm.DB, personID int64, c *Consultation, subject, text string) error {
	var person incroci.Person
	if err := tx.WithContext(ctx).Where("id = ?", personID).Take(&person).Error; err != nil {
		return fmt.Errorf("helpdesk: notify %d: %w", personID, err)
	}
	return h.mailTo(ctx, tx, mail.Address{Email: person.Email, Name: person.Name}, subject, text)
}

// mailTo queues notify's e-mail to an address already read.
func (h *Helpdesk) mailTo(ctx context.Context, tx *gorm.DB, to mail.Address, subject, text string) error {
	return h.p.QueueMail(ctx, tx, mail.Message{To: []mail.Address{to}, Subject: subject, Text: text,
		Headers: map[string]string{"Auto-Submitted": "auto-generated"}})
}

// pickConsultant chooses who answers a new consultation on a topic: among
// the desk's active consultants who hold the consultant role, for the topic
// with room left, the one with the fewest open consultations, then the one
// assigned longest ago. It returns nil when nobody fits: the consultation
// waits in the desk's queue.
func (h *Helpdesk) pickConsultant(ctx context.Context, tx *gorm.DB, deskID int64, topic string) (*int64, error) {
	var members []DeskConsultant
	if err := tx.WithContext(ctx).Where("desk_id = ? AND active = ?", deskID, true).
		Where(consultantGrant(DeskConsultant{}.TableName()), incroci.RoleConsultant).Order("id").Find(&members).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: consultants: %w", err)
	}
	type load struct {
		AssigneeID int64
		Open       int
		Last       int64 // the id of the newest consultation assigned
	}
	var loads []load
	if err := tx.WithContext(ctx).Model(&Consultation{}).
		Select("assignee_id, SUM(CASE WHEN status NOT IN ('resolved','closed') THEN 1 ELSE 0 END) AS open, MAX(id) AS last").
		Where("desk_id = ? AND assignee_id IS NOT NULL", deskID).Group("assignee_id").Scan(&loads).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: consultant load: %w", err)
	}
	byPerson := map[int64]load{}
	for _, l := range loads {
		byPerson[l.AssigneeID] = l
	}
	var best *DeskConsultant
	for i := range members {
		m := &members[i]
		if len(m.Topics) > 0 && !slices.Contains(m.Topics, topic) {
			continue
		}
		l := byPerson[m.PersonID]
		if m.MaxOpen > 0 && l.Open >= m.MaxOpen {
			continue
		}
		if best == nil {
			best = m
			continue
		}
		b := byPerson[best.PersonID]
		if l.Open < b.Open || (l.Open == b.Open && l.Last < b.Last) {
			best = m
		}
	}
	if best == nil {
		return nil, nil
	}
	id := best.PersonID
	return &id, nil
}
