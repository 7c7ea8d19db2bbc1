package testsmtp

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server running for one test.
type Server struct {
	srv  *smtp.Server
	addr *net.TCPAddr
	user string // required credentials, "" = any
	pass string

	mu      sync.Mutex
	msgs    []Received
	changed chan struct{} // closed and replaced whenever msgs grows
	closed  bool
}

// Start starts a server that accepts mail with or without AUTH PLAIN, and any
// credentials. It stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, "", "")
}

// StartAuth starts a server that requires AUTH PLAIN with username and
// password before it accepts mail.
func StartAuth(t testing.TB, username, password string) *Server {
	t.Helper()
	if username == "" {
		t.Fatal("testsmtp: StartAuth needs a username")
	}
	return start(t, username, password)
}

func start(t testing.TB, user, pass string) *Server {
	t.Helper()
	s := &Server{user: user, pass: pass, changed: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testsmtp: listen: %v", err)
	}
	s.addr = ln.Addr().(*net.TCPAddr)
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = 32 << 20
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.ErrorLog = log.New(&testLogWriter{s: s, t: t}, "", 0)
	s.srv = srv
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			s.logf(t, "testsmtp: serve: %v", err)
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.srv.Close()
}

// logf logs through t while the test runs, and drops the line afterwards.
func (s *Server) logf(t testing.TB, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		t.Logf(format, args...)
	}
}

type testLogWriter struct {
	s *Server
	t testing.TB
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.s.logf(w.t, "testsmtp: %s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr.String() }

// Host returns "127.0.0.1".
func (s *Server) Host() string { return s.addr.IP.String() }

// Port returns the port the server listens on.
func (s *Server) Port() int { return s.addr.Port }

// Messages returns a copy of the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor returns the first received message (already received or arriving
// within timeout) for which match reports true; a nil match takes any
// message. On timeout it fails the test, listing what did arrive.
func (s *Server) WaitFor(t testing.TB, match func(Received) bool, timeout time.Duration) Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		s.mu.Lock()
		msgs, changed := s.msgs, s.changed
		s.mu.Unlock()
		for ; seen < len(msgs); seen++ {
			if match == nil || match(msgs[seen]) {
				return msgs[seen]
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			var got []string
			for _, m := range s.Messages() {
				got = append(got, fmt.Sprintf("%q to %v", m.Subject, m.To))
			}
			t.Fatalf("testsmtp: no matching message within %s; received %d: %s", timeout, len(got), strings.Join(got, "; "))
			return Received{}
		}
	}
}

// To matches a message whose envelope recipients include addr
// (case-insensitive), for use with [Server.WaitFor].
func To(addr string) func(Received) bool {
	return func(r Received) bool {
		for _, a := range r.To {
			if strings.EqualFold(a, addr) {
				return true
			}
		}
		return false
	}
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP connection.
type session struct {
	srv    *Server
	authed bool
	user   string
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if ss.srv.user != "" && (username != ss.srv.user || password != ss.srv.pass) {
			return smtp.ErrAuthFailed
		}
		ss.authed, ss.user = true, username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("testsmtp: read data: %w", err)
	}
	rec, err := parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "testsmtp: cannot parse message: " + err.Error()}
	}
	rec.From = ss.from
	rec.To = append([]string(nil), ss.to...)
	rec.Username = ss.user
	ss.srv.add(rec)
	return nil
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error { return nil }

// String describes the server for test logs.
func (s *Server) String() string {
	return "testsmtp " + s.Addr() + " (" + strconv.Itoa(len(s.Messages())) + " messages)"
}
