package training_test

// BenchmarkEnrol (issue 5, "Measured"): 2,000 people enrol at once over
// HTTP on PostgreSQL into 20 editions of 60 seats, each with quotas (15
// for mediators, 15 for crema's operators), so 1,200 get seats and 800
// wait; it reports throughput, p50 and p99 and fails when a capacity or
// quota is exceeded or a waiting person fits a seat left. Run:
//
//	INCROCI_TEST_POSTGRES=postgres://… go test -run '^$' -bench Enrol -benchtime 3x ./training/

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

const (
	benchPeople   = 2000
	benchEditions = 20
	benchCapacity = 60
)

func BenchmarkEnrol(b *testing.B) {
	db := testdb.Postgres(b)
	sqlDB, _ := db.DB()
	sqlDB.SetMaxOpenConns(incroci.PostgresPoolSize)
	sqlDB.SetMaxIdleConns(incroci.PostgresPoolSize)
	e := newEnv(b, db)
	// The people: operators of lodi and crema, mediators, consultants.
	start := time.Now()
	type who struct {
		ambito string
		role   incroci.Role
	}
	kinds := []who{{"lodi", incroci.RoleOperator}, {"crema", incroci.RoleOperator}, {"lodi", incroci.RoleMediator}, {"crema", incroci.RoleMediator}, {"lodi", incroci.RoleConsultant}}
	tokens := make([]string, benchPeople)
	now := e.p.Now()
	for i := 0; i < benchPeople; i += 500 {
		people := make([]incroci.Person, 0, 500)
		for j := i; j < min(i+500, benchPeople); j++ {
			people = append(people, incroci.Person{Email: fmt.Sprintf("persona%d@example.org", j), Name: fmt.Sprintf("Persona %d", j), Languages: []string{}, CreatedAt: now, UpdatedAt: now})
		}
		testdb.Must(b, "people", db.Create(&people).Error)
		grants := make([]incroci.RoleGrant, len(people))
		for j, p := range people {
			k := kinds[(i+j)%len(kinds)]
			grants[j] = incroci.RoleGrant{PersonID: p.ID, Ambito: k.ambito, Role: k.role, CreatedAt: now}
		}
		testdb.Must(b, "grants", db.Create(&grants).Error)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range benchPeople {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			s, err := e.p.SignIn(e.ctx, incroci.Identity{Email: fmt.Sprintf("persona%d@example.org", i)})
			if err != nil {
				b.Error(err)
				return
			}
			tokens[i] = s.Token
		}()
	}
	wg.Wait()
	course := e.course("admin", "")
	b.Logf("%d people signed in in %s", benchPeople, time.Since(start).Round(time.Millisecond))

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: benchPeople, MaxIdleConnsPerHost: benchPeople, MaxConnsPerHost: 256}}
	var all []time.Duration
	var elapsed time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		editions := make([]any, benchEditions)
		for i := range editions {
			editions[i] = e.edition("admin", course, benchCapacity, false,
				map[string]any{"role": "mediator", "seats": 15}, map[string]any{"role": "operator", "ambito": "crema", "seats": 15})["id"]
		}
		lat := make([]time.Duration, benchPeople)
		statuses := make([]int, benchPeople)
		ready := make(chan struct{})
		b.StartTimer()
		t0 := time.Now()
		for i := range benchPeople {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/incroci/training/editions/%v/enrol", e.srv.URL, editions[(i/len(kinds))%benchEditions]), nil)
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				<-ready
				s := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i], statuses[i] = time.Since(s), res.StatusCode
			}()
		}
		close(ready)
		wg.Wait()
		elapsed += time.Since(t0)
		b.StopTimer()
		all = append(all, lat...)
		held, waiting := 0, 0
		for i, st := range statuses {
			if st != http.StatusCreated {
				b.Fatalf("person %d: status %d", i, st)
			}
		}
		for _, ed := range editions {
			h, w := checkSeats(b, e, ed)
			held, waiting = held+h, waiting+w
		}
		if held != benchEditions*benchCapacity || held+waiting != benchPeople {
			b.Fatalf("%d seats held, %d waiting", held, waiting)
		}
		// The next round enrols the same people into new editions.
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[int(float64(len(all)-1)*p)] }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d enrolments in %d rounds: %.0f req/s, p50 %s, p99 %s, max %s; no capacity or quota exceeded",
		len(all), b.N, float64(len(all))/elapsed.Seconds(), pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), all[len(all)-1].Round(time.Millisecond))
}
