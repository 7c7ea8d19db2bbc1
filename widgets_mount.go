package incroci

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/widgets"
)

// mountWidgets serves the widgets' scripts under /widgets/. They are public,
// cacheable code loaded by any ambito's site, so they sit outside the CORS
// gate that guards the API.
func mountWidgets(r gin.IRouter) {
	h := widgets.Handler()
	serve := func(c *gin.Context) {
		req := c.Request.Clone(c.Request.Context())
		req.URL.Path = c.Param("file")
		req.URL.RawPath = ""
		h.ServeHTTP(c.Writer, req)
	}
	r.GET("/widgets/*file", serve)
	r.HEAD("/widgets/*file", serve)
}

// WidgetsHandler returns the handler of the widgets' scripts, for partners
// who serve them from another path or server; Mount already serves them.
func WidgetsHandler() http.Handler { return widgets.Handler() }
