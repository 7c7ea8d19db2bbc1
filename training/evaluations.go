package training

// Evaluations: the questionnaire after an edition (item 5 of the issue).
// An evaluation is a Survey of kind "evaluation" with EditionID set, made
// and answered through the surveys' code and routes, with three
// differences: it is run by the course's managers (coordinators of its
// ambito, admins) and the edition's trainers; its audience is the people
// who held a confirmed seat in the edition, not roles or ambiti; it opens
// once the edition's last meeting has ended. Anonymity, one answer per
// person and the suppression of small groups are the surveys' own.
//
// CourseEvaluation adds up a course's evaluations across its editions and
// sets them beside the needs the course was linked to: a question of an
// evaluation may name one of those needs (Question.NeedID).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// evalTarget is the edition an evaluation being written is about.
type evalTarget struct {
	edition Edition
	// lastEnd is when the edition's last meeting ends.
	lastEnd time.Time
	// needs are the ids of the needs the course is linked to.
	needs []int64
}

// evaluationTarget reads the edition of in (an evaluation) for pr, who
// must manage its course or teach it: ErrEditionNotFound when pr may not
// see it, ErrForbidden when pr sees it without running it. It sets
// in.Ambito to the edition's.
func (t *Training) evaluationTarget(ctx context.Context, pr *incroci.Principal, in *SurveyInput) (*evalTarget, error) {
	if in.EditionID == nil {
		return nil, httpx.Invalid("edition_id", "required", "training.evaluation.edition")
	}
	db := t.db.WithContext(ctx)
	var ev evalTarget
	if err := db.Where("id = ?", *in.EditionID).Take(&ev.edition).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrEditionNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: evaluation of edition %d: %w", *in.EditionID, err)
	}
	e := &ev.edition
	if !mayManage(pr, e.Ambito) && !isTrainer(pr, e) {
		if mayRead(pr, e.Ambito) {
			return nil, incroci.ErrForbidden
		}
		return nil, ErrEditionNotFound
	}
	if in.Ambito != "" && in.Ambito != e.Ambito {
		return nil, httpx.Invalid("ambito", "eq", "training.evaluation.ambito")
	}
	if e.Cancelled {
		return nil, ErrEditionCancelled
	}
	in.Ambito = e.Ambito
	end, err := lastMeetingEnd(ctx, db, e.ID)
	if err != nil {
		return nil, err
	}
	ev.lastEnd = end
	err = db.Model(&courseNeed{}).Where("course_id = ?", e.CourseID).Order("need_id").Pluck("need_id", &ev.needs).Error
	if err != nil {
		return nil, fmt.Errorf("training: evaluation of edition %d: needs: %w", e.ID, err)
	}
	return &ev, nil
}

// check returns what is wrong with in as an evaluation of ev's edition,
// and sets opens (by default the end of the last meeting).
func (ev *evalTarget) check(in *SurveyInput, opens *time.Time) []httpx.FieldIssue {
	var issues []httpx.FieldIssue
	if len(in.AudienceAmbiti) > 0 {
		issues = append(issues, httpx.FieldIssue{Field: "audience_ambiti", Rule: "excluded", Key: "training.evaluation.audience"})
	}
	if len(in.AudienceRoles) > 0 {
		issues = append(issues, httpx.FieldIssue{Field: "audience_roles", Rule: "excluded", Key: "training.evaluation.audience"})
	}
	if in.OpensAt.IsZero() {
		*opens = ev.lastEnd
	} else if in.OpensAt.Before(ev.lastEnd) {
		issues = append(issues, httpx.FieldIssue{Field: "opens_at", Rule: "gte", Key: "training.evaluation.opens",
			Args: []any{ev.lastEnd.In(rome).Format("02/01/2006 15:04")}})
	}
	if !in.ClosesAt.After(*opens) {
		issues = append(issues, httpx.FieldIssue{Field: "closes_at", Rule: "gtfield", Key: "training.evaluation.closes"})
	}
	return issues
}

// lastMeetingEnd returns when edition id's last meeting ends.
func lastMeetingEnd(ctx context.Context, db *gorm.DB, id int64) (time.Time, error) {
	var ms []Meeting
	if err := db.WithContext(ctx).Where("edition_id = ?", id).Find(&ms).Error; err != nil {
		return time.Time{}, fmt.Errorf("training: meetings of edition %d: %w", id, err)
	}
	var end time.Time
	for _, m := range ms {
		if m.End.After(end) {
			end = m.End
		}
	}
	return end.UTC(), nil
}

func sameEdition(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// surveyAccess says whether pr runs s (owner), and whether pr is in its
// audience (member) with the grant its answer is filed under. For a needs
// survey: the coordinators of its ambito and admins run it, its roles in
// its ambiti answer it. For an evaluation: the managers of the edition's
// course and the edition's trainers run it, and whoever held a confirmed
// seat in the edition answers it, filed under the ambito and role they
// enrolled with.
func surveyAccess(ctx context.Context, db *gorm.DB, pr *incroci.Principal, s *Survey) (owner bool, g incroci.Grant, member bool, err error) {
	if s.Kind != KindEvaluation || s.EditionID == nil {
		g, member = audienceGrant(pr, s)
		return ownsAmbito(pr, s.Ambito), g, member, nil
	}
	var e Edition
	if err := db.WithContext(ctx).Where("id = ?", *s.EditionID).Take(&e).Error; err != nil {
		return false, g, false, fmt.Errorf("training: evaluation %d: edition: %w", s.ID, err)
	}
	owner = mayManage(pr, e.Ambito) || isTrainer(pr, &e)
	if pr.PersonID == 0 {
		return owner, g, false, nil
	}
	var ens []Enrolment
	err = db.WithContext(ctx).Where("edition_id = ? AND person_id = ? AND status = ?", e.ID, pr.PersonID, StatusConfirmed).Limit(1).Find(&ens).Error
	if err != nil {
		return false, g, false, fmt.Errorf("training: evaluation %d: seat: %w", s.ID, err)
	}
	if len(ens) == 0 {
		return owner, g, false, nil
	}
	g = incroci.Grant{Ambito: ens[0].Ambito}
	if roles := slices.Sorted(slices.Values(ens[0].Roles)); len(roles) > 0 {
		g.Role = roles[0]
	}
	return owner, g, true, nil
}

// CourseEvaluation is a course's evaluations added up across its
// editions, and set beside the needs the course was linked to.
type CourseEvaluation struct {
	CourseID int64  `json:"course_id"`
	Title    string `json:"title"`
	// Evaluations are the published evaluations counted, one or more per
	// edition.
	Evaluations []EvaluationRef `json:"evaluations"`
	// Responses is how many people answered them in all.
	Responses int `json:"responses"`
	// MinCell is the fewest answers a breakdown cell shows (the surveys'
	// MinCell when any evaluation is anonymous, else 1).
	MinCell int `json:"min_cell"`
	// Questions are the evaluations' questions, those with the same kind,
	// text, options, labels, topics and need counted as one.
	Questions []EvaluationQuestion `json:"questions"`
	// Needs are the needs the course was linked to and how well the
	// evaluations say each was met.
	Needs []NeedMet `json:"needs"`
}

// EvaluationRef is one evaluation a CourseEvaluation counts.
type EvaluationRef struct {
	SurveyID  int64  `json:"survey_id"`
	EditionID int64  `json:"edition_id"`
	Title     string `json:"title"`
	Responses int    `json:"responses"`
}

// EvaluationQuestion is one question across a course's evaluations: the
// totals, and the breakdowns per edition, role and ambito with the small
// cells suppressed.
type EvaluationQuestion struct {
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	NeedID *int64 `json:"need_id"`
	// SurveyIDs are the evaluations that ask it.
	SurveyIDs []int64 `json:"survey_ids"`
	Tally
	// Texts are the free-text answers (shown when at least MinCell
	// answered), as text, never HTML.
	Texts     []string    `json:"texts"`
	ByEdition []Breakdown `json:"by_edition"`
	ByRole    []Breakdown `json:"by_role"`
	ByAmbito  []Breakdown `json:"by_ambito"`
}

// NeedMet says how well a need was met by the evaluations' questions
// that measure it: Mean and Answered of their Likert answers (1 to 5;
// nil and 0 when none), and the questions themselves (Likert or choice).
type NeedMet struct {
	NeedID int64  `json:"need_id"`
	Label  string `json:"label"`
	Ambito string `json:"ambito"`
	// Mean of the Likert answers to the questions that measure the need.
	Mean *float64 `json:"mean"`
	// Answered is how many Likert answers Mean is of.
	Answered int `json:"answered"`
	// Level reads Mean: "unmeasured" (no answers), "low" (below 2.5),
	// "partial" (2.5 to below 3.5), "met" (3.5 or more).
	Level     string               `json:"level"`
	Questions []EvaluationQuestion `json:"questions"`
}

// CourseEvaluation adds up the published evaluations of course id's
// editions: for the course's managers (coordinators of its ambito,
// admins) and the trainers of the course or of its editions;
// ErrCourseNotFound for whoever does not read the course, ErrForbidden
// for other readers. Audited.
func (t *Training) CourseEvaluation(ctx context.Context, id int64) (*CourseEvaluation, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	db := t.db.WithContext(ctx)
	var c Course
	if err := db.Where("id = ?", id).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrCourseNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: evaluation of course %d: %w", id, err)
	}
	var eds []Edition
	if err := db.Where("course_id = ?", id).Order("id").Find(&eds).Error; err != nil {
		return nil, fmt.Errorf("training: evaluation of course %d: editions: %w", id, err)
	}
	teaches := pr.PersonID != 0 && (slices.Contains(c.TrainerIDs, pr.PersonID) ||
		slices.ContainsFunc(eds, func(e Edition) bool { return isTrainer(pr, &e) }))
	if !mayManage(pr, c.Ambito) && !teaches {
		if mayRead(pr, c.Ambito) {
			return nil, incroci.ErrForbidden
		}
		return nil, ErrCourseNotFound
	}
	out := &CourseEvaluation{CourseID: c.ID, Title: c.Title, Evaluations: []EvaluationRef{}, MinCell: 1,
		Questions: []EvaluationQuestion{}, Needs: []NeedMet{}}
	edIDs := make([]int64, len(eds))
	for i, e := range eds {
		edIDs[i] = e.ID
	}
	var ss []Survey
	if len(edIDs) > 0 {
		err := db.Where("kind = ? AND state = ? AND edition_id IN ?", KindEvaluation, SurveyPublished, edIDs).Order("id").Find(&ss).Error
		if err != nil {
			return nil, fmt.Errorf("training: evaluation of course %d: surveys: %w", id, err)
		}
	}
	// Questions alike across the evaluations are one: each gets a key,
	// and the answers are filed under the key's index (negative, so that
	// no real question id is taken for one).
	type group struct {
		q       Question
		surveys []int64
	}
	var groups []*group
	keyOf := map[string]int{}
	qGroup := map[int64]int{}
	var rs []response
	edOf := map[string]int64{}
	for _, s := range ss {
		if s.Anonymous {
			out.MinCell = MinCell
		}
		var qs []Question
		if err := db.Where("survey_id = ?", s.ID).Order("position").Find(&qs).Error; err != nil {
			return nil, fmt.Errorf("training: evaluation %d: questions: %w", s.ID, err)
		}
		for _, q := range qs {
			need := ""
			if q.NeedID != nil {
				need = fmt.Sprint(*q.NeedID)
			}
			key := strings.Join([]string{q.Kind, q.Text, strings.Join(q.Options, "\x01"), strings.Join(q.Labels, "\x01"),
				strings.Join(q.Topics, "\x01"), need}, "\x00")
			k, ok := keyOf[key]
			if !ok {
				k = len(groups)
				keyOf[key] = k
				gq := q
				gq.ID = -int64(k + 1)
				groups = append(groups, &group{q: gq})
			}
			groups[k].surveys = append(groups[k].surveys, s.ID)
			qGroup[q.ID] = k
		}
		var srs []response
		if err := db.Where("survey_id = ?", s.ID).Order("id").Find(&srs).Error; err != nil {
			return nil, fmt.Errorf("training: evaluation %d: responses: %w", s.ID, err)
		}
		for _, r := range srs {
			for i := range r.Answers {
				if k, ok := qGroup[r.Answers[i].QuestionID]; ok {
					r.Answers[i].QuestionID = -int64(k + 1)
				}
			}
			edOf[r.ID] = *s.EditionID
			rs = append(rs, r)
		}
		out.Evaluations = append(out.Evaluations, EvaluationRef{SurveyID: s.ID, EditionID: *s.EditionID, Title: s.Title, Responses: len(srs)})
	}
	out.Responses = len(rs)
	// Responses in the order of their random ids, across the evaluations.
	slices.SortFunc(rs, func(a, b response) int { return strings.Compare(a.ID, b.ID) })
	edNames := map[int64]string{}
	for _, e := range eds {
		edNames[e.ID] = fmt.Sprint(e.ID)
	}
	for _, g := range groups {
		q := g.q
		eq := EvaluationQuestion{Kind: q.Kind, Text: q.Text, NeedID: q.NeedID,
			SurveyIDs: slices.Compact(g.surveys), Texts: []string{}}
		answers := answersTo(q.ID, rs)
		eq.Tally = tally(q, answers)
		if q.Kind == QuestionText && len(answers) >= out.MinCell {
			for _, a := range answers {
				eq.Texts = append(eq.Texts, *a.Text)
			}
		}
		eq.ByEdition = breakdown(q, rs, func(r response) string { return edNames[edOf[r.ID]] }, out.MinCell)
		eq.ByRole = breakdown(q, rs, func(r response) string { return r.Role }, out.MinCell)
		eq.ByAmbito = breakdown(q, rs, func(r response) string { return r.Ambito }, out.MinCell)
		out.Questions = append(out.Questions, eq)
	}
	// The needs the course was linked to, whoever runs them.
	var needs []Need
	err = db.Where("id IN (SELECT need_id FROM incroci_training_course_needs WHERE course_id = ?)", id).Order("id").Find(&needs).Error
	if err != nil {
		return nil, fmt.Errorf("training: evaluation of course %d: needs: %w", id, err)
	}
	for _, n := range needs {
		nm := NeedMet{NeedID: n.ID, Label: n.Label, Ambito: n.Ambito, Questions: []EvaluationQuestion{}}
		sum := 0
		for i, g := range groups {
			if g.q.NeedID == nil || *g.q.NeedID != n.ID {
				continue
			}
			nm.Questions = append(nm.Questions, out.Questions[i])
			if g.q.Kind == QuestionLikert {
				for _, a := range answersTo(g.q.ID, rs) {
					sum += *a.Scale
					nm.Answered++
				}
			}
		}
		nm.Level = "unmeasured"
		if nm.Answered > 0 {
			m := math.Round(float64(sum)*100/float64(nm.Answered)) / 100
			nm.Mean = &m
			switch {
			case m >= 3.5:
				nm.Level = "met"
			case m >= 2.5:
				nm.Level = "partial"
			default:
				nm.Level = "low"
			}
		}
		out.Needs = append(out.Needs, nm)
	}
	err = t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: c.Ambito, Action: "training.course.evaluation", ObjectType: "course", ObjectID: fmt.Sprint(id)}, nil)
	if err != nil {
		return nil, err
	}
	return out, nil
}
