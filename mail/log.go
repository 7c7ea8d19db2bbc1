package mail

import (
	"context"
	"html"
	"log/slog"
	"regexp"
	"strings"
)

// Log is a development [Mailer]: it sends nothing and writes each message to
// a logger instead, one record per message, with every http(s) link it holds
// listed apart so that a sign-in link can be followed from the terminal.
type Log struct {
	l *slog.Logger
}

// NewLog returns a Log mailer writing to l, or to slog.Default() when l is nil.
func NewLog(l *slog.Logger) *Log {
	if l == nil {
		l = slog.Default()
	}
	return &Log{l: l}
}

// Send validates m and logs it at level Info.
func (lg *Log) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	attrs := []slog.Attr{
		slog.Any("to", m.recipients()),
		slog.String("subject", m.Subject),
	}
	if !m.From.IsZero() {
		attrs = append(attrs, slog.String("from", m.From.String()))
	}
	if links := Links(m); len(links) > 0 {
		attrs = append(attrs, slog.Any("links", links))
	}
	if len(m.Attachments) > 0 {
		names := make([]string, len(m.Attachments))
		for i, a := range m.Attachments {
			names[i] = a.Filename
		}
		attrs = append(attrs, slog.Any("attachments", names))
	}
	text := m.Text
	if text == "" {
		text = "(HTML only)"
	}
	attrs = append(attrs, slog.String("text", text))
	lg.l.LogAttrs(ctx, slog.LevelInfo, "mail: message not sent (development mailer)", attrs...)
	return nil
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"'` + "`" + `]+`)

// Links returns the distinct http and https links in m's text and HTML
// bodies, in order of appearance. HTML entities in links (such as &amp;) are
// decoded.
func Links(m Message) []string {
	var out []string
	seen := map[string]bool{}
	add := func(body string, isHTML bool) {
		for _, l := range linkRE.FindAllString(body, -1) {
			if isHTML {
				l = html.UnescapeString(l)
			}
			l = strings.TrimRight(l, ".,;:!?)]}")
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	add(m.Text, false)
	add(m.HTML, true)
	return out
}
