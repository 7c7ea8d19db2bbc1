package training

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
)

// ReportQuery chooses what a report covers.
type ReportQuery struct {
	// Ambito is the ambito reported on: required for coordinators (their
	// own); "" for admins means the whole network.
	Ambito string
	// Year keeps one year (Italian time) of meetings; 0 keeps all.
	Year int
}

// mayReport checks that pr may read reports on q.Ambito: its
// coordinators, and admins (also on the network, "").
func (t *Training) mayReport(ctx context.Context, q ReportQuery) error {
	pr, err := caller(ctx)
	if err != nil {
		return err
	}
	if pr.Admin || (q.Ambito != "" && pr.Has(incroci.RoleCoordinator, q.Ambito)) {
		return nil
	}
	return incroci.ErrForbidden
}

// HoursFigure is the hours of training attended by the people of an
// ambito with a role, in courses on a topic.
type HoursFigure struct {
	Ambito string       `json:"ambito"`
	Role   incroci.Role `json:"role"`
	// Topic is "" for courses without topics.
	Topic   string  `json:"topic"`
	People  int     `json:"people"`
	Minutes int     `json:"minutes"`
	Hours   float64 `json:"hours"`
}

// HoursTotal is the hours of training attended by the people of an
// ambito, each counted once.
type HoursTotal struct {
	Ambito  string  `json:"ambito"`
	People  int     `json:"people"`
	Minutes int     `json:"minutes"`
	Hours   float64 `json:"hours"`
}

// HoursReport is the hours of training per ambito, role and topic. A
// person with two roles counts under both, a course with two topics under
// both: the lines add up to more than the totals.
type HoursReport struct {
	Lines  []HoursFigure `json:"lines"`
	Totals []HoursTotal  `json:"totals"`
}

// HoursReport reports the hours attended per ambito (the one people
// enrolled from), role (those they held there when enrolling) and topic
// of the course: figures only. The read is audited.
func (t *Training) HoursReport(ctx context.Context, q ReportQuery) (*HoursReport, error) {
	if err := t.mayReport(ctx, q); err != nil {
		return nil, err
	}
	type row struct {
		PersonID int64
		Minutes  int
		Ambito   string
		Roles    string
		Topics   string
		Start    time.Time
	}
	db := t.db.WithContext(ctx).Table("incroci_training_attendance AS a").
		Select("a.person_id, a.minutes, en.ambito, en.roles, c.topics, m.start").
		Joins("JOIN incroci_training_meetings m ON m.id = a.meeting_id").
		Joins("JOIN incroci_training_enrolments en ON en.edition_id = a.edition_id AND en.person_id = a.person_id").
		Joins("JOIN incroci_training_editions e ON e.id = a.edition_id").
		Joins("JOIN incroci_training_courses c ON c.id = e.course_id").
		Where("a.minutes > 0")
	if q.Ambito != "" {
		db = db.Where("en.ambito = ?", q.Ambito)
	}
	var rows []row
	if err := db.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("training: hours report: %w", err)
	}
	type key struct {
		ambito, role, topic string
	}
	type acc struct {
		minutes int
		people  map[int64]bool
	}
	lines := map[key]*acc{}
	totals := map[string]*acc{}
	for _, r := range rows {
		if q.Year != 0 && r.Start.In(rome).Year() != q.Year {
			continue
		}
		var roles, topics []string
		if err := json.Unmarshal([]byte(r.Roles), &roles); err != nil {
			return nil, fmt.Errorf("training: hours report: roles: %w", err)
		}
		if err := json.Unmarshal([]byte(r.Topics), &topics); err != nil {
			return nil, fmt.Errorf("training: hours report: topics: %w", err)
		}
		if len(topics) == 0 {
			topics = []string{""}
		}
		for _, role := range roles {
			for _, topic := range topics {
				k := key{r.Ambito, role, topic}
				if lines[k] == nil {
					lines[k] = &acc{people: map[int64]bool{}}
				}
				lines[k].minutes += r.Minutes
				lines[k].people[r.PersonID] = true
			}
		}
		if totals[r.Ambito] == nil {
			totals[r.Ambito] = &acc{people: map[int64]bool{}}
		}
		totals[r.Ambito].minutes += r.Minutes
		totals[r.Ambito].people[r.PersonID] = true
	}
	out := &HoursReport{Lines: []HoursFigure{}, Totals: []HoursTotal{}}
	for k, a := range lines {
		out.Lines = append(out.Lines, HoursFigure{Ambito: k.ambito, Role: incroci.Role(k.role), Topic: k.topic, People: len(a.people), Minutes: a.minutes, Hours: hoursOf(a.minutes)})
	}
	slices.SortFunc(out.Lines, func(a, b HoursFigure) int {
		return strings.Compare(a.Ambito+"\x00"+string(a.Role)+"\x00"+a.Topic, b.Ambito+"\x00"+string(b.Role)+"\x00"+b.Topic)
	})
	for amb, a := range totals {
		out.Totals = append(out.Totals, HoursTotal{Ambito: amb, People: len(a.people), Minutes: a.minutes, Hours: hoursOf(a.minutes)})
	}
	slices.SortFunc(out.Totals, func(a, b HoursTotal) int { return strings.Compare(a.Ambito, b.Ambito) })
	if err := t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: q.Ambito, Action: "training.report.hours", ObjectType: "report", ObjectID: "hours"}, q); err != nil {
		return nil, fmt.Errorf("training: audit report: %w", err)
	}
	return out, nil
}

// EditionFigures are the figures of one edition.
type EditionFigures struct {
	EditionID int64  `json:"edition_id"`
	CourseID  int64  `json:"course_id"`
	Course    string `json:"course"`
	Title     string `json:"title"`
	Ambito    string `json:"ambito"`
	// FirstDay is the date of the first meeting (YYYY-MM-DD).
	FirstDay  string `json:"first_day"`
	Cancelled bool   `json:"cancelled"`
	Capacity  int    `json:"capacity"`
	// Enrolled hold a confirmed seat; Pending await approval; Offered
	// have a freed seat offered; Waiting are on the waiting list; Left
	// cancelled, were rejected or let an offer lapse.
	Enrolled int `json:"enrolled"`
	Pending  int `json:"pending"`
	Offered  int `json:"offered"`
	Waiting  int `json:"waiting"`
	Left     int `json:"left"`
	// Meetings, and how many of them have a closed register.
	Meetings int `json:"meetings"`
	Closed   int `json:"closed"`
	// AttendanceRate is the share, in percent, of the hours of the closed
	// meetings that the enrolled attended; null before any is closed.
	AttendanceRate *float64 `json:"attendance_rate"`
	Certificates   int      `json:"certificates"`
}

// CourseFigures are the figures of one course, its editions together.
type CourseFigures struct {
	CourseID       int64    `json:"course_id"`
	Course         string   `json:"course"`
	Ambito         string   `json:"ambito"`
	Editions       int      `json:"editions"`
	Capacity       int      `json:"capacity"`
	Enrolled       int      `json:"enrolled"`
	Waiting        int      `json:"waiting"`
	AttendanceRate *float64 `json:"attendance_rate"`
	Certificates   int      `json:"certificates"`
}

// EditionsReport is the enrolment and attendance of editions and courses.
type EditionsReport struct {
	Editions []EditionFigures `json:"editions"`
	Courses  []CourseFigures  `json:"courses"`
}

// rate is attended of possible minutes in percent, one decimal; nil when
// nothing was possible.
func rate(attended, possible int) *float64 {
	if possible == 0 {
		return nil
	}
	r := float64(attended*1000/possible) / 10
	return &r
}

// EditionsReport reports, per edition and per course of q.Ambito (every
// course for admins with ""), seats, enrolments, waiting lists, attendance
// rates and certificates: figures only. Year keeps the editions whose first
// meeting falls in it. The read is audited.
func (t *Training) EditionsReport(ctx context.Context, q ReportQuery) (*EditionsReport, error) {
	if err := t.mayReport(ctx, q); err != nil {
		return nil, err
	}
	db := t.db.WithContext(ctx).Order("id")
	if q.Ambito != "" {
		db = db.Where("ambito = ?", q.Ambito)
	}
	var eds []Edition
	if err := db.Find(&eds).Error; err != nil {
		return nil, fmt.Errorf("training: editions report: %w", err)
	}
	out := &EditionsReport{Editions: []EditionFigures{}, Courses: []CourseFigures{}}
	type courseAcc struct {
		CourseFigures
		attended, possible int
	}
	courses := map[int64]*courseAcc{}
	var order []int64
	for i := range eds {
		e := &eds[i]
		var ms []Meeting
		if err := t.db.WithContext(ctx).Where("edition_id = ?", e.ID).Order("start, id").Find(&ms).Error; err != nil {
			return nil, fmt.Errorf("training: meetings of edition %d: %w", e.ID, err)
		}
		if len(ms) == 0 || (q.Year != 0 && ms[0].Start.In(rome).Year() != q.Year) {
			continue
		}
		var c Course
		if err := t.db.WithContext(ctx).Select("id", "title", "ambito").Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
			return nil, fmt.Errorf("training: course %d: %w", e.CourseID, err)
		}
		f := EditionFigures{EditionID: e.ID, CourseID: c.ID, Course: c.Title, Title: e.Title, Ambito: e.Ambito, FirstDay: ms[0].Start.In(rome).Format("2006-01-02"),
			Cancelled: e.Cancelled, Capacity: e.Capacity, Meetings: len(ms)}
		type count struct {
			Status Status
			N      int
		}
		var counts []count
		if err := t.db.WithContext(ctx).Model(&Enrolment{}).Select("status, COUNT(*) AS n").Where("edition_id = ?", e.ID).Group("status").Scan(&counts).Error; err != nil {
			return nil, fmt.Errorf("training: enrolments of edition %d: %w", e.ID, err)
		}
		for _, n := range counts {
			switch n.Status {
			case StatusConfirmed:
				f.Enrolled = n.N
			case StatusPending:
				f.Pending = n.N
			case StatusOffered:
				f.Offered = n.N
			case StatusWaiting:
				f.Waiting = n.N
			default:
				f.Left += n.N
			}
		}
		var closed []int64
		if err := t.db.WithContext(ctx).Model(&closure{}).Where("edition_id = ?", e.ID).Pluck("meeting_id", &closed).Error; err != nil {
			return nil, fmt.Errorf("training: registers of edition %d: %w", e.ID, err)
		}
		f.Closed = len(closed)
		possible, attended := 0, 0
		if len(closed) > 0 {
			var seatedIDs []int64
			if err := t.db.WithContext(ctx).Model(&Enrolment{}).Where("edition_id = ? AND status = ?", e.ID, StatusConfirmed).Pluck("person_id", &seatedIDs).Error; err != nil {
				return nil, fmt.Errorf("training: seats of edition %d: %w", e.ID, err)
			}
			for j := range ms {
				if slices.Contains(closed, ms[j].ID) {
					possible += minutesOf(&ms[j]) * len(seatedIDs)
				}
			}
			if len(seatedIDs) > 0 {
				var sum struct{ Minutes int }
				if err := t.db.WithContext(ctx).Model(&Attendance{}).Select("COALESCE(SUM(minutes), 0) AS minutes").
					Where("edition_id = ? AND meeting_id IN ? AND person_id IN ?", e.ID, closed, seatedIDs).Scan(&sum).Error; err != nil {
					return nil, fmt.Errorf("training: attendance of edition %d: %w", e.ID, err)
				}
				attended = sum.Minutes
			}
			f.AttendanceRate = rate(attended, possible)
		}
		var certs int64
		if err := t.db.WithContext(ctx).Model(&Certificate{}).Where("edition_id = ? AND revoked_at IS NULL", e.ID).Count(&certs).Error; err != nil {
			return nil, fmt.Errorf("training: certificates of edition %d: %w", e.ID, err)
		}
		f.Certificates = int(certs)
		out.Editions = append(out.Editions, f)
		ca := courses[c.ID]
		if ca == nil {
			ca = &courseAcc{CourseFigures: CourseFigures{CourseID: c.ID, Course: c.Title, Ambito: c.Ambito}}
			courses[c.ID] = ca
			order = append(order, c.ID)
		}
		ca.Editions++
		ca.Capacity += f.Capacity
		ca.Enrolled += f.Enrolled
		ca.Waiting += f.Waiting
		ca.Certificates += f.Certificates
		ca.attended += attended
		ca.possible += possible
	}
	for _, id := range order {
		ca := courses[id]
		ca.AttendanceRate = rate(ca.attended, ca.possible)
		out.Courses = append(out.Courses, ca.CourseFigures)
	}
	if err := t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: q.Ambito, Action: "training.report.editions", ObjectType: "report", ObjectID: "editions"}, q); err != nil {
		return nil, fmt.Errorf("training: audit report: %w", err)
	}
	return out, nil
}

// writeCSV writes a header and rows as CSV.
func writeCSV(header []string, rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		return nil, fmt.Errorf("training: csv: %w", err)
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("training: csv: %w", err)
	}
	return b.Bytes(), nil
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func rateString(r *float64) string {
	if r == nil {
		return ""
	}
	return strconv.FormatFloat(*r, 'f', 1, 64)
}

// HoursCSV is HoursReport as CSV: ambito, role, topic, people, minutes,
// hours (a dot for decimals).
func (t *Training) HoursCSV(ctx context.Context, q ReportQuery) ([]byte, error) {
	r, err := t.HoursReport(ctx, q)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, 0, len(r.Lines))
	for _, l := range r.Lines {
		rows = append(rows, []string{l.Ambito, string(l.Role), l.Topic, strconv.Itoa(l.People), strconv.Itoa(l.Minutes), ftoa(l.Hours)})
	}
	return writeCSV([]string{"ambito", "role", "topic", "people", "minutes", "hours"}, rows)
}

// EditionsCSV is the editions of EditionsReport as CSV, one line each.
func (t *Training) EditionsCSV(ctx context.Context, q ReportQuery) ([]byte, error) {
	r, err := t.EditionsReport(ctx, q)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, 0, len(r.Editions))
	for _, f := range r.Editions {
		rows = append(rows, []string{strconv.FormatInt(f.EditionID, 10), strconv.FormatInt(f.CourseID, 10), f.Course, f.Title, f.Ambito, f.FirstDay,
			strconv.FormatBool(f.Cancelled), strconv.Itoa(f.Capacity), strconv.Itoa(f.Enrolled), strconv.Itoa(f.Pending), strconv.Itoa(f.Offered),
			strconv.Itoa(f.Waiting), strconv.Itoa(f.Left), strconv.Itoa(f.Meetings), strconv.Itoa(f.Closed), rateString(f.AttendanceRate), strconv.Itoa(f.Certificates)})
	}
	return writeCSV([]string{"edition_id", "course_id", "course", "title", "ambito", "first_day", "cancelled", "capacity", "enrolled", "pending", "offered",
		"waiting", "left", "meetings", "closed", "attendance_rate", "certificates"}, rows)
}

// CoursesCSV is the courses of EditionsReport as CSV, one line each.
func (t *Training) CoursesCSV(ctx context.Context, q ReportQuery) ([]byte, error) {
	r, err := t.EditionsReport(ctx, q)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, 0, len(r.Courses))
	for _, f := range r.Courses {
		rows = append(rows, []string{strconv.FormatInt(f.CourseID, 10), f.Course, f.Ambito, strconv.Itoa(f.Editions), strconv.Itoa(f.Capacity),
			strconv.Itoa(f.Enrolled), strconv.Itoa(f.Waiting), rateString(f.AttendanceRate), strconv.Itoa(f.Certificates)})
	}
	return writeCSV([]string{"course_id", "course", "ambito", "editions", "capacity", "enrolled", "waiting", "attendance_rate", "certificates"}, rows)
}
