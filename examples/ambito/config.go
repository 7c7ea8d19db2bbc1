package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/incrocicomuni/incroci/mail"
)

// config is the hub's configuration, read from the environment by
// configFromEnv.
type config struct {
	// Addr is where the HTTP server listens (ADDR). Default ":8080".
	Addr string
	// DatabaseURL is a postgres:// URL (DATABASE_URL). Default "": an
	// embedded SQLite file, DataDir/incroci.db.
	DatabaseURL string
	// DataDir holds the SQLite file and the generated secret (DATA_DIR).
	// Default "./data".
	DataDir string
	// Secret is the platform's master key (INCROCI_SECRET), at least 32
	// bytes. Default: generated once and kept in DataDir/secret.
	Secret []byte
	// PublicURL is the hub's address as browsers see it (PUBLIC_URL),
	// without trailing slash. Default "http://localhost:8080".
	PublicURL string
	// SMTP configures the SMTP mailer (SMTP_URL, MAIL_FROM); nil means the
	// development mailer that writes every message to the log.
	SMTP *mail.SMTPConfig
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies whose
	// X-Forwarded-For the hub believes (TRUSTED_PROXIES, comma-separated).
	// Default: none, so clients cannot dodge the sign-in rate limits by
	// sending that header themselves.
	TrustedProxies []string
	// Chromium is the browser that prints the toolkit's handouts to PDF
	// (INCROCI_CHROMIUM): a path or a name on PATH, or "off" for no PDF.
	// Default "": the first Chromium found on PATH, and no PDF when there
	// is none (people print the handout page from their browser).
	Chromium string
}

// defaultFrom is the sender of the hub's e-mails when MAIL_FROM is unset.
const defaultFrom = "incroci <noreply@demo.incroci.it>"

// configFromEnv reads the configuration through getenv (os.Getenv in main),
// filling defaults and saying clearly what is wrong with a value.
func configFromEnv(getenv func(string) string) (config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	cfg := config{
		Addr:        env("ADDR", ":8080"),
		DatabaseURL: env("DATABASE_URL", ""),
		DataDir:     env("DATA_DIR", "./data"),
		PublicURL:   strings.TrimRight(env("PUBLIC_URL", "http://localhost:8080"), "/"),
		Chromium:    env("INCROCI_CHROMIUM", ""),
	}
	for _, p := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	var errs []error
	if _, port, err := net.SplitHostPort(cfg.Addr); err != nil {
		errs = append(errs, fmt.Errorf("ADDR %q: want host:port or :port, such as :8080: %w", cfg.Addr, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("ADDR %q: port %q is not a number from 0 to 65535", cfg.Addr, port))
	}
	if d := cfg.DatabaseURL; d != "" && !strings.HasPrefix(d, "postgres://") && !strings.HasPrefix(d, "postgresql://") {
		errs = append(errs, errors.New("DATABASE_URL: want a postgres:// URL, or leave it empty for the embedded SQLite database"))
	}
	if s := getenv("INCROCI_SECRET"); s != "" {
		if len(s) < 32 {
			errs = append(errs, fmt.Errorf("INCROCI_SECRET holds %d bytes: want at least 32, e.g. the output of `openssl rand -hex 32`", len(s)))
		}
		cfg.Secret = []byte(s)
	}
	if u, err := url.Parse(cfg.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, fmt.Errorf("PUBLIC_URL %q: want the hub's origin, such as https://hub.example.it", cfg.PublicURL))
	}
	if raw := getenv("SMTP_URL"); raw != "" {
		smtp, err := parseSMTPURL(raw, env("MAIL_FROM", defaultFrom))
		if err != nil {
			errs = append(errs, err)
		}
		cfg.SMTP = smtp
	}
	return cfg, errors.Join(errs...)
}

// parseSMTPURL reads smtp://user:pass@host:port?tls=mandatory|opportunistic|none&auth=plain
// (or smtps:// for TLS from the first byte, port 465) into an SMTPConfig.
func parseSMTPURL(raw, from string) (*mail.SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("SMTP_URL: not a URL; want smtp://user:password@host:587?tls=mandatory")
	}
	redacted := u.Redacted()
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("SMTP_URL %q: scheme must be smtp or smtps", redacted)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP_URL %q: the server's host is missing", redacted)
	}
	c := &mail.SMTPConfig{Host: u.Hostname(), From: from, ImplicitTLS: u.Scheme == "smtps"}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("SMTP_URL %q: port %q is out of range", redacted, p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	q := u.Query()
	if c.TLS, err = mail.ParseTLSPolicy(q.Get("tls")); err != nil {
		return nil, fmt.Errorf("SMTP_URL %q: %w", redacted, err)
	}
	c.Auth = q.Get("auth")
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("MAIL_FROM %q: %w", from, err)
	}
	return c, nil
}
