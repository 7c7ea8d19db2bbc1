package toolkit

// BenchmarkSearch (issue 4, "Measured"): 50,000 documents in the search
// index — Italian sheets, services of the directory, English and French
// glossary definitions, each about one subject among common words — and
// searches for subjects' words over them through
// Toolkit.Search, on SQLite and on PostgreSQL, reporting p50 and p95. Run:
//
//	INCROCI_TEST_POSTGRES=postgres://… go test -run '^$' -bench Search -benchtime 450x ./toolkit/

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// benchDocs is how many documents the benchmark indexes.
const benchDocs = 50000

func benchSize(b testing.TB) int {
	if _, ok := b.(*testing.T); ok {
		return 2000
	}
	return benchDocs
}

// benchTopics are the words of a few subjects, per language: a document
// is about one subject, so a search for a subject's words matches a
// fraction of the documents, as it does on a real network's sheets.
var benchTopics = map[string][][]string{
	"it": {
		strings.Fields("permesso soggiorno rinnovo questura kit postale marca bollo scadenza"),
		strings.Fields("ricongiungimento familiare nulla osta coniuge figli reddito alloggio idoneità"),
		strings.Fields("cittadinanza residenza decennale giuramento comune prefettura lingua certificato"),
		strings.Fields("protezione internazionale asilo commissione ricorso tribunale accoglienza"),
		strings.Fields("lavoro contratto datore flussi stagionale assunzione sportello unico"),
		strings.Fields("salute medico famiglia iscrizione servizio sanitario tessera asst"),
		strings.Fields("scuola iscrizione minori titoli studio riconoscimento cpia corsi"),
		strings.Fields("casa affitto housing sociale contratto locazione residenza anagrafe"),
	},
	"en": {
		strings.Fields("residence permit renewal police headquarters postal kit stamp deadline"),
		strings.Fields("family reunification clearance spouse children income housing"),
		strings.Fields("citizenship residence oath municipality prefecture language certificate"),
		strings.Fields("international protection asylum commission appeal court reception"),
	},
	"fr": {
		strings.Fields("titre séjour renouvellement préfecture timbre délai"),
		strings.Fields("regroupement familial conjoint enfants revenu logement"),
		strings.Fields("nationalité résidence serment mairie langue certificat"),
		strings.Fields("protection internationale asile commission recours tribunal accueil"),
	},
}

// benchComuni are the comuni of the directory's services.
var benchComuni = strings.Fields("lodi codogno casalpusterlengo sant'angelo crema cremona pavia")

// benchText writes n words about subject: a few of its words among common
// ones (made-up, so that each is its own token), the commonest most often.
func benchText(r *rand.Rand, lang string, subject, n int) string {
	topic := benchTopics[lang][subject]
	out := make([]string, n)
	for i := range out {
		if r.IntN(5) == 0 {
			out[i] = topic[r.IntN(len(topic))]
		} else {
			out[i] = fmt.Sprintf("voce%03d", r.IntN(r.IntN(800)+1))
		}
	}
	return strings.Join(out, " ")
}

// benchToolkit opens a toolkit on db and fills its index with benchDocs
// documents: 40 % Italian sheets, 20 % services of the directory (in
// comuni), 20 % English and 20 % French glossary definitions, a tenth of
// them an ambito's own.
func benchToolkit(b *testing.B, db *gorm.DB) *Toolkit { return benchToolkitT(b, db) }

func benchToolkitT(b testing.TB, db *gorm.DB) *Toolkit {
	b.Helper()
	ctx := context.Background()
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: bytes.Repeat([]byte("k"), 32), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close(ctx) })
	tk, err := New(ctx, p, Config{})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	for chunk := 0; chunk < benchSize(b); chunk += 1000 {
		err := db.Transaction(func(tx *gorm.DB) error {
			for i := chunk; i < chunk+1000; i++ {
				lang, kind := "it", KindSheet
				switch i % 5 {
				case 2:
					kind = KindService
				case 3:
					lang, kind = "en", KindTerm
				case 4:
					lang, kind = "fr", KindTerm
				}
				ambito := ""
				if i%10 == 0 {
					ambito = "lodi"
				}
				subject := r.IntN(len(benchTopics[lang]))
				d := searchDoc{Kind: kind, RefID: int64(i + 1), Lang: lang, Ambito: ambito, Audience: "operators", Public: kind == KindTerm && ambito == "",
					Topics: "|permesso-soggiorno|", Title: benchText(r, lang, subject, 6), Body: benchText(r, lang, subject, 150)}
				if kind == KindService {
					// A service of the directory: shorter, public, in a comune.
					d.RefID, d.RefKey, d.Public, d.Audience, d.Topics = 0, fmt.Sprintf("svc-%06d", i), true, "", ""
					d.Comune, d.Body = "|"+benchComuni[i%len(benchComuni)]+"|", benchText(r, lang, subject, 40)
				}
				if err := tk.insertDoc(ctx, tx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, ok := b.(*testing.B); !ok { // BenchmarkSearch says it with its figures
		b.Logf("%s: %d documents indexed in %s", db.Dialector.Name(), benchSize(b), time.Since(start).Round(time.Millisecond))
	}
	if db.Dialector.Name() == "postgres" {
		if err := db.Exec("ANALYZE incroci_toolkit_search").Error; err != nil {
			b.Fatal(err)
		}
	}
	return tk
}

func BenchmarkSearch(b *testing.B) {
	queries := []SearchQuery{
		{Q: "ricongiungimenti"}, {Q: "permessi di soggiorno"}, {Q: "cittadinanza giuramento"}, {Q: "rinnovo permesso", Topic: "permesso-soggiorno"},
		{Q: "residence permit", Lang: "en"}, {Q: "titre de séjour"}, {Q: "questura", Ambito: "lodi"}, {Q: "ricorso tribunale"}, {Q: "permesso", Kind: KindService, Comune: "Lodi"},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			var db *gorm.DB
			if name == "sqlite" {
				db = testdb.SQLite(b)
			} else {
				db = testdb.Postgres(b)
			}
			// b.Loop runs this function once: the index is loaded once.
			start := time.Now()
			tk := benchToolkit(b, db)
			loaded := time.Since(start)
			// An operator of lodi: reads the network's and lodi's documents.
			ctx := incroci.WithPrincipal(context.Background(), &incroci.Principal{PersonID: 1, Grants: []incroci.Grant{{Ambito: "lodi", Role: incroci.RoleOperator}}})
			lat := make([]time.Duration, 0, 512)
			byQuery := make([][]time.Duration, len(queries))
			found := 0
			for i := 0; b.Loop(); i++ {
				q := queries[i%len(queries)]
				t0 := time.Now()
				res, total, err := tk.Search(ctx, q)
				d := time.Since(t0)
				lat, byQuery[i%len(queries)] = append(lat, d), append(byQuery[i%len(queries)], d)
				if err != nil {
					b.Fatal(err)
				}
				if total > 0 && len(res) == 0 {
					b.Fatalf("%q: total %d but no page", q.Q, total)
				}
				if total > 0 {
					found++
				}
			}
			if found == 0 {
				b.Fatal("no search found anything")
			}
			pct := func(lat []time.Duration, p float64) float64 {
				slices.Sort(lat)
				return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(lat, 0.50), "p50-ms")
			b.ReportMetric(pct(lat, 0.95), "p95-ms")
			b.ReportMetric(loaded.Seconds(), "load-s")
			b.ReportMetric(0, "ns/op")
			// One line a query, nine: go test cuts a benchmark's log at ten.
			for i, q := range queries {
				if len(byQuery[i]) > 0 {
					b.Logf("  %-24q %s: p50 %.2f ms, p95 %.2f ms", q.Q, filters(q), pct(byQuery[i], 0.50), pct(byQuery[i], 0.95))
				}
			}
		})
	}
}

// filters names a query's filters, for the benchmark's log.
func filters(q SearchQuery) string {
	var out []string
	for _, f := range [][2]string{{"kind", string(q.Kind)}, {"topic", q.Topic}, {"lang", q.Lang}, {"ambito", q.Ambito}, {"comune", q.Comune}} {
		if f[1] != "" {
			out = append(out, f[0]+"="+f[1])
		}
	}
	return strings.Join(out, "&")
}
