package toolkit

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
)

// HandoutLinkTTL is how long a handout link (HandoutLink) opens the
// handout.
const HandoutLinkTTL = 15 * time.Minute

// HandoutLink is a short-lived address of a sheet's handout that opens
// without a session, in a browser tab of its own (which carries none).
type HandoutLink struct {
	// URL is the handout page (GET /sheets/{id}/handout?lang=&key=).
	URL string `json:"url"`
	// PDF is the same handout as a PDF (GET /sheets/{id}/handout.pdf?lang=&key=).
	PDF string `json:"pdf_url"`
	// Key is what the two addresses carry in ?key=.
	Key string `json:"key"`
	// ExpiresAt is when the key stops working.
	ExpiresAt time.Time `json:"expires_at"`
}

// handoutPurpose keeps a handout key from passing for any other signed
// value of the platform.
const handoutPurpose = "toolkit/handout"

func handoutParts(id int64, lang string, rev, exp int64) []string {
	return []string{strconv.FormatInt(id, 10), lang, strconv.FormatInt(rev, 10), strconv.FormatInt(exp, 10)}
}

// checkHandoutLang refuses a language handouts are not printed in: lang
// is "" (Italian only) or a language of Languages other than Italian.
func checkHandoutLang(lang string) error {
	if lang != "" && (lang == "it" || language(lang) == nil) {
		return httpx.Invalid("lang", "oneof", "toolkit.language")
	}
	return nil
}

// HandoutLink signs an address of the handout of sheet id, Italian beside
// lang, for the signed-in caller who may read the published sheet (the
// same rights as Get): it opens the handout page and its PDF without a
// session for HandoutLinkTTL, for that sheet, language and published
// version only (a new version or a rollback ends it). It is how a widget
// opens the handout of a sheet that is not public in a tab of its own.
func (t *Toolkit) HandoutLink(ctx context.Context, id int64, lang string) (*HandoutLink, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	s, _, err := t.visible(ctx, t.db, pr, id, false)
	if err != nil {
		return nil, err
	}
	if s.PublishedID == nil || s.State != StatePublished {
		return nil, ErrSheetNotFound
	}
	if err := checkHandoutLang(lang); err != nil {
		return nil, err
	}
	exp := t.p.Now().Add(HandoutLinkTTL).Truncate(time.Second)
	key := fmt.Sprintf("%d.%s", exp.Unix(), t.p.Sign(handoutPurpose, handoutParts(id, lang, *s.PublishedID, exp.Unix())...))
	q := url.Values{"key": {key}}
	if lang != "" {
		q.Set("lang", lang)
	}
	base := fmt.Sprintf("%s/toolkit/sheets/%d/handout", t.p.PublicURL(), id)
	return &HandoutLink{URL: base + "?" + q.Encode(), PDF: base + ".pdf?" + q.Encode(), Key: key, ExpiresAt: exp.UTC()}, nil
}

// handoutGrant, on a context, lets Handout read sheet id in language lang
// with no session: the caller showed key, a valid key of HandoutLink.
type handoutGrant struct {
	id        int64
	lang, key string
}

type grantKey struct{}

func grantFrom(ctx context.Context) *handoutGrant {
	g, _ := ctx.Value(grantKey{}).(*handoutGrant)
	return g
}

// keyed checks key, a key of HandoutLink, for sheet id and lang, and
// returns a context with no principal that reads that handout only.
func (t *Toolkit) keyed(ctx context.Context, id int64, lang, key string) (context.Context, error) {
	if err := checkHandoutLang(lang); err != nil {
		return nil, err
	}
	at, sig, ok := strings.Cut(key, ".")
	exp, err := strconv.ParseInt(at, 10, 64)
	now := t.p.Now()
	if !ok || err != nil || now.Unix() >= exp || exp > now.Add(HandoutLinkTTL).Unix()+1 {
		return nil, ErrHandoutLink
	}
	s, err := t.load(ctx, t.db, id, false)
	if err != nil || s.PublishedID == nil || s.State != StatePublished {
		return nil, ErrHandoutLink
	}
	if !t.p.Verify(sig, handoutPurpose, handoutParts(id, lang, *s.PublishedID, exp)...) {
		return nil, ErrHandoutLink
	}
	ctx = incroci.WithPrincipal(ctx, nil)
	return context.WithValue(ctx, grantKey{}, &handoutGrant{id: id, lang: lang, key: key}), nil
}

// HandoutByKey is Handout for whoever holds key, a key of HandoutLink for
// sheet id and lang, with no session; ErrHandoutLink when the key is not
// one.
func (t *Toolkit) HandoutByKey(ctx context.Context, id int64, lang, key string) (*Handout, error) {
	ctx, err := t.keyed(ctx, id, lang, key)
	if err != nil {
		return nil, err
	}
	return t.Handout(ctx, id, lang)
}

// PrintHandoutByKey is PrintHandout for whoever holds key (see
// HandoutByKey).
func (t *Toolkit) PrintHandoutByKey(ctx context.Context, id int64, lang, key string) (*PrintedHandout, error) {
	ctx, err := t.keyed(ctx, id, lang, key)
	if err != nil {
		return nil, err
	}
	return t.PrintHandout(ctx, id, lang)
}
