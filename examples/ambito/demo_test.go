package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestDemoDataMatchesDomain fails when a copy in demo/ differs from the
// shared domain data it was taken from; it skips where that folder is absent
// (a clone of the repository alone).
func TestDemoDataMatchesDomain(t *testing.T) {
	domain := filepath.Join("..", "..", "..", "shared", "domain")
	if _, err := os.Stat(domain); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is absent: nothing to compare the demo data with", domain)
	}
	copies, err := filepath.Glob(filepath.Join("demo", "*.csv"))
	if err != nil || len(copies) == 0 {
		t.Fatalf("no demo data found: %v", err)
	}
	for _, c := range copies {
		mine, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := os.ReadFile(filepath.Join(domain, filepath.Base(c)))
		if err != nil {
			t.Errorf("%s has no original in %s: %v", c, domain, err)
			continue
		}
		if !bytes.Equal(mine, theirs) {
			t.Errorf("%s differs from %s: copy it again (cp %s %s)", c, domain, filepath.Join(domain, filepath.Base(c)), c)
		}
	}
}

func TestReadAmbiti(t *testing.T) {
	ambiti, err := readAmbiti()
	if err != nil {
		t.Fatal(err)
	}
	if len(ambiti) != 20 {
		t.Fatalf("readAmbiti: %d ambiti; want 20", len(ambiti))
	}
	for _, a := range ambiti {
		if a.Slug == "" || a.Name == "" {
			t.Errorf("ambito without slug or name: %+v", a)
		}
		if a.Slug == "magenta" && len(a.Comuni) != 3 {
			t.Errorf("magenta comuni = %v; want 3", a.Comuni)
		}
	}
}
