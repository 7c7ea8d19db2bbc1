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
