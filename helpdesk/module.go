package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/migrate"
	"gorm.io/gorm"
)

// Calendar measures working time: the first-response target and the
// reports count working hours only.
type Calendar interface {
	// Add returns the instant when d of working time has passed after t.
	Add(t time.Time, d time.Duration) time.Time
	// Between returns the working time elapsed from one instant to another.
	Between(from, to time.Time) time.Duration
}

// Config configures the help desk. The zero value works.
type Config struct {
	// Attachments stores the files of consultations. Default: a DiskStore in
	// "data/helpdesk-attachments".
	Attachments AttachmentStore
	// MaxAttachment is the largest file accepted, in bytes. Default: 10 MiB.
	MaxAttachment int64
	// AttachmentTypes are the accepted content types, sniffed from the
	// file's bytes. Default: PDF, JPEG, PNG, plain text, Word and
	// OpenDocument text.
	AttachmentTypes []string
	// MaxMessage is the longest message, in characters. Default: 20,000.
	MaxMessage int
	// Calendar measures working time. Default: the Italian calendar, 9–13
	// and 14–17 on weekdays, national holidays off.
	Calendar Calendar
	// Retention is how long a closed consultation keeps its text and files
	// before Anonymise removes them (keeping the figures for reports).
	// Default: two years.
	Retention time.Duration
	// AutoClose is how long a consultation may stay resolved, or wait for
	// its operator, with no activity before CloseIdle closes it (so that
	// Retention then applies to it). Default: 30 days.
	AutoClose time.Duration
	// Mediation configures mediator bookings (the cancellation notice window).
	Mediation MediationConfig
	// LinkPage is the page with the <incroci-helpdesk> widget that the links
	// in e-mails open when the widget gave none. Default: the platform's.
	LinkPage string
}

// Helpdesk is the help desk module, mounted beside an incroci.Platform.
type Helpdesk struct {
	p   *incroci.Platform
	db  *gorm.DB
	cfg Config
	log *slog.Logger
}

// New checks cfg, fills its defaults, runs the module's migrations and
// returns the module ready to Mount.
func New(ctx context.Context, p *incroci.Platform, cfg Config) (*Helpdesk, error) {
	if p == nil {
		return nil, errors.New("helpdesk: a platform is required")
	}
	if cfg.MaxAttachment <= 0 {
		cfg.MaxAttachment = 10 << 20
	}
	if len(cfg.AttachmentTypes) == 0 {
		cfg.AttachmentTypes = defaultAttachmentTypes
	}
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = 20000
	}
	if cfg.Retention <= 0 {
		cfg.Retention = 2 * 365 * 24 * time.Hour
	}
	if cfg.AutoClose <= 0 {
		cfg.AutoClose = 30 * 24 * time.Hour
	}
	if cfg.Calendar == nil {
		cal, err := defaultCalendar()
		if err != nil {
			return nil, fmt.Errorf("helpdesk: calendar: %w", err)
		}
		cfg.Calendar = cal
	}
	if cfg.Attachments == nil {
		store, err := NewDiskStore("data/helpdesk-attachments")
		if err != nil {
			return nil, fmt.Errorf("helpdesk: attachments: %w", err)
		}
		cfg.Attachments = store
	}
	if err := migrate.Run(ctx, p.DB(), "helpdesk", migrations); err != nil {
		return nil, fmt.Errorf("helpdesk: migrate: %w", err)
	}
	return &Helpdesk{p: p, db: p.DB(), cfg: cfg, log: p.Logger()}, nil
}
