package mockserver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]RateLimit{
		"1000/min":   {Requests: 1000, Window: time.Minute},
		"1000/m":     {Requests: 1000, Window: time.Minute},
		" 10 / s ":   {Requests: 10, Window: time.Second},
		"50/10s":     {Requests: 50, Window: 10 * time.Second},
		"5/2min":     {Requests: 5, Window: 2 * time.Minute},
		"3/500ms":    {Requests: 3, Window: 500 * time.Millisecond},
		"100/hour":   {Requests: 100, Window: time.Hour},
		"7/1m30s":    {Requests: 7, Window: 90 * time.Second},
		"":           {},
		"off":        {},
		"0":          {},
		"1/seconds":  {Requests: 1, Window: time.Second},
		"2/MIN":      {Requests: 2, Window: time.Minute},
		"1000/1h":    {Requests: 1000, Window: time.Hour},
		"12/minutes": {Requests: 12, Window: time.Minute},
	} {
		got, err := ParseRateLimit(in)
		if err != nil || got != want {
			t.Errorf("ParseRateLimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"1000", "x/min", "-1/min", "0/min", "10/", "10/0s", "10/-5s", "10/fortnight", "10/0min", "1.5/s"} {
		if got, err := ParseRateLimit(in); err == nil {
			t.Errorf("ParseRateLimit(%q) = %+v, want an error", in, got)
		}
	}
	for _, l := range []RateLimit{{Requests: 1000, Window: time.Minute}, {Requests: 10, Window: time.Second}, {Requests: 50, Window: 10 * time.Second}} {
		if back, err := ParseRateLimit(l.String()); err != nil || back != l {
			t.Errorf("%+v renders as %q, which parses back as %+v, %v", l, l.String(), back, err)
		}
	}
}

// serveDirect sends one request straight to the handler (no network, so it
// runs inside a synctest bubble) with the x-api-key token.
func serveDirect(s *Server, method, path, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	if token != "" {
		r.Header.Set("x-api-key", token)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func spcPath(s *Server) string {
	return "/ng/api/scim/account/" + s.AccountID() + "/ServiceProviderConfig"
}

// TestRateLimitAnswersLikeCloudArmor: over budget, a key gets Cloud Armor's
// 429 (HTML, no Retry-After) without reaching Harness; other keys and the
// next window are not affected; the log counts the 429s.
func TestRateLimitAnswersLikeCloudArmor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var lines bytes.Buffer
		s := New(Options{RateLimit: RateLimit{Requests: 3, Window: time.Minute}, LogWriter: &lines})
		get := func(token string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, spcPath(s), nil)
			r.Header.Set("Authorization", "Bearer "+token) // SCIM's credential header
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			return w
		}
		for i := range 3 {
			if w := get(s.Token()); w.Code != http.StatusOK {
				t.Fatalf("request %d within budget: %d %s", i+1, w.Code, w.Body)
			}
		}
		w := get(s.Token())
		if w.Code != http.StatusTooManyRequests || w.Body.String() != cloudArmor429Body ||
			!strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || w.Header().Get("Retry-After") != "" {
			t.Fatalf("over budget: %d %v %q", w.Code, w.Header(), w.Body)
		}
		// Cloud Armor decides before Harness: a bad token is limited too,
		// but under its own key.
		if w := get("pat.other.token.x"); w.Code != http.StatusUnauthorized {
			t.Errorf("another key's first request: %d, want Harness's 401", w.Code)
		}
		time.Sleep(time.Minute)
		if w := get(s.Token()); w.Code != http.StatusOK {
			t.Errorf("next window: %d", w.Code)
		}
		if s.RateLimited() != 1 || s.RateLimitedCounts()[OpServiceProviderConfig] != 1 || s.Count(OpServiceProviderConfig) != 6 {
			t.Errorf("RateLimited %d %v, Count %d; want 1, {%s:1}, 6", s.RateLimited(), s.RateLimitedCounts(),
				s.Count(OpServiceProviderConfig), OpServiceProviderConfig)
		}
		var limited []Request
		for _, r := range s.Requests() {
			if r.RateLimited {
				limited = append(limited, r)
			}
		}
		if len(limited) != 1 || limited[0].Status != http.StatusTooManyRequests || limited[0].Op != OpServiceProviderConfig ||
			limited[0].Principal != "" {
			t.Errorf("logged 429s: %+v", limited)
		}
		if n := strings.Count(lines.String(), " 429 "); n != 1 || !strings.Contains(lines.String(), OpServiceProviderConfig+" rate-limited\n") {
			t.Errorf("log lines:\n%s", lines.String())
		}
	})
}

// TestRateLimitSlidingWindow: the budget holds in any window, not per
// calendar window, and Retry-After (when enabled) says when the oldest
// admission leaves it.
func TestRateLimitSlidingWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: RateLimit{Requests: 10, Window: 10 * time.Second, RetryAfter: true}})
		send := func(n int) (ok, limited int, retryAfter string) {
			for range n {
				w := serveDirect(s, http.MethodGet, "/ng/api/apikey?accountIdentifier="+s.AccountID(), s.Token())
				if w.Code == http.StatusTooManyRequests {
					limited++
					retryAfter = w.Header().Get("Retry-After")
				} else {
					ok++
				}
			}
			return ok, limited, retryAfter
		}
		check := func(at string, n, wantOK int, wantRetryAfter string) {
			t.Helper()
			ok, limited, ra := send(n)
			if ok != wantOK || limited != n-wantOK || ra != wantRetryAfter {
				t.Errorf("%s: %d admitted, %d limited, Retry-After %q; want %d, %d, %q", at, ok, limited, ra, wantOK, n-wantOK, wantRetryAfter)
			}
		}
		check("t=0", 6, 6, "")
		time.Sleep(5 * time.Second)
		check("t=5s", 6, 4, "5") // 6+4 in the window; the t=0 ones leave at t=10s
		time.Sleep(4500 * time.Millisecond)
		check("t=9.5s", 1, 0, "1") // 500ms, rounded up to a whole second
		time.Sleep(500 * time.Millisecond)
		check("t=10s", 8, 6, "5") // the six of t=0 left; the four of t=5s stay until t=15s
	})
}

// TestRateLimitUnknownRoutes: Cloud Armor stands in front of every path;
// requests to no route count under "".
func TestRateLimitUnknownRoutes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{RateLimit: RateLimit{Requests: 1, Window: time.Second}})
		if w := serveDirect(s, http.MethodGet, "/nowhere", s.Token()); w.Code != http.StatusNotFound {
			t.Fatalf("first: %d", w.Code)
		}
		if w := serveDirect(s, http.MethodGet, "/nowhere", s.Token()); w.Code != http.StatusTooManyRequests {
			t.Fatalf("second: %d", w.Code)
		}
		if got := s.RateLimitedCounts(); len(got) != 1 || got[""] != 1 {
			t.Errorf("RateLimitedCounts %v", got)
		}
	})
}

// TestLatency: every answer waits the latency, and a client that hangs up
// meanwhile is let go at once (logged as 499), never handled.
func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{Latency: 80 * time.Millisecond})
		start := time.Now()
		if w := serveDirect(s, http.MethodGet, "/ng/api/apikey?accountIdentifier="+s.AccountID(), s.Token()); w.Code == 0 {
			t.Fatal("no answer")
		}
		if d := time.Since(start); d != 80*time.Millisecond {
			t.Errorf("answered after %s of fake time, want 80ms", d)
		}

		s = New(Options{Latency: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/ng/api/serviceaccount?accountIdentifier="+s.AccountID(),
			strings.NewReader(`{"identifier":"sa","name":"sa","email":"sa@service.harness.io"}`))
		r.Header.Set("x-api-key", s.Token())
		r.Header.Set("Content-Type", "application/json")
		var wg sync.WaitGroup
		wg.Go(func() { s.ServeHTTP(httptest.NewRecorder(), r) })
		synctest.Wait() // the request sits in the latency
		start = time.Now()
		cancel()
		wg.Wait()
		if d := time.Since(start); d != 0 {
			t.Errorf("a hung-up request held the handler for %s of fake time", d)
		}
		reqs := s.Requests()
		if len(reqs) != 1 || reqs[0].Status != 499 || reqs[0].Op == "" {
			t.Errorf("log %+v, want one 499 with its operation", reqs)
		}
		if n := len(s.ServiceAccounts()); n != 0 {
			t.Errorf("the abandoned create made %d service accounts", n)
		}
	})
}

// TestLimiterForgetsIdleKeys: a flood of made-up tokens does not grow the
// limiter without bound.
func TestLimiterForgetsIdleKeys(t *testing.T) {
	l := newLimiter(RateLimit{Requests: 1, Window: time.Second})
	now := time.Now()
	for i := range 5000 {
		l.admit(strings.Repeat("k", i%200)+string(rune('a'+i%26))+time.Duration(i).String(), now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(l.keys); n > 2048 {
		t.Errorf("%d keys kept, want at most about two windows' worth", n)
	}
	if got := rateLimitKey(&http.Request{Header: http.Header{"X-Api-Key": {strings.Repeat("x", 300)}}}); len(got) != 128 {
		t.Errorf("key of %d bytes, want Cloud Armor's 128", len(got))
	}
}
