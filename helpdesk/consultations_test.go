package helpdesk_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
)

func TestOpenConsultation(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		r := e.req("operator", "POST", "/consultations", e.openInput())
		expect(t, r, 201, "open")
		d := r.data()
		if d["status"] != "new" || d["urgency"] != "high" || d["ambito"] != "lodi" || d["staff"] != false {
			t.Fatalf("opened %s", r.Raw)
		}
		if b := d["beneficiary"].(map[string]any); b["label"] != "M.R." || b["nationality"] != "MA" || b["language"] != "ar" {
			t.Fatalf("beneficiary %v", b)
		}
		if d["deadline"] == nil || !strings.HasPrefix(d["deadline"].(string), "2026-12-15") {
			t.Fatalf("deadline from the intake: %v", d["deadline"])
		}
		// 16 working hours from Monday 10:00 (7 a day): Wednesday 12:00 in Rome.
		if due := d["first_response_due"].(string); due != "2026-11-11T11:00:00Z" {
			t.Fatalf("first response due %s", due)
		}
		if d["assignee_id"] == nil {
			t.Fatal("not assigned")
		}
		// The operator gets an e-mail that links back into the widget with a
		// sign-in token and the consultation; the assignee a notice.
		m := e.waitMail("operatore@comune.lodi.it", "aperta")
		if !strings.Contains(m.Text, lodiOrigin+"/sportello?") || !strings.Contains(m.Text, "incroci_activation=") ||
			!strings.Contains(m.Text, fmt.Sprintf("incroci_consultation=%v", d["id"])) {
			t.Fatalf("activation mail:\n%s", m.Text)
		}
		if strings.Contains(m.Text, "M.R.") {
			t.Fatal("the beneficiary's label must not travel by e-mail")
		}
		link := strings.Fields(m.Text[strings.Index(m.Text, "https://www.lodi"):])[0]
		token := link[strings.Index(link, "incroci_activation=")+len("incroci_activation="):]
		token = strings.Split(token, "&")[0]
		if s, err := e.p.VerifyActivation(e.ctx, incroci.Verification{Token: token}, "test"); err != nil || s.Person.Email != "operatore@comune.lodi.it" {
			t.Fatalf("the link signs the operator in: %v %v", s, err)
		}
		assignee := int64(d["assignee_id"].(float64))
		addr := map[int64]string{e.id["consultant"]: "avv.bianchi@example.org", e.id["consultant2"]: "avv.verdi@example.org"}[assignee]
		e.waitMail(addr, "nuova consulenza")
		// Opening is in the audit log.
		var n int64
		e.db.Table("incroci_audit").Where("action = ? AND object_id = ?", "helpdesk.consultation.open", fmt.Sprint(d["id"])).Count(&n)
		if n != 1 {
			t.Fatal("opening not audited")
		}
	})
}

func TestOpenRefusesBadInput(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		cases := []struct {
			name   string
			mod    func(m map[string]any)
			status int
			field  string
		}{
			{"a name as label", func(m map[string]any) { m["beneficiary"].(map[string]any)["label"] = "Mario Rossi" }, 422, "beneficiary.label"},
			{"no label", func(m map[string]any) { m["beneficiary"].(map[string]any)["label"] = "" }, 422, "beneficiary.label"},
			{"bad nationality", func(m map[string]any) { m["beneficiary"].(map[string]any)["nationality"] = "ZZ" }, 422, "beneficiary.nationality"},
			{"bad age band", func(m map[string]any) { m["beneficiary"].(map[string]any)["age_band"] = "old" }, 422, "beneficiary.age_band"},
			{"bad language", func(m map[string]any) { m["beneficiary"].(map[string]any)["language"] = "klingon" }, 422, "beneficiary.language"},
			{"bad date", func(m map[string]any) { m["intake"].(map[string]any)["permit_expiry"] = "15/12/2026" }, 422, "intake.permit_expiry"},
			{"unknown topic", func(m map[string]any) { m["topic"] = "astrologia" }, 422, "topic"},
			{"short question", func(m map[string]any) { m["question"] = "Aiuto" }, 422, "question"},
			{"bad urgency", func(m map[string]any) { m["urgency"] = "yesterday" }, 422, "urgency"},
			{"unknown field", func(m map[string]any) { m["beneficiary_name"] = "Mario Rossi" }, 422, "beneficiary_name"},
			{"another ambito", func(m map[string]any) { m["ambito"] = "crema" }, 403, ""},
			{"unknown desk", func(m map[string]any) { m["desk_id"] = 999 }, 422, "desk_id"},
			{"return url elsewhere", func(m map[string]any) { m["return_url"] = "https://phish.example.com/" }, 422, "return_url"},
		}
		for _, c := range cases {
			in := e.openInput()
			c.mod(in)
			r := e.req("operator", "POST", "/consultations", in)
			expect(t, r, c.status, c.name)
			if c.field != "" {
				fields := r.Body["error"].(map[string]any)["fields"].([]any)
				if fields[0].(map[string]any)["field"] != c.field {
					t.Fatalf("%s: fields %v", c.name, fields)
				}
			}
		}
		var n int64
		e.db.Table("incroci_helpdesk_consultations").Count(&n)
		if n != 0 {
			t.Fatalf("%d consultations after bad requests", n)
		}
	})
}

func TestDialogue(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		detail := e.req("operator", "GET", fmt.Sprint("/consultations/", id), nil).data()
		assignee := map[float64]string{float64(e.id["consultant"]): "consultant", float64(e.id["consultant2"]): "consultant2"}[detail["assignee_id"].(float64)]
		path := fmt.Sprint("/consultations/", id, "/messages")

		// The consultant writes an internal note, then answers.
		expect(t, e.req(assignee, "POST", path, map[string]any{"client_id": "note-0001", "body": "Verificare la circolare del 2024.", "internal": true}), 201, "note")
		expect(t, e.req("operator", "POST", path, map[string]any{"client_id": "note-0002", "body": "Nota?", "internal": true}), 422, "operator note")
		ans := e.req(assignee, "POST", path, map[string]any{"client_id": "answer-0001", "body": "Serve la dichiarazione del datore di lavoro."})
		expect(t, ans, 201, "answer")
		d := e.req("operator", "GET", fmt.Sprint("/consultations/", id), nil).data()
		if d["status"] != "waiting_operator" || d["first_response_at"] == nil || d["late"] != false {
			t.Fatalf("after the answer: %v %v %v", d["status"], d["first_response_at"], d["late"])
		}
		// The retry of a message returns it, once.
		again := e.req(assignee, "POST", path, map[string]any{"client_id": "answer-0001", "body": "Serve la dichiarazione del datore di lavoro."})
		expect(t, again, 200, "retry")
		if again.data()["id"] != ans.data()["id"] {
			t.Fatal("the retry made another message")
		}
		expect(t, e.req(assignee, "POST", path, map[string]any{"client_id": "answer-0001", "body": "Altro testo"}), 409, "client id reused")
		// The operator answers: the consultation waits for the consultant.
		// The message's time is the consultation's last, whether the status
		// moved (reply) or not (follow-up).
		lastMessage := func(msg resp) {
			t.Helper()
			d := e.req("operator", "GET", fmt.Sprint("/consultations/", id), nil).data()
			last, _ := time.Parse(time.RFC3339Nano, d["last_message_at"].(string))
			at, _ := time.Parse(time.RFC3339Nano, msg.data()["created_at"].(string))
			if !last.Equal(at) || d["status"] != "waiting_consultant" {
				t.Fatalf("last_message_at %v, status %v; want %v, waiting_consultant", d["last_message_at"], d["status"], msg.data()["created_at"])
			}
		}
		e.clock.Add(time.Minute)
		reply := e.req("operator", "POST", path, map[string]any{"client_id": "reply-0001", "body": "Grazie, la chiedo."})
		expect(t, reply, 201, "reply")
		lastMessage(reply)
		e.clock.Add(time.Minute)
		more := e.req("operator", "POST", path, map[string]any{"client_id": "reply-0002", "body": "Ecco anche la ricevuta."})
		expect(t, more, 201, "follow-up")
		lastMessage(more)
		// The operator never sees the note; the consultant does.
		opView := e.req("operator", "GET", fmt.Sprint("/consultations/", id), nil)
		if strings.Contains(string(opView.Raw), "circolare") || opView.data()["status"] != "waiting_consultant" {
			t.Fatalf("operator view %s", opView.Raw)
		}
		if msgs := e.req("operator", "GET", path+"?after=0", nil); strings.Contains(string(msgs.Raw), "circolare") || len(msgs.data()["messages"].([]any)) != 3 {
			t.Fatalf("operator messages %s", msgs.Raw)
		}
		staff := e.req(assignee, "GET", fmt.Sprint("/consultations/", id), nil)
		if !strings.Contains(string(staff.Raw), "circolare") || staff.data()["staff"] != true {
			t.Fatalf("staff view %s", staff.Raw)
		}
		// A colleague of the ambito follows the case too.
		expect(t, e.req("operator2", "GET", fmt.Sprint("/consultations/", id), nil), 200, "colleague")
		// Status history records who changed what.
		hist := staff.data()["history"].([]any)
		var steps []string
		for _, h := range hist {
			steps = append(steps, h.(map[string]any)["to"].(string))
		}
		if strings.Join(steps, ",") != "new,waiting_operator,waiting_consultant" {
			t.Fatalf("history %v", steps)
		}
		// Resolve, close; a closed consultation takes no more messages.
		expect(t, e.req("operator", "POST", fmt.Sprint("/consultations/", id, "/status"), map[string]any{"status": "resolved"}), 403, "operator resolves while the consultant should answer")
		expect(t, e.req(assignee, "POST", fmt.Sprint("/consultations/", id, "/status"), map[string]any{"status": "resolved"}), 200, "resolve")
		expect(t, e.req("operator", "POST", fmt.Sprint("/consultations/", id, "/status"), map[string]any{"status": "closed"}), 200, "close")
		expect(t, e.req("operator", "POST", path, map[string]any{"client_id": "late-00001", "body": "Ancora una cosa"}), 409, "message after closing")
		expect(t, e.req("operator", "POST", fmt.Sprint("/consultations/", id, "/status"), map[string]any{"status": "bogus"}), 422, "unknown status")
		// Reads are audited.
		var reads int64
		e.db.Table("incroci_audit").Where("action = ? AND object_id = ?", "helpdesk.consultation.read", fmt.Sprint(id)).Count(&reads)
		if reads < 4 {
			t.Fatalf("%d reads audited", reads)
		}
	})
}

func TestRoutingByTopicAndLoad(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		got := map[int64]int{}
		for i := 0; i < 4; i++ {
			d, err := e.hd.Get(e.as("operator"), e.open("operator"))
			if err != nil {
				t.Fatal(err)
			}
			got[*d.AssigneeID]++
		}
		if got[e.id["consultant"]] != 2 || got[e.id["consultant2"]] != 2 {
			t.Fatalf("load not balanced: %v", got)
		}
		// Manual reassignment, by a consultant of the desk, to another one.
		id := e.open("operator")
		r := e.req("consultant", "POST", fmt.Sprint("/consultations/", id, "/assign"), map[string]any{"person_id": e.id["consultant2"]})
		expect(t, r, 200, "reassign")
		if int64(r.data()["assignee_id"].(float64)) != e.id["consultant2"] {
			t.Fatalf("assignee %v", r.data()["assignee_id"])
		}
		expect(t, e.req("consultant", "POST", fmt.Sprint("/consultations/", id, "/assign"), map[string]any{"person_id": e.id["outsiderConsultant"]}), 422, "assign outside the desk")
		expect(t, e.req("operator", "POST", fmt.Sprint("/consultations/", id, "/assign"), map[string]any{"person_id": e.id["consultant"]}), 403, "operator assigns")
	})
}

func TestQueueShowsLateConsultations(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		early := e.open("operator")
		e.clock.Add(3 * 24 * time.Hour) // Thursday: the first is past its target
		e.signInAgain()
		fresh := e.open("operator")
		r := e.req("consultant", "GET", "/consultations?late=true", nil)
		expect(t, r, 200, "late queue")
		if len(r.list()) != 1 || int64(r.list()[0].(map[string]any)["id"].(float64)) != early {
			t.Fatalf("late queue %s", r.Raw)
		}
		all := e.req("consultant", "GET", "/consultations?per_page=1", nil)
		if all.Body["page"].(map[string]any)["total"].(float64) != 2 || len(all.list()) != 1 {
			t.Fatalf("paged queue %s", all.Raw)
		}
		// Answered, late: it leaves the late queue (the summary still says it was late).
		expect(t, e.req("consultant", "POST", fmt.Sprint("/consultations/", early, "/messages"), map[string]any{"client_id": "late-answer-1", "body": "Eccoci."}), 201, "late answer")
		if r := e.req("consultant", "GET", "/consultations?late=true", nil); len(r.list()) != 0 {
			t.Fatalf("late queue after the answer %s", r.Raw)
		}
		for _, c := range e.req("consultant", "GET", "/consultations", nil).list() {
			c := c.(map[string]any)
			if want := int64(c["id"].(float64)) == early; c["late"] != want {
				t.Errorf("consultation %v late = %v, want %v", c["id"], c["late"], want)
			}
		}
		_ = fresh
	})
}

// TestBeneficiaryLabelRefusesNames refuses labels that spell a name, in
// capitals too, with the message in Italian or English, and lets initials
// and service codes through.
func TestBeneficiaryLabelRefusesNames(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		for _, c := range []struct {
			label, lang, message string
		}{
			{"ROSSI MARIO", "it", "solo iniziali o un codice: non il nome della persona"},
			{"MARIO R.", "en", "initials or a code only: not the person's name"},
			{"M. ROSSI", "it", "solo iniziali o un codice: non il nome della persona"},
			{"Rossi", "en", "initials or a code only: not the person's name"},
		} {
			in := e.openInput()
			in["beneficiary"].(map[string]any)["label"] = c.label
			r := e.req("operator", "POST", "/consultations", in, "Accept-Language", c.lang)
			expect(t, r, 422, c.label)
			f := r.Body["error"].(map[string]any)["fields"].([]any)[0].(map[string]any)
			if f["field"] != "beneficiary.label" || f["rule"] != "pseudonym" || f["message"] != c.message {
				t.Fatalf("%q: %v", c.label, f)
			}
		}
		for _, label := range []string{"M.R.", "K.S.", "TM-2025-014", "AB", "SSB 2025/14", "MR 7"} {
			in := e.openInput()
			in["beneficiary"].(map[string]any)["label"] = label
			expect(t, e.req("operator", "POST", "/consultations", in), 201, label)
		}
	})
}
