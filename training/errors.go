package training

import (
	"net/http"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
)

// Errors of the training module. Compare with errors.Is; each maps to an
// HTTP status and a message in Italian or English.
var (
	// ErrCourseNotFound: no course with that id is visible to the caller
	// (whether it exists is not said).
	ErrCourseNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.course_not_found")
	// ErrEditionNotFound: no edition with that id is visible to the caller.
	ErrEditionNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.edition_not_found")
	// ErrEnrolmentNotFound: no enrolment with that id is the caller's to
	// act on.
	ErrEnrolmentNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.enrolment_not_found")
	// ErrEnrolmentClosed: the edition's enrolment window is not open.
	ErrEnrolmentClosed error = httpx.NewProblem(http.StatusConflict, "conflict", "training.enrolment_closed")
	// ErrEditionCancelled: the edition was cancelled.
	ErrEditionCancelled error = httpx.NewProblem(http.StatusConflict, "conflict", "training.edition_cancelled")
	// ErrAlreadyEnrolled: the caller already holds a seat or a place on the
	// waiting list of the edition.
	ErrAlreadyEnrolled error = httpx.NewProblem(http.StatusConflict, "conflict", "training.already_enrolled")
	// ErrNotAudience: the course is not for the caller's roles or ambiti.
	ErrNotAudience error = httpx.NewProblem(http.StatusForbidden, "forbidden", "training.not_audience_any")
	// ErrEnrolmentState: the enrolment cannot make that step from where it
	// stands (accepting what was not offered, approving what is confirmed…).
	ErrEnrolmentState error = httpx.NewProblem(http.StatusConflict, "conflict", "training.enrolment_state")
	// ErrCancelClosed: the edition's cancellation deadline has passed.
	ErrCancelClosed error = httpx.NewProblem(http.StatusConflict, "conflict", "training.cancel_closed")
	// ErrOfferLapsed: the seat offered was not taken in time and passed on.
	ErrOfferLapsed error = httpx.NewProblem(http.StatusConflict, "conflict", "training.offer_lapsed")
	// ErrSeatsHeld: the change of capacity or quotas leaves no seat for
	// someone who holds one.
	ErrSeatsHeld error = httpx.NewProblem(http.StatusConflict, "conflict", "training.seats_held")
	// ErrFileNotFound: the course has no file with that id.
	ErrFileNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.file_not_found")
	// ErrFileType: the file's content is not of an accepted type.
	ErrFileType error = httpx.NewProblem(http.StatusUnsupportedMediaType, "unsupported_media_type", "training.file_type")
	// ErrFileTooLarge: the file is larger than Config.MaxFile (the message
	// names the limit).
	ErrFileTooLarge error = httpx.NewProblem(http.StatusRequestEntityTooLarge, "too_large", "training.file_too_large")
	// ErrCalendarLink: the calendar feed's link is forged or broken.
	ErrCalendarLink error = httpx.NewProblem(http.StatusForbidden, "forbidden", "training.calendar_link")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"training.course_not_found":    {IT: "Corso non trovato.", EN: "Course not found."},
		"training.edition_not_found":   {IT: "Edizione non trovata.", EN: "Edition not found."},
		"training.enrolment_not_found": {IT: "Iscrizione non trovata.", EN: "Enrolment not found."},
		"training.enrolment_closed":    {IT: "Le iscrizioni a questa edizione non sono aperte.", EN: "Enrolment in this edition is not open."},
		"training.edition_cancelled":   {IT: "Questa edizione è stata annullata.", EN: "This edition was cancelled."},
		"training.already_enrolled":    {IT: "Sei già iscritto a questa edizione o in lista d'attesa.", EN: "You are already enrolled in this edition or on its waiting list."},
		"training.not_audience_any":    {IT: "Il corso non è rivolto al tuo ruolo o al tuo ambito.", EN: "The course is not meant for your role or ambito."},
		"training.enrolment_state":     {IT: "L'iscrizione non può fare questo passaggio dallo stato in cui si trova.", EN: "The enrolment cannot take this step from where it stands."},
		"training.cancel_closed":       {IT: "Il termine per annullare l'iscrizione è passato: scrivi al coordinatore del corso.", EN: "The deadline to cancel has passed: write to the course's coordinator."},
		"training.offer_lapsed":        {IT: "Il posto offerto è scaduto ed è passato al prossimo in lista.", EN: "The seat offered has lapsed and passed on to the next person."},
		"training.seats_held":          {IT: "Con questi posti e queste quote qualcuno che ha già un posto resterebbe fuori: annulla prima qualche iscrizione.", EN: "With these seats and quotas someone who holds a seat would be left out: cancel some enrolments first."},
		"training.calendar_link":       {IT: "Il collegamento al calendario non è valido: copialo di nuovo dalla pagina della formazione.", EN: "The calendar link is not valid: copy it again from the training page."},
		"training.file_not_found":      {IT: "File non trovato.", EN: "File not found."},
		"training.file_type":           {IT: "Questo tipo di file non è accettato: carica un PDF, un documento, un foglio di calcolo, una presentazione, un testo o un'immagine PNG o JPEG.", EN: "This kind of file is not accepted: upload a PDF, a document, a spreadsheet, a presentation, a text or a PNG or JPEG image."},
		"training.file_too_large":      {IT: "Il file è troppo grande: al massimo %s.", EN: "The file is too large: at most %s."},
		"training.file_empty":          {IT: "scegli un file non vuoto", EN: "choose a file that is not empty"},
		"training.topic_unknown":       {IT: "argomento sconosciuto", EN: "unknown topic"},
		"training.material":            {IT: "indica un indirizzo oppure una scheda del toolkit", EN: "give an address or a toolkit sheet"},
		"training.url":                 {IT: "deve essere un indirizzo http:// o https://", EN: "must be an http:// or https:// address"},
		"training.trainer_role":        {IT: "deve essere un formatore dell'ambito del corso", EN: "must be a trainer of the course's ambito"},
		"training.ambito_fixed":        {IT: "un corso non cambia ambito", EN: "a course does not change ambito"},
		"training.too_many_meetings":   {IT: "al massimo %d incontri", EN: "at most %d meetings"},
		"training.timezone":            {IT: "gli orari sono in ora italiana: il fuso è +01:00 (ora solare) o +02:00 (ora legale)", EN: "times are Italian times: the offset is +01:00 (winter) or +02:00 (summer)"},
		"training.meeting_end":         {IT: "la fine deve seguire l'inizio, al massimo di 12 ore", EN: "the end must follow the start, by at most 12 hours"},
		"training.place":               {IT: "indica il luogo o il collegamento video", EN: "give the place or the video link"},
		"training.enrol_until":         {IT: "la chiusura delle iscrizioni deve seguire l'apertura", EN: "the close of enrolment must follow its opening"},
		"training.quota_empty":         {IT: "una quota riserva posti a un ruolo, a un ambito o a entrambi", EN: "a quota reserves seats for a role, an ambito or both"},
		"training.quota_ambito":        {IT: "un corso d'ambito riserva posti solo al proprio ambito", EN: "an ambito's course reserves seats only for its own ambito"},
		"training.ambito_unknown":      {IT: "ambito sconosciuto", EN: "unknown ambito"},
		"training.quotas_capacity":     {IT: "le quote riservano più posti dei %d disponibili", EN: "the quotas reserve more seats than the %d available"},
		"training.meeting_unknown":     {IT: "incontro sconosciuto in questa edizione", EN: "unknown meeting of this edition"},
		"training.not_audience":        {IT: "non hai in questo ambito un ruolo a cui il corso è rivolto", EN: "you hold no role the course is meant for in this ambito"},
		"training.status":              {IT: "stato sconosciuto", EN: "unknown status"},
	})
}

// Errors of the surveys and needs.
var (
	// ErrSurveyNotFound: no survey with that id is visible to the caller.
	ErrSurveyNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.survey_not_found")
	// ErrSurveyFrozen: the survey is published, so it cannot change.
	ErrSurveyFrozen error = httpx.NewProblem(http.StatusConflict, "conflict", "training.survey_frozen")
	// ErrSurveyNotOpen: the survey does not take answers yet.
	ErrSurveyNotOpen error = httpx.NewProblem(http.StatusConflict, "conflict", "training.survey_not_open")
	// ErrSurveyClosed: the survey took answers until its closing time.
	ErrSurveyClosed error = httpx.NewProblem(http.StatusConflict, "conflict", "training.survey_closed")
	// ErrAlreadyAnswered: the caller has answered this survey already.
	ErrAlreadyAnswered error = httpx.NewProblem(http.StatusConflict, "conflict", "training.survey_answered")
	// ErrNotInAudience: the survey is not addressed to the caller's roles
	// and ambiti.
	ErrNotInAudience error = httpx.NewProblem(http.StatusForbidden, "forbidden", "training.survey_audience")
	// ErrNeedNotFound: no need with that id is visible to the caller.
	ErrNeedNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.need_not_found")
	// ErrNeedExists: that option of that question is a need already.
	ErrNeedExists error = httpx.NewProblem(http.StatusConflict, "conflict", "training.need_exists")
)

// Errors of attendance, certificates and reports.
var (
	// ErrMeetingNotFound: the edition has no meeting with that id.
	ErrMeetingNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.meeting_not_found")
	// ErrRegisterNotOpen: the meeting's register opens 15 minutes before
	// it starts.
	ErrRegisterNotOpen error = httpx.NewProblem(http.StatusConflict, "conflict", "training.register_not_open")
	// ErrMeetingNotOver: a register is closed once its meeting has ended.
	ErrMeetingNotOver error = httpx.NewProblem(http.StatusConflict, "conflict", "training.meeting_not_over")
	// ErrRegisterClosed: the meeting's register is closed.
	ErrRegisterClosed error = httpx.NewProblem(http.StatusConflict, "conflict", "training.register_closed")
	// ErrCheckinClosed: check-in is open from 15 minutes before a meeting
	// starts to its end.
	ErrCheckinClosed error = httpx.NewProblem(http.StatusConflict, "conflict", "training.checkin_closed")
	// ErrCheckinCode: the check-in code is forged or broken.
	ErrCheckinCode error = httpx.NewProblem(http.StatusForbidden, "forbidden", "training.checkin_code")
	// ErrCheckinExpired: the check-in code is no longer current.
	ErrCheckinExpired error = httpx.NewProblem(http.StatusConflict, "conflict", "training.checkin_expired")
	// ErrNotSeated: the caller holds no confirmed seat in the edition.
	ErrNotSeated error = httpx.NewProblem(http.StatusForbidden, "forbidden", "training.not_seated_any")
	// ErrEditionNotOver: certificates are issued once the edition's last
	// meeting has ended.
	ErrEditionNotOver error = httpx.NewProblem(http.StatusConflict, "conflict", "training.edition_not_over")
	// ErrCertificateNotFound: no certificate with that id or code is the
	// caller's to see.
	ErrCertificateNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "training.certificate_not_found")
	// ErrCertificateRevoked: the certificate was revoked.
	ErrCertificateRevoked error = httpx.NewProblem(http.StatusConflict, "conflict", "training.certificate_revoked")
	// ErrNoPrinter: the module has no Printer (Config.Printer), so it
	// makes no PDF.
	ErrNoPrinter error = httpx.NewProblem(http.StatusServiceUnavailable, "unavailable", "training.no_printer")
	// ErrPrintFailed: the Printer did not make the PDF (the cause is
	// logged).
	ErrPrintFailed error = httpx.NewProblem(http.StatusServiceUnavailable, "unavailable", "training.print_failed")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"training.survey_not_found": {IT: "Questionario non trovato.", EN: "Survey not found."},
		"training.survey_frozen":    {IT: "Il questionario è pubblicato e non si può più modificare.", EN: "The survey is published and can no longer be changed."},
		"training.survey_not_open":  {IT: "Il questionario non è ancora aperto alle risposte.", EN: "The survey is not open for answers yet."},
		"training.survey_closed":    {IT: "Il questionario è chiuso: non accetta più risposte.", EN: "The survey is closed: it takes no more answers."},
		"training.survey_answered":  {IT: "Hai già risposto a questo questionario.", EN: "You have already answered this survey."},
		"training.survey_audience":  {IT: "Questo questionario non è rivolto al tuo ruolo o al tuo ambito.", EN: "This survey is not addressed to your role or ambito."},
		"training.need_not_found":   {IT: "Fabbisogno non trovato.", EN: "Need not found."},
		"training.need_exists":      {IT: "Questo fabbisogno esiste già.", EN: "This need exists already."},

		"training.survey.ambito_required":   {IT: "Indica l'ambito del questionario.", EN: "Say which ambito the survey belongs to."},
		"training.survey.ambito_fixed":      {IT: "L'ambito di un questionario non si può cambiare.", EN: "The ambito of a survey cannot change."},
		"training.survey.ambito_unknown":    {IT: "L'ambito «%s» non esiste.", EN: "There is no ambito «%s»."},
		"training.survey.audience_own":      {IT: "Il questionario di un ambito si rivolge solo a quell'ambito.", EN: "An ambito's survey is addressed to that ambito only."},
		"training.survey.audience_required": {IT: "Scegli almeno un ambito a cui rivolgere il questionario.", EN: "Choose at least one ambito to address the survey to."},
		"training.survey.closes_past":       {IT: "La data di chiusura è già passata: spostala in avanti prima di pubblicare.", EN: "The closing date has passed: move it forward before publishing."},
		"training.survey.state_invalid":     {IT: "Lo stato deve essere draft o published.", EN: "The state must be draft or published."},
		"training.question.no_options":      {IT: "Domanda %d: solo le domande a scelta hanno opzioni.", EN: "Question %d: only choice questions have options."},
		"training.question.no_labels":       {IT: "Domanda %d: solo le scale Likert hanno etichette.", EN: "Question %d: only Likert scales have labels."},
		"training.question.no_topics":       {IT: "Domanda %d: solo le classifiche hanno argomenti.", EN: "Question %d: only rankings have topics."},
		"training.question.no_max_length":   {IT: "Domanda %d: solo il testo libero ha una lunghezza massima.", EN: "Question %d: only free text has a maximum length."},
		"training.question.options":         {IT: "Domanda %d: servono almeno due opzioni, tutte diverse.", EN: "Question %d: give at least two options, all different."},
		"training.question.labels":          {IT: "Domanda %d: una scala Likert ha cinque etichette, da 1 a 5.", EN: "Question %d: a Likert scale has five labels, 1 to 5."},
		"training.question.topics":          {IT: "Domanda %d: servono almeno due argomenti, tutti diversi.", EN: "Question %d: give at least two topics, all different."},
		"training.question.topic_unknown":   {IT: "Domanda %d: l'argomento «%s» non esiste.", EN: "Question %d: there is no topic «%s»."},

		"training.answer.twice":        {IT: "La stessa domanda ha più di una risposta.", EN: "The same question is answered more than once."},
		"training.answer.no_question":  {IT: "Questa domanda non fa parte del questionario.", EN: "This question is not part of the survey."},
		"training.answer.kind":         {IT: "«%s»: la risposta non è del tipo che la domanda chiede.", EN: "«%s»: the answer is not of the kind the question asks for."},
		"training.answer.required":     {IT: "«%s»: la risposta è obbligatoria.", EN: "«%s»: an answer is required."},
		"training.answer.choice":       {IT: "«%s»: scegli una delle opzioni (da 0 a %d).", EN: "«%s»: choose one of the options (0 to %d)."},
		"training.answer.choices":      {IT: "«%s»: scegli opzioni diverse tra quelle date (da 0 a %d).", EN: "«%s»: choose different options among those given (0 to %d)."},
		"training.answer.scale":        {IT: "«%s»: la risposta va da 1 a 5.", EN: "«%s»: the answer goes from 1 to 5."},
		"training.answer.ranking":      {IT: "«%s»: metti in ordine tutti gli argomenti, ciascuno una volta.", EN: "«%s»: put all the topics in order, each once."},
		"training.answer.text_long":    {IT: "«%s»: il testo supera i %d caratteri.", EN: "«%s»: the text is longer than %d characters."},
		"training.answer.text_control": {IT: "«%s»: il testo contiene caratteri non ammessi.", EN: "«%s»: the text holds characters that are not allowed."},

		"training.need.option":           {IT: "Fabbisogno %d: l'opzione «%s» non esiste in quella domanda.", EN: "Need %d: the question has no option «%s»."},
		"training.need.twice":            {IT: "Fabbisogno %d: la stessa opzione compare due volte.", EN: "Need %d: the same option appears twice."},
		"training.need.covered":          {IT: "Il filtro covered deve essere true o false.", EN: "The covered filter must be true or false."},
		"training.need.evaluation":       {IT: "I fabbisogni si ricavano dai questionari sui fabbisogni, non dalle valutazioni.", EN: "Needs come from needs surveys, not from evaluations."},
		"training.meeting_not_found":     {IT: "Incontro non trovato.", EN: "Meeting not found."},
		"training.register_not_open":     {IT: "Il registro non è ancora aperto: si apre 15 minuti prima dell'incontro.", EN: "The register is not open yet: it opens 15 minutes before the meeting."},
		"training.meeting_not_over":      {IT: "Il registro si chiude dopo la fine dell'incontro.", EN: "The register is closed after the meeting ends."},
		"training.register_closed":       {IT: "Il registro di questo incontro è chiuso.", EN: "This meeting's register is closed."},
		"training.checkin_closed":        {IT: "La registrazione della presenza è aperta da 15 minuti prima dell'inizio alla fine dell'incontro.", EN: "Check-in is open from 15 minutes before the meeting starts until it ends."},
		"training.checkin_code":          {IT: "Il codice di registrazione non è valido: inquadra di nuovo il codice QR mostrato dal formatore.", EN: "The check-in code is not valid: scan the QR code the trainer shows again."},
		"training.checkin_expired":       {IT: "Il codice di registrazione è scaduto: inquadra il codice QR aggiornato mostrato dal formatore.", EN: "The check-in code has expired: scan the current QR code the trainer shows."},
		"training.not_seated_any":        {IT: "Non hai un posto confermato in questa edizione.", EN: "You hold no confirmed seat in this edition."},
		"training.not_seated":            {IT: "non ha un posto confermato in questa edizione", EN: "holds no confirmed seat in this edition"},
		"training.partial_minutes":       {IT: "per una presenza parziale indica i minuti, più di 0 e meno di %d", EN: "for a partial presence give the minutes, more than 0 and fewer than %d"},
		"training.edition_not_over":      {IT: "Gli attestati si rilasciano dopo la fine dell'ultimo incontro.", EN: "Certificates are issued after the last meeting has ended."},
		"training.certificate_not_found": {IT: "Attestato non trovato.", EN: "Certificate not found."},
		"training.certificate_revoked":   {IT: "Questo attestato è stato revocato.", EN: "This certificate was revoked."},
		"training.no_printer":            {IT: "Il PDF non è disponibile su questo servizio.", EN: "PDF is not available on this service."},
		"training.print_failed":          {IT: "Il PDF non è pronto in questo momento: riprova tra poco.", EN: "The PDF could not be made right now: try again shortly."},
		"training.year":                  {IT: "anno non valido", EN: "invalid year"},
		"training.meeting_registered":    {IT: "un incontro con presenze registrate non si sposta né si toglie", EN: "a meeting with attendance recorded is neither moved nor removed"},
		"training.format":                {IT: "formato sconosciuto: json o csv", EN: "unknown format: json or csv"},
	})
}

// Messages of the evaluations (evaluations.go).
func init() {
	i18n.Register(map[string]i18n.Text{
		"training.survey.kind_fixed":        {IT: "Il tipo di un questionario e la sua edizione non si possono cambiare.", EN: "The kind of a survey and its edition cannot change."},
		"training.survey.roles_required":    {IT: "Scegli almeno un ruolo a cui rivolgere il questionario.", EN: "Choose at least one role to address the survey to."},
		"training.survey.opens_required":    {IT: "Indica quando si apre il questionario.", EN: "Say when the survey opens."},
		"training.survey.edition_needs":     {IT: "Solo una valutazione riguarda un'edizione: usa il tipo evaluation.", EN: "Only an evaluation is about an edition: use the kind evaluation."},
		"training.question.need_evaluation": {IT: "Domanda %d: solo le domande di una valutazione misurano un fabbisogno.", EN: "Question %d: only an evaluation's questions measure a need."},
		"training.question.need_kind":       {IT: "Domanda %d: un fabbisogno si misura con una scala Likert o una domanda a scelta.", EN: "Question %d: a need is measured by a Likert scale or a choice question."},
		"training.question.need_linked":     {IT: "Domanda %d: il fabbisogno non è tra quelli a cui il corso risponde.", EN: "Question %d: the need is not one the course is linked to."},
		"training.evaluation.edition":       {IT: "Indica l'edizione che la valutazione riguarda.", EN: "Say which edition the evaluation is about."},
		"training.evaluation.ambito":        {IT: "La valutazione appartiene all'ambito del corso.", EN: "The evaluation belongs to the course's ambito."},
		"training.evaluation.audience":      {IT: "Una valutazione si rivolge a chi aveva un posto confermato nell'edizione: non indicare ambiti né ruoli.", EN: "An evaluation is addressed to the edition's confirmed participants: give no ambiti or roles."},
		"training.evaluation.opens":         {IT: "La valutazione si apre alla fine dell'ultimo incontro (%s) o più tardi.", EN: "The evaluation opens at the end of the last meeting (%s) or later."},
		"training.evaluation.closes":        {IT: "La chiusura deve seguire l'apertura della valutazione.", EN: "The close must follow the evaluation's opening."},
	})
}
