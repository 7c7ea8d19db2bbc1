package toolkit

import (
	"net/http"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// Errors of the toolkit. Compare with errors.Is; each maps to an HTTP
// status and a message in Italian or English.
var (
	// ErrSheetNotFound: no sheet with that id is visible to the caller
	// (whether it exists is not said).
	ErrSheetNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.sheet_not_found")
	// ErrRevisionNotFound: the sheet has no such revision visible to the caller.
	ErrRevisionNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.revision_not_found")
	// ErrRevisionState: the revision cannot be reviewed from where it stands
	// (already published, rejected or superseded).
	ErrRevisionState error = httpx.NewProblem(http.StatusConflict, "conflict", "toolkit.revision_state")
	// ErrArchived: the sheet is archived and takes no changes.
	ErrArchived error = httpx.NewProblem(http.StatusConflict, "conflict", "toolkit.archived")
	// ErrStale: the change was written from a revision that is no longer
	// the sheet's current one; read it again and write the change anew.
	ErrStale error = httpx.NewProblem(http.StatusConflict, "conflict", "toolkit.stale")
	// ErrSourceNotFound: no legal source with that id is visible to the
	// caller.
	ErrSourceNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.source_not_found")
	// ErrLanguageNotFound: sheets are not translated into that language
	// (see Languages).
	ErrLanguageNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.language_not_found")
	// ErrTranslationNotFound: the sheet has no translation into that
	// language yet.
	ErrTranslationNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.translation_not_found")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"toolkit.sheet_not_found":        {IT: "Scheda non trovata.", EN: "Sheet not found."},
		"toolkit.revision_not_found":     {IT: "Versione della scheda non trovata.", EN: "Revision of the sheet not found."},
		"toolkit.revision_state":         {IT: "Questa versione è già stata esaminata.", EN: "This revision was already reviewed."},
		"toolkit.archived":               {IT: "La scheda è archiviata.", EN: "The sheet is archived."},
		"toolkit.stale":                  {IT: "La scheda è cambiata mentre scrivevi: riaprila e riporta le tue modifiche.", EN: "The sheet changed while you were writing: open it again and carry your changes over."},
		"toolkit.section_unknown":        {IT: "sezione sconosciuta", EN: "unknown section"},
		"toolkit.section_empty":          {IT: "scrivi almeno la sezione «Cos'è»", EN: "write at least the section “What it is”"},
		"toolkit.too_long":               {IT: "è troppo lungo (al massimo %d caratteri)", EN: "is too long (at most %d characters)"},
		"toolkit.topic_unknown":          {IT: "argomento sconosciuto", EN: "unknown topic"},
		"toolkit.ambito_role":            {IT: "devi avere un ruolo in questo ambito", EN: "you must hold a role in this ambito"},
		"toolkit.date":                   {IT: "deve essere una data AAAA-MM-GG", EN: "must be a date YYYY-MM-DD"},
		"toolkit.state":                  {IT: "stato sconosciuto", EN: "unknown state"},
		"toolkit.control":                {IT: "contiene caratteri non ammessi", EN: "contains characters that are not allowed"},
		"toolkit.source_not_found":       {IT: "Fonte normativa non trovata.", EN: "Legal source not found."},
		"toolkit.language_not_found":     {IT: "Le schede non si traducono in questa lingua.", EN: "Sheets are not translated into this language."},
		"toolkit.translation_not_found":  {IT: "La scheda non ha ancora questa traduzione.", EN: "The sheet has no translation into this language yet."},
		"toolkit.url":                    {IT: "deve essere un indirizzo http:// o https://", EN: "must be an http:// or https:// address"},
		"toolkit.valid_to":               {IT: "non può precedere la data di inizio validità", EN: "cannot come before the day it is valid from"},
		"toolkit.ambito_editor":          {IT: "devi essere redattore di questo ambito", EN: "you must be an editor of this ambito"},
		"toolkit.source_unknown":         {IT: "fonte sconosciuta o di un altro ambito", EN: "unknown source, or another ambito's"},
		"toolkit.owner_role":             {IT: "deve avere un ruolo nell'ambito della scheda", EN: "must hold a role in the sheet's ambito"},
		"toolkit.section_not_in_italian": {IT: "il testo italiano non ha questa sezione", EN: "the Italian text has no such section"},
		"toolkit.diff_same_sheet":        {IT: "le due versioni devono essere della stessa scheda", EN: "both revisions must be of the same sheet"},
	})
}
