package incroci_test

import (
	"strings"
	"testing"
)

func TestCORS(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		r := e.req("OPTIONS", "/auth/email", nil, "Origin", lodiOrigin, "Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "content-type, idempotency-key")
		expect(t, r, 204, "preflight from an allowed origin")
		if r.Header.Get("Access-Control-Allow-Origin") != lodiOrigin ||
			!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") ||
			!strings.Contains(r.Header.Get("Access-Control-Allow-Methods"), "POST") {
			t.Fatalf("preflight headers %v", r.Header)
		}
		r = e.req("GET", "/ambiti", nil, "Origin", cremaOrigin)
		expect(t, r, 200, "request from crema's site")
		if r.Header.Get("Access-Control-Allow-Origin") != cremaOrigin || !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "Retry-After") {
			t.Fatalf("headers %v", r.Header)
		}
		for _, origin := range []string{"https://evil.example.com", "https://www.lodi.example.it.evil.com", "http://www.lodi.example.it", "null"} {
			r = e.req("OPTIONS", "/auth/email", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
			expect(t, r, 403, "preflight from "+origin)
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Fatalf("%s got an allow-origin header", origin)
			}
			r = e.req("POST", "/auth/email", map[string]any{"email": "x@comune.lodi.it"}, "Origin", origin)
			expect(t, r, 403, "request from "+origin)
			if r.errCode() != "origin_not_allowed" {
				t.Fatalf("code %q", r.errCode())
			}
		}
		if n := e.mailsTo("x@comune.lodi.it"); n != 0 {
			t.Fatal("a refused origin must change nothing")
		}
		// A new origin works once an admin adds it.
		admin := e.person("admin@example.org", ":admin")
		expect(t, e.as(admin, "PATCH", "/ambiti/lodi", map[string]any{"origins": []string{lodiOrigin, "https://servizi.lodi.example.it"}}), 200, "add origin")
		expect(t, e.req("GET", "/ambiti", nil, "Origin", "https://servizi.lodi.example.it"), 200, "new origin")
	})
}

func TestBadInput(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		coord := e.person("coord@example.org", "lodi:coordinator")
		cases := []struct {
			name, method, path string
			body               string
			headers            []string
			status             int
			code, field, rule  string
		}{
			{"malformed JSON", "POST", "/auth/email", `{"email": "a@b.it"`, nil, 400, "malformed", "", ""},
			{"empty body", "POST", "/auth/email", ``, nil, 400, "malformed", "", ""},
			{"two values", "POST", "/auth/email", `{"email":"a@b.it"} {}`, nil, 400, "malformed", "", ""},
			{"array not object", "POST", "/auth/email", `["a@b.it"]`, nil, 422, "validation", "body", "type"},
			{"wrong type", "POST", "/auth/email", `{"email": 42}`, nil, 422, "validation", "email", "type"},
			{"unknown field", "POST", "/auth/email", `{"email": "a@comune.lodi.it", "admin": true}`, nil, 422, "validation", "admin", "unknown"},
			{"missing field", "POST", "/auth/email", `{}`, nil, 422, "validation", "email", "required"},
			{"not an address", "POST", "/auth/email", `{"email": "not-an-address"}`, nil, 422, "validation", "email", "email"},
			{"return url elsewhere", "POST", "/auth/email", `{"email": "a@comune.lodi.it", "return_url": "https://phish.example.com/x"}`, nil, 422, "validation", "return_url", "origin"},
			{"code not numeric", "POST", "/auth/email/verify", `{"email": "a@comune.lodi.it", "code": "12ab56"}`, nil, 422, "validation", "code", "numeric"},
			{"oversized", "POST", "/auth/email", `{"email": "` + strings.Repeat("a", 2<<20) + `@b.it"}`, nil, 413, "too_large", "", ""},
			{"wrong content type", "POST", "/auth/email", `email=a@b.it`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", "", ""},
			{"bad page", "GET", "/ambiti/lodi/people?page=0", ``, []string{"Authorization", "Bearer " + coord}, 422, "validation", "page", "min"},
			{"bad per_page", "GET", "/ambiti/lodi/people?per_page=1000", ``, []string{"Authorization", "Bearer " + coord}, 422, "validation", "per_page", "max"},
			{"unknown role filter", "GET", "/ambiti/lodi/people?role=king", ``, []string{"Authorization", "Bearer " + coord}, 422, "validation", "role", "oneof"},
			{"profile wrong type", "PATCH", "/me", `{"languages": "ar"}`, []string{"Authorization", "Bearer " + coord}, 422, "validation", "languages", "type"},
			{"profile bad language", "PATCH", "/me", `{"languages": ["klingon"]}`, []string{"Authorization", "Bearer " + coord}, 422, "validation", "languages[0]", "language"},
			{"profile control chars", "PATCH", "/me", `{"name": "a\u0000b"}`, []string{"Authorization", "Bearer " + coord}, 422, "validation", "name", "nocontrol"},
		}
		for _, c := range cases {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.req(c.method, c.path, body, c.headers...)
			expect(t, r, c.status, c.name)
			if r.errCode() != c.code || r.errMessage() == "" {
				t.Fatalf("%s: code %q message %q", c.name, r.errCode(), r.errMessage())
			}
			if c.field != "" {
				fs := r.fields()
				if len(fs) == 0 || fs[0]["field"] != c.field || fs[0]["rule"] != c.rule || fs[0]["message"] == "" {
					t.Fatalf("%s: fields %v, want %s/%s", c.name, fs, c.field, c.rule)
				}
			}
		}
		// Nothing was sent or changed by any of them.
		if n := len(e.smtp.Messages()); n != 1 { // the coordinator's invitation only
			t.Fatalf("%d mails after bad requests", n)
		}
		me := e.as(coord, "GET", "/me", nil)
		if me.data()["name"] != "" || len(me.data()["languages"].([]any)) != 0 {
			t.Fatalf("profile changed by bad requests: %s", me.Raw)
		}
	})
}

func TestMessagesFollowAcceptLanguage(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		it := e.req("POST", "/auth/email", `{}`, "Accept-Language", "it-IT,it;q=0.9")
		en := e.req("POST", "/auth/email", `{}`, "Accept-Language", "en-GB,en;q=0.8")
		def := e.req("POST", "/auth/email", `{}`, "Accept-Language", "de-DE")
		if !strings.Contains(it.errMessage(), "campi") || !strings.Contains(en.errMessage(), "fields") || def.errMessage() != it.errMessage() {
			t.Fatalf("messages: it %q en %q default %q", it.errMessage(), en.errMessage(), def.errMessage())
		}
		if it.fields()[0]["message"] == en.fields()[0]["message"] {
			t.Fatalf("field messages not translated: %v", en.fields())
		}
		r := e.req("GET", "/me", nil, "Accept-Language", "en")
		if r.errMessage() != "Sign-in required: the session is missing, expired or invalid." {
			t.Fatalf("401 in English: %q", r.errMessage())
		}
	})
}

func TestRequestIDs(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		r := e.req("GET", "/ambiti", nil, "X-Request-Id", "abcdefgh-1234")
		if r.Header.Get("X-Request-Id") != "abcdefgh-1234" {
			t.Fatalf("request id not echoed: %v", r.Header)
		}
		r = e.req("GET", "/ambiti", nil, "X-Request-Id", "bad id <script>")
		if id := r.Header.Get("X-Request-Id"); len(id) != 20 {
			t.Fatalf("an unsafe request id must be replaced, got %q", id)
		}
	})
}

func TestWidgetsAreServed(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		r := e.req("GET", "/widgets/signin.js", nil, "Origin", "https://any-site.example.com")
		expect(t, r, 200, "widget script")
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") || r.Header.Get("Access-Control-Allow-Origin") != "*" || len(r.Raw) < 1000 {
			t.Fatalf("widget headers %v (%d bytes)", r.Header, len(r.Raw))
		}
		expect(t, e.req("GET", "/widgets/nope.js", nil), 404, "unknown widget")
		expect(t, e.req("GET", "/openapi.json", nil), 200, "openapi")
	})
}
