package incroci

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// Middleware returns the handlers every incroci route runs first: request
// ids and logs, panic recovery, the caller's language, CORS limited to the
// ambiti's allowed origins, and the caller's identity when they send one.
// Modules put them on their own route groups, so that they do not depend on
// the order in which partners mount things.
func (p *Platform) Middleware() []gin.HandlerFunc {
	return []gin.HandlerFunc{httpx.RequestLog(p.log), httpx.Recover(), p.withLang, p.cors, p.identify, p.idempotency}
}

func (p *Platform) withLang(c *gin.Context) {
	c.Request = c.Request.WithContext(WithLang(c.Request.Context(), httpx.Lang(c)))
}

// corsHeaders are the request headers widgets may send.
const corsHeaders = "Authorization, Content-Type, Accept, Accept-Language, Idempotency-Key, Last-Event-ID, X-Request-Id"

// cors answers browsers from allowed origins and refuses others with 403:
// the API uses no cookies, so this guards against pages that are not an
// ambito's rather than against forged credentials.
func (p *Platform) cors(c *gin.Context) {
	c.Header("Vary", "Origin")
	origin := c.GetHeader("Origin")
	if origin == "" {
		return
	}
	ok, err := p.originAllowed(c.Request.Context(), origin)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if !ok {
		httpx.Fail(c, httpx.ErrOriginDenied)
		return
	}
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "Retry-After, X-Request-Id, Location, Idempotent-Replayed, Content-Disposition")
	if c.Request.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
		h.Set("Access-Control-Allow-Headers", corsHeaders)
		h.Set("Access-Control-Max-Age", "600")
		c.AbortWithStatus(http.StatusNoContent)
	}
}

const authErrKey = "incroci.auth_err"

// identify puts the caller's principal on the request context: from a bearer
// token, or else from Config.Identify. A bad token is remembered, and
// refused by RequireAuth; public routes ignore it.
func (p *Platform) identify(c *gin.Context) {
	ctx := c.Request.Context()
	var pr *Principal
	var err error
	if h := c.GetHeader("Authorization"); h != "" {
		token, found := strings.CutPrefix(h, "Bearer ")
		if !found {
			err = ErrUnauthorized
		} else {
			pr, err = p.Authenticate(ctx, strings.TrimSpace(token))
		}
	} else if p.cfg.Identify != nil {
		var id *Identity
		if id, err = p.cfg.Identify(ctx, c.Request); err == nil && id != nil {
			pr, err = p.identityPrincipal(ctx, *id)
			if st := httpx.StatusOf(err); st == http.StatusUnprocessableEntity || st == http.StatusNotFound {
				// The partner vouched for an unusable identity (a bad
				// address, an unknown ambito): the caller is not signed in.
				httpx.Logger(c).WarnContext(ctx, "partner identity refused", "err", err.Error())
				err = ErrUnauthorized
			}
		}
	}
	if err != nil {
		c.Set(authErrKey, err)
		return
	}
	if pr != nil {
		c.Request = c.Request.WithContext(WithPrincipal(ctx, pr))
	}
}

// RequireAuth refuses requests without a valid identity with 401.
func (p *Platform) RequireAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		if PrincipalFrom(c.Request.Context()) != nil {
			return
		}
		if v, ok := c.Get(authErrKey); ok {
			if err := v.(error); !errorsIsUnauthorized(err) {
				httpx.Fail(c, err)
				return
			}
		}
		httpx.Fail(c, ErrUnauthorized)
	}
}

// RequireAdmin refuses everyone but network administrators.
func (p *Platform) RequireAdmin() gin.HandlerFunc {
	auth := p.RequireAuth()
	return func(c *gin.Context) {
		if auth(c); c.IsAborted() {
			return
		}
		if !PrincipalFrom(c.Request.Context()).Admin {
			httpx.Fail(c, ErrForbidden)
		}
	}
}
