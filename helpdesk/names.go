package helpdesk

import (
	"context"
	"fmt"
	"slices"

	"github.com/incrocicomuni/incroci"
	"gorm.io/gorm"
)

// names returns the names of the people with the given ids, for showing who
// wrote, who is assigned and who was booked. Operators, consultants and
// mediators are colleagues of the network who see each other's names in
// the cases they share; beneficiaries are never people of the platform and
// have no name anywhere. Ids of 0 and repeated ids are fine; a person
// without a name is missing from the map.
func (h *Helpdesk) names(ctx context.Context, tx *gorm.DB, ids ...int64) (map[int64]string, error) {
	want := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id != 0 && !slices.Contains(want, id) {
			want = append(want, id)
		}
	}
	out := make(map[int64]string, len(want))
	if len(want) == 0 {
		return out, nil
	}
	var rows []incroci.Person
	if err := tx.WithContext(ctx).Select("id", "name").Where("id IN ?", want).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("helpdesk: names: %w", err)
	}
	for _, p := range rows {
		if p.Name != "" {
			out[p.ID] = p.Name
		}
	}
	return out, nil
}

// nameMessages fills the authors' names of msgs.
func (h *Helpdesk) nameMessages(ctx context.Context, tx *gorm.DB, msgs []Message) error {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.AuthorID
	}
	names, err := h.names(ctx, tx, ids...)
	if err != nil {
		return err
	}
	for i := range msgs {
		msgs[i].AuthorName = names[msgs[i].AuthorID]
	}
	return nil
}

// nameRequests fills the names of the operators and mediators of rs, and
// when cancelling a confirmed one starts to be charged.
func (h *Helpdesk) nameRequests(ctx context.Context, tx *gorm.DB, rs []*MediationRequest) error {
	ids := make([]int64, 0, 2*len(rs))
	for _, r := range rs {
		ids = append(append(ids, r.OperatorID), ptrs(r.MediatorID)...)
	}
	names, err := h.names(ctx, tx, ids...)
	if err != nil {
		return err
	}
	for _, r := range rs {
		r.OperatorName, r.MediatorName = names[r.OperatorID], nameOf(names, r.MediatorID)
		if r.Status == MediationConfirmed {
			from := h.chargeFrom(r.Start)
			r.ChargeFrom = &from
		}
	}
	return nil
}

// nameOf returns the name of *id in names, "" when id is nil.
func nameOf(names map[int64]string, id *int64) string {
	if id == nil {
		return ""
	}
	return names[*id]
}

// ptrs returns the values of the non-nil pointers.
func ptrs(ps ...*int64) []int64 {
	out := make([]int64, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// auditList records that the caller was shown a list: one entry per ambito
// of the rows, naming their ids, so that an ambito's audit log says who saw
// which of its consultations (or requests) even when only listed.
func (h *Helpdesk) auditList(ctx context.Context, action, objectType string, ambitoOf func(i int) (string, int64), n int) error {
	if n == 0 {
		return nil
	}
	ids := map[string][]int64{}
	order := []string{}
	for i := 0; i < n; i++ {
		a, id := ambitoOf(i)
		if _, ok := ids[a]; !ok {
			order = append(order, a)
		}
		ids[a] = append(ids[a], id)
	}
	return h.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, a := range order {
			if err := h.p.Audit(ctx, tx, incroci.AuditEntry{Ambito: a, Action: action, ObjectType: objectType, ObjectID: ""}, map[string]any{"ids": ids[a]}); err != nil {
				return err
			}
		}
		return nil
	})
}
