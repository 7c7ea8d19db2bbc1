package incroci

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// IdempotencyHeader names the header with which a client makes a request
// safe to retry: the widgets send a fresh key per operation and the same key
// on each retry.
const IdempotencyHeader = "Idempotency-Key"

const (
	// idempotencyTTL is how long an answer is kept for replay.
	idempotencyTTL = 24 * time.Hour
	// idempotencyMaxBody is the largest body whose answer is kept.
	idempotencyMaxBody = 32 << 20
	// idempotencyStale is when an unfinished first attempt (its instance
	// died) may be taken over by a retry.
	idempotencyStale = time.Minute
)

// idempotentRequest remembers the answer to a request made with an
// Idempotency-Key, so a retry gets the same answer instead of doing the
// work twice. The answer is sealed: it may hold a session token.
type idempotentRequest struct {
	ID          int64     `gorm:"primaryKey"`
	KeyHash     string    `gorm:"size:64;not null;uniqueIndex"`
	RequestHash string    `gorm:"size:64;not null"`
	Done        bool      `gorm:"not null;default:false"`
	Status      int       `gorm:"not null;default:0"`
	Sealed      string    `gorm:"type:text;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null;index"`
}

func (idempotentRequest) TableName() string { return "incroci_idempotency" }

// teeWriter keeps a copy of the body written to the client.
type teeWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// idempotency makes requests that carry an Idempotency-Key safe to retry.
// The first request with a key (for this caller, method and path) runs and
// its answer is kept for a day, unless it failed on the server (5xx) or was
// rate limited, so a retry can run again; a retry with the same key and
// body replays that answer (header Idempotent-Replayed: true); the same key
// with another body is refused (422); a retry while the first is still
// running is answered 409.
func (p *Platform) idempotency(c *gin.Context) {
	key := c.GetHeader(IdempotencyHeader)
	m := c.Request.Method
	if key == "" || m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions {
		return
	}
	if _, bad := c.Get(authErrKey); bad {
		return // a bad token: the route refuses it, and nothing is replayed
	}
	if len(key) > 200 || !printableASCII(key) {
		httpx.Fail(c, httpx.Invalid(IdempotencyHeader, "max", "idempotency.key"))
		return
	}
	// Up to idempotencyMaxBody, which covers file uploads too; a larger
	// body is answered 413 by its route, so there is nothing to remember.
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, idempotencyMaxBody+1))
	if err != nil {
		httpx.Fail(c, httpx.ErrMalformed)
		return
	}
	if int64(len(body)) > idempotencyMaxBody {
		c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), c.Request.Body))
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	who := c.GetHeader("Authorization")
	if who == "" {
		who = "client:" + c.ClientIP()
	}
	keyHash := p.keys.digest("idem", key, m, c.Request.URL.Path, who)
	// The body's hash is keyed (and by the request's key too), so that the
	// table does not say what a short body was, such as an anonymous
	// survey's answer, to whoever reads it without the platform's secret.
	reqSum := sha256.Sum256(body)
	reqHash := p.keys.digest("idem-body", keyHash, hex.EncodeToString(reqSum[:]))
	ctx := c.Request.Context()

	row, claimed, err := p.claimIdempotent(ctx, keyHash, reqHash)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if !claimed {
		p.replay(c, row, reqHash)
		return
	}
	tw := &teeWriter{ResponseWriter: c.Writer}
	c.Writer = tw
	c.Next()
	status := tw.Status()
	db := p.db.WithContext(context.WithoutCancel(ctx))
	if status >= 500 || status == http.StatusTooManyRequests {
		if err := db.Delete(&idempotentRequest{}, row.ID).Error; err != nil {
			p.log.ErrorContext(ctx, "idempotency: release key", "err", err)
		}
		return
	}
	sealed := p.keys.sealString(tw.buf.Bytes(), "idem/"+keyHash)
	if err := db.Model(&idempotentRequest{}).Where("id = ?", row.ID).
		Updates(map[string]any{"done": true, "status": status, "sealed": sealed}).Error; err != nil {
		p.log.ErrorContext(ctx, "idempotency: keep answer", "err", err)
	}
}

// claimIdempotent records the first attempt with a key, or returns the row
// of an earlier one. An unfinished attempt older than idempotencyStale is
// taken over.
func (p *Platform) claimIdempotent(ctx context.Context, keyHash, reqHash string) (*idempotentRequest, bool, error) {
	now := p.now()
	row := &idempotentRequest{KeyHash: keyHash, RequestHash: reqHash, CreatedAt: now}
	res := p.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error != nil {
		return nil, false, fmt.Errorf("incroci: idempotency key: %w", res.Error)
	}
	if res.RowsAffected == 1 {
		return row, true, nil
	}
	var old idempotentRequest
	if err := p.db.WithContext(ctx).Where("key_hash = ?", keyHash).Take(&old).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) { // released meanwhile: try once more
			return p.claimIdempotent(ctx, keyHash, reqHash)
		}
		return nil, false, fmt.Errorf("incroci: idempotency key: %w", err)
	}
	if old.Done && now.Sub(old.CreatedAt) > idempotencyTTL {
		// An expired answer: forget it and run again.
		p.db.WithContext(ctx).Delete(&idempotentRequest{}, old.ID)
		return p.claimIdempotent(ctx, keyHash, reqHash)
	}
	if !old.Done && now.Sub(old.CreatedAt) > idempotencyStale && old.RequestHash == reqHash {
		res := p.db.WithContext(ctx).Model(&idempotentRequest{}).Where("id = ? AND done = ? AND created_at = ?", old.ID, false, old.CreatedAt).
			Update("created_at", now)
		if res.Error == nil && res.RowsAffected == 1 {
			return &old, true, nil
		}
	}
	return &old, false, nil
}

func (p *Platform) replay(c *gin.Context, row *idempotentRequest, reqHash string) {
	if row.RequestHash != reqHash {
		httpx.Fail(c, httpx.Invalid(IdempotencyHeader, "reused", "idempotency.reused"))
		return
	}
	if !row.Done {
		httpx.Fail(c, errInProgress)
		return
	}
	body, err := p.keys.open(row.Sealed, "idem/"+row.KeyHash)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Idempotent-Replayed", "true")
	if len(body) == 0 {
		c.AbortWithStatus(row.Status)
		return
	}
	c.Data(row.Status, "application/json; charset=utf-8", body)
	c.Abort()
}

var errInProgress = httpx.NewProblem(http.StatusConflict, "in_progress", "idempotency.in_progress")

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
