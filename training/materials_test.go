package training_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/internal/samplefiles"
)

// addFile sends a file (none when name is "") titled title to
// POST /courses/{course}/files as who.
func (e *env) addFile(who string, course any, title, name string, data []byte, headers ...string) resp {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if title != "" {
		w.WriteField("title", title)
	}
	if name != "" {
		part, _ := w.CreateFormFile("file", name)
		part.Write(data)
	}
	w.Close()
	return e.send(who, "POST", fmt.Sprintf("/courses/%v/files", course), w.FormDataContentType(), &body, headers...)
}

// countFiles counts the rows of courses' files.
func (e *env) countFiles() int64 {
	e.t.Helper()
	var n int64
	if err := e.db.Table("incroci_training_files").Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestCourseFiles(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		c := e.course("coordinator", "lodi", "operator", "mediator")
		slides := samplefiles.PDF("Ricongiungimento familiare", "Slide dell'incontro")

		// The coordinator and the course's trainer add files; the type is
		// the content's.
		f := expect(t, e.addFile("coordinator", c, "Slide del primo incontro", "slide.pdf", slides), 201, "coordinator adds").data()
		if f["content_type"] != "application/pdf" || f["name"] != "slide.pdf" || f["size"].(float64) != float64(len(slides)) || f["title"] != "Slide del primo incontro" {
			t.Errorf("file: %v", f)
		}
		odt := samplefiles.ODT("Esercizio", "Un caso da discutere")
		g := expect(t, e.addFile("trainer", c, "Esercizio", "esercizio.bin", odt), 201, "trainer adds").data()
		if g["content_type"] != "application/vnd.oasis.opendocument.text" {
			t.Errorf("sniffed type: %v", g["content_type"])
		}

		// Bad input: refused with a clear message, nothing stored.
		before := e.countFiles()
		r := expect(t, e.addFile("coordinator", c, "Programma", "programma.pdf", []byte("MZ\x90\x00 not a document"), "Accept-Language", "it"), 415, "an executable")
		if !strings.Contains(string(r.Raw), "Questo tipo di file non è accettato") {
			t.Errorf("415: %s", r.Raw)
		}
		r = expect(t, e.addFile("coordinator", c, "Troppo", "grande.pdf", append(slides, bytes.Repeat([]byte(" "), 1<<20)...), "Accept-Language", "en"), 413, "too large")
		if !strings.Contains(string(r.Raw), "The file is too large: at most") {
			t.Errorf("413: %s", r.Raw)
		}
		if fs := expect(t, e.addFile("coordinator", c, "", "slide.pdf", slides), 422, "no title").fields(); len(fs) != 1 || fs[0] != "title" {
			t.Errorf("no title: %v", fs)
		}
		if fs := expect(t, e.addFile("coordinator", c, "Vuoto", "", nil), 422, "no file").fields(); len(fs) != 1 || fs[0] != "file" {
			t.Errorf("no file: %v", fs)
		}
		// Who does not teach or manage it: 403 if they read it, 404 if not,
		// before the file is judged.
		expect(t, e.addFile("operator", c, "Mio", "mio.pdf", slides), 403, "an operator adds")
		expect(t, e.addFile("cremaTrainer", c, "Suo", "suo.pdf", slides), 404, "crema's trainer adds")
		expect(t, e.addFile("cremaCoordinator", c, "Suo", "x.exe", []byte("MZ")), 404, "crema's coordinator, a bad file")
		if n := e.countFiles(); n != before {
			t.Errorf("bad input stored files: %d, then %d", before, n)
		}

		// Readers of the course see and download them; others do not.
		view := expect(t, e.req("operator", "GET", fmt.Sprintf("/courses/%v", c), nil), 200, "course").data()
		if fs := view["files"].([]any); len(fs) != 2 || fs[0].(map[string]any)["id"] != f["id"] {
			t.Errorf("the course's files: %v", fs)
		}
		dl := expect(t, e.req("mediator", "GET", fmt.Sprintf("/courses/%v/files/%v", c, f["id"]), nil), 200, "mediator downloads")
		if !bytes.Equal(dl.Raw, slides) || dl.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %d bytes, %v", len(dl.Raw), dl.Header)
		}
		expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/courses/%v/files/%v", c, f["id"]), nil), 404, "crema downloads")
		expect(t, e.req("cremaOperator", "GET", fmt.Sprintf("/courses/%v/files", c), nil), 404, "crema lists")
		if l := expect(t, e.req("operator", "GET", fmt.Sprintf("/courses/%v/files", c), nil), 200, "operator lists").list(); len(l) != 2 {
			t.Errorf("list: %v", l)
		}
		// A file of another course is not found through this one.
		other := e.course("coordinator", "lodi")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/courses/%v/files/%v", other, f["id"]), nil), 404, "through another course")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/courses/%v/files/x", c), nil), 404, "a bad id")

		// Removal: the trainer and the coordinator; not an operator.
		expect(t, e.req("operator", "DELETE", fmt.Sprintf("/courses/%v/files/%v", c, g["id"]), nil), 403, "operator removes")
		expect(t, e.req("trainer", "DELETE", fmt.Sprintf("/courses/%v/files/%v", c, g["id"]), nil), 204, "trainer removes")
		expect(t, e.req("coordinator", "DELETE", fmt.Sprintf("/courses/%v/files/%v", c, g["id"]), nil), 404, "removed twice")
		expect(t, e.req("operator", "GET", fmt.Sprintf("/courses/%v/files/%v", c, g["id"]), nil), 404, "a removed file")
		if n := e.countFiles(); n != 1 {
			t.Errorf("files left: %d", n)
		}
	})
}
