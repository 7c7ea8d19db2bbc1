package dberr_test

import (
	"testing"

	"github.com/incrocicomuni/incroci/internal/dberr"
	"github.com/incrocicomuni/incroci/internal/testdb"
	"gorm.io/gorm"
)

type thing struct {
	ID   int64
	Name string `gorm:"uniqueIndex"`
}

func TestIsDuplicate(t *testing.T) {
	testdb.Run(t, func(t *testing.T, db *gorm.DB) {
		for _, translate := range []bool{true, false} {
			s := db.Session(&gorm.Session{NewDB: true})
			s.Config.TranslateError = translate
			_ = s.Migrator().AutoMigrate(&thing{})
			s.Exec("DELETE FROM things")
			if err := s.Create(&thing{Name: "a"}).Error; err != nil {
				t.Fatal(err)
			}
			err := s.Create(&thing{Name: "a"}).Error
			if !dberr.IsDuplicate(err) {
				t.Fatalf("translate=%v: %v not recognised", translate, err)
			}
		}
		db.Config.TranslateError = true
		if dberr.IsDuplicate(nil) || dberr.IsDuplicate(gorm.ErrRecordNotFound) {
			t.Fatal("false positive")
		}
	})
}
