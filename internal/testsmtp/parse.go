package testsmtp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Received is one message as the server got it.
type Received struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To lists the envelope recipients (RCPT TO).
	To []string
	// Username is the AUTH PLAIN user, "" when the client did not authenticate.
	Username string
	// Header holds the top-level header fields, undecoded.
	Header mail.Header
	// Subject is the decoded subject.
	Subject string
	// Text is the first text/plain part that is not an attachment, decoded,
	// with CRLF line ends turned into LF.
	Text string
	// HTML is the first text/html part that is not an attachment, decoded,
	// with CRLF line ends turned into LF.
	HTML string
	// Attachments are the other leaf parts: files, and inline parts such as a
	// text/calendar alternative (Filename "" then).
	Attachments []Attachment
	// Raw is the message exactly as received in DATA.
	Raw []byte
}

// Attachment is one captured attachment, decoded.
type Attachment struct {
	// Filename comes from Content-Disposition or the Content-Type name.
	Filename string
	// ContentType is the full Content-Type, parameters included.
	ContentType string
	// Data is the decoded content.
	Data []byte
}

var wordDecoder = &mime.WordDecoder{}

func parse(raw []byte) (Received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("read header: %w", err)
	}
	r := Received{Raw: raw, Header: msg.Header}
	if r.Subject, err = wordDecoder.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Received{}, fmt.Errorf("decode subject: %w", err)
	}
	if err := r.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"),
		msg.Header.Get("Content-Disposition"), msg.Body); err != nil {
		return Received{}, err
	}
	return r, nil
}

// walk reads one MIME entity, descending into multiparts.
func (r *Received) walk(contentType, encoding, disposition string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := r.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"),
				p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(decoder(encoding, body))
	if err != nil {
		return fmt.Errorf("decode %s part: %w", mediaType, err)
	}
	filename := ""
	isAttachment := false
	if disposition != "" {
		if d, dp, err := mime.ParseMediaType(disposition); err == nil {
			isAttachment = d == "attachment"
			filename = dp["filename"]
		}
	}
	if filename == "" {
		filename = params["name"]
	}
	if filename != "" {
		isAttachment = true
	}
	if !isAttachment {
		switch {
		case mediaType == "text/plain" && r.Text == "":
			r.Text = crlfToLF(data)
			return nil
		case mediaType == "text/html" && r.HTML == "":
			r.HTML = crlfToLF(data)
			return nil
		}
	}
	r.Attachments = append(r.Attachments, Attachment{Filename: filename, ContentType: contentType, Data: data})
	return nil
}

func decoder(encoding string, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	}
	return body
}

// newlineStripper drops CR and LF so base64 lines decode as one stream.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

func crlfToLF(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }
