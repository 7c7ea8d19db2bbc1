package helpdesk_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/testsmtp"
)

// TestMailsNameTheCaseAndLink checks every notice about a consultation:
// its number, desk and topic but never its subject; a link that signs the
// operator in and opens it; a link for consultants when Config.LinkPage is
// set; language names rather than codes.
func TestMailsNameTheCaseAndLink(t *testing.T) {
	page := lodiOrigin + "/sportello"
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		consultation := fmt.Sprintf("incroci_consultation=%d", id)
		operatorLink := func(m testsmtp.Received) {
			t.Helper()
			bkNoCase(t, m)
			if !strings.Contains(m.Text, page+"?") || !strings.Contains(m.Text, "incroci_activation=") || !strings.Contains(m.Text, consultation) {
				t.Fatalf("%q has no sign-in link to the consultation:\n%s", m.Subject, m.Text)
			}
			if !strings.Contains(m.Text, "Permesso di soggiorno") || !strings.Contains(m.Text, "Sportello giuridico") {
				t.Fatalf("%q does not name the topic and the desk:\n%s", m.Subject, m.Text)
			}
		}
		consultantLink := func(m testsmtp.Received) {
			t.Helper()
			bkNoCase(t, m)
			if !strings.Contains(m.Text, page+"?"+consultation) || strings.Contains(m.Text, "incroci_activation=") {
				t.Fatalf("%q has no plain link to the consultation:\n%s", m.Subject, m.Text)
			}
		}

		bkNoCase(t, e.waitMail(e.email["operator"], "aperta"))
		consultantLink(e.waitMail(e.email["consultant"], "nuova consulenza"))

		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "c-0000001", "body": "Servono le buste paga."}), 201, "answer")
		operatorLink(e.waitMail(e.email["operator"], "nuovo messaggio"))
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "o-0000001", "body": "Eccole."}), 201, "reply")
		consultantLink(e.waitMail(e.email["consultant"], "nuovo messaggio"))

		start := e.clock.Now().Add(24 * time.Hour)
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/appointments", id), map[string]any{"slots": []map[string]any{
			{"start": start, "end": start.Add(time.Hour), "mode": "video", "video_url": "https://meet.example.org/x", "interpreter": true, "interpreter_language": "ti"}}}), 201, "propose")
		operatorLink(e.waitMail(e.email["operator"], "orari proposti"))

		// The permit expires on 15 December: a week before, both are reminded.
		e.clock.Add(30 * 24 * time.Hour)
		if n, err := e.hd.Remind(e.ctx); err != nil || n != 1 {
			t.Fatalf("reminded %d: %v", n, err)
		}
		operatorLink(e.waitMail(e.email["operator"], "scadenza"))
		consultantLink(e.waitMail(e.email["consultant"], "scadenza"))

		// Mediation e-mails name the language.
		e.signInAgain()
		pkg := bkMediationSetup(t, e, 600)
		in := bkRequest(pkg, e.clock.Now().Add(48*time.Hour), time.Hour, helpdesk.MediationPhone)
		in.Language = "ti"
		r, err := e.hd.RequestMediator(e.as("operator"), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.ConfirmMediation(e.as("coordinator"), r.ID, 0); err != nil {
			t.Fatal(err)
		}
		m := e.waitMail(e.email["mediator"], "confermata")
		if !strings.Contains(m.Text, "lingua: tigrino") || !strings.Contains(m.Text, "language: Tigrinya") {
			t.Fatalf("mediation mail:\n%s", m.Text)
		}
	}, func(c *helpdesk.Config) { c.LinkPage = page })
}

// TestUnassignedConsultationsReachTheDesk opens consultations that routing
// cannot assign (no consultant for the topic): the desk's managers hear of
// the opening and of the operator's messages, or all its consultants when
// it has no manager.
func TestUnassignedConsultationsReachTheDesk(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		sys := incroci.AsSystem(e.ctx)
		for i, managed := range []bool{true, false} {
			d, err := e.hd.CreateDesk(sys, helpdesk.DeskInput{Slug: fmt.Sprint("cittadinanza-", i), Name: fmt.Sprint("Sportello cittadinanza ", i), Ambito: "lodi", FirstResponseHours: 16, ServesAll: true}, helpdesk.LegalTopics())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{"consultant", "consultant2"} {
				if _, err := e.hd.AddConsultant(sys, d.ID, helpdesk.ConsultantInput{PersonID: e.id[c], Topics: []string{"cittadinanza"}, Manager: managed && c == "consultant2"}); err != nil {
					t.Fatal(err)
				}
			}
			in := e.openInput()
			in["desk_id"] = d.ID
			r := e.req("operator", "POST", "/consultations", in)
			expect(t, r, 201, "open")
			if r.data()["assignee_id"] != nil {
				t.Fatalf("assigned: %s", r.Raw)
			}
			id := int64(r.data()["id"].(float64))
			want := []string{"consultant2"}
			if !managed {
				want = []string{"consultant", "consultant2"}
			}
			for _, who := range want {
				bkNoCase(t, e.waitMail(e.email[who], fmt.Sprintf("consulenza n. %d da assegnare", id)))
			}
			expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "o-0000001", "body": "Aggiungo un dettaglio."}), 201, "follow-up")
			for _, who := range want {
				bkNoCase(t, e.waitMail(e.email[who], fmt.Sprintf("consulenza n. %d, da assegnare", id)))
			}
			if managed {
				// The outbox sends in order: had the non-manager been
				// told, it would have arrived before the follow-up.
				for _, m := range e.smtp.Messages() {
					if strings.Contains(m.Subject, fmt.Sprintf("n. %d", id)) && m.To[0] == e.email["consultant"] {
						t.Fatalf("a consultant who is not a manager got %q", m.Subject)
					}
				}
			}
		}
	})
}
