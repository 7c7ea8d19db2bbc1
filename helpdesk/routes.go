package helpdesk

import (
	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// routes is the module's one route table, relative to its mount point.
// Every route needs a signed-in caller; the services check the finer
// rights (which ambito, which desk, operator or consultant).
func (h *Helpdesk) routes() []httpx.Route {
	signedIn := h.p.RequireAuth()
	return []httpx.Route{
		{Method: "GET", Path: "/settings", Access: signedIn, Handler: h.handleSettings},
		{Method: "GET", Path: "/desks", Access: signedIn, Handler: h.handleListDesks},
		{Method: "POST", Path: "/desks", Access: signedIn, Handler: h.handleCreateDesk},
		{Method: "GET", Path: "/desks/:id/consultants", Access: signedIn, Handler: h.handleDeskConsultants},
		{Method: "POST", Path: "/desks/:id/consultants", Access: signedIn, Handler: h.handleAddConsultant},
		{Method: "DELETE", Path: "/desks/:id/consultants/:person", Access: signedIn, Handler: h.handleRemoveConsultant},

		{Method: "GET", Path: "/consultations", Access: signedIn, Handler: h.handleList},
		{Method: "POST", Path: "/consultations", Access: signedIn, Handler: h.handleOpen},
		{Method: "GET", Path: "/consultations/:id", Access: signedIn, Handler: h.handleGet},
		{Method: "POST", Path: "/consultations/:id/status", Access: signedIn, Handler: h.handleStatus},
		{Method: "POST", Path: "/consultations/:id/assign", Access: signedIn, Handler: h.handleAssign},
		{Method: "GET", Path: "/consultations/:id/messages", Access: signedIn, Handler: h.handleMessages},
		{Method: "POST", Path: "/consultations/:id/messages", Access: signedIn, Handler: h.handlePost},
		{Method: "POST", Path: "/consultations/:id/read", Access: signedIn, Handler: h.handleRead},
		{Method: "POST", Path: "/consultations/:id/attachments", Access: signedIn, Handler: h.handleUpload},
		{Method: "GET", Path: "/consultations/:id/attachments/:att", Access: signedIn, Handler: h.handleDownload},
		{Method: "DELETE", Path: "/consultations/:id/attachments/:att", Access: signedIn, Handler: h.handleDeleteUpload},
		{Method: "GET", Path: "/consultations/:id/events", Access: signedIn, Handler: h.handleEvents},
		{Method: "GET", Path: "/consultations/:id/export", Access: signedIn, Handler: h.handleExport},
		{Method: "POST", Path: "/personal-data", Access: signedIn, Handler: h.handlePersonalData},

		{Method: "GET", Path: "/consultations/:id/appointments", Access: signedIn, Handler: h.handleListAppointments},
		{Method: "POST", Path: "/consultations/:id/appointments", Access: signedIn, Handler: h.handleProposeAppointments},
		{Method: "POST", Path: "/consultations/:id/appointments/:slot/accept", Access: signedIn, Handler: h.handleAcceptAppointment},
		{Method: "POST", Path: "/consultations/:id/appointments/:slot/cancel", Access: signedIn, Handler: h.handleCancelAppointment},

		{Method: "GET", Path: "/mediation/packages", Access: signedIn, Handler: h.handleListPackages},
		{Method: "POST", Path: "/mediation/packages", Access: signedIn, Handler: h.handleCreatePackage},
		{Method: "GET", Path: "/mediation/packages/:id", Access: signedIn, Handler: h.handleGetPackage},
		{Method: "POST", Path: "/mediation/packages/:id/hours", Access: signedIn, Handler: h.handleAddHours},
		{Method: "GET", Path: "/mediation/packages/:id/ledger", Access: signedIn, Handler: h.handleLedger},
		{Method: "GET", Path: "/mediation/profile", Access: signedIn, Handler: h.handleMyProfile},
		{Method: "PUT", Path: "/mediation/profile", Access: signedIn, Handler: h.handleUpdateProfile},
		{Method: "GET", Path: "/mediation/mediators", Access: signedIn, Handler: h.handleListMediators},
		{Method: "GET", Path: "/mediation/requests", Access: signedIn, Handler: h.handleListMediation},
		{Method: "GET", Path: "/mediation/events", Access: signedIn, Handler: h.handleMediationEvents},
		{Method: "POST", Path: "/mediation/requests", Access: signedIn, Handler: h.handleRequestMediator},
		{Method: "GET", Path: "/mediation/requests/:id", Access: signedIn, Handler: h.handleGetMediation},
		{Method: "POST", Path: "/mediation/requests/:id/confirm", Access: signedIn, Handler: h.handleConfirmMediation},
		{Method: "POST", Path: "/mediation/requests/:id/cancel", Access: signedIn, Handler: h.handleCancelMediation},
		{Method: "POST", Path: "/mediation/requests/:id/done", Access: signedIn, Handler: h.handleCompleteMediation},

		{Method: "GET", Path: "/reports", Access: signedIn, Handler: h.handleReport},
		{Method: "GET", Path: "/reports/consultations.csv", Access: signedIn, Handler: h.handleReportCSV},
	}
}

// Mount adds the help desk's routes to r, typically the partner's
// api.Group("/helpdesk"), behind the platform's middleware (request ids,
// CORS from the ambiti's sites, the caller's identity, idempotent retries),
// and its OpenAPI document at /openapi.json.
func (h *Helpdesk) Mount(r gin.IRouter) {
	g := r.Group("", h.p.Middleware()...)
	httpx.Register(g, h.routes())
	r.GET("/openapi.json", serveOpenAPI)
}
