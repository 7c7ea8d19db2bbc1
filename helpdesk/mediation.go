package helpdesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/internal/i18n"
	"github.com/incrocicomuni/incroci/internal/ical"
	"github.com/incrocicomuni/incroci/internal/pii"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MediationConfig configures the bookings of mediators. The zero value
// works.
type MediationConfig struct {
	// NoticeWindow is how long before its start a confirmed booking may be
	// cancelled by the ambito without charge; inside it the minutes stay
	// drawn from the package. Default: 24 hours.
	NoticeWindow time.Duration
}

func (c MediationConfig) withDefaults() MediationConfig {
	if c.NoticeWindow <= 0 {
		c.NoticeWindow = 24 * time.Hour
	}
	return c
}

// mediation returns the module's mediation settings.
func (h *Helpdesk) mediation() MediationConfig { return h.cfg.Mediation.withDefaults() }

// Limits of mediation bookings.
const (
	// MinMediation and MaxMediation bound the time window of a booking.
	MinMediation = 15 * time.Minute
	MaxMediation = 8 * time.Hour
	// MaxMediationNote is the longest note of a request, in characters.
	MaxMediationNote = 500
)

// MediationPackage is a stock of mediation hours an ambito (or a body in
// it, such as a comune) bought. Its balance is the sum of its ledger.
type MediationPackage struct {
	ID     int64  `gorm:"primaryKey" json:"id"`
	Ambito string `gorm:"size:64;not null;index" json:"ambito"`
	// Body is who holds the package within the ambito, e.g. "Comune di
	// Lodi"; "" for the ambito itself.
	Body string `gorm:"size:200;not null;default:''" json:"body"`
	Name string `gorm:"size:200;not null" json:"name"`
	// ValidFrom and ValidTo bound, both included, the days (YYYY-MM-DD, in
	// Italy) of the bookings it pays for.
	ValidFrom string    `gorm:"size:10;not null" json:"valid_from"`
	ValidTo   string    `gorm:"size:10;not null" json:"valid_to"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (MediationPackage) TableName() string { return "incroci_helpdesk_mediation_packages" }

// LedgerReason says why minutes entered or left a package.
type LedgerReason string

// The reasons of ledger entries.
const (
	LedgerPurchase           LedgerReason = "purchase"            // hours bought (+)
	LedgerBooking            LedgerReason = "booking"             // a confirmed booking (−)
	LedgerCancellationCharge LedgerReason = "cancellation_charge" // a late cancellation: the booking stays charged (0)
	LedgerRefund             LedgerReason = "refund"              // a booking cancelled in time (+)
	LedgerAdjustment         LedgerReason = "adjustment"          // a correction by a coordinator (±)
)

// LedgerEntry is one movement of minutes in a package. Entries are only
// ever added; the balance never goes below zero.
type LedgerEntry struct {
	ID        int64        `gorm:"primaryKey" json:"id"`
	PackageID int64        `gorm:"not null;index" json:"package_id"`
	Minutes   int          `gorm:"not null" json:"minutes"`
	Reason    LedgerReason `gorm:"size:32;not null" json:"reason"`
	BookingID *int64       `gorm:"index" json:"booking_id"`
	ActorID   *int64       `json:"actor_id"`
	At        time.Time    `gorm:"not null" json:"at"`
	Note      string       `gorm:"size:500;not null;default:''" json:"note"`
}

// TableName places the table under the module's prefix.
func (LedgerEntry) TableName() string { return "incroci_helpdesk_mediation_ledger" }

// WeeklyInterval is a span of a weekday, in Italian time: Weekday 1 is
// Monday, 7 Sunday; Start and End are "HH:MM", End after Start.
type WeeklyInterval struct {
	Weekday int    `json:"weekday" validate:"min=1,max=7"`
	Start   string `json:"start" validate:"required,max=5"`
	End     string `json:"end" validate:"required,max=5"`
}

// ScheduledPresence is a set day of a mediator: every Weekday from Start to
// End at Place, in Ambito. Operators book the mode "scheduled" inside it.
type ScheduledPresence struct {
	Weekday int    `json:"weekday" validate:"min=1,max=7"`
	Start   string `json:"start" validate:"required,max=5"`
	End     string `json:"end" validate:"required,max=5"`
	Ambito  string `json:"ambito" validate:"required,slug"`
	Place   string `json:"place" validate:"required,max=300,nocontrol"`
}

func (p ScheduledPresence) interval() WeeklyInterval {
	return WeeklyInterval{Weekday: p.Weekday, Start: p.Start, End: p.End}
}

// MediatorProfile is what a mediator offers: languages (ISO 639), modes
// (phone, video, in_person), the ambiti served (where they hold the
// mediator role), when they are available each week, and their set days.
type MediatorProfile struct {
	PersonID     int64               `gorm:"primaryKey;autoIncrement:false" json:"person_id"`
	Languages    []string            `gorm:"serializer:json;not null" json:"languages"`
	Modes        []string            `gorm:"serializer:json;not null" json:"modes"`
	Ambiti       []string            `gorm:"serializer:json;not null" json:"ambiti"`
	Availability []WeeklyInterval    `gorm:"serializer:json;not null" json:"availability"`
	Presences    []ScheduledPresence `gorm:"serializer:json;not null" json:"presences"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (MediatorProfile) TableName() string { return "incroci_helpdesk_mediator_profiles" }

// MediationMode is how a mediator takes part.
type MediationMode string

// The modes of a mediation booking.
const (
	MediationPhone    MediationMode = "phone"
	MediationVideo    MediationMode = "video"
	MediationInPerson MediationMode = "in_person"
	// MediationScheduled: in person, on a set day of a mediator.
	MediationScheduled MediationMode = "scheduled"
)

// MediationStatus is where a request stands.
type MediationStatus string

// The statuses of a mediation request: requested → confirmed → done, or
// cancelled.
const (
	MediationRequested MediationStatus = "requested"
	MediationConfirmed MediationStatus = "confirmed"
	MediationDone      MediationStatus = "done"
	MediationCancelled MediationStatus = "cancelled"
)

// MediationRequest is an operator's request for a mediator, and once
// confirmed the booking. Its note holds no names.
type MediationRequest struct {
	ID             int64         `gorm:"primaryKey" json:"id"`
	Ambito         string        `gorm:"size:64;not null;index" json:"ambito"`
	OperatorID     int64         `gorm:"not null;index" json:"operator_id"`
	PackageID      int64         `gorm:"not null;index" json:"package_id"`
	ConsultationID *int64        `gorm:"index" json:"consultation_id"`
	Language       string        `gorm:"size:12;not null;index" json:"language"`
	Service        string        `gorm:"size:200;not null" json:"service"`
	Mode           MediationMode `gorm:"size:16;not null" json:"mode"`
	Start          time.Time     `gorm:"column:starts_at;not null;index" json:"start"`
	End            time.Time     `gorm:"column:ends_at;not null" json:"end"`
	// Minutes is the length of the window: what a confirmation draws.
	Minutes  int             `gorm:"not null" json:"minutes"`
	Place    string          `gorm:"size:300;not null;default:''" json:"place"`
	VideoURL string          `gorm:"size:2000;not null;default:''" json:"video_url"`
	Note     string          `gorm:"size:2000;not null;default:''" json:"note"`
	Status   MediationStatus `gorm:"size:16;not null;index" json:"status"`
	// MediatorID is the mediator booked, once confirmed.
	MediatorID *int64 `gorm:"index" json:"mediator_id"`
	// MediatorName and OperatorName are their names, when known.
	MediatorName string `gorm:"-" json:"mediator_name,omitempty"`
	// ChargeFrom is, for a confirmed booking, when cancelling it starts to
	// be charged (its start less the notice window).
	ChargeFrom   *time.Time `gorm:"-" json:"charge_from,omitempty"`
	OperatorName string     `gorm:"-" json:"operator_name,omitempty"`
	ConfirmedBy  *int64     `json:"confirmed_by"`
	ConfirmedAt  *time.Time `json:"confirmed_at"`
	CancelledBy  *int64     `json:"cancelled_by"`
	CancelledAt  *time.Time `json:"cancelled_at"`
	// Charged is true when a confirmed booking was cancelled inside the
	// notice window and its minutes stayed drawn.
	Charged bool       `gorm:"not null;default:false" json:"charged"`
	DoneAt  *time.Time `json:"done_at"`
	// Sequence is the revision of the calendar invitation.
	Sequence  int       `gorm:"not null;default:0" json:"sequence"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName places the table under the module's prefix.
func (MediationRequest) TableName() string { return "incroci_helpdesk_mediation_requests" }

// Errors of mediation.
var (
	// ErrPackageNotFound: no package with that id is visible to the caller.
	ErrPackageNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.mediation.package_not_found")
	// ErrMediationNotFound: no request with that id is visible to the caller.
	ErrMediationNotFound error = httpx.NewProblem(http.StatusNotFound, "not_found", "helpdesk.mediation.not_found")
	// ErrInsufficientHours: the package has fewer minutes left than asked.
	ErrInsufficientHours error = httpx.NewProblem(http.StatusConflict, "insufficient_hours", "helpdesk.mediation.insufficient")
	// ErrDoubleBooked: the mediator has a confirmed booking at that time.
	ErrDoubleBooked error = httpx.NewProblem(http.StatusConflict, "double_booked", "helpdesk.mediation.double_booked")
	// ErrNoMediator: no mediator matches the request and is free.
	ErrNoMediator error = httpx.NewProblem(http.StatusConflict, "no_mediator", "helpdesk.mediation.no_mediator")
	// ErrMediationState: the request's status does not allow the change.
	ErrMediationState error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.mediation.state")
	// ErrMediationTime: too early or too late for the change (confirming a
	// past request, cancelling a finished booking, closing one not begun).
	ErrMediationTime error = httpx.NewProblem(http.StatusConflict, "conflict", "helpdesk.mediation.time")
)

func init() {
	i18n.Register(map[string]i18n.Text{
		"helpdesk.mediation.package_not_found": {IT: "Pacchetto di ore non trovato.", EN: "Hour package not found."},
		"helpdesk.mediation.not_found":         {IT: "Richiesta di mediazione non trovata.", EN: "Mediation request not found."},
		"helpdesk.mediation.insufficient":      {IT: "Il pacchetto non ha abbastanza ore residue.", EN: "The package has not enough hours left."},
		"helpdesk.mediation.double_booked":     {IT: "Il mediatore ha già una prenotazione confermata in quell'orario.", EN: "The mediator already has a confirmed booking at that time."},
		"helpdesk.mediation.no_mediator":       {IT: "Nessun mediatore disponibile per lingua, modalità e orario richiesti.", EN: "No mediator is available for the language, mode and time asked."},
		"helpdesk.mediation.state":             {IT: "La richiesta non può cambiare così dallo stato attuale.", EN: "The request cannot change this way from its current status."},
		"helpdesk.mediation.time":              {IT: "Non è più (o non ancora) possibile a quest'ora.", EN: "This is no longer (or not yet) possible at this time."},
		"helpdesk.mediation.date":              {IT: "deve essere una data AAAA-MM-GG", EN: "must be a date YYYY-MM-DD"},
		"helpdesk.mediation.date_order":        {IT: "deve essere uguale o successiva all'inizio della validità", EN: "must be on or after the start of validity"},
		"helpdesk.mediation.minutes":           {IT: "deve essere un numero di minuti diverso da zero (positivo per un acquisto)", EN: "must be a non-zero number of minutes (positive for a purchase)"},
		"helpdesk.mediation.duration":          {IT: "la mediazione dura da %d minuti a %d ore", EN: "a mediation lasts from %d minutes to %d hours"},
		"helpdesk.mediation.clock":             {IT: "deve essere un orario OO:MM", EN: "must be a time HH:MM"},
		"helpdesk.mediation.languages":         {IT: "indica almeno una lingua in cui fai mediazione", EN: "name at least one language you mediate in"},
		"helpdesk.mediation.mediator_ambito":   {IT: "non sei mediatore in questo ambito", EN: "you are not a mediator in this ambito"},
		"helpdesk.mediation.presence_ambito":   {IT: "deve essere uno degli ambiti che servi", EN: "must be one of the ambiti you serve"},
		"helpdesk.mediation.package_dates":     {IT: "il pacchetto non copre la data richiesta", EN: "the package does not cover the date asked"},
		"helpdesk.mediation.consultation":      {IT: "consulenza sconosciuta o di un altro ambito", EN: "unknown consultation, or of another ambito"},
		"helpdesk.mediation.presence":          {IT: "nessun mediatore di questa lingua è presente in quel giorno e orario", EN: "no mediator of this language is present on that day and time"},
		"helpdesk.mediation.personal_data":     {IT: "sembra contenere dati personali: togli nomi, numeri e indirizzi", EN: "seems to hold personal data: remove names, numbers and addresses"},
		"helpdesk.mediation.match":             {IT: "il mediatore non corrisponde a lingua, modalità, ambito o disponibilità", EN: "the mediator does not match the language, mode, ambito or availability"},
		"helpdesk.mediation.ambito":            {IT: "indica l'ambito", EN: "give the ambito"},
		"helpdesk.mediation.too_long":          {IT: "è troppo lungo (al massimo %d caratteri)", EN: "is too long (at most %d characters)"},
	})
}

// ---- small helpers ----

// parseDay parses a "YYYY-MM-DD" day.
func parseDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// clockMinutes reads "HH:MM" as minutes after midnight; "24:00" is allowed.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	hh, err1 := strconv.Atoi(s[:2])
	mm, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// covers reports whether iv holds the window [start, end): the same
// Italian day, its weekday, and the wall-clock times inside iv.
func (iv WeeklyInterval) covers(start, end time.Time) bool {
	s, e := start.In(bookingZone), end.In(bookingZone)
	wd := int(s.Weekday())
	if wd == 0 {
		wd = 7
	}
	if wd != iv.Weekday {
		return false
	}
	from, ok1 := clockMinutes(iv.Start)
	to, ok2 := clockMinutes(iv.End)
	if !ok1 || !ok2 {
		return false
	}
	sm := s.Hour()*60 + s.Minute()
	em := e.Hour()*60 + e.Minute()
	sameDay := s.Format(time.DateOnly) == e.Format(time.DateOnly)
	if !sameDay && em == 0 && s.AddDate(0, 0, 1).Format(time.DateOnly) == e.Format(time.DateOnly) {
		em, sameDay = 24*60, true // ends at midnight
	}
	return sameDay && sm >= from && em <= to && (e.Second() == 0 || em < to)
}

// pageOf fills the defaults of paging: page 1, 20 per page, at most 100.
func pageOf(page, perPage int) (int, int) {
	if perPage <= 0 {
		perPage = 20
	}
	return max(page, 1), min(perPage, 100)
}

// italianDay is the day (YYYY-MM-DD) of t in Italy.
func italianDay(t time.Time) string { return t.In(bookingZone).Format(time.DateOnly) }

// holdsRoleIn reports whether the person holds role in ambito.
func holdsRoleIn(ctx context.Context, tx *gorm.DB, personID int64, role incroci.Role, ambito string) (bool, error) {
	var n int64
	if err := tx.WithContext(ctx).Model(&incroci.RoleGrant{}).Where("person_id = ? AND role = ? AND ambito = ?", personID, role, ambito).
		Count(&n).Error; err != nil {
		return false, fmt.Errorf("helpdesk: check role: %w", err)
	}
	return n > 0, nil
}

// lockFor adds FOR UPDATE on PostgreSQL; SQLite's single writer already
// serialises the transactions that change balances and bookings.
func lockFor(tx *gorm.DB) *gorm.DB {
	if tx.Dialector.Name() == "postgres" {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

// publishMediation announces a change of a request to its ambito's
// mediation stream (and to its consultation's, when it has one). Events
// carry ids only.
func (h *Helpdesk) publishMediation(ctx context.Context, r *MediationRequest, typ string) {
	if _, err := h.p.Events().Publish(context.WithoutCancel(ctx), MediationTopic(r.Ambito), typ, map[string]int64{"request_id": r.ID}); err != nil {
		h.log.WarnContext(ctx, "helpdesk: publish mediation", "err", err)
	}
	if r.ConsultationID != nil {
		h.publishChange(ctx, *r.ConsultationID, typ)
	}
}

// MediationTopic is the events topic of an ambito's mediation requests.
func MediationTopic(ambito string) string { return "helpdesk:mediation:" + ambito }

// ---- packages ----

// PackageInput creates a package, optionally with its first purchase.
type PackageInput struct {
	Ambito    string `json:"ambito" validate:"required,slug"`
	Body      string `json:"body" validate:"max=200,nocontrol"`
	Name      string `json:"name" validate:"required,min=2,max=200,nocontrol"`
	ValidFrom string `json:"valid_from" validate:"required"`
	ValidTo   string `json:"valid_to" validate:"required"`
	// Minutes bought at once (0: none yet).
	Minutes int    `json:"minutes" validate:"min=0,max=1000000"`
	Note    string `json:"note" validate:"max=500"`
}

// HoursInput adds minutes to a package (a purchase, positive) or corrects
// its balance (an adjustment, either sign, never below zero).
type HoursInput struct {
	Minutes int          `json:"minutes" validate:"required,min=-1000000,max=1000000"`
	Reason  LedgerReason `json:"reason" validate:"omitempty,oneof=purchase adjustment"`
	Note    string       `json:"note" validate:"max=500"`
}

// PackageView is a package with its balance.
type PackageView struct {
	MediationPackage
	// BalanceMinutes is what is left: the sum of the ledger.
	BalanceMinutes int `json:"balance_minutes"`
	// RemainingHours is BalanceMinutes in hours, for people.
	RemainingHours float64 `json:"remaining_hours"`
	// PurchasedMinutes is the sum of the purchases.
	PurchasedMinutes int `json:"purchased_minutes"`
}

func canManagePackages(pr *incroci.Principal, ambito string) bool {
	return pr.Admin || pr.Has(incroci.RoleCoordinator, ambito)
}

func canSeePackages(pr *incroci.Principal, ambito string) bool {
	return canManagePackages(pr, ambito) || pr.Has(incroci.RoleOperator, ambito)
}

// CreatePackage adds a package of hours to an ambito: its coordinators and
// admins only.
func (h *Helpdesk) CreatePackage(ctx context.Context, in PackageInput) (*PackageView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var issues []httpx.FieldIssue
	if !parseDay(in.ValidFrom) {
		issues = append(issues, httpx.FieldIssue{Field: "valid_from", Rule: "date", Key: "helpdesk.mediation.date"})
	}
	if !parseDay(in.ValidTo) {
		issues = append(issues, httpx.FieldIssue{Field: "valid_to", Rule: "date", Key: "helpdesk.mediation.date"})
	} else if parseDay(in.ValidFrom) && in.ValidTo < in.ValidFrom {
		issues = append(issues, httpx.FieldIssue{Field: "valid_to", Rule: "gtefield", Key: "helpdesk.mediation.date_order"})
	}
	if issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	if !canManagePackages(pr, in.Ambito) {
		return nil, incroci.ErrForbidden
	}
	if _, err := h.p.GetAmbito(ctx, in.Ambito); err != nil {
		return nil, httpx.Invalid("ambito", "exists", "ambito.not_found")
	}
	now := h.p.Now().UTC()
	pkg := MediationPackage{Ambito: in.Ambito, Body: strings.TrimSpace(in.Body), Name: strings.TrimSpace(in.Name),
		ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, CreatedBy: &pr.PersonID, CreatedAt: now, UpdatedAt: now}
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&pkg).Error; err != nil {
			return fmt.Errorf("helpdesk: create package: %w", err)
		}
		if in.Minutes > 0 {
			if err := tx.Create(&LedgerEntry{PackageID: pkg.ID, Minutes: in.Minutes, Reason: LedgerPurchase, ActorID: &pr.PersonID, At: now,
				Note: strings.TrimSpace(in.Note)}).Error; err != nil {
				return fmt.Errorf("helpdesk: ledger: %w", err)
			}
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: pkg.Ambito, Action: "helpdesk.mediation.package.create", ObjectType: "mediation_package", ObjectID: fmt.Sprint(pkg.ID)},
			map[string]any{"name": pkg.Name, "body": pkg.Body, "valid_from": pkg.ValidFrom, "valid_to": pkg.ValidTo, "minutes": in.Minutes})
	})
	if err != nil {
		return nil, err
	}
	return h.packageView(ctx, h.db, &pkg)
}

// packageOf loads a package the caller may see, or ErrPackageNotFound.
func (h *Helpdesk) packageOf(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64, lock bool) (*MediationPackage, error) {
	q := tx.WithContext(ctx)
	if lock {
		q = lockFor(q)
	}
	var pkg MediationPackage
	err := q.Where("id = ?", id).Take(&pkg).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrPackageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("helpdesk: package %d: %w", id, err)
	}
	if pr != nil && !canSeePackages(pr, pkg.Ambito) {
		return nil, ErrPackageNotFound
	}
	return &pkg, nil
}

// balance sums a package's ledger.
func balance(ctx context.Context, tx *gorm.DB, packageID int64) (int, error) {
	var n int64
	if err := tx.WithContext(ctx).Model(&LedgerEntry{}).Where("package_id = ?", packageID).Select("COALESCE(SUM(minutes), 0)").
		Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("helpdesk: balance of package %d: %w", packageID, err)
	}
	return int(n), nil
}

func (h *Helpdesk) packageViews(ctx context.Context, tx *gorm.DB, pkgs []MediationPackage) ([]PackageView, error) {
	out := make([]PackageView, len(pkgs))
	if len(pkgs) == 0 {
		return out, nil
	}
	ids := make([]int64, len(pkgs))
	for i, p := range pkgs {
		ids[i] = p.ID
	}
	type sums struct {
		PackageID int64
		Balance   int64
		Purchased int64
	}
	var rows []sums
	if err := tx.WithContext(ctx).Model(&LedgerEntry{}).
		Select("package_id, COALESCE(SUM(minutes), 0) AS balance, COALESCE(SUM(CASE WHEN reason = ? THEN minutes ELSE 0 END), 0) AS purchased", LedgerPurchase).
		Where("package_id IN ?", ids).Group("package_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: package balances: %w", err)
	}
	by := map[int64]sums{}
	for _, r := range rows {
		by[r.PackageID] = r
	}
	for i, p := range pkgs {
		s := by[p.ID]
		out[i] = PackageView{MediationPackage: p, BalanceMinutes: int(s.Balance), PurchasedMinutes: int(s.Purchased),
			RemainingHours: float64(s.Balance) / 60}
	}
	return out, nil
}

func (h *Helpdesk) packageView(ctx context.Context, tx *gorm.DB, pkg *MediationPackage) (*PackageView, error) {
	vs, err := h.packageViews(ctx, tx, []MediationPackage{*pkg})
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// Packages lists the packages, with their balances, of ambito (all the
// caller's ambiti when ""): coordinators and operators of the ambito see
// them, admins every ambito's.
func (h *Helpdesk) Packages(ctx context.Context, ambito string) ([]PackageView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	q := h.db.WithContext(ctx).Order("ambito, valid_to DESC, id")
	switch {
	case ambito != "":
		if !canSeePackages(pr, ambito) {
			return nil, incroci.ErrForbidden
		}
		q = q.Where("ambito = ?", ambito)
	case pr.Admin:
	default:
		q = q.Where("ambito IN ?", append(pr.Ambiti(incroci.RoleOperator), pr.Ambiti(incroci.RoleCoordinator)...))
	}
	var pkgs []MediationPackage
	if err := q.Find(&pkgs).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: packages: %w", err)
	}
	return h.packageViews(ctx, h.db, pkgs)
}

// Package returns one package with its balance.
func (h *Helpdesk) Package(ctx context.Context, id int64) (*PackageView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	pkg, err := h.packageOf(ctx, h.db, pr, id, false)
	if err != nil {
		return nil, err
	}
	return h.packageView(ctx, h.db, pkg)
}

// AddHours records a purchase or an adjustment in a package's ledger:
// coordinators of its ambito and admins. An adjustment that would take the
// balance below zero is refused with ErrInsufficientHours.
func (h *Helpdesk) AddHours(ctx context.Context, id int64, in HoursInput) (*PackageView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if in.Reason == "" {
		in.Reason = LedgerPurchase
	}
	if in.Minutes == 0 || (in.Reason == LedgerPurchase && in.Minutes < 0) {
		return nil, httpx.Invalid("minutes", "min", "helpdesk.mediation.minutes")
	}
	var pkg *MediationPackage
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if pkg, err = h.packageOf(ctx, tx, pr, id, true); err != nil {
			return err
		}
		if !canManagePackages(pr, pkg.Ambito) {
			return incroci.ErrForbidden
		}
		bal, err := balance(ctx, tx, pkg.ID)
		if err != nil {
			return err
		}
		if bal+in.Minutes < 0 {
			return ErrInsufficientHours
		}
		e := LedgerEntry{PackageID: pkg.ID, Minutes: in.Minutes, Reason: in.Reason, ActorID: &pr.PersonID, At: h.p.Now().UTC(), Note: strings.TrimSpace(in.Note)}
		if err := tx.Create(&e).Error; err != nil {
			return fmt.Errorf("helpdesk: ledger: %w", err)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: pkg.Ambito, Action: "helpdesk.mediation.package.hours", ObjectType: "mediation_package", ObjectID: fmt.Sprint(pkg.ID)},
			map[string]any{"minutes": in.Minutes, "reason": in.Reason, "entry": e.ID})
	})
	if err != nil {
		return nil, err
	}
	return h.packageView(ctx, h.db, pkg)
}

// Ledger returns one page of a package's ledger, newest first, and the
// number of entries: coordinators of its ambito and admins.
func (h *Helpdesk) Ledger(ctx context.Context, id int64, page, perPage int) ([]LedgerEntry, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	page, perPage = pageOf(page, perPage)
	out := []LedgerEntry{}
	var total int64
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pkg, err := h.packageOf(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		if !canManagePackages(pr, pkg.Ambito) {
			return incroci.ErrForbidden
		}
		q := tx.Model(&LedgerEntry{}).Where("package_id = ?", pkg.ID)
		if err := q.Count(&total).Error; err != nil {
			return fmt.Errorf("helpdesk: ledger: %w", err)
		}
		if err := q.Order("id DESC").Offset((page - 1) * perPage).Limit(perPage).Find(&out).Error; err != nil {
			return fmt.Errorf("helpdesk: ledger: %w", err)
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: pkg.Ambito, Action: "helpdesk.mediation.package.ledger", ObjectType: "mediation_package", ObjectID: fmt.Sprint(pkg.ID)}, nil)
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ---- mediator profiles ----

// MediatorProfileInput is what a mediator says of themself.
type MediatorProfileInput struct {
	Languages    []string            `json:"languages" validate:"max=20"` // at least one: checked with its own message
	Modes        []string            `json:"modes" validate:"max=3,dive,oneof=phone video in_person"`
	Ambiti       []string            `json:"ambiti" validate:"required,min=1,max=50,dive,slug"`
	Availability []WeeklyInterval    `json:"availability" validate:"max=70,dive"`
	Presences    []ScheduledPresence `json:"presences" validate:"max=30,dive"`
}

// MediatorView is a mediator's profile with who they are, as coordinators
// see it.
type MediatorView struct {
	MediatorProfile
	Name  string `json:"name"`
	Email string `json:"email"`
}

func checkInterval(field string, iv WeeklyInterval, issues *[]httpx.FieldIssue) {
	from, ok1 := clockMinutes(iv.Start)
	to, ok2 := clockMinutes(iv.End)
	if !ok1 || from == 24*60 {
		*issues = append(*issues, httpx.FieldIssue{Field: field + ".start", Rule: "clock", Key: "helpdesk.mediation.clock"})
	}
	if !ok2 {
		*issues = append(*issues, httpx.FieldIssue{Field: field + ".end", Rule: "clock", Key: "helpdesk.mediation.clock"})
	} else if ok1 && to <= from {
		*issues = append(*issues, httpx.FieldIssue{Field: field + ".end", Rule: "after", Key: "helpdesk.appointment.after"})
	}
}

// MyMediatorProfile returns the caller's mediator profile, empty when they
// have none yet. Mediators only.
func (h *Helpdesk) MyMediatorProfile(ctx context.Context) (*MediatorProfile, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if len(pr.Ambiti(incroci.RoleMediator)) == 0 {
		return nil, incroci.ErrForbidden
	}
	return h.profileOf(ctx, h.db, pr.PersonID, false)
}

// profileOf returns a person's profile, an empty one when there is none.
func (h *Helpdesk) profileOf(ctx context.Context, tx *gorm.DB, personID int64, lock bool) (*MediatorProfile, error) {
	q := tx.WithContext(ctx)
	if lock {
		q = lockFor(q)
	}
	var p MediatorProfile
	err := q.Where("person_id = ?", personID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &MediatorProfile{PersonID: personID, Languages: []string{}, Modes: []string{}, Ambiti: []string{},
			Availability: []WeeklyInterval{}, Presences: []ScheduledPresence{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("helpdesk: mediator profile %d: %w", personID, err)
	}
	return &p, nil
}

// UpdateMediatorProfile replaces the caller's mediator profile. The ambiti
// served must be ambiti where the caller holds the mediator role, and set
// days must be in one of them.
func (h *Helpdesk) UpdateMediatorProfile(ctx context.Context, in MediatorProfileInput) (*MediatorProfile, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	mine := pr.Ambiti(incroci.RoleMediator)
	if len(mine) == 0 {
		return nil, incroci.ErrForbidden
	}
	if len(in.Languages) == 0 {
		return nil, httpx.Invalid("languages", "required", "helpdesk.mediation.languages")
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var issues []httpx.FieldIssue
	langs := []string{}
	for i, l := range in.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if !validLangCode(l) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("languages[%d]", i), Rule: "iso639", Key: "helpdesk.language"})
		} else if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	ambiti := uniq(in.Ambiti)
	for i, a := range in.Ambiti {
		if !slices.Contains(mine, a) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("ambiti[%d]", i), Rule: "role", Key: "helpdesk.mediation.mediator_ambito"})
		}
	}
	for i, iv := range in.Availability {
		checkInterval(fmt.Sprintf("availability[%d]", i), iv, &issues)
	}
	for i, p := range in.Presences {
		checkInterval(fmt.Sprintf("presences[%d]", i), p.interval(), &issues)
		if !slices.Contains(ambiti, p.Ambito) {
			issues = append(issues, httpx.FieldIssue{Field: fmt.Sprintf("presences[%d].ambito", i), Rule: "served", Key: "helpdesk.mediation.presence_ambito"})
		}
		in.Presences[i].Place = strings.TrimSpace(p.Place)
	}
	if issues != nil {
		return nil, &httpx.ValidationError{Fields: issues}
	}
	now := h.p.Now().UTC()
	prof := MediatorProfile{PersonID: pr.PersonID, Languages: langs, Modes: uniq(in.Modes), Ambiti: ambiti,
		Availability: in.Availability, Presences: in.Presences, CreatedAt: now, UpdatedAt: now}
	if prof.Availability == nil {
		prof.Availability = []WeeklyInterval{}
	}
	if prof.Presences == nil {
		prof.Presences = []ScheduledPresence{}
	}
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "person_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"languages", "modes", "ambiti", "availability", "presences", "updated_at"}),
		}).Create(&prof).Error; err != nil {
			return fmt.Errorf("helpdesk: save mediator profile: %w", err)
		}
		for _, a := range ambiti {
			if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: a, Action: "helpdesk.mediation.profile.update", ObjectType: "mediator", ObjectID: fmt.Sprint(pr.PersonID)},
				map[string]any{"languages": langs, "modes": prof.Modes, "ambiti": ambiti}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h.profileOf(ctx, h.db, pr.PersonID, false)
}

// Mediators lists the mediators serving ambito who still hold the
// mediator role there: coordinators of the ambito and admins.
func (h *Helpdesk) Mediators(ctx context.Context, ambito string) ([]MediatorView, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if ambito == "" {
		return nil, httpx.Invalid("ambito", "required", "helpdesk.mediation.ambito")
	}
	if !canManagePackages(pr, ambito) {
		return nil, incroci.ErrForbidden
	}
	profiles, err := h.servingMediators(ctx, h.db, ambito)
	if err != nil {
		return nil, err
	}
	out := make([]MediatorView, 0, len(profiles))
	if len(profiles) == 0 {
		return out, nil
	}
	ids := make([]int64, len(profiles))
	for i, p := range profiles {
		ids[i] = p.PersonID
	}
	var people []incroci.Person
	if err := h.db.WithContext(ctx).Where("id IN ?", ids).Find(&people).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: mediators: %w", err)
	}
	byID := map[int64]incroci.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	for _, p := range profiles {
		out = append(out, MediatorView{MediatorProfile: p, Name: byID[p.PersonID].Name, Email: byID[p.PersonID].Email})
	}
	return out, h.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: ambito, Action: "helpdesk.mediation.mediators.read", ObjectType: "ambito", ObjectID: ambito}, nil)
}

// servingMediators returns the profiles of the people holding the mediator
// role in ambito who list it among the ambiti they serve, by person id.
func (h *Helpdesk) servingMediators(ctx context.Context, tx *gorm.DB, ambito string) ([]MediatorProfile, error) {
	var ids []int64
	if err := tx.WithContext(ctx).Model(&incroci.RoleGrant{}).Where("ambito = ? AND role = ?", ambito, incroci.RoleMediator).
		Pluck("person_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: mediators of %s: %w", ambito, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var all []MediatorProfile
	if err := tx.WithContext(ctx).Where("person_id IN ?", ids).Order("person_id").Find(&all).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: mediator profiles: %w", err)
	}
	out := all[:0]
	for _, p := range all {
		if slices.Contains(p.Ambiti, ambito) {
			out = append(out, p)
		}
	}
	return out, nil
}

// fits reports whether a mediator's profile matches request r: language,
// ambito, and for "scheduled" a set day in r's ambito holding the window
// (its place returned), otherwise the mode and a weekly availability
// holding the window. The mediator role is checked by the caller.
func (p *MediatorProfile) fits(r *MediationRequest) (place string, ok bool) {
	if !slices.Contains(p.Languages, r.Language) || !slices.Contains(p.Ambiti, r.Ambito) {
		return "", false
	}
	if r.Mode == MediationScheduled {
		for _, pres := range p.Presences {
			if pres.Ambito == r.Ambito && pres.interval().covers(r.Start, r.End) {
				return pres.Place, true
			}
		}
		return "", false
	}
	if !slices.Contains(p.Modes, string(r.Mode)) {
		return "", false
	}
	for _, iv := range p.Availability {
		if iv.covers(r.Start, r.End) {
			return r.Place, true
		}
	}
	return "", false
}

// ---- requests ----

// MediationInput is an operator's request for a mediator.
type MediationInput struct {
	PackageID int64         `json:"package_id" validate:"required,min=1"`
	Language  string        `json:"language" validate:"required,max=12"`
	Service   string        `json:"service" validate:"required,min=2,max=200,nocontrol"`
	Mode      MediationMode `json:"mode" validate:"required,oneof=phone video in_person scheduled"`
	Start     time.Time     `json:"start" validate:"required"`
	End       time.Time     `json:"end" validate:"required"`
	// Place is where to meet, required in person; for "scheduled" it is the
	// set day's place and may be left empty.
	Place string `json:"place" validate:"max=300,nocontrol"`
	// VideoURL is the https link of the call, optional, for video.
	VideoURL       string `json:"video_url" validate:"max=2000"`
	ConsultationID int64  `json:"consultation_id" validate:"min=0"`
	// Note tells the mediator what the meeting is about; no names.
	Note string `json:"note"`
}

// checkMediationInput validates a request's fields against now.
func checkMediationInput(in *MediationInput, now time.Time) error {
	in.Language = strings.ToLower(strings.TrimSpace(in.Language))
	in.Service = strings.TrimSpace(in.Service)
	in.Place = strings.TrimSpace(in.Place)
	in.VideoURL = strings.TrimSpace(in.VideoURL)
	in.Note = strings.TrimSpace(in.Note)
	in.Start = in.Start.UTC().Truncate(time.Second)
	in.End = in.End.UTC().Truncate(time.Second)
	var issues []httpx.FieldIssue
	bad := func(field, rule, key string, args ...any) {
		issues = append(issues, httpx.FieldIssue{Field: field, Rule: rule, Key: key, Args: args})
	}
	if !validLangCode(in.Language) {
		bad("language", "iso639", "helpdesk.language")
	}
	switch d := in.End.Sub(in.Start); {
	case !in.Start.After(now):
		bad("start", "future", "helpdesk.appointment.future")
	case d <= 0:
		bad("end", "after", "helpdesk.appointment.after")
	case d < MinMediation || d > MaxMediation:
		bad("end", "duration", "helpdesk.mediation.duration", int(MinMediation/time.Minute), int(MaxMediation/time.Hour))
	}
	switch in.Mode {
	case MediationInPerson:
		if in.Place == "" {
			bad("place", "required", "helpdesk.appointment.place")
		}
	case MediationPhone:
		if in.Place != "" {
			bad("place", "excluded", "helpdesk.appointment.excluded")
		}
	case MediationScheduled:
	case MediationVideo:
		if in.Place != "" {
			bad("place", "excluded", "helpdesk.appointment.excluded")
		}
	}
	if in.VideoURL != "" {
		if in.Mode != MediationVideo {
			bad("video_url", "excluded", "helpdesk.appointment.excluded")
		} else if !validHTTPS(in.VideoURL) {
			bad("video_url", "https_url", "helpdesk.appointment.video_url")
		}
	}
	if n := len([]rune(in.Note)); n > MaxMediationNote {
		bad("note", "max", "helpdesk.mediation.too_long", MaxMediationNote)
	} else if strings.ContainsAny(in.Note, "\x00\x1b") || pii.Find(in.Note) != nil {
		bad("note", "personal_data", "helpdesk.mediation.personal_data")
	}
	if issues != nil {
		return &httpx.ValidationError{Fields: issues}
	}
	return nil
}

// RequestMediator asks for a mediator: an operator of the package's
// ambito. The window must fall in the package's validity; a consultation,
// when named, must be one the operator sees, of the same ambito; the mode
// "scheduled" needs a set day of a mediator of that language in the ambito
// holding the window.
func (h *Helpdesk) RequestMediator(ctx context.Context, in MediationInput) (*MediationRequest, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	if err := checkMediationInput(&in, h.p.Now().UTC()); err != nil {
		return nil, err
	}
	var r MediationRequest
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pkg, err := h.packageOf(ctx, tx, pr, in.PackageID, false)
		if errors.Is(err, ErrPackageNotFound) {
			return httpx.Invalid("package_id", "exists", "helpdesk.mediation.package_not_found")
		}
		if err != nil {
			return err
		}
		if !pr.Has(incroci.RoleOperator, pkg.Ambito) {
			return incroci.ErrForbidden
		}
		if d1, d2 := italianDay(in.Start), italianDay(in.End.Add(-time.Second)); d1 < pkg.ValidFrom || d2 > pkg.ValidTo {
			return httpx.Invalid("package_id", "valid_dates", "helpdesk.mediation.package_dates")
		}
		now := h.p.Now().UTC()
		r = MediationRequest{Ambito: pkg.Ambito, OperatorID: pr.PersonID, PackageID: pkg.ID, Language: in.Language, Service: in.Service,
			Mode: in.Mode, Start: in.Start, End: in.End, Minutes: int(in.End.Sub(in.Start) / time.Minute), Place: in.Place, VideoURL: in.VideoURL,
			Note: in.Note, Status: MediationRequested, CreatedAt: now, UpdatedAt: now}
		if in.ConsultationID != 0 {
			c, _, _, err := h.load(ctx, tx, in.ConsultationID)
			if errors.Is(err, ErrConsultationNotFound) || (err == nil && c.Ambito != pkg.Ambito) {
				return httpx.Invalid("consultation_id", "exists", "helpdesk.mediation.consultation")
			}
			if err != nil {
				return err
			}
			r.ConsultationID = &c.ID
		}
		if in.Mode == MediationScheduled {
			profiles, err := h.servingMediators(ctx, tx, pkg.Ambito)
			if err != nil {
				return err
			}
			r.Place = ""
			for _, p := range profiles {
				if place, ok := p.fits(&r); ok {
					r.Place = place
					break
				}
			}
			if r.Place == "" {
				return httpx.Invalid("mode", "presence", "helpdesk.mediation.presence")
			}
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("helpdesk: request mediator: %w", err)
		}
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: r.Ambito, Action: "helpdesk.mediation.request.create", ObjectType: "mediation_request", ObjectID: fmt.Sprint(r.ID)},
			map[string]any{"package": r.PackageID, "language": r.Language, "mode": r.Mode, "start": r.Start, "end": r.End, "consultation": r.ConsultationID}); err != nil {
			return err
		}
		return h.mailNewRequest(ctx, tx, &r)
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishMediation(ctx, &r, "mediation.requested")
	return &r, h.nameRequests(ctx, h.db, []*MediationRequest{&r})
}

// access is what a caller may do with a request.
type access struct {
	operator, coordinator, mediator, candidate bool
}

func (a access) visible() bool { return a.operator || a.coordinator || a.mediator || a.candidate }

// accessTo works out the caller's relation to r: an operator or coordinator
// of its ambito, its booked mediator, or a mediator who could take it (an
// open request in their language, in an ambito they serve as mediator).
func (h *Helpdesk) accessTo(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, r *MediationRequest) (access, error) {
	a := access{
		operator:    pr.Has(incroci.RoleOperator, r.Ambito),
		coordinator: pr.Has(incroci.RoleCoordinator, r.Ambito),
		mediator:    r.MediatorID != nil && *r.MediatorID == pr.PersonID,
	}
	if r.Status == MediationRequested && pr.Has(incroci.RoleMediator, r.Ambito) {
		p, err := h.profileOf(ctx, tx, pr.PersonID, false)
		if err != nil {
			return a, err
		}
		a.candidate = slices.Contains(p.Languages, r.Language) && slices.Contains(p.Ambiti, r.Ambito)
	}
	return a, nil
}

// request loads request id (locked for update when asked) with the
// caller's access, or ErrMediationNotFound when they may not see it.
func (h *Helpdesk) request(ctx context.Context, tx *gorm.DB, pr *incroci.Principal, id int64, lock bool) (*MediationRequest, access, error) {
	q := tx.WithContext(ctx)
	if lock {
		q = lockFor(q)
	}
	var r MediationRequest
	err := q.Where("id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, access{}, ErrMediationNotFound
	}
	if err != nil {
		return nil, access{}, fmt.Errorf("helpdesk: mediation request %d: %w", id, err)
	}
	a, err := h.accessTo(ctx, tx, pr, &r)
	if err != nil {
		return nil, a, err
	}
	if !a.visible() {
		return nil, a, ErrMediationNotFound
	}
	return &r, a, nil
}

// MediationRequestByID returns one request the caller may see.
func (h *Helpdesk) MediationRequestByID(ctx context.Context, id int64) (*MediationRequest, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var r *MediationRequest
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if r, _, err = h.request(ctx, tx, pr, id, false); err != nil {
			return err
		}
		if err := h.nameRequests(ctx, tx, []*MediationRequest{r}); err != nil {
			return err
		}
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: r.Ambito, Action: "helpdesk.mediation.request.read", ObjectType: "mediation_request", ObjectID: fmt.Sprint(r.ID)}, nil)
	})
	return r, err
}

// MediationQuery filters and pages requests.
type MediationQuery struct {
	Status  MediationStatus // one status, or "" for all
	Ambito  string          // one ambito, or "" for all the caller's
	Mine    bool            // only those the caller asked for or is booked for
	Page    int
	PerPage int
}

// MediationRequests lists the requests the caller may see, by start time:
// operators and coordinators their ambiti's, mediators their own bookings
// and the open requests in their languages in the ambiti they serve.
func (h *Helpdesk) MediationRequests(ctx context.Context, q MediationQuery) ([]MediationRequest, int64, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	q.Page, q.PerPage = pageOf(q.Page, q.PerPage)
	if q.Status != "" && !slices.Contains([]MediationStatus{MediationRequested, MediationConfirmed, MediationDone, MediationCancelled}, q.Status) {
		return nil, 0, httpx.Invalid("status", "oneof", "helpdesk.status")
	}
	staff := uniq(append(pr.Ambiti(incroci.RoleOperator), pr.Ambiti(incroci.RoleCoordinator)...))
	prof, err := h.profileOf(ctx, h.db, pr.PersonID, false)
	if err != nil {
		return nil, 0, err
	}
	var served []string
	for _, a := range prof.Ambiti {
		if pr.Has(incroci.RoleMediator, a) {
			served = append(served, a)
		}
	}
	base := h.db.WithContext(ctx).Model(&MediationRequest{})
	cond := h.db.Where("ambito IN ?", append(staff, "")).Or("mediator_id = ?", pr.PersonID)
	if len(served) > 0 && len(prof.Languages) > 0 {
		cond = cond.Or("status = ? AND ambito IN ? AND language IN ?", MediationRequested, served, prof.Languages)
	}
	base = base.Where(cond)
	if q.Status != "" {
		base = base.Where("status = ?", q.Status)
	}
	if q.Ambito != "" {
		base = base.Where("ambito = ?", q.Ambito)
	}
	if q.Mine {
		base = base.Where("(operator_id = ? OR mediator_id = ?)", pr.PersonID, pr.PersonID)
	}
	var total int64
	if err := base.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("helpdesk: count mediation requests: %w", err)
	}
	out := []MediationRequest{}
	if err := base.Order("starts_at, id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("helpdesk: mediation requests: %w", err)
	}
	rs := make([]*MediationRequest, len(out))
	for i := range out {
		rs[i] = &out[i]
	}
	if err := h.nameRequests(ctx, h.db, rs); err != nil {
		return nil, 0, err
	}
	if err := h.auditList(ctx, "helpdesk.mediation.request.list", "mediation_request", func(i int) (string, int64) { return out[i].Ambito, out[i].ID }, len(out)); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ConfirmMediation books a mediator for a request and draws its minutes
// from the package, in one transaction: a coordinator of the ambito (naming
// the mediator, or letting the hub match one by language, mode, ambito and
// availability) or a mediator confirming themself. The package row is
// locked first, so the balance never goes below zero (ErrInsufficientHours
// otherwise); the mediator's profile row is locked before looking for
// overlapping bookings (ErrDoubleBooked).
func (h *Helpdesk) ConfirmMediation(ctx context.Context, id, mediatorID int64) (*MediationRequest, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var r *MediationRequest
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a access
		if r, a, err = h.request(ctx, tx, pr, id, true); err != nil {
			return err
		}
		switch {
		case a.coordinator:
		case a.candidate || a.mediator:
			if mediatorID != 0 && mediatorID != pr.PersonID {
				return incroci.ErrForbidden
			}
			mediatorID = pr.PersonID
		default:
			return incroci.ErrForbidden
		}
		if r.Status != MediationRequested {
			return ErrMediationState
		}
		now := h.p.Now().UTC()
		if !r.Start.After(now) {
			return ErrMediationTime
		}
		pkg, err := h.packageOf(ctx, tx, nil, r.PackageID, true)
		if err != nil {
			return err
		}
		bal, err := balance(ctx, tx, pkg.ID)
		if err != nil {
			return err
		}
		if bal < r.Minutes {
			return ErrInsufficientHours
		}
		place, err := h.matchMediator(ctx, tx, r, &mediatorID)
		if err != nil {
			return err
		}
		booking := r.ID
		if err := tx.Create(&LedgerEntry{PackageID: pkg.ID, Minutes: -r.Minutes, Reason: LedgerBooking, BookingID: &booking, ActorID: &pr.PersonID, At: now}).Error; err != nil {
			return fmt.Errorf("helpdesk: ledger: %w", err)
		}
		res := tx.Model(&MediationRequest{}).Where("id = ? AND status = ?", r.ID, MediationRequested).
			Updates(map[string]any{"status": MediationConfirmed, "mediator_id": mediatorID, "confirmed_by": pr.PersonID, "confirmed_at": now, "place": place, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("helpdesk: confirm mediation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrMediationState
		}
		r.Status, r.MediatorID, r.ConfirmedBy, r.ConfirmedAt, r.Place, r.UpdatedAt = MediationConfirmed, &mediatorID, &pr.PersonID, &now, place, now
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: r.Ambito, Action: "helpdesk.mediation.request.confirm", ObjectType: "mediation_request", ObjectID: fmt.Sprint(r.ID)},
			map[string]any{"mediator": mediatorID, "package": pkg.ID, "minutes": r.Minutes}); err != nil {
			return err
		}
		return h.mailMediation(ctx, tx, r, false)
	})
	if err != nil {
		return nil, err
	}
	h.p.WakeMail()
	h.publishMediation(ctx, r, "mediation.confirmed")
	return r, h.nameRequests(ctx, h.db, []*MediationRequest{r})
}

// matchMediator checks the mediator named in *mediatorID, or chooses one
// when it is 0 (the fitting, free mediator with the fewest bookings to
// come), and returns the place of the booking. The chosen mediator's
// profile row stays locked until the transaction ends.
func (h *Helpdesk) matchMediator(ctx context.Context, tx *gorm.DB, r *MediationRequest, mediatorID *int64) (string, error) {
	profiles, err := h.servingMediators(ctx, tx, r.Ambito)
	if err != nil {
		return "", err
	}
	type cand struct {
		id    int64
		place string
		load  int64
	}
	var cands []cand
	for _, p := range profiles {
		if *mediatorID != 0 && p.PersonID != *mediatorID {
			continue
		}
		if place, ok := p.fits(r); ok {
			cands = append(cands, cand{id: p.PersonID, place: place})
		}
	}
	if *mediatorID != 0 && len(cands) == 0 {
		return "", httpx.Invalid("mediator_id", "match", "helpdesk.mediation.match")
	}
	if len(cands) == 0 {
		return "", ErrNoMediator
	}
	if *mediatorID == 0 && len(cands) > 1 {
		for i := range cands {
			if err := tx.WithContext(ctx).Model(&MediationRequest{}).Where("mediator_id = ? AND status = ? AND ends_at > ?", cands[i].id, MediationConfirmed, h.p.Now().UTC()).
				Count(&cands[i].load).Error; err != nil {
				return "", fmt.Errorf("helpdesk: mediator load: %w", err)
			}
		}
		slices.SortStableFunc(cands, func(a, b cand) int {
			if a.load != b.load {
				return int(a.load - b.load)
			}
			return int(a.id - b.id)
		})
	}
	for _, c := range cands {
		// Lock the mediator, then look for overlaps: two confirmations for
		// one mediator cannot both see the time free.
		if _, err := h.profileOf(ctx, tx, c.id, true); err != nil {
			return "", err
		}
		var n int64
		if err := tx.WithContext(ctx).Model(&MediationRequest{}).
			Where("mediator_id = ? AND status = ? AND id <> ? AND starts_at < ? AND ends_at > ?", c.id, MediationConfirmed, r.ID, r.End, r.Start).
			Count(&n).Error; err != nil {
			return "", fmt.Errorf("helpdesk: overlapping bookings: %w", err)
		}
		if n == 0 {
			*mediatorID = c.id
			return c.place, nil
		}
	}
	if *mediatorID != 0 {
		return "", ErrDoubleBooked
	}
	return "", ErrNoMediator
}

// CancelInput says why a request is cancelled.
type CancelInput struct {
	Note string `json:"note" validate:"max=500"`
}

// CancelMediation cancels a request or a booking not yet over: an operator
// or coordinator of its ambito, or its mediator. A booking cancelled by the
// ambito inside the notice window stays charged (a cancellation_charge
// entry of 0 minutes records it); otherwise, and always when the mediator
// cancels, its minutes return to the package (refund).
func (h *Helpdesk) CancelMediation(ctx context.Context, id int64, in CancelInput) (*MediationRequest, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if pii.Find(in.Note) != nil {
		return nil, httpx.Invalid("note", "personal_data", "helpdesk.mediation.personal_data")
	}
	var r *MediationRequest
	var confirmed bool
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a access
		if r, a, err = h.request(ctx, tx, pr, id, true); err != nil {
			return err
		}
		if !a.operator && !a.coordinator && !a.mediator {
			return incroci.ErrForbidden
		}
		now := h.p.Now().UTC()
		updates := map[string]any{"status": MediationCancelled, "cancelled_by": pr.PersonID, "cancelled_at": now, "updated_at": now}
		detail := map[string]any{"from": r.Status}
		switch r.Status {
		case MediationRequested:
		case MediationConfirmed:
			if !r.End.After(now) {
				return ErrMediationTime
			}
			confirmed = true
			booking := r.ID
			entry := LedgerEntry{PackageID: r.PackageID, BookingID: &booking, ActorID: &pr.PersonID, At: now, Note: in.Note}
			byMediator := r.MediatorID != nil && *r.MediatorID == pr.PersonID
			if !byMediator && r.Start.Sub(now) < h.mediation().NoticeWindow {
				entry.Reason, entry.Minutes = LedgerCancellationCharge, 0
				if entry.Note == "" {
					entry.Note = fmt.Sprintf("cancelled %d minutes before the start: %d minutes stay charged", int(r.Start.Sub(now)/time.Minute), r.Minutes)
				}
				updates["charged"] = true
				r.Charged = true
			} else {
				entry.Reason, entry.Minutes = LedgerRefund, r.Minutes
			}
			if err := tx.Create(&entry).Error; err != nil {
				return fmt.Errorf("helpdesk: ledger: %w", err)
			}
			detail["ledger"], detail["minutes"] = entry.Reason, entry.Minutes
			updates["sequence"] = r.Sequence + 1
			r.Sequence++
		default:
			return ErrMediationState
		}
		res := tx.Model(&MediationRequest{}).Where("id = ? AND status = ?", r.ID, r.Status).Updates(updates)
		if res.Error != nil {
			return fmt.Errorf("helpdesk: cancel mediation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrMediationState
		}
		r.Status, r.CancelledBy, r.CancelledAt, r.UpdatedAt = MediationCancelled, &pr.PersonID, &now, now
		if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: r.Ambito, Action: "helpdesk.mediation.request.cancel", ObjectType: "mediation_request", ObjectID: fmt.Sprint(r.ID)},
			detail); err != nil {
			return err
		}
		if !confirmed {
			return nil
		}
		return h.mailMediation(ctx, tx, r, true)
	})
	if err != nil {
		return nil, err
	}
	if confirmed {
		h.p.WakeMail()
	}
	h.publishMediation(ctx, r, "mediation.cancelled")
	return r, h.nameRequests(ctx, h.db, []*MediationRequest{r})
}

// CompleteMediation marks a booking done once it has begun: an operator or
// coordinator of its ambito, or its mediator.
func (h *Helpdesk) CompleteMediation(ctx context.Context, id int64) (*MediationRequest, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var r *MediationRequest
	err = h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a access
		if r, a, err = h.request(ctx, tx, pr, id, true); err != nil {
			return err
		}
		if !a.operator && !a.coordinator && !a.mediator {
			return incroci.ErrForbidden
		}
		if r.Status != MediationConfirmed {
			return ErrMediationState
		}
		now := h.p.Now().UTC()
		if now.Before(r.Start) {
			return ErrMediationTime
		}
		res := tx.Model(&MediationRequest{}).Where("id = ? AND status = ?", r.ID, MediationConfirmed).
			Updates(map[string]any{"status": MediationDone, "done_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("helpdesk: complete mediation: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrMediationState
		}
		r.Status, r.DoneAt, r.UpdatedAt = MediationDone, &now, now
		return h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: r.Ambito, Action: "helpdesk.mediation.request.done", ObjectType: "mediation_request", ObjectID: fmt.Sprint(r.ID)}, nil)
	})
	if err != nil {
		return nil, err
	}
	h.publishMediation(ctx, r, "mediation.done")
	return r, h.nameRequests(ctx, h.db, []*MediationRequest{r})
}

// mediationUID is the calendar identity of a booking.
func mediationUID(id int64) string { return fmt.Sprintf("mediation-%d@incroci", id) }

var modeNames = map[MediationMode][2]string{
	MediationPhone:     {"al telefono", "by phone"},
	MediationVideo:     {"in videochiamata", "by video call"},
	MediationInPerson:  {"in presenza", "in person"},
	MediationScheduled: {"in presenza, nel giorno fisso del mediatore", "in person, on the mediator's set day"},
}

// mailMediation tells the requesting operator and the mediator that a
// booking is confirmed or cancelled, with the calendar invitation or its
// cancellation when they meet in person or by video. The note is not sent:
// they read it in incroci.
func (h *Helpdesk) mailMediation(ctx context.Context, tx *gorm.DB, r *MediationRequest, cancelled bool) error {
	var people []incroci.Person
	if err := tx.WithContext(ctx).Where("id IN ?", []int64{r.OperatorID, *r.MediatorID}).Order("id").Find(&people).Error; err != nil {
		return fmt.Errorf("helpdesk: mediation people: %w", err)
	}
	var operator, mediator incroci.Person
	for _, p := range people {
		if p.ID == r.OperatorID {
			operator = p
		}
		if p.ID == *r.MediatorID {
			mediator = p
		}
	}
	when, whenEN := mediationWhen(r)
	mode := modeNames[r.Mode]
	where, location := "", r.Place
	if r.Place != "" {
		where = "\n" + r.Place
	}
	if r.Mode == MediationVideo && r.VideoURL != "" {
		where, location = "\n"+r.VideoURL, r.VideoURL
	}
	langIT, langEN := langNames(r.Language)
	var subject, text string
	if cancelled {
		subject = fmt.Sprintf("incroci: mediazione n. %d annullata / mediation cancelled", r.ID)
		text = fmt.Sprintf("La mediazione linguistica n. %d (lingua: %s, %s) del %s è stata annullata.\n\n"+
			"Linguistic mediation no. %d (language: %s, %s) on %s was cancelled.\n", r.ID, langIT, mode[0], when, r.ID, langEN, mode[1], whenEN)
	} else {
		subject = fmt.Sprintf("incroci: mediazione n. %d confermata / mediation confirmed", r.ID)
		text = fmt.Sprintf("È confermata la mediazione linguistica n. %d (lingua: %s) per il servizio %s:\n%s (ora italiana), %s.%s\nMediatore: %s. Operatore: %s.\n\n"+
			"Linguistic mediation no. %d (language: %s) for the service %s is confirmed:\n%s (Italian time), %s.%s\nMediator: %s. Operator: %s.\n",
			r.ID, langIT, r.Service, when, mode[0], where, nameOr(mediator), nameOr(operator),
			r.ID, langEN, r.Service, whenEN, mode[1], where, nameOr(mediator), nameOr(operator))
	}
	var att []mail.Attachment
	if r.Mode != MediationPhone {
		ev := ical.Event{UID: mediationUID(r.ID), Summary: fmt.Sprintf("Mediazione linguistica n. %d (%s)", r.ID, langIT),
			Description: fmt.Sprintf("Mediazione linguistica (%s) per il servizio %s, %s.\n\nLinguistic mediation (%s) for the service %s, %s.", langIT, r.Service, mode[0], langEN, r.Service, mode[1]),
			Location:    location, Start: r.Start, End: r.End, Sequence: r.Sequence, Stamp: h.p.Now(),
			Organizer: ical.Person{Name: operator.Name, Email: operator.Email},
			Attendees: []ical.Person{{Name: operator.Name, Email: operator.Email}, {Name: mediator.Name, Email: mediator.Email}}}
		if r.Mode == MediationVideo && r.VideoURL != "" {
			ev.URL = r.VideoURL
		}
		method, file := ical.MethodRequest, "mediazione.ics"
		var data []byte
		var err error
		if cancelled {
			method, file = ical.MethodCancel, "annullamento.ics"
			data, err = ical.Cancel(ev)
		} else {
			data, err = ical.Invite(ev)
		}
		if err != nil {
			return fmt.Errorf("helpdesk: calendar for mediation %d: %w", r.ID, err)
		}
		att = []mail.Attachment{{Filename: file, ContentType: ical.ContentType(method), Data: data}}
	}
	for _, p := range people {
		if err := h.p.QueueMail(ctx, tx, mail.Message{To: []mail.Address{{Email: p.Email, Name: p.Name}}, Subject: subject, Text: text,
			Attachments: att, Headers: map[string]string{"Auto-Submitted": "auto-generated"}}); err != nil {
			return err
		}
	}
	return nil
}

func nameOr(p incroci.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Email
}
