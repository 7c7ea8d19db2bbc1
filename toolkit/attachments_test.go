package toolkit_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"mime/multipart"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/samplefiles"
	"github.com/incrocicomuni/incroci/toolkit"
)

// upload sends a file (none when name is "") with the form's fields to
// POST /sheets/{sheet}/attachments as who, and checks the answer against
// the OpenAPI document.
func (e *env) upload(who string, sheet int64, fields map[string]string, name string, data []byte, headers ...string) resp {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if name != "" {
		part, _ := w.CreateFormFile("file", name)
		part.Write(data)
	}
	w.Close()
	return e.send(who, "POST", fmt.Sprintf("/sheets/%d/attachments", sheet), w.FormDataContentType(), &body, headers...)
}

// storedFiles counts the files in the toolkit's store.
func (e *env) storedFiles() int {
	e.t.Helper()
	n := 0
	filepath.WalkDir(e.files, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// attachmentRows counts the attachments recorded, in any status.
func (e *env) attachmentRows() int64 {
	var n int64
	e.db.Model(&toolkit.Attachment{}).Count(&n)
	return n
}

// audited counts the audit entries of action.
func (e *env) audited(action string) int64 {
	var n int64
	e.db.Model(&incroci.AuditEntry{}).Where("action = ?", action).Count(&n)
	return n
}

// publishedSheet has the operator propose a sheet (of ambito, "" for the
// network's) and the editor publish it; it returns the sheet and its
// published revision.
func (e *env) publishedSheet(ambito, audience string) (int64, int64) {
	e.t.Helper()
	in := sheetInput(true)
	in["ambito"], in["audience"] = ambito, audience
	r := expect(e.t, e.req("operator", "POST", "/sheets", in), 201, "propose")
	expect(e.t, e.req("editor", "POST", fmt.Sprintf("/sheets/%d/publish", id(r)), map[string]any{"revision_id": revID(r)}), 200, "publish")
	return id(r), revID(r)
}

// titles lists the titles of a list of attachments, with their status.
func titles(list []any) string {
	var out []string
	for _, a := range list {
		m := a.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%s", m["title"], m["status"]))
	}
	return strings.Join(out, ",")
}

func (e *env) sheetFiles(who string, sheet int64) string {
	e.t.Helper()
	return titles(expect(e.t, e.req(who, "GET", fmt.Sprintf("/sheets/%d/attachments", sheet), nil), 200, "attachments as "+who).list())
}

func (e *env) shownFiles(who string, sheet int64) string {
	e.t.Helper()
	return titles(expect(e.t, e.req(who, "GET", fmt.Sprint("/sheets/", sheet), nil), 200, "sheet as "+who).data()["attachments"].([]any))
}

var form = samplefiles.PDF("Modulo di richiesta del nulla osta", "Cognome: ________", "Città di residenza: ________")

// TestAttachmentsOfAPublishedSheet: the ambito's editors add and remove
// the files of a published sheet; the ambito reads and downloads them as
// attachments of the sniffed type; an operator of the ambito, and another
// ambito's people, change nothing; another ambito does not even see them.
func TestAttachmentsOfAPublishedSheet(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		sid, _ := e.publishedSheet("lodi", "operators")
		path := fmt.Sprint("/sheets/", sid)
		up := expect(t, e.upload("editor", sid, map[string]string{"title": "Modulo di richiesta", "lang": "it"}, `C:\moduli\<i>richiesta.pdf`, form), 201, "an editor adds a form")
		a := up.data()
		if a["status"] != "published" || a["revision_id"] != nil || a["content_type"] != "application/pdf" || a["lang"] != "it" ||
			a["name"] != "<i>richiesta.pdf" || a["size"] != float64(len(form)) || a["uploader_name"] != "editor" {
			t.Fatalf("added: %s", up.Raw)
		}
		aid := id(up)
		file := fmt.Sprintf("%s/attachments/%d", path, aid)

		// The ambito reads it, on the sheet and in the list, and downloads it.
		for _, who := range []string{"operator2", "mediator", "editor"} {
			if got := e.shownFiles(who, sid); got != "Modulo di richiesta:published" {
				t.Errorf("the sheet as %s shows %q", who, got)
			}
			dl := expect(t, e.req(who, "GET", file, nil), 200, "download as "+who)
			if !bytes.Equal(dl.Raw, form) || dl.Header.Get("Content-Type") != "application/pdf" || dl.Header.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("download as %s: %v", who, dl.Header)
			}
		}
		if got := e.sheetFiles("operator2", sid); got != "Modulo di richiesta:published" {
			t.Errorf("list: %q", got)
		}

		// Another ambito, and anonymous readers, see nothing of it.
		for _, who := range []string{"", "cremaOperator", "cremaEditor"} {
			expect(t, e.req(who, "GET", path+"/attachments", nil), 404, "list as "+who)
			expect(t, e.req(who, "GET", file, nil), 404, "download as "+who)
		}
		rows, stored := e.attachmentRows(), e.storedFiles()
		expect(t, e.upload("cremaEditor", sid, map[string]string{"title": "Altro modulo"}, "altro.pdf", form), 404, "another ambito's editor adds a file")
		expect(t, e.req("cremaEditor", "DELETE", file, nil), 404, "another ambito's editor removes the file")
		expect(t, e.upload("", sid, map[string]string{"title": "Anonimo"}, "anonimo.pdf", form), 401, "anonymous upload")

		// A plain operator of the ambito is told to propose a change.
		r := expect(t, e.upload("operator2", sid, map[string]string{"title": "Il mio modulo"}, "mio.pdf", form), 403, "an operator adds a file to the published sheet")
		if msg := r.Body["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "proposta di modifica") {
			t.Errorf("Italian message: %q", msg)
		}
		r = expect(t, e.upload("operator2", sid, map[string]string{"title": "Il mio modulo"}, "mio.pdf", form, "Accept-Language", "en"), 403, "in English")
		if msg := r.Body["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "proposed change") {
			t.Errorf("English message: %q", msg)
		}
		expect(t, e.req("operator2", "DELETE", file, nil), 403, "an operator removes the published file")
		expect(t, e.req("mediator", "DELETE", file, nil), 403, "a mediator removes the published file")
		if e.attachmentRows() != rows || e.storedFiles() != stored {
			t.Fatalf("refused changes stored something: %d rows, %d files", e.attachmentRows(), e.storedFiles())
		}
		if e.shownFiles("operator", sid) != "Modulo di richiesta:published" {
			t.Fatal("a refused change touched the sheet")
		}

		// Reading a published sheet's published file is not audited, as
		// reading the sheet is not; the upload is.
		if n := e.audited("toolkit.attachment.read"); n != 0 {
			t.Errorf("%d reads of a published file audited", n)
		}
		if n := e.audited("toolkit.attachment.upload"); n != 1 {
			t.Errorf("%d uploads audited", n)
		}

		// The editor takes it off: no earlier revision lists it, so it is gone.
		expect(t, e.req("editor", "DELETE", file, nil), 204, "the editor removes the file")
		expect(t, e.req("editor", "GET", file, nil), 404, "download a removed file")
		expect(t, e.req("editor", "DELETE", file, nil), 404, "remove twice")
		if e.attachmentRows() != rows-1 || e.storedFiles() != stored-1 || e.shownFiles("operator", sid) != "" {
			t.Fatalf("after removal: %d rows, %d files, shown %q", e.attachmentRows(), e.storedFiles(), e.shownFiles("operator", sid))
		}
		if n := e.audited("toolkit.attachment.delete"); n != 1 {
			t.Errorf("%d removals audited", n)
		}
		// Ids that are not ids are not found.
		expect(t, e.req("editor", "GET", path+"/attachments/abc", nil), 404, "a bad attachment id")
		expect(t, e.req("editor", "GET", "/sheets/abc/attachments", nil), 404, "a bad sheet id")
	})
}

// TestAttachmentBadInput: a file of the wrong kind (whatever its name
// says), too large, empty or missing, a missing title, an unknown language
// or revision, an unknown sheet: each gets a clear error in Italian and
// English, and nothing is stored.
func TestAttachmentBadInput(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		sid, rev := e.publishedSheet("lodi", "operators")
		ok := map[string]string{"title": "Modulo"}
		fieldOf := func(r resp) string {
			f, _ := r.Body["error"].(map[string]any)["fields"].([]any)
			if len(f) == 0 {
				return ""
			}
			return f[0].(map[string]any)["field"].(string)
		}
		msg := func(r resp) string { return r.Body["error"].(map[string]any)["message"].(string) }
		exe := []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + strings.Repeat("\x00", 64))
		for _, c := range []struct {
			what         string
			fields       map[string]string
			name         string
			data         []byte
			status       int
			field        string
			itMsg, enMsg string
		}{
			{"an executable named .pdf", ok, "modulo.pdf", exe, 415, "", "Tipo di file non ammesso", "File type not allowed"},
			{"a web page named .odt", ok, "modulo.odt", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 415, "", "Tipo di file non ammesso", "File type not allowed"},
			{"an SVG image", ok, "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), 415, "", "Tipo di file non ammesso", "File type not allowed"},
			{"a zip that is no document", ok, "modulo.docx", samplefiles.ZIP("a.txt", "ciao"), 415, "", "Tipo di file non ammesso", "File type not allowed"},
			{"a file over 1 MB", ok, "grande.pdf", append(append([]byte{}, form...), bytes.Repeat([]byte("0"), 1<<20)...), 413, "", "al massimo 1 MB", "at most 1 MB"},
			{"an empty file", ok, "vuoto.pdf", nil, 422, "file", "vuoto", "empty"},
			{"no file", ok, "", nil, 422, "file", "vuoto", "empty"},
			{"no title", map[string]string{"lang": "ar"}, "modulo.pdf", form, 422, "title", "", ""},
			{"a blank title", map[string]string{"title": "   "}, "modulo.pdf", form, 422, "title", "", ""},
			{"an unknown language", map[string]string{"title": "Modulo", "lang": "xx"}, "modulo.pdf", form, 422, "lang", "codice di lingua", "language code"},
			{"a revision that is not a number", map[string]string{"title": "Modulo", "revision_id": "uno"}, "modulo.pdf", form, 422, "revision_id", "", ""},
			{"a revision of another sheet", map[string]string{"title": "Modulo", "revision_id": "999999"}, "modulo.pdf", form, 422, "revision_id", "", ""},
			{"the published revision", map[string]string{"title": "Modulo", "revision_id": fmt.Sprint(rev)}, "modulo.pdf", form, 409, "", "già stata esaminata", "already reviewed"},
		} {
			for _, lang := range []string{"it", "en"} {
				r := expect(t, e.upload("editor", sid, c.fields, c.name, c.data, "Accept-Language", lang), c.status, c.what+" ("+lang+")")
				if fieldOf(r) != c.field {
					t.Errorf("%s: field %q, want %q; %s", c.what, fieldOf(r), c.field, r.Raw)
				}
				want := c.itMsg
				if lang == "en" {
					want = c.enMsg
				}
				if !strings.Contains(string(r.Raw), want) {
					t.Errorf("%s (%s): %q does not say %q", c.what, lang, msg(r), want)
				}
			}
		}
		expect(t, e.upload("editor", 999999, ok, "modulo.pdf", form), 404, "an unknown sheet")
		if e.attachmentRows() != 0 || e.storedFiles() != 0 {
			t.Fatalf("bad input stored %d rows, %d files", e.attachmentRows(), e.storedFiles())
		}
		// Exactly the limit is fine.
		exact := append(append([]byte{}, form...), bytes.Repeat([]byte("0"), 1<<20-len(form))...)
		expect(t, e.upload("editor", sid, ok, "esatto.pdf", exact), 201, "a file of exactly 1 MB")
	})
}

// TestAttachmentKinds: each kind of office document and form is told by
// its content and downloaded with its type; the limits are published.
func TestAttachmentKinds(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		sid, _ := e.publishedSheet("lodi", "operators")
		var img bytes.Buffer
		m := image.NewGray(image.Rect(0, 0, 4, 4))
		m.Set(1, 1, color.White)
		png.Encode(&img, m)
		rows := [][]string{{"documento", "dove"}, {"passaporto", "Questura"}}
		for _, c := range []struct {
			name, ctype string
			data        []byte
		}{
			{"modulo.odt", "application/vnd.oasis.opendocument.text", samplefiles.ODT("Modulo", "Nome e cognome")},
			{"elenco.ods", "application/vnd.oasis.opendocument.spreadsheet", samplefiles.ODS(rows...)},
			{"modulo.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", samplefiles.DOCX("Modulo")},
			{"elenco.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", samplefiles.XLSX(rows...)},
			{"elenco.csv", "text/csv", []byte("documento,dove\npassaporto,Questura\ncodice fiscale,Agenzia delle Entrate\n")},
			{"istruzioni.txt", "text/plain", []byte("Portare due fotografie formato tessera.\n")},
			{"scansione.png", "image/png", img.Bytes()},
			// The declared name and extension play no part.
			{"modulo.txt", "application/pdf", form},
		} {
			r := expect(t, e.upload("editor", sid, map[string]string{"title": "File " + c.name}, c.name, c.data), 201, c.name)
			if r.data()["content_type"] != c.ctype {
				t.Errorf("%s: %s", c.name, r.Raw)
			}
			dl := expect(t, e.req("operator", "GET", fmt.Sprintf("/sheets/%d/attachments/%d", sid, id(r)), nil), 200, "download "+c.name)
			if dl.Header.Get("Content-Type") != c.ctype || !bytes.Equal(dl.Raw, c.data) {
				t.Errorf("%s downloaded as %q", c.name, dl.Header.Get("Content-Type"))
			}
		}
		s := expect(t, e.req("", "GET", "/settings", nil), 200, "settings").data()
		if s["max_attachment_bytes"] != float64(1<<20) || len(s["attachment_types"].([]any)) != len(toolkit.DefaultAttachmentTypes) {
			t.Errorf("settings: %v", s)
		}
	})
}

// TestAttachmentsWithAProposal: a file added with a proposed change does
// not show on the published sheet until an editor publishes that change;
// until then only the editors, the sheet's owner and the change's author
// see it. A rejected change takes its files with it. A rollback brings
// back the files of the revision rolled back to.
func TestAttachmentsWithAProposal(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		sid, first := e.publishedSheet("lodi", "operators")
		path := fmt.Sprint("/sheets/", sid)
		modulo := id(expect(t, e.upload("editor", sid, map[string]string{"title": "Modulo"}, "modulo.pdf", form), 201, "the editor's form"))

		// operator2 proposes a change and attaches a checklist to it.
		change := func(who string, base int64, note string) int64 {
			t.Helper()
			return id(expect(t, e.req(who, "POST", path+"/revisions", map[string]any{"base_id": base, "title": "Ricongiungimento familiare: il nulla osta",
				"sections": map[string]string{"what": "Il nulla osta, con l'elenco dei documenti. " + note}}), 201, "a proposed change"))
		}
		second := change("operator2", first, "Seconda versione.")
		elenco := expect(t, e.upload("operator2", sid, map[string]string{"title": "Elenco dei documenti", "lang": "it", "revision_id": fmt.Sprint(second)},
			"elenco.odt", samplefiles.ODT("Elenco dei documenti", "Passaporto")), 201, "a file with the proposal")
		if d := elenco.data(); d["status"] != "pending" || d["revision_id"] != float64(second) {
			t.Fatalf("pending file: %s", elenco.Raw)
		}
		elencoFile := fmt.Sprintf("%s/attachments/%d", path, id(elenco))
		// Someone else's proposal takes no files from them.
		expect(t, e.upload("operator", sid, map[string]string{"title": "Intruso", "revision_id": fmt.Sprint(second)}, "x.pdf", form), 403, "a file on someone else's proposal")

		// The published sheet is unchanged for everybody.
		for _, who := range []string{"operator", "operator2", "mediator", "editor"} {
			if got := e.shownFiles(who, sid); got != "Modulo:published" {
				t.Errorf("the sheet as %s shows %q before the change is published", who, got)
			}
		}
		// The change's author, the owner and the editors see the pending file.
		for _, who := range []string{"operator2", "operator", "editor"} {
			if got := e.sheetFiles(who, sid); got != "Modulo:published,Elenco dei documenti:pending" {
				t.Errorf("%s lists %q", who, got)
			}
			expect(t, e.req(who, "GET", elencoFile, nil), 200, who+" downloads the pending file")
		}
		if got := e.sheetFiles("mediator", sid); got != "Modulo:published" {
			t.Errorf("a colleague lists %q", got)
		}
		expect(t, e.req("mediator", "GET", elencoFile, nil), 404, "a colleague downloads the pending file")
		expect(t, e.req("cremaEditor", "GET", elencoFile, nil), 404, "another ambito downloads the pending file")
		expect(t, e.req("mediator", "DELETE", elencoFile, nil), 404, "a colleague removes the pending file")
		// Reading a file waiting for a proposal is audited.
		if n := e.audited("toolkit.attachment.read"); n != 3 {
			t.Errorf("%d reads of the pending file audited, want 3", n)
		}

		// The editor publishes the change: the file reaches the sheet, and the
		// revision carries the list.
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": second}), 200, "publish the change")
		if got := e.shownFiles("mediator", sid); got != "Modulo:published,Elenco dei documenti:published" {
			t.Fatalf("after publication the sheet shows %q", got)
		}
		expect(t, e.req("mediator", "GET", elencoFile, nil), 200, "a colleague downloads the published file")
		revs := expect(t, e.req("editor", "GET", path+"/revisions", nil), 200, "revisions").list()
		lists := map[float64]string{}
		for _, r := range revs {
			m := r.(map[string]any)
			b, _ := json.Marshal(m["attachment_ids"])
			lists[m["id"].(float64)] = string(b)
		}
		if lists[float64(first)] != fmt.Sprintf("[%d]", modulo) || lists[float64(second)] != fmt.Sprintf("[%d,%d]", modulo, id(elenco)) {
			t.Fatalf("the revisions carry %v", lists)
		}

		// A rejected change takes its file with it.
		third := change("operator2", second, "Terza versione.")
		bozza := id(expect(t, e.upload("operator2", sid, map[string]string{"title": "Bozza", "revision_id": fmt.Sprint(third)}, "bozza.txt", []byte("una bozza\n")), 201, "a file with another proposal"))
		// Its author may take it back, and add another.
		expect(t, e.req("operator2", "DELETE", fmt.Sprintf("%s/attachments/%d", path, bozza), nil), 204, "the author removes a pending file")
		bozza = id(expect(t, e.upload("operator2", sid, map[string]string{"title": "Bozza", "revision_id": fmt.Sprint(third)}, "bozza.txt", []byte("una bozza\n")), 201, "again"))
		rows, stored := e.attachmentRows(), e.storedFiles()
		expect(t, e.req("editor", "POST", path+"/reject", map[string]any{"revision_id": third, "note": "No"}), 200, "reject")
		if e.attachmentRows() != rows-1 || e.storedFiles() != stored-1 {
			t.Fatalf("the rejected change's file is still there: %d rows, %d files", e.attachmentRows(), e.storedFiles())
		}
		expect(t, e.req("editor", "GET", fmt.Sprintf("%s/attachments/%d", path, bozza), nil), 404, "the rejected change's file")
		expect(t, e.upload("operator2", sid, map[string]string{"title": "Tardi", "revision_id": fmt.Sprint(third)}, "tardi.txt", []byte("tardi\n")), 409, "a file on a rejected change")

		// Rolling back to the first revision brings back its files: the
		// checklist goes (kept, since the second revision lists it), and
		// rolling forward to the second brings it back.
		expect(t, e.req("editor", "POST", path+"/rollback", map[string]any{"revision_id": first}), 200, "roll back to the first")
		if got := e.shownFiles("operator", sid); got != "Modulo:published" {
			t.Fatalf("after the rollback the sheet shows %q", got)
		}
		expect(t, e.req("editor", "GET", elencoFile, nil), 404, "a file the rollback took off")
		expect(t, e.req("editor", "POST", path+"/rollback", map[string]any{"revision_id": second}), 200, "roll back to the second")
		if got := e.shownFiles("operator", sid); got != "Modulo:published,Elenco dei documenti:published" {
			t.Fatalf("after rolling forward the sheet shows %q", got)
		}
		dl := expect(t, e.req("operator", "GET", elencoFile, nil), 200, "the file is back")
		if dl.Header.Get("Content-Type") != "application/vnd.oasis.opendocument.text" {
			t.Errorf("type %q", dl.Header.Get("Content-Type"))
		}

		// An editor's removal of a file earlier revisions list keeps it for
		// them: a rollback to the first revision would bring the form back.
		rows, stored = e.attachmentRows(), e.storedFiles()
		expect(t, e.req("editor", "DELETE", fmt.Sprintf("%s/attachments/%d", path, modulo), nil), 204, "remove the form")
		if e.shownFiles("operator", sid) != "Elenco dei documenti:published" || e.attachmentRows() != rows || e.storedFiles() != stored {
			t.Fatalf("after removing the form: %q, %d rows, %d files", e.shownFiles("operator", sid), e.attachmentRows(), e.storedFiles())
		}
		expect(t, e.req("operator", "GET", fmt.Sprintf("%s/attachments/%d", path, modulo), nil), 404, "the removed form")
		expect(t, e.req("editor", "POST", path+"/rollback", map[string]any{"revision_id": first}), 200, "roll back to the first again")
		if got := e.shownFiles("operator", sid); got != "Modulo:published" {
			t.Fatalf("the second rollback shows %q", got)
		}
	})
}

// TestAttachmentsOfADraft: the files of a sheet never published are its
// draft's: its author and the editors see them (audited), nobody else;
// they follow the draft to its next version and reach the sheet when it
// is published.
func TestAttachmentsOfADraft(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		in := sheetInput(false)
		in["ambito"] = "lodi"
		r := expect(t, e.req("operator", "POST", "/sheets", in), 201, "a draft")
		sid, first := id(r), revID(r)
		path := fmt.Sprint("/sheets/", sid)
		up := expect(t, e.upload("operator", sid, map[string]string{"title": "Modulo", "lang": "ar"}, "modulo.docx", samplefiles.DOCX("نموذج")), 201, "a file on the draft")
		if d := up.data(); d["status"] != "pending" || d["revision_id"] != float64(first) || d["lang"] != "ar" {
			t.Fatalf("draft's file: %s", up.Raw)
		}
		file := fmt.Sprintf("%s/attachments/%d", path, id(up))
		for _, who := range []string{"", "operator2", "cremaEditor"} {
			expect(t, e.req(who, "GET", path+"/attachments", nil), 404, "a draft's files listed by "+who)
			expect(t, e.req(who, "GET", file, nil), 404, "a draft's file read by "+who)
		}
		expect(t, e.upload("operator2", sid, map[string]string{"title": "Intruso"}, "x.pdf", form), 404, "a colleague adds a file to someone's draft")
		for _, who := range []string{"operator", "editor"} {
			if got := e.shownFiles(who, sid); got != "Modulo:pending" {
				t.Errorf("the draft as %s shows %q", who, got)
			}
		}
		before := e.audited("toolkit.attachment.list") + e.audited("toolkit.attachment.read")
		e.sheetFiles("operator", sid)
		expect(t, e.req("editor", "GET", file, nil), 200, "the editor reads the draft's file")
		if after := e.audited("toolkit.attachment.list") + e.audited("toolkit.attachment.read"); after != before+2 {
			t.Errorf("reading a draft's files audited %d times, want 2", after-before)
		}

		// The next version of the draft carries the file on.
		next := sheetInput(true)
		next["base_id"] = first
		delete(next, "audience")
		delete(next, "topics")
		second := id(expect(t, e.req("operator", "POST", path+"/revisions", next), 201, "the second draft"))
		list := expect(t, e.req("operator", "GET", path+"/attachments", nil), 200, "files").list()
		if len(list) != 1 || list[0].(map[string]any)["revision_id"] != float64(second) {
			t.Fatalf("the file did not follow the draft: %v", list)
		}
		expect(t, e.req("editor", "POST", path+"/publish", map[string]any{"revision_id": second}), 200, "publish")
		if got := e.shownFiles("operator2", sid); got != "Modulo:published" {
			t.Fatalf("published, the sheet shows %q", got)
		}
		expect(t, e.req("operator2", "GET", file, nil), 200, "a colleague reads the published file")
		// Archived, it takes no more changes.
		expect(t, e.req("editor", "POST", path+"/archive", nil), 200, "archive")
		expect(t, e.upload("editor", sid, map[string]string{"title": "Tardi"}, "x.pdf", form), 409, "a file on an archived sheet")
		expect(t, e.req("editor", "DELETE", file, nil), 409, "removing a file of an archived sheet")
	})
}

// TestAttachmentsOfNetworkSheets: any ambito's editors change the files of
// the network's sheets; the files of a handout for citizens are read by
// anyone, those of a sheet for operators by the network only.
func TestAttachmentsOfNetworkSheets(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		ops, _ := e.publishedSheet("", "operators")
		hand, _ := e.publishedSheet("", "citizens")
		a := id(expect(t, e.upload("cremaEditor", ops, map[string]string{"title": "Modulo"}, "m.pdf", form), 201, "another ambito's editor on a network sheet"))
		b := id(expect(t, e.upload("cremaEditor", hand, map[string]string{"title": "Modulo", "lang": "en"}, "m.pdf", form), 201, "on a network handout"))
		expect(t, e.upload("cremaOperator", ops, map[string]string{"title": "Modulo"}, "m.pdf", form), 403, "an operator on a network sheet")
		expect(t, e.req("cremaOperator", "DELETE", fmt.Sprintf("/sheets/%d/attachments/%d", ops, a), nil), 403, "an operator removes a network sheet's file")
		expect(t, e.req("", "GET", fmt.Sprintf("/sheets/%d/attachments/%d", hand, b), nil), 200, "anyone reads a handout's file")
		expect(t, e.req("", "GET", fmt.Sprintf("/sheets/%d/attachments", hand), nil), 200, "anyone lists a handout's files")
		expect(t, e.req("", "GET", fmt.Sprintf("/sheets/%d/attachments/%d", ops, a), nil), 404, "anyone reads an operators' sheet's file")
		expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/sheets/%d/attachments/%d", ops, a), nil), 200, "the network reads it")
		expect(t, e.req("editor", "DELETE", fmt.Sprintf("/sheets/%d/attachments/%d", ops, a), nil), 204, "lodi's editor removes it")
	})
}
