package incroci_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incrocicomuni/incroci"
	"github.com/incrocicomuni/incroci/internal/testdb"
)

func TestOpenDBSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "folder #1", "hub.db")
	db, err := incroci.OpenDB(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	var mode string
	var busy, fk int
	db.Raw("PRAGMA journal_mode").Scan(&mode)
	db.Raw("PRAGMA busy_timeout").Scan(&busy)
	db.Raw("PRAGMA foreign_keys").Scan(&fk)
	if mode != "wal" || busy < 1000 || fk != 1 {
		t.Fatalf("journal_mode %q busy_timeout %d foreign_keys %d", mode, busy, fk)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not at the path given: %v", err)
	}
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("sqlite must use one connection, has %d", n)
	}
	// Features the modules rely on: JSON functions and FTS5 with trigrams.
	var j string
	if err := db.Raw(`SELECT json_extract('{"a":["x"]}', '$.a[0]')`).Scan(&j).Error; err != nil || j != "x" {
		t.Fatalf("json: %q %v", j, err)
	}
	if err := db.Exec(`CREATE VIRTUAL TABLE fts_probe USING fts5(body, tokenize='trigram')`).Error; err != nil {
		t.Fatalf("fts5 trigram: %v", err)
	}
}

func TestOpenDBPostgres(t *testing.T) {
	dsn := testdb.PostgresURL(t)
	db, err := incroci.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if db.Dialector.Name() != "postgres" {
		t.Fatal(db.Dialector.Name())
	}
}

func TestOpenDBErrors(t *testing.T) {
	ctx := context.Background()
	_, err := incroci.OpenDB(ctx, "mysql://root:hunter2@localhost/x")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "unsupported") {
		t.Fatalf("error %v must name the problem and hide the password", err)
	}
	_, err = incroci.OpenDB(ctx, "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "secret@") {
		t.Fatalf("unreachable postgres: %v", err)
	}
}

func TestNewChecksConfig(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	if _, err := incroci.New(ctx, incroci.Config{Secret: make([]byte, 32)}); err == nil {
		t.Fatal("missing DB accepted")
	}
	if _, err := incroci.New(ctx, incroci.Config{DB: db, Secret: []byte("short")}); err == nil {
		t.Fatal("short secret accepted")
	}
	if _, err := incroci.New(ctx, incroci.Config{DB: db, Secret: make([]byte, 32), AllowedOrigins: []string{"https://x.example.it/path"}}); err == nil {
		t.Fatal("bad origin accepted")
	}
	// Migrations are safe to run at every start.
	for i := 0; i < 2; i++ {
		p, err := incroci.New(ctx, incroci.Config{DB: db, Secret: make([]byte, 32), Logger: quietLogger()})
		if err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
		p.Close(ctx)
	}
}

// stampedRow is a table of the test's own whose times gorm fills in.
type stampedRow struct {
	ID        int64
	Note      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (stampedRow) TableName() string { return "incroci_test_stamped_rows" }

// TestDBStampsFromConfigNow checks that the times gorm fills in on the
// platform's database come from Config.Now, not from the machine's clock.
func TestDBStampsFromConfigNow(t *testing.T) {
	bothDBs(t, func(t *testing.T, e *env) {
		db := e.p.DB().WithContext(e.ctx)
		if err := db.AutoMigrate(&stampedRow{}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.db.Migrator().DropTable(&stampedRow{}) })
		e.clock.Add(72 * time.Hour)
		row := stampedRow{Note: "a"}
		if err := db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Hour)
		if err := db.Model(&stampedRow{}).Where("id = ?", row.ID).Update("note", "b").Error; err != nil {
			t.Fatal(err)
		}
		var got stampedRow
		if err := db.Take(&got, row.ID).Error; err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(e.clock.Now().Add(-time.Hour)) || !got.UpdatedAt.Equal(e.clock.Now()) {
			t.Errorf("created %v, updated %v; want %v and %v (the platform's clock)", got.CreatedAt, got.UpdatedAt, e.clock.Now().Add(-time.Hour), e.clock.Now())
		}
	})
}
