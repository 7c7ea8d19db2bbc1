package helpdesk

import (
	"net/http"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// Errors of the help desk. Compare with errors.Is; each maps to an HTTP
// status and a message in Italian or English.
var (
	// ErrDeskNotFound: no desk with that id or slug serves the caller.
	ErrDeskNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.desk_not_found")
	// ErrConsultationNotFound: no consultation with that id is visible to
	// the caller (whether it exists is not said).
	ErrConsultationNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.consultation_not_found")
	// ErrAttachmentNotFound: no such attachment in the consultation.
	ErrAttachmentNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.attachment_not_found")
	// ErrConsultantNotFound: the person is not a consultant of the desk.
	ErrConsultantNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.consultant_not_found")
	// ErrClientIDReused: a message's client id was already used for a
	// different message.
	ErrClientIDReused error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.client_id_reused")
	// ErrTransition: the consultation cannot move to that status from where it is.
	ErrTransition error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.transition")
	// ErrStatusChanged: someone else changed the consultation's status
	// while the request was being answered; read it again and retry.
	ErrStatusChanged error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.status_changed")
	// ErrClosed: the consultation is closed and takes no more messages.
	ErrClosed error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.closed")
	// ErrFileType: the file's content is not of an accepted type.
	ErrFileType error = httpx.NewProblem(http.StatusUnsupportedMediaType, "unsupported_media_type", "helpdesk.file_type")
	// ErrNoConsultant: the desk has no consultant to assign.
	ErrNoConsultant error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.no_consultant")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"helpdesk.desk_not_found":         {IT: "Sportello non trovato.", EN: "Desk not found."},
		"helpdesk.consultation_not_found": {IT: "Consulenza non trovata.", EN: "Consultation not found."},
		"helpdesk.attachment_not_found":   {IT: "Allegato non trovato.", EN: "Attachment not found."},
		"helpdesk.consultant_not_found":   {IT: "Questa persona non è un consulente dello sportello.", EN: "This person is not a consultant of the desk."},
		"helpdesk.client_id_reused":       {IT: "Questo identificativo è già stato usato per un altro messaggio.", EN: "This id was already used for another message."},
		"helpdesk.transition":             {IT: "La consulenza non può passare a questo stato da quello attuale.", EN: "The consultation cannot move to this status from the current one."},
		"helpdesk.status_changed":         {IT: "Qualcun altro ha appena cambiato lo stato della consulenza: ricaricala e riprova.", EN: "Someone else has just changed the consultation's status: reload it and try again."},
		"helpdesk.closed":                 {IT: "La consulenza è chiusa.", EN: "The consultation is closed."},
		"helpdesk.file_type":              {IT: "Tipo di file non ammesso: sono ammessi PDF, immagini JPEG e PNG, testo, documenti Word e OpenDocument.", EN: "File type not allowed: PDF, JPEG and PNG images, text, Word and OpenDocument files are."},
		"helpdesk.no_consultant":          {IT: "Lo sportello non ha consulenti disponibili.", EN: "The desk has no consultant available."},
		"helpdesk.topic_unknown":          {IT: "argomento sconosciuto per questo sportello", EN: "unknown topic for this desk"},
		"helpdesk.ambito_role":            {IT: "devi essere operatore di questo ambito", EN: "you must be an operator of this ambito"},
		"helpdesk.desk_serves":            {IT: "lo sportello non serve questo ambito", EN: "the desk does not serve this ambito"},
		"helpdesk.age_band":               {IT: "fascia d'età non valida", EN: "invalid age band"},
		"helpdesk.country":                {IT: "deve essere un codice di paese di due lettere (ISO 3166), XX se sconosciuto", EN: "must be a two-letter country code (ISO 3166), XX when unknown"},
		"helpdesk.language":               {IT: "deve essere un codice di lingua (ISO 639)", EN: "must be a language code (ISO 639)"},
		"helpdesk.date":                   {IT: "deve essere una data AAAA-MM-GG", EN: "must be a date YYYY-MM-DD"},
		"helpdesk.label":                  {IT: "solo iniziali o un codice: non il nome della persona", EN: "initials or a code only: not the person's name"},
		"helpdesk.assignee":               {IT: "la persona non è un consulente attivo dello sportello", EN: "the person is not an active consultant of the desk"},
		"helpdesk.status":                 {IT: "stato sconosciuto", EN: "unknown status"},
		"helpdesk.too_long":               {IT: "è troppo lungo (al massimo %d caratteri)", EN: "is too long (at most %d characters)"},
		"helpdesk.note_staff":             {IT: "solo i consulenti dello sportello scrivono note interne", EN: "only the desk's consultants write internal notes"},
		"helpdesk.body":                   {IT: "il messaggio è vuoto", EN: "the message is empty"},
		"helpdesk.file_empty":             {IT: "il file è vuoto o manca", EN: "the file is empty or missing"},
		"helpdesk.report_range":           {IT: "l'inizio deve precedere la fine", EN: "the start must come before the end"},
		"helpdesk.slug_taken":             {IT: "esiste già uno sportello con questo identificativo", EN: "a desk with this identifier already exists"},
		"helpdesk.up_to":                  {IT: "deve essere un messaggio di questa consulenza che puoi vedere", EN: "must be a message of this consultation that you may see"},
		"helpdesk.attachment_ids":         {IT: "allegato sconosciuto o già usato", EN: "unknown or already used attachment"},
	})
}
