package incroci

import (
	"net/http"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// Errors returned by the platform's services. Compare with errors.Is: they are
// wrapped with context. Each maps to an HTTP status and a localised message.
var (
	ErrNotFound     error = httpx.ErrNotFound     // 404
	ErrForbidden    error = httpx.ErrForbidden    // 403
	ErrUnauthorized error = httpx.ErrUnauthorized // 401
	ErrConflict     error = httpx.ErrConflict     // 409
	ErrInvalid      error = httpx.ErrInvalid      // 422; the error is a *httpx.ValidationError naming the fields
	ErrRateLimited  error = httpx.ErrRateLimited  // 429

	// ErrInvalidCode: the activation code or link is wrong, expired, used or
	// burned by too many attempts. Which of these is not said.
	ErrInvalidCode error = httpx.NewProblem(http.StatusUnauthorized, "invalid_code", "auth.invalid_code")
	// ErrInvalidAssertion: a host-site identity token failed verification.
	ErrInvalidAssertion error = httpx.NewProblem(http.StatusUnauthorized, "invalid_assertion", "auth.invalid_assertion")
	// ErrAmbitoNotFound: no ambito has that slug.
	ErrAmbitoNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "ambito.not_found")
	// ErrPersonNotFound: no person has that id in the ambito.
	ErrPersonNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "person.not_found")
	// ErrAmbitoExists: an ambito with that slug already exists.
	ErrAmbitoExists error = httpx.NewProblem(http.StatusConflict, "conflict", "ambito.exists")
	// ErrCannotGrant: the caller may not grant or revoke that role there.
	ErrCannotGrant error = httpx.NewProblem(http.StatusForbidden, "forbidden", "role.cannot_grant")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"auth.invalid_code":       {IT: "Codice non valido o scaduto. Controlla il codice o richiedine uno nuovo.", EN: "Invalid or expired code. Check the code or ask for a new one."},
		"auth.invalid_assertion":  {IT: "L'identità inviata dal sito non è valida o è scaduta.", EN: "The identity sent by the website is invalid or expired."},
		"ambito.not_found":        {IT: "Ambito non trovato.", EN: "Ambito not found."},
		"person.not_found":        {IT: "Persona non trovata in questo ambito.", EN: "Person not found in this ambito."},
		"ambito.exists":           {IT: "Esiste già un ambito con questo identificativo.", EN: "An ambito with this identifier already exists."},
		"role.cannot_grant":       {IT: "Non puoi assegnare o revocare questo ruolo in questo ambito.", EN: "You cannot grant or revoke this role in this ambito."},
		"role.unknown":            {IT: "ruolo sconosciuto", EN: "unknown role"},
		"email.invalid":           {IT: "deve essere un indirizzo e-mail valido", EN: "must be a valid e-mail address"},
		"return_url.origin":       {IT: "deve essere un indirizzo di un sito autorizzato dell'ambito", EN: "must be an address on one of the ambito's allowed websites"},
		"idempotency.key":         {IT: "deve essere una chiave di al massimo 200 caratteri stampabili", EN: "must be a key of at most 200 printable characters"},
		"idempotency.reused":      {IT: "questa chiave è già stata usata per una richiesta diversa", EN: "this key was already used for a different request"},
		"idempotency.in_progress": {IT: "La stessa richiesta è ancora in corso: riprova tra qualche secondo.", EN: "The same request is still in progress: try again in a few seconds."},
		"language.unknown":        {IT: "lingua sconosciuta: usa un codice come it, en, ar", EN: "unknown language: use a code such as it, en, ar"},
	})
}
