package training

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

// Config configures the training module. The zero value works.
type Config struct {
	// LinkPage is the page with the <incroci-training> widget that the
	// links in e-mails open (with ?incroci_edition=<id>); "" sends no link.
	LinkPage string
	// SurveyPage is the page with the <incroci-survey> widget that the
	// e-mails announcing a survey link to (with ?incroci_survey=<id>); ""
	// uses LinkPage.
	SurveyPage string
	// RemindBefore is how long before each meeting RemindMeetings e-mails
	// its participants. Default: 24 hours; negative: no reminders.
	RemindBefore time.Duration
	// OfferFor is how long a freed seat stays offered to the next person on
	// the waiting list before it passes on. Default: 48 hours.
	OfferFor time.Duration
	// Threshold is the share of an edition's hours, in percent, a person
	// must attend for a certificate, when the edition sets none. Default: 75.
	Threshold int
	// MaxMeetings is the most meetings an edition has. Default: 50.
	MaxMeetings int
	// RegisterGrace is how long after a meeting ends its register stays
	// open for the trainers before IssueDue closes it. Default: 7 days.
	RegisterGrace time.Duration
	// Files stores the files of courses. Default: a DiskStore in
	// "data/training-files", made when the first file comes.
	Files FileStore
	// MaxFile is the largest file a course takes, in bytes. Default: 20 MiB.
	MaxFile int64
	// FileTypes are the accepted content types of courses' files, sniffed
	// from their bytes. Default: DefaultFileTypes.
	FileTypes []string
	// Printer prints certificates to PDF, for example a *pdf.Chromium; the
	// module does not close it. Default: nil, no PDF.
	Printer pdf.Printer
}

// Training is the training module, mounted beside an incroci.Platform.
type Training struct {
	p   *incroci.Platform
	db  *gorm.DB
	cfg Config
	log *slog.Logger
}

// New checks cfg, fills its defaults, runs the module's migrations and
// returns the module ready to Mount.
func New(ctx context.Context, p *incroci.Platform, cfg Config) (*Training, error) {
	if p == nil {
		return nil, errors.New("training: a platform is required")
	}
	if cfg.OfferFor <= 0 {
		cfg.OfferFor = 48 * time.Hour
	}
	if cfg.RemindBefore == 0 {
		cfg.RemindBefore = 24 * time.Hour
	}
	if cfg.SurveyPage == "" {
		cfg.SurveyPage = cfg.LinkPage
	}
	if cfg.Threshold <= 0 || cfg.Threshold > 100 {
		cfg.Threshold = 75
	}
	if cfg.RegisterGrace <= 0 {
		cfg.RegisterGrace = 7 * 24 * time.Hour
	}
	if cfg.MaxFile <= 0 {
		cfg.MaxFile = 20 << 20
	}
	if len(cfg.FileTypes) == 0 {
		cfg.FileTypes = slices.Clone(DefaultFileTypes)
	}
	if cfg.Files == nil {
		cfg.Files = &lazyDisk{dir: "data/training-files"}
	}
	if cfg.MaxMeetings <= 0 {
		cfg.MaxMeetings = 50
	}
	t := &Training{p: p, db: p.DB(), cfg: cfg, log: p.Logger()}
	if err := migrate.Run(ctx, p.DB(), "training", migrations); err != nil {
		return nil, fmt.Errorf("training: migrate: %w", err)
	}
	if err := migrate.Run(ctx, p.DB(), "training-surveys", surveyMigrations); err != nil {
		return nil, fmt.Errorf("training: migrate surveys: %w", err)
	}
	p.RegisterExport("training", func(ctx context.Context) (any, error) { return t.ExportMine(ctx) })
	return t, nil
}

// Mount adds the module's routes to r, typically the partner's
// api.Group("/training"), behind the platform's middleware, and its OpenAPI
// document at /openapi.json.
func (t *Training) Mount(r gin.IRouter) {
	g := r.Group("", t.p.Middleware()...)
	httpx.Register(g, t.routes())
	r.GET("/openapi.json", serveOpenAPI)
}
