package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/incrocicomuni/incroci/internal/i18n"
)

// Problem is a kind of failure a service reports: an HTTP status, a stable
// code for programs and a message key for people. Problems are compared with
// errors.Is, so a service wraps them with context freely.
type Problem struct {
	Status int
	Code   string
	Key    string
}

// Error describes the problem in English, for logs.
func (p *Problem) Error() string { return p.Code + ": " + i18n.T(i18n.EN, p.Key) }

// NewProblem declares a Problem. Modules declare their own for specific
// messages ("consultation not found"); errors.Is matches the very value.
func NewProblem(status int, code, key string) *Problem {
	return &Problem{Status: status, Code: code, Key: key}
}

// The general problems. A module's own Problem with the same status and code
// is told apart by its message only.
var (
	ErrMalformed     = NewProblem(http.StatusBadRequest, "malformed", "err.malformed")
	ErrUnauthorized  = NewProblem(http.StatusUnauthorized, "unauthorized", "err.unauthorized")
	ErrForbidden     = NewProblem(http.StatusForbidden, "forbidden", "err.forbidden")
	ErrNotFound      = NewProblem(http.StatusNotFound, "not_found", "err.not_found")
	ErrConflict      = NewProblem(http.StatusConflict, "conflict", "err.conflict")
	ErrTooLarge      = NewProblem(http.StatusRequestEntityTooLarge, "too_large", "err.too_large")
	ErrMediaType     = NewProblem(http.StatusUnsupportedMediaType, "unsupported_media_type", "err.media_type")
	ErrInvalid       = NewProblem(http.StatusUnprocessableEntity, "validation", "err.validation")
	ErrRateLimited   = NewProblem(http.StatusTooManyRequests, "rate_limited", "err.rate_limited")
	ErrOriginDenied  = NewProblem(http.StatusForbidden, "origin_not_allowed", "err.origin")
	ErrInternal      = NewProblem(http.StatusInternalServerError, "internal", "err.internal")
	ErrUnavailable   = NewProblem(http.StatusServiceUnavailable, "unavailable", "err.unavailable")
	ErrRouteNotFound = NewProblem(http.StatusNotFound, "not_found", "err.route")
	ErrMethod        = NewProblem(http.StatusMethodNotAllowed, "method_not_allowed", "err.method")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"err.malformed":    {IT: "La richiesta non è un JSON valido.", EN: "The request is not valid JSON."},
		"err.unauthorized": {IT: "Accesso richiesto: la sessione manca, è scaduta o non è valida.", EN: "Sign-in required: the session is missing, expired or invalid."},
		"err.forbidden":    {IT: "Non hai i permessi per questa operazione.", EN: "You do not have permission for this operation."},
		"err.not_found":    {IT: "Non trovato.", EN: "Not found."},
		"err.conflict":     {IT: "L'operazione è in conflitto con lo stato attuale.", EN: "The operation conflicts with the current state."},
		"err.too_large":    {IT: "La richiesta è troppo grande (massimo %s).", EN: "The request is too large (at most %s)."},
		"err.media_type":   {IT: "Il corpo della richiesta deve essere application/json.", EN: "The request body must be application/json."},
		"err.validation":   {IT: "Alcuni campi non sono validi.", EN: "Some fields are not valid."},
		"err.rate_limited": {IT: "Troppe richieste: riprova tra %d minuti.", EN: "Too many requests: try again in %d minutes."},
		"err.origin":       {IT: "Questo sito non è autorizzato a usare il servizio.", EN: "This website is not allowed to use the service."},
		"err.internal":     {IT: "Errore interno: riprova più tardi.", EN: "Internal error: please try again later."},
		"err.unavailable":  {IT: "Servizio momentaneamente non disponibile.", EN: "Service temporarily unavailable."},
		"err.route":        {IT: "Indirizzo non trovato.", EN: "No such address."},
		"err.method":       {IT: "Metodo non consentito.", EN: "Method not allowed."},
		"field.unknown":    {IT: "campo sconosciuto", EN: "unknown field"},
		"field.type":       {IT: "deve essere di tipo %s", EN: "must be of type %s"},
	})
}

// FieldError is one problem with one field of the request.
type FieldError struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// ValidationError reports invalid fields. Messages are filled in the caller's
// language when the error is written; a service may leave Message empty and
// set Key (and Args) instead.
type ValidationError struct {
	Fields []FieldIssue
}

// FieldIssue is a field problem found by a service, with a message key.
type FieldIssue struct {
	Field, Rule, Key string
	Args             []any
	// Message, when set, is used as it is (already localised).
	Message string
}

// Error lists the invalid fields, for logs.
func (e *ValidationError) Error() string {
	s := "validation:"
	for _, f := range e.Fields {
		s += " " + f.Field + "(" + f.Rule + ")"
	}
	return s
}

// Is makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid builds a ValidationError about one field.
func Invalid(field, rule, key string, args ...any) error {
	return &ValidationError{Fields: []FieldIssue{{Field: field, Rule: rule, Key: key, Args: args}}}
}

// RateLimitError says a limit was hit and when to try again.
type RateLimitError struct{ RetryAfter time.Duration }

// Error says when to retry, for logs.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s", e.RetryAfter)
}

// Is makes errors.Is(err, ErrRateLimited) true.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// TooLargeError says a body or file exceeded Limit bytes.
type TooLargeError struct{ Limit int64 }

// Error names the limit, for logs.
func (e *TooLargeError) Error() string { return fmt.Sprintf("body larger than %d bytes", e.Limit) }

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// problemOf finds the Problem err stands for, ErrInternal when none.
func problemOf(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	for _, k := range []*Problem{ErrInvalid, ErrRateLimited, ErrTooLarge} {
		if errors.Is(err, k) {
			return k
		}
	}
	return ErrInternal
}

func init() {
	i18n.Register(map[string]i18n.Text{
		// Field names in validation messages, as people know them.
		"field.email":         {IT: "l'indirizzo e-mail", EN: "the e-mail address"},
		"field.name":          {IT: "il nome", EN: "the name"},
		"field.service":       {IT: "il servizio", EN: "the service"},
		"field.languages":     {IT: "le lingue", EN: "the languages"},
		"field.code":          {IT: "il codice", EN: "the code"},
		"field.token":         {IT: "il collegamento", EN: "the link"},
		"field.roles":         {IT: "i ruoli", EN: "the roles"},
		"field.slug":          {IT: "l'identificativo", EN: "the identifier"},
		"field.lead_body":     {IT: "l'ente capofila", EN: "the lead body"},
		"field.comuni":        {IT: "i comuni", EN: "the municipalities"},
		"field.origins":       {IT: "i siti autorizzati", EN: "the allowed websites"},
		"field.email_domains": {IT: "i domini e-mail", EN: "the e-mail domains"},
		"field.return_url":    {IT: "l'indirizzo della pagina", EN: "the page address"},
		"field.ambito":        {IT: "l'ambito", EN: "the ambito"},
		"field.subject":       {IT: "l'oggetto", EN: "the subject"},
		"field.question":      {IT: "la domanda", EN: "the question"},
		"field.body":          {IT: "il messaggio", EN: "the message"},
		"field.topic":         {IT: "l'argomento", EN: "the topic"},
		"field.urgency":       {IT: "l'urgenza", EN: "the urgency"},
		"field.assertion":     {IT: "l'identità firmata", EN: "the signed identity"},
		"page.invalid":        {IT: "deve essere un numero intero positivo", EN: "must be a positive whole number"},
		"per_page.invalid":    {IT: "deve essere un numero intero tra 1 e 100", EN: "must be a whole number between 1 and 100"},
	})
}

// StatusOf returns the HTTP status err maps to (500 for unknown errors).
func StatusOf(err error) int { return problemOf(err).Status }
