package httpx

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
)

// Route is one line of a module's route table: the method, the path, who may
// call it (Access, nil for anyone) and the handler.
type Route struct {
	Method  string
	Path    string
	Access  gin.HandlerFunc
	Handler gin.HandlerFunc
}

// Register adds the routes to g, and one OPTIONS route per path so that CORS
// preflight requests reach the group's middleware.
func Register(g gin.IRouter, routes []Route) {
	seen := map[string]bool{}
	for _, rt := range routes {
		hs := []gin.HandlerFunc{}
		if rt.Access != nil {
			hs = append(hs, rt.Access)
		}
		hs = append(hs, rt.Handler)
		g.Handle(rt.Method, rt.Path, hs...)
		if !seen[rt.Path] {
			seen[rt.Path] = true
			g.OPTIONS(rt.Path, func(c *gin.Context) { c.Status(http.StatusNoContent) })
		}
	}
}

// Recover turns a panic in a handler into a logged 500 with the error body.
func Recover() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				Logger(c).ErrorContext(c.Request.Context(), "panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					Fail(c, fmt.Errorf("panic: %v", r))
				} else {
					c.Abort()
				}
			}
		}()
		c.Next()
	}
}
