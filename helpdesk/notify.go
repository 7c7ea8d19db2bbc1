package helpdesk

import (
	"context"
	"fmt"
	"net/url"

	"github.com/incrocicomuni/incroci/mail"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"gorm.io/gorm"
)

// caseRef names a consultation in e-mails without its case text: its
// number, its desk and the label of its topic.
type caseRef struct {
	ID      int64
	Desk    string
	TopicIT string
	TopicEN string
}

// IT is the reference in Italian: «n. 12 (Permesso di soggiorno, sportello Sportello giuridico)».
func (r caseRef) IT() string { return fmt.Sprintf("n. %d (%s, sportello %s)", r.ID, r.TopicIT, r.Desk) }

// EN is the reference in English.
func (r caseRef) EN() string { return fmt.Sprintf("no. %d (%s, %s desk)", r.ID, r.TopicEN, r.Desk) }

// caseRefSQL reads a consultation's desk name and topic labels in one round
// trip.
const caseRefSQL = `SELECT d.name AS desk, t.label_it AS topic_it, t.label_en AS topic_en
FROM incroci_helpdesk_topics t JOIN incroci_helpdesk_desks d ON d.id = t.desk_id WHERE t.id = ?`

// refOf returns the e-mail reference of c.
func (h *Helpdesk) refOf(ctx context.Context, tx *gorm.DB, c *Consultation) (caseRef, error) {
	var rows []caseRef
	if err := tx.WithContext(ctx).Raw(caseRefSQL, c.TopicID).Scan(&rows).Error; err != nil {
		return caseRef{}, fmt.Errorf("helpdesk: desk and topic of %d: %w", c.ID, err)
	}
	if len(rows) == 0 {
		return caseRef{}, fmt.Errorf("helpdesk: desk and topic of %d: %w", c.ID, gorm.ErrRecordNotFound)
	}
	r := rows[0]
	r.ID = c.ID
	return r, nil
}

// consultationParams are the query parameters that make the widget open
// consultation id.
func consultationParams(id int64) url.Values {
	return url.Values{"incroci_consultation": {fmt.Sprint(id)}}
}

// operatorLink returns a one-time link that signs the operator with email
// in and opens c (on Config.LinkPage, or the platform's page), or "" when
// the hub has no public address.
func (h *Helpdesk) operatorLink(ctx context.Context, tx *gorm.DB, email string, c *Consultation) (string, error) {
	link, err := h.p.SignInLink(ctx, tx, email, c.Ambito, h.cfg.LinkPage, consultationParams(c.ID))
	if err != nil {
		return "", fmt.Errorf("helpdesk: link to %d: %w", c.ID, err)
	}
	return link, nil
}

// consultantLink returns a link that opens c on Config.LinkPage, where a
// consultant signs in as usual, or "" when LinkPage is not set.
func (h *Helpdesk) consultantLink(c *Consultation) string {
	if h.cfg.LinkPage == "" {
		return ""
	}
	u, err := url.Parse(h.cfg.LinkPage)
	if err != nil {
		return ""
	}
	q := u.Query()
	for k, vs := range consultationParams(c.ID) {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// openLine tells, in Italian and English, how to open the consultation:
// with link when there is one, else from incroci; purpose says why (e.g.
// "leggerlo" / "read it").
func openLine(link, purposeIT, purposeEN string) (it, en string) {
	if link == "" {
		return fmt.Sprintf("Aprila da incroci per %s.", purposeIT), fmt.Sprintf("Open it in incroci to %s.", purposeEN)
	}
	return fmt.Sprintf("Per %s apri:\n%s", purposeIT, link), fmt.Sprintf("To %s, open:\n%s", purposeEN, link)
}

// langNames returns the Italian and English names of a language code
// ("ti": "tigrino", "Tigrinya"), or the code itself when it has no name.
func langNames(code string) (it, en string) {
	base, err := language.ParseBase(code)
	if err != nil {
		return code, code
	}
	it, en = display.Italian.Languages().Name(base), display.English.Languages().Name(base)
	if it == "" {
		it = code
	}
	if en == "" {
		en = code
	}
	return it, en
}

// deskWatchers returns who hears about a desk's unassigned consultations:
// its active managers or, when it has none, all its active consultants.
func (h *Helpdesk) deskWatchers(ctx context.Context, tx *gorm.DB, deskID int64) ([]int64, error) {
	var members []DeskConsultant
	if err := tx.WithContext(ctx).Where("desk_id = ? AND active = ?", deskID, true).Order("id").Find(&members).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: consultants of desk %d: %w", deskID, err)
	}
	var managers, all []int64
	for _, m := range members {
		all = append(all, m.PersonID)
		if m.Manager {
			managers = append(managers, m.PersonID)
		}
	}
	if len(managers) > 0 {
		return managers, nil
	}
	return all, nil
}

// notifyUnassigned e-mails the watchers of c's desk (see deskWatchers)
// about an unassigned consultation, skipping those who follow it live.
func (h *Helpdesk) notifyUnassigned(ctx context.Context, tx *gorm.DB, c *Consultation, subject, text string) error {
	ids, err := h.deskWatchers(ctx, tx, c.DeskID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		r, err := h.reach(ctx, tx, id, c.ID)
		if err != nil {
			return err
		}
		if r.Online {
			continue
		}
		if err := h.mailTo(ctx, tx, mail.Address{Email: r.Email, Name: r.Name}, subject, text); err != nil {
			return err
		}
	}
	return nil
}
