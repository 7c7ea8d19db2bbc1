package incroci

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ActivationRequest asks for a sign-in code and link by e-mail.
type ActivationRequest struct {
	Email string `json:"email" validate:"required,max=254"`
	// Ambito is where the widget asking runs; optional.
	Ambito string `json:"ambito" validate:"omitempty,slug"`
	// ReturnURL is the page the link in the e-mail opens, with the widget on
	// it; it must be on an allowed origin. Optional.
	ReturnURL string `json:"return_url" validate:"omitempty,max=2000,url"`
}

// Verification proves an activation: the address and the code typed, or the
// token from the link.
type Verification struct {
	Email string `json:"email" validate:"required_without=Token,omitempty,max=254"`
	Code  string `json:"code" validate:"required_without=Token,omitempty,len=6,numeric"`
	Token string `json:"token" validate:"required_without_all=Email Code,omitempty,max=100"`
}

// codeLength is the number of digits in a sign-in code.
const codeLength = 6

const (
	purposeSignIn = "signin"
	purposeInvite = "invite"
	purposeLink   = "link"
)

// RequestActivation sends a sign-in code and link to the address when it
// belongs to a known person or to an ambito's institutional domain; in every
// case it answers the same, so that nobody learns which addresses exist.
// client identifies the caller (its IP address) for rate limiting; at most
// Config.RequestsPerAddress and Config.RequestsPerClient requests are taken
// per window, past which it returns a *httpx.RateLimitError.
func (p *Platform) RequestActivation(ctx context.Context, req ActivationRequest, client string) error {
	if err := httpx.Validate(langOf(ctx), &req); err != nil {
		return err
	}
	email, err := NormaliseEmail("email", req.Email)
	if err != nil {
		return err
	}
	if req.Ambito != "" {
		if _, err := p.GetAmbito(ctx, req.Ambito); err != nil {
			return httpx.Invalid("ambito", "exists", "ambito.not_found")
		}
	}
	if err := p.checkReturnURL(ctx, req.Ambito, req.ReturnURL); err != nil {
		return err
	}
	// Read before the transaction: on SQLite's single connection a query
	// outside an open transaction would wait for it forever.
	domainAmbiti, err := p.ambitiOfDomain(ctx, email)
	if err != nil {
		return err
	}
	err = p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := p.limit(ctx, tx, "signin-client", client, p.cfg.RequestsPerClient); err != nil {
			return err
		}
		if err := p.limit(ctx, tx, "signin-address", email, p.cfg.RequestsPerAddress); err != nil {
			return err
		}
		ambito, ok, err := mayActivate(ctx, tx, email, req.Ambito, domainAmbiti)
		if err != nil || !ok {
			return err
		}
		code, token, err := p.newActivation(ctx, tx, email, ambito, purposeSignIn, p.cfg.CodeTTL)
		if err != nil {
			return err
		}
		return p.QueueMail(ctx, tx, p.activationMail(email, code, p.link(req.ReturnURL, token), p.cfg.CodeTTL))
	})
	if err != nil {
		return err
	}
	p.WakeMail()
	return nil
}

// checkReturnURL accepts a page for e-mail links on the ambito's own sites
// or the hub's (Config.AllowedOrigins); with no ambito, on any allowed site.
// Anything else would let a link carrying a sign-in token lead elsewhere.
func (p *Platform) checkReturnURL(ctx context.Context, ambito, returnURL string) error {
	return p.checkReturnURLIn(ctx, p.db, ambito, returnURL)
}

func (p *Platform) checkReturnURLIn(ctx context.Context, db *gorm.DB, ambito, returnURL string) error {
	if returnURL == "" {
		return nil
	}
	origins, _, err := p.lookupIn(ctx, db)
	if err != nil {
		return err
	}
	owners := origins[originOf(returnURL)]
	if slices.Contains(owners, "") || (len(owners) > 0 && (ambito == "" || slices.Contains(owners, ambito))) {
		return nil
	}
	return httpx.Invalid("return_url", "origin", "return_url.origin")
}

// SignInLink makes a one-time link that signs the person with email in and
// opens page (with the widget on it; it must be on the ambito's sites, and
// defaults to Config.LinkPage), valid for Config.InviteTTL. Modules put it
// in the e-mails that bring a person back to a case. It writes inside tx
// (nil for the platform's database); extra query parameters for the widget
// go in params.
func (p *Platform) SignInLink(ctx context.Context, tx *gorm.DB, email, ambito, page string, params url.Values) (string, error) {
	email, err := NormaliseEmail("email", email)
	if err != nil {
		return "", err
	}
	if tx == nil {
		tx = p.db
	}
	if err := p.checkReturnURLIn(ctx, tx, ambito, page); err != nil {
		return "", err
	}
	_, token, err := p.newActivation(ctx, tx, email, ambito, purposeLink, p.cfg.InviteTTL)
	if err != nil {
		return "", err
	}
	link := p.link(page, token)
	if link == "" || len(params) == 0 {
		return link, nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("incroci: sign-in link: %w", err)
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// mayActivate decides whether email may sign in, and in which ambito a new
// person would join: known people always; unknown addresses when their domain
// is an institutional domain of an ambito (the one asked for, if it is one).
func mayActivate(ctx context.Context, tx *gorm.DB, email, asked string, ambiti []string) (string, bool, error) {
	person, err := findPerson(ctx, tx, email)
	if err != nil {
		return "", false, err
	}
	if person != nil {
		return asked, true, nil
	}
	if len(ambiti) == 0 {
		return "", false, nil
	}
	if asked != "" && slices.Contains(ambiti, asked) {
		return asked, true, nil
	}
	return ambiti[0], true, nil
}

// newActivation stores a fresh code and link token for email, retiring the
// codes sent before, so only the newest one works.
func (p *Platform) newActivation(ctx context.Context, tx *gorm.DB, email, ambito, purpose string, ttl time.Duration) (code, token string, err error) {
	now := p.now()
	if purpose != purposeLink { // links in notices stay valid side by side
		if err := tx.WithContext(ctx).Model(&activation{}).
			Where("email = ? AND used_at IS NULL AND purpose = ?", email, purpose).Update("used_at", now).Error; err != nil {
			return "", "", fmt.Errorf("incroci: retire old codes: %w", err)
		}
	}
	code, token = randomCode(codeLength), randomToken("inca_")
	codeHash := p.keys.digest("code", email, code)
	if purpose == purposeLink {
		code, codeHash = "", "-" // links only: no code for guesses to hit
	}
	a := activation{Email: email, Ambito: ambito, Purpose: purpose, CodeHash: codeHash,
		LinkHash: tokenHash(token), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.WithContext(ctx).Create(&a).Error; err != nil {
		return "", "", fmt.Errorf("incroci: store activation: %w", err)
	}
	return code, token, nil
}

// link builds the address of the e-mail's link: the widget's page with the
// token in the incroci_activation parameter.
func (p *Platform) link(returnURL, token string) string {
	base := returnURL
	if base == "" {
		if p.cfg.LinkPage == "" {
			return ""
		}
		base = p.cfg.LinkPage
	}
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("incroci_activation", token)
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u.String()
}

func (p *Platform) activationMail(to, code, link string, ttl time.Duration) mail.Message {
	mins := int(ttl.Minutes())
	var it, en strings.Builder
	fmt.Fprintf(&it, "Buongiorno,\n\nper accedere a incroci inserisci questo codice: %s\n", code)
	fmt.Fprintf(&en, "To sign in to incroci, enter this code: %s\n", code)
	if link != "" {
		fmt.Fprintf(&it, "oppure apri questo collegamento:\n%s\n", link)
		fmt.Fprintf(&en, "or open this link:\n%s\n", link)
	}
	fmt.Fprintf(&it, "\nIl codice vale %d minuti. Se non hai chiesto tu di accedere, ignora questo messaggio.\n", mins)
	fmt.Fprintf(&en, "\nThe code is valid for %d minutes. If you did not ask to sign in, ignore this message.\n", mins)
	return mail.Message{
		From:    p.cfg.MailFrom,
		To:      []mail.Address{{Email: to}},
		Subject: "incroci: codice di accesso " + code + " / sign-in code",
		Text:    it.String() + "\n---\n\n" + en.String(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}
}

// VerifyActivation exchanges a code (with its address) or a link token for
// a session. A wrong code counts against the newest code of the address,
// which stops working after Config.MaxCodeAttempts wrong tries; every
// failure answers ErrInvalidCode alike. client is rate limited as in
// RequestActivation.
func (p *Platform) VerifyActivation(ctx context.Context, v Verification, client string) (*SessionGrant, error) {
	if err := httpx.Validate(langOf(ctx), &v); err != nil {
		return nil, err
	}
	var email string
	if v.Token == "" {
		var err error
		if email, err = NormaliseEmail("email", v.Email); err != nil {
			return nil, err
		}
	}
	if err := p.limit(ctx, p.db, "verify-client", client, p.cfg.VerifiesPerClient); err != nil {
		return nil, err
	}
	now := p.now()
	var out *SessionGrant
	wrongCode := false
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := p.findActivation(ctx, tx, v, email, now)
		var miss *codeMismatch
		if errors.As(err, &miss) {
			// Count the attempt against every code it was tried on, and
			// commit the count: the rows stay locked until then, so
			// concurrent guesses cannot all read the same count.
			if err := tx.Model(&activation{}).Where("id IN ?", miss.ids).
				Update("attempts", gorm.Expr("attempts + 1")).Error; err != nil {
				return fmt.Errorf("incroci: count attempt: %w", err)
			}
			wrongCode = true
			return nil
		}
		if err != nil {
			return err
		}
		// Claim the activation; a concurrent claim of the same one loses.
		res := tx.Model(&activation{}).Where("id = ? AND used_at IS NULL", a.ID).Update("used_at", now)
		if res.Error != nil {
			return fmt.Errorf("incroci: use activation: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrInvalidCode
		}
		person, created, err := p.ensurePerson(ctx, tx, a.Email, "")
		if err != nil {
			return err
		}
		if created && a.Ambito != "" {
			if err := p.grant(ctx, tx, person.ID, a.Ambito, RoleOperator, nil); err != nil {
				return err
			}
		}
		out, err = p.startSession(ctx, tx, person.ID, "email", a.Ambito)
		return err
	})
	if err == nil && wrongCode {
		return nil, ErrInvalidCode
	}
	return out, err
}

// codeMismatch lists the live activations a wrong code was tried against.
type codeMismatch struct{ ids []int64 }

func (*codeMismatch) Error() string { return "code mismatch" }

// findActivation returns the live activation that v proves: the one whose
// link token it carries, or, for a code, whichever live activation of the
// address (a sign-in, an invitation) has that code. A wrong code is a
// *codeMismatch naming every live activation it was tried against, so each
// counts the attempt.
func (p *Platform) findActivation(ctx context.Context, tx *gorm.DB, v Verification, email string, now time.Time) (*activation, error) {
	q := tx.WithContext(ctx).Where("used_at IS NULL AND expires_at > ?", now)
	if v.Token != "" {
		var a activation
		err := q.Where("link_hash = ?", tokenHash(v.Token)).Take(&a).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrInvalidCode
		}
		if err != nil {
			return nil, fmt.Errorf("incroci: find activation: %w", err)
		}
		return &a, nil
	}
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var live []activation
	if err := q.Where("email = ? AND attempts < ? AND purpose <> ?", email, p.cfg.MaxCodeAttempts, purposeLink).Order("id DESC").Find(&live).Error; err != nil {
		return nil, fmt.Errorf("incroci: find activation: %w", err)
	}
	if len(live) == 0 {
		return nil, ErrInvalidCode
	}
	want := []byte(p.keys.digest("code", email, v.Code))
	miss := &codeMismatch{}
	for i := range live {
		if subtle.ConstantTimeCompare([]byte(live[i].CodeHash), want) == 1 {
			return &live[i], nil
		}
		miss.ids = append(miss.ids, live[i].ID)
	}
	return nil, miss
}

// Invite adds a person (created if new) to ambito with roles and e-mails
// them a link and code to sign in. Coordinators of the ambito and admins
// only, and only with roles they may grant.
func (p *Platform) Invite(ctx context.Context, ambito string, in InviteInput) (*PersonInAmbito, error) {
	pr, err := p.canManage(ctx, ambito)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(langOf(ctx), &in); err != nil {
		return nil, err
	}
	email, err := NormaliseEmail("email", in.Email)
	if err != nil {
		return nil, err
	}
	for i, r := range in.Roles {
		if err := checkRole(fmt.Sprintf("roles[%d]", i), r); err != nil {
			return nil, err
		}
		if !pr.CanGrant(r, ambito) {
			return nil, ErrCannotGrant
		}
	}
	if err := p.checkReturnURL(ctx, ambito, in.ReturnURL); err != nil {
		return nil, err
	}
	a, err := p.GetAmbito(ctx, ambito)
	if err != nil {
		return nil, err
	}
	var out *PersonInAmbito
	err = p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		person, _, err := p.ensurePerson(ctx, tx, email, in.Name)
		if err != nil {
			return err
		}
		by := pr.actor()
		for _, r := range in.Roles {
			if err := p.grant(ctx, tx, person.ID, ambito, r, by); err != nil {
				return err
			}
		}
		code, token, err := p.newActivation(ctx, tx, email, ambito, purposeInvite, p.cfg.InviteTTL)
		if err != nil {
			return err
		}
		inviter := pr.Name
		if pr.PersonID == 0 { // the hub itself, from a seed or a script
			inviter = ""
		}
		if err := p.QueueMail(ctx, tx, p.inviteMail(email, a.Name, inviter, code, p.link(in.ReturnURL, token))); err != nil {
			return err
		}
		if err := p.Audit(ctx, tx, AuditEntry{Ambito: ambito, Action: "person.invite", ObjectType: "person", ObjectID: fmt.Sprint(person.ID)}, map[string]any{"roles": in.Roles}); err != nil {
			return err
		}
		out, err = p.personInAmbito(ctx, tx, ambito, person.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	p.WakeMail()
	p.publishPeople(ctx, ambito, out.ID)
	return out, nil
}

func (p *Platform) inviteMail(to, ambitoName, inviter, code, link string) mail.Message {
	days := int(p.cfg.InviteTTL.Hours() / 24)
	var b strings.Builder
	if inviter == "" {
		fmt.Fprintf(&b, "Buongiorno,\n\nsei stato invitato a usare incroci per %s.\n", ambitoName)
	} else {
		fmt.Fprintf(&b, "Buongiorno,\n\n%s ti ha invitato a usare incroci per %s.\n", inviter, ambitoName)
	}
	if link != "" {
		fmt.Fprintf(&b, "Per accedere apri questo collegamento:\n%s\noppure i", link)
	} else {
		b.WriteString("Per accedere i")
	}
	fmt.Fprintf(&b, "nserisci il codice %s insieme al tuo indirizzo e-mail. L'invito vale %d giorni.\n", code, days)
	fmt.Fprintf(&b, "\n---\n\nYou have been invited to use incroci for %s.\n", ambitoName)
	if link != "" {
		fmt.Fprintf(&b, "To sign in, open this link:\n%s\nor e", link)
	} else {
		b.WriteString("To sign in, e")
	}
	fmt.Fprintf(&b, "nter the code %s with your e-mail address. The invitation is valid for %d days.\n", code, days)
	return mail.Message{
		From: p.cfg.MailFrom, To: []mail.Address{{Email: to}},
		Subject: "incroci: invito per " + ambitoName + " / invitation",
		Text:    b.String(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}
}
