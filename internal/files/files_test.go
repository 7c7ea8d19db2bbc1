package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/internal/files"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/samplefiles"
)

var office = []string{
	"application/pdf", "text/plain", "text/csv",
	"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// TestJudge: each kind of document is told by its bytes, whatever its
// name says; what is too large, empty or of another kind is refused.
func TestJudge(t *testing.T) {
	rows := [][]string{{"nome", "cognome"}, {"Amina", "B."}}
	for _, c := range []struct {
		name string
		data []byte
		want string
		err  error
	}{
		{"modulo.pdf", samplefiles.PDF("Modulo", "Città: ______"), "application/pdf", nil},
		{"modulo.odt", samplefiles.ODT("Modulo", "Città"), "application/vnd.oasis.opendocument.text", nil},
		{"elenco.ods", samplefiles.ODS(rows...), "application/vnd.oasis.opendocument.spreadsheet", nil},
		{"modulo.docx", samplefiles.DOCX("Modulo"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", nil},
		{"elenco.xlsx", samplefiles.XLSX(rows...), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil},
		{"elenco.csv", []byte("nome,cognome,comune\nAmina,B.,Lodi\nJosé,C.,Crema\n"), "text/csv", nil},
		// Semicolons, as Italian spreadsheets write them, read as plain text.
		{"elenco.csv", []byte("nome;cognome;comune\nAmina;B.;Lodi\n"), "text/plain", nil},
		{"note.txt", []byte("Portare il passaporto e due fotografie.\n"), "text/plain", nil},
		// A name or a declared type proves nothing.
		{"modulo.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "", files.ErrType},
		{"modulo.pdf", []byte("<!doctype html><script>alert(1)</script>"), "", files.ErrType},
		{"modulo.odt", []byte("PK\x03\x04" + strings.Repeat("\x00", 40)), "", files.ErrType},
		{"vuoto.pdf", nil, "", files.ErrEmpty},
	} {
		u, err := files.Judge(bytes.NewReader(c.data), c.name, 1<<20, office)
		if !errors.Is(err, c.err) || (err == nil && u.Type != c.want) {
			t.Errorf("%s: %v, %v; want %q, %v", c.name, u, err, c.want, c.err)
			continue
		}
		if err == nil && (u.Size() != int64(len(c.data)) || len(u.SHA256) != 64) {
			t.Errorf("%s: size %d, sha %q", c.name, u.Size(), u.SHA256)
		}
	}
	var tl *httpx.TooLargeError
	if _, err := files.Judge(bytes.NewReader(make([]byte, 1025)), "a.txt", 1024, office); !errors.As(err, &tl) || tl.Limit != 1024 {
		t.Errorf("oversized: %v", err)
	}
	if u, err := files.Judge(bytes.NewReader(bytes.Repeat([]byte("a"), 1024)), "a.txt", 1024, office); err != nil || u.Size() != 1024 {
		t.Errorf("exactly the limit: %v", err)
	}
}

// TestPDFOpens: the PDF builder writes a file a PDF reader accepts.
func TestPDFOpens(t *testing.T) {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Skip("pdfinfo (poppler-utils) not installed")
	}
	p := filepath.Join(t.TempDir(), "m.pdf")
	os.WriteFile(p, samplefiles.PDF("Promemoria (prova) \\ è", "una riga", "un'altra"), 0o600)
	out, err := exec.Command(bin, p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Pages:           1") || strings.Contains(string(out), "Syntax") {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		`../../etc/passwd`:       "passwd",
		`C:\Users\x\modulo.pdf`:  "modulo.pdf",
		"a\x00b\nc.pdf":          "abc.pdf",
		"":                       "file",
		"..":                     "file",
		strings.Repeat("é", 300): strings.Repeat("é", 200),
	} {
		if got := files.CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiskStore(t *testing.T) {
	ctx := context.Background()
	s, err := files.NewDiskStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := files.NewKey()
	if err := s.Put(ctx, key, strings.NewReader("ciao")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, key, strings.NewReader("di nuovo")); err == nil {
		t.Fatal("a key was written twice")
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "ciao" {
		t.Fatalf("read %q", b)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, files.ErrNoSuchFile) {
		t.Fatalf("open after delete: %v", err)
	}
	if err := s.Put(ctx, "../../x", strings.NewReader("x")); err == nil {
		t.Fatal("a key with a path was accepted")
	}
}

// TestTooLarge: the module's problem wraps the size error, which keeps its
// limit; other errors pass unchanged.
func TestTooLarge(t *testing.T) {
	problem := errors.New("too large for the module")
	_, err := files.Judge(bytes.NewReader(make([]byte, 11)), "a.txt", 10, office)
	err = files.TooLarge(err, problem)
	var tl *httpx.TooLargeError
	if !errors.Is(err, problem) || !errors.As(err, &tl) || tl.Limit != 10 {
		t.Errorf("TooLarge = %v", err)
	}
	other := errors.New("another")
	if got := files.TooLarge(other, problem); got != other {
		t.Errorf("TooLarge(other) = %v", got)
	}
}

// TestAnswers: a module's answers replace Judge's refusals; an accepted
// file comes through.
func TestAnswers(t *testing.T) {
	badType, tooLarge := errors.New("type"), errors.New("large")
	a := files.Answers{EmptyKey: "mod.file_empty", Type: badType, TooLarge: tooLarge}
	var ve *httpx.ValidationError
	if _, err := a.Judge(bytes.NewReader(nil), "a.txt", 10, office); !errors.As(err, &ve) || ve.Fields[0].Field != "file" || ve.Fields[0].Key != "mod.file_empty" {
		t.Errorf("empty: %v", err)
	}
	if _, err := a.Judge(bytes.NewReader([]byte("MZ\x90\x00\x03")), "a.pdf", 10, office); err != badType {
		t.Errorf("bad type: %v", err)
	}
	if _, err := a.Judge(bytes.NewReader(make([]byte, 11)), "a.txt", 10, office); !errors.Is(err, tooLarge) {
		t.Errorf("too large: %v", err)
	}
	var tl *httpx.TooLargeError
	if _, err := (files.Answers{EmptyKey: "k", Type: badType}).Judge(bytes.NewReader(make([]byte, 11)), "a.txt", 10, office); !errors.As(err, &tl) {
		t.Errorf("too large, no answer of the module's: %v", err)
	}
	if u, err := a.Judge(strings.NewReader("ciao"), "a.txt", 10, office); err != nil || u.Type != "text/plain" {
		t.Errorf("accepted: %+v %v", u, err)
	}
}
