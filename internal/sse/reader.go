package sse

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
)

// Frame is one message of an event stream: the fields up to a blank line.
// A heartbeat is a Frame holding only Comments.
type Frame struct {
	// ID is the id field, "" when absent.
	ID string
	// Event is the event field (the type), "" when absent.
	Event string
	// Data is the data fields joined with newlines.
	Data string
	// Retry is the retry field, 0 when absent.
	Retry time.Duration
	// Comments are the comment lines, without the leading colon and space.
	Comments []string
}

// Reader parses an event stream as the HTML standard describes, except that
// lines must end with LF or CRLF (not a lone CR).
type Reader struct {
	br *bufio.Reader
}

// NewReader returns a Reader on r, e.g. an HTTP response body.
func NewReader(r io.Reader) *Reader { return &Reader{br: bufio.NewReader(r)} }

// Next returns the next frame. At the end of the stream it returns io.EOF and
// drops an unfinished frame, as browsers do.
func (r *Reader) Next() (Frame, error) {
	var f Frame
	var data []string
	started := false
	for {
		line, err := r.br.ReadString('\n')
		if err != nil {
			if err == io.EOF {
				return Frame{}, io.EOF
			}
			return Frame{}, err
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" {
			if !started {
				continue
			}
			f.Data = strings.Join(data, "\n")
			return f, nil
		}
		started = true
		if c, ok := strings.CutPrefix(line, ":"); ok {
			f.Comments = append(f.Comments, strings.TrimPrefix(c, " "))
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			f.ID = value
		case "event":
			f.Event = value
		case "data":
			data = append(data, value)
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil {
				f.Retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
}
