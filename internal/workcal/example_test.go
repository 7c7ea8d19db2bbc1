package workcal_test

import (
	"fmt"
	"log"
	"time"

	"github.com/incrocicomuni/incroci/internal/workcal"
)

// A consultation opened on the Friday before Easter 2026 at 16:00 with a
// first-response target of 8 working hours is due on Tuesday: Easter Monday
// is a national holiday.
func ExampleCalendar_Add() {
	cal, err := workcal.New(workcal.Config{})
	if err != nil {
		log.Fatal(err)
	}
	opened := time.Date(2026, time.April, 3, 16, 0, 0, 0, cal.Location())
	fmt.Println(cal.Add(opened, 8*time.Hour).Format("Mon 2006-01-02 15:04"))
	// Output: Tue 2026-04-07 17:00
}

// Between measures the working time a consultation waited for its first
// answer: the weekend and the lunch break do not count.
func ExampleCalendar_Between() {
	cal, err := workcal.New(workcal.Config{})
	if err != nil {
		log.Fatal(err)
	}
	opened := time.Date(2026, time.March, 6, 16, 30, 0, 0, cal.Location()) // Friday
	answered := time.Date(2026, time.March, 9, 14, 15, 0, 0, cal.Location())
	fmt.Println(cal.Between(opened, answered))
	// Output: 4h45m0s
}

// Next tells when the office opens after a message that arrives at lunch.
func ExampleCalendar_Next() {
	cal, err := workcal.New(workcal.Config{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cal.Next(time.Date(2026, time.March, 9, 13, 20, 0, 0, cal.Location())).Format("15:04"))
	// Output: 14:00
}

// An office in Milan closes for its patron saint, Sant'Ambrogio, and keeps a
// short Wednesday.
func ExampleNew() {
	cal, err := workcal.New(workcal.Config{
		Closed: []workcal.Date{{Year: 2026, Month: time.December, Day: 7}},
		Weekdays: map[time.Weekday][]workcal.Interval{
			time.Wednesday: {{Start: 9 * time.Hour, End: 12 * time.Hour}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	monday := time.Date(2026, time.December, 7, 10, 0, 0, 0, cal.Location())
	fmt.Println(cal.IsWorkingDay(monday))
	fmt.Println(cal.Next(monday).Format("Mon 02 15:04"))

	_, err = workcal.New(workcal.Config{Hours: []workcal.Interval{{Start: 14 * time.Hour, End: 9 * time.Hour}}})
	fmt.Println(err)
	// Output:
	// false
	// Wed 09 09:00
	// workcal: Hours[0] 14:00–09:00 does not start before it ends: workcal: invalid configuration
}

func ExampleHolidays() {
	for _, h := range workcal.Holidays(2026)[2:4] {
		fmt.Println(h.Date, h.Name)
	}
	// Output:
	// 2026-04-05 Pasqua
	// 2026-04-06 Lunedì dell'Angelo (Pasquetta)
}

func ExampleParseInterval() {
	iv, err := workcal.ParseInterval("14:00-17:30")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(iv, iv.End-iv.Start)
	// Output: 14:00–17:30 3h30m0s
}
