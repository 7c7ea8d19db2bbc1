package main

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incrocicomuni/incroci/mail"
	"github.com/incrocicomuni/incroci/pdf"
)

func TestConfigFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string {
		return func(k string) string { return kv[k] }
	}
	cfg, err := configFromEnv(env(nil))
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if cfg.Addr != ":8080" || cfg.DataDir != "./data" || cfg.PublicURL != "http://localhost:8080" || cfg.DatabaseURL != "" || cfg.Secret != nil || cfg.SMTP != nil || cfg.Chromium != "" {
		t.Errorf("defaults = %+v", cfg)
	}

	cfg, err = configFromEnv(env(map[string]string{
		"ADDR": "127.0.0.1:9000", "DATABASE_URL": "postgres://u@db/incroci", "DATA_DIR": "/var/lib/incroci",
		"INCROCI_SECRET": strings.Repeat("ab", 32), "PUBLIC_URL": "https://hub.example.it/",
		"SMTP_URL": "smtp://user:pa%40ss@smtp.example.it:2525?tls=opportunistic&auth=login", "MAIL_FROM": "Rete <rete@example.it>",
		"INCROCI_CHROMIUM": "/opt/chromium/chrome",
	}))
	if err != nil {
		t.Fatalf("full: %v", err)
	}
	want := mail.SMTPConfig{Host: "smtp.example.it", Port: 2525, Username: "user", Password: "pa@ss", Auth: "login",
		From: "Rete <rete@example.it>", TLS: mail.TLSOpportunistic}
	if cfg.SMTP == nil || *cfg.SMTP != want {
		t.Errorf("SMTP = %+v; want %+v", cfg.SMTP, want)
	}
	if cfg.Chromium != "/opt/chromium/chrome" {
		t.Errorf("INCROCI_CHROMIUM read as %q", cfg.Chromium)
	}
	if cfg.PublicURL != "https://hub.example.it" || len(cfg.Secret) != 64 {
		t.Errorf("PUBLIC_URL or INCROCI_SECRET read wrong: %+v", cfg)
	}

	for _, tc := range []struct {
		key, value, want string
	}{
		{"ADDR", "8080", "ADDR"},
		{"DATABASE_URL", "mysql://x", "DATABASE_URL"},
		{"INCROCI_SECRET", "short", "at least 32"},
		{"PUBLIC_URL", "localhost:8080", "PUBLIC_URL"},
		{"PUBLIC_URL", "https://hub.example.it/incroci", "PUBLIC_URL"},
		{"SMTP_URL", "http://smtp.example.it", "smtp or smtps"},
		{"SMTP_URL", "smtp://smtp.example.it?tls=maybe", "TLS policy"},
		{"SMTP_URL", "smtp://user:secretpw@:25", "host is missing"},
	} {
		_, err := configFromEnv(env(map[string]string{tc.key: tc.value}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q: error %v; want one mentioning %q", tc.key, tc.value, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secretpw") {
			t.Errorf("%s: the error shows the password: %v", tc.key, err)
		}
	}
}

// TestNewPrinter: INCROCI_CHROMIUM picks the browser for handout PDFs;
// "off" turns them off; a browser named but missing stops the hub with a
// clear error; unset, the hub uses a Chromium on PATH when there is one.
func TestNewPrinter(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if p, err := newPrinter(config{Chromium: "off"}, log); p != nil || err != nil {
		t.Errorf("off: %v, %v", p, err)
	}
	missing := filepath.Join(t.TempDir(), "chromium")
	if _, err := newPrinter(config{Chromium: missing}, log); err == nil || !strings.Contains(err.Error(), "INCROCI_CHROMIUM") || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing browser: %v", err)
	}
	p, err := newPrinter(config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, look := pdf.FindChromium(""); (look == nil) != (p != nil) {
		t.Errorf("unset: printer %v, though FindChromium says %v", p, look)
	}
	if p != nil {
		p.Close()
	}
}
