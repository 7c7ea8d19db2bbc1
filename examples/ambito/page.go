package main

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/widgets"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed static
var staticFS embed.FS

// pageCSP is the Content-Security-Policy of the demo ambito page: scripts,
// styles and API calls from the hub's own origin only, nothing inline. The
// widgets style their Shadow DOM with constructed stylesheets, which
// style-src does not block. Images may also come from OpenStreetMap's tile
// server: the directory's map draws its tiles.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' data: https://tile.openstreetmap.org; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// widgetName is what a widget's name may look like, so that it can make
// up the name of a custom element.
var widgetName = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

var pageTmpl = template.Must(template.ParseFS(templatesFS, "templates/index.html"))

// widgetTitles are the headings of the page's sections, per widget.
var widgetTitles = map[string]string{
	"signin":    "Accesso operatori",
	"console":   "Console: persone e ruoli, sportello, mediazione, sportelli, report",
	"helpdesk":  "Sportello giuridico: le mie consulenze",
	"mediation": "Mediazione linguistico-culturale: le mie richieste",
	"toolkit":   "Strumenti: schede, glossario e servizi",
	"directory": "Servizi sul territorio: il repertorio dell'ambito",
	"training":  "Formazione: corsi, iscrizioni, le mie ore, i miei attestati, check-in",
	"survey":    "Questionari: analisi dei fabbisogni e valutazione dei corsi",
}

// pageScript is one widget's script tag.
type pageScript struct {
	Src       string
	Integrity string
}

// pageWidget is one widget's section on the page.
type pageWidget struct {
	Name  string
	Title string
	// Element is the custom element, such as
	// <incroci-signin ambito="lodi" hub="/incroci"></incroci-signin>.
	Element template.HTML
}

// pageAccount is one demo account listed on the page.
type pageAccount struct {
	Email string
	Name  string
	Role  string
}

// pageData is what the page template shows.
type pageData struct {
	Ambito   string
	LeadBody string
	Slug     string
	// Emblem is the letter in the header's round emblem.
	Emblem   string
	Hub      string
	Scripts  []pageScript
	Widgets  []pageWidget
	Accounts []pageAccount
	// PublicURL is the hub's address, shown to explain where codes go.
	PublicURL string
}

// widgetOrder places the sign-in widget first, then the operators' help
// desk, then the rest.
func widgetOrder(name string) int {
	switch name {
	case "signin":
		return 0
	case "helpdesk":
		return 1
	case "mediation":
		return 2
	}
	return 3
}

// renderPage renders the demo ambito's home page once: it depends only on
// the embedded widgets and the demo data.
func renderPage(publicURL string) ([]byte, error) {
	d := pageData{
		Ambito:   "Ambito Distrettuale di Lodi",
		LeadBody: "Azienda Speciale Consortile del Lodigiano per i servizi alla persona",
		Slug:     demoAmbito,
		// Relative, so that the widgets call the origin the page came from,
		// which is all connect-src 'self' allows (localhost or 127.0.0.1).
		Hub:       mountPath,
		PublicURL: publicURL,
	}
	if ambiti, err := readAmbiti(); err == nil {
		for _, a := range ambiti {
			if a.Slug == demoAmbito {
				d.Ambito, d.LeadBody = a.Name, a.LeadBody
			}
		}
	}
	names := widgets.Elements()
	// The sign-in widget comes first: the others need a session.
	slices.SortStableFunc(names, func(a, b string) int {
		return cmp.Compare(widgetOrder(a), widgetOrder(b))
	})
	for _, name := range names {
		d.Scripts = append(d.Scripts, pageScript{Src: mountPath + "/widgets" + widgets.Path(name), Integrity: widgets.Integrity(name)})
		title := widgetTitles[name]
		if title == "" {
			title = name
		}
		if !widgetName.MatchString(name) {
			return nil, fmt.Errorf("render page: unexpected widget name %q", name)
		}
		el := fmt.Sprintf(`<incroci-%s ambito="%s" hub="%s"></incroci-%s>`,
			name, template.HTMLEscapeString(d.Slug), template.HTMLEscapeString(d.Hub), name)
		d.Widgets = append(d.Widgets, pageWidget{Name: name, Title: title, Element: template.HTML(el)})
	}
	for _, p := range demoPeople {
		if p.Ambito == demoAmbito {
			d.Accounts = append(d.Accounts, pageAccount{Email: p.Email(), Name: p.Name, Role: p.Roles[0].Label()})
		}
	}
	d.Accounts = append(d.Accounts, pageAccount{Email: adminEmail, Name: "Elena Ricci", Role: incroci.RoleAdmin.Label()})
	d.Emblem = strings.ToUpper(d.Slug[:1])
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render page: %w", err)
	}
	return buf.Bytes(), nil
}

// servePage writes the rendered page with its security headers.
func servePage(c *gin.Context, page []byte) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	// The sign-in link carries its token in the query: never send it on.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}
