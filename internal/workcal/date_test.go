package workcal

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1961, "1961-04-02"},
		{2000, "2000-04-23"},
		{2008, "2008-03-23"},
		{2011, "2011-04-24"},
		{2019, "2019-04-21"},
		{2024, "2024-03-31"},
		{2025, "2025-04-20"},
		{2026, "2026-04-05"},
		{2027, "2027-03-28"},
		{2038, "2038-04-25"},
		{2285, "2285-03-22"}, // earliest possible date
		{2100, "2100-03-28"},
	}
	for _, tt := range tests {
		if got := Easter(tt.year).String(); got != tt.want {
			t.Errorf("Easter(%d) = %s, want %s", tt.year, got, tt.want)
		}
	}
}

func TestHolidays(t *testing.T) {
	want2026 := []string{
		"2026-01-01 Capodanno",
		"2026-01-06 Epifania",
		"2026-04-05 Pasqua",
		"2026-04-06 Lunedì dell'Angelo (Pasquetta)",
		"2026-04-25 Festa della Liberazione",
		"2026-05-01 Festa del Lavoro",
		"2026-06-02 Festa della Repubblica",
		"2026-08-15 Assunzione di Maria Vergine (Ferragosto)",
		"2026-10-04 San Francesco d'Assisi",
		"2026-11-01 Ognissanti",
		"2026-12-08 Immacolata Concezione",
		"2026-12-25 Natale",
		"2026-12-26 Santo Stefano",
	}
	tests := []struct {
		year int
		want []string
	}{
		{2026, want2026},
		{2025, []string{
			"2025-01-01 Capodanno",
			"2025-01-06 Epifania",
			"2025-04-20 Pasqua",
			"2025-04-21 Lunedì dell'Angelo (Pasquetta)",
			"2025-04-25 Festa della Liberazione",
			"2025-05-01 Festa del Lavoro",
			"2025-06-02 Festa della Repubblica",
			"2025-08-15 Assunzione di Maria Vergine (Ferragosto)",
			"2025-11-01 Ognissanti",
			"2025-12-08 Immacolata Concezione",
			"2025-12-25 Natale",
			"2025-12-26 Santo Stefano",
		}},
	}
	for _, tt := range tests {
		hs := Holidays(tt.year)
		if len(hs) != len(tt.want) {
			t.Fatalf("Holidays(%d) has %d entries, want %d: %v", tt.year, len(hs), len(tt.want), hs)
		}
		for i, h := range hs {
			if got := h.Date.String() + " " + h.Name; got != tt.want[i] {
				t.Errorf("Holidays(%d)[%d] = %q, want %q", tt.year, i, got, tt.want[i])
			}
			if name, ok := IsHoliday(h.Date); !ok || (name != h.Name && h.Date != Easter(tt.year)) {
				t.Errorf("IsHoliday(%s) = %q, %v; want %q, true", h.Date, name, ok, h.Name)
			}
		}
	}

	// 2038: Easter Sunday is 25 April; both holidays are listed, Easter first.
	hs := Holidays(2038)
	if len(hs) != 13 || hs[2].Name != "Pasqua" || hs[3].Name != "Festa della Liberazione" || hs[2].Date != hs[3].Date {
		t.Errorf("Holidays(2038)[2:4] = %v, want Pasqua and Liberazione on 2038-04-25", hs[2:4])
	}
}

func TestIsHoliday(t *testing.T) {
	tests := []struct {
		d    Date
		want bool
	}{
		{Date{2025, time.October, 4}, false}, // San Francesco not yet a holiday
		{Date{2026, time.October, 4}, true},
		{Date{2027, time.October, 4}, true},
		{Date{2026, time.April, 6}, true},  // Easter Monday
		{Date{2026, time.April, 7}, false}, // Tuesday after
		{Date{2027, time.March, 29}, true}, // Easter Monday in March
		{Date{2026, time.December, 7}, false},
		{Date{2026, time.August, 15}, true},
	}
	for _, tt := range tests {
		if _, got := IsHoliday(tt.d); got != tt.want {
			t.Errorf("IsHoliday(%s) = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		d     Date
		valid bool
	}{
		{Date{2026, time.February, 28}, true},
		{Date{2026, time.February, 29}, false},
		{Date{2028, time.February, 29}, true},
		{Date{2026, 13, 1}, false},
		{Date{2026, time.April, 0}, false},
		{Date{}, false},
	}
	for _, tt := range tests {
		if got := tt.d.Valid(); got != tt.valid {
			t.Errorf("%v.Valid() = %v, want %v", tt.d, got, tt.valid)
		}
	}
	if got := (Date{2026, time.December, 31}).AddDays(1); got != (Date{2027, time.January, 1}) {
		t.Errorf("AddDays(1) over the new year = %s", got)
	}
	if got := (Date{2026, time.March, 29}).Weekday(); got != time.Sunday {
		t.Errorf("2026-03-29 is %s, want Sunday", got)
	}
}
