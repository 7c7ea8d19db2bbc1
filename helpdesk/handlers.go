package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/files"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/sse"
)

// bodyLimit bounds the JSON bodies of the module: a message is at most
// MaxMessage characters of up to four bytes, plus room for the rest.
func (h *Helpdesk) bodyLimit() int64 { return int64(h.cfg.MaxMessage)*4 + 64<<10 }

func (h *Helpdesk) bind(c *gin.Context, dst any) bool {
	if err := httpx.Bind(c, dst, h.bodyLimit()); err != nil {
		httpx.Fail(c, err)
		return false
	}
	return true
}

// idParam reads a positive id from the path; anything else is not found.
func idParam(c *gin.Context, name string, notFound error) (int64, bool) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, notFound)
		return 0, false
	}
	return id, true
}

func (h *Helpdesk) handleListDesks(c *gin.Context) {
	desks, err := h.ListDesks(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, desks, httpx.Page{Page: 1, PerPage: len(desks), Total: int64(len(desks))})
}

// CreateDeskInput is a desk with its topics, as POST /desks takes it.
type CreateDeskInput struct {
	DeskInput
	Topics []TopicInput `json:"topics" validate:"max=100"`
}

func (h *Helpdesk) handleCreateDesk(c *gin.Context) {
	var in CreateDeskInput
	if !h.bind(c, &in) {
		return
	}
	d, err := h.CreateDesk(c.Request.Context(), in.DeskInput, in.Topics)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, d)
}

func (h *Helpdesk) handleAddConsultant(c *gin.Context) {
	id, ok := idParam(c, "id", ErrDeskNotFound)
	if !ok {
		return
	}
	var in ConsultantInput
	if !h.bind(c, &in) {
		return
	}
	dc, err := h.AddConsultant(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, dc)
}

func (h *Helpdesk) handleSettings(c *gin.Context) {
	httpx.OK(c, http.StatusOK, h.Settings())
}

func (h *Helpdesk) handleRemoveConsultant(c *gin.Context) {
	id, ok := idParam(c, "id", ErrDeskNotFound)
	if !ok {
		return
	}
	person, ok := idParam(c, "person", ErrConsultantNotFound)
	if !ok {
		return
	}
	dc, err := h.RemoveConsultant(c.Request.Context(), id, person)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, dc)
}

func (h *Helpdesk) handleDeskConsultants(c *gin.Context) {
	id, ok := idParam(c, "id", ErrDeskNotFound)
	if !ok {
		return
	}
	list, err := h.DeskConsultants(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, list)
}

func (h *Helpdesk) handleList(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := ListQuery{Status: Status(c.Query("status")), Mine: c.Query("mine") == "true", Late: c.Query("late") == "true",
		Q: c.Query("q"), Page: page, PerPage: perPage}
	if s := c.Query("desk"); s != "" {
		if q.DeskID, err = strconv.ParseInt(s, 10, 64); err != nil || q.DeskID <= 0 {
			httpx.Fail(c, httpx.Invalid("desk", "min", "page.invalid"))
			return
		}
	}
	list, total, err := h.List(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (h *Helpdesk) handleOpen(c *gin.Context) {
	var in OpenInput
	if !h.bind(c, &in) {
		return
	}
	d, err := h.Open(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, d)
}

func (h *Helpdesk) handleGet(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	d, err := h.Get(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, d)
}

// StatusInput moves a consultation to another status.
type StatusInput struct {
	Status Status `json:"status" validate:"required"`
}

func (h *Helpdesk) handleStatus(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	var in StatusInput
	if !h.bind(c, &in) {
		return
	}
	d, err := h.SetStatus(c.Request.Context(), id, in.Status)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, d)
}

// AssignInput gives a consultation to a consultant of its desk.
type AssignInput struct {
	PersonID int64 `json:"person_id" validate:"required,min=1"`
}

func (h *Helpdesk) handleAssign(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	var in AssignInput
	if !h.bind(c, &in) {
		return
	}
	d, err := h.Assign(c.Request.Context(), id, in.PersonID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, d)
}

// MessagesPage is the answer of GET /consultations/{id}/messages.
type MessagesPage struct {
	Messages    []Message    `json:"messages"`
	Attachments []Attachment `json:"attachments"`
}

func (h *Helpdesk) handleMessages(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	var after int64
	if s := c.Query("after"); s != "" {
		var err error
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			httpx.Fail(c, httpx.Invalid("after", "min", "page.invalid"))
			return
		}
	}
	msgs, atts, err := h.Messages(c.Request.Context(), id, after)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, MessagesPage{Messages: msgs, Attachments: atts})
}

func (h *Helpdesk) handlePost(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	var in MessageInput
	if !h.bind(c, &in) {
		return
	}
	m, created, err := h.Post(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	httpx.OK(c, status, m)
}

// ReadInput marks a consultation read up to a message.
type ReadInput struct {
	UpTo int64 `json:"up_to" validate:"required,min=1"`
}

func (h *Helpdesk) handleRead(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	var in ReadInput
	if !h.bind(c, &in) {
		return
	}
	if err := h.MarkRead(c.Request.Context(), id, in.UpTo); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *Helpdesk) handleUpload(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	fh, err := files.FormFile(c, "file", h.cfg.MaxAttachment)
	if errors.Is(err, files.ErrEmpty) {
		err = httpx.Invalid("file", "required", "helpdesk.file_empty")
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	f, err := fh.Open()
	if err != nil {
		httpx.Fail(c, fmt.Errorf("helpdesk: open upload: %w", err))
		return
	}
	defer f.Close()
	att, err := h.Upload(c.Request.Context(), id, fh.Filename, f)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, att)
}

func (h *Helpdesk) handleDownload(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	attID, ok := idParam(c, "att", ErrAttachmentNotFound)
	if !ok {
		return
	}
	att, rc, err := h.Download(c.Request.Context(), id, attID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	defer rc.Close()
	files.Serve(c, att.Name, att.ContentType, att.Size, rc)
}

// streamLifetime bounds one event stream: the client reconnects (resuming
// with Last-Event-ID) and its rights are checked again.
const streamLifetime = 10 * time.Minute

// handleEvents streams a consultation's events as Server-Sent Events: the
// desk's consultants get the staff stream (internal notes included),
// operators the public one. While it is open the caller counts as online.
func (h *Helpdesk) handleEvents(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	cons, v, pr, err := h.load(ctx, h.db, id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if _, _, err := sse.LastEventID(c.Request); err != nil {
		httpx.Fail(c, httpx.ErrMalformed)
		return
	}
	topic := publicTopic(cons.ID)
	if v == viewStaff {
		topic = staffTopic(cons.ID)
	}
	leave, err := h.arrive(ctx, pr.PersonID, cons.ID, streamLifetime)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	defer leave()
	sctx, cancel := context.WithTimeout(ctx, streamLifetime)
	defer cancel()
	if err := sse.Serve(sctx, c.Writer, c.Request, h.p.Events(), topic, sse.Options{}); err != nil {
		httpx.Logger(c).DebugContext(ctx, "helpdesk: event stream ended", "err", err)
	}
}

// handleMediationEvents streams the events of an ambito's mediation
// requests (request ids only) until the stream's lifetime ends.
func (h *Helpdesk) handleMediationEvents(c *gin.Context) {
	ctx := c.Request.Context()
	ambito := c.Query("ambito")
	if err := h.FollowMediation(ctx, ambito); err != nil {
		httpx.Fail(c, err)
		return
	}
	if _, _, err := sse.LastEventID(c.Request); err != nil {
		httpx.Fail(c, httpx.ErrMalformed)
		return
	}
	sctx, cancel := context.WithTimeout(ctx, streamLifetime)
	defer cancel()
	if err := sse.Serve(sctx, c.Writer, c.Request, h.p.Events(), MediationTopic(ambito), sse.Options{}); err != nil {
		httpx.Logger(c).DebugContext(ctx, "helpdesk: mediation stream ended", "err", err)
	}
}

func (h *Helpdesk) handleExport(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	out, err := h.Export(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="consulenza-%d.json"`, id))
	c.Header("Cache-Control", "no-store")
	httpx.OK(c, http.StatusOK, out)
}

// reportQuery reads ?ambito=&desk=&from=&to= (days YYYY-MM-DD in Italian
// time, to exclusive).
func reportQuery(c *gin.Context) (ReportQuery, error) {
	q := ReportQuery{Ambito: c.Query("ambito")}
	var issues []httpx.FieldIssue
	if s := c.Query("desk"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			issues = append(issues, httpx.FieldIssue{Field: "desk", Rule: "min", Key: "page.invalid"})
		}
		q.DeskID = id
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		if s := c.Query(f.name); s != "" {
			t, err := time.ParseInLocation(time.DateOnly, s, bookingZone)
			if err != nil {
				issues = append(issues, httpx.FieldIssue{Field: f.name, Rule: "date", Key: "helpdesk.date"})
			}
			*f.dst = t
		}
	}
	if issues != nil {
		return q, &httpx.ValidationError{Fields: issues}
	}
	return q, nil
}

func (h *Helpdesk) handleReport(c *gin.Context) {
	q, err := reportQuery(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	rep, err := h.Report(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, rep)
}

func (h *Helpdesk) handleReportCSV(c *gin.Context) {
	q, err := reportQuery(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	data, err := h.ReportCSV(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="consulenze.csv"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", data)
}

// PersonalDataInput is a text to check before sending it.
type PersonalDataInput struct {
	Text string `json:"text" validate:"max=100000"`
}

func (h *Helpdesk) handlePersonalData(c *gin.Context) {
	var in PersonalDataInput
	if !h.bind(c, &in) {
		return
	}
	httpx.OK(c, http.StatusOK, CheckPersonalData(in.Text, httpx.Lang(c)))
}

func (h *Helpdesk) handleDeleteUpload(c *gin.Context) {
	id, ok := idParam(c, "id", ErrConsultationNotFound)
	if !ok {
		return
	}
	attID, ok := idParam(c, "att", ErrAttachmentNotFound)
	if !ok {
		return
	}
	if err := h.DeleteUpload(c.Request.Context(), id, attID); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
