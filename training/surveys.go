package training

// Surveys: the needs analysis of item 1 of the issue, and the questionnaire
// machinery the evaluations after an edition will reuse (Kind
// "evaluation", EditionID set).
//
// # Anonymity
//
// A survey is anonymous unless it says otherwise. Its answers cannot be
// linked back to the people who gave them, in the API or in the database:
//
//   - who has answered is one table, incroci_training_survey_respondents
//     (survey_id, person_id) and nothing else: no time, no id of its own.
//     Its primary key is what makes one answer per person hold, also when
//     the same person submits twice at once.
//   - what was answered is another, incroci_training_survey_responses: one
//     row per response with a random UUID as its id (not a sequence), the
//     survey, the respondent's ambito and role for the breakdowns, the
//     answers as JSON, and no person and no time at all. The person id is
//     kept only when the survey is not anonymous.
//   - responses are always read in the order of their random ids, so no
//     listing, results or CSV export follows the order they came in. On
//     SQLite the responses table is WITHOUT ROWID, so that even its storage
//     order is the random ids'.
//   - the breakdowns by ambito and role of an anonymous survey suppress
//     every cell with fewer than MinCell (3) answers, and one more cell
//     when a single one would otherwise be suppressed (else it could be
//     worked out from the total); the CSV export blanks the ambito and role
//     of a row whose (ambito, role) pair has fewer than MinCell responses.
//
// The totals of a question are shown whatever their size: the owners know
// how many answered, not who gave which answer.
//
// What remains: someone with direct access to PostgreSQL's system columns
// (ctid, xmin) may still see which two rows were written by the same
// transaction. That is the database administrator, who can read the
// requests' logs anyway; the application, its API and its exports never
// give the link.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/dberr"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// Survey kinds.
const (
	// KindNeeds is a needs analysis survey.
	KindNeeds = "needs"
	// KindEvaluation is the evaluation questionnaire after an edition
	// (EditionID set), addressed to the people who held a confirmed seat
	// in it (evaluations.go).
	KindEvaluation = "evaluation"
)

// Survey states: a draft can be changed; a published survey is frozen.
const (
	SurveyDraft     = "draft"
	SurveyPublished = "published"
)

// Question kinds.
const (
	QuestionSingle   = "single"   // one of Options
	QuestionMultiple = "multiple" // any of Options
	QuestionLikert   = "likert"   // 1 to 5, Labels naming each point
	QuestionRanking  = "ranking"  // an order of all of Topics
	QuestionText     = "text"     // free text of at most MaxLength characters
)

// MinCell is the fewest answers a breakdown cell of an anonymous survey
// shows; smaller cells are suppressed.
const MinCell = 3

// DefaultTextLength is the longest free-text answer when the question
// does not say.
const DefaultTextLength = 1000

// surveyRoles are the roles a survey may be addressed to.
var surveyRoles = []incroci.Role{incroci.RoleOperator, incroci.RoleConsultant, incroci.RoleMediator,
	incroci.RoleTrainer, incroci.RoleEditor, incroci.RoleCoordinator}

// Survey is a questionnaire addressed to some roles in some ambiti.
type Survey struct {
	ID     int64  `json:"id" gorm:"primaryKey"`
	Ambito string `json:"ambito"` // "" for the network's, by an admin
	Kind   string `json:"kind"`
	// EditionID is the edition an evaluation is about; nil for needs.
	EditionID      *int64    `json:"edition_id"`
	Title          string    `json:"title"`
	Intro          string    `json:"intro"`
	AudienceAmbiti []string  `json:"audience_ambiti" gorm:"serializer:json"`
	AudienceRoles  []string  `json:"audience_roles" gorm:"serializer:json"`
	OpensAt        time.Time `json:"opens_at"`
	ClosesAt       time.Time `json:"closes_at"`
	Anonymous      bool      `json:"anonymous"`
	// Announce says whether AnnounceSurveys e-mails the audience when the
	// survey opens.
	Announce    bool       `json:"announce"`
	State       string     `json:"state"`
	OwnerID     int64      `json:"-"`
	PublishedAt *time.Time `json:"published_at"`
	// AnnouncedAt is when AnnounceSurveys e-mailed the audience that the
	// survey is open; nil until then.
	AnnouncedAt *time.Time `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// Open says whether answers are taken now.
	Open bool `json:"open" gorm:"-"`
	// Questions, in their order.
	Questions []Question `json:"questions" gorm:"-"`
	// Responses is how many have answered, for the survey's owners only.
	Responses *int64 `json:"responses,omitempty" gorm:"-"`
	// Answered says whether the caller has answered, for its audience.
	Answered *bool `json:"answered,omitempty" gorm:"-"`
}

// TableName places the table under the module's prefix.
func (Survey) TableName() string { return "incroci_training_surveys" }

// Question is one question of a survey.
type Question struct {
	ID       int64  `json:"id" gorm:"primaryKey"`
	SurveyID int64  `json:"-"`
	Position int    `json:"position"`
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	Required bool   `json:"required"`
	// Options of a single or multiple choice, answered by index.
	Options []string `json:"options" gorm:"serializer:json"`
	// Labels of the five points of a Likert scale.
	Labels []string `json:"labels" gorm:"serializer:json"`
	// Topics to rank (codes of Topics()).
	Topics []string `json:"topics" gorm:"serializer:json"`
	// MaxLength of a free-text answer, in characters.
	MaxLength int `json:"max_length"`
	// NeedID is the need a question of an evaluation measures (a Likert
	// scale or a choice): one of the needs the course is linked to.
	NeedID *int64 `json:"need_id"`
}

// TableName places the table under the module's prefix.
func (Question) TableName() string { return "incroci_training_survey_questions" }

// respondent records that a person has answered a survey, and nothing more.
type respondent struct {
	SurveyID int64
	PersonID int64
}

func (respondent) TableName() string { return "incroci_training_survey_respondents" }

// response is one set of answers: see the anonymity notes above.
type response struct {
	ID       string
	SurveyID int64
	PersonID *int64
	Ambito   string
	Role     string
	Answers  []Answer `gorm:"serializer:json"`
}

func (response) TableName() string { return "incroci_training_survey_responses" }

// SurveyInput creates a survey or replaces a draft.
type SurveyInput struct {
	// Ambito owning the survey; "" for the network's (admins only).
	Ambito string `json:"ambito" validate:"omitempty,slug"`
	// Kind is "needs" (the default) or "evaluation" (EditionID set).
	Kind string `json:"kind" validate:"omitempty,oneof=needs evaluation"`
	// EditionID is the edition an evaluation is about; its ambito is the
	// survey's (Ambito may be left "").
	EditionID *int64 `json:"edition_id" validate:"omitempty,min=1"`
	Title     string `json:"title" validate:"required,max=200,nocontrol"`
	Intro     string `json:"intro" validate:"max=5000"`
	// AudienceAmbiti: for an ambito's survey, that ambito (the default);
	// for the network's, one or more ambiti. None for an evaluation, whose
	// audience is the edition's seat holders.
	AudienceAmbiti []string `json:"audience_ambiti" validate:"max=100,dive,slug"`
	// AudienceRoles: one or more for a needs survey, none for an
	// evaluation.
	AudienceRoles []string `json:"audience_roles" validate:"max=6,unique,dive,oneof=operator consultant mediator trainer editor coordinator"`
	// OpensAt is required for a needs survey; an evaluation opens at the
	// end of the edition's last meeting by default, never before.
	OpensAt   time.Time `json:"opens_at"`
	ClosesAt  time.Time `json:"closes_at" validate:"required,gtfield=OpensAt"`
	Anonymous *bool     `json:"anonymous"` // default true
	// Announce: e-mail the audience when the survey opens (default true).
	Announce  *bool           `json:"announce"`
	Questions []QuestionInput `json:"questions" validate:"required,min=1,max=50,dive"`
}

// QuestionInput is one question of a SurveyInput.
type QuestionInput struct {
	Kind      string   `json:"kind" validate:"required,oneof=single multiple likert ranking text"`
	Text      string   `json:"text" validate:"required,max=500,nocontrol"`
	Required  bool     `json:"required"`
	Options   []string `json:"options" validate:"max=20,dive,required,max=200,nocontrol"`
	Labels    []string `json:"labels" validate:"max=5,dive,required,max=100,nocontrol"`
	Topics    []string `json:"topics" validate:"max=40,dive,required,max=64"`
	MaxLength int      `json:"max_length" validate:"min=0,max=5000"`
	// NeedID, on a Likert or choice question of an evaluation, is the
	// need (linked to the course) the question measures.
	NeedID *int64 `json:"need_id" validate:"omitempty,min=1"`
}

// Answer is the answer to one question: Choice for a single choice (an
// index of Options), Choices for a multiple one, Scale (1–5) for a Likert
// scale, Ranking (every topic once, first is most important) for a
// ranking, Text for free text.
type Answer struct {
	QuestionID int64    `json:"question_id" validate:"required,min=1"`
	Choice     *int     `json:"choice,omitempty"`
	Choices    []int    `json:"choices,omitempty" validate:"max=20"`
	Scale      *int     `json:"scale,omitempty"`
	Ranking    []string `json:"ranking,omitempty" validate:"max=40"`
	Text       *string  `json:"text,omitempty"`
}

// AnswerInput is a person's answers to a survey.
type AnswerInput struct {
	Answers []Answer `json:"answers" validate:"max=100,dive"`
}

// SurveyQuery selects surveys: one page, newest first.
type SurveyQuery struct {
	// State, "" for any.
	State string
	// OpenToMe keeps the surveys the caller may answer now: published,
	// addressed to them and open (answered or not: Answered says).
	OpenToMe      bool
	Page, PerPage int
}

// surveyCaller returns the signed-in person of ctx, or ErrUnauthorized.
func surveyCaller(ctx context.Context) (*incroci.Principal, error) {
	pr := incroci.PrincipalFrom(ctx)
	if pr == nil || (pr.PersonID == 0 && !pr.Admin) {
		return nil, incroci.ErrUnauthorized
	}
	return pr, nil
}

// ownsAmbito reports whether pr runs the surveys of ambito: its
// coordinators, and admins (who alone run the network's, ambito "").
func ownsAmbito(pr *incroci.Principal, ambito string) bool {
	if pr == nil {
		return false
	}
	return pr.Admin || (ambito != "" && pr.Has(incroci.RoleCoordinator, ambito))
}

// audienceGrant returns the first grant of pr (by ambito, then role) that
// puts it in s's audience.
func audienceGrant(pr *incroci.Principal, s *Survey) (incroci.Grant, bool) {
	if pr == nil {
		return incroci.Grant{}, false
	}
	gs := slices.Clone(pr.Grants)
	slices.SortFunc(gs, func(a, b incroci.Grant) int {
		if c := strings.Compare(a.Ambito, b.Ambito); c != 0 {
			return c
		}
		return strings.Compare(string(a.Role), string(b.Role))
	})
	for _, g := range gs {
		if slices.Contains(s.AudienceAmbiti, g.Ambito) && slices.Contains(s.AudienceRoles, string(g.Role)) {
			return g, true
		}
	}
	return incroci.Grant{}, false
}

func (s *Survey) openAt(now time.Time) bool {
	return s.State == SurveyPublished && !now.Before(s.OpensAt) && now.Before(s.ClosesAt)
}

// CreateSurvey creates a draft survey: coordinators for their ambito,
// admins for any or for the network.
func (t *Training) CreateSurvey(ctx context.Context, in SurveyInput) (*Survey, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate("en", &in); err != nil {
		return nil, err
	}
	var ev *evalTarget
	if in.Kind == KindEvaluation {
		if ev, err = t.evaluationTarget(ctx, pr, &in); err != nil {
			return nil, err
		}
	} else if !ownsAmbito(pr, in.Ambito) {
		if in.Ambito == "" && len(pr.Ambiti(incroci.RoleCoordinator)) > 0 {
			return nil, httpx.Invalid("ambito", "required", "training.survey.ambito_required")
		}
		return nil, incroci.ErrForbidden
	}
	s := &Survey{Ambito: in.Ambito, State: SurveyDraft, OwnerID: pr.PersonID}
	qs, err := t.fillSurvey(ctx, s, in, ev)
	if err != nil {
		return nil, err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(s).Error; err != nil {
			return fmt.Errorf("training: create survey: %w", err)
		}
		if err := insertQuestions(tx, s.ID, qs); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "training.survey.create", ObjectType: "survey", ObjectID: fmt.Sprint(s.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return t.GetSurvey(ctx, s.ID)
}

// UpdateSurvey replaces a draft survey with in (its ambito stays). A
// published survey is frozen: ErrSurveyFrozen.
func (t *Training) UpdateSurvey(ctx context.Context, id int64, in SurveyInput) (*Survey, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate("en", &in); err != nil {
		return nil, err
	}
	// fillSurvey reads the ambiti outside the transaction: SQLite has one
	// connection.
	var ev *evalTarget
	if in.Kind == KindEvaluation {
		if ev, err = t.evaluationTarget(ctx, pr, &in); err != nil {
			return nil, err
		}
	}
	s := &Survey{Ambito: in.Ambito}
	qs, err := t.fillSurvey(ctx, s, in, ev)
	if err != nil {
		return nil, err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		old, err := t.ownedSurvey(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if old.State != SurveyDraft {
			return ErrSurveyFrozen
		}
		if in.Ambito != old.Ambito {
			return httpx.Invalid("ambito", "eq", "training.survey.ambito_fixed")
		}
		if s.Kind != old.Kind || !sameEdition(s.EditionID, old.EditionID) {
			return httpx.Invalid("kind", "eq", "training.survey.kind_fixed")
		}
		s.ID = old.ID
		// Only a draft is changed; the state is checked again in the update
		// so that a concurrent publish wins.
		res := tx.Model(&Survey{}).Where("id = ? AND state = ?", s.ID, SurveyDraft).Updates(map[string]any{
			"kind": s.Kind, "title": s.Title, "intro": s.Intro, "audience_ambiti": jsonList(s.AudienceAmbiti),
			"audience_roles": jsonList(s.AudienceRoles), "opens_at": s.OpensAt, "closes_at": s.ClosesAt,
			"anonymous": s.Anonymous, "announce": s.Announce, "updated_at": t.p.Now()})
		if res.Error != nil {
			return fmt.Errorf("training: update survey %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrSurveyFrozen
		}
		if err := tx.Where("survey_id = ?", s.ID).Delete(&Question{}).Error; err != nil {
			return fmt.Errorf("training: update survey %d: questions: %w", id, err)
		}
		if err := insertQuestions(tx, s.ID, qs); err != nil {
			return err
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "training.survey.update", ObjectType: "survey", ObjectID: fmt.Sprint(s.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return t.GetSurvey(ctx, id)
}

// PublishSurvey publishes a draft: from then on it is frozen, and its
// audience answers between OpensAt and ClosesAt.
func (t *Training) PublishSurvey(ctx context.Context, id int64) (*Survey, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, err
	}
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, err := t.ownedSurvey(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if s.State != SurveyDraft {
			return ErrSurveyFrozen
		}
		now := t.p.Now()
		if !now.Before(s.ClosesAt) {
			return httpx.Invalid("closes_at", "gt", "training.survey.closes_past")
		}
		res := tx.Model(&Survey{}).Where("id = ? AND state = ?", id, SurveyDraft).
			Updates(map[string]any{"state": SurveyPublished, "published_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("training: publish survey %d: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrSurveyFrozen
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: s.Ambito, Action: "training.survey.publish", ObjectType: "survey", ObjectID: fmt.Sprint(s.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	return t.GetSurvey(ctx, id)
}

// GetSurvey returns a survey with its questions: to its owners, and once
// published to its audience. Anyone else gets ErrSurveyNotFound.
func (t *Training) GetSurvey(ctx context.Context, id int64) (*Survey, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, err
	}
	db := t.db.WithContext(ctx)
	s, err := loadSurvey(db, id)
	if err != nil {
		return nil, err
	}
	owner, _, member, err := surveyAccess(ctx, db, pr, s)
	if err != nil {
		return nil, err
	}
	if !owner && !(member && s.State == SurveyPublished) {
		return nil, ErrSurveyNotFound
	}
	if err := t.decorate(ctx, pr, []*Survey{s}); err != nil {
		return nil, err
	}
	if err := db.Where("survey_id = ?", id).Order("position").Find(&s.Questions).Error; err != nil {
		return nil, fmt.Errorf("training: survey %d: questions: %w", id, err)
	}
	return s, nil
}

// ListSurveys returns one page of the surveys the caller runs (all
// states) or may answer (published, the caller in the audience), newest
// first, without their questions, and their total.
func (t *Training) ListSurveys(ctx context.Context, q SurveyQuery) ([]*Survey, int64, error) {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return nil, 0, err
	}
	if q.State != "" && q.State != SurveyDraft && q.State != SurveyPublished {
		return nil, 0, httpx.Invalid("state", "oneof", "training.survey.state_invalid")
	}
	page, perPage := pageOf(q.Page, q.PerPage)
	// The audience is a JSON list, so the filter runs here; a network has
	// tens of surveys, not thousands.
	var all []*Survey
	db := t.db.WithContext(ctx).Order("id DESC")
	if q.State != "" {
		db = db.Where("state = ?", q.State)
	}
	if !pr.Admin {
		// Evaluations' drafts belong to their editions' trainers as well.
		if owned := pr.Ambiti(incroci.RoleCoordinator); len(owned) > 0 {
			db = db.Where("state = ? OR kind = ? OR ambito IN ?", SurveyPublished, KindEvaluation, owned)
		} else {
			db = db.Where("state = ? OR kind = ?", SurveyPublished, KindEvaluation)
		}
	}
	if err := db.Find(&all).Error; err != nil {
		return nil, 0, fmt.Errorf("training: list surveys: %w", err)
	}
	out := []*Survey{}
	now := t.p.Now()
	for _, s := range all {
		owner, _, member, err := surveyAccess(ctx, t.db, pr, s)
		if err != nil {
			return nil, 0, err
		}
		if q.OpenToMe && !(member && s.State == SurveyPublished && s.openAt(now)) {
			continue
		}
		if owner || (member && s.State == SurveyPublished) {
			out = append(out, s)
		}
	}
	total := int64(len(out))
	from := min((page-1)*perPage, len(out))
	out = out[from:min(from+perPage, len(out))]
	if err := t.decorate(ctx, pr, out); err != nil {
		return nil, 0, err
	}
	for _, s := range out {
		s.Questions = []Question{}
	}
	return out, total, nil
}

// decorate fills Open, and Responses for owners and Answered for the
// audience.
func (t *Training) decorate(ctx context.Context, pr *incroci.Principal, ss []*Survey) error {
	now := t.p.Now()
	db := t.db.WithContext(ctx)
	for _, s := range ss {
		s.Open = s.openAt(now)
		owner, _, member, err := surveyAccess(ctx, db, pr, s)
		if err != nil {
			return err
		}
		if owner {
			var n int64
			if err := db.Model(&respondent{}).Where("survey_id = ?", s.ID).Count(&n).Error; err != nil {
				return fmt.Errorf("training: survey %d: count: %w", s.ID, err)
			}
			s.Responses = &n
		}
		if member {
			var n int64
			if err := db.Model(&respondent{}).Where("survey_id = ? AND person_id = ?", s.ID, pr.PersonID).Count(&n).Error; err != nil {
				return fmt.Errorf("training: survey %d: answered: %w", s.ID, err)
			}
			answered := n > 0
			s.Answered = &answered
		}
	}
	return nil
}

// SubmitAnswers records the caller's answers to survey id: only people in
// its audience, while it is open, once (ErrAlreadyAnswered, also for two
// submits at once: the respondents' primary key decides). Each answer is
// checked against its question; messages name the question.
func (t *Training) SubmitAnswers(ctx context.Context, id int64, in AnswerInput) error {
	pr, err := surveyCaller(ctx)
	if err != nil {
		return err
	}
	if err := httpx.Validate("en", &in); err != nil {
		return err
	}
	db := t.db.WithContext(ctx)
	s, err := loadSurvey(db, id)
	if err != nil {
		return err
	}
	owner, g, member, err := surveyAccess(ctx, db, pr, s)
	if err != nil {
		return err
	}
	if s.State != SurveyPublished {
		if owner {
			return ErrSurveyNotOpen
		}
		return ErrSurveyNotFound
	}
	if !member {
		if !owner && s.Kind == KindEvaluation && !mayRead(pr, s.Ambito) {
			return ErrSurveyNotFound
		}
		return ErrNotInAudience
	}
	now := t.p.Now()
	if now.Before(s.OpensAt) {
		return ErrSurveyNotOpen
	}
	if s.Kind == KindEvaluation {
		// The meetings may have moved since: never before the last ends.
		end, err := lastMeetingEnd(ctx, db, *s.EditionID)
		if err != nil {
			return err
		}
		if now.Before(end) {
			return ErrSurveyNotOpen
		}
	}
	if !now.Before(s.ClosesAt) {
		return ErrSurveyClosed
	}
	var qs []Question
	if err := db.Where("survey_id = ?", id).Order("position").Find(&qs).Error; err != nil {
		return fmt.Errorf("training: survey %d: questions: %w", id, err)
	}
	answers, err := checkAnswers(qs, in.Answers)
	if err != nil {
		return err
	}
	r := response{ID: uuid.NewString(), SurveyID: id, Ambito: g.Ambito, Role: string(g.Role), Answers: answers}
	if !s.Anonymous {
		pid := pr.PersonID
		r.PersonID = &pid
	}
	return db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&respondent{SurveyID: id, PersonID: pr.PersonID}).Error; err != nil {
			if dberr.IsDuplicate(err) {
				return ErrAlreadyAnswered
			}
			return fmt.Errorf("training: survey %d: respondent: %w", id, err)
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("training: survey %d: response: %w", id, err)
		}
		// The audit says that someone answered, not who: the actor is left
		// out for anonymous surveys.
		e := incroci.AuditEntry{Ambito: s.Ambito, Action: "training.survey.answer", ObjectType: "survey", ObjectID: fmt.Sprint(id)}
		if s.Anonymous {
			var nobody int64
			e.ActorID = &nobody
		}
		return t.p.Audit(ctx, tx, e, nil)
	})
}

// loadSurvey reads survey id, or ErrSurveyNotFound.
func loadSurvey(db *gorm.DB, id int64) (*Survey, error) {
	var s Survey
	if err := db.First(&s, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrSurveyNotFound
		}
		return nil, fmt.Errorf("training: survey %d: %w", id, err)
	}
	return &s, nil
}

// ownedSurvey reads survey id for one of its owners: ErrSurveyNotFound
// when pr may not see it at all, ErrForbidden when pr sees it (in its
// audience) without running it.
func (t *Training) ownedSurvey(ctx context.Context, db *gorm.DB, pr *incroci.Principal, id int64) (*Survey, error) {
	s, err := loadSurvey(db.WithContext(ctx), id)
	if err != nil {
		return nil, err
	}
	owner, _, member, err := surveyAccess(ctx, db, pr, s)
	if err != nil {
		return nil, err
	}
	if owner {
		return s, nil
	}
	if member && s.State == SurveyPublished {
		return nil, incroci.ErrForbidden
	}
	return nil, ErrSurveyNotFound
}

// fillSurvey checks in beyond its tags and copies it into s; it returns
// the questions to insert.
func (t *Training) fillSurvey(ctx context.Context, s *Survey, in SurveyInput, ev *evalTarget) ([]Question, error) {
	ambiti, err := t.p.ListAmbiti(ctx)
	if err != nil {
		return nil, fmt.Errorf("training: survey: ambiti: %w", err)
	}
	known := map[string]bool{}
	for _, a := range ambiti {
		known[a.Slug] = true
	}
	var issues []httpx.FieldIssue
	audience := slices.Compact(slices.Sorted(slices.Values(in.AudienceAmbiti)))
	opens := in.OpensAt.UTC()
	if ev != nil {
		issues = ev.check(&in, &opens)
		audience = []string{}
	} else {
		if len(in.AudienceRoles) == 0 {
			issues = append(issues, httpx.FieldIssue{Field: "audience_roles", Rule: "required", Key: "training.survey.roles_required"})
		}
		if in.OpensAt.IsZero() {
			issues = append(issues, httpx.FieldIssue{Field: "opens_at", Rule: "required", Key: "training.survey.opens_required"})
		}
		if in.EditionID != nil {
			issues = append(issues, httpx.FieldIssue{Field: "edition_id", Rule: "excluded", Key: "training.survey.edition_needs"})
		}
	}
	if ev == nil && in.Ambito != "" {
		if !known[in.Ambito] {
			issues = append(issues, httpx.FieldIssue{Field: "ambito", Rule: "exists", Key: "training.survey.ambito_unknown", Args: []any{in.Ambito}})
		}
		if len(audience) == 0 {
			audience = []string{in.Ambito}
		}
		if len(audience) != 1 || audience[0] != in.Ambito {
			issues = append(issues, httpx.FieldIssue{Field: "audience_ambiti", Rule: "eq", Key: "training.survey.audience_own"})
		}
	} else if ev == nil {
		if len(audience) == 0 {
			issues = append(issues, httpx.FieldIssue{Field: "audience_ambiti", Rule: "required", Key: "training.survey.audience_required"})
		}
		for _, a := range audience {
			if !known[a] {
				issues = append(issues, httpx.FieldIssue{Field: "audience_ambiti", Rule: "exists", Key: "training.survey.ambito_unknown", Args: []any{a}})
			}
		}
	}
	qs := make([]Question, len(in.Questions))
	for i, qi := range in.Questions {
		field := fmt.Sprintf("questions[%d]", i)
		q := Question{Position: i + 1, Kind: qi.Kind, Text: strings.TrimSpace(qi.Text), Required: qi.Required,
			Options: orEmpty(qi.Options), Labels: orEmpty(qi.Labels), Topics: orEmpty(qi.Topics), MaxLength: qi.MaxLength}
		bad := func(sub, rule, key string) {
			issues = append(issues, httpx.FieldIssue{Field: field + "." + sub, Rule: rule, Key: key, Args: []any{i + 1}})
		}
		if qi.Kind != QuestionSingle && qi.Kind != QuestionMultiple && len(qi.Options) > 0 {
			bad("options", "excluded", "training.question.no_options")
		}
		if qi.Kind != QuestionLikert && len(qi.Labels) > 0 {
			bad("labels", "excluded", "training.question.no_labels")
		}
		if qi.Kind != QuestionRanking && len(qi.Topics) > 0 {
			bad("topics", "excluded", "training.question.no_topics")
		}
		if qi.Kind != QuestionText && qi.MaxLength != 0 {
			bad("max_length", "excluded", "training.question.no_max_length")
		}
		if qi.NeedID != nil {
			switch {
			case ev == nil:
				bad("need_id", "excluded", "training.question.need_evaluation")
			case qi.Kind != QuestionLikert && qi.Kind != QuestionSingle && qi.Kind != QuestionMultiple:
				bad("need_id", "excluded", "training.question.need_kind")
			case !slices.Contains(ev.needs, *qi.NeedID):
				bad("need_id", "oneof", "training.question.need_linked")
			default:
				id := *qi.NeedID
				q.NeedID = &id
			}
		}
		switch qi.Kind {
		case QuestionSingle, QuestionMultiple:
			if len(qi.Options) < 2 || len(slices.Compact(slices.Sorted(slices.Values(qi.Options)))) != len(qi.Options) {
				bad("options", "min", "training.question.options")
			}
		case QuestionLikert:
			if len(qi.Labels) != 5 {
				bad("labels", "len", "training.question.labels")
			}
		case QuestionRanking:
			if len(qi.Topics) < 2 || len(slices.Compact(slices.Sorted(slices.Values(qi.Topics)))) != len(qi.Topics) {
				bad("topics", "min", "training.question.topics")
			}
			for _, tp := range qi.Topics {
				if !knownTopic(tp) {
					issues = append(issues, httpx.FieldIssue{Field: field + ".topics", Rule: "oneof", Key: "training.question.topic_unknown", Args: []any{i + 1, tp}})
				}
			}
		case QuestionText:
			if q.MaxLength == 0 {
				q.MaxLength = DefaultTextLength
			}
		}
		qs[i] = q
	}
	if issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	s.Kind = KindNeeds
	if ev != nil {
		s.Kind = KindEvaluation
		id := ev.edition.ID
		s.EditionID = &id
		s.Ambito = ev.edition.Ambito
	}
	s.Title = strings.TrimSpace(in.Title)
	s.Intro = strings.TrimSpace(in.Intro)
	s.AudienceAmbiti = audience
	s.AudienceRoles = orEmpty(slices.Sorted(slices.Values(in.AudienceRoles)))
	s.OpensAt = opens
	s.ClosesAt = in.ClosesAt.UTC()
	s.Anonymous = in.Anonymous == nil || *in.Anonymous
	s.Announce = in.Announce == nil || *in.Announce
	return qs, nil
}

func insertQuestions(tx *gorm.DB, surveyID int64, qs []Question) error {
	for i := range qs {
		qs[i].SurveyID = surveyID
	}
	if err := tx.Create(&qs).Error; err != nil {
		return fmt.Errorf("training: survey %d: questions: %w", surveyID, err)
	}
	return nil
}

// checkAnswers checks the answers against the questions and returns them
// in the questions' order, one per question answered.
func checkAnswers(qs []Question, in []Answer) ([]Answer, error) {
	byID := map[int64]Answer{}
	var issues []httpx.FieldIssue
	for i, a := range in {
		if _, dup := byID[a.QuestionID]; dup {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("answers[%d].question_id", i), Rule: "unique", Key: "training.answer.twice"})
		}
		if !slices.ContainsFunc(qs, func(q Question) bool { return q.ID == a.QuestionID }) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("answers[%d].question_id", i), Rule: "exists", Key: "training.answer.no_question"})
		}
		byID[a.QuestionID] = a
	}
	var out []Answer
	for _, q := range qs {
		a, given := byID[q.ID]
		field := "answers." + strconv.FormatInt(q.ID, 10)
		bad := func(rule, key string, args ...any) {
			issues = append(issues, httpx.FieldIssue{Field: field, Rule: rule, Key: key, Args: append([]any{q.Text}, args...)})
		}
		// Only the field of the question's kind may be set.
		set := map[string]bool{QuestionSingle: a.Choice != nil, QuestionMultiple: a.Choices != nil,
			QuestionLikert: a.Scale != nil, QuestionRanking: a.Ranking != nil, QuestionText: a.Text != nil}
		other := false
		for k, v := range set {
			if v && k != q.Kind {
				other = true
			}
		}
		if given && other {
			bad("type", "training.answer.kind")
			continue
		}
		if !given || !set[q.Kind] || (q.Kind == QuestionText && strings.TrimSpace(*a.Text) == "") ||
			(q.Kind == QuestionMultiple && len(a.Choices) == 0) {
			if q.Required {
				bad("required", "training.answer.required")
			}
			continue
		}
		clean := Answer{QuestionID: q.ID}
		switch q.Kind {
		case QuestionSingle:
			if *a.Choice < 0 || *a.Choice >= len(q.Options) {
				bad("oneof", "training.answer.choice", len(q.Options)-1)
				continue
			}
			clean.Choice = a.Choice
		case QuestionMultiple:
			cs := slices.Sorted(slices.Values(a.Choices))
			if cs[0] < 0 || cs[len(cs)-1] >= len(q.Options) || len(slices.Compact(slices.Clone(cs))) != len(cs) {
				bad("oneof", "training.answer.choices", len(q.Options)-1)
				continue
			}
			clean.Choices = cs
		case QuestionLikert:
			if *a.Scale < 1 || *a.Scale > 5 {
				bad("range", "training.answer.scale")
				continue
			}
			clean.Scale = a.Scale
		case QuestionRanking:
			if len(a.Ranking) != len(q.Topics) || !sameSet(a.Ranking, q.Topics) {
				bad("permutation", "training.answer.ranking")
				continue
			}
			clean.Ranking = a.Ranking
		case QuestionText:
			txt := strings.TrimSpace(*a.Text)
			if n := len([]rune(txt)); n > q.MaxLength {
				bad("max", "training.answer.text_long", q.MaxLength)
				continue
			}
			if strings.ContainsRune(txt, 0) {
				bad("nocontrol", "training.answer.text_control")
				continue
			}
			clean.Text = &txt
		}
		out = append(out, clean)
	}
	if issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	return out, nil
}

func sameSet(a, b []string) bool {
	x := slices.Sorted(slices.Values(a))
	y := slices.Sorted(slices.Values(b))
	return slices.Equal(x, y)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsonList stores a list the way gorm's json serializer does, for
// Updates with a map.
func jsonList(s []string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pageOf fills the defaults of a page asked through the Go API: page 1,
// 20 per page (as the HTTP API; at most 100).
func pageOf(page, perPage int) (int, int) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 || perPage > 100 {
		perPage = 20
	}
	return page, perPage
}
