package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSPolicy says whether the SMTP connection must be encrypted with STARTTLS.
type TLSPolicy int

const (
	// TLSMandatory refuses to send unless the server accepts STARTTLS. It is
	// the zero value, so the default.
	TLSMandatory TLSPolicy = iota
	// TLSOpportunistic uses STARTTLS when the server offers it and sends in
	// clear otherwise.
	TLSOpportunistic
	// TLSNone never starts TLS: only for a relay on localhost or in tests.
	TLSNone
)

// String names the policy as in configuration files.
func (p TLSPolicy) String() string {
	switch p {
	case TLSMandatory:
		return "mandatory"
	case TLSOpportunistic:
		return "opportunistic"
	case TLSNone:
		return "none"
	}
	return fmt.Sprintf("TLSPolicy(%d)", int(p))
}

// ParseTLSPolicy reads "mandatory", "opportunistic" or "none" (and "" as
// mandatory), for configuration from the environment.
func ParseTLSPolicy(s string) (TLSPolicy, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "mandatory":
		return TLSMandatory, nil
	case "opportunistic":
		return TLSOpportunistic, nil
	case "none":
		return TLSNone, nil
	}
	return 0, fmt.Errorf("mail: unknown TLS policy %q: use mandatory, opportunistic or none", s)
}

// SMTPConfig configures an [SMTP] mailer.
type SMTPConfig struct {
	// Host is the SMTP server's name, e.g. "smtp.example.it". Required.
	Host string
	// Port is the server's port. Default 587 (submission), or 465 when
	// ImplicitTLS is set.
	Port int
	// Username for SMTP AUTH. Default "": no authentication.
	Username string
	// Password for SMTP AUTH.
	Password string
	// Auth is the SMTP AUTH mechanism used when Username is set: "plain",
	// "login", "cram-md5", "scram-sha-256" or "auto" (the strongest the
	// server offers). Default "plain". PLAIN and LOGIN are only sent over TLS
	// or to localhost.
	Auth string
	// From is the default sender, e.g. "incroci <noreply@example.it>", used
	// when a message has none. Required.
	From string
	// TLS is the STARTTLS policy. Default TLSMandatory.
	TLS TLSPolicy
	// ImplicitTLS connects with TLS from the first byte (SMTPS, port 465)
	// instead of STARTTLS; TLS is then ignored. Default false.
	ImplicitTLS bool
	// TLSConfig customises certificate checks, e.g. a private CA. Default:
	// the system roots, with ServerName set to Host.
	TLSConfig *tls.Config
	// Timeout bounds connecting and each SMTP command. Default 15 seconds.
	Timeout time.Duration
	// HELO is the name this host gives in EHLO. Default: the machine's host name.
	HELO string
}

// SMTP sends messages through an SMTP server, opening one connection per
// message. It is safe for concurrent use.
type SMTP struct {
	from Address
	host string
	opts []gomail.Option
}

// NewSMTP checks cfg, fills its defaults and returns the mailer. It does not
// connect: the first Send does.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: SMTPConfig.Host is required")
	}
	if cfg.From == "" {
		return nil, errors.New("mail: SMTPConfig.From is required")
	}
	from, err := ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTPConfig.From: %w", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.ImplicitTLS {
			cfg.Port = 465
		}
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail: SMTPConfig.Port %d is out of range", cfg.Port)
	}
	opts := []gomail.Option{gomail.WithTimeout(cfg.Timeout)}
	if cfg.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		switch cfg.TLS {
		case TLSMandatory:
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case TLSOpportunistic:
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case TLSNone:
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("mail: SMTPConfig.TLS: unknown policy %d", int(cfg.TLS))
		}
	}
	opts = append(opts, gomail.WithPort(cfg.Port)) // after WithSSL, which sets 465
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig.Clone()))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	if cfg.Username != "" {
		mech, err := authType(cfg.Auth)
		if err != nil {
			return nil, err
		}
		opts = append(opts, gomail.WithSMTPAuth(mech), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	s := &SMTP{from: from, host: cfg.Host, opts: opts}
	// Build one client now so that option errors show up at start, not at the
	// first message.
	if _, err := s.client(); err != nil {
		return nil, err
	}
	return s, nil
}

func authType(s string) (gomail.SMTPAuthType, error) {
	switch strings.ToLower(s) {
	case "", "plain":
		return gomail.SMTPAuthPlain, nil
	case "login":
		return gomail.SMTPAuthLogin, nil
	case "cram-md5":
		return gomail.SMTPAuthCramMD5, nil
	case "scram-sha-256":
		return gomail.SMTPAuthSCRAMSHA256, nil
	case "auto":
		return gomail.SMTPAuthAutoDiscover, nil
	}
	return "", fmt.Errorf("mail: SMTPConfig.Auth %q: use plain, login, cram-md5, scram-sha-256 or auto", s)
}

// client returns a fresh go-mail client: nothing is shared between sends.
func (s *SMTP) client() (*gomail.Client, error) {
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp client: %w", err)
	}
	return c, nil
}

// Send validates m, connects to the server and delivers m to every recipient.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send %q to %s: %w", m.Subject, strings.Join(m.recipients(), ", "), err)
	}
	return nil
}

// build turns a validated Message into a go-mail message.
func (s *SMTP) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from := m.From
	if from.IsZero() {
		from = s.from
	}
	if err := msg.FromFormat(from.Name, from.Email); err != nil {
		return nil, fmt.Errorf("mail: from: %w", err)
	}
	for _, a := range m.To {
		if err := msg.AddToFormat(a.Name, a.Email); err != nil {
			return nil, fmt.Errorf("mail: to: %w", err)
		}
	}
	for _, a := range m.Cc {
		if err := msg.AddCcFormat(a.Name, a.Email); err != nil {
			return nil, fmt.Errorf("mail: cc: %w", err)
		}
	}
	if !m.ReplyTo.IsZero() {
		if err := msg.ReplyToFormat(m.ReplyTo.Name, m.ReplyTo.Email); err != nil {
			return nil, fmt.Errorf("mail: reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.HTML != "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(ct)),
			gomail.WithFileEncoding(gomail.EncodingB64)); err != nil {
			return nil, fmt.Errorf("mail: attach %q: %w", a.Filename, err)
		}
	}
	return msg, nil
}
