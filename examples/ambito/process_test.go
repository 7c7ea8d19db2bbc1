package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the process's writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestProcessStopsOnSIGTERM builds the hub, runs it as a real process on a
// fresh data folder, and checks that SIGTERM stops it cleanly with status 0.
func TestProcessStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the hub: skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ambito")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("ADDR=127.0.0.1:%d", port), "DATA_DIR="+filepath.Join(dir, "data"),
		"DATABASE_URL=", "INCROCI_SECRET=", "SMTP_URL=", "PUBLIC_URL=")
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	})

	url := fmt.Sprintf("http://127.0.0.1:%d/healthz", port)
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("the hub exited before answering: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub did not answer %s within 30 s\n%s", url, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A coordinator follows the people of Lodi live: an open event stream
	// must not hold the shutdown up.
	base := fmt.Sprintf("http://127.0.0.1:%d/incroci", port)
	post := func(path, body string) map[string]any {
		res, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		json.NewDecoder(res.Body).Decode(&out)
		return out
	}
	post("/auth/email", `{"email":"coordinatore@lodi.demo.incroci.it"}`)
	var code string
	for deadline := time.Now().Add(10 * time.Second); code == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := regexp.MustCompile(`codice di accesso (\d{6})`).FindStringSubmatch(log.String()); m != nil {
			code = m[1]
		}
	}
	if code == "" {
		t.Fatalf("no sign-in code in the log:\n%s", log.String())
	}
	token, _ := post("/auth/email/verify", `{"email":"coordinatore@lodi.demo.incroci.it","code":"`+code+`"}`)["data"].(map[string]any)["token"].(string)
	req, _ := http.NewRequest("GET", base+"/ambiti/lodi/people/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	stream, err := (&http.Client{}).Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("event stream: %v %v", err, stream)
	}
	defer stream.Body.Close()

	stopAt := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("the hub exited with %v after SIGTERM; want status 0\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the hub did not stop within 15 s of SIGTERM\n%s", log.String())
	}
	if took := time.Since(stopAt); took > 5*time.Second {
		t.Errorf("the hub took %s to stop with an event stream open", took)
	}
	out := log.String()
	for _, want := range []string{"demo data seeded", "hub stopping", "hub stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "incroci.db")); err != nil {
		t.Errorf("no database in DATA_DIR: %v", err)
	}
}
