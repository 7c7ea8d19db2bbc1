package incroci

import "time"

// Ambito is a social district: the tenant of incroci. Its slug never changes.
type Ambito struct {
	Slug     string `gorm:"primaryKey;size:64" json:"slug"`
	Name     string `gorm:"size:200;not null" json:"name"`
	LeadBody string `gorm:"size:200;not null;default:''" json:"lead_body"`
	// Comuni are the municipalities of the ambito.
	Comuni []string `gorm:"serializer:json;not null" json:"comuni"`
	// Origins are the websites (scheme://host[:port]) allowed to embed the
	// widgets and call the API for this ambito.
	Origins []string `gorm:"serializer:json;not null" json:"origins"`
	// EmailDomains are the institutional domains whose addresses may sign in
	// by e-mail and join the ambito as operators.
	EmailDomains []string  `gorm:"serializer:json;not null" json:"email_domains"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TableName places the table under the platform's prefix.
func (Ambito) TableName() string { return "incroci_ambiti" }

// Person is someone who uses incroci: an operator, a consultant, a mediator…
// The e-mail address is stored lowercased and is unique.
type Person struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Email     string    `gorm:"size:254;not null;uniqueIndex" json:"email"`
	Name      string    `gorm:"size:200;not null;default:''" json:"name"`
	Languages []string  `gorm:"serializer:json;not null" json:"languages"`
	Service   string    `gorm:"size:200;not null;default:''" json:"service"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName places the table under the platform's prefix.
func (Person) TableName() string { return "incroci_people" }

// RoleGrant records that a person holds a role in an ambito ("" for admin).
type RoleGrant struct {
	ID        int64     `gorm:"primaryKey"`
	PersonID  int64     `gorm:"not null;uniqueIndex:incroci_role_grants_unique,priority:1"`
	Ambito    string    `gorm:"size:64;not null;uniqueIndex:incroci_role_grants_unique,priority:2;index"`
	Role      Role      `gorm:"size:32;not null;uniqueIndex:incroci_role_grants_unique,priority:3"`
	GrantedBy *int64    ``
	CreatedAt time.Time ``
}

// TableName places the table under the platform's prefix.
func (RoleGrant) TableName() string { return "incroci_role_grants" }

// Session is a signed-in person's opaque token, stored as its SHA-256 hash.
type Session struct {
	ID         int64      `gorm:"primaryKey"`
	PersonID   int64      `gorm:"not null;index"`
	TokenHash  string     `gorm:"size:64;not null;uniqueIndex"`
	Method     string     `gorm:"size:16;not null"` // email, host, partner
	Ambito     string     `gorm:"size:64;not null;default:''"`
	CreatedAt  time.Time  ``
	ExpiresAt  time.Time  `gorm:"not null;index"`
	LastSeenAt time.Time  ``
	RevokedAt  *time.Time ``
}

// TableName places the table under the platform's prefix.
func (Session) TableName() string { return "incroci_sessions" }

// activation is a pending e-mail sign-in: a short code and a link token, both
// stored hashed, bound to one address.
type activation struct {
	ID        int64      `gorm:"primaryKey"`
	Email     string     `gorm:"size:254;not null;index"`
	Ambito    string     `gorm:"size:64;not null;default:''"`
	Purpose   string     `gorm:"size:16;not null"` // signin, invite
	CodeHash  string     `gorm:"size:64;not null"`
	LinkHash  string     `gorm:"size:64;not null;uniqueIndex"`
	Attempts  int        `gorm:"not null;default:0"`
	CreatedAt time.Time  ``
	ExpiresAt time.Time  `gorm:"not null;index"`
	UsedAt    *time.Time ``
}

func (activation) TableName() string { return "incroci_activations" }

// hostSecret is one HS256 key an ambito's website signs identities with,
// encrypted at rest with the platform secret.
type hostSecret struct {
	ID        string     `gorm:"primaryKey;size:32"` // the JWT "kid"
	Ambito    string     `gorm:"size:64;not null;index"`
	Sealed    string     `gorm:"type:text;not null"`
	CreatedAt time.Time  ``
	ExpiresAt *time.Time ``
	RevokedAt *time.Time ``
}

func (hostSecret) TableName() string { return "incroci_host_secrets" }

// rateHit is one counted request in a rate-limit bucket.
type rateHit struct {
	ID     int64     `gorm:"primaryKey"`
	Bucket string    `gorm:"size:32;not null;index:incroci_rate_hits_lookup,priority:1"`
	Key    string    `gorm:"size:64;not null;index:incroci_rate_hits_lookup,priority:2"`
	At     time.Time `gorm:"not null;index:incroci_rate_hits_lookup,priority:3"`
}

func (rateHit) TableName() string { return "incroci_rate_hits" }

// usedAssertion remembers a host identity token's id until it expires, so a
// token is exchanged once only.
type usedAssertion struct {
	Key       string    `gorm:"primaryKey;size:64"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

func (usedAssertion) TableName() string { return "incroci_used_assertions" }

// AuditEntry records who did what to which object, and when. Entries are
// kept apart from the data they describe and never updated.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	At         time.Time `gorm:"not null;index" json:"at"`
	ActorID    *int64    `gorm:"index" json:"actor_id"`
	Ambito     string    `gorm:"size:64;not null;default:'';index" json:"ambito"`
	Action     string    `gorm:"size:64;not null" json:"action"`
	ObjectType string    `gorm:"size:64;not null" json:"object_type"`
	ObjectID   string    `gorm:"size:64;not null;index" json:"object_id"`
	Detail     string    `gorm:"type:text;not null;default:''" json:"detail"`
}

// TableName places the table under the platform's prefix.
func (AuditEntry) TableName() string { return "incroci_audit" }
