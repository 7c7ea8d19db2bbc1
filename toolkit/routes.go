package toolkit

import (
	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// routes is the module's one route table, relative to its mount point.
// Reading published sheets needs no sign-in (the services hide what the
// caller may not see); everything else does.
func (t *Toolkit) routes() []httpx.Route {
	signedIn := t.p.RequireAuth()
	anyone := func(c *gin.Context) {}
	return []httpx.Route{
		{Method: "GET", Path: "/topics", Access: anyone, Handler: t.handleTopics},
		{Method: "GET", Path: "/sheets", Access: anyone, Handler: t.handleList},
		{Method: "POST", Path: "/sheets", Access: signedIn, Handler: t.handlePropose},
		{Method: "GET", Path: "/sheets/:id", Access: anyone, Handler: t.handleGet},
		{Method: "GET", Path: "/sheets/:id/revisions", Access: anyone, Handler: t.handleRevisions},
		{Method: "POST", Path: "/sheets/:id/revisions", Access: signedIn, Handler: t.handleRevise},
		{Method: "GET", Path: "/sheets/:id/diff", Access: anyone, Handler: t.handleDiff},
		{Method: "POST", Path: "/sheets/:id/publish", Access: signedIn, Handler: t.handlePublish},
		{Method: "POST", Path: "/sheets/:id/reject", Access: signedIn, Handler: t.handleReject},
		{Method: "POST", Path: "/sheets/:id/rollback", Access: signedIn, Handler: t.handleRollback},
		{Method: "POST", Path: "/sheets/:id/archive", Access: signedIn, Handler: t.handleArchive},
		{Method: "GET", Path: "/sheets/:id/comments", Access: signedIn, Handler: t.handleComments},
		{Method: "POST", Path: "/sheets/:id/comments", Access: signedIn, Handler: t.handleComment},
		{Method: "POST", Path: "/sheets/:id/feedback", Access: anyone, Handler: t.handleGiveFeedback},
		{Method: "GET", Path: "/sheets/:id/feedback", Access: signedIn, Handler: t.handleFeedback},

		{Method: "GET", Path: "/search", Access: anyone, Handler: t.handleSearch},
		{Method: "GET", Path: "/glossary", Access: anyone, Handler: t.handleGlossary},
		{Method: "POST", Path: "/glossary", Access: signedIn, Handler: t.handleSaveTerm},
		{Method: "PUT", Path: "/glossary/:id", Access: signedIn, Handler: t.handleSaveTerm},
		{Method: "DELETE", Path: "/glossary/:id", Access: signedIn, Handler: t.handleDeleteTerm},
	}
}
