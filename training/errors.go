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
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"training.course_not_found":  {IT: "Corso non trovato.", EN: "Course not found."},
		"training.edition_not_found": {IT: "Edizione non trovata.", EN: "Edition not found."},
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

		"training.need.option":  {IT: "Fabbisogno %d: l'opzione «%s» non esiste in quella domanda.", EN: "Need %d: the question has no option «%s»."},
		"training.need.twice":   {IT: "Fabbisogno %d: la stessa opzione compare due volte.", EN: "Need %d: the same option appears twice."},
		"training.need.covered": {IT: "Il filtro covered deve essere true o false.", EN: "The covered filter must be true or false."},
	})
}
