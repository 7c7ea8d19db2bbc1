package helpdesk

import (
	"context"
	"fmt"
	"strings"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// ConsultationDetail is a consultation with its dialogue, as the caller may
// see it: operators get no internal notes.
type ConsultationDetail struct {
	Consultation
	Beneficiary Beneficiary `json:"beneficiary"`
	Topic       Topic       `json:"topic"`
	DeskName    string      `json:"desk_name"`
	// OperatorName and AssigneeName are the names of who opened the
	// consultation and who answers it, when known.
	OperatorName string         `json:"operator_name,omitempty"`
	AssigneeName string         `json:"assignee_name,omitempty"`
	Late         bool           `json:"late"`
	Staff        bool           `json:"staff"`
	History      []StatusChange `json:"history"`
	// Appointments are the face-to-face meetings proposed or agreed.
	Appointments []AppointmentSlot `json:"appointments"`
	Messages     []Message         `json:"messages"`
	Attachments  []Attachment      `json:"attachments"`
	// LastRead is the id of the last message the caller has read.
	LastRead int64 `json:"last_read"`
}

// late reports whether c has had no first answer within its target.
func (h *Helpdesk) late(c *Consultation) bool {
	if c.FirstResponseAt != nil {
		return c.FirstResponseAt.After(c.FirstResponseDue)
	}
	return c.Status != StatusClosed && c.Status != StatusResolved && h.p.Now().After(c.FirstResponseDue)
}

// Get returns a consultation the caller may see, and records the reading in
// the audit log.
func (h *Helpdesk) Get(ctx context.Context, id int64) (*ConsultationDetail, error) {
	var out *ConsultationDetail
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, pr, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		out, err = h.detail(ctx, tx, c, v, pr)
		if err != nil {
			return err
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.read", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)}, nil)
	})
	return out, err
}

func (h *Helpdesk) detail(ctx context.Context, tx *gorm.DB, c *Consultation, v view, pr *incroci.Principal) (*ConsultationDetail, error) {
	out := &ConsultationDetail{Consultation: *c, Late: h.late(c), Staff: v == viewStaff,
		Beneficiary: Beneficiary{Label: c.BeneficiaryLabel, AgeBand: c.BeneficiaryAgeBand, Nationality: c.BeneficiaryNationality, Language: c.BeneficiaryLanguage},
		History:     []StatusChange{}, Messages: []Message{}, Attachments: []Attachment{}}
	if err := tx.Where("id = ?", c.TopicID).Take(&out.Topic).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: topic: %w", err)
	}
	d, err := h.desk(ctx, tx, c.DeskID)
	if err != nil {
		return nil, err
	}
	out.DeskName = d.Name
	if err := tx.Where("consultation_id = ?", c.ID).Order("id").Find(&out.History).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: history: %w", err)
	}
	msgs := tx.Where("consultation_id = ?", c.ID).Order("id")
	atts := tx.Where("consultation_id = ?", c.ID).Order("id")
	if v != viewStaff {
		// Operators see the files sent with a message, and their own not
		// yet sent: never what someone else is about to send.
		msgs = msgs.Where("kind <> ?", KindNote)
		atts = atts.Where("internal = ? AND (message_id IS NOT NULL OR uploaded_by = ?)", false, pr.PersonID)
	}
	if err := msgs.Find(&out.Messages).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: messages: %w", err)
	}
	if err := atts.Find(&out.Attachments).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: attachments: %w", err)
	}
	var mark ReadMark
	if err := tx.Where("consultation_id = ? AND person_id = ?", c.ID, pr.PersonID).Limit(1).Find(&mark).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: read mark: %w", err)
	}
	out.LastRead = mark.LastMessageID
	if out.Appointments, err = h.appointmentsOf(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	ids := append([]int64{c.OperatorID}, ptrs(c.AssigneeID)...)
	for _, m := range out.Messages {
		ids = append(ids, m.AuthorID)
	}
	for _, s := range out.History {
		ids = append(ids, ptrs(s.ActorID)...)
	}
	names, err := h.names(ctx, tx, ids...)
	if err != nil {
		return nil, err
	}
	out.OperatorName, out.AssigneeName = names[c.OperatorID], nameOf(names, c.AssigneeID)
	for i := range out.Messages {
		out.Messages[i].AuthorName = names[out.Messages[i].AuthorID]
	}
	for i := range out.History {
		out.History[i].ActorName = nameOf(names, out.History[i].ActorID)
	}
	return out, nil
}

// List returns one page of the consultations the caller may see: those of
// the ambiti where they are an operator and those of the desks they serve,
// newest activity first, and their total.
func (h *Helpdesk) List(ctx context.Context, q ListQuery) ([]ConsultationSummary, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 100 {
		q.PerPage = 20
	}
	if q.Status != "" && !validStatus(q.Status) {
		return nil, 0, httpx.Invalid("status", "oneof", "helpdesk.status")
	}
	desks, err := h.myDesks(ctx, h.db, pr.PersonID)
	if err != nil {
		return nil, 0, err
	}
	ambiti := pr.Ambiti(incroci.RoleOperator)
	db := h.db.WithContext(ctx)
	base := db.Model(&Consultation{})
	switch {
	case len(desks) > 0 && len(ambiti) > 0:
		base = base.Where("(desk_id IN ? OR ambito IN ?)", desks, ambiti)
	case len(desks) > 0:
		base = base.Where("desk_id IN ?", desks)
	case len(ambiti) > 0:
		base = base.Where("ambito IN ?", ambiti)
	default:
		return []ConsultationSummary{}, 0, nil
	}
	if q.Status != "" {
		base = base.Where("status = ?", q.Status)
	}
	if q.DeskID != 0 {
		base = base.Where("desk_id = ?", q.DeskID)
	}
	if q.Mine {
		base = base.Where("(operator_id = ? OR assignee_id = ?)", pr.PersonID, pr.PersonID)
	}
	if q.Late {
		// What is late now: still waiting for a first answer past its target.
		// Those answered late long ago count in the reports, not in the queue.
		base = base.Where("first_response_at IS NULL AND first_response_due < ? AND status NOT IN ?", h.p.Now(), []Status{StatusResolved, StatusClosed})
	}
	if s := strings.TrimSpace(q.Q); s != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s)) + "%"
		base = base.Where("LOWER(subject) LIKE ? ESCAPE '\\'", like)
	}
	var total int64
	if err := base.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("helpdesk: count consultations: %w", err)
	}
	var rows []Consultation
	if err := base.Order("last_message_at DESC, id DESC").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("helpdesk: list consultations: %w", err)
	}
	out := make([]ConsultationSummary, len(rows))
	ids := make([]int64, len(rows))
	topicIDs := []int64{}
	for i, c := range rows {
		ids[i] = c.ID
		topicIDs = append(topicIDs, c.TopicID)
		out[i] = ConsultationSummary{ID: c.ID, DeskID: c.DeskID, Ambito: c.Ambito, Subject: c.Subject, Urgency: c.Urgency, Status: c.Status,
			OperatorID: c.OperatorID, AssigneeID: c.AssigneeID, Deadline: c.Deadline, FirstResponseDue: c.FirstResponseDue,
			FirstResponseAt: c.FirstResponseAt, Late: h.late(&rows[i]), LastMessageAt: c.LastMessageAt, CreatedAt: c.CreatedAt}
	}
	if len(rows) > 0 {
		var topics []Topic
		if err := db.Where("id IN ?", topicIDs).Find(&topics).Error; err != nil {
			return nil, 0, fmt.Errorf("helpdesk: topics: %w", err)
		}
		code := map[int64]string{}
		for _, t := range topics {
			code[t.ID] = t.Code
		}
		unread, err := h.unread(ctx, ids, pr.PersonID, desks)
		if err != nil {
			return nil, 0, err
		}
		people := []int64{}
		for _, c := range rows {
			people = append(append(people, c.OperatorID), ptrs(c.AssigneeID)...)
		}
		names, err := h.names(ctx, db, people...)
		if err != nil {
			return nil, 0, err
		}
		for i := range out {
			out[i].Topic = code[rows[i].TopicID]
			out[i].Unread = unread[rows[i].ID]
			out[i].OperatorName, out[i].AssigneeName = names[rows[i].OperatorID], nameOf(names, rows[i].AssigneeID)
		}
		if err := h.auditList(ctx, "helpdesk.consultation.list", "consultation", func(i int) (string, int64) { return rows[i].Ambito, rows[i].ID }, len(rows)); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// unread counts, per consultation, the messages after the person's read
// mark written by others (notes only for a desk's consultants).
func (h *Helpdesk) unread(ctx context.Context, ids []int64, personID int64, desks []int64) (map[int64]int64, error) {
	type row struct {
		ConsultationID int64
		N              int64
	}
	var rows []row
	err := h.db.WithContext(ctx).Table("incroci_helpdesk_messages AS m").
		Select("m.consultation_id, COUNT(*) AS n").
		Joins("JOIN incroci_helpdesk_consultations AS c ON c.id = m.consultation_id").
		Joins("LEFT JOIN incroci_helpdesk_reads AS r ON r.consultation_id = m.consultation_id AND r.person_id = ?", personID).
		Where("m.consultation_id IN ? AND m.author_id <> ? AND m.id > COALESCE(r.last_message_id, 0)", ids, personID).
		Where("(m.kind <> ? OR c.desk_id IN ?)", KindNote, append(desks, 0)).
		Group("m.consultation_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("helpdesk: unread: %w", err)
	}
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.ConsultationID] = r.N
	}
	return out, nil
}

func validStatus(s Status) bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// transitions says who may move a consultation where: staff (the desk's
// consultants) and the operators of its ambito.
var transitions = map[Status]map[Status]view{
	StatusNew:               {StatusOpen: viewStaff, StatusResolved: viewStaff, StatusClosed: viewOperator},
	StatusOpen:              {StatusWaitingOperator: viewStaff, StatusWaitingConsultant: viewOperator, StatusResolved: viewStaff, StatusClosed: viewOperator},
	StatusWaitingOperator:   {StatusWaitingConsultant: viewOperator, StatusResolved: viewOperator, StatusClosed: viewOperator},
	StatusWaitingConsultant: {StatusWaitingOperator: viewStaff, StatusResolved: viewStaff, StatusClosed: viewOperator},
	StatusAppointment:       {StatusWaitingOperator: viewStaff, StatusResolved: viewStaff, StatusClosed: viewOperator},
	StatusResolved:          {StatusWaitingConsultant: viewOperator, StatusClosed: viewOperator},
}

// SetStatus moves a consultation to another status, when the caller may:
// consultants mark it resolved, operators close it or reopen it.
func (h *Helpdesk) SetStatus(ctx context.Context, id int64, to Status) (*ConsultationDetail, error) {
	if !validStatus(to) {
		return nil, httpx.Invalid("status", "oneof", "helpdesk.status")
	}
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, pr, err := h.loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		who, ok := transitions[c.Status][to]
		if !ok {
			return ErrTransition
		}
		if who == viewStaff && v != viewStaff {
			return incroci.ErrForbidden
		}
		return h.move(ctx, tx, c, to, pr.PersonID)
	})
	if err != nil {
		return nil, err
	}
	h.publishChange(ctx, id, "consultation.status")
	return h.Get(ctx, id)
}

// move records a status change of c by actor (0 for the hub itself).
func (h *Helpdesk) move(ctx context.Context, tx *gorm.DB, c *Consultation, to Status, actor int64) error {
	_, err := h.moveWith(ctx, tx, c, to, actor, nil)
	return err
}

// moveWith is move, writing the columns in extra in the same UPDATE as the
// status. It reports whether the status changed; when it did not, nothing
// was written, extra included.
func (h *Helpdesk) moveWith(ctx context.Context, tx *gorm.DB, c *Consultation, to Status, actor int64, extra map[string]any) (bool, error) {
	if c.Status == to {
		return false, nil
	}
	now := h.p.Now()
	updates := map[string]any{"status": to, "updated_at": now}
	for k, v := range extra {
		updates[k] = v
	}
	switch to {
	case StatusResolved:
		updates["resolved_at"] = now
	case StatusClosed:
		updates["closed_at"] = now
	}
	// Only from the status read: callers load the consultation with
	// loadForWrite, so nobody moved it meanwhile; if somebody did, say so
	// rather than write over their change.
	res := tx.Model(&Consultation{}).Where("id = ? AND status = ?", c.ID, c.Status).Updates(updates)
	if res.Error != nil {
		return false, fmt.Errorf("helpdesk: status: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return false, ErrStatusChanged
	}
	var by *int64
	if actor != 0 {
		by = &actor
	}
	if err := tx.Create(&StatusChange{ConsultationID: c.ID, From: c.Status, To: to, ActorID: by, At: now}).Error; err != nil {
		return false, fmt.Errorf("helpdesk: history: %w", err)
	}
	if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.status", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
		map[string]Status{"from": c.Status, "to": to}); err != nil {
		return false, err
	}
	c.Status = to
	return true, nil
}

// Assign gives a consultation to one of its desk's active consultants.
// The desk's consultants may reassign.
func (h *Helpdesk) Assign(ctx context.Context, id, personID int64) (*ConsultationDetail, error) {
	err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, _, err := h.loadForWrite(ctx, tx, id)
		if err != nil {
			return err
		}
		if v != viewStaff {
			return incroci.ErrForbidden
		}
		dc, err := h.deskRole(ctx, tx, c.DeskID, personID)
		if err != nil {
			return err
		}
		if dc == nil {
			return httpx.Invalid("person_id", "consultant", "helpdesk.assignee")
		}
		if err := tx.Model(&Consultation{}).Where("id = ?", c.ID).Updates(map[string]any{"assignee_id": personID, "updated_at": h.p.Now()}).Error; err != nil {
			return fmt.Errorf("helpdesk: assign: %w", err)
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "helpdesk.consultation.assign", ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID)},
			map[string]any{"from": c.AssigneeID, "to": personID}); err != nil {
			return err
		}
		return h.notify(ctx, tx, personID, c, fmt.Sprintf("incroci: consulenza n. %d assegnata / consultation assigned", c.ID),
			fmt.Sprintf("La consulenza n. %d ti è stata assegnata.\n\nConsultation no. %d was assigned to you.\n", c.ID, c.ID))
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishChange(ctx, id, "consultation.assigned")
	return h.Get(ctx, id)
}

// MarkRead records that the caller has read up to message upTo, a message
// of the consultation they may see (else 422 on up_to). The mark only
// moves forward: one INSERT … ON CONFLICT DO UPDATE that moves it only
// when upTo is further, so concurrent first marks never collide.
func (h *Helpdesk) MarkRead(ctx context.Context, id, upTo int64) error {
	return h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, v, pr, err := h.load(ctx, tx, id)
		if err != nil {
			return err
		}
		visible := "m.id = ? AND m.consultation_id = ?"
		args := []any{upTo, c.ID}
		if v != viewStaff {
			visible += " AND m.kind <> ?"
			args = append(args, KindNote)
		}
		// The message is checked in the same statement: no row is
		// inserted when it is not one the caller may see.
		res := tx.Exec(`INSERT INTO incroci_helpdesk_reads (consultation_id, person_id, last_message_id, at)
			SELECT ?, ?, m.id, ? FROM incroci_helpdesk_messages m WHERE `+visible+`
			ON CONFLICT (consultation_id, person_id) DO UPDATE SET last_message_id = excluded.last_message_id, at = excluded.at
			WHERE incroci_helpdesk_reads.last_message_id < excluded.last_message_id`,
			append([]any{c.ID, pr.PersonID, h.p.Now()}, args...)...)
		if res.Error != nil {
			return fmt.Errorf("helpdesk: read mark: %w", res.Error)
		}
		if res.RowsAffected > 0 {
			return nil
		}
		// Nothing moved: the mark is already there or further, or upTo is
		// not a message the caller may see.
		var n int64
		if err := tx.Table("incroci_helpdesk_messages AS m").Where(visible, args...).Count(&n).Error; err != nil {
			return fmt.Errorf("helpdesk: read mark: %w", err)
		}
		if n == 0 {
			return httpx.Invalid("up_to", "exists", "helpdesk.up_to")
		}
		return nil
	})
}

// Topics of the events a consultation publishes: the dialogue as operators
// see it, and everything (notes too) for the desk's consultants.
func publicTopic(id int64) string { return fmt.Sprintf("helpdesk:consultation:%d", id) }
func staffTopic(id int64) string  { return fmt.Sprintf("helpdesk:consultation:%d:staff", id) }

// publishChangeTx announces a change of a consultation inside tx, to both
// its streams.
func (h *Helpdesk) publishChangeTx(ctx context.Context, tx *gorm.DB, id int64, typ string) error {
	data := map[string]int64{"consultation_id": id}
	if _, err := h.p.PublishEachTx(ctx, tx, []string{publicTopic(id), staffTopic(id)}, typ, data); err != nil {
		return fmt.Errorf("helpdesk: publish %s: %w", typ, err)
	}
	return nil
}

// publishChange announces a change of a consultation to both its streams;
// events carry only ids, never case text.
func (h *Helpdesk) publishChange(ctx context.Context, id int64, typ string) {
	data := map[string]int64{"consultation_id": id}
	for _, topic := range []string{publicTopic(id), staffTopic(id)} {
		if _, err := h.p.Events().Publish(context.WithoutCancel(ctx), topic, typ, data); err != nil {
			h.log.WarnContext(ctx, "helpdesk: publish", "topic", topic, "err", err)
		}
	}
}
