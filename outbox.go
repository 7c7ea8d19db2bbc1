package incroci

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/incrocicomuni/incroci/mail"
)

// outbox hands e-mails to the mailer off the request path, so that answering
// a sign-in request takes the same time whether a message is sent or not,
// and retries a failing mailer a few times with backoff.
type outbox struct {
	mailer mail.Mailer
	log    *slog.Logger
	queue  chan mail.Message
	wg     sync.WaitGroup
	stop   chan struct{}
	once   sync.Once
}

func newOutbox(m mail.Mailer, log *slog.Logger) *outbox {
	o := &outbox{mailer: m, log: log, queue: make(chan mail.Message, 1024), stop: make(chan struct{})}
	o.wg.Add(1)
	go o.run()
	return o
}

// enqueue queues m; when the queue is full it sends in the caller's goroutine
// rather than dropping the message.
func (o *outbox) enqueue(m mail.Message) {
	select {
	case o.queue <- m:
	default:
		o.send(m)
	}
}

func (o *outbox) run() {
	defer o.wg.Done()
	for {
		select {
		case m := <-o.queue:
			o.send(m)
		case <-o.stop:
			for {
				select {
				case m := <-o.queue:
					o.send(m)
				default:
					return
				}
			}
		}
	}
}

func (o *outbox) send(m mail.Message) {
	delay := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := o.mailer.Send(ctx, m)
		cancel()
		if err == nil {
			return
		}
		if attempt == 4 {
			o.log.Error("mail not sent", "subject", m.Subject, "attempts", attempt, "err", err)
			return
		}
		o.log.Warn("mail send failed, retrying", "subject", m.Subject, "attempt", attempt, "err", err)
		time.Sleep(delay)
		delay *= 4
	}
}

func (o *outbox) close(ctx context.Context) error {
	o.once.Do(func() { close(o.stop) })
	done := make(chan struct{})
	go func() { o.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
