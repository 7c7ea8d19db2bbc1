package events_test

import (
	"context"
	"fmt"
	"os"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci/events"
)

func ExampleNewMemory() {
	ctx := context.Background()
	bus := events.NewMemory(events.Options{})
	defer bus.Close()

	sub, _ := bus.Subscribe(ctx, "consultation:42")
	e, _ := bus.Publish(ctx, "consultation:42", "message.created", map[string]string{"text": "Buongiorno"})
	got := <-sub
	fmt.Println(got.ID == e.ID, got.Type, string(got.Data))

	// A client that saw nothing yet catches up.
	missed, _ := bus.Since(ctx, "consultation:42", 0, 100)
	fmt.Println(len(missed))
	// Output:
	// true message.created {"text":"Buongiorno"}
	// 1
}

func ExampleNewPostgres() {
	var db *gorm.DB // opened on PostgreSQL, e.g. with incroci.OpenDB
	if db == nil {
		return
	}
	ctx := context.Background()
	bus, err := events.NewPostgres(ctx, db, events.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer bus.Close()

	// Publish with the change it announces: no commit, no event.
	err = db.Transaction(func(tx *gorm.DB) error {
		// … insert the message …
		_, err := bus.PublishTx(ctx, tx, "consultation:42", "message.created", map[string]int64{"id": 7})
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
