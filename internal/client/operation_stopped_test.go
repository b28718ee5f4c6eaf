package client

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A call whose context ends between retries (a resource's timeouts block
// ran out, or Terraform was interrupted) says what it tried: the attempts,
// how long they took and the last failure, and still wraps the cause.
func TestStoppedCallSaysWhatWasTried(t *testing.T) {
	t.Parallel()
	srv := newScriptServer(t, step{status: 503, body: `{"status":"ERROR","code":"UNKNOWN_ERROR","message":"Try later"}`})
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 50 })
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	rec.hook = func() {
		if len(rec.recorded()) == 2 {
			cancel(context.DeadlineExceeded)
		}
	}
	_, err := c.GetServiceAccount(ctx, Scope{}, "sa1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the context's error wrapped", err)
	}
	for _, want := range []string{"GET /ng/api/serviceaccount/aggregate/sa1", "after 2 attempts",
		"the last attempt failed: GET /ng/api/serviceaccount/aggregate/sa1: HTTP 503 UNKNOWN_ERROR: Try later"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error %q lacks %q", err, want)
		}
	}
	if srv.requests() != 2 {
		t.Fatalf("%d requests, want 2", srv.requests())
	}
}
