package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// syncBuffer is an io.Writer that the test can read while run writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a harness-mock started by run in a goroutine.
type running struct {
	base   string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// start runs the command and returns once it printed its base URL.
func start(t *testing.T, args ...string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	r := &running{stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := run(ctx, args, pw, r.stderr)
		_ = pw.CloseWithError(io.EOF)
		r.done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err != nil {
		cancel()
		t.Fatalf("no base URL on stdout (%v); run returned %v; stderr:\n%s", err, <-r.done, r.stderr.String())
	}
	r.base = strings.TrimSpace(line)
	t.Cleanup(func() { _ = r.stop(t) })
	return r
}

// stop cancels the command and returns what run returned.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
		return nil
	}
}

// waitFor polls cond (log lines and state files are written after the
// answer was sent).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func newClient(t *testing.T, base string, gen client.Generation) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: base, AccountID: mockserver.DefaultAccountID, APIKey: mockserver.DefaultToken,
		Generation: gen, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRunServesAndLogs(t *testing.T) {
	r := start(t, "-listen", "127.0.0.1:0")
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(r.base) {
		t.Fatalf("first stdout line %q is not a loopback base URL", r.base)
	}
	c := newClient(t, r.base, client.NextGen)
	u, err := c.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "cmd@example.com", DisplayName: "Cmd"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSCIMUser(t.Context(), u.ID); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^\S+Z GET /ng/api/scim/account/` + mockserver.DefaultAccountID + `/Users/` + regexp.QuoteMeta(u.ID) + ` 200 \S+ GetUser$`)
	waitFor(t, "the request line on stderr", func() bool { return want.MatchString(r.stderr.String()) })
	if !strings.Contains(r.stderr.String(), " POST /ng/api/scim/account/"+mockserver.DefaultAccountID+"/Users 201 ") {
		t.Errorf("no POST line in stderr:\n%s", r.stderr.String())
	}
	if !strings.Contains(r.stderr.String(), "HARNESS_ENDPOINT="+r.base) {
		t.Errorf("stderr lacks the export hint:\n%s", r.stderr.String())
	}
	if err := r.stop(t); err != nil {
		t.Errorf("run returned %v after cancel", err)
	}
}

func TestRunOptions(t *testing.T) {
	r := start(t, "-listen", "localhost:0", "-profile", "firstgen", "-account-id", "otheraccount000000000A",
		"-token", "fg-key-one", "-read-only-token", "fg-key-ro", "-quiet")
	c, err := client.New(client.Config{Endpoint: r.base, AccountID: "otheraccount000000000A", APIKey: "fg-key-one",
		Generation: client.FirstGen, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSCIMUsers(t.Context()); err != nil {
		t.Fatalf("FirstGen listing with the configured key: %v", err)
	}
	ro, _ := client.New(client.Config{Endpoint: r.base, AccountID: "otheraccount000000000A", APIKey: "fg-key-ro",
		Generation: client.FirstGen, MaxRetries: -1})
	if _, err := ro.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "x@example.com"}); err == nil {
		t.Error("the read-only key created a user")
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.stderr.String(), "/Users") {
		t.Errorf("-quiet still logged requests:\n%s", r.stderr.String())
	}
}

func TestRunStatePersists(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	r := start(t, "-listen", "127.0.0.1:0", "-state", state, "-quiet")
	u, err := newClient(t, r.base, client.NextGen).CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "keep@example.com", DisplayName: "Keep"})
	if err != nil {
		t.Fatal(err)
	}
	// Saved after every change, not only at exit.
	waitFor(t, "the state file", func() bool {
		data, err := os.ReadFile(state)
		return err == nil && strings.Contains(string(data), "keep@example.com")
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(state), ".state.json.tmp-*")); len(leftovers) != 0 {
		t.Errorf("temporary state files left behind: %v", leftovers)
	}

	r2 := start(t, "-listen", "127.0.0.1:0", "-state", state, "-quiet")
	got, err := newClient(t, r2.base, client.NextGen).GetSCIMUser(t.Context(), u.ID)
	if err != nil || got.UserName != "keep@example.com" || got.DisplayName != "Keep" {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
	if err := r2.stop(t); err != nil {
		t.Fatal(err)
	}

	// State of another account is refused, not silently replaced.
	err = run(t.Context(), []string{"-listen", "127.0.0.1:0", "-state", state, "-account-id", "otheraccount000000000A"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "belongs to account") {
		t.Errorf("another account's state: %v", err)
	}
}

// TestRunRefusesInvalidState: a state file the mock could not serve stops
// it at start with the file and the field named.
func TestRunRefusesInvalidState(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	if err := os.WriteFile(state, []byte(`{"users":{"x":null},"groups":{"g":{"id":"g","name":"G","members":["ghost"]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".state.json.tmp-42")
	if err := os.WriteFile(stale, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"-listen", "127.0.0.1:0", "-state", state}, io.Discard, io.Discard)
	for _, want := range []string{"state file " + state, `users["x"]: is null`, `groups["g"].members[0]: user "ghost" does not exist`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("run with an invalid state file: %v; want %q", err, want)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temporary file was not removed: %v", err)
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-listen", "192.0.2.1:0"}, "is not a loopback address"},
		{[]string{"-listen", ":0"}, "is not a loopback address"},
		{[]string{"-listen", "0.0.0.0:0"}, "is not a loopback address"},
		{[]string{"-listen", "example.com:0"}, "is not a loopback address"},
		{[]string{"-listen", "127.0.0.1"}, "missing port"},
		{[]string{"-profile", "thirdgen"}, "unknown profile"},
		{[]string{"-no-such-flag"}, "flag provided but not defined"},
	} {
		var stderr bytes.Buffer
		err := run(t.Context(), tc.args, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %v = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
	// -allow-non-loopback lifts the refusal: 192.0.2.1 (TEST-NET-1) is not
	// on this machine, so the listen itself fails, and nothing is exposed.
	err := run(t.Context(), []string{"-listen", "192.0.2.1:0", "-allow-non-loopback"}, io.Discard, io.Discard)
	if err == nil || strings.Contains(err.Error(), "loopback") {
		t.Errorf("with -allow-non-loopback: %v, want the listen error", err)
	}
}
