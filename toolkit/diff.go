package toolkit

import (
	"context"
	"errors"
	"fmt"

	"github.com/incrocicomuni/incroci"
	"github.com/sergi/go-diff/diffmatchpatch"
	"gorm.io/gorm"
)

// DiffOp is one piece of a difference: Op "=" for text kept, "-" removed,
// "+" added.
type DiffOp struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// SectionDiff is the difference of one section between two revisions.
type SectionDiff struct {
	Section string   `json:"section"`
	Changed bool     `json:"changed"`
	Ops     []DiffOp `json:"ops"`
}

// Diff compares two revisions of a sheet: the title and every section, line
// by line.
type Diff struct {
	From     Revision      `json:"from"`
	To       Revision      `json:"to"`
	Title    []DiffOp      `json:"title"`
	Sections []SectionDiff `json:"sections"`
}

// diffText compares a and b line by line (so that a changed paragraph
// reads as one removal and one addition), tidied for people.
func diffText(a, b string) []DiffOp {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	ds := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	ds = dmp.DiffCleanupSemantic(ds)
	out := make([]DiffOp, 0, len(ds))
	for _, d := range ds {
		op := "="
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = "-"
		case diffmatchpatch.DiffInsert:
			op = "+"
		}
		out = append(out, DiffOp{Op: op, Text: d.Text})
	}
	return out
}

func changed(ops []DiffOp) bool {
	for _, o := range ops {
		if o.Op != "=" {
			return true
		}
	}
	return false
}

// Diff compares revisions from and to of sheet id, both of which the
// caller must be able to see (editors all; others the published ones and
// their own).
func (t *Toolkit) Diff(ctx context.Context, id, from, to int64) (*Diff, error) {
	pr := incroci.PrincipalFrom(ctx)
	var out Diff
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s, _, err := t.visible(ctx, tx, pr, id, false)
		if err != nil {
			return err
		}
		editor := isEditor(pr, s.Ambito)
		for _, x := range []struct {
			id  int64
			dst *Revision
		}{{from, &out.From}, {to, &out.To}} {
			err := tx.Where("id = ? AND sheet_id = ?", x.id, s.ID).Take(x.dst).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrRevisionNotFound
			}
			if err != nil {
				return fmt.Errorf("toolkit: revision %d: %w", x.id, err)
			}
			own := pr != nil && x.dst.AuthorID == pr.PersonID
			if !editor && !own && !everPublished(x.dst) {
				return ErrRevisionNotFound
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Title = diffText(out.From.Title, out.To.Title)
	for _, k := range SectionKeys {
		ops := diffText(out.From.Sections[k], out.To.Sections[k])
		if len(ops) == 0 {
			continue
		}
		out.Sections = append(out.Sections, SectionDiff{Section: k, Changed: changed(ops), Ops: ops})
	}
	if out.Sections == nil {
		out.Sections = []SectionDiff{}
	}
	return &out, nil
}
