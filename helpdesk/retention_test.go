package helpdesk_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
)

func TestExportAndAnonymise(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		up := e.upload("operator", id, "permesso.pdf", pdf)
		attID := int64(up.data()["id"].(float64))
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "m-0000001", "body": "Allego il permesso", "attachments": []int64{attID}}), 201, "message")
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "n-0000001", "body": "nota interna", "internal": true}), 201, "note")

		// An access request: the coordinator of the ambito exports it whole.
		x, err := e.hd.Export(e.as("coordinator"), id)
		if err != nil {
			t.Fatal(err)
		}
		if x.Detail.Subject == "" || len(x.Detail.Messages) != 2 || len(x.Files) != 1 || x.Detail.Beneficiary.Label != "M.R." {
			t.Fatalf("export %+v", x)
		}
		if raw, _ := base64.StdEncoding.DecodeString(x.Files[0].Content); string(raw) != string(pdf) {
			t.Fatal("exported file differs")
		}
		if _, err := e.hd.Export(e.as("operator"), id); !errors.Is(err, incroci.ErrForbidden) {
			t.Fatalf("an operator exports: %v", err)
		}
		if _, err := e.hd.Export(e.as("cremaOperator"), id); !errors.Is(err, helpdesk.ErrConsultationNotFound) {
			t.Fatalf("another ambito exports: %v", err)
		}

		// Close it; before the retention nothing happens, after it the text
		// and files go and the figures stay.
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/status", id), map[string]any{"status": "closed"}), 200, "close")
		if n, err := e.hd.Anonymise(e.ctx); err != nil || n != 0 {
			t.Fatalf("anonymised %d too early: %v", n, err)
		}
		e.clock.Add(731 * 24 * time.Hour)
		if n, err := e.hd.Anonymise(e.ctx); err != nil || n != 1 {
			t.Fatalf("anonymised %d: %v", n, err)
		}
		var c helpdesk.Consultation
		e.db.First(&c, id)
		if c.Subject != "" || c.Question != "" || c.BeneficiaryLabel != "" || c.AnonymisedAt == nil ||
			c.BeneficiaryNationality != "MA" || c.TopicID == 0 || c.FirstResponseDue.IsZero() {
			t.Fatalf("after anonymising: %+v", c)
		}
		var msgs, atts int64
		e.db.Model(&helpdesk.Message{}).Where("consultation_id = ?", id).Count(&msgs)
		e.db.Model(&helpdesk.Attachment{}).Where("consultation_id = ?", id).Count(&atts)
		if msgs != 0 || atts != 0 {
			t.Fatalf("%d messages and %d files left", msgs, atts)
		}
		if _, err := e.hd.Anonymise(e.ctx); err != nil {
			t.Fatal(err)
		}
		var audit int64
		e.db.Table("incroci_audit").Where("action IN ? AND object_id = ?", []string{"helpdesk.consultation.export", "helpdesk.consultation.anonymise"}, fmt.Sprint(id)).Count(&audit)
		if audit != 2 {
			t.Fatalf("%d audit entries for export and anonymisation", audit)
		}
		if strings.Contains(fmt.Sprint(c.Intake), "lavoro") {
			t.Fatal("intake kept")
		}
	})
}

// TestExportListsMediationAndMissingFiles exports a consultation with a
// mediation request linked to it and a file the store lost: the request is
// in the export, the file is listed as missing, and the export succeeds.
func TestExportListsMediationAndMissingFiles(t *testing.T) {
	var store *helpdesk.DiskStore
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		var attIDs []int64
		for _, name := range []string{"permesso.pdf", "contratto.pdf"} {
			up := e.upload("operator", id, name, pdf)
			attIDs = append(attIDs, int64(up.data()["id"].(float64)))
		}
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "m-0000001", "body": "Allego i documenti", "attachments": attIDs}), 201, "message")
		pkg := bkMediationSetup(t, e, 600)
		in := bkRequest(pkg, e.clock.Now().Add(48*time.Hour), time.Hour, helpdesk.MediationVideo)
		in.VideoURL = "https://meet.example.org/abc-defg"
		in.ConsultationID = id
		mr, err := e.hd.RequestMediator(e.as("operator"), in)
		if err != nil {
			t.Fatal(err)
		}
		var key string
		e.db.Model(&helpdesk.Attachment{}).Where("id = ?", attIDs[1]).Pluck("storage_key", &key)
		if err := store.Delete(e.ctx, key); err != nil {
			t.Fatal(err)
		}

		r := e.req("coordinator", "GET", fmt.Sprintf("/consultations/%d/export", id), nil)
		expect(t, r, 200, "export with a missing file")
		var x struct {
			Data struct {
				Files []struct {
					ID      int64  `json:"id"`
					Content string `json:"content"`
					Missing bool   `json:"missing"`
				} `json:"files"`
				MediationRequests []helpdesk.MediationRequest `json:"mediation_requests"`
			} `json:"data"`
		}
		jsonInto(r.Raw, &x)
		if len(x.Data.Files) != 2 || x.Data.Files[0].Missing || x.Data.Files[0].Content == "" ||
			x.Data.Files[1].ID != attIDs[1] || !x.Data.Files[1].Missing || x.Data.Files[1].Content != "" {
			t.Fatalf("files: %s", r.Raw)
		}
		if len(x.Data.MediationRequests) != 1 || x.Data.MediationRequests[0].ID != mr.ID || x.Data.MediationRequests[0].Note != in.Note ||
			x.Data.MediationRequests[0].VideoURL != in.VideoURL {
			t.Fatalf("mediation requests: %s", r.Raw)
		}
	}, func(c *helpdesk.Config) {
		s, err := helpdesk.NewDiskStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		store, c.Attachments = s, s
	})
}

// TestIdleConsultationsCloseAndAnonymiseWhole leaves a consultation
// resolved and another waiting for its operator: after Config.AutoClose
// with no activity they are closed (no actor, audited, the operator told),
// and after the retention their appointments' places and links and the
// free text of their mediation requests go too, the figures staying.
func TestIdleConsultationsCloseAndAnonymiseWhole(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		resolved, waiting, active := e.open("operator"), e.open("operator"), e.open("operator")
		start := e.clock.Now().Add(24 * time.Hour)
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/appointments", resolved), map[string]any{"slots": []map[string]any{
			{"start": start, "end": start.Add(time.Hour), "mode": "video", "video_url": "https://meet.example.org/segreto"},
			{"start": start.Add(2 * time.Hour), "end": start.Add(3 * time.Hour), "mode": "in_person", "place": "Via Garibaldi 3, Lodi"}}}), 201, "propose")
		pkg := bkMediationSetup(t, e, 600)
		in := bkRequest(pkg, e.clock.Now().Add(48*time.Hour), time.Hour, helpdesk.MediationInPerson)
		in.ConsultationID = resolved
		mr, err := e.hd.RequestMediator(e.as("operator"), in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.hd.ConfirmMediation(e.as("coordinator"), mr.ID, 0); err != nil {
			t.Fatal(err)
		}
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/status", resolved), map[string]any{"status": "resolved"}), 200, "resolve")
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/messages", waiting), map[string]any{"client_id": "c-0000001", "body": "Serve il contratto."}), 201, "answer")

		e.clock.Add(29 * 24 * time.Hour)
		if n, err := e.hd.CloseIdle(e.ctx); err != nil || n != 0 {
			t.Fatalf("closed %d too early: %v", n, err)
		}
		e.signInAgain()
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", active), map[string]any{"client_id": "o-0000001", "body": "Novità?"}), 201, "still active")
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/messages", active), map[string]any{"client_id": "c-0000002", "body": "Quasi."}), 201, "still active")
		e.clock.Add(2 * 24 * time.Hour)
		if n, err := e.hd.CloseIdle(e.ctx); err != nil || n != 2 {
			t.Fatalf("closed %d idle consultations: %v", n, err)
		}
		if n, err := e.hd.CloseIdle(e.ctx); err != nil || n != 0 {
			t.Fatalf("closed %d again: %v", n, err)
		}
		for _, id := range []int64{resolved, waiting} {
			var c helpdesk.Consultation
			e.db.First(&c, id)
			if c.Status != helpdesk.StatusClosed || c.ClosedAt == nil {
				t.Fatalf("%d: %s", id, c.Status)
			}
			var h helpdesk.StatusChange
			e.db.Where("consultation_id = ?", id).Order("id DESC").First(&h)
			if h.To != helpdesk.StatusClosed || h.ActorID != nil {
				t.Fatalf("history of %d: %+v", id, h)
			}
			var audit int64
			e.db.Table("incroci_audit").Where("action = ? AND object_id = ?", "helpdesk.consultation.autoclose", fmt.Sprint(id)).Count(&audit)
			if audit != 1 {
				t.Fatalf("%d autoclose audit entries for %d", audit, id)
			}
			m := e.waitMail(e.email["operator"], fmt.Sprintf("consulenza n. %d chiusa", id))
			bkNoCase(t, m)
			if !strings.Contains(m.Text, "30 giorni") || !strings.Contains(m.Text, "30 days") {
				t.Fatalf("closing mail:\n%s", m.Text)
			}
		}
		var c helpdesk.Consultation
		e.db.First(&c, active)
		if c.Status == helpdesk.StatusClosed {
			t.Fatal("an active consultation was closed")
		}

		e.clock.Add(731 * 24 * time.Hour)
		if n, err := e.hd.Anonymise(e.ctx); err != nil || n != 2 {
			t.Fatalf("anonymised %d: %v", n, err)
		}
		var slots []helpdesk.AppointmentSlot
		e.db.Where("consultation_id = ?", resolved).Find(&slots)
		if len(slots) != 2 {
			t.Fatalf("%d slots", len(slots))
		}
		for _, s := range slots {
			if s.Place != "" || s.VideoURL != "" || s.Start.IsZero() {
				t.Fatalf("slot after anonymising: %+v", s)
			}
		}
		var r helpdesk.MediationRequest
		e.db.First(&r, mr.ID)
		if r.Note != "" || r.Service != "" || r.Place != "" || r.VideoURL != "" || r.Minutes != 60 || r.Language != "ar" || r.Start.IsZero() {
			t.Fatalf("mediation request after anonymising: %+v", r)
		}
		// The answers still match the API's schema.
		e.signInAgain()
		expect(t, e.req("operator", "GET", fmt.Sprintf("/mediation/requests/%d", mr.ID), nil), 200, "anonymised request")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/consultations/%d/appointments", resolved), nil), 200, "anonymised appointments")
	})
}
