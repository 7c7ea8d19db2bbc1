package toolkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/migrate"
	"github.com/incrocicomuni/incroci/pdf"
	"gorm.io/gorm"
)

// Config configures the toolkit. The zero value works.
type Config struct {
	// MaxSection is the longest section of a sheet, in characters.
	// Default: 20,000.
	MaxSection int
	// ReviewEvery is how long a sheet stays current before it is due for
	// review: its review-by day is set this far from its first publication
	// and from each check. Default: one year.
	ReviewEvery time.Duration
	// LinkPage is the page with the <incroci-toolkit> widget that the links
	// in e-mails open (with ?incroci_sheet=<id>); "" sends no link.
	LinkPage string
	// Attachments stores the files of sheets. Default: a DiskStore in
	// "data/toolkit-attachments".
	Attachments AttachmentStore
	// MaxAttachment is the largest file a sheet takes, in bytes. Default:
	// 10 MiB.
	MaxAttachment int64
	// AttachmentTypes are the accepted content types, sniffed from the
	// file's bytes. Default: DefaultAttachmentTypes.
	AttachmentTypes []string

	// Printer prints handouts to PDF (GET /sheets/{id}/handout.pdf), for
	// example a *pdf.Chromium; the toolkit does not close it. Default: nil,
	// no PDF: that route answers 503 and the handout page offers no
	// download (people print the page from the browser).
	Printer pdf.Printer
}

// Toolkit is the toolkit module, mounted beside an incroci.Platform.
type Toolkit struct {
	p   *incroci.Platform
	db  *gorm.DB
	cfg Config
	log *slog.Logger
	// trgm is the schema of PostgreSQL's pg_trgm extension.
	trgm string
}

// New checks cfg, fills its defaults, runs the module's migrations and
// returns the module ready to Mount.
func New(ctx context.Context, p *incroci.Platform, cfg Config) (*Toolkit, error) {
	if p == nil {
		return nil, errors.New("toolkit: a platform is required")
	}
	if cfg.MaxSection <= 0 {
		cfg.MaxSection = 20000
	}
	if cfg.ReviewEvery <= 0 {
		cfg.ReviewEvery = 365 * 24 * time.Hour
	}
	if cfg.MaxAttachment <= 0 {
		cfg.MaxAttachment = 10 << 20
	}
	if len(cfg.AttachmentTypes) == 0 {
		cfg.AttachmentTypes = slices.Clone(DefaultAttachmentTypes)
	}
	if cfg.Attachments == nil {
		store, err := NewDiskStore("data/toolkit-attachments")
		if err != nil {
			return nil, fmt.Errorf("toolkit: attachments: %w", err)
		}
		cfg.Attachments = store
	}
	t := &Toolkit{p: p, db: p.DB(), cfg: cfg, log: p.Logger()}
	if t.db.Dialector.Name() == "postgres" {
		var err error
		if t.trgm, err = ensureTrgm(ctx, t.db); err != nil {
			return nil, err
		}
	}
	if err := migrate.Run(ctx, p.DB(), "toolkit", migrations); err != nil {
		return nil, fmt.Errorf("toolkit: migrate: %w", err)
	}
	return t, nil
}

// Mount adds the toolkit's routes to r, typically the partner's
// api.Group("/toolkit"), behind the platform's middleware, and its OpenAPI
// document at /openapi.json.
func (t *Toolkit) Mount(r gin.IRouter) {
	g := r.Group("", t.p.Middleware()...)
	httpx.Register(g, t.routes())
	r.GET("/openapi.json", serveOpenAPI)
}
