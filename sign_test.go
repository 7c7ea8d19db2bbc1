package incroci_test

import (
	"testing"

	"github.com/incrocicomuni/incroci/internal/testdb"
	"gorm.io/gorm"
)

// TestSign: a signature verifies for its purpose and parts only, and one
// changed character breaks it.
func TestSign(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		p := newEnv(t, db).p
		sig := p.Sign("toolkit/handout", "12", "ar")
		if len(sig) != 43 || !p.Verify(sig, "toolkit/handout", "12", "ar") {
			t.Fatalf("signature %q does not verify", sig)
		}
		for _, bad := range []struct {
			sig, purpose string
			parts        []string
		}{
			{sig, "other", []string{"12", "ar"}},
			{sig, "toolkit/handout", []string{"12", "en"}},
			{sig, "toolkit/handout", []string{"1", "2ar"}},
			{sig, "toolkit/handout", []string{"12"}},
			{flip(sig, 0), "toolkit/handout", []string{"12", "ar"}},
			{flip(sig, 42), "toolkit/handout", []string{"12", "ar"}}, // padding bits only: refused as not strict base64
			{"", "toolkit/handout", []string{"12", "ar"}},
			{"!!", "toolkit/handout", []string{"12", "ar"}},
		} {
			if p.Verify(bad.sig, bad.purpose, bad.parts...) {
				t.Errorf("%q verifies for %s %q", bad.sig, bad.purpose, bad.parts)
			}
		}
	})
}

// flip changes the character at i of s to another base64url letter.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}
