package training

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
	qrcode "github.com/skip2/go-qrcode"
)

// meetingIDs reads the edition's and the meeting's ids in the path.
func meetingIDs(c *gin.Context) (int64, int64, bool) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return 0, 0, false
	}
	mid, err := strconv.ParseInt(c.Param("mid"), 10, 64)
	if err != nil || mid <= 0 {
		httpx.Fail(c, ErrMeetingNotFound)
		return 0, 0, false
	}
	return id, mid, true
}

// base is the module's public address: the request's path without as
// many segments as the route's pattern rel (relative to the mount point)
// has.
func (t *Training) base(c *gin.Context, rel string) string {
	path := c.Request.URL.Path
	for range strings.Count(rel, "/") {
		if j := strings.LastIndex(path, "/"); j >= 0 {
			path = path[:j]
		}
	}
	return t.publicBase(c, c.Request.URL.Path[len(path):])
}

func (t *Training) handleRegister(c *gin.Context) {
	id, mid, ok := meetingIDs(c)
	if !ok {
		return
	}
	out, err := t.Register(c.Request.Context(), id, mid)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleMark(c *gin.Context) {
	id, mid, ok := meetingIDs(c)
	if !ok {
		return
	}
	var in MarkInput
	if !t.bind(c, &in) {
		return
	}
	out, err := t.MarkRegister(c.Request.Context(), id, mid, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleCloseRegister(c *gin.Context) {
	id, mid, ok := meetingIDs(c)
	if !ok {
		return
	}
	out, err := t.CloseRegister(c.Request.Context(), id, mid)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleCheckinCode(c *gin.Context) {
	id, mid, ok := meetingIDs(c)
	if !ok {
		return
	}
	out, err := t.GetCheckinCode(c.Request.Context(), id, mid)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	httpx.OK(c, http.StatusOK, out)
}

// handleCheckinQR serves the current check-in code as a QR code (PNG) of
// its URL, or of the code alone without a LinkPage.
func (t *Training) handleCheckinQR(c *gin.Context) {
	id, mid, ok := meetingIDs(c)
	if !ok {
		return
	}
	out, err := t.GetCheckinCode(c.Request.Context(), id, mid)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	text := out.URL
	if text == "" {
		text = out.Code
	}
	png, err := qrcode.Encode(text, qrcode.Medium, 512)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/png", png)
}

func (t *Training) handleCheckin(c *gin.Context) {
	var in CheckinInput
	if !t.bind(c, &in) {
		return
	}
	out, err := t.Checkin(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

// yearParam reads ?year=, 0 when absent.
func yearParam(c *gin.Context) (int, bool) {
	s := c.Query("year")
	if s == "" {
		return 0, true
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2200 {
		httpx.Fail(c, httpx.Invalid("year", "year", "training.year"))
		return 0, false
	}
	return y, true
}

func (t *Training) handleMyHours(c *gin.Context) {
	y, ok := yearParam(c)
	if !ok {
		return
	}
	out, err := t.MyHours(c.Request.Context(), y)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleEditionHours(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	out, err := t.GetEditionHours(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleIssue(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	out, err := t.IssueCertificates(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleEditionCertificates(c *gin.Context) {
	id, ok := pathID(c, ErrEditionNotFound)
	if !ok {
		return
	}
	out, err := t.EditionCertificates(c.Request.Context(), id)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	base := t.base(c, "/editions/:id/certificates")
	for i := range out {
		out[i].VerifyURL = VerifyURL(base, out[i].Code)
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleMyCertificates(c *gin.Context) {
	out, err := t.MyCertificates(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	base := t.base(c, "/me/certificates")
	for i := range out {
		out[i].VerifyURL = VerifyURL(base, out[i].Code)
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleCertificatePDF(c *gin.Context) {
	id, ok := pathID(c, ErrCertificateNotFound)
	if !ok {
		return
	}
	doc, err := t.PrintCertificate(c.Request.Context(), id, t.base(c, "/me/certificates/:id/pdf"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", "attachment; filename="+doc.Filename)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", doc.PDF)
}

func (t *Training) handleRevoke(c *gin.Context) {
	id, ok := pathID(c, ErrCertificateNotFound)
	if !ok {
		return
	}
	var in RevokeInput
	if !t.bind(c, &in) {
		return
	}
	out, err := t.RevokeCertificate(c.Request.Context(), id, in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleVerify(c *gin.Context) {
	out, err := t.Verify(c.Request.Context(), c.Param("code"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Access-Control-Allow-Origin", "*")
	httpx.OK(c, http.StatusOK, out)
}

// handleVerifyPage serves the verification as an HTML page of its own,
// under a strict Content-Security-Policy (its style by nonce, nothing
// else).
func (t *Training) handleVerifyPage(c *gin.Context) {
	out, err := t.Verify(c.Request.Context(), c.Param("code"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	nonce := base64.RawStdEncoding.EncodeToString(b)
	page, err := RenderVerification(out, nonce)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}

// reportQuery reads ?ambito= and ?year=.
func reportQuery(c *gin.Context) (ReportQuery, bool) {
	y, ok := yearParam(c)
	return ReportQuery{Ambito: c.Query("ambito"), Year: y}, ok
}

func (t *Training) handleHoursReport(c *gin.Context) {
	q, ok := reportQuery(c)
	if !ok {
		return
	}
	out, err := t.HoursReport(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

func (t *Training) handleEditionsReport(c *gin.Context) {
	q, ok := reportQuery(c)
	if !ok {
		return
	}
	out, err := t.EditionsReport(c.Request.Context(), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, out)
}

// handleCSV serves a report as CSV, named file.
func (t *Training) handleCSV(file string, fn func(c *gin.Context, q ReportQuery) ([]byte, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, ok := reportQuery(c)
		if !ok {
			return
		}
		data, err := fn(c, q)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "text/csv; charset=utf-8", data)
	}
}
