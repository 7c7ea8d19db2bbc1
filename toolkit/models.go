package toolkit

import "time"

// Audience says whom a sheet is written for.
type Audience string

// The audiences of a sheet.
const (
	// AudienceOperators: a procedure sheet for the social workers.
	AudienceOperators Audience = "operators"
	// AudienceCitizens: a handout for the foreign citizen, readable by
	// anyone once published.
	AudienceCitizens Audience = "citizens"
)

// State is where a sheet stands.
type State string

// The states of a sheet.
const (
	// StateDraft: proposed, being written; not yet sent to the editors.
	StateDraft State = "draft"
	// StateReview: sent to the editors, waiting for their review.
	StateReview State = "in_review"
	// StatePublished: the editors published a revision of it.
	StatePublished State = "published"
	// StateArchived: withdrawn; kept with its history.
	StateArchived State = "archived"
)

// RevisionStatus is where a revision stands.
type RevisionStatus string

// The statuses of a revision.
const (
	// RevisionDraft: being written by its author.
	RevisionDraft RevisionStatus = "draft"
	// RevisionProposed: sent to the editors; for a published sheet, a
	// proposed change that does not touch it until accepted.
	RevisionProposed RevisionStatus = "proposed"
	// RevisionPublished: the revision the sheet shows.
	RevisionPublished RevisionStatus = "published"
	// RevisionSuperseded: published once, replaced by a later one.
	RevisionSuperseded RevisionStatus = "superseded"
	// RevisionRejected: the editors did not accept it.
	RevisionRejected RevisionStatus = "rejected"
	// RevisionReplaced: a draft its author replaced with a later one before
	// any was published.
	RevisionReplaced RevisionStatus = "replaced"
)

// SectionKeys are the sections of a sheet, in the order Italian
// public-service pages use (what it is, who it is for, how to do it, what
// is needed, what you get, steps and deadlines, where to go, special
// cases).
var SectionKeys = []string{"what", "who", "how", "needed", "result", "steps", "where", "special"}

// sectionLabels are the sections' headings, Italian and English.
var sectionLabels = map[string][2]string{
	"what":    {"Cos'è", "What it is"},
	"who":     {"A chi si rivolge", "Who it is for"},
	"how":     {"Come fare", "How to do it"},
	"needed":  {"Cosa serve", "What is needed"},
	"result":  {"Cosa si ottiene", "What you get"},
	"steps":   {"Tempi e scadenze", "Steps and deadlines"},
	"where":   {"Dove rivolgersi", "Where to go"},
	"special": {"Casi particolari", "Special cases"},
}

// SectionLabel returns the heading of section key in lang ("it" or "en").
func SectionLabel(key, lang string) string {
	l := sectionLabels[key]
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Sheet is a procedure sheet or a handout, with its revisions.
type Sheet struct {
	ID int64 `gorm:"primaryKey" json:"id"`
	// Ambito owns the sheet; "" when it belongs to the whole network.
	Ambito   string   `gorm:"size:64;not null;default:'';index" json:"ambito"`
	Audience Audience `gorm:"size:16;not null" json:"audience"`
	Topics   []string `gorm:"serializer:json;not null" json:"topics"`
	// Title is the title of the revision shown: the published one, or the
	// latest while none is.
	Title string `gorm:"size:200;not null" json:"title"`
	State State  `gorm:"size:16;not null;index" json:"state"`
	// OwnerID keeps the sheet current: the proposer, until an editor says
	// otherwise.
	OwnerID int64 `gorm:"not null;index" json:"owner_id"`
	// ReviewBy is the day by which the owner checks the sheet again
	// (YYYY-MM-DD), "" when not set.
	ReviewBy    string     `gorm:"size:10;not null;default:''" json:"review_by"`
	PublishedID *int64     `json:"published_revision_id"`
	LatestID    int64      `gorm:"not null" json:"latest_revision_id"`
	PublishedAt *time.Time `json:"published_at"`
	// Outdated is true when a legal source the sheet rests on changed or
	// expired since an editor last published or checked it.
	Outdated bool `gorm:"not null;default:false" json:"outdated"`
	// OutdatedReason says why the sheet is outdated ("" when it is not).
	OutdatedReason OutdatedReason `gorm:"size:32;not null;default:''" json:"outdated_reason"`
	// OutdatedSourceID is the source whose change flagged the sheet.
	OutdatedSourceID *int64 `json:"outdated_source_id"`
	// OutdatedNote is the note of that source's change.
	OutdatedNote string     `gorm:"size:500;not null;default:''" json:"outdated_note"`
	OutdatedAt   *time.Time `json:"outdated_at"`
	// CheckedAt and CheckedBy say when and by whom an editor last marked the
	// sheet checked.
	CheckedAt *time.Time `json:"checked_at"`
	CheckedBy *int64     `json:"checked_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	// Overdue is true when ReviewBy has passed (Italian time), in views.
	Overdue bool `gorm:"-" json:"overdue"`
}

// TableName places the table under the module's prefix.
func (Sheet) TableName() string { return "incroci_toolkit_sheets" }

// Revision is one version of a sheet's text: every change is one, with
// its author, time and note.
type Revision struct {
	ID      int64 `gorm:"primaryKey" json:"id"`
	SheetID int64 `gorm:"not null;uniqueIndex:incroci_toolkit_revisions_number,priority:1" json:"sheet_id"`
	// Number counts the sheet's revisions from 1.
	Number   int               `gorm:"not null;uniqueIndex:incroci_toolkit_revisions_number,priority:2" json:"number"`
	Title    string            `gorm:"size:200;not null" json:"title"`
	Sections map[string]string `gorm:"serializer:json;not null" json:"sections"`
	AuthorID int64             `gorm:"not null;index" json:"author_id"`
	Note     string            `gorm:"size:500;not null;default:''" json:"note"`
	Status   RevisionStatus    `gorm:"size:16;not null;index" json:"status"`
	// BaseID is the revision the change was written from, when any.
	BaseID *int64 `json:"base_id"`
	// SourceIDs are the legal sources the sheet rests on once this revision
	// is published; nil leaves them as they are.
	SourceIDs []int64 `gorm:"serializer:json" json:"source_ids"`
	// AttachmentIDs are the attachments the sheet showed while this
	// revision was published (kept current while it is); a rollback to it
	// brings them back. Null for revisions never published (or published
	// before sheets had attachments).
	AttachmentIDs []int64    `gorm:"serializer:json" json:"attachment_ids"`
	ReviewerID    *int64     `json:"reviewer_id"`
	ReviewNote    string     `gorm:"size:500;not null;default:''" json:"review_note"`
	ReviewedAt    *time.Time `json:"reviewed_at"`
	CreatedAt     time.Time  `json:"created_at"`
	// AuthorName is the author's name, in views.
	AuthorName string `gorm:"-" json:"author_name,omitempty"`
}

// TableName places the table under the module's prefix.
func (Revision) TableName() string { return "incroci_toolkit_revisions" }

// Comment is a remark on a sheet or on one of its proposals.
type Comment struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	SheetID    int64     `gorm:"not null;index" json:"sheet_id"`
	RevisionID *int64    `json:"revision_id"`
	AuthorID   int64     `gorm:"not null" json:"author_id"`
	Body       string    `gorm:"type:text;not null" json:"body"`
	CreatedAt  time.Time `json:"created_at"`
	AuthorName string    `gorm:"-" json:"author_name,omitempty"`
}

// TableName places the table under the module's prefix.
func (Comment) TableName() string { return "incroci_toolkit_comments" }

// OutdatedReason says why a sheet or a translation is outdated.
type OutdatedReason string

// The reasons a sheet or a translation is outdated.
const (
	// OutdatedSourceChanged: an editor changed a legal source it rests on.
	OutdatedSourceChanged OutdatedReason = "source_changed"
	// OutdatedSourceExpired: a legal source it rests on is no longer valid.
	OutdatedSourceExpired OutdatedReason = "source_expired"
	// OutdatedSheetRevised: (translations only) a newer revision of the
	// Italian sheet was published after the one translated.
	OutdatedSheetRevised OutdatedReason = "sheet_revised"
)
