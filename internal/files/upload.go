package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gabriel-vasile/mimetype"
	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// Errors of Judge and FormFile; each module answers them with its own
// message (the accepted types differ from module to module).
var (
	// ErrEmpty: the file holds no bytes, or the request carries none.
	ErrEmpty = errors.New("files: empty or missing file")
	// ErrType: the content is not of an accepted type.
	ErrType = errors.New("files: file type not accepted")
)

// Upload is a file read whole and judged by Judge.
type Upload struct {
	// Data are the file's bytes.
	Data []byte
	// Name is the file's name, cleaned by CleanName.
	Name string
	// Type is the content type its bytes show (no parameters).
	Type string
	// SHA256 is the hex SHA-256 of Data.
	SHA256 string
}

// Reader returns a reader of the file's bytes.
func (u *Upload) Reader() io.Reader { return bytes.NewReader(u.Data) }

// Size is the file's length in bytes.
func (u *Upload) Size() int64 { return int64(len(u.Data)) }

// Judge reads the file r, named name, and checks it: at most max bytes
// (*httpx.TooLargeError), not empty (ErrEmpty), and of one of types as its
// content shows (ErrType), whatever its name or declared type say.
func Judge(r io.Reader, name string, max int64, types []string) (*Upload, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("files: read upload: %w", err)
	}
	if int64(len(data)) > max {
		return nil, &httpx.TooLargeError{Limit: max}
	}
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	ctype := Sniff(data)
	if !slices.Contains(types, ctype) {
		return nil, ErrType
	}
	sum := sha256.Sum256(data)
	return &Upload{Data: data, Name: CleanName(name), Type: ctype, SHA256: hex.EncodeToString(sum[:])}, nil
}

// Sniff returns the content type data shows, without parameters (so
// "text/plain", not "text/plain; charset=utf-8").
func Sniff(data []byte) string {
	ctype := mimetype.Detect(data).String()
	if i := strings.IndexByte(ctype, ';'); i >= 0 {
		ctype = strings.TrimSpace(ctype[:i])
	}
	return ctype
}

// CleanName keeps the base name, without control characters, at most 200
// characters; the name is shown as text, never used as a path.
func CleanName(name string) string {
	// Browsers escape these three in multipart file names (HTML's form
	// encoding); take them back before judging the name.
	name = strings.NewReplacer("%22", `"`, "%0D", "\r", "%0A", "\n").Replace(name)
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	return name
}

// FormFile returns the file in the multipart field of the request, whose
// body may hold at most max bytes of file (plus room for the form's other
// fields): *httpx.TooLargeError above that, ErrEmpty when the field is
// missing. The form's other fields are then read with c.PostForm.
func FormFile(c *gin.Context, field string, max int64) (*multipart.FileHeader, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max+64<<10)
	fh, err := c.FormFile(field)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &httpx.TooLargeError{Limit: max}
		}
		return nil, ErrEmpty
	}
	return fh, nil
}

// Answers are a module's answers to the files Judge refuses: the message
// key of an empty file (invalid, on the field "file"), the problem of a
// type not accepted, and the one of a file too large (wrapped around the
// size error, see TooLarge; nil leaves the size error as it is).
type Answers struct {
	EmptyKey string
	Type     error
	TooLarge error
}

// Judge judges r as the package's Judge does, answering its refusals with
// a's.
func (a Answers) Judge(r io.Reader, name string, max int64, types []string) (*Upload, error) {
	u, err := Judge(r, name, max, types)
	switch {
	case errors.Is(err, ErrEmpty):
		return nil, httpx.Invalid("file", "required", a.EmptyKey)
	case errors.Is(err, ErrType):
		return nil, a.Type
	case err != nil && a.TooLarge != nil:
		return nil, TooLarge(err, a.TooLarge)
	}
	return u, err
}

// TooLarge wraps problem around the *httpx.TooLargeError in err (from
// Judge or FormFile), so that the module's own "too large" answer names
// the limit; any other err comes back as it is.
func TooLarge(err, problem error) error {
	var tl *httpx.TooLargeError
	if errors.As(err, &tl) {
		return fmt.Errorf("%w: %w", problem, tl)
	}
	return err
}

// Serve sends a stored file as a download: its type, its name, and
// headers that keep browsers from running or guessing it (nosniff, a
// sandboxing CSP) and caches from keeping it.
func Serve(c *gin.Context, name, ctype string, size int64, r io.Reader) {
	hd := c.Writer.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Content-Length", strconv.FormatInt(size, 10))
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, r); err != nil {
		httpx.Logger(c).WarnContext(c.Request.Context(), "files: send file", "err", err)
	}
}
