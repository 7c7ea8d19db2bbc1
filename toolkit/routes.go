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
		{Method: "PATCH", Path: "/sheets/:id", Access: signedIn, Handler: t.handleUpdateSheet},
		{Method: "POST", Path: "/sheets/:id/checked", Access: signedIn, Handler: t.handleChecked},
		{Method: "GET", Path: "/sheets/:id/sources", Access: anyone, Handler: t.handleSheetSources},
		{Method: "PUT", Path: "/sheets/:id/sources", Access: signedIn, Handler: t.handleSetSheetSources},
		{Method: "GET", Path: "/queue", Access: signedIn, Handler: t.handleQueue},
		{Method: "GET", Path: "/sources", Access: signedIn, Handler: t.handleSources},
		{Method: "POST", Path: "/sources", Access: signedIn, Handler: t.handleCreateSource},
		{Method: "GET", Path: "/sources/:id", Access: signedIn, Handler: t.handleSource},
		{Method: "PATCH", Path: "/sources/:id", Access: signedIn, Handler: t.handleUpdateSource},
		{Method: "GET", Path: "/languages", Access: anyone, Handler: t.handleLanguages},
		{Method: "GET", Path: "/sheets/:id/translations", Access: anyone, Handler: t.handleTranslations},
		{Method: "PUT", Path: "/sheets/:id/translations/:lang", Access: signedIn, Handler: t.handleWriteTranslation},
		{Method: "POST", Path: "/sheets/:id/translations/:lang/check", Access: signedIn, Handler: t.handleCheckTranslation},
	}
}
