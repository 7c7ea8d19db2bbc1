package helpdesk

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// ReportQuery chooses what a report covers: consultations opened in
// [From, To), of one ambito and/or one desk.
type ReportQuery struct {
	Ambito string
	DeskID int64
	From   time.Time
	To     time.Time
}

// Count is one line of a breakdown.
type Count struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
	N     int    `json:"n"`
}

// Timing summarises durations in working hours.
type Timing struct {
	// N is how many consultations the figure rests on.
	N int `json:"n"`
	// MedianHours is the median, in working hours of the desk's calendar.
	MedianHours float64 `json:"median_hours"`
}

// Report holds the figures a funded project reports, all pseudonymous.
type Report struct {
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	Ambito        string    `json:"ambito"`
	DeskID        int64     `json:"desk_id"`
	Total         int       `json:"total"`
	ByAmbito      []Count   `json:"by_ambito"`
	ByDesk        []Count   `json:"by_desk"`
	ByTopic       []Count   `json:"by_topic"`
	ByMonth       []Count   `json:"by_month"`
	ByNationality []Count   `json:"by_nationality"`
	ByLanguage    []Count   `json:"by_language"`
	ByAgeBand     []Count   `json:"by_age_band"`
	ByStatus      []Count   `json:"by_status"`
	FirstResponse Timing    `json:"first_response"`
	Resolution    Timing    `json:"resolution"`
	// MediatorHours are the hours drawn from mediation packages for
	// bookings starting in the period (refunds deducted), by ambito and
	// language: for admins and the ambito's coordinators, never for a
	// desk's manager.
	MediatorHours []MediatorHours `json:"mediator_hours"`
}

// MediatorHours is a line of the mediation figures.
type MediatorHours struct {
	Ambito   string  `json:"ambito"`
	Language string  `json:"language"`
	Hours    float64 `json:"hours"`
}

// zone is the time zone of the reports' days and months: the calendar's,
// Italian time by default.
func (h *Helpdesk) zone() *time.Location {
	if c, ok := h.cfg.Calendar.(interface{ Location() *time.Location }); ok {
		return c.Location()
	}
	return bookingZone
}

// reportRow is a consultation as reports see it: no text, no label.
type reportRow struct {
	ID              int64
	DeskID          int64
	TopicID         int64
	Ambito          string
	Urgency         Urgency
	Status          Status
	AgeBand         string
	Nationality     string
	Language        string
	CreatedAt       time.Time
	FirstResponseAt *time.Time
	ResolvedAt      *time.Time
}

// reportScope checks who may see a report: admins any; coordinators their
// ambito's; the managers of a desk that desk's. It reports whether the
// caller may also see the ambiti's mediation figures (admins, and
// coordinators of the ambito asked for): a desk's manager may not, even
// when the query names an ambito, for mediation belongs to ambiti, not
// desks.
func (h *Helpdesk) reportScope(ctx context.Context, q *ReportQuery) (mediation bool, err error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil {
		return false, incroci.ErrUnauthorized
	}
	if q.To.IsZero() {
		q.To = h.p.Now()
	}
	if q.From.IsZero() {
		q.From = q.To.AddDate(-1, 0, 0)
	}
	if !q.From.Before(q.To) {
		return false, httpx.Invalid("from", "before", "helpdesk.report_range")
	}
	if pr.Admin {
		return true, nil
	}
	if q.Ambito != "" && pr.Has(incroci.RoleCoordinator, q.Ambito) {
		return true, nil
	}
	if q.DeskID != 0 {
		dc, err := h.deskRole(ctx, h.db, q.DeskID, pr.PersonID)
		if err != nil {
			return false, err
		}
		if dc != nil && dc.Manager {
			return false, nil
		}
	}
	return false, incroci.ErrForbidden
}

func (h *Helpdesk) reportRows(ctx context.Context, q ReportQuery) ([]reportRow, error) {
	db := h.db.WithContext(ctx).Model(&Consultation{}).
		Select("id, desk_id, topic_id, ambito, urgency, status, beneficiary_age_band AS age_band, beneficiary_nationality AS nationality, beneficiary_language AS language, created_at, first_response_at, resolved_at").
		Where("created_at >= ? AND created_at < ?", q.From.UTC(), q.To.UTC()) // UTC: SQLite compares times as text
	if q.Ambito != "" {
		db = db.Where("ambito = ?", q.Ambito)
	}
	if q.DeskID != 0 {
		db = db.Where("desk_id = ?", q.DeskID)
	}
	var rows []reportRow
	if err := db.Order("id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: report: %w", err)
	}
	return rows, nil
}

// Report counts the consultations of q by ambito, desk, topic, month,
// beneficiary nationality, language, age band and status, with the median
// first-response and resolution times in working hours. Coordinators of
// the ambito, the desk's managers and admins only.
func (h *Helpdesk) Report(ctx context.Context, q ReportQuery) (*Report, error) {
	mediation, err := h.reportScope(ctx, &q)
	if err != nil {
		return nil, err
	}
	rows, err := h.reportRows(ctx, q)
	if err != nil {
		return nil, err
	}
	labels, err := h.labels(ctx)
	if err != nil {
		return nil, err
	}
	lang := incroci.LangFrom(ctx)
	out := &Report{From: q.From, To: q.To, Ambito: q.Ambito, DeskID: q.DeskID, Total: len(rows)}
	count := func(key func(r reportRow) string, label func(string) string) []Count {
		m := map[string]int{}
		for _, r := range rows {
			m[key(r)]++
		}
		list := make([]Count, 0, len(m))
		for k, n := range m {
			c := Count{Key: k, N: n}
			if label != nil {
				c.Label = label(k)
			}
			list = append(list, c)
		}
		sort.Slice(list, func(i, j int) bool {
			if list[i].N != list[j].N {
				return list[i].N > list[j].N
			}
			return list[i].Key < list[j].Key
		})
		return list
	}
	loc := h.zone()
	out.ByAmbito = count(func(r reportRow) string { return r.Ambito }, nil)
	out.ByDesk = count(func(r reportRow) string { return strconv.FormatInt(r.DeskID, 10) }, func(k string) string { return labels.desk[k] })
	out.ByTopic = count(func(r reportRow) string { return labels.topicCode[r.TopicID] }, func(k string) string { return labels.topic(k, lang) })
	out.ByMonth = count(func(r reportRow) string { return r.CreatedAt.In(loc).Format("2006-01") }, nil)
	sort.Slice(out.ByMonth, func(i, j int) bool { return out.ByMonth[i].Key < out.ByMonth[j].Key })
	out.ByNationality = count(func(r reportRow) string { return r.Nationality }, nil)
	out.ByLanguage = count(func(r reportRow) string { return r.Language }, nil)
	out.ByAgeBand = count(func(r reportRow) string { return r.AgeBand }, nil)
	out.ByStatus = count(func(r reportRow) string { return string(r.Status) }, nil)
	var first, resolved []float64
	for _, r := range rows {
		if r.FirstResponseAt != nil {
			first = append(first, h.cfg.Calendar.Between(r.CreatedAt, *r.FirstResponseAt).Hours())
		}
		if r.ResolvedAt != nil {
			resolved = append(resolved, h.cfg.Calendar.Between(r.CreatedAt, *r.ResolvedAt).Hours())
		}
	}
	out.FirstResponse = Timing{N: len(first), MedianHours: median(first)}
	out.Resolution = Timing{N: len(resolved), MedianHours: median(resolved)}
	out.MediatorHours = []MediatorHours{}
	if mediation {
		if out.MediatorHours, err = h.mediatorHours(ctx, q); err != nil {
			return nil, err
		}
	}
	if err := h.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: q.Ambito, Action: "helpdesk.report", ObjectType: "report", ObjectID: "consultations"}, q); err != nil {
		return nil, err
	}
	return out, nil
}

// ReportCSV writes one line per consultation of q, with no text and no
// label: what funded projects hand in. Same rights as Report.
func (h *Helpdesk) ReportCSV(ctx context.Context, q ReportQuery) ([]byte, error) {
	if _, err := h.reportScope(ctx, &q); err != nil {
		return nil, err
	}
	rows, err := h.reportRows(ctx, q)
	if err != nil {
		return nil, err
	}
	labels, err := h.labels(ctx)
	if err != nil {
		return nil, err
	}
	loc := h.zone()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "ambito", "desk", "topic", "month", "urgency", "status", "age_band", "nationality", "language", "first_response_hours", "resolution_hours"})
	hours := func(from time.Time, to *time.Time) string {
		if to == nil {
			return ""
		}
		return strconv.FormatFloat(h.cfg.Calendar.Between(from, *to).Hours(), 'f', 1, 64)
	}
	for _, r := range rows {
		w.Write([]string{strconv.FormatInt(r.ID, 10), r.Ambito, labels.desk[strconv.FormatInt(r.DeskID, 10)], labels.topicCode[r.TopicID],
			r.CreatedAt.In(loc).Format("2006-01"), string(r.Urgency), string(r.Status), r.AgeBand, r.Nationality, r.Language,
			hours(r.CreatedAt, r.FirstResponseAt), hours(r.CreatedAt, r.ResolvedAt)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("helpdesk: report csv: %w", err)
	}
	if err := h.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: q.Ambito, Action: "helpdesk.report.csv", ObjectType: "report", ObjectID: "consultations"}, q); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type reportLabels struct {
	desk      map[string]string
	topicCode map[int64]string
	topicIT   map[string]string
	topicEN   map[string]string
}

func (l reportLabels) topic(code, lang string) string {
	if lang == "en" {
		return l.topicEN[code]
	}
	return l.topicIT[code]
}

func (h *Helpdesk) labels(ctx context.Context) (reportLabels, error) {
	l := reportLabels{desk: map[string]string{}, topicCode: map[int64]string{}, topicIT: map[string]string{}, topicEN: map[string]string{}}
	var desks []Desk
	if err := h.db.WithContext(ctx).Find(&desks).Error; err != nil {
		return l, fmt.Errorf("helpdesk: report labels: %w", err)
	}
	for _, d := range desks {
		l.desk[strconv.FormatInt(d.ID, 10)] = d.Slug
	}
	var topics []Topic
	if err := h.db.WithContext(ctx).Find(&topics).Error; err != nil {
		return l, fmt.Errorf("helpdesk: report labels: %w", err)
	}
	for _, t := range topics {
		l.topicCode[t.ID] = t.Code
		l.topicIT[t.Code], l.topicEN[t.Code] = t.LabelIT, t.LabelEN
	}
	return l, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// mediatorHours sums the ledger's bookings and refunds of the bookings of
// q's period, by ambito and language. A desk-only query has none: mediation
// belongs to ambiti, not desks.
func (h *Helpdesk) mediatorHours(ctx context.Context, q ReportQuery) ([]MediatorHours, error) {
	out := []MediatorHours{}
	if q.DeskID != 0 && q.Ambito == "" {
		return out, nil
	}
	type row struct {
		Ambito   string
		Language string
		Minutes  int
	}
	var rows []row
	db := h.db.WithContext(ctx).Table("incroci_helpdesk_mediation_ledger AS l").
		Select("r.ambito, r.language, -SUM(l.minutes) AS minutes").
		Joins("JOIN incroci_helpdesk_mediation_requests AS r ON r.id = l.booking_id").
		Where("l.reason IN ? AND r.starts_at >= ? AND r.starts_at < ?", []LedgerReason{LedgerBooking, LedgerRefund}, q.From.UTC(), q.To.UTC())
	if q.Ambito != "" {
		db = db.Where("r.ambito = ?", q.Ambito)
	}
	if err := db.Group("r.ambito, r.language").Order("r.ambito, r.language").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: mediator hours: %w", err)
	}
	for _, r := range rows {
		if r.Minutes != 0 {
			out = append(out, MediatorHours{Ambito: r.Ambito, Language: r.Language, Hours: float64(r.Minutes) / 60})
		}
	}
	return out, nil
}
