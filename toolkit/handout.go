package toolkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

//go:embed templates/handout.html
var handoutFS embed.FS

var handoutTmpl = template.Must(template.ParseFS(handoutFS, "templates/handout.html"))

// HandoutColumn is one language of a handout.
type HandoutColumn struct {
	Lang, Dir, Heading, Missing string
	Sections                    []HandoutSection
}

// HandoutSection is one section of a column: its heading and its
// sanitised HTML.
type HandoutSection struct {
	Label string
	HTML  template.HTML
}

// Handout is a sheet laid out to be printed: Italian and another language
// side by side, the day the version is valid from, and a QR code to the
// live version.
type Handout struct {
	Title, ValidFrom, Live, Ambito, Nonce string
	// QR is the code's PNG as a data: URL (built here, never from input).
	QR       template.URL
	Outdated bool
	Columns  []HandoutColumn
	// PDF is the link to the same handout as a PDF, relative to the page
	// (handout.pdf?lang=…); "" when the toolkit has no Printer.
	PDF string
}

// Handout lays out the published sheet id for print, Italian beside lang
// (the translation's text when there is one, a note saying it is missing
// otherwise), for whoever may read the sheet (anyone, for a citizens'
// handout of the network).
func (t *Toolkit) Handout(ctx context.Context, id int64, lang string) (*Handout, error) {
	g := grantFrom(ctx)
	if g != nil && (g.id != id || g.lang != lang) {
		return nil, ErrHandoutLink
	}
	v, err := t.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.PublishedID == nil {
		return nil, ErrSheetNotFound
	}
	other := language(lang)
	if err := checkHandoutLang(lang); err != nil {
		return nil, err
	}
	valid := v.CreatedAt
	if v.PublishedAt != nil {
		valid = *v.PublishedAt
	}
	live := t.liveURL(id)
	png, err := qrcode.Encode(live, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("toolkit: QR code: %w", err)
	}
	h := &Handout{Title: v.Revision.Title, ValidFrom: valid.In(rome).Format("02/01/2006"), Live: live, Ambito: v.Ambito, Outdated: v.Outdated,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
	if h.Ambito == "" {
		h.Ambito = "tutta la rete"
	}
	it := HandoutColumn{Lang: "it", Dir: "ltr", Heading: "Italiano"}
	for _, k := range SectionKeys {
		if html, ok := v.HTML[k]; ok {
			it.Sections = append(it.Sections, HandoutSection{Label: SectionLabel(k, "it"), HTML: template.HTML(html)})
		}
	}
	h.Columns = []HandoutColumn{it}
	if other != nil {
		col := HandoutColumn{Lang: other.Code, Dir: other.Direction, Heading: other.NameNative}
		tr, err := t.Translations(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, x := range tr {
			if x.Code != other.Code || x.Translation == nil {
				continue
			}
			col.Heading = x.Translation.Title + " · " + other.NameNative
			for _, k := range SectionKeys {
				if html, ok := x.HTML[k]; ok {
					col.Sections = append(col.Sections, HandoutSection{Label: SectionLabel(k, "it"), HTML: template.HTML(html)})
				}
			}
		}
		if len(col.Sections) == 0 {
			col.Missing = "Traduzione non ancora disponibile: chiedila a un mediatore. Translation not available yet."
		}
		h.Columns = append(h.Columns, col)
	}
	if t.cfg.Printer != nil {
		q := url.Values{}
		if other != nil {
			q.Set("lang", other.Code)
		}
		if g != nil {
			q.Set("key", g.key)
		}
		h.PDF = "handout.pdf"
		if len(q) > 0 {
			h.PDF += "?" + q.Encode()
		}
	}
	return h, nil
}

// PrintedHandout is a handout printed to PDF.
type PrintedHandout struct {
	// Filename names the file for a download: scheda-<title>-it-<lang>.pdf.
	Filename string
	// PDF is the document.
	PDF []byte
}

// PrintHandout prints the handout of sheet id (see Handout, whose rules of
// access and errors it shares) to PDF with the toolkit's Printer. It
// returns ErrNoPrinter when the toolkit has none and ErrPrintFailed when
// the printer fails (the cause is logged).
func (t *Toolkit) PrintHandout(ctx context.Context, id int64, lang string) (*PrintedHandout, error) {
	h, err := t.Handout(ctx, id, lang)
	if err != nil {
		return nil, err
	}
	if t.cfg.Printer == nil {
		return nil, ErrNoPrinter
	}
	h.PDF = ""
	page, err := RenderHandout(h, newNonce())
	if err != nil {
		return nil, err
	}
	doc, err := t.cfg.Printer.Print(ctx, page)
	if err != nil {
		if ctx.Err() == nil { // not a caller who went away
			t.log.ErrorContext(ctx, "toolkit: print handout", "sheet", id, "lang", lang, "err", err)
		}
		return nil, fmt.Errorf("%w: sheet %d: %w", ErrPrintFailed, id, err)
	}
	return &PrintedHandout{Filename: handoutFilename(id, h), PDF: doc}, nil
}

// handoutFilename is scheda-<slug of the Italian title>-it[-<lang>].pdf,
// with the sheet's id when the title leaves no letters.
func handoutFilename(id int64, h *Handout) string {
	var b strings.Builder
	dash := false
	for _, r := range fold(h.Title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= 60 {
				break
			}
		} else {
			dash = true
		}
	}
	slug := b.String()
	if slug == "" {
		slug = fmt.Sprint(id)
	}
	name := "scheda-" + slug
	for _, c := range h.Columns {
		name += "-" + c.Lang
	}
	return name + ".pdf"
}

// liveURL is the address of the live version of sheet id: the toolkit's
// page (Config.LinkPage) when set, else the sheet in the API.
func (t *Toolkit) liveURL(id int64) string {
	if t.cfg.LinkPage != "" {
		u, err := url.Parse(t.cfg.LinkPage)
		if err == nil {
			q := u.Query()
			q.Set("incroci_sheet", fmt.Sprint(id))
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	return fmt.Sprintf("%s/toolkit/sheets/%d", t.p.PublicURL(), id)
}

// RenderHandout writes h as an HTML page with its print stylesheet; nonce
// is the Content-Security-Policy nonce of its style and script.
func RenderHandout(h *Handout, nonce string) ([]byte, error) {
	h.Nonce = nonce
	var buf bytes.Buffer
	if err := handoutTmpl.Execute(&buf, h); err != nil {
		return nil, fmt.Errorf("toolkit: render handout: %w", err)
	}
	return buf.Bytes(), nil
}

func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}
