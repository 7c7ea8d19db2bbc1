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
