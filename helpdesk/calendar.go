package helpdesk

import "github.com/incrocicomuni/incroci/internal/workcal"

// defaultCalendar is the Italian working calendar with its default hours.
func defaultCalendar() (Calendar, error) {
	return workcal.New(workcal.Config{})
}
