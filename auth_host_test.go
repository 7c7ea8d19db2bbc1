package incroci_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/incrocicomuni/incroci"
)

// hostSecret rotates a secret for ambito through the admin API and returns
// its kid and key.
func (e *env) hostSecret(admin, ambito string) (string, []byte) {
	e.t.Helper()
	r := e.as(admin, "POST", "/ambiti/"+ambito+"/secrets", nil)
	expect(e.t, r, 201, "rotate secret")
	key, err := base64.RawURLEncoding.DecodeString(r.data()["secret"].(string))
	if err != nil {
		e.t.Fatal(err)
	}
	return r.data()["kid"].(string), key
}

func sign(t *testing.T, kid string, key []byte, claims jwt.MapClaims, method jwt.SigningMethod) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHostAssertion(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		admin := e.person("admin@example.org", ":admin")
		kid, key := e.hostSecret(admin, "lodi")
		cremaKid, cremaKey := e.hostSecret(admin, "crema")
		now := e.clock.Now()
		claims := func(mod func(jwt.MapClaims)) jwt.MapClaims {
			c := jwt.MapClaims{"iss": "lodi", "aud": "incroci", "sub": "u-1", "email": "Host.User@comune.lodi.it",
				"name": "Host User", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": now.String()}
			if mod != nil {
				mod(c)
			}
			return c
		}
		good := sign(t, kid, key, claims(nil), jwt.SigningMethodHS256)
		r := e.req("POST", "/auth/host", map[string]any{"assertion": good})
		expect(t, r, 200, "valid assertion")
		person := r.data()["person"].(map[string]any)
		if person["email"] != "host.user@comune.lodi.it" || person["name"] != "Host User" {
			t.Fatalf("person %v", person)
		}
		roles := person["roles"].([]any)
		if len(roles) != 1 || roles[0].(map[string]any)["role"] != "operator" {
			t.Fatalf("a host-vouched person joins the ambito as operator: %v", roles)
		}
		expect(t, e.as(r.data()["token"].(string), "GET", "/me", nil), 200, "session works")

		// A site vouches for its own ambito only: a lodi token naming the
		// network's admin or crema's coordinator gives a session limited to
		// lodi, with no administration and nothing of crema.
		cremaCoord := "coord@comune.crema.cr.it"
		e.person(cremaCoord, "crema:coordinator")
		for i, addr := range []string{"admin@example.org", cremaCoord} {
			r := e.req("POST", "/auth/host", map[string]any{"assertion": sign(t, kid, key, claims(func(c jwt.MapClaims) {
				c["email"] = addr
				c["jti"] = fmt.Sprint("scope-", i)
			}), jwt.SigningMethodHS256)})
			expect(t, r, 200, "lodi vouching for "+addr)
			tok := r.data()["token"].(string)
			me := e.as(tok, "GET", "/me", nil)
			if me.data()["admin"] != false || strings.Contains(string(me.Raw), `"crema"`) {
				t.Fatalf("a lodi-issued session of %s carries more than lodi: %s", addr, me.Raw)
			}
			expect(t, e.as(tok, "POST", "/ambiti/crema/secrets", nil), 403, "admin route through a lodi-issued session")
			expect(t, e.as(tok, "GET", "/ambiti/crema/people", nil), 403, "crema's people through a lodi-issued session")
		}

		bad := map[string]string{
			"replayed":             good,
			"expired":              sign(t, kid, key, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix(); c["jti"] = "e" }), jwt.SigningMethodHS256),
			"no exp":               sign(t, kid, key, claims(func(c jwt.MapClaims) { delete(c, "exp"); c["jti"] = "n" }), jwt.SigningMethodHS256),
			"too long":             sign(t, kid, key, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(2 * time.Hour).Unix(); c["jti"] = "l" }), jwt.SigningMethodHS256),
			"issued in the future": sign(t, kid, key, claims(func(c jwt.MapClaims) { c["iat"] = now.Add(10 * time.Minute).Unix(); c["jti"] = "f" }), jwt.SigningMethodHS256),
			"wrong audience":       sign(t, kid, key, claims(func(c jwt.MapClaims) { c["aud"] = "other"; c["jti"] = "a" }), jwt.SigningMethodHS256),
			"forged":               sign(t, kid, []byte("not-the-secret-not-the-secret-!!"), claims(func(c jwt.MapClaims) { c["jti"] = "g" }), jwt.SigningMethodHS256),
			"other ambito's key":   sign(t, cremaKid, cremaKey, claims(func(c jwt.MapClaims) { c["jti"] = "o" }), jwt.SigningMethodHS256),
			"claims other ambito":  sign(t, kid, key, claims(func(c jwt.MapClaims) { c["iss"] = "crema"; c["jti"] = "c" }), jwt.SigningMethodHS256),
			"no kid":               sign(t, "", key, claims(func(c jwt.MapClaims) { c["jti"] = "k" }), jwt.SigningMethodHS256),
			"HS512":                sign(t, kid, key, claims(func(c jwt.MapClaims) { c["jti"] = "h" }), jwt.SigningMethodHS512),
			"alg none":             noneToken(t, kid, claims(func(c jwt.MapClaims) { c["jti"] = "z" })),
			"bad email":            sign(t, kid, key, claims(func(c jwt.MapClaims) { c["email"] = "not an address"; c["jti"] = "m" }), jwt.SigningMethodHS256),
			"garbage":              "not.a.jwt",
		}
		for name, tok := range bad {
			r := e.req("POST", "/auth/host", map[string]any{"assertion": tok})
			expect(t, r, 401, name)
			if r.errCode() != "invalid_assertion" {
				t.Fatalf("%s: code %q", name, r.errCode())
			}
		}
		// Within the clock skew an expired token still passes.
		skewed := sign(t, kid, key, claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-30 * time.Second).Unix(); c["jti"] = "s" }), jwt.SigningMethodHS256)
		expect(t, e.req("POST", "/auth/host", map[string]any{"assertion": skewed}), 200, "expired within skew")

		// Rotation: the old key works during the grace period, then stops.
		kid2, key2 := e.hostSecret(admin, "lodi")
		expect(t, e.req("POST", "/auth/host", map[string]any{"assertion": sign(t, kid, key, claims(func(c jwt.MapClaims) { c["jti"] = "r1" }), jwt.SigningMethodHS256)}), 200, "old key in grace")
		expect(t, e.req("POST", "/auth/host", map[string]any{"assertion": sign(t, kid2, key2, claims(func(c jwt.MapClaims) { c["jti"] = "r2" }), jwt.SigningMethodHS256)}), 200, "new key")
		e.clock.Add(25 * time.Hour)
		now = e.clock.Now()
		admin = e.person("admin@example.org", ":admin") // the old session expired
		expect(t, e.req("POST", "/auth/host", map[string]any{"assertion": sign(t, kid, key, claims(func(c jwt.MapClaims) { c["jti"] = "r3" }), jwt.SigningMethodHS256)}), 401, "old key after grace")
		expect(t, e.req("POST", "/auth/host", map[string]any{"assertion": sign(t, kid2, key2, claims(func(c jwt.MapClaims) { c["jti"] = "r4" }), jwt.SigningMethodHS256)}), 200, "new key after grace")
		// Revocation stops a key at once.
		expect(t, e.as(admin, "DELETE", "/ambiti/lodi/secrets/"+kid2, nil), 204, "revoke")
		expect(t, e.req("POST", "/auth/host", map[string]any{"assertion": sign(t, kid2, key2, claims(func(c jwt.MapClaims) { c["jti"] = "r5" }), jwt.SigningMethodHS256)}), 401, "revoked key")
		expect(t, e.as(admin, "DELETE", "/ambiti/lodi/secrets/"+kid2, nil), 404, "revoke twice")
		r = e.as(admin, "GET", "/ambiti/lodi/secrets", nil)
		expect(t, r, 200, "list secrets")
		if string(r.Raw) == "" || len(r.Body["data"].([]any)) != 2 {
			t.Fatalf("secrets %s", r.Raw)
		}
		for _, s := range r.Body["data"].([]any) {
			if _, has := s.(map[string]any)["secret"]; has {
				t.Fatal("listed secrets must not show their value")
			}
		}
	})
}

func noneToken(t *testing.T, kid string, c jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPartnerIdentify(t *testing.T) {
	identify := func(cfg *incroci.Config) {
		cfg.Identify = func(ctx context.Context, r *http.Request) (*incroci.Identity, error) {
			if r.Header.Get("X-Partner-User") == "" {
				return nil, nil
			}
			return &incroci.Identity{Email: r.Header.Get("X-Partner-User"), Ambito: "lodi"}, nil
		}
	}
	bothDBs(t, func(t *testing.T, e *env) {
		r := e.req("GET", "/me", nil, "X-Partner-User", "partner.user@example.org")
		expect(t, r, 200, "partner identity")
		if r.data()["email"] != "partner.user@example.org" {
			t.Fatalf("me %s", r.Raw)
		}
		expect(t, e.req("GET", "/me", nil), 401, "no partner identity")
		expect(t, e.req("GET", "/me", nil, "X-Partner-User", "not an address"), 401, "partner vouches for a bad address")
		// Partners can also mint sessions after their own login.
		s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: "other@example.org", Name: "Other", Ambito: "crema"})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, e.as(s.Token, "GET", "/me", nil), 200, "partner-minted session")
	}, identify)
}
