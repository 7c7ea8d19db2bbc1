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
	// ErrTermNotFound: no glossary entry with that id.
	ErrTermNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.term_not_found")
	// ErrSourceNotFound: no legal source with that id is visible to the
	// caller.
	ErrSourceNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.source_not_found")
	// ErrLanguageNotFound: sheets are not translated into that language
	// (see Languages).
	ErrLanguageNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.language_not_found")
	// ErrTranslationNotFound: the sheet has no translation into that
	// language yet.
	ErrTranslationNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.translation_not_found")
	// ErrAttachmentNotFound: the sheet has no such file visible to the
	// caller.
	ErrAttachmentNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "toolkit.attachment_not_found")
	// ErrAttachmentEditors: only the sheet's editors change the files of a
	// published sheet; others attach theirs to a proposed change.
	ErrAttachmentEditors error = httpx.NewProblem(http.StatusForbidden, "forbidden", "toolkit.attachment_editors")
	// ErrFileType: the file's content is not of an accepted type.
	ErrFileType error = httpx.NewProblem(http.StatusUnsupportedMediaType, "unsupported_media_type", "toolkit.file_type")
	// ErrFileTooLarge: the file is larger than Config.MaxAttachment (the
	// message names the limit).
	ErrFileTooLarge error = httpx.NewProblem(http.StatusRequestEntityTooLarge, "too_large", "toolkit.file_too_large")
	// ErrNoPrinter: the toolkit has no Printer (Config.Printer), so it makes
	// no PDF; the handout's page prints from the browser.
	ErrNoPrinter error = httpx.NewProblem(http.StatusServiceUnavailable, "unavailable", "toolkit.no_printer")
	// ErrHandoutLink: the key of a handout link (HandoutLink) is forged,
	// expired, or for another sheet, language or version of the sheet.
	ErrHandoutLink error = httpx.NewProblem(http.StatusForbidden, "forbidden", "toolkit.handout_link")
	// ErrPrintFailed: the Printer did not make the PDF (busy, timed out or
	// failed; the cause is logged).
	ErrPrintFailed error = httpx.NewProblem(http.StatusServiceUnavailable, "unavailable", "toolkit.print_failed")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"toolkit.sheet_not_found":        {IT: "Scheda non trovata.", EN: "Sheet not found."},
		"toolkit.no_printer":             {IT: "Il PDF non è disponibile su questo server: apri la versione da stampare della scheda e stampala dal browser (Stampa, poi Salva come PDF).", EN: "PDF is not available on this server: open the printable handout and print it from the browser (Print, then Save as PDF)."},
		"toolkit.print_failed":           {IT: "Non è stato possibile creare il PDF ora: riprova tra poco, oppure apri la versione da stampare della scheda e stampala dal browser.", EN: "The PDF could not be made now: try again shortly, or open the printable handout and print it from the browser."},
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
		"toolkit.term_not_found":         {IT: "Voce del glossario non trovata.", EN: "Glossary entry not found."},
		"toolkit.language":               {IT: "deve essere un codice di lingua (ISO 639)", EN: "must be a language code (ISO 639)"},
		"toolkit.definition_it":          {IT: "scrivi almeno la definizione in italiano", EN: "write at least the Italian definition"},
		"toolkit.score":                  {IT: "deve essere un voto da 1 a 5", EN: "must be a score from 1 to 5"},
		"toolkit.personal_data":          {IT: "sembra contenere dati personali: toglili, il commento è anonimo", EN: "seems to hold personal data: take it out, the comment is anonymous"},
		"toolkit.search_q":               {IT: "scrivi che cosa cercare (al massimo 200 caratteri)", EN: "write what to look for (at most 200 characters)"},
		"toolkit.control":                {IT: "contiene caratteri non ammessi", EN: "contains characters that are not allowed"},
		"toolkit.diff_same_sheet":        {IT: "le due versioni devono essere della stessa scheda", EN: "both revisions must be of the same sheet"},
		"toolkit.dir_not_found":          {IT: "Voce dell'elenco dei servizi non trovata.", EN: "Entry of the directory of services not found."},
		"toolkit.dir_in_use":             {IT: "L'ente ha ancora servizi o sedi: eliminali o spostali prima.", EN: "The organization still has services or locations: delete or move them first."},
		"toolkit.dir_linked":             {IT: "Il servizio è già collegato a questa sede.", EN: "The service is already linked to this location."},
		"toolkit.dir_editor":             {IT: "devi essere redattore di questo ambito", EN: "you must be an editor of this ambito"},
		"toolkit.dir_ambito":             {IT: "non può cambiare ambito", EN: "cannot change ambito"},
		"toolkit.dir_kind":               {IT: "tipo di servizio sconosciuto", EN: "unknown kind of service"},
		"toolkit.dir_byday":              {IT: "deve elencare giorni come MO,TU,WE", EN: "must list days such as MO,TU,WE"},
		"toolkit.dir_time":               {IT: "deve essere un orario OO:MM", EN: "must be a time HH:MM"},
		"toolkit.dir_hours":              {IT: "l'orario di chiusura deve seguire quello di apertura", EN: "the closing time must follow the opening time"},
		"toolkit.dir_valid_to":           {IT: "deve seguire l'inizio della validità", EN: "must follow the start of validity"},
		"toolkit.dir_coordinates":        {IT: "latitudine e longitudine vanno insieme", EN: "latitude and longitude go together"},
		"toolkit.dir_address":            {IT: "una sede fisica ha un indirizzo", EN: "a physical location has an address"},
		"toolkit.dir_comune":             {IT: "non è un comune dell'ambito (%s)", EN: "is not a comune of the ambito (%s)"},
		"toolkit.dir_uuid":               {IT: "deve essere un UUID", EN: "must be a UUID"},
		"toolkit.dir_proximity":          {IT: "lat, lon e radius_km vanno insieme (raggio da 0 a 500 km)", EN: "lat, lon and radius_km go together (radius from 0 to 500 km)"},
		"toolkit.dir_number":             {IT: "deve essere un numero", EN: "must be a number"},
		"toolkit.dir_language":           {IT: "deve essere un codice di lingua ISO 639 (come ar)", EN: "must be an ISO 639 language code (such as ar)"},
		"toolkit.dir_required":           {IT: "è obbligatorio", EN: "is required"},
		"toolkit.dir_duplicate":          {IT: "è già usato in %s", EN: "is already used at %s"},
		"toolkit.dir_parent":             {IT: "deve essere quello dell'elemento che lo contiene", EN: "must be the one of the entry that holds it"},
		"toolkit.dir_term":               {IT: "termine di tassonomia sconosciuto", EN: "unknown taxonomy term"},
		"toolkit.dir_timezone":           {IT: "gli orari sono in ora italiana: il fuso è 1 (ora solare) o 2 (ora legale)", EN: "times are Italian times: the offset is 1 (winter) or 2 (summer)"},
		"toolkit.dir_one_address":        {IT: "una sede ha un solo indirizzo", EN: "a location has one address"},
		"toolkit.dir_other_ambito":       {IT: "appartiene a un altro ambito", EN: "belongs to another ambito"},
		"toolkit.source_not_found":       {IT: "Fonte normativa non trovata.", EN: "Legal source not found."},
		"toolkit.language_not_found":     {IT: "Le schede non si traducono in questa lingua.", EN: "Sheets are not translated into this language."},
		"toolkit.translation_not_found":  {IT: "La scheda non ha ancora questa traduzione.", EN: "The sheet has no translation into this language yet."},
		"toolkit.url":                    {IT: "deve essere un indirizzo http:// o https://", EN: "must be an http:// or https:// address"},
		"toolkit.valid_to":               {IT: "non può precedere la data di inizio validità", EN: "cannot come before the day it is valid from"},
		"toolkit.ambito_editor":          {IT: "devi essere redattore di questo ambito", EN: "you must be an editor of this ambito"},
		"toolkit.source_unknown":         {IT: "fonte sconosciuta o di un altro ambito", EN: "unknown source, or another ambito's"},
		"toolkit.owner_role":             {IT: "deve avere un ruolo nell'ambito della scheda", EN: "must hold a role in the sheet's ambito"},
		"toolkit.section_not_in_italian": {IT: "il testo italiano non ha questa sezione", EN: "the Italian text has no such section"},
		"toolkit.attachment_not_found":   {IT: "Allegato non trovato.", EN: "Attachment not found."},
		"toolkit.attachment_editors":     {IT: "Solo i redattori della scheda cambiano gli allegati di una scheda pubblicata: allega il file alla tua proposta di modifica.", EN: "Only the sheet's editors change the attachments of a published sheet: attach the file to your proposed change."},
		"toolkit.file_type":              {IT: "Tipo di file non ammesso: sono ammessi PDF, documenti e fogli di calcolo OpenDocument, Word ed Excel, testo, CSV e immagini PNG o JPEG.", EN: "File type not allowed: PDF, OpenDocument, Word and Excel documents and spreadsheets, text, CSV and PNG or JPEG images are."},
		"toolkit.file_too_large":         {IT: "Il file è troppo grande: al massimo %s.", EN: "The file is too large: at most %s."},
		"toolkit.handout_link":           {IT: "Il collegamento alla scheda da stampare non è valido o è scaduto: riapri la scheda e scegli di nuovo «Stampa».", EN: "The link to the printable sheet is not valid or has expired: open the sheet again and choose “Print” again."},
		"toolkit.file_empty":             {IT: "il file è vuoto o manca", EN: "the file is empty or missing"},
	})
}
