//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// TestRunStateFlushesOnSignal: with a write interval far longer than the
// test, the last change reaches the file only because SIGTERM makes the
// command write it before exiting.
func TestRunStateFlushesOnSignal(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	r := start(t, "-listen", "127.0.0.1:0", "-state", state, "-state-interval", "1h", "-quiet")
	c := newClient(t, r.base, client.NextGen)
	if _, err := c.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "first@example.com"}); err != nil {
		t.Fatal(err)
	}
	// The first change is written at once; the next waits out the hour.
	waitFor(t, "the first write", func() bool {
		data, err := os.ReadFile(state)
		return err == nil && strings.Contains(string(data), "first@example.com")
	})
	if _, err := c.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "last@example.com"}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(state); strings.Contains(string(data), "last@example.com") {
		t.Fatal("the second change was written before the interval passed")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-r.done:
		close(r.done)
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after SIGTERM")
	}
	if data, _ := os.ReadFile(state); !strings.Contains(string(data), "last@example.com") {
		t.Errorf("the last change is not in the state file after SIGTERM:\n%s", data)
	}
}
