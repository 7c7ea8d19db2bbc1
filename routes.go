package incroci

import (
	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// routes is the platform's one route table, relative to the mount point.
// Access says who may call each route; services check the finer rights
// (which ambito, which role).
func (p *Platform) routes() []httpx.Route {
	anyone := gin.HandlerFunc(nil)
	signedIn := p.RequireAuth()
	admin := p.RequireAdmin()
	return []httpx.Route{
		{Method: "POST", Path: "/auth/email", Access: anyone, Handler: p.handleRequestActivation},
		{Method: "POST", Path: "/auth/email/verify", Access: anyone, Handler: p.handleVerify},
		{Method: "POST", Path: "/auth/host", Access: anyone, Handler: p.handleHostExchange},
		{Method: "POST", Path: "/auth/signout", Access: signedIn, Handler: p.handleSignOut},
		{Method: "POST", Path: "/auth/signout-all", Access: signedIn, Handler: p.handleSignOutAll},

		{Method: "GET", Path: "/me", Access: signedIn, Handler: p.handleMe},
		{Method: "PATCH", Path: "/me", Access: signedIn, Handler: p.handleUpdateMe},
		{Method: "GET", Path: "/me/export", Access: signedIn, Handler: p.handleExportMe},

		{Method: "GET", Path: "/ambiti", Access: anyone, Handler: p.handleListAmbiti},
		{Method: "POST", Path: "/ambiti", Access: admin, Handler: p.handleCreateAmbito},
		{Method: "GET", Path: "/ambiti/:slug", Access: anyone, Handler: p.handleGetAmbito},
		{Method: "PATCH", Path: "/ambiti/:slug", Access: admin, Handler: p.handleUpdateAmbito},
		{Method: "GET", Path: "/ambiti/:slug/secrets", Access: admin, Handler: p.handleListSecrets},
		{Method: "POST", Path: "/ambiti/:slug/secrets", Access: admin, Handler: p.handleRotateSecret},
		{Method: "DELETE", Path: "/ambiti/:slug/secrets/:kid", Access: admin, Handler: p.handleRevokeSecret},

		{Method: "GET", Path: "/ambiti/:slug/people", Access: signedIn, Handler: p.handleListPeople},
		{Method: "GET", Path: "/ambiti/:slug/people/events", Access: signedIn, Handler: p.handlePeopleEvents},
		{Method: "POST", Path: "/ambiti/:slug/invitations", Access: signedIn, Handler: p.handleInvite},
		{Method: "PUT", Path: "/ambiti/:slug/people/:id/roles/:role", Access: signedIn, Handler: p.handleGrant},
		{Method: "DELETE", Path: "/ambiti/:slug/people/:id/roles/:role", Access: signedIn, Handler: p.handleRevoke},
		{Method: "GET", Path: "/ambiti/:slug/audit", Access: signedIn, Handler: p.handleAudit},
	}
}

// Mount adds the platform's routes to r: sign-in, profile, ambiti, people
// and roles, the OpenAPI document at /openapi.json and the widgets' scripts
// under /widgets/. r is typically the partner's group, such as
// engine.Group("/incroci"); Mount adds no middleware outside it.
func (p *Platform) Mount(r gin.IRouter) {
	api := r.Group("", p.Middleware()...)
	httpx.Register(api, p.routes())
	r.GET("/openapi.json", serveOpenAPI)
	mountWidgets(r)
}
