package helpdesk_test

import (
	"testing"
	"time"
)

func TestDeadlineReminders(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator") // permit expiring on 15 December 2026
		updated := func() time.Time {
			var at time.Time
			if err := e.db.Table("incroci_helpdesk_consultations").Select("updated_at").Where("id = ?", id).Scan(&at).Error; err != nil {
				t.Fatal(err)
			}
			return at
		}
		opened := updated()
		if n, err := e.hd.Remind(e.ctx); err != nil || n != 0 {
			t.Fatalf("a month ahead: %d reminders, %v", n, err)
		}
		e.clock.Add(30 * 24 * time.Hour) // 9 December: within the week
		if n, err := e.hd.Remind(e.ctx); err != nil || n != 1 {
			t.Fatalf("a week ahead: %d reminders, %v", n, err)
		}
		if n, _ := e.hd.Remind(e.ctx); n != 0 {
			t.Fatal("the same stage twice")
		}
		// A reminder is not activity: idle closing still counts from before it.
		if at := updated(); !at.Equal(opened) {
			t.Errorf("a reminder moved updated_at from %v to %v", opened, at)
		}
		m := e.waitMail("operatore@comune.lodi.it", "scadenza il 15/12/2026")
		if len(m.Text) == 0 {
			t.Fatal("empty reminder")
		}
		e.clock.Add(5*24*time.Hour + 12*time.Hour) // 14 December, evening
		if n, err := e.hd.Remind(e.ctx); err != nil || n != 1 {
			t.Fatalf("the day before: %d reminders, %v", n, err)
		}
	})
}
