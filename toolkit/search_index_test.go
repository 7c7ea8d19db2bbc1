package toolkit

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/migrate"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// searchToolkit opens a toolkit on db, with its migrations run.
func searchToolkit(t *testing.T, db *gorm.DB) *Toolkit {
	t.Helper()
	ctx := context.Background()
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: bytes.Repeat([]byte("k"), 32), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(ctx) })
	tk, err := New(ctx, p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestSearchPages: more matches than PostgreSQL ranks on their whole text
// (rescoreWindow), read page by page: each comes once, on both databases,
// with the same total on every page and past the last one; on PostgreSQL
// the sheets with the word in their title come first, those with it more
// often in their text before the others; other ambiti's documents and
// documents without the word are not found.
func TestSearchPages(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		tk := searchToolkit(t, db)
		ctx := context.Background()
		var inTitle, often []int64
		matching := map[int64]bool{}
		err := db.Transaction(func(tx *gorm.DB) error {
			for i := int64(1); i <= 160; i++ {
				d := searchDoc{Kind: KindSheet, RefID: i, Lang: "it", Audience: "operators", Title: fmt.Sprintf("Scheda %d", i),
					Body: "Come si chiede la carta d'identità al comune, con la foto e il documento."}
				switch {
				case i <= 25:
					d.Title, d.Body = fmt.Sprintf("Permesso di soggiorno, caso %d", i), d.Body+" Il permesso si chiede in questura."
					inTitle = append(inTitle, i)
				case i > 85 && i <= 100:
					// Within the window, after others by id: ranked before
					// them only by their text.
					d.Body += " Il permesso di soggiorno: il permesso si chiede in questura e il permesso si ritira in questura."
					often = append(often, i)
				case i <= 140:
					d.Body += " Serve anche il permesso di soggiorno."
				case i <= 150:
					d.Ambito = "crema" // crema's own: not for lodi's operator
					d.Title = fmt.Sprintf("Permesso di soggiorno a Crema, %d", i)
				}
				if i <= 140 {
					matching[i] = true
				}
				if err := tk.insertDoc(ctx, tx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		lodi := incroci.WithPrincipal(ctx, &incroci.Principal{PersonID: 1, Grants: []incroci.Grant{{Ambito: "lodi", Role: incroci.RoleOperator}}})
		for _, perPage := range []int{20, 50} {
			var got []int64
			for page := 1; ; page++ {
				res, total, err := tk.Search(lodi, SearchQuery{Q: "permessi", Page: page, PerPage: perPage})
				if err != nil {
					t.Fatal(err)
				}
				if total != 140 {
					t.Fatalf("page %d of %d: total %d, want 140", page, perPage, total)
				}
				if len(res) == 0 {
					break
				}
				for _, r := range res {
					got = append(got, r.RefID)
				}
			}
			if len(got) != 140 {
				t.Fatalf("%d a page: %d results, want 140", perPage, len(got))
			}
			seen := map[int64]bool{}
			for _, id := range got {
				if !matching[id] || seen[id] {
					t.Fatalf("%d a page: %d found (again: %v) in %v", perPage, id, seen[id], got)
				}
				seen[id] = true
			}
			if db.Dialector.Name() == "postgres" {
				if first := slices.Sorted(slices.Values(got[:25])); !slices.Equal(first, inTitle) {
					t.Errorf("%d a page: the first 25 are %v, want those with the word in the title", perPage, got[:25])
				}
				if next := slices.Sorted(slices.Values(got[25:40])); !slices.Equal(next, often) {
					t.Errorf("%d a page: the next 15 are %v, want those with the word more often", perPage, got[25:40])
				}
			}
		}
	})
}

// TestSearchTrigrams: on PostgreSQL a title in a language with no stemmer
// (the simple configuration) is found with a word misspelt, by trigram
// similarity, and ranked by it; documents in other languages are not found
// that way.
func TestSearchTrigrams(t *testing.T) {
	db := testdb.Postgres(t)
	tk := searchToolkit(t, db)
	ctx := context.Background()
	err := db.Transaction(func(tx *gorm.DB) error {
		for i, d := range []searchDoc{
			{Lang: "ur", Title: "Questura", Body: "پولیس ہیڈ کوارٹر"},
			{Lang: "ur", Title: "Questure", Body: "پولیس ہیڈ کوارٹر"},
			{Lang: "ur", Title: "Prefettura", Body: "پولیس ہیڈ کوارٹر"},
			{Lang: "it", Title: "Questura", Body: "La questura rilascia il permesso di soggiorno."},
		} {
			d.Kind, d.RefID, d.Public = KindTerm, int64(i+1), true
			if err := tk.insertDoc(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res, total, err := tk.Search(ctx, SearchQuery{Q: "questra"})
	if err != nil {
		t.Fatal(err)
	}
	if total != 2 || len(res) != 2 || res[0].RefID != 1 || res[1].RefID != 2 {
		t.Errorf("questra: %d %+v, want the two Urdu entries Questura and Questure, the closer first", total, res)
	}
	if res, _, err := tk.Search(ctx, SearchQuery{Q: "questura", Lang: "ur"}); err != nil || len(res) != 2 {
		t.Errorf("questura in Urdu: %+v, %v", res, err)
	}
}

// TestSearchMigration: a database whose index was written before step 8
// (a tsvector only on PostgreSQL, an FTS5 table of stems only on SQLite)
// is searched as well after it: words, ranking by title, the comune of a
// service; and documents are added and taken out after it.
func TestSearchMigration(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		pg := db.Dialector.Name() == "postgres"
		if pg {
			if _, err := ensureTrgm(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		if err := migrate.Run(ctx, db, "toolkit", migrations[:6]); err != nil {
			t.Fatal(err)
		}
		// The index as step 6 left it, written as the code of then wrote it.
		for _, d := range []searchDoc{
			{Kind: KindSheet, RefID: 1, Lang: "it", Audience: "operators", Title: "Cittadinanza", Body: "Serve il permesso di soggiorno da dieci anni."},
			{Kind: KindSheet, RefID: 2, Lang: "it", Audience: "operators", Title: "Permesso di soggiorno", Body: "Il rinnovo del permesso di soggiorno."},
			{Kind: KindService, RefKey: "svc-lodi", Lang: "it", Public: true, Comune: "|lodi|", Title: "Sportello stranieri", Body: "Aiuto per i permessi di soggiorno. lodi"},
			{Kind: KindService, RefKey: "svc-sant", Lang: "it", Public: true, Comune: "|codogno|sant'angelo lodigiano|", Title: "Sportello", Body: "Permessi di soggiorno. codogno sant'angelo lodigiano"},
		} {
			d.Config, d.Stems = pgConfig(d.Lang), stems(d.Lang, d.Title+" "+d.Body)
			if err := db.Create(&d).Error; err != nil {
				t.Fatal(err)
			}
			if pg {
				err := db.Exec("UPDATE incroci_toolkit_search SET tsv = setweight(to_tsvector(?::regconfig, ?), 'A') || to_tsvector(?::regconfig, ?) WHERE id = ?",
					d.Config, d.Title, d.Config, d.Body, d.ID).Error
				if err != nil {
					t.Fatal(err)
				}
			} else if err := db.Exec("INSERT INTO incroci_toolkit_search_fts(rowid, stems) VALUES (?, ?)", d.ID, d.Stems).Error; err != nil {
				t.Fatal(err)
			}
		}
		tk := searchToolkit(t, db) // runs steps 7 (attachments) and 8
		admin := incroci.WithPrincipal(ctx, &incroci.Principal{PersonID: 1, Admin: true})
		find := func(q SearchQuery) []string {
			t.Helper()
			res, total, err := tk.Search(admin, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range res {
				out = append(out, fmt.Sprintf("%d%s", r.RefID, r.RefKey))
			}
			if int(total) != len(out) {
				t.Errorf("%+v: total %d, %d found", q, total, len(out))
			}
			return out
		}
		got := find(SearchQuery{Q: "permessi", Kind: KindSheet})
		if len(got) != 2 || (pg && got[0] != "2") {
			t.Errorf("permessi: %v, want both sheets (on PostgreSQL the one named so first)", got)
		}
		if got := find(SearchQuery{Q: "permessi", Comune: "Lodi"}); !slices.Equal(got, []string{"0svc-lodi"}) {
			t.Errorf("permessi in Lodi: %v", got)
		}
		if got := find(SearchQuery{Q: "permessi", Comune: "Sant'Angelo Lodigiano"}); !slices.Equal(got, []string{"0svc-sant"}) {
			t.Errorf("permessi in Sant'Angelo Lodigiano: %v", got)
		}
		if got := find(SearchQuery{Q: "permessi", Comune: "angelo"}); len(got) != 0 {
			t.Errorf("permessi in angelo: %v, want nothing (a comune is matched whole)", got)
		}
		// Written and taken out after the step.
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := tk.index(ctx, tx, searchDoc{Kind: KindSheet, RefID: 3, Lang: "it", Audience: "operators", Title: "Rinnovo del permesso", Body: "In questura."}); err != nil {
				return err
			}
			return tk.unindexKey(ctx, tx, KindService, "svc-lodi")
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := find(SearchQuery{Q: "permessi"}); len(got) != 4 || slices.Contains(got, "0svc-lodi") {
			t.Errorf("permessi after the changes: %v", got)
		}
		if got := find(SearchQuery{Q: "permessi", Comune: "lodi"}); len(got) != 0 {
			t.Errorf("permessi in Lodi after the service left: %v", got)
		}
	})
}

// TestSearchStopwords: on both databases, the Italian words too common to
// look for do not have to be in a document ("permesso di soggiorno" finds
// a text without "di"), and are not marked in the snippets.
func TestSearchStopwords(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		tk := searchToolkit(t, db)
		ctx := context.Background()
		err := db.Transaction(func(tx *gorm.DB) error {
			for i, d := range []searchDoc{
				{Title: "Rinnovo", Body: "Il soggiorno in Italia richiede il rinnovo del permesso."},
				{Title: "Conversione", Body: "Si converte il permesso di soggiorno per studio in uno per lavoro."},
				{Title: "Altro", Body: "Niente da dire."},
			} {
				d.Kind, d.RefID, d.Lang, d.Public = KindTerm, int64(i+1), "it", true
				if err := tk.insertDoc(ctx, tx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		res, total, err := tk.Search(ctx, SearchQuery{Q: "permesso di soggiorno"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(res) != 2 {
			t.Fatalf("permesso di soggiorno: %d %+v, want the two texts with both words", total, res)
		}
		for _, r := range res {
			if strings.Contains(r.Snippet, "<mark>di</mark>") || !strings.Contains(r.Snippet, "<mark>permesso") {
				t.Errorf("snippet %q", r.Snippet)
			}
		}
	})
}
