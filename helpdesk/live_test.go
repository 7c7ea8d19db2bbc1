package helpdesk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/sse"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"github.com/incrocicomuni/incroci/mail"
)

// stream opens a consultation's event stream on a hub as the named person.
func stream(t *testing.T, ctx context.Context, base, token string, id int64, lastID string) (*http.Response, *sse.Reader) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/incroci/helpdesk/consultations/%d/events", base, id), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("stream: %v %v", err, res)
	}
	return res, sse.NewReader(res.Body)
}

// nextEvent returns the next frame with an id, failing after 10 s.
func nextEvent(t *testing.T, rd *sse.Reader) sse.Frame {
	t.Helper()
	got := make(chan sse.Frame, 1)
	go func() {
		for {
			f, err := rd.Next()
			if err != nil {
				close(got)
				return
			}
			if f.ID != "" {
				got <- f
				return
			}
		}
	}()
	select {
	case f, ok := <-got:
		if !ok {
			t.Fatal("stream ended")
		}
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return sse.Frame{}
}

// TestLiveDialogueAcrossInstances runs two hub instances on one PostgreSQL:
// an operator follows a consultation on the second while the consultant
// answers through the first; notes never reach the operator's stream; a
// reconnecting stream gets what it missed; an operator following live gets
// no e-mail, one who is away does.
func TestLiveDialogueAcrossInstances(t *testing.T) {
	dsn := testdb.PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	e := newEnv(t, openPG(t, dsn))

	// A second instance: its own pool, platform and module, same schema.
	db2 := openPG(t, dsn)
	mailer, _ := mail.NewSMTP(mail.SMTPConfig{Host: e.smtp.Host(), Port: e.smtp.Port(), From: "incroci <noreply@incroci.example.it>", TLS: mail.TLSNone})
	p2, err := incroci.New(ctx, incroci.Config{DB: db2, Secret: bytes.Repeat([]byte("k"), 32), Mailer: mailer, Now: e.clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SignInAnswerTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close(context.Background())
	store, _ := helpdesk.NewDiskStore(t.TempDir())
	hd2, err := helpdesk.New(ctx, p2, helpdesk.Config{Attachments: store})
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	api := r.Group("/incroci")
	p2.Mount(api)
	hd2.Mount(api.Group("/helpdesk"))
	second := httptest.NewServer(r)
	defer second.Close()

	id := e.open("operator")
	assignee := "consultant"
	if d, _ := e.hd.Get(e.as("operator"), id); *d.AssigneeID == e.id["consultant2"] {
		assignee = "consultant2"
	}
	sctx, stop := context.WithCancel(ctx)
	res, rd := stream(t, sctx, second.URL, e.tok["operator"], id, "")
	staffRes, staffRd := stream(t, sctx, second.URL, e.tok[assignee], id, "")

	// The opening's e-mail first: counted after it arrives, or it would
	// count as an e-mail about the answer when the outbox is slow.
	e.waitMail("operatore@comune.lodi.it", "aperta")
	before := e.mailsTo("operatore@comune.lodi.it")
	note := e.req(assignee, "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "note-live-1", "body": "nota interna", "internal": true})
	expect(t, note, 201, "note")
	answer := e.req(assignee, "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "answer-live-1", "body": "Ecco la risposta."})
	expect(t, answer, 201, "answer")

	// The operator's stream carries the answer (and the status change), never the note.
	var f sse.Frame
	for f = nextEvent(t, rd); f.Event != "message.created"; f = nextEvent(t, rd) {
	}
	var data struct {
		MessageID int64 `json:"message_id"`
	}
	json.Unmarshal([]byte(f.Data), &data)
	if float64(data.MessageID) != answer.data()["id"].(float64) {
		t.Fatalf("operator got message %d, want the answer %v (not the note %v)", data.MessageID, answer.data()["id"], note.data()["id"])
	}
	// The staff stream carries the note first.
	var sf sse.Frame
	for sf = nextEvent(t, staffRd); sf.Event != "message.created"; sf = nextEvent(t, staffRd) {
	}
	json.Unmarshal([]byte(sf.Data), &data)
	if float64(data.MessageID) != note.data()["id"].(float64) {
		t.Fatalf("staff stream: first message %d, want the note", data.MessageID)
	}
	staffRes.Body.Close()

	// The operator follows live: no e-mail about the answer. Sync on a
	// mail sent after it to be sure none was queued.
	e.p.RequestActivation(e.ctx, incroci.ActivationRequest{Email: "sync@comune.lodi.it"}, "sync")
	e.waitMail("sync@comune.lodi.it", "codice")
	if n := e.mailsTo("operatore@comune.lodi.it"); n != before {
		t.Fatalf("an operator following live got %d e-mails", n-before)
	}

	// The operator goes away; two answers come meanwhile; on reconnecting
	// with Last-Event-ID both arrive, and the first one was e-mailed.
	res.Body.Close()
	stop()
	waitOffline(t, e, id)
	for i := 1; i <= 2; i++ {
		expect(t, e.req(assignee, "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": fmt.Sprint("away-0000", i), "body": fmt.Sprint("Risposta ", i)}), 201, "answer while away")
	}
	e.waitMail("operatore@comune.lodi.it", "nuovo messaggio")
	res2, rd2 := stream(t, ctx, second.URL, e.tok["operator"], id, f.ID)
	defer res2.Body.Close()
	seen := 0
	for seen < 2 {
		if g := nextEvent(t, rd2); g.Event == "message.created" {
			seen++
		}
	}
}

// waitOffline waits until the operator's presence on the consultation ends.
func waitOffline(t *testing.T, e *env, id int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int64
		e.db.Table("incroci_helpdesk_presence").Where("consultation_id = ? AND person_id = ?", id, e.id["operator"]).Count(&n)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("presence did not end after the stream closed")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
