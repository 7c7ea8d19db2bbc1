package incroci

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incrocicomuni/incroci/internal/dberr"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// AmbitoInput creates an ambito.
type AmbitoInput struct {
	Slug         string   `json:"slug" validate:"required,slug,max=64"`
	Name         string   `json:"name" validate:"required,min=2,max=200,nocontrol"`
	LeadBody     string   `json:"lead_body" validate:"max=200,nocontrol"`
	Comuni       []string `json:"comuni" validate:"max=500,dive,required,max=120,nocontrol"`
	Origins      []string `json:"origins" validate:"max=50,dive,origin"`
	EmailDomains []string `json:"email_domains" validate:"max=50,dive,domain"`
}

// AmbitoPatch changes an ambito; nil fields stay as they are.
type AmbitoPatch struct {
	Name         *string   `json:"name" validate:"omitnil,min=2,max=200,nocontrol"`
	LeadBody     *string   `json:"lead_body" validate:"omitnil,max=200,nocontrol"`
	Comuni       *[]string `json:"comuni" validate:"omitnil,max=500,dive,required,max=120,nocontrol"`
	Origins      *[]string `json:"origins" validate:"omitnil,max=50,dive,origin"`
	EmailDomains *[]string `json:"email_domains" validate:"omitnil,max=50,dive,domain"`
}

// AmbitoSummary is what anyone may know of an ambito.
type AmbitoSummary struct {
	Slug     string   `json:"slug"`
	Name     string   `json:"name"`
	LeadBody string   `json:"lead_body"`
	Comuni   []string `json:"comuni"`
}

// Summary returns the public part of a.
func (a Ambito) Summary() AmbitoSummary {
	return AmbitoSummary{Slug: a.Slug, Name: a.Name, LeadBody: a.LeadBody, Comuni: nonNil(a.Comuni)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// normalise lowercases and de-duplicates a list, keeping its order.
func normalise(list []string, lower bool) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if lower {
			s = strings.ToLower(s)
		}
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ListAmbiti returns every ambito, by name. Anyone may call it.
func (p *Platform) ListAmbiti(ctx context.Context) ([]Ambito, error) {
	var out []Ambito
	if err := p.db.WithContext(ctx).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("incroci: list ambiti: %w", err)
	}
	return out, nil
}

// GetAmbito returns the ambito with slug, or ErrAmbitoNotFound.
func (p *Platform) GetAmbito(ctx context.Context, slug string) (*Ambito, error) {
	return p.getAmbito(ctx, p.db, slug)
}

func (p *Platform) getAmbito(ctx context.Context, db *gorm.DB, slug string) (*Ambito, error) {
	var a Ambito
	err := db.WithContext(ctx).Where("slug = ?", slug).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("ambito %q: %w", slug, ErrAmbitoNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("incroci: get ambito %q: %w", slug, err)
	}
	return &a, nil
}

// CreateAmbito adds an ambito. Admins only.
func (p *Platform) CreateAmbito(ctx context.Context, in AmbitoInput) (*Ambito, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if err := httpx.Validate(langOf(ctx), &in); err != nil {
		return nil, err
	}
	a := Ambito{
		Slug: in.Slug, Name: strings.TrimSpace(in.Name), LeadBody: strings.TrimSpace(in.LeadBody),
		Comuni: normalise(in.Comuni, false), Origins: normalise(in.Origins, true), EmailDomains: normalise(in.EmailDomains, true),
		CreatedAt: p.now(), UpdatedAt: p.now(),
	}
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			if dberr.IsDuplicate(err) {
				return fmt.Errorf("create ambito %q: %w", in.Slug, ErrAmbitoExists)
			}
			return fmt.Errorf("incroci: create ambito: %w", err)
		}
		return p.Audit(ctx, tx, AuditEntry{Ambito: a.Slug, Action: "ambito.create", ObjectType: "ambito", ObjectID: a.Slug}, in)
	})
	if err != nil {
		return nil, err
	}
	p.origins.invalidate()
	return &a, nil
}

// UpdateAmbito changes an ambito. Admins only.
func (p *Platform) UpdateAmbito(ctx context.Context, slug string, in AmbitoPatch) (*Ambito, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if err := httpx.Validate(langOf(ctx), &in); err != nil {
		return nil, err
	}
	var a *Ambito
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if a, err = p.getAmbito(ctx, tx, slug); err != nil {
			return err
		}
		if in.Name != nil {
			a.Name = strings.TrimSpace(*in.Name)
		}
		if in.LeadBody != nil {
			a.LeadBody = strings.TrimSpace(*in.LeadBody)
		}
		if in.Comuni != nil {
			a.Comuni = normalise(*in.Comuni, false)
		}
		if in.Origins != nil {
			a.Origins = normalise(*in.Origins, true)
		}
		if in.EmailDomains != nil {
			a.EmailDomains = normalise(*in.EmailDomains, true)
		}
		a.UpdatedAt = p.now()
		if err := tx.Save(a).Error; err != nil {
			return fmt.Errorf("incroci: update ambito %q: %w", slug, err)
		}
		return p.Audit(ctx, tx, AuditEntry{Ambito: slug, Action: "ambito.update", ObjectType: "ambito", ObjectID: slug}, in)
	})
	if err != nil {
		return nil, err
	}
	p.origins.invalidate()
	return a, nil
}

// originCache keeps the allowed origins and institutional domains of all
// ambiti for a few seconds, since CORS checks run on every request.
type originCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	loaded  time.Time
	gen     uint64              // bumped by invalidate
	origins map[string][]string // origin -> ambiti
	domains map[string][]string // e-mail domain -> ambiti
}

func (c *originCache) invalidate() {
	c.mu.Lock()
	c.loaded = time.Time{}
	c.gen++
	c.mu.Unlock()
}

func (p *Platform) lookup(ctx context.Context) (origins, domains map[string][]string, err error) {
	return p.lookupIn(ctx, p.db)
}

// lookupIn reads through db, which may be an open transaction: on SQLite's
// single connection, reading through p.db inside one would wait for ever.
// A caller's transaction reads afresh and leaves the cache alone (it may
// hold uncommitted ambiti); the cache is filled without holding its lock
// during the query, so no request waits on the lock while another holds
// the only connection.
func (p *Platform) lookupIn(ctx context.Context, db *gorm.DB) (origins, domains map[string][]string, err error) {
	c := &p.origins
	var gen uint64
	if db == p.db {
		c.mu.Lock()
		fresh := !c.loaded.IsZero() && time.Since(c.loaded) < c.ttl
		origins, domains, gen = c.origins, c.domains, c.gen
		c.mu.Unlock()
		if fresh {
			return origins, domains, nil
		}
	}
	var all []Ambito
	if err := db.WithContext(ctx).Find(&all).Error; err != nil {
		return nil, nil, fmt.Errorf("incroci: load ambiti: %w", err)
	}
	origins, domains = map[string][]string{}, map[string][]string{}
	for _, o := range p.cfg.AllowedOrigins {
		origins[o] = append(origins[o], "")
	}
	for _, a := range all {
		for _, o := range a.Origins {
			origins[o] = append(origins[o], a.Slug)
		}
		for _, d := range a.EmailDomains {
			domains[d] = append(domains[d], a.Slug)
		}
	}
	if db == p.db {
		c.mu.Lock()
		if c.gen == gen { // no change of ambiti while we read
			c.origins, c.domains, c.loaded = origins, domains, time.Now()
		}
		c.mu.Unlock()
	}
	return origins, domains, nil
}

// originAllowed reports whether a browser at origin may call the API.
func (p *Platform) originAllowed(ctx context.Context, origin string) (bool, error) {
	origins, _, err := p.lookup(ctx)
	if err != nil {
		return false, err
	}
	_, ok := origins[strings.ToLower(origin)]
	return ok, nil
}

// ambitiOfDomain returns the ambiti whose institutional domains hold the
// address's domain.
func (p *Platform) ambitiOfDomain(ctx context.Context, email string) ([]string, error) {
	_, domains, err := p.lookup(ctx)
	if err != nil {
		return nil, err
	}
	at := strings.LastIndexByte(email, '@')
	return domains[email[at+1:]], nil
}

func requireAdmin(ctx context.Context) error {
	pr := PrincipalFrom(ctx)
	if pr == nil {
		return ErrUnauthorized
	}
	if !pr.Admin {
		return ErrForbidden
	}
	return nil
}

type langKey struct{}

// WithLang returns a context whose validation messages are in lang ("it" or
// "en"); the HTTP layer sets it from Accept-Language.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// LangFrom returns the language of ctx set by WithLang, "it" by default.
func LangFrom(ctx context.Context) string { return langOf(ctx) }

func langOf(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok {
		return l
	}
	return "it"
}
