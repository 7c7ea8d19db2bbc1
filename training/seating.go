package training

import (
	"context"
	"fmt"
	"slices"

	"github.com/incrocicomuni/incroci"
	"gorm.io/gorm"
)

// seating is the seats of one edition while its row is locked: the quotas,
// the free seats (capacity minus reserved seats, node 0) and who holds
// which.
type seating struct {
	quotas  []Quota
	free    int // seats not reserved by any quota
	held    map[int64]int
	holders map[int64][]*Enrolment // by quota id, 0 for free seats
	moved   map[int64]*Enrolment   // holders given another seat, to save
}

// loadSeating reads the seats of e (whose row the caller has locked).
func loadSeating(ctx context.Context, tx *gorm.DB, e *Edition) (*seating, error) {
	s := &seating{held: map[int64]int{}, holders: map[int64][]*Enrolment{}, moved: map[int64]*Enrolment{}}
	if err := tx.WithContext(ctx).Where("edition_id = ?", e.ID).Order("id").Find(&s.quotas).Error; err != nil {
		return nil, fmt.Errorf("training: quotas of edition %d: %w", e.ID, err)
	}
	var hs []*Enrolment
	if err := tx.WithContext(ctx).Where("edition_id = ? AND status IN ?", e.ID, holding).Order("queued, id").Find(&hs).Error; err != nil {
		return nil, fmt.Errorf("training: seats of edition %d: %w", e.ID, err)
	}
	s.free = e.Capacity
	for _, q := range s.quotas {
		s.free -= q.Seats
	}
	for _, h := range hs {
		s.add(h)
	}
	return s, nil
}

func seatOf(en *Enrolment) int64 {
	if en.QuotaID == nil {
		return 0
	}
	return *en.QuotaID
}

func (s *seating) add(en *Enrolment) {
	k := seatOf(en)
	s.held[k]++
	s.holders[k] = append(s.holders[k], en)
}

// room reports the seats left at node k (a quota id, or 0 for free seats).
func (s *seating) room(k int64) int {
	if k == 0 {
		return s.free - s.held[0]
	}
	for _, q := range s.quotas {
		if q.ID == k {
			return q.Seats - s.held[k]
		}
	}
	return 0
}

// nodes returns where a person of ambito with roles may sit: the quotas
// they match, in order, then the free seats.
func (s *seating) nodes(ambito string, roles []incroci.Role) []int64 {
	var out []int64
	for i := range s.quotas {
		if s.quotas[i].matches(ambito, roles) {
			out = append(out, s.quotas[i].ID)
		}
	}
	return append(out, 0)
}

// place finds a seat for a person of ambito with roles and counts it as
// held: a quota they match with room, else a free seat, else a seat made
// by moving holders to other seats they also match (an augmenting path, so
// that a seat is found whenever some arrangement of everyone has one). It
// reports the seat's node; the caller sets the enrolment's QuotaID and
// calls add. Moved holders are kept in s.moved.
func (s *seating) place(ambito string, roles []incroci.Role) (int64, bool) {
	return s.augment(s.nodes(ambito, roles), map[int64]bool{})
}

func (s *seating) augment(nodes []int64, visited map[int64]bool) (int64, bool) {
	for _, k := range nodes {
		if s.room(k) > 0 {
			return k, true
		}
	}
	for _, k := range nodes {
		if visited[k] {
			continue
		}
		visited[k] = true
		for i, h := range s.holders[k] {
			to, ok := s.augment(slices.DeleteFunc(s.nodes(h.Ambito, h.Roles), func(n int64) bool { return n == k }), visited)
			if !ok {
				continue
			}
			// h moves from k to to, which leaves a seat at k.
			s.holders[k] = slices.Delete(s.holders[k], i, i+1)
			s.held[k]--
			if to == 0 {
				h.QuotaID = nil
			} else {
				id := to
				h.QuotaID = &id
			}
			s.add(h)
			s.moved[h.ID] = h
			return k, true
		}
	}
	return 0, false
}

// take gives en the seat at node k.
func (s *seating) take(en *Enrolment, k int64) {
	if k == 0 {
		en.QuotaID = nil
	} else {
		id := k
		en.QuotaID = &id
	}
	s.add(en)
}

// saveMoves writes the seats of the holders place moved.
func (s *seating) saveMoves(ctx context.Context, tx *gorm.DB) error {
	for _, h := range s.moved {
		if err := tx.WithContext(ctx).Model(&Enrolment{}).Where("id = ?", h.ID).Update("quota_id", h.QuotaID).Error; err != nil {
			return fmt.Errorf("training: move enrolment %d: %w", h.ID, err)
		}
	}
	clear(s.moved)
	return nil
}
