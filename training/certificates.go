package training

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	qrcode "github.com/skip2/go-qrcode"
	"gorm.io/gorm"
)

// Certificate is a certificate of attendance of an edition, issued to a
// person who attended at least the edition's threshold of its hours. Its
// Code (128 random bits) lets anyone verify it without signing in.
type Certificate struct {
	ID        int64  `gorm:"primaryKey" json:"id"`
	Code      string `json:"code"`
	EditionID int64  `json:"edition_id"`
	PersonID  int64  `json:"person_id"`
	CourseID  int64  `json:"course_id"`
	// Ambito is the course's, "" for the network's.
	Ambito string `json:"ambito"`
	// Name and Course are the person's name and the course's title when
	// the certificate was issued.
	Name   string `json:"name"`
	Course string `json:"course"`
	// Minutes attended, of TotalMinutes of the edition.
	Minutes      int `json:"minutes"`
	TotalMinutes int `json:"total_minutes"`
	// FirstDay and LastDay are the edition's first and last meetings.
	FirstDay     time.Time  `json:"first_day"`
	LastDay      time.Time  `json:"last_day"`
	IssuedAt     time.Time  `json:"issued_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
	RevokedBy    *int64     `json:"-"`
	RevokeReason string     `json:"revoke_reason"`

	// Hours attended, filled when read.
	Hours float64 `gorm:"-" json:"hours"`
	// VerifyURL is the address of its verification page, in the lists of
	// the HTTP API.
	VerifyURL string `gorm:"-" json:"verify_url,omitempty"`
}

// TableName places the table under the module's prefix.
func (Certificate) TableName() string { return "incroci_training_certificates" }

func (c *Certificate) fill() {
	c.Hours = hoursOf(c.Minutes)
	c.FirstDay, c.LastDay, c.IssuedAt = c.FirstDay.In(rome), c.LastDay.In(rome), c.IssuedAt.In(rome)
	if c.RevokedAt != nil {
		r := c.RevokedAt.In(rome)
		c.RevokedAt = &r
	}
}

// newCode returns 128 random bits, base64url.
func newCode() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("training: certificate code: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// IssueCertificates issues the certificates of edition id, once its last
// meeting has ended, to whoever holding a confirmed seat attended at least
// the edition's threshold of its hours and has none yet (a revoked one is
// not issued again). The course's managers, the edition's trainers, admins
// and the system (incroci.AsSystem) may call it; closing the last register
// and IssueDue call it too. It returns the certificates it issued.
func (t *Training) IssueCertificates(ctx context.Context, id int64) ([]Certificate, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out []Certificate
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := lockEdition(ctx, tx, id)
		if err != nil {
			return err
		}
		if !mayRead(pr, e.Ambito) && !isTrainer(pr, e) {
			return ErrEditionNotFound
		}
		if !mayManage(pr, e.Ambito) && !isTrainer(pr, e) {
			return incroci.ErrForbidden
		}
		if e.Cancelled {
			return ErrEditionCancelled
		}
		out, err = t.issue(ctx, tx, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// issue issues e's due certificates, under its lock.
func (t *Training) issue(ctx context.Context, tx *gorm.DB, e *Edition) ([]Certificate, error) {
	hours, ms, err := t.editionHours(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 || t.p.Now().Before(ms[len(ms)-1].End) {
		return nil, ErrEditionNotOver
	}
	var c Course
	if err := tx.WithContext(ctx).Where("id = ?", e.CourseID).Take(&c).Error; err != nil {
		return nil, fmt.Errorf("training: course %d: %w", e.CourseID, err)
	}
	var have []int64
	if err := tx.WithContext(ctx).Model(&Certificate{}).Where("edition_id = ?", e.ID).Pluck("person_id", &have).Error; err != nil {
		return nil, fmt.Errorf("training: certificates of edition %d: %w", e.ID, err)
	}
	got := map[int64]bool{}
	for _, p := range have {
		got[p] = true
	}
	out := []Certificate{}
	now := t.p.Now()
	for _, ph := range hours.People {
		if !ph.Meets || got[ph.PersonID] {
			continue
		}
		code, err := newCode()
		if err != nil {
			return nil, err
		}
		cert := Certificate{Code: code, EditionID: e.ID, PersonID: ph.PersonID, CourseID: c.ID, Ambito: c.Ambito, Name: ph.Name, Course: c.Title,
			Minutes: ph.Minutes, TotalMinutes: hours.Minutes, FirstDay: ms[0].Start, LastDay: ms[len(ms)-1].Start, IssuedAt: now}
		if err := tx.WithContext(ctx).Create(&cert).Error; err != nil {
			return nil, fmt.Errorf("training: certificate of %d in %d: %w", ph.PersonID, e.ID, err)
		}
		if err := t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.certificate.issue", ObjectType: "certificate", ObjectID: fmt.Sprint(cert.ID)},
			map[string]any{"edition": e.ID, "person": ph.PersonID, "minutes": ph.Minutes}); err != nil {
			return nil, err
		}
		cert.fill()
		out = append(out, cert)
	}
	return out, nil
}

// IssueDue closes the registers of the meetings that ended more than
// Config.RegisterGrace ago and are still open (whoever is not marked is
// absent), which issues the certificates of editions whose registers are
// all closed. The hub runs it periodically; it returns the number of
// registers closed.
func (t *Training) IssueDue(ctx context.Context) (int, error) {
	sys := incroci.AsSystem(ctx)
	cutoff := t.p.Now().Add(-t.cfg.RegisterGrace)
	var ms []Meeting
	err := t.db.WithContext(ctx).Where("\"end\" < ? AND id NOT IN (?) AND edition_id IN (?)", cutoff,
		t.db.Model(&closure{}).Select("meeting_id"),
		t.db.Model(&Edition{}).Select("id").Where("cancelled = ?", false)).Order("\"end\", id").Limit(500).Find(&ms).Error
	if err != nil {
		return 0, fmt.Errorf("training: registers due: %w", err)
	}
	n := 0
	for _, m := range ms {
		err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			e, err := lockEdition(ctx, tx, m.EditionID)
			if err != nil {
				return err
			}
			if at, err := isClosed(ctx, tx, m.ID); err != nil || at != nil {
				return err
			}
			mm := m
			if err := t.closeRegister(sys, tx, &incroci.Principal{Admin: true, Name: "system"}, e, &mm); err != nil {
				return err
			}
			n++
			return t.p.Audit(sys, tx, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.register.close", ObjectType: "meeting", ObjectID: fmt.Sprint(m.ID)},
				map[string]any{"edition": e.ID, "automatic": true})
		})
		if err != nil {
			return n, fmt.Errorf("training: close register of meeting %d: %w", m.ID, err)
		}
	}
	return n, nil
}

// MyCertificates lists the caller's certificates, newest first.
func (t *Training) MyCertificates(ctx context.Context) ([]Certificate, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	out := []Certificate{}
	if err := t.db.WithContext(ctx).Where("person_id = ?", pr.PersonID).Order("issued_at DESC, id DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("training: certificates of %d: %w", pr.PersonID, err)
	}
	for i := range out {
		out[i].fill()
	}
	return out, nil
}

// EditionCertificates lists the certificates of edition id: the course's
// managers, the edition's trainers and admins. The read is audited.
func (t *Training) EditionCertificates(ctx context.Context, id int64) ([]Certificate, error) {
	pr, ep, err := t.readableEdition(ctx, id)
	if err != nil {
		return nil, err
	}
	e := *ep
	if !mayManage(pr, e.Ambito) && !isTrainer(pr, &e) {
		return nil, incroci.ErrForbidden
	}
	out := []Certificate{}
	if err := t.db.WithContext(ctx).Where("edition_id = ?", id).Order("name, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("training: certificates of edition %d: %w", id, err)
	}
	for i := range out {
		out[i].fill()
	}
	err = t.p.Audit(ctx, nil, incroci.AuditEntry{Ambito: e.Ambito, Action: "training.certificates.read", ObjectType: "edition", ObjectID: fmt.Sprint(id)},
		map[string]any{"certificates": len(out)})
	if err != nil {
		return nil, fmt.Errorf("training: audit certificates: %w", err)
	}
	return out, nil
}

// RevokeInput says why a certificate is revoked.
type RevokeInput struct {
	Reason string `json:"reason" validate:"required,min=3,max=500,nocontrol"`
}

// RevokeCertificate revokes certificate id with a reason: the coordinators
// of the course's ambito (admins for the network's courses). Verification
// then answers that it is revoked.
func (t *Training) RevokeCertificate(ctx context.Context, id int64, in RevokeInput) (*Certificate, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := httpx.Validate(incroci.LangFrom(ctx), &in); err != nil {
		return nil, err
	}
	var out Certificate
	err = t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.WithContext(ctx).Where("id = ?", id).Take(&out).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrCertificateNotFound
		} else if err != nil {
			return fmt.Errorf("training: certificate %d: %w", id, err)
		}
		if !mayRead(pr, out.Ambito) {
			return ErrCertificateNotFound
		}
		if !mayManage(pr, out.Ambito) {
			return incroci.ErrForbidden
		}
		if out.RevokedAt != nil {
			return ErrCertificateRevoked
		}
		now := t.p.Now()
		out.RevokedAt, out.RevokeReason = &now, strings.TrimSpace(in.Reason)
		if pr.PersonID != 0 {
			out.RevokedBy = &pr.PersonID
		}
		if err := tx.WithContext(ctx).Select("revoked_at", "revoked_by", "revoke_reason").Save(&out).Error; err != nil {
			return fmt.Errorf("training: revoke certificate %d: %w", id, err)
		}
		return t.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: out.Ambito, Action: "training.certificate.revoke", ObjectType: "certificate", ObjectID: fmt.Sprint(id)},
			map[string]any{"reason": out.RevokeReason})
	})
	if err != nil {
		return nil, err
	}
	out.fill()
	return &out, nil
}

// Verification is what anyone learns of a certificate from its code: no
// more than needed to check it.
type Verification struct {
	Valid   bool    `json:"valid"`
	Revoked bool    `json:"revoked"`
	Name    string  `json:"name"`
	Course  string  `json:"course"`
	Hours   float64 `json:"hours"`
	// FirstDay and LastDay are the dates of the edition (YYYY-MM-DD).
	FirstDay string `json:"first_day"`
	LastDay  string `json:"last_day"`
	IssuedOn string `json:"issued_on"`
	// RevokedOn is the date of revocation, "" when valid.
	RevokedOn string `json:"revoked_on"`
	// Issuer is the name of the course's ambito, or of the network.
	Issuer string `json:"issuer"`
}

// networkName names the issuer of the network's courses.
const networkName = "Rete incroci"

// Verify returns the verification of the certificate with code, for
// anyone: ErrCertificateNotFound when there is none.
func (t *Training) Verify(ctx context.Context, code string) (*Verification, error) {
	if code == "" || len(code) > 64 {
		return nil, ErrCertificateNotFound
	}
	var c Certificate
	if err := t.db.WithContext(ctx).Where("code = ?", code).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrCertificateNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: verify certificate: %w", err)
	}
	c.fill()
	v := &Verification{Valid: c.RevokedAt == nil, Revoked: c.RevokedAt != nil, Name: c.Name, Course: c.Course, Hours: c.Hours,
		FirstDay: c.FirstDay.Format("2006-01-02"), LastDay: c.LastDay.Format("2006-01-02"), IssuedOn: c.IssuedAt.Format("2006-01-02")}
	if c.RevokedAt != nil {
		v.RevokedOn = c.RevokedAt.Format("2006-01-02")
	}
	issuer, err := t.issuer(ctx, c.Ambito)
	if err != nil {
		return nil, err
	}
	v.Issuer = issuer
	return v, nil
}

// issuer names ambito, or the network for "".
func (t *Training) issuer(ctx context.Context, ambito string) (string, error) {
	if ambito == "" {
		return networkName, nil
	}
	var a incroci.Ambito
	if err := t.db.WithContext(ctx).Where("slug = ?", ambito).Take(&a).Error; err != nil {
		return "", fmt.Errorf("training: ambito %q: %w", ambito, err)
	}
	return a.Name, nil
}

// itDate writes a date the Italian way, 09/11/2026.
func itDate(s string) string {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return d.Format("02/01/2006")
}

var verifyPage = template.Must(template.New("verify").Funcs(template.FuncMap{"itdate": itDate}).Parse(`<!doctype html>
<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verifica attestato · Certificate check</title>
<style nonce="{{.Nonce}}">body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
.ok{color:#0a5c2b}.ko{color:#a00}dt{font-weight:600;margin-top:.6rem}dd{margin:0}</style></head>
<body><main>
{{with .V}}{{if .Valid}}<h1 class="ok">Attestato valido · Valid certificate</h1>{{else}}<h1 class="ko">Attestato revocato il {{itdate .RevokedOn}} · Certificate revoked</h1>{{end}}
<dl><dt>Partecipante · Participant</dt><dd>{{.Name}}</dd>
<dt>Corso · Course</dt><dd>{{.Course}}</dd>
<dt>Ore frequentate · Hours attended</dt><dd>{{printf "%.2f" .Hours}}</dd>
<dt>Date · Dates</dt><dd>{{itdate .FirstDay}} – {{itdate .LastDay}}</dd>
<dt>Rilasciato da · Issued by</dt><dd>{{.Issuer}}, {{itdate .IssuedOn}}</dd></dl>{{end}}
</main></body></html>`))

// RenderVerification writes the HTML page of a verification; nonce
// allows its inline style under the page's CSP.
func RenderVerification(v *Verification, nonce string) ([]byte, error) {
	var b bytes.Buffer
	if err := verifyPage.Execute(&b, map[string]any{"V": v, "Nonce": nonce}); err != nil {
		return nil, fmt.Errorf("training: verification page: %w", err)
	}
	return b.Bytes(), nil
}

var certificatePage = template.Must(template.New("certificate").Funcs(template.FuncMap{"itdate": itDate}).Parse(`<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Attestato di partecipazione</title>
<style>@page{size:A4 landscape;margin:18mm}body{font-family:serif;color:#1a1a1a;text-align:center}
h1{font-size:30pt;margin:8mm 0 4mm}.name{font-size:24pt;font-weight:bold;margin:6mm 0}.course{font-size:20pt;font-style:italic;margin:4mm 0}
p{font-size:13pt;margin:2mm 0}.verify{margin-top:10mm;font-size:10pt;display:flex;gap:6mm;align-items:center;justify-content:center;text-align:left}
.verify img{width:32mm;height:32mm}</style></head>
<body>
<p>{{.Issuer}}</p>
<h1>Attestato di partecipazione</h1>
<p>Si attesta che · This certifies that</p>
<div class="name">{{.C.Name}}</div>
<p>ha frequentato {{printf "%.2f" .C.Hours}} ore su {{printf "%.2f" .Total}} del corso · attended {{printf "%.2f" .C.Hours}} of {{printf "%.2f" .Total}} hours of the course</p>
<div class="course">{{.C.Course}}</div>
<p>dal {{.From}} al {{.To}}</p>
<p>Rilasciato il {{.Issued}}</p>
<div class="verify"><img src="{{.QR}}" alt=""><div>Verifica · Verify:<br>{{.URL}}<br>Codice · Code: {{.C.Code}}</div></div>
</body></html>`))

// PrintedCertificate is a certificate printed to PDF.
type PrintedCertificate struct {
	// Filename names the file for a download: attestato-<id>.pdf.
	Filename string
	PDF      []byte
}

// VerifyURL is the address of the verification page of the certificate
// with code under base, the module's public address.
func VerifyURL(base, code string) string {
	return base + "/certificates/verify/" + code + "/page"
}

// PrintCertificate prints the caller's certificate id to PDF with the
// Printer, its verification address under base (the module's public
// address) written and as a QR code. ErrNoPrinter without a Printer,
// ErrCertificateRevoked when revoked, ErrPrintFailed when printing fails.
func (t *Training) PrintCertificate(ctx context.Context, id int64, base string) (*PrintedCertificate, error) {
	pr, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var c Certificate
	if err := t.db.WithContext(ctx).Where("id = ? AND person_id = ?", id, pr.PersonID).Take(&c).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrCertificateNotFound
	} else if err != nil {
		return nil, fmt.Errorf("training: certificate %d: %w", id, err)
	}
	if c.RevokedAt != nil {
		return nil, ErrCertificateRevoked
	}
	if t.cfg.Printer == nil {
		return nil, ErrNoPrinter
	}
	c.fill()
	issuer, err := t.issuer(ctx, c.Ambito)
	if err != nil {
		return nil, err
	}
	u := VerifyURL(base, c.Code)
	png, err := qrcode.Encode(u, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("training: QR code: %w", err)
	}
	var b bytes.Buffer
	err = certificatePage.Execute(&b, map[string]any{"C": &c, "Issuer": issuer, "Total": hoursOf(c.TotalMinutes), "URL": u,
		"From": c.FirstDay.Format("02/01/2006"), "To": c.LastDay.Format("02/01/2006"), "Issued": c.IssuedAt.Format("02/01/2006"),
		"QR": template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
	if err != nil {
		return nil, fmt.Errorf("training: certificate page: %w", err)
	}
	doc, err := t.cfg.Printer.Print(ctx, b.Bytes())
	if err != nil {
		if ctx.Err() == nil {
			t.log.ErrorContext(ctx, "training: print certificate", "certificate", id, "err", err)
		}
		return nil, fmt.Errorf("%w: certificate %d: %w", ErrPrintFailed, id, err)
	}
	return &PrintedCertificate{Filename: fmt.Sprintf("attestato-%d.pdf", c.ID), PDF: doc}, nil
}
