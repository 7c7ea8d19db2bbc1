package httpx

import (
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-Id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// RequestLog gives every request an id (the caller's X-Request-Id when it is
// sane, else a new one), echoes it, puts a logger carrying it on the context
// and logs one line per request with method, route, status and duration. The
// query string is never logged: it may hold a token.
func RequestLog(base *slog.Logger) gin.HandlerFunc {
	if base == nil {
		base = slog.Default()
	}
	return func(c *gin.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !requestIDPattern.MatchString(id) {
			id = NewID()
		}
		c.Header(RequestIDHeader, id)
		l := base.With("request_id", id)
		c.Set(loggerKey, l)
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "(unmatched)"
		}
		l.LogAttrs(c.Request.Context(), slog.LevelInfo, "http",
			slog.String("method", c.Request.Method), slog.String("route", route),
			slog.Int("status", c.Writer.Status()), slog.Duration("took", time.Since(start)))
	}
}

// NewID returns a random 20-character id.
func NewID() string {
	var b [12]byte
	rand.Read(b[:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])[:20]
}

// PageParams reads ?page= and ?per_page= (defaults 1 and 20, per_page at
// most 100) and answers 422 for values that are not positive integers.
func PageParams(c *gin.Context) (page, perPage int, err error) {
	page, perPage = 1, 20
	var issues []FieldIssue
	if s := c.Query("page"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 1 || n > 1_000_000 {
			issues = append(issues, FieldIssue{Field: "page", Rule: "min", Key: "page.invalid"})
		} else {
			page = n
		}
	}
	if s := c.Query("per_page"); s != "" {
		n, e := strconv.Atoi(s)
		if e != nil || n < 1 || n > 100 {
			issues = append(issues, FieldIssue{Field: "per_page", Rule: "max", Key: "per_page.invalid"})
		} else {
			perPage = n
		}
	}
	if issues != nil {
		return 0, 0, &ValidationError{Fields: issues}
	}
	return page, perPage, nil
}
