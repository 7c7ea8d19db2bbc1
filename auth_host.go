package incroci

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// HostAssertion carries a signed identity from an ambito website.
type HostAssertion struct {
	Assertion string `json:"assertion" validate:"required,max=4096"`
}

// HostClaims are the claims of a host-site identity token. The website signs
// them with HS256 and one of its ambito's secrets, naming the secret in the
// header's "kid":
//
//	{"iss": "lodi", "aud": "incroci", "sub": "u-123", "email": "m.rossi@comune.lodi.it",
//	 "name": "Maria Rossi", "iat": 1767225600, "exp": 1767225900, "jti": "…"}
//
// iss is the ambito's slug, aud the hub's Config.Audience; exp is required and
// may lie at most Config.MaxAssertionTTL ahead; each token is exchanged once.
type HostClaims struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	jwt.RegisteredClaims
}

// HostSecret is a host-site signing secret as admins see it: the value
// itself is shown only once, when it is made.
type HostSecret struct {
	ID        string     `json:"kid"`
	Ambito    string     `json:"ambito"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	// Secret is the base64url key, set only in RotateHostSecret's answer.
	Secret string `json:"secret,omitempty"`
}

// RotateHostSecret makes a new signing secret for ambito's website and sets
// the ones before it to expire after Config.SecretGrace, so the site can
// switch without downtime. Admins only.
func (p *Platform) RotateHostSecret(ctx context.Context, ambito string) (*HostSecret, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if _, err := p.GetAmbito(ctx, ambito); err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	var kidRaw [8]byte
	rand.Read(kidRaw[:])
	now := p.now()
	hs := hostSecret{ID: hex.EncodeToString(kidRaw[:]), Ambito: ambito, CreatedAt: now}
	hs.Sealed = p.keys.sealString(key, hs.ID+"/"+ambito)
	grace := now.Add(p.cfg.SecretGrace)
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&hostSecret{}).Where("ambito = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", ambito, grace).
			Update("expires_at", grace).Error; err != nil {
			return fmt.Errorf("incroci: expire old secrets: %w", err)
		}
		if err := tx.Create(&hs).Error; err != nil {
			return fmt.Errorf("incroci: store secret: %w", err)
		}
		return p.Audit(ctx, tx, AuditEntry{Ambito: ambito, Action: "host_secret.rotate", ObjectType: "host_secret", ObjectID: hs.ID}, nil)
	})
	if err != nil {
		return nil, err
	}
	return &HostSecret{ID: hs.ID, Ambito: ambito, CreatedAt: now, Secret: base64.RawURLEncoding.EncodeToString(key)}, nil
}

// ListHostSecrets returns ambito's secrets, newest first, without values.
func (p *Platform) ListHostSecrets(ctx context.Context, ambito string) ([]HostSecret, error) {
	if err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	if _, err := p.GetAmbito(ctx, ambito); err != nil {
		return nil, err
	}
	var rows []hostSecret
	if err := p.db.WithContext(ctx).Where("ambito = ?", ambito).Order("created_at DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("incroci: list secrets: %w", err)
	}
	out := make([]HostSecret, len(rows))
	for i, r := range rows {
		out[i] = HostSecret{ID: r.ID, Ambito: r.Ambito, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt}
	}
	return out, nil
}

// RevokeHostSecret stops a secret from working at once. Admins only.
func (p *Platform) RevokeHostSecret(ctx context.Context, ambito, kid string) error {
	if err := requireAdmin(ctx); err != nil {
		return err
	}
	return p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&hostSecret{}).Where("id = ? AND ambito = ? AND revoked_at IS NULL", kid, ambito).Update("revoked_at", p.now())
		if res.Error != nil {
			return fmt.Errorf("incroci: revoke secret: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("secret %s of %s: %w", kid, ambito, ErrNotFound)
		}
		return p.Audit(ctx, tx, AuditEntry{Ambito: ambito, Action: "host_secret.revoke", ObjectType: "host_secret", ObjectID: kid}, nil)
	})
}

// hostKey returns the key of secret kid of ambito if it is in force.
func (p *Platform) hostKey(ctx context.Context, ambito, kid string) ([]byte, error) {
	var hs hostSecret
	err := p.db.WithContext(ctx).Where("id = ? AND ambito = ? AND revoked_at IS NULL", kid, ambito).Take(&hs).Error
	if err != nil {
		return nil, err
	}
	if hs.ExpiresAt != nil && !p.now().Before(*hs.ExpiresAt) {
		return nil, errors.New("secret expired")
	}
	return p.keys.open(hs.Sealed, hs.ID+"/"+hs.Ambito)
}

// ExchangeHostAssertion verifies an identity token signed by an ambito
// website and starts a session for the person it names (created if new, and
// made an operator of the ambito when they hold no role there). Every
// failure answers ErrInvalidAssertion alike; the reason is logged.
func (p *Platform) ExchangeHostAssertion(ctx context.Context, assertion string) (*SessionGrant, error) {
	var claims HostClaims
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithAudience(p.cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(p.cfg.ClockSkew),
		jwt.WithTimeFunc(p.now),
	)
	tok, err := parser.ParseWithClaims(assertion, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		iss, _ := t.Claims.GetIssuer()
		if kid == "" || iss == "" {
			return nil, errors.New("kid and iss are required")
		}
		return p.hostKey(ctx, iss, kid)
	})
	if err == nil && !tok.Valid {
		err = errors.New("token not valid")
	}
	if err == nil && claims.ExpiresAt.Sub(p.now()) > p.cfg.MaxAssertionTTL+p.cfg.ClockSkew {
		err = fmt.Errorf("lifetime longer than %s", p.cfg.MaxAssertionTTL)
	}
	if err != nil {
		p.log.InfoContext(ctx, "host assertion refused", "reason", err.Error())
		return nil, ErrInvalidAssertion
	}
	if _, err := NormaliseEmail("email", claims.Email); err != nil {
		p.log.InfoContext(ctx, "host assertion refused", "reason", "bad email claim")
		return nil, ErrInvalidAssertion
	}
	replayKey := claims.ID
	if replayKey == "" {
		replayKey = assertion
	}
	var out *SessionGrant
	err = p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		used := usedAssertion{Key: p.keys.digest("jti", claims.Issuer, replayKey), ExpiresAt: claims.ExpiresAt.Add(p.cfg.ClockSkew)}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&used)
		if res.Error != nil {
			return fmt.Errorf("incroci: record host token: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			p.log.InfoContext(ctx, "host assertion refused", "reason", "replayed")
			return ErrInvalidAssertion
		}
		person, err := p.ensureIdentity(ctx, tx, Identity{Email: claims.Email, Name: claims.Name, Ambito: claims.Issuer})
		if err != nil {
			return err
		}
		out, err = p.startSession(ctx, tx, person.ID, "host", claims.Issuer)
		return err
	})
	return out, err
}
