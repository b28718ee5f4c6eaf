package client

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

func TestOperationTimeoutConfig(t *testing.T) {
	for _, tc := range []struct {
		in, want        time.Duration
		limit, wantRate int
	}{
		{0, DefaultOperationTimeout, 0, DefaultMaxRequestsPerMinute},
		{time.Minute, time.Minute, 600, 600},
		{time.Hour, time.Hour, -1, -1},
	} {
		c, err := New(Config{AccountID: "a", APIKey: "k", OperationTimeout: tc.in, MaxRequestsPerMinute: tc.limit})
		if err != nil {
			t.Fatal(err)
		}
		if c.cfg.OperationTimeout != tc.want || c.cfg.MaxRequestsPerMinute != tc.wantRate {
			t.Errorf("OperationTimeout %s, MaxRequestsPerMinute %d: got %s and %d", tc.in, tc.limit, c.cfg.OperationTimeout, c.cfg.MaxRequestsPerMinute)
		}
		if paced := c.pacer.interval > 0; paced != (tc.wantRate > 0) {
			t.Errorf("MaxRequestsPerMinute %d: pacing %v", tc.limit, paced)
		}
	}
	if _, err := New(Config{AccountID: "a", APIKey: "k", OperationTimeout: -time.Second}); err == nil ||
		!strings.Contains(err.Error(), "operation timeout") {
		t.Errorf("a negative operation timeout: %v", err)
	}
}

// TestOperationBoundOnHangingServer: a Harness that never answers costs at
// most OperationTimeout per call whatever max_retries says, the last
// attempt's timeout cut to what is left, and the error says what was
// tried and what to raise. Before the bound, the defaults cost 9 attempts
// x 60 s plus about 2 minutes of backoff (11 minutes), and max_retries =
// 100 about 100 minutes.
func TestOperationBoundOnHangingServer(t *testing.T) {
	for _, retries := range []int{0, 100} {
		synctest.Test(t, func(t *testing.T) {
			mock := mockserver.New(mockserver.Options{Latency: 24 * time.Hour})
			c := newBubbleClient(t, mock, func(cfg *Config) {
				cfg.APIKey, cfg.AccountID, cfg.MaxRetries = mock.Token(), mock.AccountID(), retries
			})
			start := time.Now()
			_, err := c.GetSCIMUser(t.Context(), "nobody")
			elapsed := time.Since(start)
			if err == nil || elapsed > DefaultOperationTimeout || elapsed < DefaultOperationTimeout-DefaultRetryWaitMax {
				t.Fatalf("max_retries %d: err %v after %s; want an error by %s", retries, err, elapsed, DefaultOperationTimeout)
			}
			msg := err.Error()
			for _, want := range []string{"GET /ng/api/scim/account/" + mock.AccountID() + "/Users/nobody", "no answer within",
				"(after 5 attempts in ", "would end past the operation bound", "raise operation_timeout (5m0s)"} {
				if !strings.Contains(msg, want) {
					t.Errorf("max_retries %d: error lacks %q: %s", retries, want, msg)
				}
			}
			if n := len(mock.Requests()); n != 5 {
				t.Errorf("max_retries %d: %d attempts reached the mock, want 5", retries, n)
			}
		})
	}
}

// TestFailFastWhenBackoffPassesBound: a backoff that would end past the
// bound is not slept; the call ends at once with the last answer.
func TestFailFastWhenBackoffPassesBound(t *testing.T) {
	srv := newScriptServer(t, step{status: 503, header: http.Header{"Retry-After": {"25"}}, body: `{"message":"down"}`})
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries, cfg.OperationTimeout = 10, time.Minute })
	_, err := post(t.Context(), c)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.StatusCode != 503 || apiErr.Attempts != 3 || apiErr.Elapsed != 50*time.Second {
		t.Fatalf("err %v, want the 503 after 3 attempts in 50s", err)
	}
	if waits := rec.recorded(); len(waits) != 2 || waits[0] != 25*time.Second || waits[1] != 25*time.Second {
		t.Errorf("waits %v, want [25s 25s] and no third", waits)
	}
	want := "HTTP 503: down (after 3 attempts in 50s; the next retry's backoff (25s) would end past the operation bound; " +
		"raise operation_timeout (1m0s) to keep trying longer)"
	if !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %q\nwant suffix %q", err, want)
	}
}

// TestRateLimitedUntilOperationBound: 429s do not use up max_retries; the
// shared pause lengthens and the bound ends them, with an error that says
// to lower the request rate. With retries disabled a 429 fails at once.
func TestRateLimitedUntilOperationBound(t *testing.T) {
	srv := newScriptServer(t, step{status: 429})
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 2 })
	_, err := post(t.Context(), c)
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.Kind != KindRateLimited || apiErr.Attempts <= 3 || apiErr.Attempts != srv.requests() {
		t.Fatalf("err %v after %d requests, want a 429 after more attempts than max_retries allows", err, srv.requests())
	}
	var total time.Duration
	for i, w := range rec.recorded() {
		total += w
		if i > 0 && w < time.Second {
			t.Errorf("pause %d is %s: pauses should lengthen", i+1, w)
		}
	}
	if total >= DefaultOperationTimeout || apiErr.Elapsed != total {
		t.Errorf("waited %s (elapsed %s), want under %s", total, apiErr.Elapsed, DefaultOperationTimeout)
	}
	for _, want := range []string{"rate-limit pause", "raise operation_timeout", "429 (rate limited)", "lower max_requests_per_minute"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}

	srv = newScriptServer(t, step{status: 429})
	c, _ = newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = -1 })
	if _, err := post(t.Context(), c); srv.requests() != 1 || !strings.Contains(err.Error(), "retries are disabled") {
		t.Errorf("retries disabled: %d requests, err %v", srv.requests(), err)
	}
}

// TestNestedCallSharesBound: a call made inside another (the confirmGone
// read) gets the outer call's deadline, not a fresh bound.
func TestNestedCallSharesBound(t *testing.T) {
	c, rec := newTestClient(t, "http://127.0.0.1:1", nil)
	ctx, outer := c.newOperation(t.Context(), &request{})
	rec.sleep(t.Context(), time.Minute) //nolint:errcheck // moves the fake clock
	_, inner := c.newOperation(ctx, &request{})
	if !inner.deadline.Equal(outer.deadline) {
		t.Errorf("inner deadline %s, outer %s", inner.deadline, outer.deadline)
	}
	if _, fresh := c.newOperation(context.Background(), &request{}); !fresh.deadline.After(outer.deadline) {
		t.Errorf("an unrelated call got the outer deadline")
	}
}
