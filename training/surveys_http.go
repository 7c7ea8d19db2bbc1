package training

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// surveyBodyLimit bounds a survey or an answer: fifty questions of
// twenty options, or free texts of 5,000 characters.
const surveyBodyLimit = 512 << 10

func init() {
	i18n.Register(map[string]i18n.Text{
		"field.audience_ambiti": {IT: "gli ambiti destinatari", EN: "the ambiti addressed"},
		"field.audience_roles":  {IT: "i ruoli destinatari", EN: "the roles addressed"},
		"field.questions":       {IT: "le domande", EN: "the questions"},
		"field.answers":         {IT: "le risposte", EN: "the answers"},
		"field.question_id":     {IT: "la domanda", EN: "the question"},
		"field.needs":           {IT: "i fabbisogni", EN: "the needs"},
		"field.need_ids":        {IT: "i fabbisogni", EN: "the needs"},
		"field.need_id":         {IT: "il fabbisogno", EN: "the need"},
		"field.edition_id":      {IT: "l'edizione", EN: "the edition"},
		"survey_id.invalid":     {IT: "deve essere l'identificativo di un questionario", EN: "must be the id of a survey"},
	})
	i18n.Register(map[string]i18n.Text{
		"training.survey.open_to_me": {IT: "Il filtro open_to_me deve essere true o false.", EN: "The open_to_me filter must be true or false."},
	})
}

// surveyID reads the survey's id from the path; anything else is not
// found.
func surveyID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrSurveyNotFound)
		return 0, false
	}
	return id, true
}

func bindSurvey(c *gin.Context, dst any) bool {
	if err := httpx.Bind(c, dst, surveyBodyLimit); err != nil {
		httpx.Fail(c, err)
		return false
	}
	return true
}

func (t *Training) handleListSurveys(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := SurveyQuery{State: c.Query("state"), Page: page, PerPage: perPage}
	switch c.Query("open_to_me") {
	case "", "false":
	case "true":
		q.OpenToMe = true
	default:
		httpx.Fail(c, httpx.Invalid("open_to_me", "boolean", "training.survey.open_to_me"))
		return
	}
	list, total, err := t.ListSurveys(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (t *Training) handleCreateSurvey(c *gin.Context) {
	var in SurveyInput
	if !bindSurvey(c, &in) {
		return
	}
	s, err := t.CreateSurvey(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, s)
}

func (t *Training) handleGetSurvey(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	s, err := t.GetSurvey(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}

func (t *Training) handleUpdateSurvey(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	var in SurveyInput
	if !bindSurvey(c, &in) {
		return
	}
	s, err := t.UpdateSurvey(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}

func (t *Training) handlePublishSurvey(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	s, err := t.PublishSurvey(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}

func (t *Training) handleAnswerSurvey(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	var in AnswerInput
	if !bindSurvey(c, &in) {
		return
	}
	if err := t.SubmitAnswers(c.Request.Context(), id, in); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (t *Training) handleSurveyResults(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	r, err := t.Results(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	httpx.OK(c, http.StatusOK, r)
}

func (t *Training) handleSurveyCSV(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := t.ExportCSV(c.Request.Context(), id, &buf); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="survey-%d.csv"`, id))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func (t *Training) handleCreateNeeds(c *gin.Context) {
	id, ok := surveyID(c)
	if !ok {
		return
	}
	var in NeedsInput
	if !bindSurvey(c, &in) {
		return
	}
	needs, err := t.CreateNeeds(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, needs)
}

func (t *Training) handleNeeds(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	f := NeedFilter{Ambito: c.Query("ambito"), Page: page, PerPage: perPage}
	if s := c.Query("survey_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			httpx.Fail(c, httpx.Invalid("survey_id", "number", "survey_id.invalid"))
			return
		}
		f.SurveyID = id
	}
	switch c.Query("covered") {
	case "":
	case "true", "false":
		v := c.Query("covered") == "true"
		f.Covered = &v
	default:
		httpx.Fail(c, httpx.Invalid("covered", "boolean", "training.need.covered"))
		return
	}
	list, total, err := t.Needs(c.Request.Context(), f)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

// LinkInput is the needs a course answers, replacing those it had.
type LinkInput struct {
	NeedIDs []int64 `json:"need_ids" validate:"required,max=200,dive,min=1"`
}

func (t *Training) handleCourseNeeds(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	needs, err := t.CourseNeeds(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, needs)
}

func (t *Training) handleLinkNeeds(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	var in LinkInput
	if !bindSurvey(c, &in) {
		return
	}
	if err := t.LinkNeeds(c.Request.Context(), id, in.NeedIDs); err != nil {
		httpx.Fail(c, err)
		return
	}
	t.handleCourseNeeds(c)
}

func (t *Training) handleCourseEvaluation(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	ev, err := t.CourseEvaluation(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	httpx.OK(c, http.StatusOK, ev)
}
