package toolkit

import (
	"context"
	"encoding/hex"
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

// One search runs across sheets, the glossary and the directory of
// services. Each is indexed as a document of incroci_toolkit_search: its
// title and plain text, its language, who may read it, and what filters
// apply.
//
// PostgreSQL searches a tsvector made with the text search configuration
// of the document's language (italian stems Italian: "ricongiungimenti"
// finds "ricongiungimento", and "citta" finds "città"); languages with no
// stemmer use the simple configuration, helped by trigram similarity on the
// title (pg_trgm). SQLite searches an FTS5 table of the same text stemmed
// in Go (Snowball's Italian stemmer, accents folded), so both databases
// match the same words. Snippets are cut and highlighted in Go for both,
// only for the page answered.
//
// Ranking is in two steps on PostgreSQL, as search engines rescore: every
// match is ranked on its title's tsvector (tsv_head, a few words, read in
// the row), and only the best rescoreWindow of them are ranked again with
// ts_rank on the whole text, whose tsvector is long and stored compressed.
// A word in the title weighs ten times one in the text (ts_rank's weights
// A and D), so the best matches by title are the ones worth ranking on the
// whole text. The total comes from the same pass. SQLite ranks every match
// with FTS5's bm25, after a join that FTS5 drives.

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
	// Stems is the text stemmed in Go, for SQLite's FTS5 ("" on
	// PostgreSQL, which keeps its tsvectors tsv and tsv_head instead).
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

// stopwords are Italian words too common to look for, folded: articles,
// prepositions, conjunctions. PostgreSQL's italian configuration leaves
// them out of its queries (and more words); SQLite's search leaves these
// out too, so that "permessi di soggiorno" does not need a word beginning
// with "di", and the snippets do not mark them.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`il lo la i gli le l un uno una
		di a da in con su per tra fra
		del dello della dei degli delle dell al allo alla ai agli alle all dal dallo dalla dai dagli dalle dall
		nel nello nella nei negli nelle nell sul sullo sulla sui sugli sulle sull col coi
		e ed o od ma che se non si ne ci`) {
		m[w] = true
	}
	return m
}()

// searchWords are the folded words of a query worth looking for: its
// words but the stop words, unless it has nothing else.
func searchWords(ws []string) []string {
	out := slices.DeleteFunc(slices.Clone(ws), func(w string) bool { return stopwords[w] })
	if len(out) == 0 {
		return ws
	}
	return out
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

// insertDoc adds one document to the index, in tx: on PostgreSQL its row
// with its tsvectors, in one write; on SQLite its row and its FTS5 row.
func (t *Toolkit) insertDoc(ctx context.Context, tx *gorm.DB, d searchDoc) error {
	d.Config = pgConfig(d.Lang)
	db := tx.WithContext(ctx)
	var err error
	if tx.Dialector.Name() == "postgres" {
		// The stems are SQLite's: PostgreSQL makes its own tsvectors.
		err = db.Exec(`INSERT INTO incroci_toolkit_search (kind, ref_id, ref_key, lang, ambito, audience, topics, comune, public, title, body, config, stems, tsv, tsv_head)
VALUES (@kind, @ref_id, @ref_key, @lang, @ambito, @audience, @topics, @comune, @public, @title, @body, @config, '',
	setweight(to_tsvector(CAST(@config AS regconfig), @title), 'A') || to_tsvector(CAST(@config AS regconfig), @body), setweight(to_tsvector(CAST(@config AS regconfig), @title), 'A'))`,
			map[string]any{"kind": d.Kind, "ref_id": d.RefID, "ref_key": d.RefKey, "lang": d.Lang, "ambito": d.Ambito, "audience": d.Audience, "topics": d.Topics,
				"comune": d.Comune, "public": d.Public, "title": d.Title, "body": d.Body, "config": d.Config}).Error
	} else {
		d.Stems = stems(d.Lang, d.Title+" "+d.Body)
		if err = db.Create(&d).Error; err == nil {
			err = db.Exec("INSERT INTO incroci_toolkit_search_fts(rowid, stems, comuni) VALUES (?, ?, ?)", d.ID, d.Stems, comuneTokens(d.Comune)).Error
		}
	}
	if err != nil {
		return fmt.Errorf("toolkit: index %s %d%s: %w", d.Kind, d.RefID, d.RefKey, err)
	}
	return nil
}

// comuneToken is a comune (lower case, as kept) as one FTS5 token: its
// name in hex, so that spaces and apostrophes do not split it and nothing
// but the same name matches it.
func comuneToken(c string) string { return hex.EncodeToString([]byte(c)) }

// comuneTokens turns a document's comuni, kept as |lodi|codogno|, into
// FTS5 tokens (comuneToken).
func comuneTokens(comuni string) string {
	var out []string
	for _, c := range strings.Split(comuni, "|") {
		if c != "" {
			out = append(out, comuneToken(c))
		}
	}
	return strings.Join(out, " ")
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
	Snippet string `json:"snippet"`
	// Score is how well it matches, higher first; comparable within one
	// search only.
	Score float64 `json:"score"`
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
	ws := searchWords(words(text))
	if len(ws) == 0 {
		return []SearchResult{}, 0, nil
	}
	pg := t.db.Dialector.Name() == "postgres"
	// The filters, on the documents' rows (d), with named arguments.
	var where strings.Builder
	args := map[string]any{"limit": q.PerPage, "offset": (q.Page - 1) * q.PerPage}
	and := func(cond, name string, v any) {
		where.WriteString(" AND " + cond)
		args[name] = v
	}
	// Who may read what.
	switch {
	case pr != nil && pr.Admin:
	case inNetwork(pr):
		and("d.ambito IN @readable", "readable", append(ambitiOf(pr), ""))
	default:
		and("d.public = @public", "public", true)
	}
	if q.Kind != "" {
		and("d.kind = @kind", "kind", q.Kind)
	}
	if q.Topic != "" {
		and("d.topics LIKE @topic", "topic", "%|"+q.Topic+"|%")
	}
	if q.Audience != "" {
		and("d.audience = @audience", "audience", q.Audience)
	}
	if q.Lang != "" {
		and("d.lang = @lang", "lang", q.Lang)
	}
	comune := strings.ToLower(strings.TrimSpace(q.Comune))
	if comune != "" && pg {
		// Services keep their comuni as |lodi|codogno|, lower case; on
		// SQLite FTS5 keeps them (searchSQLite).
		and("d.comune LIKE @comune", "comune", "%|"+comune+"|%")
	}
	switch q.Ambito {
	case "":
	case "network":
		where.WriteString(" AND d.ambito = ''")
	default:
		and("d.ambito = @ambito", "ambito", q.Ambito)
	}
	var rows []searchRow
	var err error
	if pg {
		rows, err = t.searchPG(ctx, text, q.Lang, where.String(), args)
	} else {
		rows, err = t.searchSQLite(ctx, ws, comune, where.String(), args)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("toolkit: search: %w", err)
	}
	var total int64
	out := []SearchResult{}
	for _, r := range rows {
		total = r.Total
		if r.PageID == nil {
			continue // past the last page: the total only
		}
		out = append(out, SearchResult{Kind: r.Kind, RefID: r.RefID, RefKey: r.RefKey, Lang: r.Lang, Ambito: r.Ambito, Title: r.Title, Score: r.Score,
			Snippet: snippet(r.Body, r.Lang, ws, 24)})
	}
	return out, total, nil
}

// rescoreWindow is how many of the best matches by title PostgreSQL ranks
// again on their whole text: three pages of 20, and more.
const rescoreWindow = 100

// searchRow is one row of a search's answer: the total of matches, and a
// document of the page (none, PageID nil, past the last page).
type searchRow struct {
	Total  int64
	PageID *int64
	Score  float64
	Kind   ResultKind
	RefID  int64
	RefKey string
	Lang   string
	Ambito string
	Title  string
	Body   string
}

// searchPG runs a search on PostgreSQL, the filters in where (each
// beginning with AND): every match ranked on its title, the first
// rescoreWindow of them again on their whole text, the page's rows read in
// full, the total counted in the same pass.
func (t *Toolkit) searchPG(ctx context.Context, text, lang, where string, args map[string]any) ([]searchRow, error) {
	// One query: the OR of the query parsed by every configuration the
	// index holds (only the chosen language's, when there is one), so that
	// the tsvector's GIN index answers it; the configurations are looked
	// up in the index on config, in the same statement (no round trip
	// more). The title is ranked on any of the words, not all: it is
	// short. Both are computed once (q, read by InitPlans), also when
	// PostgreSQL plans the statement generically.
	configs := allConfigs
	if lang != "" {
		configs = []string{pgConfig(lang)}
	}
	query, anyWord := "(SELECT query FROM q)", "(SELECT any_word FROM q)"
	head := "ts_rank(d.tsv_head, " + anyWord + ")"
	matches := "SELECT d.id, " + head + " AS head FROM incroci_toolkit_search AS d WHERE d.tsv @@ " + query + where
	if slices.Contains(configs, "simple") {
		// Trigram help on the titles of languages with no stemmer (when
		// there may be some): a query of its own, through the partial
		// trigram index on those titles only, for what the words did not
		// find (OR-ed into the other, it would have every match's long
		// tsvector read again to test it).
		trgm := quoteIdent(t.trgm)
		head += " + CASE WHEN d.config = 'simple' THEN " + trgm + ".similarity(d.title, @q) ELSE 0 END"
		matches = "SELECT d.id, " + head + " AS head FROM incroci_toolkit_search AS d WHERE d.tsv @@ " + query + where +
			"\n\tUNION ALL\n\tSELECT d.id, " + head + " AS head FROM incroci_toolkit_search AS d WHERE d.config = 'simple' AND d.title OPERATOR(" + trgm + ".%) @q" +
			" AND NOT coalesce(d.tsv @@ " + query + ", false)" + where
	}
	var plain []string
	for _, w := range wordRe.FindAllString(strings.ToLower(text), -1) {
		if w != "or" {
			plain = append(plain, w)
		}
	}
	args["q"], args["words"], args["window"] = text, strings.Join(plain, " or "), rescoreWindow
	args["upto"] = max(rescoreWindow, args["offset"].(int)+args["limit"].(int))
	sql := `WITH q AS MATERIALIZED (
	SELECT (string_agg('(' || p.query::text || ')', ' | ') FILTER (WHERE numnode(p.query) > 0))::tsquery AS query,
		(string_agg('(' || p.any_word::text || ')', ' | ') FILTER (WHERE numnode(p.any_word) > 0))::tsquery AS any_word
	FROM (SELECT websearch_to_tsquery(c::regconfig, @q) AS query, websearch_to_tsquery(c::regconfig, @words) AS any_word
		FROM unnest(ARRAY['` + strings.Join(configs, "', '") + `']) AS c WHERE EXISTS (SELECT 1 FROM incroci_toolkit_search WHERE config = c)) AS p
), m AS MATERIALIZED (
	` + matches + `
), r AS (
	SELECT id, head, row_number() OVER (ORDER BY head DESC, id) AS rn FROM m
), p AS (
	SELECT id, rn, CASE WHEN rn <= @window THEN (SELECT ts_rank(x.tsv, ` + query + `) FROM incroci_toolkit_search AS x WHERE x.id = r.id) ELSE head END AS score
	FROM r WHERE rn <= @upto
	ORDER BY rn > @window, score DESC, rn LIMIT @limit OFFSET @offset
)
SELECT c.total, p.id AS page_id, p.score, d.kind, d.ref_id, d.ref_key, d.lang, d.ambito, d.title, d.body
FROM (SELECT count(*) AS total FROM m) AS c LEFT JOIN p ON true LEFT JOIN incroci_toolkit_search AS d ON d.id = p.id
ORDER BY p.rn > @window, p.score DESC, p.rn`
	var rows []searchRow
	if err := t.db.WithContext(ctx).Raw(sql, args).Scan(&rows).Error; err != nil {
		return nil, err
	}
	return rows, nil
}

// searchSQLite runs a search on SQLite, the filters in where (each
// beginning with AND): FTS5 finds the words (and the comune, in its own
// column), the rows it finds are joined and filtered, ranked with bm25, the
// page's rows read in full and the total counted in the same pass.
func (t *Toolkit) searchSQLite(ctx context.Context, ws []string, comune, where string, args map[string]any) ([]searchRow, error) {
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
	match := "stems : (" + strings.Join(terms, " AND ") + ")"
	if comune != "" {
		match += ` AND comuni : "` + comuneToken(comune) + `"`
	}
	args["match"] = match
	// CROSS JOIN keeps FTS5 as the outer loop: else SQLite may walk an
	// index of the rows (by kind) and ask FTS5 about each.
	sql := `WITH m AS MATERIALIZED (
	SELECT d.id, -bm25(incroci_toolkit_search_fts, 1.0, 0.0) AS score
	FROM incroci_toolkit_search_fts CROSS JOIN incroci_toolkit_search AS d ON d.id = incroci_toolkit_search_fts.rowid
	WHERE incroci_toolkit_search_fts MATCH @match` + where + `
), p AS (
	SELECT id, score FROM m ORDER BY score DESC, id LIMIT @limit OFFSET @offset
)
SELECT c.total, p.id AS page_id, p.score, d.kind, d.ref_id, d.ref_key, d.lang, d.ambito, d.title, d.body
FROM (SELECT count(*) AS total FROM m) AS c LEFT JOIN p ON true LEFT JOIN incroci_toolkit_search AS d ON d.id = p.id
ORDER BY p.score DESC, p.id`
	var rows []searchRow
	if err := t.db.WithContext(ctx).Raw(sql, args).Scan(&rows).Error; err != nil {
		return nil, err
	}
	return rows, nil
}

// snippet cuts about n words of text around the first word matching one
// of query (by stem in lang, or as a prefix), HTML-escaped, with the
// matching words in <mark>.
func snippet(text, lang string, query []string, n int) string {
	want := map[string]bool{}
	for _, w := range query {
		want[stem(lang, w)] = true
	}
	seen := map[string]bool{} // words repeat: each is looked at once
	match := func(word string) bool {
		if m, ok := seen[word]; ok {
			return m
		}
		m := false
		if ws := words(word); len(ws) > 0 {
			w := ws[len(ws)-1]
			m = want[stem(lang, w)]
			for _, q := range query {
				m = m || len(q) >= 3 && strings.HasPrefix(w, q)
			}
		}
		seen[word] = m
		return m
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

// allConfigs are the configurations pgConfig gives, sorted.
var allConfigs = func() []string {
	out := []string{"simple"}
	for _, c := range pgConfigs {
		out = append(out, c)
	}
	slices.Sort(out)
	return slices.Compact(out)
}()
