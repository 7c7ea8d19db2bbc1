package incroci

import (
	"time"

	"github.com/incrocicomuni/incroci/internal/migrate"
	"gorm.io/gorm"
)

// migrations are the platform's schema steps. A released step never changes:
// each has its own frozen copy of the structs it creates.
var migrations = []migrate.Step{
	{Version: 1, Name: "ambiti, people, roles, sessions, activations, host secrets, rate limits, audit, mail outbox, idempotency keys", Up: m1Up},
}

type m1Ambito struct {
	Slug         string   `gorm:"primaryKey;size:64"`
	Name         string   `gorm:"size:200;not null"`
	LeadBody     string   `gorm:"size:200;not null;default:''"`
	Comuni       []string `gorm:"serializer:json;not null"`
	Origins      []string `gorm:"serializer:json;not null"`
	EmailDomains []string `gorm:"serializer:json;not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (m1Ambito) TableName() string { return "incroci_ambiti" }

type m1Person struct {
	ID        int64    `gorm:"primaryKey"`
	Email     string   `gorm:"size:254;not null;uniqueIndex:incroci_people_email"`
	Name      string   `gorm:"size:200;not null;default:''"`
	Languages []string `gorm:"serializer:json;not null"`
	Service   string   `gorm:"size:200;not null;default:''"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (m1Person) TableName() string { return "incroci_people" }

type m1RoleGrant struct {
	ID        int64  `gorm:"primaryKey"`
	PersonID  int64  `gorm:"not null;uniqueIndex:incroci_role_grants_unique,priority:1"`
	Ambito    string `gorm:"size:64;not null;uniqueIndex:incroci_role_grants_unique,priority:2;index:incroci_role_grants_ambito"`
	Role      string `gorm:"size:32;not null;uniqueIndex:incroci_role_grants_unique,priority:3"`
	GrantedBy *int64
	CreatedAt time.Time
}

func (m1RoleGrant) TableName() string { return "incroci_role_grants" }

type m1Session struct {
	ID         int64     `gorm:"primaryKey"`
	PersonID   int64     `gorm:"not null;index:incroci_sessions_person"`
	TokenHash  string    `gorm:"size:64;not null;uniqueIndex:incroci_sessions_token"`
	Method     string    `gorm:"size:16;not null"`
	Ambito     string    `gorm:"size:64;not null;default:''"`
	CreatedAt  time.Time ``
	ExpiresAt  time.Time `gorm:"not null;index:incroci_sessions_expires"`
	LastSeenAt time.Time
	RevokedAt  *time.Time
}

func (m1Session) TableName() string { return "incroci_sessions" }

type m1Activation struct {
	ID        int64     `gorm:"primaryKey"`
	Email     string    `gorm:"size:254;not null;index:incroci_activations_email"`
	Ambito    string    `gorm:"size:64;not null;default:''"`
	Purpose   string    `gorm:"size:16;not null"`
	CodeHash  string    `gorm:"size:64;not null"`
	LinkHash  string    `gorm:"size:64;not null;uniqueIndex:incroci_activations_link"`
	Attempts  int       `gorm:"not null;default:0"`
	CreatedAt time.Time ``
	ExpiresAt time.Time `gorm:"not null;index:incroci_activations_expires"`
	UsedAt    *time.Time
}

func (m1Activation) TableName() string { return "incroci_activations" }

type m1HostSecret struct {
	ID        string `gorm:"primaryKey;size:32"`
	Ambito    string `gorm:"size:64;not null;index:incroci_host_secrets_ambito"`
	Sealed    string `gorm:"type:text;not null"`
	CreatedAt time.Time
	ExpiresAt *time.Time
	RevokedAt *time.Time
}

func (m1HostSecret) TableName() string { return "incroci_host_secrets" }

type m1RateHit struct {
	ID     int64     `gorm:"primaryKey"`
	Bucket string    `gorm:"size:32;not null;index:incroci_rate_hits_lookup,priority:1"`
	Key    string    `gorm:"size:64;not null;index:incroci_rate_hits_lookup,priority:2"`
	At     time.Time `gorm:"not null;index:incroci_rate_hits_lookup,priority:3"`
}

func (m1RateHit) TableName() string { return "incroci_rate_hits" }

type m1UsedAssertion struct {
	Key       string    `gorm:"primaryKey;size:64"`
	ExpiresAt time.Time `gorm:"not null;index:incroci_used_assertions_expires"`
}

func (m1UsedAssertion) TableName() string { return "incroci_used_assertions" }

type m1AuditEntry struct {
	ID         int64     `gorm:"primaryKey"`
	At         time.Time `gorm:"not null;index:incroci_audit_at"`
	ActorID    *int64    `gorm:"index:incroci_audit_actor"`
	Ambito     string    `gorm:"size:64;not null;default:'';index:incroci_audit_ambito"`
	Action     string    `gorm:"size:64;not null"`
	ObjectType string    `gorm:"size:64;not null"`
	ObjectID   string    `gorm:"size:64;not null;index:incroci_audit_object"`
	Detail     string    `gorm:"type:text;not null;default:''"`
}

func (m1AuditEntry) TableName() string { return "incroci_audit" }

type m1OutboxRow struct {
	ID           int64     `gorm:"primaryKey"`
	Sealed       string    `gorm:"type:text;not null"`
	Attempts     int       `gorm:"not null;default:0"`
	NextAt       time.Time `gorm:"not null;index:incroci_mail_outbox_next"`
	ClaimedUntil *time.Time
	FailedAt     *time.Time
	LastError    string `gorm:"type:text;not null;default:''"`
	CreatedAt    time.Time
}

func (m1OutboxRow) TableName() string { return "incroci_mail_outbox" }

type m1IdempotentRequest struct {
	ID          int64     `gorm:"primaryKey"`
	KeyHash     string    `gorm:"size:64;not null;uniqueIndex:incroci_idempotency_key"`
	RequestHash string    `gorm:"size:64;not null"`
	Done        bool      `gorm:"not null;default:false"`
	Status      int       `gorm:"not null;default:0"`
	Sealed      string    `gorm:"type:text;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null;index:incroci_idempotency_created"`
}

func (m1IdempotentRequest) TableName() string { return "incroci_idempotency" }

func m1Up(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&m1Ambito{}, &m1Person{}, &m1RoleGrant{}, &m1Session{},
		&m1Activation{}, &m1HostSecret{}, &m1RateHit{}, &m1UsedAssertion{}, &m1AuditEntry{}, &m1OutboxRow{}, &m1IdempotentRequest{})
}
