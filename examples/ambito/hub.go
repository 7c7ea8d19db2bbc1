package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/mail"
	"github.com/incrocicomuni/incroci/pdf"
	"github.com/incrocicomuni/incroci/toolkit"
	"github.com/incrocicomuni/incroci/training"
	"gorm.io/gorm"
)

const (
	// mountPath is where the platform's API and widgets live on the hub.
	mountPath = "/incroci"
	// pruneEvery is how often expired codes, sessions and limits are deleted.
	pruneEvery = 10 * time.Minute
	// shutdownTimeout bounds the wait for requests in flight when stopping.
	shutdownTimeout = 10 * time.Second
)

// hub is the running demo hub: the database, the platform, the web server.
type hub struct {
	cfg     config
	log     *slog.Logger
	db      *gorm.DB
	p       *incroci.Platform
	hd      *helpdesk.Helpdesk
	tk      *toolkit.Toolkit
	tr      *training.Training
	printer *pdf.Chromium // nil: no PDF
	ln      net.Listener
	srv     *http.Server
	origins []string
}

// run starts the hub and serves until ctx is cancelled, then stops cleanly.
func run(ctx context.Context, cfg config, logger *slog.Logger) error {
	h, err := newHub(ctx, cfg, logger)
	if err != nil {
		return err
	}
	return h.serve(ctx)
}

// newHub opens the database, sets up and seeds the platform and listens on
// cfg.Addr; serve then answers requests. On error everything opened is closed.
func newHub(ctx context.Context, cfg config, logger *slog.Logger) (_ *hub, err error) {
	h := &hub{cfg: cfg, log: logger}
	defer func() {
		if err != nil {
			h.closeAll(context.Background())
		}
	}()
	secret, err := loadSecret(cfg, logger)
	if err != nil {
		return nil, err
	}
	dsn := cfg.DatabaseURL
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(cfg.DataDir, "incroci.db")
	}
	if h.db, err = incroci.OpenDB(ctx, dsn); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if h.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	h.origins = hubOrigins(cfg.PublicURL, h.ln.Addr())
	var mailer mail.Mailer = mail.NewLog(logger)
	if cfg.SMTP != nil {
		if mailer, err = mail.NewSMTP(*cfg.SMTP); err != nil {
			return nil, fmt.Errorf("smtp mailer: %w", err)
		}
	}
	h.p, err = incroci.New(ctx, incroci.Config{
		DB:             h.db,
		Secret:         secret,
		Mailer:         mailer,
		Logger:         logger,
		PublicURL:      cfg.PublicURL + mountPath,
		AllowedOrigins: h.origins,
	})
	if err != nil {
		return nil, fmt.Errorf("start platform: %w", err)
	}
	store, err := helpdesk.NewDiskStore(filepath.Join(cfg.DataDir, "attachments"))
	if err != nil {
		return nil, err
	}
	if h.hd, err = helpdesk.New(ctx, h.p, helpdesk.Config{Attachments: store, LinkPage: cfg.PublicURL + "/"}); err != nil {
		return nil, fmt.Errorf("start help desk: %w", err)
	}
	sheetFiles, err := toolkit.NewDiskStore(filepath.Join(cfg.DataDir, "toolkit-attachments"))
	if err != nil {
		return nil, err
	}
	tkCfg := toolkit.Config{Attachments: sheetFiles}
	if h.printer, err = newPrinter(cfg, logger); err != nil {
		return nil, err
	}
	if h.printer != nil {
		tkCfg.Printer = h.printer
	}
	if h.tk, err = toolkit.New(ctx, h.p, tkCfg); err != nil {
		return nil, fmt.Errorf("start toolkit: %w", err)
	}
	courseFiles, err := training.NewDiskStore(filepath.Join(cfg.DataDir, "training-files"))
	if err != nil {
		return nil, err
	}
	trCfg := training.Config{LinkPage: cfg.PublicURL + "/", Files: courseFiles}
	if h.printer != nil {
		trCfg.Printer = h.printer
	}
	if h.tr, err = training.New(ctx, h.p, trCfg); err != nil {
		return nil, fmt.Errorf("start training: %w", err)
	}
	if err := seed(ctx, h.p, h.origins, logger); err != nil {
		return nil, fmt.Errorf("seed demo data: %w", err)
	}
	if err := seedHelpdesk(ctx, h.p, h.hd); err != nil {
		return nil, fmt.Errorf("seed the help desk: %w", err)
	}
	if err := seedMediation(ctx, h.p, h.hd, h.p.Now()); err != nil {
		return nil, fmt.Errorf("seed mediation: %w", err)
	}
	if err := seedToolkit(ctx, h.p, h.tk); err != nil {
		return nil, fmt.Errorf("seed the toolkit: %w", err)
	}
	if err := seedTraining(ctx, h.p, h.tr, h.p.Now()); err != nil {
		return nil, fmt.Errorf("seed the training: %w", err)
	}
	handler, err := h.routes()
	if err != nil {
		return nil, err
	}
	// Requests run under a context that shutdown cancels, so long-lived
	// event streams end at once instead of holding the shutdown up.
	base, stopRequests := context.WithCancel(context.Background())
	h.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	h.srv.RegisterOnShutdown(stopRequests)
	return h, nil
}

// URL returns the base URL the hub listens on, such as http://127.0.0.1:8080.
func (h *hub) URL() string {
	a := h.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
}

// routes builds the hub's router: the demo ambito page, its static files,
// /healthz and the platform under /incroci.
func (h *hub) routes() (http.Handler, error) {
	page, err := renderPage(h.cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	r := gin.New()
	if err := r.SetTrustedProxies(h.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	r.Use(gin.Recovery())
	r.GET("/", func(c *gin.Context) { servePage(c, page) })
	r.GET("/healthz", h.healthz)
	r.StaticFileFS("/static/site.css", "site.css", http.FS(static))
	h.p.Mount(r.Group(mountPath))
	h.hd.Mount(r.Group(mountPath + "/helpdesk"))
	h.tk.Mount(r.Group(mountPath + "/toolkit"))
	h.tr.Mount(r.Group(mountPath + "/training"))
	return r, nil
}

// healthz answers 200 when the database answers a ping within two seconds.
func (h *hub) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	sqlDB, err := h.db.DB()
	if err == nil {
		err = sqlDB.PingContext(ctx)
	}
	if err != nil {
		h.log.WarnContext(ctx, "healthz: database does not answer", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// serve answers requests and prunes expired data until ctx is cancelled,
// then shuts the server down, closes the platform and the database.
func (h *hub) serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- h.srv.Serve(h.ln) }()
	h.log.Info("hub listening", "addr", h.ln.Addr().String(), "url", h.cfg.PublicURL,
		"api", h.cfg.PublicURL+mountPath, "database", h.db.Dialector.Name())

	pruneCtx, stopPrune := context.WithCancel(context.WithoutCancel(ctx))
	pruned := make(chan struct{})
	go func() {
		defer close(pruned)
		h.prune(pruneCtx)
	}()

	var serveErr error
	select {
	case <-ctx.Done():
		h.log.Info("hub stopping", "reason", context.Cause(ctx))
	case serveErr = <-errc:
		serveErr = fmt.Errorf("serve http: %w", serveErr)
	}
	stopPrune()
	<-pruned
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := h.srv.Shutdown(sctx); err != nil {
		h.log.Warn("hub: requests still running at shutdown, closing them", "err", err)
		h.srv.Close()
	}
	cctx, ccancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer ccancel()
	err := errors.Join(serveErr, h.closeAll(cctx))
	if err != nil {
		return err
	}
	h.log.Info("hub stopped")
	return nil
}

// prune deletes expired data, closes idle consultations, anonymises old
// ones, sends deadline reminders and flags the sheets resting on legal
// sources that expired, passes on the training seats offered and not
// taken in time, closes the training registers left open a week after
// their meetings (issuing the certificates due), every pruneEvery until
// ctx is cancelled.
func (h *hub) prune(ctx context.Context) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := h.p.Prune(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("prune expired data", "err", err)
			}
			if n, err := h.hd.CloseIdle(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("close idle consultations", "err", err)
			} else if n > 0 {
				h.log.Info("idle consultations closed", "count", n)
			}
			if n, err := h.hd.Anonymise(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("anonymise closed consultations", "err", err)
			} else if n > 0 {
				h.log.Info("closed consultations anonymised", "count", n)
			}
			if _, err := h.hd.Remind(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("deadline reminders", "err", err)
			}
			if n, err := h.tk.CheckSources(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("check legal sources", "err", err)
			} else if n > 0 {
				h.log.Info("legal sources expired, their sheets flagged", "count", n)
			}
			if n, err := h.tr.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("expire offers of training seats", "err", err)
			} else if n > 0 {
				h.log.Info("offers of training seats lapsed, passed on", "count", n)
			}
			if n, err := h.tr.RemindMeetings(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("remind training meetings", "err", err)
			} else if n > 0 {
				h.log.Info("training meeting reminders sent", "count", n)
			}
			if n, err := h.tr.AnnounceSurveys(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("announce training surveys", "err", err)
			} else if n > 0 {
				h.log.Info("training surveys announced", "count", n)
			}
			if n, err := h.tr.IssueDue(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("close training registers, issue certificates", "err", err)
			} else if n > 0 {
				h.log.Info("training registers closed, certificates issued", "count", n)
			}
			if n, err := h.hd.ExpireMediation(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("expire mediation requests", "err", err)
			} else if n > 0 {
				h.log.Info("mediation requests expired unconfirmed", "count", n)
			}
		}
	}
}

// newPrinter returns the Chromium that prints the handouts to PDF: the one
// cfg.Chromium names (an error when it is not there), else the first on
// PATH; nil when cfg.Chromium is "off" or none is found. The browser starts
// at the first PDF.
func newPrinter(cfg config, logger *slog.Logger) (*pdf.Chromium, error) {
	if cfg.Chromium == "off" {
		logger.Info("INCROCI_CHROMIUM=off: no handout PDFs; people print the handout page from the browser")
		return nil, nil
	}
	p, err := pdf.NewChromium(pdf.ChromiumConfig{Path: cfg.Chromium})
	switch {
	case err == nil:
		logger.Info("handout PDFs printed with Chromium", "path", p.Executable())
		return p, nil
	case cfg.Chromium == "" && errors.Is(err, pdf.ErrNoBrowser):
		logger.Warn("no handout PDFs: people print the handout page from the browser; install chromium or set INCROCI_CHROMIUM", "err", err)
		return nil, nil
	default:
		return nil, fmt.Errorf("INCROCI_CHROMIUM: %w", err)
	}
}

// closeAll closes the PDF printer's browser, the platform (waiting for
// queued e-mails), the database and the listener, whichever are open.
func (h *hub) closeAll(ctx context.Context) error {
	var errs []error
	if h.printer != nil {
		if err := h.printer.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close the PDF printer: %w", err))
		}
	}
	if h.p != nil {
		if err := h.p.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("close platform: %w", err))
		}
	}
	if h.db != nil {
		if sqlDB, err := h.db.DB(); err == nil {
			if err := sqlDB.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close database: %w", err))
			}
		}
	}
	if h.ln != nil && h.srv == nil {
		h.ln.Close()
	}
	return errors.Join(errs...)
}

// hubOrigins returns the web origins of the hub's own pages: PUBLIC_URL's,
// and http://127.0.0.1:PORT and http://localhost:PORT for the port it
// listens on.
func hubOrigins(publicURL string, addr net.Addr) []string {
	out := []string{}
	add := func(o string) {
		o = strings.ToLower(o)
		for _, x := range out {
			if x == o {
				return
			}
		}
		out = append(out, o)
	}
	if u, err := url.Parse(publicURL); err == nil {
		add(u.Scheme + "://" + u.Host)
	}
	if a, ok := addr.(*net.TCPAddr); ok {
		add(fmt.Sprintf("http://127.0.0.1:%d", a.Port))
		add(fmt.Sprintf("http://localhost:%d", a.Port))
	}
	return out
}

// loadSecret returns cfg.Secret or, when it is unset, the secret kept in
// DataDir/secret, generating it on first run so that restarts keep sessions
// and host-site secrets valid.
func loadSecret(cfg config, logger *slog.Logger) ([]byte, error) {
	if len(cfg.Secret) > 0 {
		return cfg.Secret, nil
	}
	path := filepath.Join(cfg.DataDir, "secret")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		s := strings.TrimSpace(string(b))
		if len(s) < 32 {
			return nil, fmt.Errorf("secret file %s holds %d bytes, want at least 32: fix or delete it", path, len(s))
		}
		logger.Warn("INCROCI_SECRET is not set: using the secret kept in the data folder; set it in production", "file", path)
		return []byte(s), nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read secret: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	s := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create secret file: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write secret file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write secret file: %w", err)
	}
	logger.Warn("INCROCI_SECRET is not set: generated a secret and kept it in the data folder; set it in production", "file", path)
	return []byte(s), nil
}
