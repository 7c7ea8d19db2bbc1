package training

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// maxBody bounds request bodies (an edition with its meetings is the
// largest).
const maxBody = 256 << 10

func (t *Training) bind(c *gin.Context, dst any) bool {
	if err := httpx.Bind(c, dst, maxBody); err != nil {
		httpx.Fail(c, err)
		return false
	}
	return true
}

// pathID reads the id in the path; anything but a positive integer is
// notFound.
func pathID(c *gin.Context, notFound error) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, notFound)
		return 0, false
	}
	return id, true
}

func (t *Training) handleCourses(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := CourseQuery{Ambito: c.Query("ambito"), Topic: c.Query("topic"), Role: incroci.Role(c.Query("role")), Q: c.Query("q"), Open: c.Query("open") == "true", Page: page, PerPage: perPage}
	list, total, err := t.Courses(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

func (t *Training) handleSaveCourse(c *gin.Context) {
	var id int64
	if c.Param("id") != "" {
		var ok bool
		if id, ok = pathID(c, ErrCourseNotFound); !ok {
			return
		}
	}
	var in CourseInput
	if !t.bind(c, &in) {
		return
	}
	out, err := t.SaveCourse(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	httpx.OK(c, status, out)
}

func (t *Training) handleCourse(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	out, err := t.GetCourse(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleCreateEdition(c *gin.Context) {
	id, ok := pathID(c, ErrCourseNotFound)
	if !ok {
		return
	}
	var in EditionInput
	if !t.bind(c, &in) {
		return
	}
	out, err := t.SaveEdition(c.Request.Context(), id, 0, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, out)
}

func (t *Training) handleUpdateEdition(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	var in EditionInput
	if !t.bind(c, &in) {
		return
	}
	out, err := t.SaveEdition(c.Request.Context(), 0, id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleEdition(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	out, err := t.GetEdition(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleEnrol(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	var in EnrolInput
	if c.Request.ContentLength != 0 && !t.bind(c, &in) {
		return
	}
	out, err := t.Enrol(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, out)
}

func (t *Training) handleEnrolments(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	st := Status(c.Query("status"))
	switch st {
	case "", StatusPending, StatusConfirmed, StatusWaiting, StatusOffered, StatusCancelled, StatusRejected, StatusLapsed:
	default:
		httpx.Fail(c, httpx.Invalid("status", "oneof", "training.status"))
		return
	}
	list, total, err := t.Enrolments(c.Request.Context(), id, EnrolmentQuery{Status: st, Page: page, PerPage: perPage})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

// handleStep answers a step of an enrolment (cancel, accept…).
func (t *Training) handleStep(step func(ctx context.Context, id int64) (*Enrolment, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, ok := pathID(c, ErrEnrolmentNotFound)
		if !ok {
			return
		}
		out, err := step(c.Request.Context(), id)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		httpx.OK(c, http.StatusOK, out)
	}
}

func (t *Training) handleMine(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	list, total, err := t.MyEnrolments(c.Request.Context(), c.Query("all") == "true", page, perPage)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, list, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

// publicBase is the module's public address as the caller reached it:
// the platform's PublicURL origin (when set) and the request's path up to
// the mount point.
func (t *Training) publicBase(c *gin.Context, suffix string) string {
	path := strings.TrimSuffix(c.Request.URL.Path, suffix)
	if u, err := url.Parse(t.p.PublicURL()); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host + path
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host + path
}

func (t *Training) handleCalendarLink(c *gin.Context) {
	out, err := t.CalendarLink(c.Request.Context(), t.publicBase(c, "/me/calendar"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleExport(c *gin.Context) {
	out, err := t.ExportMine(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleResetCalendarLink(c *gin.Context) {
	out, err := t.ResetCalendarLink(c.Request.Context(), t.publicBase(c, "/me/calendar/reset"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleCalendar(c *gin.Context) {
	data, err := t.Calendar(c.Request.Context(), c.Query("person"), c.Query("sig"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/calendar; charset=UTF-8", data)
}

func (t *Training) handleCancelEdition(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	out, err := t.CancelEdition(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}
