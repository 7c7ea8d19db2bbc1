package helpdesk_test

// The help desk's OpenAPI document against the code: the document is well
// formed and in the platform's style, it lists exactly the routes the
// module mounts, its error envelopes hold the codes the module's errors
// write, and every answer the tests receive through env.req is checked
// against it. TestMain then fails the package when some documented success
// answer was never seen. TestOpenAPIEveryOperationAnswers reaches over HTTP
// what other tests do through the Go API.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/openapitest"
	"github.com/incrocicomuni/incroci/internal/sse"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"gorm.io/gorm"
)

var (
	oaOnce sync.Once
	oa     *openapitest.Checker
	oaErr  error
)

// openAPI parses the embedded document once.
func openAPI(t testing.TB) *openapitest.Checker {
	t.Helper()
	oaOnce.Do(func() { oa, oaErr = openapitest.Parse(helpdesk.OpenAPI()) })
	if oaErr != nil {
		t.Fatalf("helpdesk/openapi.json: %v", oaErr)
	}
	return oa
}

// checkOpenAPI checks an answer of the help desk (path relative to its
// mount point) against the document and records its status, for the tests
// that send requests of their own; env.req and env.send (apitest.Client)
// check every answer they receive.
func checkOpenAPI(t *testing.T, method, path string, r resp) {
	t.Helper()
	openAPI(t).Check(t, method, path, r.Status, r.Header, r.Raw)
}

// TestMain runs the tests, then lists the documented operations no test
// exercised and fails when a documented success answer was never seen. A
// run limited with -run or -skip only lists.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if !oa.Report(os.Stderr, openapitest.Complete()) && code == 0 {
		code = 1
	}
	os.Exit(code)
}

// TestOpenAPIDocument lints the document and checks the platform's style:
// the bearer scheme on every route but the document itself, X-Request-Id
// on every answer, Idempotency-Key on every non-GET operation, closed
// response objects, and error envelopes that accept the codes the module's
// errors write for their status (and nothing else).
func TestOpenAPIDocument(t *testing.T) {
	c := openAPI(t)
	refs, schemas := c.Lint(t)
	if refs < 100 || schemas < 80 {
		t.Errorf("walked only %d references and %d schemas", refs, schemas)
	}
	root := c.Doc()
	info, _ := root["info"].(map[string]any)
	if info["title"] != "incroci help desk API" || info["description"] == nil {
		t.Errorf("info: %v", info)
	}
	if lic, _ := info["license"].(map[string]any); lic["identifier"] != "BSD-3-Clause" {
		t.Errorf("license is %v, want the SPDX identifier BSD-3-Clause", lic)
	}
	if servers, _ := root["servers"].([]any); len(servers) != 1 || servers[0].(map[string]any)["url"] != "/incroci/helpdesk" {
		t.Errorf("servers: %v", root["servers"])
	}

	for _, o := range c.Operations() {
		obj := o.Object()
		public := o.Key() == "GET /openapi.json"
		sec, _ := obj["security"].([]any)
		if public != (len(sec) == 0) {
			t.Errorf("%s: security %v", o.Key(), sec)
		}
		var params []string
		ps, _ := obj["parameters"].([]any)
		for i := range ps {
			p, _, err := c.Deref(fmt.Sprintf("%s/parameters/%d", o.Pointer(), i))
			if err == nil {
				params = append(params, fmt.Sprint(p["name"]))
			}
		}
		if !public && !slices.Contains(params, "Accept-Language") {
			t.Errorf("%s does not take Accept-Language", o.Key())
		}
		if idem := slices.Contains(params, "Idempotency-Key"); idem != (o.Method != "GET") {
			t.Errorf("%s: Idempotency-Key declared %v", o.Key(), idem)
		}
		rs, _ := obj["responses"].(map[string]any)
		for code := range rs {
			r, ptr, err := c.Deref(o.Pointer() + "/responses/" + code)
			if err != nil {
				continue // Lint reported it
			}
			hs, _ := r["headers"].(map[string]any)
			if !public && hs["X-Request-Id"] == nil {
				t.Errorf("%s %s: no X-Request-Id", o.Key(), code)
			}
			content, _ := r["content"].(map[string]any)
			if j, ok := content["application/json"].(map[string]any); ok && !public {
				sch, _, err := c.Deref(ptr + "/content/application~1json/schema")
				if err == nil && sch["oneOf"] == nil && sch["additionalProperties"] != false {
					t.Errorf("%s %s: the answer's object is not closed (additionalProperties: false): %v", o.Key(), code, j)
				}
			}
		}
	}
	// Every object schema of the components is closed.
	comps, _ := root["components"].(map[string]any)
	named, _ := comps["schemas"].(map[string]any)
	for name, v := range named {
		s, _ := v.(map[string]any)
		if s["type"] == "object" && s["additionalProperties"] != false {
			t.Errorf("schema %s is not closed", name)
		}
	}

	// The error envelopes accept the codes the module's errors write, for
	// their status, in some operation; and refuse other codes.
	byStatus := map[string][]string{} // status -> JSON schema pointers of answers
	for _, o := range c.Operations() {
		rs, _ := o.Object()["responses"].(map[string]any)
		for code := range rs {
			if _, ptr, err := c.Deref(o.Pointer() + "/responses/" + code); err == nil {
				if _, err := c.Resolve(ptr + "/content/application~1json/schema"); err == nil {
					byStatus[code] = append(byStatus[code], ptr+"/content/application~1json/schema")
				}
			}
		}
	}
	accepted := func(status int, code string) bool {
		body := map[string]any{"error": map[string]any{"code": code, "message": "x"}}
		if code == "validation" {
			body["error"].(map[string]any)["fields"] = []any{map[string]any{"field": "x", "rule": "required", "message": "x"}}
		}
		for _, ptr := range byStatus[fmt.Sprint(status)] {
			if c.ValidateAt(ptr, body) == nil {
				return true
			}
		}
		return false
	}
	for _, err := range []error{
		helpdesk.ErrDeskNotFound, helpdesk.ErrConsultationNotFound, helpdesk.ErrAttachmentNotFound, helpdesk.ErrClientIDReused,
		helpdesk.ErrTransition, helpdesk.ErrClosed, helpdesk.ErrFileType, helpdesk.ErrNoConsultant,
		helpdesk.ErrAppointmentNotFound, helpdesk.ErrSlotNotOpen, helpdesk.ErrSlotPast, helpdesk.ErrAppointmentBooked, helpdesk.ErrConsultationEnded,
		helpdesk.ErrPackageNotFound, helpdesk.ErrMediationNotFound, helpdesk.ErrInsufficientHours, helpdesk.ErrDoubleBooked,
		helpdesk.ErrNoMediator, helpdesk.ErrMediationState, helpdesk.ErrMediationTime,
		incroci.ErrUnauthorized, incroci.ErrForbidden, httpx.ErrOriginDenied, httpx.ErrMalformed, httpx.ErrTooLarge,
		httpx.ErrMediaType, httpx.ErrInvalid, httpx.ErrInternal,
	} {
		var p *httpx.Problem
		if !errors.As(err, &p) {
			t.Fatalf("%v is not a problem", err)
		}
		if !accepted(p.Status, p.Code) {
			t.Errorf("no %d answer of the document accepts the code %q (%v)", p.Status, p.Code, err)
		}
	}
	for _, st := range []int{400, 401, 403, 404, 409, 413, 415, 422, 500} {
		if accepted(st, "nonsense") {
			t.Errorf("some %d answer accepts any code", st)
		}
	}
	if accepted(404, "conflict") || accepted(409, "not_found") {
		t.Error("codes are accepted under the wrong status")
	}
}

// TestOpenAPIRoutesMatchRouteTable compares the routes the module mounts
// with the document's paths, both ways, and checks that the module serves
// the document.
func TestOpenAPIRoutesMatchRouteTable(t *testing.T) {
	c := openAPI(t)
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	p, err := incroci.New(ctx, incroci.Config{DB: testdb.SQLite(t), Secret: bytes.Repeat([]byte("r"), 32),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	store, err := helpdesk.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	hd, err := helpdesk.New(ctx, p, helpdesk.Config{Attachments: store})
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	hd.Mount(engine.Group("/incroci/helpdesk"))
	c.CheckRoutes(t, engine, "/incroci/helpdesk")
	if n := len(c.Operations()); n < 36 {
		t.Errorf("only %d operations documented", n)
	}
}

// openAPIUpload sends a file through e.upload and checks the answer.
func openAPIUpload(t *testing.T, e *env, who string, id int64, name string, data []byte) resp {
	t.Helper()
	r := e.upload(who, id, name, data)
	checkOpenAPI(t, "POST", fmt.Sprintf("/consultations/%d/attachments", id), r)
	return r
}

// openAPIEvents opens a consultation's event stream from its start as who,
// checks the answer's headers and returns the events until want of them
// came, each event's data checked against the document.
func openAPIEvents(t *testing.T, e *env, who string, id int64, want int) []sse.Frame {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	path := fmt.Sprintf("/consultations/%d/events?last_event_id=0", id)
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/incroci/helpdesk"+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tok[who])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	checkOpenAPI(t, "GET", path, resp{Status: res.StatusCode, Header: res.Header})
	if res.StatusCode != 200 {
		t.Fatalf("events: %d", res.StatusCode)
	}
	c := openAPI(t)
	rd := sse.NewReader(res.Body)
	var out []sse.Frame
	for len(out) < want {
		f, err := rd.Next()
		if err != nil {
			t.Fatalf("events: %v after %d", err, len(out))
		}
		if f.ID == "" {
			continue
		}
		var data any
		if err := json.Unmarshal([]byte(f.Data), &data); err != nil {
			t.Fatalf("event data %q: %v", f.Data, err)
		}
		if err := c.ValidateAt("/components/schemas/EventType", f.Event); err != nil {
			t.Errorf("event type %q: %v", f.Event, err)
		}
		if err := c.ValidateAt("/components/schemas/ConsultationEvent", data); err != nil {
			t.Errorf("event %s data %s: %v", f.Event, f.Data, err)
		}
		out = append(out, f)
	}
	return out
}

// TestOpenAPIEveryOperationAnswers calls every documented operation over
// HTTP with good requests, and many with bad ones, so that each success
// answer (and the common errors) meets the document even when other tests
// reach the operation through the Go API only.
func TestOpenAPIEveryOperationAnswers(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ok := func(r resp, status int, what string) resp {
			t.Helper()
			expect(t, r, status, what)
			return r
		}
		wantCode := func(r resp, status int, code, what string) {
			t.Helper()
			expect(t, r, status, what)
			if r.code() != code {
				t.Fatalf("%s: code %q, want %q", what, r.code(), code)
			}
		}

		// The document, public.
		doc := ok(e.req("", "GET", "/openapi.json", nil), 200, "document")
		if !bytes.Equal(doc.Raw, helpdesk.OpenAPI()) {
			t.Error("the served document is not the embedded one")
		}

		// Who may come in at all.
		wantCode(e.req("", "GET", "/desks", nil), 401, "unauthorized", "anonymous")
		wantCode(e.req("operator", "GET", "/desks", nil, "Origin", "https://evil.example.com"), 403, "origin_not_allowed", "foreign page")
		ok(e.req("operator", "GET", "/desks", nil, "Origin", lodiOrigin), 200, "desks from the ambito's site")

		// Desks.
		ok(e.req("operator", "GET", "/desks", nil), 200, "desks")
		desk := ok(e.req("coordinator", "POST", "/desks", map[string]any{"slug": "etnoclinico", "name": "Équipe etnoclinica", "ambito": "lodi",
			"first_response_hours": 24, "ambiti": []string{"lodi"},
			"topics": []map[string]any{{"code": "salute-mentale", "label_it": "Salute mentale", "label_en": "Mental health"}}}), 201, "create desk").data()
		deskID := int64(desk["id"].(float64))
		wantCode(e.req("coordinator", "POST", "/desks", map[string]any{"slug": "etnoclinico", "name": "Doppione", "ambito": "lodi", "first_response_hours": 8}), 422, "validation", "slug taken")
		wantCode(e.req("coordinator", "POST", "/desks", "{"), 400, "malformed", "malformed desk")
		wantCode(e.req("coordinator", "POST", "/desks", "slug=x", "Content-Type", "application/x-www-form-urlencoded"), 415, "unsupported_media_type", "form body")
		ok(e.req("coordinator", "POST", fmt.Sprintf("/desks/%d/consultants", deskID), map[string]any{"person_id": e.id["consultant2"], "topics": []string{"salute-mentale"}, "manager": true}), 200, "add consultant")
		wantCode(e.req("coordinator", "POST", "/desks/999999/consultants", map[string]any{"person_id": e.id["consultant2"]}), 404, "not_found", "no such desk")
		wantCode(e.req("coordinator", "POST", fmt.Sprintf("/desks/%d/consultants", deskID), map[string]any{"person_id": e.id["operator"]}), 422, "validation", "not a consultant")
		wantCode(e.req("operator", "POST", fmt.Sprintf("/desks/%d/consultants", deskID), map[string]any{"person_id": e.id["consultant"]}), 403, "forbidden", "operator adds a consultant")
		members := ok(e.req("consultant", "GET", fmt.Sprintf("/desks/%d/consultants", e.desk.ID), nil), 200, "a desk's consultants, as one of them")
		if got := members.list(); len(got) != 2 || got[0].(map[string]any)["name"] != "consultant" || got[1].(map[string]any)["name"] != "consultant2" {
			t.Errorf("the desk's consultants: %s", members.Raw)
		}
		ok(e.req("coordinator", "GET", fmt.Sprintf("/desks/%d/consultants", deskID), nil), 200, "a desk's consultants, as the coordinator")
		wantCode(e.req("operator", "GET", fmt.Sprintf("/desks/%d/consultants", deskID), nil), 403, "forbidden", "an operator lists a desk's consultants")
		wantCode(e.req("coordinator", "GET", "/desks/999999/consultants", nil), 404, "not_found", "consultants of no desk")
		wantCode(e.req("coordinator", "GET", "/desks/abc/consultants", nil), 404, "not_found", "consultants of a desk that is not a number")

		// Opening, with its refusals.
		in := e.openInput()
		in["desk_id"] = 999999
		wantCode(e.req("operator", "POST", "/consultations", in), 422, "validation", "unknown desk")
		wantCode(e.req("cremaOperator", "POST", "/consultations", e.openInput()), 403, "forbidden", "operator of another ambito")
		in = e.openInput()
		in["beneficiary"] = map[string]any{"label": "Mario Rossi"}
		wantCode(e.req("operator", "POST", "/consultations", in), 422, "validation", "a name as label")
		id := e.open("operator")
		c := fmt.Sprint("/consultations/", id)
		ok(e.req("operator", "GET", "/consultations?status=new&mine=true&q=rinnovo&page=1&per_page=5", nil), 200, "list")
		wantCode(e.req("operator", "GET", "/consultations?status=bogus", nil), 422, "validation", "bad status filter")
		wantCode(e.req("operator", "GET", "/consultations/0", nil), 404, "not_found", "id 0")
		wantCode(e.req("cremaOperator", "GET", c, nil), 404, "not_found", "another ambito's consultation")
		ok(e.req("operator", "POST", "/personal-data", map[string]any{"text": "Il CF è RSSMRA85T10A562S, tel. 333 123 4567"}), 200, "personal data")
		wantCode(e.req("operator", "POST", "/personal-data", map[string]any{"text": strings.Repeat("x", 200_000)}), 413, "too_large", "huge body")

		// The dialogue: a note, a file, a message, a retry.
		assignee := "consultant"
		if d := ok(e.req("operator", "GET", c, nil), 200, "get").data(); d["assignee_id"] != float64(e.id["consultant"]) {
			assignee = "consultant2"
		}
		note := ok(e.req(assignee, "POST", c+"/messages", map[string]any{"client_id": "oa-note-01", "body": "Nota interna", "internal": true}), 201, "note").data()
		noteID := note["id"].(float64)
		isNote := func(f sse.Frame) bool {
			var d map[string]any
			json.Unmarshal([]byte(f.Data), &d)
			return d["message_id"] == noteID
		}
		up := ok(openAPIUpload(t, e, "operator", id, "permesso.pdf", pdf), 201, "upload").data()
		attID := int64(up["id"].(float64))
		wantCode(openAPIUpload(t, e, "operator", id, "page.html", []byte("<!doctype html><p>x</p>")), 415, "unsupported_media_type", "html upload")
		wantCode(openAPIUpload(t, e, "operator", id, "empty.pdf", nil), 422, "validation", "empty upload")
		msg := map[string]any{"client_id": "oa-msg-0001", "body": "Allego il permesso.", "attachments": []int64{attID}}
		ok(e.req("operator", "POST", c+"/messages", msg), 201, "message")
		ok(e.req("operator", "POST", c+"/messages", msg), 200, "the same message again")
		wantCode(e.req("operator", "POST", c+"/messages", map[string]any{"client_id": "oa-msg-0001", "body": "Altro"}), 409, "conflict", "client id reused")
		ok(e.req(assignee, "GET", fmt.Sprintf("%s/attachments/%d", c, attID), nil), 200, "download")
		wantCode(e.req(assignee, "GET", c+"/attachments/999999", nil), 404, "not_found", "no such file")
		msgs := ok(e.req("operator", "GET", c+"/messages?after=0", nil), 200, "messages").data()["messages"].([]any)
		wantCode(e.req("operator", "GET", c+"/messages?after=-1", nil), 422, "validation", "bad after")
		last := int64(msgs[len(msgs)-1].(map[string]any)["id"].(float64))
		ok(e.req("operator", "POST", c+"/read", map[string]any{"up_to": last}), 204, "read")
		wantCode(e.req("operator", "POST", c+"/read", map[string]any{"up_to": 0}), 422, "validation", "read nothing")

		// Retries with an Idempotency-Key get the first answer again.
		first := ok(e.req("operator", "POST", "/personal-data", map[string]any{"text": "a.b@example.org"}, "Idempotency-Key", "oa-key-1"), 200, "keyed")
		again := ok(e.req("operator", "POST", "/personal-data", map[string]any{"text": "a.b@example.org"}, "Idempotency-Key", "oa-key-1"), 200, "keyed again")
		if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.Raw, again.Raw) {
			t.Errorf("not replayed: %v", again.Header)
		}
		wantCode(e.req("operator", "POST", "/personal-data", map[string]any{"text": "altro"}, "Idempotency-Key", "oa-key-1"), 422, "validation", "key reused")

		// The live stream: the staff see the note, the operator does not.
		// (a message that moves the status also announces consultation.status)
		messagesOf := func(fs []sse.Frame) []sse.Frame {
			var out []sse.Frame
			for _, f := range fs {
				if f.Event == "message.created" {
					out = append(out, f)
				}
			}
			return out
		}
		staff := openAPIEvents(t, e, assignee, id, 4)
		if sm := messagesOf(staff); staff[0].Event != "consultation.opened" || len(sm) != 2 || !isNote(sm[0]) || isNote(sm[1]) {
			t.Errorf("staff events: %+v", staff)
		}
		public := openAPIEvents(t, e, "operator", id, 3)
		if pm := messagesOf(public); len(pm) != 1 || isNote(pm[0]) {
			t.Errorf("operator events: %+v", public)
		}
		wantCode(e.req("operator", "GET", c+"/events", nil, "Last-Event-ID", "ieri"), 400, "malformed", "bad Last-Event-ID")

		// Status and assignment.
		ok(e.req(assignee, "POST", c+"/assign", map[string]any{"person_id": e.id[assignee]}), 200, "assign")
		wantCode(e.req("operator", "POST", c+"/status", map[string]any{"status": "open"}), 409, "conflict", "operator opens")
		ok(e.req(assignee, "POST", c+"/status", map[string]any{"status": "waiting_operator"}), 200, "status")

		// Export: the desk's consultants and coordinators.
		ok(e.req(assignee, "GET", c+"/export", nil), 200, "export")
		ok(e.req("coordinator", "GET", c+"/export", nil), 200, "export as coordinator")
		wantCode(e.req("operator", "GET", c+"/export", nil), 403, "forbidden", "export as operator")

		// Appointments.
		slot := func(day, hour int) map[string]any {
			start := romeAt(t, 2026, 11, day, hour, 0)
			return map[string]any{"start": start, "end": start.Add(time.Hour), "mode": "in_person", "place": "Sportello, via Roma 1, Lodi", "interpreter": true, "interpreter_language": "ar"}
		}
		slots := ok(e.req(assignee, "POST", c+"/appointments", map[string]any{"slots": []any{slot(12, 10), slot(13, 10),
			map[string]any{"start": romeAt(t, 2026, 11, 16, 15, 0), "end": romeAt(t, 2026, 11, 16, 16, 0), "mode": "video", "video_url": "https://meet.example.it/abc"}}}), 201, "propose").Body["data"].([]any)
		wantCode(e.req("operator", "POST", c+"/appointments", map[string]any{"slots": []any{slot(12, 10)}}), 403, "forbidden", "operator proposes")
		wantCode(e.req(assignee, "POST", c+"/appointments", map[string]any{"slots": []any{slot(1, 10)}}), 422, "validation", "past slot")
		slotID := func(i int) int64 { return int64(slots[i].(map[string]any)["id"].(float64)) }
		ok(e.req(assignee, "POST", fmt.Sprintf("%s/appointments/%d/cancel", c, slotID(2)), nil), 200, "withdraw")
		ok(e.req("operator", "GET", c+"/appointments", nil), 200, "appointments")
		wantCode(e.req(assignee, "POST", fmt.Sprintf("%s/appointments/%d/accept", c, slotID(0)), nil), 403, "forbidden", "consultant accepts")
		ok(e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/accept", c, slotID(0)), nil), 200, "accept")
		wantCode(e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/accept", c, slotID(1)), nil), 409, "conflict", "accept a declined slot")
		wantCode(e.req("operator", "POST", c+"/appointments/999999/accept", nil), 404, "not_found", "no such slot")
		ok(e.req("operator", "POST", fmt.Sprintf("%s/appointments/%d/cancel", c, slotID(0)), nil), 200, "cancel")

		// Reports.
		ok(e.req("coordinator", "GET", "/reports?ambito=lodi&from=2026-01-01&to=2027-01-01", nil), 200, "report")
		ok(e.req("admin", "GET", "/reports", nil), 200, "network report")
		ok(e.req("consultant2", "GET", fmt.Sprintf("/reports?desk=%d", deskID), nil), 200, "report of a managed desk")
		csv := ok(e.req("coordinator", "GET", "/reports/consultations.csv?ambito=lodi&from=2026-11-01&to=2026-12-01", nil), 200, "csv")
		if lines := strings.Split(strings.TrimSpace(string(csv.Raw)), "\n"); len(lines) != 2 {
			t.Errorf("csv: %s", csv.Raw)
		}
		wantCode(e.req("coordinator", "GET", "/reports?ambito=crema", nil), 403, "forbidden", "another ambito's report")
		wantCode(e.req("coordinator", "GET", "/reports?ambito=lodi&from=ieri", nil), 422, "validation", "bad date")
		wantCode(e.req("coordinator", "GET", "/reports/consultations.csv?ambito=lodi&from=2026-12-01&to=2026-11-01", nil), 422, "validation", "backwards range")

		// Mediation: a package, its hours and ledger, a profile.
		pkg := ok(e.req("coordinator", "POST", "/mediation/packages", map[string]any{"ambito": "lodi", "name": "Mediazione 2026",
			"valid_from": "2026-01-01", "valid_to": "2026-12-31", "minutes": 120}), 201, "package").data()
		pkgPath := fmt.Sprintf("/mediation/packages/%d", int64(pkg["id"].(float64)))
		ok(e.req("operator", "GET", pkgPath, nil), 200, "package")
		wantCode(e.req("cremaOperator", "GET", pkgPath, nil), 404, "not_found", "another ambito's package")
		ok(e.req("coordinator", "POST", pkgPath+"/hours", map[string]any{"minutes": 60, "note": "Integrazione"}), 200, "buy hours")
		wantCode(e.req("coordinator", "POST", pkgPath+"/hours", map[string]any{"minutes": -1000, "reason": "adjustment"}), 409, "insufficient_hours", "below zero")
		wantCode(e.req("operator", "POST", pkgPath+"/hours", map[string]any{"minutes": 60}), 403, "forbidden", "operator buys")
		ok(e.req("coordinator", "GET", pkgPath+"/ledger?per_page=10", nil), 200, "ledger")
		ok(e.req("operator", "GET", "/mediation/packages", nil), 200, "packages")
		small := ok(e.req("coordinator", "POST", "/mediation/packages", map[string]any{"ambito": "lodi", "name": "Residuo", "valid_from": "2026-11-01", "valid_to": "2026-11-30", "minutes": 30}), 201, "small package").data()
		wantCode(e.req("operator", "GET", "/mediation/profile", nil), 403, "forbidden", "operator's profile")
		ok(e.req("mediator", "GET", "/mediation/profile", nil), 200, "empty profile")
		ok(e.req("mediator", "PUT", "/mediation/profile", bkProfile()), 200, "profile")
		ok(e.req("coordinator", "GET", "/mediation/mediators?ambito=lodi", nil), 200, "mediators")
		wantCode(e.req("coordinator", "GET", "/mediation/mediators", nil), 422, "validation", "mediators of no ambito")

		// Requests: confirmed, refused, cancelled, done.
		request := func(pkg map[string]any, lang string, start time.Time, d time.Duration, consultation int64) resp {
			t.Helper()
			return e.req("operator", "POST", "/mediation/requests", map[string]any{"package_id": pkg["id"], "language": lang, "service": "Tutela minori",
				"mode": "phone", "start": start, "end": start.Add(d), "consultation_id": consultation, "note": "Colloquio sul percorso scolastico"})
		}
		soon := romeAt(t, 2026, 11, 9, 11, 0) // an hour from now
		r1 := ok(request(pkg, "ar", soon, time.Hour, id), 201, "request").data()
		r1Path := fmt.Sprintf("/mediation/requests/%d", int64(r1["id"].(float64)))
		ok(e.req("mediator", "GET", r1Path, nil), 200, "request as a candidate")
		ok(e.req("operator", "GET", "/mediation/requests?status=requested&ambito=lodi", nil), 200, "requests")
		if mine := ok(e.req("operator", "GET", "/mediation/requests?mine=true", nil), 200, "my requests").list(); len(mine) != 1 || mine[0].(map[string]any)["operator_name"] != "operator" {
			t.Errorf("the operator's own requests: %v", mine)
		}
		if theirs := ok(e.req("operator2", "GET", "/mediation/requests?mine=true", nil), 200, "a colleague's own requests").list(); len(theirs) != 0 {
			t.Errorf("a colleague's own requests hold another's: %v", theirs)
		}
		if all := ok(e.req("operator2", "GET", "/mediation/requests", nil), 200, "the ambito's requests").list(); len(all) != 1 {
			t.Errorf("the ambito's requests as a colleague: %v", all)
		}
		wantCode(e.req("operator", "GET", "/mediation/requests?status=bogus", nil), 422, "validation", "bad status")
		wantCode(e.req("operator", "POST", r1Path+"/confirm", nil), 403, "forbidden", "operator confirms")
		if c := ok(e.req("coordinator", "POST", r1Path+"/confirm", nil), 200, "confirm (matched)").data(); c["mediator_name"] != "mediator" || c["operator_name"] != "operator" {
			t.Errorf("the confirmed request names %v and %v", c["mediator_name"], c["operator_name"])
		}
		wantCode(e.req("coordinator", "POST", r1Path+"/confirm", nil), 409, "conflict", "confirm twice")
		r2 := ok(request(pkg, "ar", soon, time.Hour, 0), 201, "a second request at the same time").data()
		wantCode(e.req("coordinator", "POST", fmt.Sprintf("/mediation/requests/%d/confirm", int64(r2["id"].(float64))), map[string]any{"mediator_id": e.id["mediator"]}), 409, "double_booked", "double booking")
		r3 := ok(request(pkg, "fr", soon, time.Hour, 0), 201, "a request in French").data()
		wantCode(e.req("coordinator", "POST", fmt.Sprintf("/mediation/requests/%d/confirm", int64(r3["id"].(float64))), map[string]any{}), 409, "no_mediator", "nobody speaks French")
		r4 := ok(request(small, "ar", romeAt(t, 2026, 11, 10, 9, 0), time.Hour, 0), 201, "a request on the small package").data()
		r4Path := fmt.Sprintf("/mediation/requests/%d", int64(r4["id"].(float64)))
		wantCode(e.req("coordinator", "POST", r4Path+"/confirm", nil), 409, "insufficient_hours", "not enough hours")
		ok(e.req("operator", "POST", r4Path+"/cancel", map[string]any{"note": "Non serve più"}), 200, "cancel a request")
		wantCode(e.req("operator", "POST", r4Path+"/cancel", nil), 409, "conflict", "cancel twice")
		wantCode(e.req("operator", "POST", r1Path+"/done", nil), 409, "conflict", "done before the start")
		e.clock.Add(90 * time.Minute)
		ok(e.req("mediator", "POST", r1Path+"/done", nil), 200, "done")
		wantCode(e.req("cremaOperator", "GET", r1Path, nil), 404, "not_found", "another ambito's request")
		ok(e.req("coordinator", "GET", "/reports?ambito=lodi&from=2026-11-01&to=2026-12-01", nil), 200, "report with mediator hours")
	})
}

// TestOpenAPIMultipartLimit checks the upload's refusals that a small limit
// makes reachable: a file over the limit is 413 with the error envelope.
func TestOpenAPIMultipartLimit(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		if db.Dialector.Name() != "sqlite" {
			t.Skip("the limit does not depend on the database")
		}
		e := newEnv(t, db, func(c *helpdesk.Config) { c.MaxAttachment = 1 << 10 })
		id := e.open("operator")
		r := openAPIUpload(t, e, "operator", id, "big.pdf", append(append([]byte{}, pdf...), bytes.Repeat([]byte("0"), 4<<10)...))
		expect(t, r, 413, "oversized")
		// A form without the part "file".
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("other", "x")
		w.Close()
		path := fmt.Sprintf("/consultations/%d/attachments", id)
		r = e.req("operator", "POST", path, body.String(), "Content-Type", w.FormDataContentType())
		expect(t, r, 422, "no file part")
	})
}
