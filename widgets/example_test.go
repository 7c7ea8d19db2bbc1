package widgets_test

import (
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/incrocicomuni/incroci/widgets"
)

// The platform mounts the handler under <mount>/widgets/ with the prefix
// stripped; an ambito page then loads a widget with one script tag.
func Example() {
	mux := http.NewServeMux()
	mux.Handle("/incroci/widgets/", http.StripPrefix("/incroci/widgets", widgets.Handler()))

	res := httptest.NewRecorder()
	mux.ServeHTTP(res, httptest.NewRequest("GET", "/incroci/widgets/signin.js", nil))
	fmt.Println(res.Code, res.Header().Get("Content-Type"))
	fmt.Println(res.Header().Get("Cache-Control"))
	// Output:
	// 200 text/javascript; charset=utf-8
	// public, max-age=300, must-revalidate
}

// Names lists the widgets; each is served as <name>.js.
func ExampleNames() {
	for _, n := range widgets.Names() {
		fmt.Println(n + ".js")
	}
	// Output:
	// console.js
	// console-desks.js
	// console-helpdesk.js
	// console-register.js
	// console-sources.js
	// console-surveys.js
	// console-toolkit.js
	// console-training.js
	// console-translations.js
	// console-treports.js
	// directory.js
	// directory-map.js
	// helpdesk.js
	// mediation.js
	// signin.js
	// survey.js
	// toolkit.js
	// toolkit-propose.js
	// training.js
}

// A demo page loads the content-hashed file, cached for a year, and pins
// it with Subresource Integrity.
func ExamplePath() {
	page := template.Must(template.New("demo").Funcs(template.FuncMap{
		"path":      widgets.Path,
		"integrity": widgets.Integrity,
	}).Parse(`<script src="{{.Mount}}/widgets{{path "signin"}}" integrity="{{integrity "signin"}}" crossorigin="anonymous" async></script>
<incroci-signin ambito="lodi" hub="{{.Mount}}"></incroci-signin>
`))
	page.Execute(os.Stdout, struct{ Mount string }{"https://hub.example.it/incroci"})
}
