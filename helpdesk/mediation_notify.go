package helpdesk

import (
	"context"
	"fmt"
	"slices"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"github.com/incrocicomuni/incroci/mail"
	"gorm.io/gorm"
)

// mailNewRequest tells who can confirm a new request that it is waiting:
// the coordinators of its ambito and the mediators who serve the ambito in
// its language. The e-mail carries the number, language, time, mode and
// service only: the note and the place are read in incroci.
func (h *Helpdesk) mailNewRequest(ctx context.Context, tx *gorm.DB, r *MediationRequest) error {
	var ids []int64
	if err := tx.WithContext(ctx).Model(&incroci.RoleGrant{}).Where("ambito = ? AND role = ?", r.Ambito, incroci.RoleCoordinator).
		Pluck("person_id", &ids).Error; err != nil {
		return fmt.Errorf("helpdesk: coordinators of %s: %w", r.Ambito, err)
	}
	profiles, err := h.servingMediators(ctx, tx, r.Ambito)
	if err != nil {
		return err
	}
	for _, p := range profiles {
		if slices.Contains(p.Languages, r.Language) {
			ids = append(ids, p.PersonID)
		}
	}
	ids = slices.DeleteFunc(slices.Compact(sortedIDs(ids)), func(id int64) bool { return id == r.OperatorID })
	if len(ids) == 0 {
		return nil
	}
	var people []incroci.Person
	if err := tx.WithContext(ctx).Where("id IN ?", ids).Order("id").Find(&people).Error; err != nil {
		return fmt.Errorf("helpdesk: people to tell of mediation %d: %w", r.ID, err)
	}
	it, en := mediationWhen(r)
	langIT, langEN := langNames(r.Language)
	mode := modeNames[r.Mode]
	subject := fmt.Sprintf("incroci: richiesta di mediazione n. %d da confermare / mediation request to confirm", r.ID)
	text := fmt.Sprintf("C'è una richiesta di mediazione linguistica da confermare: n. %d, lingua %s, %s (ora italiana), %s, servizio %s.\n"+
		"Confermala, o scegli il mediatore, nella console di incroci, sezione Mediazione.\n\n"+
		"A linguistic mediation request is waiting to be confirmed: no. %d, language %s, %s (Italian time), %s, service %s.\n"+
		"Confirm it, or choose the mediator, in the incroci console, Mediation section.\n",
		r.ID, langIT, it, mode[0], r.Service, r.ID, langEN, en, mode[1], r.Service)
	for _, p := range people {
		if err := h.p.QueueMail(ctx, tx, mail.Message{To: []mail.Address{{Email: p.Email, Name: p.Name}}, Subject: subject, Text: text,
			Headers: map[string]string{"Auto-Submitted": "auto-generated"}}); err != nil {
			return err
		}
	}
	return nil
}

// mediationWhen is the day and hours of r in Italian time, written the
// Italian and the English way.
func mediationWhen(r *MediationRequest) (it, en string) {
	start, end := r.Start.In(bookingZone), r.End.In(bookingZone)
	return fmt.Sprintf("%s, %s–%s", start.Format("02/01/2006"), start.Format("15:04"), end.Format("15:04")),
		fmt.Sprintf("%s, %s–%s", start.Format("2006-01-02"), start.Format("15:04"), end.Format("15:04"))
}

func sortedIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return ids
}

// ExpireMediation closes the requests that nobody confirmed before their
// start: they become cancelled, by nobody (cancelled_by stays empty), with
// nothing charged, and their operators are told. The hub runs it now and
// then (the demo hub every ten minutes). It returns how many expired.
func (h *Helpdesk) ExpireMediation(ctx context.Context) (int, error) {
	now := h.p.Now().UTC()
	var due []MediationRequest
	if err := h.db.WithContext(ctx).Where("status = ? AND starts_at <= ?", MediationRequested, now).Order("id").Limit(500).Find(&due).Error; err != nil {
		return 0, fmt.Errorf("helpdesk: requests to expire: %w", err)
	}
	n := 0
	for i := range due {
		r := &due[i]
		expired := false
		err := h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&MediationRequest{}).Where("id = ? AND status = ?", r.ID, MediationRequested).
				Updates(map[string]any{"status": MediationCancelled, "cancelled_at": now, "updated_at": now})
			if res.Error != nil {
				return fmt.Errorf("helpdesk: expire mediation %d: %w", r.ID, res.Error)
			}
			if res.RowsAffected == 0 {
				return nil // confirmed or cancelled meanwhile
			}
			expired = true
			r.Status, r.CancelledAt, r.UpdatedAt = MediationCancelled, &now, now
			if err := h.p.Audit(incroci.AsSystem(ctx), tx, incroci.AuditEntry{Ambito: r.Ambito, Action: "helpdesk.mediation.request.expire",
				ObjectType: "mediation_request", ObjectID: fmt.Sprint(r.ID)}, nil); err != nil {
				return err
			}
			var op incroci.Person
			if err := tx.Where("id = ?", r.OperatorID).Take(&op).Error; err != nil {
				return fmt.Errorf("helpdesk: operator of mediation %d: %w", r.ID, err)
			}
			it, en := mediationWhen(r)
			langIT, langEN := langNames(r.Language)
			return h.p.QueueMail(ctx, tx, mail.Message{To: []mail.Address{{Email: op.Email, Name: op.Name}},
				Subject: fmt.Sprintf("incroci: mediazione n. %d non confermata / mediation not confirmed", r.ID),
				Text: fmt.Sprintf("Nessuno ha confermato in tempo la richiesta di mediazione n. %d (lingua %s, %s): è scaduta e non è stata addebitata alcuna ora.\n\n"+
					"Nobody confirmed mediation request no. %d (language %s, %s) in time: it has expired and no hours were charged.\n", r.ID, langIT, it, r.ID, langEN, en),
				Headers: map[string]string{"Auto-Submitted": "auto-generated"}})
		})
		if err != nil {
			return n, err
		}
		if expired {
			n++
			h.publishMediation(ctx, r, "mediation.expired")
		}
	}
	if n > 0 {
		h.p.WakeMail()
	}
	return n, nil
}

// FollowMediation checks that the caller may follow the mediation requests
// of ambito live (GET /mediation/events): its coordinators and operators,
// and the mediators who hold the role there. The stream carries request ids
// only; each is then read through MediationRequestByID, which applies the
// finer rights.
func (h *Helpdesk) FollowMediation(ctx context.Context, ambito string) error {
	pr, err := caller(ctx)
	if err != nil {
		return err
	}
	if ambito == "" {
		return httpx.Invalid("ambito", "required", "helpdesk.mediation.ambito")
	}
	if !canSeePackages(pr, ambito) && !pr.Has(incroci.RoleMediator, ambito) {
		return incroci.ErrForbidden
	}
	return nil
}
