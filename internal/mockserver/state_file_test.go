package mockserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitUntil polls cond; the writer runs on its own goroutine.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 5000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// restoredEmails loads a state file into a fresh server and lists the
// member emails, failing on any load error.
func restoredEmails(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{})
	if err := srv.Restore(data); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, u := range srv.Users() {
		out[u.Email] = true
	}
	return out
}

// TestStateFileCoalescesWrites: changes within one interval are written
// together, not one file rewrite per change, and Close writes the rest.
func TestStateFileCoalescesWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	sf := NewStateFile(path, StateFileOptions{Interval: time.Hour})
	srv := New(Options{OnChange: sf.Changed})
	if err := sf.Load(srv); err != nil {
		t.Fatal(err)
	}
	srv.SeedUser(UserSpec{Email: "first@example.com"})
	sf.Changed()
	// The first change is written at once; the next ones wait out the hour.
	waitUntil(t, "the first write", func() bool { return sf.Writes() == 1 })
	for i := range 100 {
		srv.SeedUser(UserSpec{Email: fmt.Sprintf("u%d@example.com", i)})
		sf.Changed()
	}
	if got := restoredEmails(t, path); len(got) != 2 || !got["first@example.com"] {
		t.Errorf("before Close the file holds %v, want the admin and the first user", got)
	}
	if err := sf.Close(); err != nil {
		t.Fatal(err)
	}
	if sf.Writes() != 2 {
		t.Errorf("%d writes for 101 changes, want 2", sf.Writes())
	}
	if got := restoredEmails(t, path); len(got) != 102 || !got["u99@example.com"] {
		t.Errorf("after Close the file holds %d users", len(got))
	}
	if err := sf.Close(); err != nil || sf.Writes() != 2 {
		t.Errorf("second Close: %v, %d writes", err, sf.Writes())
	}
}

// TestStateFileConcurrentChanges: under concurrent changes every change
// reaches the file (with -race: the writer and the handlers share no
// unguarded data).
func TestStateFileConcurrentChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	sf := NewStateFile(path, StateFileOptions{Interval: -1})
	srv := New(Options{OnChange: sf.Changed})
	if err := sf.Load(srv); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 25 {
				srv.SeedUser(UserSpec{Email: fmt.Sprintf("w%d-%d@example.com", w, i)})
				sf.Changed()
			}
		})
	}
	wg.Wait()
	if err := sf.Close(); err != nil {
		t.Fatal(err)
	}
	if got := restoredEmails(t, path); len(got) != 201 {
		t.Errorf("the file holds %d users, want 201", len(got))
	}
	if stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".state.json.tmp-*")); len(stale) != 0 {
		t.Errorf("temporary files left: %v", stale)
	}
}

// TestStateFileLoad: stale temporary files from a crash are removed, an
// unchanged state is not rewritten, and load errors name the file and the
// field.
func TestStateFileLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	stale := []string{filepath.Join(dir, ".state.json.tmp-123"), filepath.Join(dir, ".harness-mock-state-456")}
	for _, name := range append(stale, path) {
		if err := os.WriteFile(name, []byte(`{"users":{}}`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var logged []string
	sf := NewStateFile(path, StateFileOptions{Logf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }})
	if err := sf.Load(New(Options{})); err != nil {
		t.Fatal(err)
	}
	if err := sf.Close(); err != nil || sf.Writes() != 0 {
		t.Errorf("Close without changes: %v, %d writes", err, sf.Writes())
	}
	for _, name := range stale {
		if _, err := os.Stat(name); !os.IsNotExist(err) {
			t.Errorf("stale %s still there (%v)", name, err)
		}
	}
	if len(logged) != 2 || !strings.Contains(logged[0], "left by an interrupted write") {
		t.Errorf("log: %q", logged)
	}

	if err := os.WriteFile(path, []byte(`{"users":{"x":null}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := NewStateFile(path, StateFileOptions{}).Load(New(Options{}))
	if err == nil || !strings.Contains(err.Error(), "state file "+path) || !strings.Contains(err.Error(), `users["x"]: is null`) {
		t.Errorf("invalid state: %v", err)
	}
	missingDir := filepath.Join(dir, "no", "such", "dir", "state.json")
	err = NewStateFile(missingDir, StateFileOptions{}).Load(New(Options{}))
	if err == nil || !strings.Contains(err.Error(), "state file "+missingDir+": cannot write next to it") {
		t.Errorf("unwritable directory: %v", err)
	}
}

// TestStateFileWriteFailure: a failed write is logged, keeps the change
// pending and is Close's error, naming the file; the temporary file is
// removed.
func TestStateFileWriteFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	var mu sync.Mutex
	var logged []string
	sf := NewStateFile(path, StateFileOptions{Interval: time.Hour, Logf: func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, fmt.Sprintf(f, a...))
	}})
	srv := New(Options{})
	if err := sf.Load(srv); err != nil {
		t.Fatal(err)
	}
	// A non-empty directory where the file should be: the rename fails.
	if err := os.MkdirAll(filepath.Join(path, "blocker"), 0o700); err != nil {
		t.Fatal(err)
	}
	srv.SeedUser(UserSpec{Email: "a@example.com"})
	sf.Changed()
	err := sf.Close()
	if err == nil || !strings.Contains(err.Error(), "saving state file "+path) {
		t.Errorf("Close: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) == 0 || !strings.Contains(logged[len(logged)-1], "saving state file") {
		t.Errorf("log: %q", logged)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".state.json.tmp-*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}
