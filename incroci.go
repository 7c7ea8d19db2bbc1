package incroci

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/incrocicomuni/incroci/events"
	"github.com/incrocicomuni/incroci/internal/migrate"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// Config configures a Platform. Only DB and Secret are required.
type Config struct {
	// DB is the database, from OpenDB or the partner's own *gorm.DB. Required.
	DB *gorm.DB
	// Secret is the hub's master key, at least 32 random bytes, kept out of the
	// code: it seals the host-site secrets at rest and keys the hashes of
	// codes, addresses and client addresses. Required.
	Secret []byte
	// Mailer sends e-mail. Default: mail.NewLog(Logger), which only logs.
	Mailer mail.Mailer
	// MailFrom is the sender of the platform's e-mails. Default: the mailer's.
	MailFrom mail.Address
	// Events carries live updates to widgets. Default: on PostgreSQL, an
	// events.Postgres bus (LISTEN/NOTIFY, so several hub instances share it);
	// on SQLite, an in-process events.Memory bus.
	Events events.Bus
	// Logger receives structured logs. Default: slog.Default().
	Logger *slog.Logger
	// PublicURL is the address where the platform is mounted as seen from
	// browsers, e.g. "https://hub.example.it/incroci". Default: "".
	PublicURL string
	// LinkPage is the web page, with the sign-in widget on it, that the links
	// in e-mails open when the widget asking gave no page of its own (its
	// return_url). Default: the root of PublicURL's site, such as
	// "https://hub.example.it/"; with neither, e-mails carry only the code.
	LinkPage string
	// AllowedOrigins are web origins allowed besides those of the ambiti,
	// such as the hub's own site. Default: none.
	AllowedOrigins []string
	// Audience is the "aud" that host-site identity tokens must carry.
	// Default: "incroci".
	Audience string
	// Identify, when set, authenticates requests that carry no bearer token
	// with the partner's own login (a cookie of theirs, say). It returns nil,
	// nil for an anonymous request. Default: nil (bearer tokens only).
	Identify func(ctx context.Context, r *http.Request) (*Identity, error)
	// SessionTTL is how long a session lasts. Default: 12 hours.
	SessionTTL time.Duration
	// CodeTTL is how long a sign-in code and link stay valid. Default: 15 minutes.
	CodeTTL time.Duration
	// InviteTTL is how long an invitation link stays valid. Default: 7 days.
	InviteTTL time.Duration
	// MaxCodeAttempts is how many wrong codes burn a code. Default: 5.
	MaxCodeAttempts int
	// RateWindow is the window of the sign-in rate limits. Default: 15 minutes.
	RateWindow time.Duration
	// RequestsPerAddress is how many codes one address may ask for in a
	// window. Default: 3.
	RequestsPerAddress int
	// RequestsPerClient is how many codes one client address may ask for in
	// a window. Default: 10.
	RequestsPerClient int
	// VerifiesPerClient is how many codes or links one client address may
	// try in a window. Default: 30.
	VerifiesPerClient int
	// ClockSkew is the tolerance on host tokens' times. Default: 60 seconds.
	ClockSkew time.Duration
	// MaxAssertionTTL is the longest lifetime a host token may declare
	// (exp minus now). Default: 10 minutes.
	MaxAssertionTTL time.Duration
	// SecretGrace is how long a rotated host secret keeps working. Default: 24 hours.
	SecretGrace time.Duration
	// AuditRetention is how long audit entries are kept; Prune deletes older
	// ones. Default: 0, kept for ever (set it to what your records policy says).
	AuditRetention time.Duration
	// SignInAnswerTime is the least time the sign-in routes (code requests
	// and verifications) take to answer, plus up to 20% of jitter, so their
	// timing does not tell known addresses from unknown ones. Default:
	// 300 ms; negative turns it off (tests).
	SignInAnswerTime time.Duration
	// BodyLimit is the largest JSON body accepted. Default: 1 MiB.
	BodyLimit int64
	// Now tells the time; tests set it. Default: time.Now.
	Now func() time.Time
}

// Identity is a person vouched for by the partner's own authentication or
// by an ambito website.
type Identity struct {
	Email string
	Name  string
	// Ambito is where the person works; when set and the person holds no
	// role there yet, they join it as an operator.
	Ambito string
}

// Platform is what every incroci module stands on: tenancy, people and
// roles, sign-in, sessions, mail, events and the HTTP conventions.
type Platform struct {
	cfg    Config
	db     *gorm.DB
	log    *slog.Logger
	mailer mail.Mailer
	keys   keys
	now    func() time.Time

	origins originCache
	outbox  *outbox
	bus     events.Bus
	ownBus  bool

	closeOnce sync.Once

	exportMu  sync.Mutex
	exporters map[string]Exporter
}

// New checks cfg, fills its defaults, runs the platform's migrations and
// returns a Platform ready to Mount. Call Close when done.
func New(ctx context.Context, cfg Config) (*Platform, error) {
	if cfg.DB == nil {
		return nil, errors.New("incroci: Config.DB is required")
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("incroci: Config.Secret must hold at least 32 bytes")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Mailer == nil {
		cfg.Mailer = mail.NewLog(cfg.Logger)
	}
	if cfg.Audience == "" {
		cfg.Audience = "incroci"
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.LinkPage == "" && cfg.PublicURL != "" {
		if o := originOf(cfg.PublicURL); o != "" {
			cfg.LinkPage = o + "/"
		}
	}
	if cfg.LinkPage != "" && originOf(cfg.LinkPage) == "" {
		return nil, fmt.Errorf("incroci: Config.LinkPage %q is not an http(s) URL", cfg.LinkPage)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(d *int, v int) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.SessionTTL, 12*time.Hour)
	def(&cfg.CodeTTL, 15*time.Minute)
	def(&cfg.InviteTTL, 7*24*time.Hour)
	def(&cfg.RateWindow, 15*time.Minute)
	def(&cfg.ClockSkew, time.Minute)
	def(&cfg.MaxAssertionTTL, 10*time.Minute)
	def(&cfg.SecretGrace, 24*time.Hour)
	if cfg.SignInAnswerTime == 0 {
		cfg.SignInAnswerTime = 300 * time.Millisecond
	}
	defInt(&cfg.MaxCodeAttempts, 5)
	defInt(&cfg.RequestsPerAddress, 3)
	defInt(&cfg.RequestsPerClient, 10)
	defInt(&cfg.VerifiesPerClient, 30)
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, o := range cfg.AllowedOrigins {
		if !isOrigin(o) {
			return nil, fmt.Errorf("incroci: Config.AllowedOrigins: %q is not an origin like https://www.example.it", o)
		}
	}
	if err := migrate.Run(ctx, cfg.DB, "platform", migrations); err != nil {
		return nil, fmt.Errorf("incroci: migrate: %w", err)
	}
	now := func() time.Time { return cfg.Now().UTC() }
	p := &Platform{
		cfg: cfg,
		// gorm stamps created_at and updated_at itself wherever a write
		// leaves them out (Save, Update of one column): from the
		// platform's clock too, not the machine's, so that every time
		// the platform keeps comes from one clock.
		db:     cfg.DB.Session(&gorm.Session{NewDB: true, NowFunc: now}),
		log:    cfg.Logger,
		mailer: cfg.Mailer,
		keys:   deriveKeys(cfg.Secret),
		now:    now,
	}
	p.origins.ttl = 10 * time.Second
	p.bus = cfg.Events
	if p.bus == nil {
		p.ownBus = true
		if cfg.DB.Dialector.Name() == "postgres" {
			bus, err := events.NewPostgres(ctx, cfg.DB, events.Options{Logger: cfg.Logger})
			if err != nil {
				return nil, fmt.Errorf("incroci: events: %w", err)
			}
			p.bus = bus
		} else {
			p.bus = events.NewMemory(events.Options{Logger: cfg.Logger})
		}
	}
	p.outbox = newOutbox(p)
	return p, nil
}

// DB returns the platform's database, for modules built on it. gorm
// stamps the times it fills in (created_at, updated_at) from Config.Now.
func (p *Platform) DB() *gorm.DB { return p.db }

// Events returns the platform's event bus, for modules' live updates.
func (p *Platform) Events() events.Bus { return p.bus }

// txPublisher is a bus that can publish inside a caller's transaction.
type txPublisher interface {
	PublishTx(ctx context.Context, tx *gorm.DB, topic, typ string, data any) (events.Event, error)
}

// PublishTx publishes an event as part of tx: on PostgreSQL it is stored and
// announced only if tx commits, in the same commit (publish as the last step
// of the transaction: the lock that keeps event ids in order is held until
// it ends). On a bus without transactions it is published at once; events
// carry ids, so a rolled-back change only makes widgets look and find
// nothing new.
func (p *Platform) PublishTx(ctx context.Context, tx *gorm.DB, topic, typ string, data any) (events.Event, error) {
	if tp, ok := p.bus.(txPublisher); ok && tx != nil {
		return tp.PublishTx(ctx, tx, topic, typ, data)
	}
	return p.bus.Publish(ctx, topic, typ, data)
}

// eachPublisher is a bus that can publish one event on several topics
// inside a caller's transaction, in one statement.
type eachPublisher interface {
	PublishEachTx(ctx context.Context, tx *gorm.DB, topics []string, typ string, data any) ([]events.Event, error)
}

// PublishEachTx publishes the same event on each of topics as part of tx, as
// PublishTx does for one, and returns the events in the order of topics. On
// PostgreSQL it is one statement, which takes the topics in a fixed order
// whatever the order given.
func (p *Platform) PublishEachTx(ctx context.Context, tx *gorm.DB, topics []string, typ string, data any) ([]events.Event, error) {
	if ep, ok := p.bus.(eachPublisher); ok && tx != nil {
		return ep.PublishEachTx(ctx, tx, topics, typ, data)
	}
	out := make([]events.Event, 0, len(topics))
	for _, topic := range topics {
		e, err := p.PublishTx(ctx, tx, topic, typ, data)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Logger returns the platform's logger.
func (p *Platform) Logger() *slog.Logger { return p.log }

// PublicURL returns the address where the platform is mounted as seen
// from browsers (Config.PublicURL, without trailing slash), "" when unset.
func (p *Platform) PublicURL() string { return p.cfg.PublicURL }

// Now returns the platform's current time, in UTC.
func (p *Platform) Now() time.Time { return p.now() }

// Close waits (up to ctx's deadline) for queued e-mails to be handed to the
// mailer and stops the platform's background work. The database is the
// caller's to close.
func (p *Platform) Close(ctx context.Context) error {
	var err error
	p.closeOnce.Do(func() {
		err = p.outbox.close(ctx)
		if p.ownBus {
			if cerr := p.bus.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("incroci: close events: %w", cerr)
			}
		}
	})
	return err
}
