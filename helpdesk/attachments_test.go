package helpdesk_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci/helpdesk"
)

// upload sends a file as the named person.
func (e *env) upload(who string, id int64, name string, data []byte) resp {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", name)
	part.Write(data)
	w.Close()
	r, _ := http.NewRequest("POST", fmt.Sprintf("%s/incroci/helpdesk/consultations/%d/attachments", e.srv.URL, id), &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+e.tok[who])
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
	jsonInto(raw, &out.Body)
	return out
}

var pdf = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")

func TestAttachments(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		up := e.upload("operator", id, `../../etc/<img src=x onerror=alert(1)>.pdf`, pdf)
		expect(t, up, 201, "upload pdf")
		att := up.data()
		if att["content_type"] != "application/pdf" || strings.Contains(att["name"].(string), "/") {
			t.Fatalf("attachment %v", att)
		}
		attID := int64(att["id"].(float64))
		// Not yet sent: only its uploader sees it.
		expect(t, e.req("consultant", "GET", fmt.Sprintf("/consultations/%d/attachments/%d", id, attID), nil), 404, "unsent file")
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "with-file-1", "body": "Allego il permesso.", "attachments": []int64{attID}}), 201, "message with file")
		dl := e.req("consultant", "GET", fmt.Sprintf("/consultations/%d/attachments/%d", id, attID), nil)
		expect(t, dl, 200, "download")
		if !bytes.Equal(dl.Raw, pdf) || dl.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download headers %v", dl.Header)
		}
		// The same file cannot be attached twice.
		expect(t, e.req("operator", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "with-file-2", "body": "Di nuovo", "attachments": []int64{attID}}), 422, "attach again")

		// Forbidden and oversized files.
		expect(t, e.upload("operator", id, "virus.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")), 415, "an executable named .pdf")
		expect(t, e.upload("operator", id, "page.html", []byte("<!doctype html><script>alert(1)</script>")), 415, "html")
		big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("0"), 2<<10)...)
		expect(t, e.upload("operator", id, "big.pdf", big), 413, "oversized")
		expect(t, e.upload("operator", id, "empty.pdf", nil), 422, "empty")

		// A consultant's internal file stays internal.
		note := e.upload("consultant", id, "appunti.txt", []byte("appunti interni del consulente"))
		expect(t, note, 201, "staff upload")
		noteID := int64(note.data()["id"].(float64))
		expect(t, e.req("consultant", "POST", fmt.Sprintf("/consultations/%d/messages", id), map[string]any{"client_id": "note-file-1", "body": "Appunti", "internal": true, "attachments": []int64{noteID}}), 201, "note with file")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/consultations/%d/attachments/%d", id, noteID), nil), 404, "internal file for the operator")
		if strings.Contains(string(e.req("operator", "GET", fmt.Sprint("/consultations/", id), nil).Raw), "appunti") {
			t.Fatal("the operator sees an internal file")
		}
		// Nothing refused was stored.
		var n int64
		e.db.Model(&helpdesk.Attachment{}).Count(&n)
		if n != 2 {
			t.Fatalf("%d attachments stored", n)
		}
	}, func(c *helpdesk.Config) { c.MaxAttachment = 1 << 10 })
}

func TestUnsentUploads(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		a := int64(e.upload("operator", id, "uno.pdf", pdf).data()["id"].(float64))
		b := int64(e.upload("operator", id, "due.pdf", pdf).data()["id"].(float64))
		expect(t, e.req("operator2", "DELETE", fmt.Sprintf("/consultations/%d/attachments/%d", id, a), nil), 404, "someone else's upload")
		expect(t, e.req("operator", "DELETE", fmt.Sprintf("/consultations/%d/attachments/%d", id, a), nil), 204, "delete my upload")
		expect(t, e.req("operator", "DELETE", fmt.Sprintf("/consultations/%d/attachments/%d", id, a), nil), 404, "delete twice")
		// The other one, never sent, goes after a day.
		e.clock.Add(25 * time.Hour)
		if _, err := e.hd.Anonymise(e.ctx); err != nil {
			t.Fatal(err)
		}
		var n int64
		e.db.Model(&helpdesk.Attachment{}).Where("id IN ?", []int64{a, b}).Count(&n)
		if n != 0 {
			t.Fatalf("%d unsent uploads left", n)
		}
	})
}

// TestUnsentFilesStayWithTheirUploader: a file uploaded but not yet sent
// with a message is listed, with its name, size and checksum, only to who
// uploaded it among operators, and nobody else downloads it.
func TestUnsentFilesStayWithTheirUploader(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		id := e.open("operator")
		c := fmt.Sprint("/consultations/", id)
		draft := e.upload("consultant", id, "bozza-parere.pdf", pdf)
		expect(t, draft, 201, "consultant's draft")
		mine := e.upload("operator", id, "mio-allegato.pdf", pdf)
		expect(t, mine, 201, "operator's draft")
		draftID, mineID := int64(draft.data()["id"].(float64)), int64(mine.data()["id"].(float64))
		names := func(who string) string {
			t.Helper()
			r := e.req(who, "GET", c, nil)
			expect(t, r, 200, "detail as "+who)
			var out []string
			for _, a := range r.data()["attachments"].([]any) {
				out = append(out, a.(map[string]any)["name"].(string))
			}
			return strings.Join(out, ",")
		}
		if got := names("operator"); got != "mio-allegato.pdf" {
			t.Fatalf("the operator sees %q", got)
		}
		if got := names("operator2"); got != "" {
			t.Fatalf("another operator of the ambito sees %q", got)
		}
		for _, who := range []string{"operator", "operator2"} {
			expect(t, e.req(who, "GET", fmt.Sprintf("%s/attachments/%d", c, draftID), nil), 404, who+" downloads the consultant's draft")
		}
		expect(t, e.req("operator2", "GET", fmt.Sprintf("%s/attachments/%d", c, mineID), nil), 404, "operator2 downloads the operator's draft")
		// Once sent with a message, everybody who sees the dialogue sees it.
		expect(t, e.req("consultant", "POST", c+"/messages", map[string]any{"client_id": "answer-with-file", "body": "Ecco il parere.", "attachments": []int64{draftID}}), 201, "answer with file")
		if got := names("operator2"); got != "bozza-parere.pdf" {
			t.Fatalf("after sending, operator2 sees %q", got)
		}
		msgs := e.req("operator2", "GET", c+"/messages", nil)
		expect(t, msgs, 200, "messages")
		if atts := msgs.data()["attachments"].([]any); len(atts) != 1 || atts[0].(map[string]any)["name"] != "bozza-parere.pdf" {
			t.Fatalf("messages list %v", atts)
		}
		expect(t, e.req("operator2", "GET", fmt.Sprintf("%s/attachments/%d", c, draftID), nil), 200, "operator2 downloads the sent file")
	})
}
