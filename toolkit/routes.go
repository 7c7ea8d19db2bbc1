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
		{Method: "GET", Path: "/sheets/:id/handout", Access: anyone, Handler: t.handleHandout},
		{Method: "GET", Path: "/sheets/:id/handout.pdf", Access: anyone, Handler: t.handleHandoutPDF},
		{Method: "POST", Path: "/sheets/:id/handout/link", Access: signedIn, Handler: t.handleHandoutLink},
		{Method: "POST", Path: "/sheets/:id/publish", Access: signedIn, Handler: t.handlePublish},
		{Method: "POST", Path: "/sheets/:id/reject", Access: signedIn, Handler: t.handleReject},
		{Method: "POST", Path: "/sheets/:id/rollback", Access: signedIn, Handler: t.handleRollback},
		{Method: "POST", Path: "/sheets/:id/archive", Access: signedIn, Handler: t.handleArchive},
		{Method: "GET", Path: "/sheets/:id/comments", Access: signedIn, Handler: t.handleComments},
		{Method: "POST", Path: "/sheets/:id/comments", Access: signedIn, Handler: t.handleComment},
		{Method: "POST", Path: "/sheets/:id/feedback", Access: anyone, Handler: t.handleGiveFeedback},
		{Method: "GET", Path: "/sheets/:id/feedback", Access: signedIn, Handler: t.handleFeedback},
		{Method: "GET", Path: "/sheets/:id/attachments", Access: anyone, Handler: t.handleAttachments},
		{Method: "POST", Path: "/sheets/:id/attachments", Access: signedIn, Handler: t.handleAttach},
		{Method: "GET", Path: "/sheets/:id/attachments/:aid", Access: anyone, Handler: t.handleDownload},
		{Method: "DELETE", Path: "/sheets/:id/attachments/:aid", Access: signedIn, Handler: t.handleRemoveAttachment},
		{Method: "GET", Path: "/settings", Access: anyone, Handler: t.handleSettings},

		{Method: "GET", Path: "/search", Access: anyone, Handler: t.handleSearch},
		{Method: "GET", Path: "/glossary", Access: anyone, Handler: t.handleGlossary},
		{Method: "POST", Path: "/glossary", Access: signedIn, Handler: t.handleSaveTerm},
		{Method: "PUT", Path: "/glossary/:id", Access: signedIn, Handler: t.handleSaveTerm},
		{Method: "DELETE", Path: "/glossary/:id", Access: signedIn, Handler: t.handleDeleteTerm},

		// The directory of services: the HSDS API (anyone reads), its
		// import (editors) and export, and the editors' writes.
		{Method: "GET", Path: "/hsds/", Access: anyone, Handler: t.handleHSDSMeta},
		{Method: "GET", Path: "/hsds/services", Access: anyone, Handler: t.handleHSDSServices},
		{Method: "GET", Path: "/hsds/services/:id", Access: anyone, Handler: t.handleHSDSService},
		{Method: "GET", Path: "/hsds/organizations", Access: anyone, Handler: t.handleHSDSOrganizations},
		{Method: "GET", Path: "/hsds/organizations/:id", Access: anyone, Handler: t.handleHSDSOrganization},
		{Method: "GET", Path: "/hsds/service_at_locations", Access: anyone, Handler: t.handleHSDSLinks},
		{Method: "GET", Path: "/hsds/service_at_locations/:id", Access: anyone, Handler: t.handleHSDSLink},
		{Method: "GET", Path: "/hsds/taxonomies", Access: anyone, Handler: t.handleHSDSTaxonomies},
		{Method: "GET", Path: "/hsds/taxonomy_terms", Access: anyone, Handler: t.handleHSDSTerms},
		{Method: "GET", Path: "/hsds/export", Access: anyone, Handler: t.handleExport},
		{Method: "POST", Path: "/hsds/import", Access: signedIn, Handler: t.handleImport},
		{Method: "POST", Path: "/directory/organizations", Access: signedIn, Handler: t.handleCreateOrganization},
		{Method: "PUT", Path: "/directory/organizations/:id", Access: signedIn, Handler: t.handleUpdateOrganization},
		{Method: "DELETE", Path: "/directory/organizations/:id", Access: signedIn, Handler: t.handleDeleteOrganization},
		{Method: "POST", Path: "/directory/organizations/:id/check", Access: signedIn, Handler: t.handleCheck(DirOrganizations)},
		{Method: "POST", Path: "/directory/services", Access: signedIn, Handler: t.handleCreateService},
		{Method: "PUT", Path: "/directory/services/:id", Access: signedIn, Handler: t.handleUpdateService},
		{Method: "DELETE", Path: "/directory/services/:id", Access: signedIn, Handler: t.handleDeleteService},
		{Method: "POST", Path: "/directory/services/:id/check", Access: signedIn, Handler: t.handleCheck(DirServices)},
		{Method: "POST", Path: "/directory/locations", Access: signedIn, Handler: t.handleCreateLocation},
		{Method: "PUT", Path: "/directory/locations/:id", Access: signedIn, Handler: t.handleUpdateLocation},
		{Method: "DELETE", Path: "/directory/locations/:id", Access: signedIn, Handler: t.handleDeleteLocation},
		{Method: "POST", Path: "/directory/locations/:id/check", Access: signedIn, Handler: t.handleCheck(DirLocations)},
		{Method: "POST", Path: "/directory/service_at_locations", Access: signedIn, Handler: t.handleCreateLink},
		{Method: "PUT", Path: "/directory/service_at_locations/:id", Access: signedIn, Handler: t.handleUpdateLink},
		{Method: "DELETE", Path: "/directory/service_at_locations/:id", Access: signedIn, Handler: t.handleDeleteLink},
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
