package training

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// CourseInput writes a course.
type CourseInput struct {
	// Ambito owns the course; "" for the network's (admins only).
	Ambito string `json:"ambito" validate:"omitempty,slug"`
	Title  string `json:"title" validate:"required,min=3,max=200,nocontrol"`
	Goals  string `json:"goals" validate:"required,min=3,max=5000"`
	// Audience are the roles the course is for; empty for anyone.
	Audience []incroci.Role `json:"audience" validate:"max=6,dive,oneof=operator consultant mediator trainer editor coordinator"`
	// Topics are codes of Topics.
	Topics []string `json:"topics" validate:"max=10"`
	Hours  float64  `json:"hours" validate:"gt=0,max=1000"`
	// TrainerIDs are people who hold the trainer role in the course's
	// ambito (in any ambito for the network's).
	TrainerIDs []int64    `json:"trainer_ids" validate:"max=20,dive,min=1"`
	Materials  []Material `json:"materials" validate:"max=30,dive"`
}

// CourseView is a course with its editions.
type CourseView struct {
	Course
	Editions []Edition `json:"editions"`
	// Files are the course's files (AddFile), oldest first.
	Files []CourseFile `json:"files"`
}

// CourseQuery filters the catalogue.
type CourseQuery struct {
	// Ambito keeps the courses of one ambito; "-" keeps the network's.
	Ambito string
	// Topic keeps the courses filed under a topic code.
	Topic string
	// Role keeps the courses whose audience includes the role (or is
	// everyone).
	Role incroci.Role
	// Q keeps the courses whose title holds it, ignoring case.
	Q string
	// Open keeps the courses with an edition open for enrolment now (not
	// cancelled, inside its enrolment window).
	Open bool
	// Page and PerPage choose the page: 1 and 20 when zero.
	Page, PerPage int
}

// checkCourse checks what the validator cannot: topics, materials,
// trainers.
func (t *Training) checkCourse(ctx context.Context, tx *gorm.DB, in *CourseInput) error {
	var issues []httpx.FieldIssue
	if in.Ambito != "" {
		var n int64
		if err := tx.WithContext(ctx).Model(&incroci.Ambito{}).Where("slug = ?", in.Ambito).Count(&n).Error; err != nil {
			return fmt.Errorf("training: ambito %q: %w", in.Ambito, err)
		}
		if n == 0 {
			issues = append(issues, httpx.FieldIssue{Field: "ambito", Rule: "exists", Key: "training.ambito_unknown"})
		}
	}
	for i, code := range in.Topics {
		if !knownTopic(code) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("topics[%d]", i), Rule: "topic", Key: "training.topic_unknown"})
		}
	}
	for i, m := range in.Materials {
		switch {
		case (m.URL == "") == (m.SheetID == 0):
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("materials[%d]", i), Rule: "material", Key: "training.material"})
		case m.URL != "" && !httpURL(m.URL):
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("materials[%d].url", i), Rule: "url", Key: "training.url"})
		}
	}
	if bad, err := t.notTrainers(ctx, tx, in.Ambito, in.TrainerIDs); err != nil {
		return err
	} else {
		for _, i := range bad {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("trainer_ids[%d]", i), Rule: "role", Key: "training.trainer_role"})
		}
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// notTrainers returns the indexes of ids that do not hold the trainer role
// in ambito (in any ambito when "").
func (t *Training) notTrainers(ctx context.Context, tx *gorm.DB, ambito string, ids []int64) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := tx.WithContext(ctx).Model(&incroci.RoleGrant{}).Where("person_id IN ? AND role = ?", ids, incroci.RoleTrainer)
	if ambito != "" {
		q = q.Where("ambito = ?", ambito)
	}
	var ok []int64
	if err := q.Distinct().Pluck("person_id", &ok).Error; err != nil {
		return nil, fmt.Errorf("training: trainers: %w", err)
	}
	var bad []int
	for i, id := range ids {
		if !slices.Contains(ok, id) {
			bad = append(bad, i)
		}
	}
	return bad, nil
}

// httpURL reports whether s is an absolute http or https URL.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// SaveCourse creates a course (id 0) or replaces one: coordinators of its
// ambito, and admins (the only ones for the network's courses). A course
// does not move between ambiti.
func (t *Training) SaveCourse(ctx context.Context, id int64, in CourseInput) (*Course, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var c Course
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := t.p.Now()
		if id != 0 {
			if err := tx.Where("id = ?", id).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrCourseNotFound
			} else if err != nil {
				return fmt.Errorf("training: course %d: %w", id, err)
			}
			if !mayRead(pr, c.Ambito) {
				return ErrCourseNotFound
			}
			if !mayManage(pr, c.Ambito) {
				return incroci.ErrForbidden
			}
			if in.Ambito != c.Ambito {
				return httpx.Invalid("ambito", "fixed", "training.ambito_fixed")
			}
		} else {
			if !mayManage(pr, in.Ambito) {
				return incroci.ErrForbidden
			}
			c = Course{Ambito: in.Ambito, CreatedBy: pr.PersonID, CreatedAt: now}
		}
		if err := t.checkCourse(ctx, tx, &in); err != nil {
			return err
		}
		c.Title, c.Goals, c.Hours = strings.TrimSpace(in.Title), strings.TrimSpace(in.Goals), in.Hours
		c.Audience, c.Topics = nonNil(in.Audience), nonNil(in.Topics)
		c.TrainerIDs, c.Materials = nonNil(in.TrainerIDs), nonNil(in.Materials)
		c.UpdatedAt = now
		if err := tx.Save(&c).Error; err != nil {
			return fmt.Errorf("training: save course: %w", err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: c.Ambito, Action: "training.course.save", ObjectType: "course", ObjectID: fmt.Sprint(c.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Courses lists the courses the caller may read, newest first, paged.
func (t *Training) Courses(ctx context.Context, q CourseQuery) ([]Course, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	db := t.db.WithContext(ctx).Model(&Course{})
	if !pr.Admin {
		db = db.Where("ambito = '' OR ambito IN ?", append(ambitiOf(pr), ""))
		if len(pr.Grants) == 0 {
			db = db.Where("1 = 0")
		}
	}
	switch q.Ambito {
	case "":
	case "-":
		db = db.Where("ambito = ''")
	default:
		db = db.Where("ambito = ?", q.Ambito)
	}
	if s := strings.TrimSpace(q.Q); s != "" {
		db = db.Where("LOWER(title) LIKE ?", "%"+strings.ToLower(likeSafe(s))+"%")
	}
	if q.Open {
		now := t.p.Now().UTC() // as the editions' times are stored
		open := t.db.WithContext(ctx).Model(&Edition{}).Select("course_id").
			Where("cancelled = ? AND enrol_from <= ? AND enrol_until >= ?", false, now, now)
		db = db.Where("id IN (?)", open)
	}
	// Topics and audience are JSON lists: filtered in Go, on the ids.
	var all []Course
	if err := db.Order("id DESC").Find(&all).Error; err != nil {
		return nil, 0, fmt.Errorf("training: courses: %w", err)
	}
	all = slices.DeleteFunc(all, func(c Course) bool {
		if q.Topic != "" && !slices.Contains(c.Topics, q.Topic) {
			return true
		}
		return q.Role != "" && len(c.Audience) > 0 && !slices.Contains(c.Audience, q.Role)
	})
	total := int64(len(all))
	page, perPage := pageOf(q.Page, q.PerPage)
	from := min((page-1)*perPage, len(all))
	to := min(from+perPage, len(all))
	return all[from:to], total, nil
}

// likeSafe drops the LIKE wildcards from s, so that a search matches it as
// written.
func likeSafe(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// GetCourse returns a course the caller may read, with its editions
// (soonest first).
func (t *Training) GetCourse(ctx context.Context, id int64) (*CourseView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	c, err := courseFor(ctx, t.db, pr, id, false)
	if err != nil {
		return nil, err
	}
	var eds []Edition
	if err := t.db.WithContext(ctx).Where("course_id = ?", id).Order("id").Find(&eds).Error; err != nil {
		return nil, fmt.Errorf("training: editions of course %d: %w", id, err)
	}
	for i := range eds {
		if err := t.fillEdition(ctx, t.db, &eds[i]); err != nil {
			return nil, err
		}
	}
	fs, err := t.filesOf(ctx, t.db, id)
	if err != nil {
		return nil, err
	}
	return &CourseView{Course: *c, Editions: nonNil(eds), Files: fs}, nil
}
