package toolkit

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/httpx"
	"gorm.io/gorm"
)

// One search runs across sheets, the glossary and (later) the directory
// of services. Each is indexed as a document of incroci_toolkit_search:
// its title and plain text, its language, who may read it, and what
// filters apply.
//
// PostgreSQL searches a tsvector made with the text search configuration
// of the document's language (italian stems Italian: "ricongiungimenti"
// finds "ricongiungimento", and "citta" finds "città"); languages with no
// stemmer use the simple configuration, helped by trigram similarity on the
// title (pg_trgm). SQLite searches an FTS5 table of the same text stemmed
// in Go (Snowball's Italian stemmer, accents folded), so both databases
// match the same words. Snippets are cut and highlighted in Go for both.

// ResultKind is what a search result is.
type ResultKind string

// The kinds of search results.
const (
	KindSheet ResultKind = "sheet"
	KindTerm  ResultKind = "term"
)

// searchDoc is one indexed document.
type searchDoc struct {
	ID    int64      `gorm:"primaryKey"`
	Kind  ResultKind `gorm:"size:16;not null"`
	RefID int64      `gorm:"not null"`
	// RefKey is the ref of what has a string id (a service's UUID), "" else.
	RefKey   string `gorm:"size:64;not null;default:''"`
	Lang     string `gorm:"size:8;not null"`
	Ambito   string `gorm:"size:64;not null;default:''"`
	Audience string `gorm:"size:16;not null;default:''"`
	Topics   string `gorm:"size:1000;not null;default:''"`
	Comune   string `gorm:"size:120;not null;default:''"`
	// Public documents are read by anyone: handouts for citizens and the
	// network's glossary.
	Public bool   `gorm:"not null"`
	Title  string `gorm:"size:300;not null"`
	Body   string `gorm:"type:text;not null"`
	// Config is the PostgreSQL text search configuration of Lang.
	Config string `gorm:"size:32;not null"`
	// Stems is the text stemmed in Go, for SQLite's FTS5.
	Stems string `gorm:"type:text;not null"`
}

func (searchDoc) TableName() string { return "incroci_toolkit_search" }

// pgConfigs are PostgreSQL's text search configurations by language;
// languages not listed use "simple".
var pgConfigs = map[string]string{"it": "italian", "en": "english", "fr": "french", "es": "spanish", "ru": "russian", "ar": "arabic", "ro": "romanian", "pt": "portuguese", "de": "german"}

func pgConfig(lang string) string {
	if c, ok := pgConfigs[lang]; ok {
		return c
	}
	return "simple"
}

var wordRe = regexp.MustCompile(`[\p{L}\p{N}]+`)

// words splits text into words, folded (lower case, no accents);
// apostrophes split too ("dell'immigrazione": "dell", "immigrazione").
func words(text string) []string {
	return wordRe.FindAllString(fold(text), -1)
}

// stem reduces a folded word to its stem in lang: Snowball's Italian
// stemmer for Italian, the word itself otherwise.
func stem(lang, w string) string {
	if lang != "it" || len(w) < 3 {
		return w
	}
	env := snowball.NewEnv(w)
	italian.Stem(env)
	return env.Current()
}

func stems(lang, text string) string {
	ws := words(text)
	for i, w := range ws {
		ws[i] = stem(lang, w)
	}
	return strings.Join(ws, " ")
}

var mdMarks = regexp.MustCompile("[*_#`>|~]+|^\\s*[-+]\\s+|\\[|\\]\\([^)]*\\)")

// plain turns Markdown into the text people read, roughly: marks out.
func plain(md string) string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(mdMarks.ReplaceAllString(l, " "))
	}
	return strings.Join(strings.Fields(strings.Join(lines, "\n")), " ")
}

// index writes doc into the search index, in tx, replacing every document
// of the same kind and ref.
func (t *Toolkit) index(ctx context.Context, tx *gorm.DB, d searchDoc) error {
	if err := t.unindex(ctx, tx, d.Kind, d.RefID); err != nil {
		return err
	}
	return t.insertDoc(ctx, tx, d)
}

// insertDoc adds one document to the index, in tx: its row, and its
// tsvector on PostgreSQL or its FTS5 row on SQLite.
func (t *Toolkit) insertDoc(ctx context.Context, tx *gorm.DB, d searchDoc) error {
	d.Config, d.Stems = pgConfig(d.Lang), stems(d.Lang, d.Title+" "+d.Body)
	if err := tx.WithContext(ctx).Create(&d).Error; err != nil {
		return fmt.Errorf("toolkit: index %s %d: %w", d.Kind, d.RefID, err)
	}
	var err error
	if tx.Dialector.Name() == "postgres" {
		err = tx.WithContext(ctx).Exec("UPDATE incroci_toolkit_search SET tsv = setweight(to_tsvector(?::regconfig, ?), 'A') || to_tsvector(?::regconfig, ?) WHERE id = ?",
			d.Config, d.Title, d.Config, d.Body, d.ID).Error
	} else {
		err = tx.WithContext(ctx).Exec("INSERT INTO incroci_toolkit_search_fts(rowid, stems) VALUES (?, ?)", d.ID, d.Stems).Error
	}
	if err != nil {
		return fmt.Errorf("toolkit: index %s %d: %w", d.Kind, d.RefID, err)
	}
	return nil
}

// unindexKey removes the documents of kind whose ref is the string key.
func (t *Toolkit) unindexKey(ctx context.Context, tx *gorm.DB, kind ResultKind, key string) error {
	db := tx.WithContext(ctx)
	if tx.Dialector.Name() != "postgres" {
		if err := db.Exec("DELETE FROM incroci_toolkit_search_fts WHERE rowid IN (SELECT id FROM incroci_toolkit_search WHERE kind = ? AND ref_key = ?)", kind, key).Error; err != nil {
			return fmt.Errorf("toolkit: unindex %s %s: %w", kind, key, err)
		}
	}
	if err := db.Where("kind = ? AND ref_key = ?", kind, key).Delete(&searchDoc{}).Error; err != nil {
		return fmt.Errorf("toolkit: unindex %s %s: %w", kind, key, err)
	}
	return nil
}

// unindex removes every document of kind and ref from the index, in tx.
func (t *Toolkit) unindex(ctx context.Context, tx *gorm.DB, kind ResultKind, ref int64) error {
	db := tx.WithContext(ctx)
	if tx.Dialector.Name() != "postgres" {
		if err := db.Exec("DELETE FROM incroci_toolkit_search_fts WHERE rowid IN (SELECT id FROM incroci_toolkit_search WHERE kind = ? AND ref_id = ?)", kind, ref).Error; err != nil {
			return fmt.Errorf("toolkit: unindex %s %d: %w", kind, ref, err)
		}
	}
	if err := db.Where("kind = ? AND ref_id = ?", kind, ref).Delete(&searchDoc{}).Error; err != nil {
		return fmt.Errorf("toolkit: unindex %s %d: %w", kind, ref, err)
	}
	return nil
}

// indexSheet puts the published revision of sheet s in the index (and
// takes it out when s is not published).
func (t *Toolkit) indexSheet(ctx context.Context, tx *gorm.DB, id int64) error {
	var s Sheet
	if err := tx.WithContext(ctx).Where("id = ?", id).Take(&s).Error; err != nil {
		return fmt.Errorf("toolkit: sheet %d: %w", id, err)
	}
	if s.State != StatePublished || s.PublishedID == nil {
		return t.unindex(ctx, tx, KindSheet, s.ID)
	}
	var r Revision
	if err := tx.WithContext(ctx).Where("id = ?", *s.PublishedID).Take(&r).Error; err != nil {
		return fmt.Errorf("toolkit: revision %d: %w", *s.PublishedID, err)
	}
	body := make([]string, 0, len(SectionKeys))
	for _, k := range SectionKeys {
		if v := r.Sections[k]; v != "" {
			body = append(body, plain(v))
		}
	}
	topics := ""
	for _, c := range s.Topics {
		topics += "|" + c + "|"
	}
	return t.index(ctx, tx, searchDoc{Kind: KindSheet, RefID: s.ID, Lang: "it", Ambito: s.Ambito, Audience: string(s.Audience), Topics: topics,
		Public: s.Audience == AudienceCitizens && s.Ambito == "", Title: r.Title, Body: strings.Join(body, " ")})
}

// indexTerm puts a glossary entry in the index, once per language of its
// definitions.
func (t *Toolkit) indexTerm(ctx context.Context, tx *gorm.DB, term *Term) error {
	if err := t.unindex(ctx, tx, KindTerm, term.ID); err != nil {
		return err
	}
	for lang, def := range term.Definitions {
		d := searchDoc{Kind: KindTerm, RefID: term.ID, Lang: lang, Ambito: term.Ambito, Public: term.Ambito == "",
			Title: term.Term, Body: strings.Join(append(slices.Clone(term.Variants), plain(def)), " ")}
		if err := t.insertDoc(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}

// SearchQuery is one search.
type SearchQuery struct {
	Q string
	// Kind: "sheet" or "term"; "" for all.
	Kind ResultKind
	// Topic, Audience and Lang filter; Ambito is one ambito's own, or
	// "network".
	Topic, Audience, Lang, Ambito, Comune string
	Page, PerPage                         int
}

// SearchResult is one match, best first.
type SearchResult struct {
	Kind  ResultKind `json:"kind"`
	RefID int64      `json:"ref_id"`
	// RefKey is a service's UUID (RefID is then 0).
	RefKey string `json:"ref_key,omitempty"`
	Lang   string `json:"lang"`
	Ambito string `json:"ambito"`
	Title  string `json:"title"`
	// Snippet is a piece of the text around the words found, HTML-escaped,
	// with the words found in <mark>.
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

// Search looks for q across what the caller may read, ranked, with
// snippets.
func (t *Toolkit) Search(ctx context.Context, q SearchQuery) ([]SearchResult, int64, error) {
	pr := incroci.PrincipalFrom(ctx)
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PerPage < 1 || q.PerPage > 50 {
		q.PerPage = 20
	}
	text := strings.TrimSpace(q.Q)
	if text == "" || len([]rune(text)) > 200 {
		return nil, 0, httpx.Invalid("q", "required", "toolkit.search_q")
	}
	if q.Kind != "" && q.Kind != KindSheet && q.Kind != KindTerm && q.Kind != KindService {
		return nil, 0, httpx.Invalid("kind", "oneof", "toolkit.state")
	}
	ws := words(text)
	if len(ws) == 0 {
		return []SearchResult{}, 0, nil
	}
	db := t.db.WithContext(ctx).Table("incroci_toolkit_search AS d")
	pg := t.db.Dialector.Name() == "postgres"
	tsq := ""
	if pg {
		// One query: the OR of the query parsed by every configuration the
		// index holds (only the chosen language's, when there is one), so
		// that the tsvector's GIN index answers it; trigram help on the
		// title when languages with no stemmer are there.
		configs, err := t.configs(ctx, q.Lang)
		if err != nil {
			return nil, 0, err
		}
		if len(configs) == 0 {
			return []SearchResult{}, 0, nil
		}
		parts := make([]string, len(configs))
		for i, c := range configs {
			parts[i] = "websearch_to_tsquery('" + c + "'::regconfig, @q)"
		}
		tsq = "(" + strings.Join(parts, " || ") + ")"
		cond := "d.tsv @@ " + tsq
		if slices.Contains(configs, "simple") {
			cond = "(" + cond + " OR (d.config = 'simple' AND d.title OPERATOR(" + quoteIdent(t.trgm) + ".%) @q))"
		}
		db = db.Where(cond, sql.Named("q", text))
	} else {
		var terms []string
		for _, w := range ws {
			// The word as typed (also as the start of a longer one), or its
			// Italian stem as a whole token, as PostgreSQL's italian
			// configuration matches it.
			alts := []string{`"` + w + `"*`}
			if s := stem("it", w); s != w {
				alts = append(alts, `"`+s+`"`)
			}
			terms = append(terms, "("+strings.Join(alts, " OR ")+")")
		}
		db = db.Joins("JOIN incroci_toolkit_search_fts ON incroci_toolkit_search_fts.rowid = d.id").Where("incroci_toolkit_search_fts MATCH ?", strings.Join(terms, " AND "))
	}
	// Who may read what.
	switch {
	case pr != nil && pr.Admin:
	case inNetwork(pr):
		db = db.Where("(d.ambito = '' OR d.ambito IN ?)", append(ambitiOf(pr), ""))
	default:
		db = db.Where("d.public = ?", true)
	}
	if q.Kind != "" {
		db = db.Where("d.kind = ?", q.Kind)
	}
	if q.Topic != "" {
		db = db.Where("d.topics LIKE ?", "%|"+q.Topic+"|%")
	}
	if q.Audience != "" {
		db = db.Where("d.audience = ?", q.Audience)
	}
	if q.Lang != "" {
		db = db.Where("d.lang = ?", q.Lang)
	}
	if q.Comune != "" {
		// Services keep their comuni as |lodi|codogno|, folded.
		db = db.Where("d.comune LIKE ?", "%|"+strings.ToLower(strings.TrimSpace(q.Comune))+"|%")
	}
	switch q.Ambito {
	case "":
	case "network":
		db = db.Where("d.ambito = ''")
	default:
		db = db.Where("d.ambito = ?", q.Ambito)
	}
	type row struct {
		Kind   ResultKind
		RefID  int64
		RefKey string
		Lang   string
		Ambito string
		Title  string
		Body   string
		Score  float64
		Total  int64
	}
	var rows []row
	const cols = "d.kind, d.ref_id, d.ref_key, d.lang, d.ambito, d.title, d.body"
	var total int64
	if !pg || q.Page > 1 {
		// FTS5's bm25 cannot sit beside a window function, and past the
		// first page the page may be empty: count apart.
		if err := db.Session(&gorm.Session{}).Count(&total).Error; err != nil {
			return nil, 0, fmt.Errorf("toolkit: count search: %w", err)
		}
	}
	if pg {
		// On the first page the total comes with it (a window count): one
		// pass, not two.
		db = db.Select(cols+", COUNT(*) OVER () AS total, ts_rank(d.tsv, "+tsq+") AS score", sql.Named("q", text))
	} else {
		db = db.Select(cols + ", -bm25(incroci_toolkit_search_fts, 1.0) AS score")
	}
	if err := db.Order("score DESC, d.id").Offset((q.Page - 1) * q.PerPage).Limit(q.PerPage).Scan(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("toolkit: search: %w", err)
	}
	if pg && q.Page == 1 && len(rows) > 0 {
		total = rows[0].Total
	}
	out := make([]SearchResult, len(rows))
	for i, r := range rows {
		out[i] = SearchResult{Kind: r.Kind, RefID: r.RefID, RefKey: r.RefKey, Lang: r.Lang, Ambito: r.Ambito, Title: r.Title, Score: r.Score,
			Snippet: snippet(r.Body, r.Lang, ws, 24)}
	}
	return out, total, nil
}

// snippet cuts about n words of text around the first word matching one
// of query (by stem in lang, or as a prefix), HTML-escaped, with the
// matching words in <mark>.
func snippet(text, lang string, query []string, n int) string {
	want := map[string]bool{}
	for _, w := range query {
		want[stem(lang, w)] = true
	}
	match := func(word string) bool {
		ws := words(word)
		if len(ws) == 0 {
			return false
		}
		w := ws[len(ws)-1]
		if want[stem(lang, w)] {
			return true
		}
		for _, q := range query {
			if len(q) >= 3 && strings.HasPrefix(w, q) {
				return true
			}
		}
		return false
	}
	fields := strings.FieldsFunc(text, unicode.IsSpace)
	first := slices.IndexFunc(fields, match)
	start := 0
	if first > n/3 {
		start = first - n/3
	}
	end := min(len(fields), start+n)
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(' ')
		}
		if match(fields[i]) {
			b.WriteString("<mark>" + html.EscapeString(fields[i]) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(fields[i]))
		}
	}
	if end < len(fields) {
		b.WriteString(" …")
	}
	return b.String()
}

// configs returns the text search configurations the index holds (of lang
// only, when given), for PostgreSQL's queries.
func (t *Toolkit) configs(ctx context.Context, lang string) ([]string, error) {
	if lang != "" {
		return []string{pgConfig(lang)}, nil
	}
	var out []string
	if err := t.db.WithContext(ctx).Raw("SELECT DISTINCT config FROM incroci_toolkit_search ORDER BY config").Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("toolkit: search configurations: %w", err)
	}
	return out, nil
}
