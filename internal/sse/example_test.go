package sse_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/incrocicomuni/incroci/events"
	"github.com/incrocicomuni/incroci/internal/sse"
)

func ExampleServe() {
	bus := events.NewMemory(events.Options{})
	defer bus.Close()
	ctx := context.Background()
	first, _ := bus.Publish(ctx, "consultation:42", "message.created", map[string]string{"text": "Buongiorno"})
	bus.Publish(ctx, "consultation:42", "message.read", map[string]int{"upTo": 1})

	// A handler streams one topic; with gin: sse.Serve(c.Request.Context(), c.Writer, c.Request, …).
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sse.Serve(r.Context(), w, r, bus, "consultation:42", sse.Options{})
	}))
	defer srv.Close()

	// A widget coming back after the first event sends its id as Last-Event-ID.
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Last-Event-ID", fmt.Sprint(first.ID))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	rd := sse.NewReader(resp.Body)
	for range 2 {
		f, _ := rd.Next()
		fmt.Printf("next=%v event=%q data=%s retry=%s\n", f.ID == fmt.Sprint(first.ID+1), f.Event, f.Data, f.Retry)
	}
	// Output:
	// next=false event="" data= retry=3s
	// next=true event="message.read" data={"upTo":1} retry=0s
}
