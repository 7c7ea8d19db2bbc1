package incroci

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/incrocicomuni/incroci/internal/httpx"
)

// keys are derived from Config.Secret, one per purpose, so that no key is
// used for two jobs.
type keys struct {
	mac  []byte      // keys HMACs of codes, addresses and client addresses
	seal cipher.AEAD // seals host-site secrets at rest
	sign []byte      // keys the signatures modules put in links (Platform.Sign)
}

func deriveKeys(secret []byte) keys {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("incroci/" + purpose))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("seal"))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return keys{mac: derive("mac"), seal: aead, sign: derive("sign")}
}

// Sign returns a signature of parts for purpose (HMAC-SHA256, base64url,
// 43 characters) with a key derived from Config.Secret for this job alone.
// Modules put it in links that must prove themselves without a session,
// such as a short-lived link to a private page: sign what the link grants
// (the object, the language, an expiry) and check it with Verify. The
// purpose keeps one kind of link from passing for another.
func (p *Platform) Sign(purpose string, parts ...string) string {
	return base64.RawURLEncoding.EncodeToString(p.keys.signature(purpose, parts))
}

// Verify reports whether sig is Sign(purpose, parts...), comparing in
// constant time.
func (p *Platform) Verify(sig, purpose string, parts ...string) bool {
	raw, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	return err == nil && hmac.Equal(raw, p.keys.signature(purpose, parts))
}

func (k keys) signature(purpose string, parts []string) []byte {
	m := hmac.New(sha256.New, k.sign)
	for _, s := range append([]string{purpose}, parts...) {
		m.Write([]byte(s))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

// digest is a keyed hash of the parts, hex-encoded, for lookups and limits.
func (k keys) digest(parts ...string) string {
	m := hmac.New(sha256.New, k.mac)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

func (k keys) sealString(plain []byte, ad string) string {
	nonce := make([]byte, k.seal.NonceSize())
	rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(k.seal.Seal(nonce, nonce, plain, []byte(ad)))
}

func (k keys) open(sealed, ad string) ([]byte, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < k.seal.NonceSize() {
		return nil, errors.New("incroci: sealed value is corrupt")
	}
	n := k.seal.NonceSize()
	plain, err := k.seal.Open(nil, raw[:n], raw[n:], []byte(ad))
	if err != nil {
		return nil, fmt.Errorf("incroci: open sealed value (was Config.Secret changed?): %w", err)
	}
	return plain, nil
}

// tokenHash is the stored form of a bearer or link token: plain SHA-256,
// since the tokens carry 256 random bits.
func tokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// randomToken returns prefix plus 32 random bytes, base64url.
func randomToken(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// randomCode returns n uniformly random decimal digits.
func randomCode(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		sb.WriteByte(byte('0' + d.Int64()))
	}
	return sb.String()
}

func isOrigin(s string) bool { return httpx.IsOrigin(s) }

// originOf returns the origin of an absolute http(s) URL, or "".
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
