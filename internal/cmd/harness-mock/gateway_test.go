package main

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestRunRateLimitAndLatency: -rate-limit answers the request over budget
// with Cloud Armor's 429, the stderr line marks it and the exit line
// counts it.
func TestRunRateLimitAndLatency(t *testing.T) {
	r := start(t, "-listen", "127.0.0.1:0", "-rate-limit", "3/min", "-latency", "5ms")
	waitFor(t, "the gateway line at startup", func() bool {
		return strings.Contains(r.stderr.String(), "harness-mock: rate limit 3/min per API key (429 without Retry-After, as Harness's gateway), latency 5ms\n")
	})
	c, err := client.New(client.Config{Endpoint: r.base, AccountID: mockserver.DefaultAccountID, APIKey: mockserver.DefaultToken,
		MaxRetries: -1, MaxRequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := c.ListSCIMUsers(t.Context()); err != nil {
			t.Fatalf("request %d within budget: %v", i+1, err)
		}
	}
	_, err = c.ListSCIMUsers(t.Context())
	if apiErr, ok := client.AsAPIError(err); !ok || apiErr.Kind != client.KindRateLimited {
		t.Fatalf("over budget: %v, want a 429", err)
	}
	line := regexp.MustCompile(`(?m)^\S+Z GET /ng/api/scim/account/` + mockserver.DefaultAccountID + `/Users\S* 429 \S+ SearchUsers rate-limited$`)
	waitFor(t, "the 429 line on stderr", func() bool { return line.MatchString(r.stderr.String()) })
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.stderr.String(), "harness-mock: 4 requests, 1 answered 429 by the rate limit\n") {
		t.Errorf("no summary at exit:\n%s", r.stderr.String())
	}
}

func TestRunRateLimitRetryAfter(t *testing.T) {
	r := start(t, "-listen", "127.0.0.1:0", "-rate-limit", "1/10s", "-rate-limit-retry-after", "-quiet")
	var last *http.Response
	for range 2 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, r.base+"/ng/api/apikey", nil)
		req.Header.Set("x-api-key", mockserver.DefaultToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		last = resp
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("second request: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
}

func TestRunRefusesBadGatewayFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-rate-limit", "1000"}, "-rate-limit: rate limit \"1000\": want REQUESTS/WINDOW"},
		{[]string{"-rate-limit", "0/min"}, "want REQUESTS/WINDOW with REQUESTS > 0"},
		{[]string{"-rate-limit", "10/fortnight"}, "window \"fortnight\" is not a positive duration"},
		{[]string{"-rate-limit-retry-after"}, "-rate-limit-retry-after needs -rate-limit"},
		{[]string{"-latency", "-5ms"}, "-latency -5ms is negative"},
		{[]string{"-latency", "soon"}, "invalid value \"soon\" for flag -latency"},
	} {
		var stderr bytes.Buffer
		err := run(t.Context(), append([]string{"-listen", "127.0.0.1:0"}, tc.args...), io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %v = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}
