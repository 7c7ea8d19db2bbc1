package helpdesk_test

// Benchmarks of issue 3 ("Measured"), on loopback against PostgreSQL. They
// run only with -bench and skip without INCROCI_TEST_POSTGRES (fail with
// CI=true). See BENCHMARKS.md at the root for the commands and the figures.
//
//   BenchmarkMessages    posting messages over HTTP with 32 keep-alive
//                        connections, the real route against a floor
//                        (net/http + one raw pgx INSERT) in the same run.
//   BenchmarkSubscribers 1,000 SSE subscribers held by a separate client
//                        process; publish-to-delivery latency and the
//                        hub's memory per open stream.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/events"
	"github.com/incrocicomuni/incroci/helpdesk"
	"github.com/incrocicomuni/incroci/internal/sse"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

// benchHub is one hub on a fresh PostgreSQL schema: the platform with the
// help desk mounted on gin behind a real net/http server on 127.0.0.1,
// with the real clock, one ambito (lodi), the legal desk with two
// consultants, and operators signed in.
type benchHub struct {
	dsn         string
	db          *gorm.DB
	p           *incroci.Platform
	hd          *helpdesk.Helpdesk
	srv         *httptest.Server
	desk        *helpdesk.DeskDetail
	operators   []string // bearer tokens
	consultants []string // bearer tokens
}

// newBenchHub builds the hub; memoryBus replaces the default events bus
// (events.Postgres on PostgreSQL) with an in-process events.Memory, as
// incroci.Config.Events allows for a single instance.
func newBenchHub(b *testing.B, operators int, memoryBus bool) *benchHub {
	b.Helper()
	dsn := testdb.PostgresURL(b) // skips without INCROCI_TEST_POSTGRES, fails with CI=true
	ctx := context.Background()
	db, err := incroci.OpenDB(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			s.Close()
		}
	})
	gin.SetMode(gin.ReleaseMode)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The default mailer (mail.NewLog) logs to quiet: the outbox still does
	// its database work for every queued e-mail.
	var bus events.Bus
	if memoryBus {
		bus = events.NewMemory(events.Options{Logger: quiet})
	}
	p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: bytes.Repeat([]byte("k"), 32), Logger: quiet, Events: bus,
		PublicURL: "https://hub.example.it/incroci", SignInAnswerTime: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close(context.Background()) })
	store, err := helpdesk.NewDiskStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	hd, err := helpdesk.New(ctx, p, helpdesk.Config{Attachments: store})
	if err != nil {
		b.Fatal(err)
	}
	r := gin.New()
	api := r.Group("/incroci")
	p.Mount(api)
	hd.Mount(api.Group("/helpdesk"))
	srv := httptest.NewServer(r)
	b.Cleanup(srv.Close)

	h := &benchHub{dsn: dsn, db: db, p: p, hd: hd, srv: srv}
	sys := incroci.AsSystem(ctx)
	if _, err := p.CreateAmbito(sys, incroci.AmbitoInput{Slug: "lodi", Name: "Ambito Distrettuale di Lodi",
		Origins: []string{lodiOrigin}, EmailDomains: []string{"comune.lodi.it"}}); err != nil {
		b.Fatal(err)
	}
	signIn := func(email, name string, role incroci.Role) (int64, string) {
		person, err := p.Invite(sys, "lodi", incroci.InviteInput{Email: email, Name: name, Roles: []incroci.Role{role}})
		if err != nil {
			b.Fatal(err)
		}
		s, err := p.SignIn(ctx, incroci.Identity{Email: email})
		if err != nil {
			b.Fatal(err)
		}
		return person.ID, s.Token
	}
	for i := range operators {
		_, tok := signIn(fmt.Sprintf("operatore%d@comune.lodi.it", i), fmt.Sprintf("Operatore %d", i), incroci.RoleOperator)
		h.operators = append(h.operators, tok)
	}
	h.desk, err = hd.CreateDesk(sys, helpdesk.DeskInput{Slug: "legale", Name: "Sportello giuridico", Ambito: "lodi",
		FirstResponseHours: 16, ServesAll: true}, helpdesk.LegalTopics())
	if err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		id, tok := signIn(fmt.Sprintf("avv%d@example.org", i), fmt.Sprintf("Avv. %d", i), incroci.RoleConsultant)
		if _, err := hd.AddConsultant(sys, h.desk.ID, helpdesk.ConsultantInput{PersonID: id}); err != nil {
			b.Fatal(err)
		}
		h.consultants = append(h.consultants, tok)
	}
	return h
}

// as returns a context acting as the holder of token, for the Go API.
func (h *benchHub) as(b *testing.B, token string) context.Context {
	b.Helper()
	pr, err := h.p.Authenticate(context.Background(), token)
	if err != nil {
		b.Fatal(err)
	}
	return incroci.WithPrincipal(context.Background(), pr)
}

// openConsultations opens n consultations, the i-th by operator i mod
// len(operators), and returns their ids and the token of each one's operator.
func (h *benchHub) openConsultations(b *testing.B, n int) ([]int64, []string) {
	b.Helper()
	ids, toks := make([]int64, n), make([]string, n)
	for i := range n {
		tok := h.operators[i%len(h.operators)]
		d, err := h.hd.Open(h.as(b, tok), helpdesk.OpenInput{DeskID: h.desk.ID, Topic: "permesso-soggiorno", Ambito: "lodi",
			Service: "Segretariato sociale", Subject: fmt.Sprintf("Rinnovo del permesso n. %d", i),
			Question: "Il permesso scade tra un mese e il datore di lavoro ha cessato l'attività: come procedere con il rinnovo?",
			Urgency:  "normal", Beneficiary: helpdesk.Beneficiary{Label: "M.R.", AgeBand: "26-40", Nationality: "MA", Language: "ar"}})
		if err != nil {
			b.Fatal(err)
		}
		ids[i], toks[i] = d.ID, tok
	}
	return ids, toks
}

// newRunID returns a random prefix that keeps client ids unique across runs.
func newRunID() string {
	var r [4]byte
	rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

const benchBody = "Buongiorno, allego il contratto di lavoro e la ricevuta della richiesta di rinnovo. Restiamo in attesa di indicazioni, grazie."

func messageJSON(clientID string) []byte {
	raw, _ := json.Marshal(map[string]any{"client_id": clientID, "body": benchBody})
	return raw
}

// loadResult is what one run of the load driver measured.
type loadResult struct {
	n       int
	elapsed time.Duration
	lat     []time.Duration // sorted
}

func (r loadResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r loadResult) pct(p float64) time.Duration { return percentile(r.lat, p) }

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// drive sends n requests over conns concurrent keep-alive connections,
// request i built by mk (which also returns what the answer must contain),
// and checks that every answer is 201 with that text in it.
func drive(client *http.Client, n, conns int, mk func(i int) (*http.Request, string)) (loadResult, error) {
	var next atomic.Int64
	var firstErr atomic.Pointer[error]
	lats := make([][]time.Duration, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, n/conns+1)
			for firstErr.Load() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				req, want := mk(i)
				t0 := time.Now()
				res, err := client.Do(req)
				var raw []byte
				if err == nil {
					raw, err = io.ReadAll(res.Body)
					res.Body.Close()
				}
				d := time.Since(t0)
				if err == nil && (res.StatusCode != http.StatusCreated || !bytes.Contains(raw, []byte(want))) {
					err = fmt.Errorf("request %d: status %d, body %.300s", i, res.StatusCode, raw)
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					break
				}
				mine = append(mine, d)
			}
			lats[w] = mine
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if e := firstErr.Load(); e != nil {
		return loadResult{}, *e
	}
	all := slices.Concat(lats...)
	slices.Sort(all)
	return loadResult{n: len(all), elapsed: elapsed, lat: all}, nil
}

// benchClient keeps up to conns keep-alive HTTP/1.1 connections.
func benchClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute,
		DisableCompression: true, ForceAttemptHTTP2: false,
	}}
}

// cpuSample is CPU time used so far by this process and by PostgreSQL.
type cpuSample struct {
	self time.Duration
	pg   time.Duration // -1 when PostgreSQL's processes cannot be read
}

func sampleCPU() cpuSample {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s := cpuSample{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), pg: pgCPU()}
	return s
}

// pgCPU sums the CPU time of the local PostgreSQL server's processes
// (utime+stime of the live ones, plus cutime+cstime of the postmaster for
// the backends that already exited), assuming 100 clock ticks a second.
// Other users of the same server add noise.
func pgCPU() time.Duration {
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	var ticks int64
	found := false
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		open, close := bytes.IndexByte(raw, '('), bytes.LastIndexByte(raw, ')')
		if open < 0 || close < open || string(raw[open+1:close]) != "postgres" {
			continue
		}
		f := strings.Fields(string(raw[close+1:]))
		if len(f) < 15 {
			continue
		}
		num := func(i int) int64 { v, _ := strconv.ParseInt(f[i], 10, 64); return v }
		found = true
		ticks += num(11) + num(12) // utime, stime
		if num(1) == 1 {           // the postmaster: add its reaped children
			ticks += num(13) + num(14)
		}
	}
	if !found {
		return -1
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// reportCPU adds CPU milliseconds per request of this process (server and
// client together) and of PostgreSQL.
func reportCPU(b *testing.B, before, after cpuSample, n int) {
	b.ReportMetric(ms(after.self-before.self)/float64(n), "go-cpu-ms/op")
	if before.pg >= 0 && after.pg >= 0 {
		b.ReportMetric(ms(after.pg-before.pg)/float64(n), "pg-cpu-ms/op")
	}
}

// floorHandler is the floor of BenchmarkMessages: net/http, the same JSON
// body decoded, one raw INSERT of the same row, 201 with the row.
// With bus, it also publishes message.created on the consultation's two
// topics, as Post does (the floor+publish variant).
func floorHandler(pool *pgxpool.Pool, bus events.Bus) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /floor/consultations/{id}/messages", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			http.NotFound(w, r)
			return
		}
		var in helpdesk.MessageInput
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil || in.ClientID == "" || in.Body == "" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		m := helpdesk.Message{ConsultationID: id, ClientID: in.ClientID, AuthorID: 1, Kind: helpdesk.KindMessage, Body: in.Body,
			CreatedAt: time.Now().UTC()}
		if err := pool.QueryRow(r.Context(), `INSERT INTO bench_floor_messages (consultation_id, client_id, author_id, kind, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.ConsultationID, m.ClientID, m.AuthorID, string(m.Kind), m.Body, m.CreatedAt).Scan(&m.ID); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if bus != nil {
			data := map[string]int64{"consultation_id": id, "message_id": m.ID}
			for _, topic := range []string{fmt.Sprintf("helpdesk:consultation:%d:staff", id), fmt.Sprintf("helpdesk:consultation:%d", id)} {
				if _, err := bus.Publish(r.Context(), topic, "message.created", data); err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"data": m})
	})
	return mux
}

// stmtCounter counts the SQL statements gorm runs on a pool (every
// statement of the platform, the module, the outbox and the events bus goes
// through it), and with diag also which ones.
type stmtCounter struct {
	n    atomic.Int64
	diag bool
	mu   sync.Mutex
	by   map[string]int64
}

func countStatements(b *testing.B, db *gorm.DB, diag bool) *stmtCounter {
	c := &stmtCounter{diag: diag, by: map[string]int64{}}
	f := func(tx *gorm.DB) {
		c.n.Add(1)
		if c.diag {
			sql := tx.Statement.SQL.String()
			if i := strings.Index(sql, " VALUES "); i > 0 {
				sql = sql[:i]
			}
			sql = sql[:min(len(sql), 90)]
			c.mu.Lock()
			c.by[sql]++
			c.mu.Unlock()
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("bench:count", f),
		cb.Query().After("gorm:query").Register("bench:count", f),
		cb.Update().After("gorm:update").Register("bench:count", f),
		cb.Delete().After("gorm:delete").Register("bench:count", f),
		cb.Row().After("gorm:row").Register("bench:count", f),
		cb.Raw().After("gorm:raw").Register("bench:count", f),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	return c
}

func (c *stmtCounter) reset() {
	c.n.Store(0)
	c.mu.Lock()
	clear(c.by)
	c.mu.Unlock()
}

// log writes the statements per request, most frequent first.
func (c *stmtCounter) log(b *testing.B, n int) {
	if !c.diag {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.by))
	for k := range c.by {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int { return int(c.by[y] - c.by[x]) })
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "\n  %5.2f/op  %s", float64(c.by[k])/float64(n), k)
	}
	fmt.Fprintf(os.Stderr, "%s: statements through gorm, per request:%s\n", b.Name(), sb.String())
}

// sampleWaits polls pg_stat_activity every 5 ms until stop is closed, and
// logs what the database's client backends (other than the sampler) were
// doing: the share of samples per state and wait event. "idle in
// transaction / Client:ClientRead" is a transaction waiting for the Go side;
// "active / CPU" is running.
func sampleWaits(b *testing.B, pool *pgxpool.Pool, stop <-chan struct{}) func() {
	counts := map[string]int{}
	total := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			rows, err := pool.Query(context.Background(), `SELECT state || ' / ' || COALESCE(wait_event_type || ':' || wait_event, 'CPU')
				FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
				AND pid <> pg_backend_pid() AND state <> 'idle' AND query NOT LIKE '%pg_stat_activity%'`)
			if err != nil {
				continue
			}
			for rows.Next() {
				var k string
				if rows.Scan(&k) == nil {
					counts[k]++
					total++
				}
			}
			rows.Close()
		}
	}()
	return func() {
		<-done
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y string) int { return counts[y] - counts[x] })
		var sb strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&sb, "\n  %5.1f%%  %s", 100*float64(counts[k])/float64(max(total, 1)), k)
		}
		fmt.Fprintf(os.Stderr, "%s: busy backends sampled every 5 ms (%d backend-samples):%s\n", b.Name(), total, sb.String())
	}
}

// benchDiag turns on the diagnostics of BenchmarkMessages (statement
// breakdown, pg_stat_activity sampling), which cost a little throughput.
var benchDiag = os.Getenv("INCROCI_BENCH_DIAG") != ""

const (
	benchConns         = 32
	benchConsultations = 64
	benchOperators     = 8
)

// BenchmarkMessages posts messages with 32 concurrent keep-alive
// connections on loopback, spread over 64 consultations, each as the
// consultation's operator, with a unique client_id and no Idempotency-Key:
//
//	floor         net/http + one pgx INSERT into a table shaped like
//	              incroci_helpdesk_messages, pgxpool of 32 connections.
//	route         POST /incroci/helpdesk/consultations/:id/messages on the
//	              hub, its pool as incroci.OpenDB leaves it.
//	route-pooled  the same, after SetMaxIdleConns(64) on the hub's pool
//	              (what a partner may do from outside; no code changed).
//
// Each reports req/s, p50/p99 latency in ms, CPU per request of the Go
// process and of PostgreSQL, and the route ones x-floor, their throughput
// over the floor's in the same run (the issue aims at >= 0.8).
func BenchmarkMessages(b *testing.B) {
	h := newBenchHub(b, benchOperators, false)
	ctx := context.Background()
	ids, toks := h.openConsultations(b, benchConsultations)
	hm := newBenchHub(b, benchOperators, true)
	idsMem, toksMem := hm.openConsultations(b, benchConsultations)

	pool, err := pgxpool.New(ctx, h.dsn+"&pool_max_conns="+strconv.Itoa(benchConns))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if _, err := pool.Exec(ctx, `CREATE TABLE bench_floor_messages (
		id bigserial PRIMARY KEY,
		consultation_id bigint NOT NULL,
		client_id varchar(64) NOT NULL,
		author_id bigint NOT NULL,
		kind varchar(16) NOT NULL,
		body text NOT NULL,
		created_at timestamptz NOT NULL,
		UNIQUE (consultation_id, client_id))`); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE INDEX ON bench_floor_messages (consultation_id)`); err != nil {
		b.Fatal(err)
	}
	floor := httptest.NewServer(floorHandler(pool, nil))
	b.Cleanup(floor.Close)
	floorPub := httptest.NewServer(floorHandler(pool, h.p.Events()))
	b.Cleanup(floorPub.Close)
	client := benchClient(benchConns)
	b.Cleanup(client.CloseIdleConnections)
	stmts := map[*benchHub]*stmtCounter{h: countStatements(b, h.db, benchDiag), hm: countStatements(b, hm.db, benchDiag)}

	routeOn := func(h *benchHub, ids []int64, toks []string) func(run string) func(i int) (*http.Request, string) {
		return func(run string) func(i int) (*http.Request, string) {
			return func(i int) (*http.Request, string) {
				k := i % benchConsultations
				cid := fmt.Sprintf("b%s-%09d", run, i)
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/incroci/helpdesk/consultations/%d/messages", h.srv.URL, ids[k]), bytes.NewReader(messageJSON(cid)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+toks[k])
				return req, `"client_id":"` + cid + `"`
			}
		}
	}
	routeReq, routeMemReq := routeOn(h, ids, toks), routeOn(hm, idsMem, toksMem)
	floorOn := func(srv *httptest.Server) func(run string) func(i int) (*http.Request, string) {
		return func(run string) func(i int) (*http.Request, string) {
			return func(i int) (*http.Request, string) {
				k := i % benchConsultations
				cid := fmt.Sprintf("b%s-%09d", run, i)
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/floor/consultations/%d/messages", srv.URL, ids[k]), bytes.NewReader(messageJSON(cid)))
				req.Header.Set("Content-Type", "application/json")
				return req, `"client_id":"` + cid + `"`
			}
		}
	}
	floorReq, floorPubReq := floorOn(floor), floorOn(floorPub)

	var floorRate float64
	measure := func(b *testing.B, mk func(run string) func(i int) (*http.Request, string), hub *benchHub) loadResult {
		if _, err := drive(client, 4*benchConns, benchConns, mk(newRunID())); err != nil { // warm up connections
			b.Fatal(err)
		}
		var sqlDB *sql.DB
		if hub != nil {
			sqlDB, _ = hub.db.DB()
			stmts[hub].reset()
		}
		var st0, st1 sql.DBStats
		if sqlDB != nil {
			st0 = sqlDB.Stats()
		}
		cpu0 := sampleCPU()
		var report func()
		stop := make(chan struct{})
		if benchDiag && b.N > 1 {
			report = sampleWaits(b, pool, stop)
		}
		b.ResetTimer()
		res, err := drive(client, b.N, benchConns, mk(newRunID()))
		b.StopTimer()
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		if report != nil {
			report()
		}
		cpu1 := sampleCPU()
		if sqlDB != nil {
			st1 = sqlDB.Stats()
		}
		b.ReportMetric(res.rate(), "req/s")
		b.ReportMetric(ms(res.pct(0.50)), "p50-ms")
		b.ReportMetric(ms(res.pct(0.99)), "p99-ms")
		reportCPU(b, cpu0, cpu1, res.n)
		if hub != nil {
			b.ReportMetric(float64(st1.MaxIdleClosed-st0.MaxIdleClosed)/float64(res.n), "hub-conns-closed/op")
			b.ReportMetric(float64(stmts[hub].n.Load())/float64(res.n), "sql-stmts/op")
			if b.N > 1 {
				stmts[hub].log(b, res.n)
			}
		}
		return res
	}

	b.Run("floor", func(b *testing.B) {
		var before, after int64
		pool.QueryRow(ctx, "SELECT count(*) FROM bench_floor_messages").Scan(&before)
		res := measure(b, floorReq, nil)
		pool.QueryRow(ctx, "SELECT count(*) FROM bench_floor_messages").Scan(&after)
		if after-before != int64(res.n+4*benchConns) {
			b.Fatalf("floor: %d rows inserted, want %d", after-before, res.n+4*benchConns)
		}
		floorRate = res.rate()
	})
	b.Run("floor+publish", func(b *testing.B) {
		res := measure(b, floorPubReq, nil)
		b.ReportMetric(res.rate()/floorRate, "x-floor")
	})
	b.Run("route", func(b *testing.B) {
		res := measure(b, routeReq, h)
		b.ReportMetric(res.rate()/floorRate, "x-floor")
	})
	pooled := func(h *benchHub) func() {
		sqlDB, _ := h.db.DB()
		sqlDB.SetMaxIdleConns(64)
		return func() { sqlDB.SetMaxIdleConns(2) } // database/sql's default, as OpenDB leaves it
	}
	b.Run("route-pooled", func(b *testing.B) {
		defer pooled(h)()
		res := measure(b, routeReq, h)
		b.ReportMetric(res.rate()/floorRate, "x-floor")
	})
	b.Run("route-membus", func(b *testing.B) {
		res := measure(b, routeMemReq, hm)
		b.ReportMetric(res.rate()/floorRate, "x-floor")
	})
	b.Run("route-membus-pooled", func(b *testing.B) {
		defer pooled(hm)()
		res := measure(b, routeMemReq, hm)
		b.ReportMetric(res.rate()/floorRate, "x-floor")
	})
}

// sseChildEnv names the variable that turns BenchmarkSSEClientProcess into
// the subscribers' process of BenchmarkSubscribers: it holds the path of
// its configuration.
const sseChildEnv = "INCROCI_BENCH_SSE_CLIENT"

// sseChildConfig is what the subscribers' process is told.
type sseChildConfig struct {
	Base        string   `json:"base"`
	Dial        int      `json:"dial"` // streams opened at once
	Consultants []int64  `json:"consultations"`
	Tokens      []string `json:"tokens"`
}

const (
	sseConsultations = 100
	ssePerCons       = 10
	ssePosters       = 4
)

// raiseFileLimit lifts the soft limit of open files to at least want (up
// to the hard limit): each stream is a socket on both sides.
func raiseFileLimit(b *testing.B, want uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
	if lim.Cur >= want {
		return
	}
	lim.Cur = min(want, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < want {
		b.Fatalf("open files limit %d, want %d: %v", lim.Cur, want, err)
	}
}

// receipt is a message.created frame read by subscriber sub.
type receipt struct {
	sub int
	msg int64
	at  time.Time
}

// BenchmarkSubscribers holds 1,000 SSE subscribers (100 consultations x 10
// operators, each GET /consultations/:id/events with their bearer token),
// opened by a separate process so that the hub's memory is the hub's
// alone. It reports the hub's heap and goroutines per open stream, then
// (sub-benchmark "publish") posts b.N consultants' answers through the real
// route, 4 at a time, round-robin over the consultations, and measures for
// every subscriber the time from sending the POST to reading the frame
// (so it includes the POST's own transaction: an upper bound on
// publish-to-delivery). Every subscriber must receive every message of its
// consultation.
func BenchmarkSubscribers(b *testing.B) {
	h := newBenchHub(b, ssePerCons, false)
	raiseFileLimit(b, 8192)
	ids, _ := h.openConsultations(b, sseConsultations)
	sqlDB, _ := h.db.DB()

	cfg := sseChildConfig{Base: h.srv.URL, Dial: 16}
	if v, err := strconv.Atoi(os.Getenv("INCROCI_BENCH_SSE_DIAL")); err == nil && v > 0 {
		cfg.Dial = v
	}
	for _, id := range ids {
		for j := range ssePerCons { // every operator of the ambito follows every consultation
			cfg.Consultants = append(cfg.Consultants, id)
			cfg.Tokens = append(cfg.Tokens, h.operators[j])
		}
	}
	nsubs := len(cfg.Tokens)
	path := filepath.Join(b.TempDir(), "sse-client.json")
	raw, _ := json.Marshal(cfg)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		b.Fatal(err)
	}

	heapBefore, sysBefore, gorBefore := memNow()

	// The subscribers' process: the test binary again, as BenchmarkSSEClientProcess.
	pr, pw, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkSSEClientProcess$", "-test.benchtime=1x")
	cmd.Env = append(os.Environ(), sseChildEnv+"="+path)
	cmd.ExtraFiles = []*os.File{pw}
	cmd.Stderr = os.Stderr // its stdout is the test runner's chatter
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	opened := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	pw.Close()
	var mu sync.Mutex
	var receipts []receipt
	var streamErrs []string
	ready := make(chan string, 1)
	childDone := make(chan struct{})
	go func() {
		defer close(childDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 4 && f[0] == "R":
				sub, _ := strconv.Atoi(f[1])
				msg, _ := strconv.ParseInt(f[2], 10, 64)
				at, _ := strconv.ParseInt(f[3], 10, 64)
				mu.Lock()
				receipts = append(receipts, receipt{sub: sub, msg: msg, at: time.Unix(0, at)})
				mu.Unlock()
			case len(f) >= 1 && (f[0] == "READY" || f[0] == "FAIL"):
				ready <- sc.Text()
			case len(f) >= 1 && f[0] == "E":
				mu.Lock()
				streamErrs = append(streamErrs, sc.Text())
				mu.Unlock()
			}
		}
	}()
	stopChild := func() {
		stdin.Close()
		select {
		case <-childDone:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
		cmd.Wait()
	}
	select {
	case line := <-ready:
		if !strings.HasPrefix(line, "READY") {
			stopChild()
			b.Fatalf("subscribers' process: %s", line)
		}
	case <-time.After(5 * time.Minute):
		stopChild()
		b.Fatal("subscribers' process: no READY in 5 minutes")
	}
	openTime := time.Since(opened)
	var present int64
	h.db.Table("incroci_helpdesk_presence").Count(&present)
	if present != int64(nsubs) {
		b.Errorf("presence rows: %d, want %d", present, nsubs)
	}
	heapWith, sysWith, gorWith := memNow()
	openConns := sqlDB.Stats().OpenConnections
	if f := os.Getenv("INCROCI_BENCH_HEAPPROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			pprof.Lookup("heap").WriteTo(out, 0)
			out.Close()
		}
	}
	fmt.Fprintf(os.Stderr, "BenchmarkSubscribers: %d streams open in %v (dial %d at a time); hub heap in use %.1f -> %.1f MiB, sys %.1f -> %.1f MiB, goroutines %d -> %d, db connections open %d",
		nsubs, openTime.Round(time.Millisecond), cfg.Dial, float64(heapBefore)/(1<<20), float64(heapWith)/(1<<20),
		float64(sysBefore)/(1<<20), float64(sysWith)/(1<<20), gorBefore, gorWith, openConns)
	fmt.Fprintln(os.Stderr)

	client := benchClient(ssePosters)
	defer client.CloseIdleConnections()
	b.Run("publish", func(b *testing.B) {
		run := newRunID()
		type sent struct {
			at   time.Time
			cons int
		}
		var smu sync.Mutex
		sentAt := map[int64]sent{}
		var posts []time.Duration
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, ssePosters)
		mu.Lock()
		receipts = receipts[:0]
		mu.Unlock()
		b.ResetTimer()
		pubStart := time.Now()
		for w := range ssePosters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= b.N {
						return
					}
					k := i % sseConsultations
					cid := fmt.Sprintf("s%s-%09d", run, i)
					req, _ := http.NewRequest("POST", fmt.Sprintf("%s/incroci/helpdesk/consultations/%d/messages", h.srv.URL, ids[k]), bytes.NewReader(messageJSON(cid)))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+h.consultants[w%len(h.consultants)])
					t0 := time.Now()
					res, err := client.Do(req)
					if err != nil {
						errs <- err
						return
					}
					raw, _ := io.ReadAll(res.Body)
					res.Body.Close()
					d := time.Since(t0)
					var out struct {
						Data helpdesk.Message `json:"data"`
					}
					json.Unmarshal(raw, &out)
					if res.StatusCode != http.StatusCreated || out.Data.ID == 0 || out.Data.ClientID != cid {
						errs <- fmt.Errorf("post %d: status %d, body %.300s", i, res.StatusCode, raw)
						return
					}
					smu.Lock()
					sentAt[out.Data.ID] = sent{at: t0, cons: k}
					posts = append(posts, d)
					smu.Unlock()
				}
			}()
		}
		wg.Wait()
		select {
		case err := <-errs:
			b.Fatal(err)
		default:
		}
		// Wait for every subscriber to get every message of its consultation.
		want := b.N * ssePerCons
		deadline := time.Now().Add(30 * time.Second)
		var got []receipt
		for {
			mu.Lock()
			got = got[:0]
			for _, r := range receipts {
				if _, ok := sentAt[r.msg]; ok {
					got = append(got, r)
				}
			}
			mu.Unlock()
			if len(got) >= want || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		b.StopTimer()
		if len(got) != want {
			mu.Lock()
			b.Fatalf("%d deliveries, want %d; stream errors: %v", len(got), want, streamErrs)
		}
		seen := map[[2]int64]bool{}
		lat := make([]time.Duration, 0, len(got))
		last := time.Time{}
		for _, r := range got {
			s := sentAt[r.msg]
			if cfg.Consultants[r.sub] != ids[s.cons] || seen[[2]int64{int64(r.sub), r.msg}] {
				b.Fatalf("subscriber %d got message %d of consultation %d (or twice)", r.sub, r.msg, ids[s.cons])
			}
			seen[[2]int64{int64(r.sub), r.msg}] = true
			lat = append(lat, r.at.Sub(s.at))
			if r.at.After(last) {
				last = r.at
			}
		}
		slices.Sort(lat)
		slices.Sort(posts)
		b.ReportMetric(ms(percentile(lat, 0.50)), "p50-ms")
		b.ReportMetric(ms(percentile(lat, 0.99)), "p99-ms")
		b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
		b.ReportMetric(ms(percentile(posts, 0.50)), "post-p50-ms")
		b.ReportMetric(float64(len(lat))/last.Sub(pubStart).Seconds(), "deliveries/s")
		b.ReportMetric(float64(nsubs), "subscribers")
		b.ReportMetric(float64(int64(heapWith)-int64(heapBefore))/float64(nsubs), "heap-B/sub")
		b.ReportMetric(float64(int64(sysWith)-int64(sysBefore))/float64(nsubs), "sys-B/sub")
		b.ReportMetric(float64(gorWith-gorBefore)/float64(nsubs), "goroutines/sub")
	})

	// Let the subscribers go, all at once, and see whether every presence
	// row is removed (each stream's end deletes its own).
	closing := time.Now()
	stopChild()
	var left int64
	for range 200 {
		h.db.Table("incroci_helpdesk_presence").Count(&left)
		if left == 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "BenchmarkSubscribers: all streams closed at once: %d presence rows left after %v\n", left, time.Since(closing).Round(time.Millisecond))
	mu.Lock()
	if len(streamErrs) > 0 {
		fmt.Fprintf(os.Stderr, "BenchmarkSubscribers: stream errors (%d), first: %s\n", len(streamErrs), streamErrs[0])
	}
	mu.Unlock()
}

// memNow returns heap in use, memory obtained from the OS and goroutines,
// after collecting garbage.
func memNow() (heap, sys uint64, goroutines int) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse, m.Sys, runtime.NumGoroutine()
}

// BenchmarkSSEClientProcess is not a benchmark: it is the subscribers'
// process of BenchmarkSubscribers, and skips unless started by it. It opens
// the streams its configuration lists (Dial at a time), says "READY n" on
// file descriptor 3, then writes "R subscriber message unix-nanos" for
// every message.created frame read, until its standard input closes.
func BenchmarkSSEClientProcess(b *testing.B) {
	path := os.Getenv(sseChildEnv)
	if path == "" {
		b.Skip("only run by BenchmarkSubscribers")
	}
	out := os.NewFile(3, "results")
	var cfg sseChildConfig
	raw, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(raw, &cfg)
	}
	if err != nil {
		fmt.Fprintf(out, "FAIL config: %v\n", err)
		return
	}
	raiseFileLimit(b, 8192)
	var wmu sync.Mutex
	w := bufio.NewWriter(out)
	write := func(format string, a ...any) {
		wmu.Lock()
		fmt.Fprintf(w, format, a...)
		wmu.Unlock()
	}
	stop := make(chan struct{})
	go func() { // flush what was read every 20 ms
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				wmu.Lock()
				w.Flush()
				wmu.Unlock()
			}
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}}
	n := len(cfg.Tokens)
	bodies := make([]io.Closer, n)
	readers := make([]*sse.Reader, n)
	sem := make(chan struct{}, max(1, cfg.Dial))
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/incroci/helpdesk/consultations/%d/events", cfg.Base, cfg.Consultants[i]), nil)
			req.Header.Set("Authorization", "Bearer "+cfg.Tokens[i])
			res, err := client.Do(req)
			if err == nil && res.StatusCode != http.StatusOK {
				body, _ := io.ReadAll(io.LimitReader(res.Body, 300))
				res.Body.Close()
				err = fmt.Errorf("stream %d: status %d %s", i, res.StatusCode, bytes.TrimSpace(body))
			}
			if err == nil {
				rd := sse.NewReader(res.Body)
				if _, err = rd.Next(); err == nil { // the hello (retry) frame: the stream is live
					bodies[i], readers[i] = res.Body, rd
				}
			}
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		}()
	}
	wg.Wait()
	if e := failed.Load(); e != nil {
		write("FAIL %s\n", strings.ReplaceAll((*e).Error(), "\n", " "))
	} else {
		write("READY %d\n", n)
	}
	wmu.Lock()
	w.Flush()
	wmu.Unlock()
	var rwg sync.WaitGroup
	for i, rd := range readers {
		if rd == nil {
			continue
		}
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for {
				f, err := rd.Next()
				if err != nil {
					if ctx.Err() == nil {
						write("E %d %s\n", i, strings.ReplaceAll(err.Error(), "\n", " "))
					}
					return
				}
				at := time.Now()
				if f.Event != "message.created" {
					continue
				}
				var d struct {
					MessageID int64 `json:"message_id"`
				}
				if json.Unmarshal([]byte(f.Data), &d) != nil || d.MessageID == 0 {
					write("E %d bad frame %q\n", i, f.Data)
					continue
				}
				write("R %d %d %d\n", i, d.MessageID, at.UnixNano())
			}
		}()
	}
	io.Copy(io.Discard, os.Stdin) // until the parent closes it
	cancel()
	for _, c := range bodies {
		if c != nil {
			c.Close()
		}
	}
	rwg.Wait()
	close(stop)
	wmu.Lock()
	w.Flush()
	wmu.Unlock()
}
