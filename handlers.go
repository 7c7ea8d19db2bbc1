package incroci

import (
	"context"
	mathrand "math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/sse"
)

func (p *Platform) bind(c *gin.Context, dst any) bool {
	if err := httpx.Bind(c, dst, p.cfg.BodyLimit); err != nil {
		httpx.Fail(c, err)
		return false
	}
	return true
}

// evenTime makes the sign-in answers take Config.SignInAnswerTime plus
// jitter, whatever happened, so timing reveals nothing about addresses.
func (p *Platform) evenTime() func() {
	if p.cfg.SignInAnswerTime <= 0 {
		return func() {}
	}
	until := time.Now().Add(p.cfg.SignInAnswerTime + time.Duration(mathrand.Int64N(int64(p.cfg.SignInAnswerTime/5)+1)))
	return func() { time.Sleep(time.Until(until)) }
}

func (p *Platform) handleRequestActivation(c *gin.Context) {
	defer p.evenTime()()
	var req ActivationRequest
	if !p.bind(c, &req) {
		return
	}
	if err := p.RequestActivation(c.Request.Context(), req, c.ClientIP()); err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusAccepted, gin.H{"status": "sent", "expires_in": int(p.cfg.CodeTTL.Seconds())})
}

func (p *Platform) handleVerify(c *gin.Context) {
	defer p.evenTime()()
	var v Verification
	if !p.bind(c, &v) {
		return
	}
	s, err := p.VerifyActivation(c.Request.Context(), v, c.ClientIP())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}

func (p *Platform) handleHostExchange(c *gin.Context) {
	var in HostAssertion
	if !p.bind(c, &in) {
		return
	}
	if err := p.limit(c.Request.Context(), p.db, "host-client", c.ClientIP(), p.cfg.VerifiesPerClient*4); err != nil {
		httpx.Fail(c, err)
		return
	}
	s, err := p.ExchangeHostAssertion(c.Request.Context(), in.Assertion)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, s)
}

func (p *Platform) handleSignOut(c *gin.Context) {
	if err := p.SignOut(c.Request.Context()); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (p *Platform) handleSignOutAll(c *gin.Context) {
	if err := p.SignOutEverywhere(c.Request.Context()); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (p *Platform) handleMe(c *gin.Context) {
	me, err := p.Me(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, me)
}

func (p *Platform) handleUpdateMe(c *gin.Context) {
	var in ProfileInput
	if !p.bind(c, &in) {
		return
	}
	me, err := p.UpdateProfile(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, me)
}

func (p *Platform) handleExportMe(c *gin.Context) {
	data, err := p.ExportMe(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="incroci-personal-data.json"`)
	c.Header("Cache-Control", "no-store")
	httpx.OK(c, http.StatusOK, data)
}

func (p *Platform) handleListAmbiti(c *gin.Context) {
	all, err := p.ListAmbiti(c.Request.Context())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if pr := PrincipalFrom(c.Request.Context()); pr != nil && pr.Admin {
		httpx.List(c, all, httpx.Page{Page: 1, PerPage: len(all), Total: int64(len(all))})
		return
	}
	out := make([]AmbitoSummary, len(all))
	for i, a := range all {
		out[i] = a.Summary()
	}
	httpx.List(c, out, httpx.Page{Page: 1, PerPage: len(out), Total: int64(len(out))})
}

func (p *Platform) handleGetAmbito(c *gin.Context) {
	a, err := p.GetAmbito(c.Request.Context(), c.Param("slug"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if pr := PrincipalFrom(c.Request.Context()); pr != nil && pr.Admin {
		httpx.OK(c, http.StatusOK, a)
		return
	}
	httpx.OK(c, http.StatusOK, a.Summary())
}

func (p *Platform) handleCreateAmbito(c *gin.Context) {
	var in AmbitoInput
	if !p.bind(c, &in) {
		return
	}
	a, err := p.CreateAmbito(c.Request.Context(), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, a)
}

func (p *Platform) handleUpdateAmbito(c *gin.Context) {
	var in AmbitoPatch
	if !p.bind(c, &in) {
		return
	}
	a, err := p.UpdateAmbito(c.Request.Context(), c.Param("slug"), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, a)
}

func (p *Platform) handleListSecrets(c *gin.Context) {
	out, err := p.ListHostSecrets(c.Request.Context(), c.Param("slug"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, out, httpx.Page{Page: 1, PerPage: len(out), Total: int64(len(out))})
}

func (p *Platform) handleRotateSecret(c *gin.Context) {
	s, err := p.RotateHostSecret(c.Request.Context(), c.Param("slug"))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, s)
}

func (p *Platform) handleRevokeSecret(c *gin.Context) {
	if err := p.RevokeHostSecret(c.Request.Context(), c.Param("slug"), c.Param("kid")); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (p *Platform) handleListPeople(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := PeopleQuery{Q: c.Query("q"), Role: Role(c.Query("role")), Page: page, PerPage: perPage}
	people, total, err := p.ListPeople(c.Request.Context(), c.Param("slug"), q)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, people, httpx.Page{Page: page, PerPage: perPage, Total: total})
}

// streamLifetime bounds one event stream.
const streamLifetime = 10 * time.Minute

// handlePeopleEvents streams changes to the people of an ambito as
// Server-Sent Events, with Last-Event-ID replay.
func (p *Platform) handlePeopleEvents(c *gin.Context) {
	ambito := c.Param("slug")
	if _, err := p.canManage(c.Request.Context(), ambito); err != nil {
		httpx.Fail(c, err)
		return
	}
	if _, _, err := sse.LastEventID(c.Request); err != nil {
		httpx.Fail(c, httpx.ErrMalformed)
		return
	}
	// Rights are checked when a stream opens; ending it after a while makes
	// the client reconnect (resuming with Last-Event-ID), and so be checked
	// again, after a sign-out or a revoked role.
	ctx, cancel := context.WithTimeout(c.Request.Context(), streamLifetime)
	defer cancel()
	if err := sse.Serve(ctx, c.Writer, c.Request, p.bus, PeopleTopic(ambito), sse.Options{}); err != nil {
		httpx.Logger(c).DebugContext(c.Request.Context(), "event stream ended", "err", err)
	}
}

func (p *Platform) handleInvite(c *gin.Context) {
	var in InviteInput
	if !p.bind(c, &in) {
		return
	}
	person, err := p.Invite(c.Request.Context(), c.Param("slug"), in)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusCreated, person)
}

func (p *Platform) handleGrant(c *gin.Context)  { p.roleChange(c, p.GrantRole) }
func (p *Platform) handleRevoke(c *gin.Context) { p.roleChange(c, p.RevokeRole) }

func (p *Platform) roleChange(c *gin.Context, change func(ctx context.Context, ambito string, id int64, role Role) (*PersonInAmbito, error)) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, ErrPersonNotFound)
		return
	}
	person, err := change(c.Request.Context(), c.Param("slug"), id, Role(c.Param("role")))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.OK(c, http.StatusOK, person)
}

func (p *Platform) handleAudit(c *gin.Context) {
	page, perPage, err := httpx.PageParams(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	entries, total, err := p.AuditLog(c.Request.Context(), c.Param("slug"), page, perPage)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	httpx.List(c, entries, httpx.Page{Page: page, PerPage: perPage, Total: total})
}
