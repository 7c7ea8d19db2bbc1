package httpx

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// Body is the success body: {"data": …}, with "page" for lists.
type Body struct {
	Data any   `json:"data"`
	Page *Page `json:"page,omitempty"`
}

// Page describes one page of a list.
type Page struct {
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int64 `json:"total"`
}

// ErrorBody is the error body: {"error": {…}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong, in the caller's language.
type ErrorDetail struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields,omitempty"`
}

// OK writes {"data": data} with status.
func OK(c *gin.Context, status int, data any) {
	c.JSON(status, Body{Data: data})
}

// List writes {"data": items, "page": page} with status 200.
func List(c *gin.Context, items any, page Page) {
	c.JSON(http.StatusOK, Body{Data: items, Page: &page})
}

// Lang is the language of the caller, from Accept-Language.
func Lang(c *gin.Context) string {
	if v, ok := c.Get(langKey); ok {
		return v.(string)
	}
	l := i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
	c.Set(langKey, l)
	return l
}

const langKey = "incroci.lang"

// Fail writes the error body for err and aborts the request. Errors that are
// not Problems are logged with the request id and answered 500, never shown.
func Fail(c *gin.Context, err error) {
	p := problemOf(err)
	lang := Lang(c)
	detail := ErrorDetail{Code: p.Code, Message: i18n.T(lang, p.Key)}
	var ve *ValidationError
	var rl *RateLimitError
	var tl *TooLargeError
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			msg := f.Message
			if msg == "" {
				msg = i18n.T(lang, f.Key, f.Args...)
			}
			detail.Fields = append(detail.Fields, FieldError{Field: f.Field, Rule: f.Rule, Message: msg})
		}
	case errors.As(err, &rl):
		secs := int(rl.RetryAfter.Seconds() + 0.999)
		if secs < 1 {
			secs = 1
		}
		c.Header("Retry-After", strconv.Itoa(secs))
		detail.Message = i18n.T(lang, p.Key, (secs+59)/60)
	case errors.As(err, &tl):
		detail.Message = i18n.T(lang, p.Key, humanBytes(tl.Limit))
	}
	if p.Key == "err.rate_limited" && rl == nil {
		detail.Message = i18n.T(lang, p.Key, 15)
	}
	if p.Key == "err.too_large" && tl == nil {
		detail.Message = i18n.T(lang, "err.too_large", "?")
	}
	if p.Status >= 500 {
		Logger(c).ErrorContext(c.Request.Context(), "request failed", "err", err.Error())
	} else {
		Logger(c).DebugContext(c.Request.Context(), "request refused", "status", p.Status, "err", err.Error())
	}
	c.AbortWithStatusJSON(p.Status, ErrorBody{Error: detail})
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

// Logger returns the request's logger, carrying its request id.
func Logger(c *gin.Context) *slog.Logger {
	if v, ok := c.Get(loggerKey); ok {
		return v.(*slog.Logger)
	}
	return slog.Default()
}

const loggerKey = "incroci.logger"
