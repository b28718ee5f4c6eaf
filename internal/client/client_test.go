package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAccount = "acct0000000000000000AB"
	testKey     = "pat.acct0000000000000000AB.0123456789abcdef01234567.TestSecret0000000000"
)

// sleepRecorder replaces Client.sleepFn and nowFn with a fake clock: it
// records each wait and moves the clock by it instead of sleeping, so retry
// and pacing tests take no wall time.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
	start time.Time
	slept time.Duration
	// hook, when set, runs before the context check (e.g. to cancel it).
	hook func()
}

func newSleepRecorder() *sleepRecorder { return &sleepRecorder{start: time.Now()} }

func (r *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.slept += d
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook()
	}
	return ctx.Err()
}

// now is the fake clock: the start plus every wait so far.
func (r *sleepRecorder) now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.start.Add(r.slept)
}

func (r *sleepRecorder) recorded() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// newTestClient builds a client for endpoint whose waits are recorded, not
// slept.
func newTestClient(t *testing.T, endpoint string, mod func(*Config)) (*Client, *sleepRecorder) {
	t.Helper()
	cfg := Config{Endpoint: endpoint, AccountID: testAccount, APIKey: testKey, MaxRetries: 3}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	rec := newSleepRecorder()
	c.sleepFn, c.nowFn = rec.sleep, rec.now
	return c, rec
}

// step is one scripted server answer.
type step struct {
	status int
	header http.Header
	body   string
	hangUp bool // close the connection without answering
}

// scriptServer answers requests from script in order, repeating the last
// step once the script is exhausted, and counts the requests it got.
type scriptServer struct {
	*httptest.Server
	script []step
	n      atomic.Int32
}

func newScriptServer(t *testing.T, script ...step) *scriptServer {
	t.Helper()
	s := &scriptServer{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		i := int(s.n.Add(1)) - 1
		st := s.script[min(i, len(s.script)-1)]
		if st.hangUp {
			hangUp(t, w)
			return
		}
		for k, vs := range st.header {
			w.Header()[k] = vs
		}
		w.WriteHeader(st.status)
		_, _ = io.WriteString(w, st.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptServer) requests() int { return int(s.n.Load()) }

func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// post sends a SCIM POST (a method the transport never replays on its own,
// so the server's request count is exactly the client's attempt count).
func post(ctx context.Context, c *Client) (*response, error) {
	return c.do(ctx, c.scim(http.MethodPost, map[string]string{"userName": "a@example.com"}, "Users"), nil)
}

func TestNewDefaultsAndValidation(t *testing.T) {
	c, err := New(Config{AccountID: "a", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint() != DefaultEndpoint || c.Generation() != NextGen || c.AccountID() != "a" {
		t.Errorf("defaults: endpoint %q generation %q account %q", c.Endpoint(), c.Generation(), c.AccountID())
	}
	if c.cfg.MaxRetries != DefaultMaxRetries || c.cfg.RetryWaitMin != DefaultRetryWaitMin ||
		c.cfg.RetryWaitMax != DefaultRetryWaitMax || c.cfg.RequestTimeout != DefaultRequestTimeout {
		t.Errorf("defaults not applied: %+v", c.cfg)
	}
	if c.cfg.UserAgent == "" {
		t.Error("no default User-Agent")
	}
	if got := c.SCIMTenantURL(); got != DefaultEndpoint+"/ng/api/scim/account/a" {
		t.Errorf("SCIMTenantURL = %q", got)
	}

	c, err = New(Config{AccountID: "a", APIKey: "k", Generation: FirstGen, MaxRetries: -1,
		RetryWaitMin: 10 * time.Second, RetryWaitMax: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.MaxRetries != 0 {
		t.Errorf("negative MaxRetries should disable retries, got %d", c.cfg.MaxRetries)
	}
	if c.cfg.RetryWaitMax != 10*time.Second {
		t.Errorf("RetryWaitMax below RetryWaitMin should be raised to it, got %s", c.cfg.RetryWaitMax)
	}
	if got := c.SCIMTenantURL(); got != DefaultEndpoint+"/api/scim/account/a" {
		t.Errorf("FirstGen SCIMTenantURL = %q", got)
	}

	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{APIKey: "k"}, "account ID is empty"},
		{Config{AccountID: "a"}, "API key is empty"},
		{Config{AccountID: "a", APIKey: "k", Generation: "thirdgen"}, "unknown SCIM generation"},
		{Config{AccountID: "a", APIKey: "k", Endpoint: "http://harness.example.com"}, "plain http://"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want error containing %q", tc.cfg, err, tc.want)
		}
	}
}

func TestValidateEndpoint(t *testing.T) {
	ok := map[string]string{
		"https://app.harness.io/gateway":    "https://app.harness.io/gateway",
		"https://app.harness.io/gateway/":   "https://app.harness.io/gateway",
		"https://app.harness.io/gateway//":  "https://app.harness.io/gateway",
		"https://harness.example.com":       "https://harness.example.com",
		"https://harness.example.com/":      "https://harness.example.com",
		"HTTPS://harness.example.com:8443/": "https://harness.example.com:8443",
		"http://127.0.0.1:8080":             "http://127.0.0.1:8080",
		"http://127.0.0.1:8080/":            "http://127.0.0.1:8080",
		"http://localhost:1234/gateway/":    "http://localhost:1234/gateway",
		"http://LOCALHOST":                  "http://LOCALHOST",
		"http://[::1]:9000":                 "http://[::1]:9000",
		"http://[::1]/":                     "http://[::1]",
	}
	for raw, want := range ok {
		u, err := ValidateEndpoint(raw)
		if err != nil {
			t.Errorf("ValidateEndpoint(%q): %v", raw, err)
			continue
		}
		if u.String() != want {
			t.Errorf("ValidateEndpoint(%q) = %q, want %q", raw, u.String(), want)
		}
	}
	bad := map[string]string{
		"http://app.harness.io/gateway":       "plain http://",
		"http://10.0.0.1:8080":                "plain http://",
		"http://localhost.example.com":        "plain http://",
		"http://[::2]:80":                     "plain http://",
		"ftp://app.harness.io":                "must start with https://",
		"ws://127.0.0.1":                      "must start with https://",
		"app.harness.io/gateway":              "has no host",
		"https:///gateway":                    "has no host",
		"localhost:8080":                      "has no host",
		"https://app.harness.io/gateway?x=1":  "query or fragment",
		"https://app.harness.io/gateway#frag": "query or fragment",
		"https://user:hunter2@app.harness.io": "must not carry credentials",
		"https://app.harness.io/%zz":          "is not a URL",
	}
	for raw, want := range bad {
		_, err := ValidateEndpoint(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateEndpoint(%q) = %v, want error containing %q", raw, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ValidateEndpoint(%q) error leaks the password: %v", raw, err)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"10.0.0.1": false, "example.com": false, "": false, "0.0.0.0": false, "::": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestRetryByStatus checks which statuses are retried: 429 and every 5xx
// but 501, each exactly MaxRetries times.
func TestRetryByStatus(t *testing.T) {
	// 429 is not here: it waits in the pacer, within the operation bound
	// (TestRateLimitedUntilOperationBound).
	retried := map[int]ErrorKind{
		500: KindServer, 502: KindServer, 503: KindServer, 504: KindServer,
		505: KindServer, 507: KindServer, 511: KindServer, 599: KindServer,
	}
	final := map[int]ErrorKind{
		400: KindValidation, 401: KindUnauthorized, 403: KindForbidden, 404: KindNotFound, 405: KindValidation,
		409: KindConflict, 412: KindConflict, 415: KindValidation, 422: KindValidation, 501: KindServer,
	}
	run := func(status int, kind ErrorKind, wantAttempts int) {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv := newScriptServer(t, step{status: status, body: `{"status":"ERROR","code":"X","message":"m"}`})
			c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 3 })
			_, err := post(t.Context(), c)
			apiErr, ok := AsAPIError(err)
			if !ok {
				t.Fatalf("error %v is not an *APIError", err)
			}
			if srv.requests() != wantAttempts || apiErr.Attempts != wantAttempts {
				t.Errorf("server saw %d requests, APIError.Attempts = %d, want %d", srv.requests(), apiErr.Attempts, wantAttempts)
			}
			if n := len(rec.recorded()); n != wantAttempts-1 {
				t.Errorf("%d waits recorded, want %d", n, wantAttempts-1)
			}
			if apiErr.Kind != kind || apiErr.StatusCode != status {
				t.Errorf("Kind %v StatusCode %d, want %v %d", apiErr.Kind, apiErr.StatusCode, kind, status)
			}
		})
	}
	for status, kind := range retried {
		run(status, kind, 4)
	}
	for status, kind := range final {
		run(status, kind, 1)
	}
}

func TestRetryThenSuccess(t *testing.T) {
	srv := newScriptServer(t,
		step{status: 503}, step{status: 429}, step{status: 502, body: "<html>bad gateway</html>"},
		step{status: 201, body: `{"id":"x"}`})
	c, rec := newTestClient(t, srv.URL, nil)
	resp, err := post(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if resp.status != 201 || resp.attempts != 4 || !resp.uncertain {
		t.Errorf("status %d attempts %d uncertain %v, want 201 4 true", resp.status, resp.attempts, resp.uncertain)
	}
	if srv.requests() != 4 || len(rec.recorded()) != 3 {
		t.Errorf("requests %d waits %d, want 4 and 3", srv.requests(), len(rec.recorded()))
	}
}

// TestRetryConnectionErrors covers a server that hangs up and one that is
// not listening at all.
func TestRetryConnectionErrors(t *testing.T) {
	t.Run("hang-up", func(t *testing.T) {
		srv := newScriptServer(t, step{hangUp: true}, step{hangUp: true}, step{status: 201, body: `{}`})
		c, rec := newTestClient(t, srv.URL, nil)
		resp, err := post(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		if srv.requests() != 3 || resp.attempts != 3 || !resp.uncertain || len(rec.recorded()) != 2 {
			t.Errorf("requests %d attempts %d uncertain %v waits %d, want 3 3 true 2",
				srv.requests(), resp.attempts, resp.uncertain, len(rec.recorded()))
		}
	})
	t.Run("hang-up-then-error", func(t *testing.T) {
		srv := newScriptServer(t, step{hangUp: true}, step{status: 409, body: `{"detail":"x","status":404}`})
		c, _ := newTestClient(t, srv.URL, nil)
		_, err := post(t.Context(), c)
		apiErr, ok := AsAPIError(err)
		if !ok || apiErr.Attempts != 2 || !apiErr.Uncertain || apiErr.Kind != KindConflict {
			t.Fatalf("got %#v, want a 409 conflict after 2 attempts marked uncertain", err)
		}
		if !strings.Contains(err.Error(), "(after 2 attempts)") {
			t.Errorf("error %q does not mention the attempts", err)
		}
	})
	t.Run("closed-listener", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		endpoint := srv.URL
		srv.Close()
		log := &recLogger{}
		c, rec := newTestClient(t, endpoint, func(cfg *Config) { cfg.MaxRetries = 2; cfg.Logger = log })
		_, err := post(t.Context(), c)
		if err == nil {
			t.Fatal("no error from a closed listener")
		}
		if _, ok := AsAPIError(err); ok {
			t.Errorf("a connection failure must not be an APIError: %v", err)
		}
		if !strings.Contains(err.Error(), "(after 3 attempts in ") || !strings.Contains(err.Error(), "raise max_retries") ||
			!strings.Contains(err.Error(), "connection refused") {
			t.Errorf("error %q does not say it made 3 attempts, what failed and what to raise", err)
		}
		if n := len(rec.recorded()); n != 2 {
			t.Errorf("%d waits, want 2", n)
		}
		if n := log.count("Harness API request failed"); n != 3 {
			t.Errorf("%d failed attempts logged, want 3", n)
		}
	})
}

func TestMaxRetries(t *testing.T) {
	for _, tc := range []struct {
		max, want int
	}{{-1, 1}, {0, DefaultMaxRetries + 1}, {1, 2}, {5, 6}} {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			srv := newScriptServer(t, step{status: 500})
			c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = tc.max })
			_, err := post(t.Context(), c)
			if !errors.Is(err, ErrServer) {
				t.Fatalf("err = %v, want ErrServer", err)
			}
			if srv.requests() != tc.want || len(rec.recorded()) != tc.want-1 {
				t.Errorf("requests %d waits %d, want %d and %d", srv.requests(), len(rec.recorded()), tc.want, tc.want-1)
			}
		})
	}
}

// window is the backoff window of an attempt: RetryWaitMin doubled per
// attempt, capped at RetryWaitMax.
func window(minWait, maxWait time.Duration, attempt int) time.Duration {
	w := minWait
	for i := 1; i < attempt; i++ {
		if w >= maxWait/2 {
			return maxWait
		}
		w *= 2
	}
	return min(w, maxWait)
}

func TestBackoffWindow(t *testing.T) {
	for _, tc := range []struct {
		name     string
		min, max time.Duration
	}{
		{"defaults", DefaultRetryWaitMin, DefaultRetryWaitMax},
		{"fast", 5 * time.Millisecond, 20 * time.Millisecond},
		{"equal", time.Second, time.Second},
		{"odd", 3 * time.Millisecond, 1000 * time.Millisecond},
		// A plain shift of such a wait overflows int64 within 20 attempts.
		{"huge", 1<<44 + 1, 1<<44 + 1},
		{"huge-range", 1 << 40, 1 << 62},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, "https://example.com", func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = tc.min, tc.max })
			for attempt := 1; attempt <= 70; attempt++ {
				w := window(tc.min, tc.max, attempt)
				distinct := map[time.Duration]bool{}
				for range 50 {
					d := c.backoff(attempt, 0)
					if d < w/2 || d > w || d > tc.max {
						t.Fatalf("attempt %d: wait %s outside [%s, %s] (max %s)", attempt, d, w/2, w, tc.max)
					}
					distinct[d] = true
				}
				if w >= 100 && len(distinct) < 2 {
					t.Errorf("attempt %d: 50 waits in a %s window were all %v: no jitter", attempt, w, distinct)
				}
			}
		})
	}
}

// TestBackoffThroughDo checks the waits do() actually asks for.
func TestBackoffThroughDo(t *testing.T) {
	srv := newScriptServer(t, step{status: 503})
	minWait, maxWait := 100*time.Millisecond, 3*time.Second
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 10, minWait, maxWait
	})
	if _, err := post(t.Context(), c); !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v", err)
	}
	waits := rec.recorded()
	if len(waits) != 10 {
		t.Fatalf("%d waits, want 10", len(waits))
	}
	for i, d := range waits {
		w := window(minWait, maxWait, i+1)
		if d < w/2 || d > w {
			t.Errorf("wait %d = %s, want within [%s, %s]", i+1, d, w/2, w)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	future := func(d time.Duration) string { return time.Now().Add(d).UTC().Format(http.TimeFormat) }
	for _, tc := range []struct {
		name     string
		status   int
		value    string
		max      time.Duration
		min, top time.Duration // expected range of the single wait
	}{
		{"seconds", 429, "7", time.Minute, 7 * time.Second, 7 * time.Second},
		{"seconds-on-503", 503, "2", time.Minute, 2 * time.Second, 2 * time.Second},
		{"seconds-capped", 429, "3600", 30 * time.Second, 30 * time.Second, 30 * time.Second},
		{"date", 429, future(10 * time.Minute), time.Hour, 10*time.Minute - 30*time.Second, 10 * time.Minute},
		{"date-capped", 503, future(time.Hour), 30 * time.Second, 30 * time.Second, 30 * time.Second},
		// Unusable values fall back to the backoff window of attempt 1.
		{"past-date", 429, "Wed, 21 Oct 2015 07:28:00 GMT", time.Minute, 500 * time.Millisecond, time.Second},
		{"zero", 429, "0", time.Minute, 500 * time.Millisecond, time.Second},
		{"negative", 429, "-5", time.Minute, 500 * time.Millisecond, time.Second},
		{"garbage", 429, "soon", time.Minute, 500 * time.Millisecond, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newScriptServer(t, step{status: tc.status, header: http.Header{"Retry-After": {tc.value}}}, step{status: 200})
			c, rec := newTestClient(t, srv.URL, func(cfg *Config) {
				cfg.RetryWaitMin, cfg.RetryWaitMax, cfg.OperationTimeout = time.Second, tc.max, 2*time.Hour
			})
			if _, err := post(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			waits := rec.recorded()
			if len(waits) != 1 || waits[0] < tc.min || waits[0] > tc.top {
				t.Errorf("waits %v, want one within [%s, %s]", waits, tc.min, tc.top)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2015, 10, 21, 7, 27, 30, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                                  0,
		"  12 ":                             12 * time.Second,
		"0":                                 0,
		"-1":                                0,
		"1.5":                               0,
		"Wed, 21 Oct 2015 07:28:00 GMT":     30 * time.Second,
		"Wednesday, 21-Oct-15 07:28:00 GMT": 30 * time.Second, // RFC 850
		"Wed Oct 21 07:28:00 2015":          30 * time.Second, // asctime
		"Wed, 21 Oct 2015 07:27:00 GMT":     0,
	} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

// TestContextCancelledWhileWaiting: cancelling during a backoff wait stops
// at once with the context's error.
func TestContextCancelledWhileWaiting(t *testing.T) {
	srv := newScriptServer(t, step{status: 503})
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 10 })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rec.hook = cancel
	_, err := post(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, ok := AsAPIError(err); ok {
		t.Errorf("a cancelled request must report the context error, not the last HTTP answer: %v", err)
	}
	if srv.requests() != 1 || len(rec.recorded()) != 1 {
		t.Errorf("requests %d waits %d, want 1 and 1", srv.requests(), len(rec.recorded()))
	}
}

// TestContextCancelledInFlight: cancelling while a request is in flight
// aborts it and retries nothing.
func TestContextCancelledInFlight(t *testing.T) {
	started := make(chan struct{})
	var once sync.Once
	var n atomic.Int32
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		n.Add(1)
		once.Do(func() { close(started) })
		select { // until the client gives up
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 10 })
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		<-started
		cancel()
	}()
	_, err := post(ctx, c)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n.Load() != 1 || len(rec.recorded()) != 0 {
		t.Errorf("requests %d waits %d, want 1 and 0", n.Load(), len(rec.recorded()))
	}
}

// TestRequestTimeoutPerAttempt: an attempt that exceeds RequestTimeout is
// abandoned and retried; the timeout does not apply to the whole call.
func TestRequestTimeoutPerAttempt(t *testing.T) {
	var n atomic.Int32
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if n.Add(1) == 1 {
			select { // hang until the client's per-attempt timeout
			case <-r.Context().Done():
			case <-done:
			}
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	defer close(done)
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RequestTimeout = 50 * time.Millisecond })
	resp, err := post(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if resp.status != http.StatusCreated || resp.attempts != 2 || !resp.uncertain || n.Load() != 2 || len(rec.recorded()) != 1 {
		t.Errorf("status %d attempts %d uncertain %v requests %d waits %d, want 201 2 true 2 1",
			resp.status, resp.attempts, resp.uncertain, n.Load(), len(rec.recorded()))
	}
}

func TestAttemptsAndUncertain(t *testing.T) {
	for _, tc := range []struct {
		name      string
		script    []step
		attempts  int
		uncertain bool
		kind      ErrorKind
	}{
		{"first-answer", []step{{status: 400}}, 1, false, KindValidation},
		{"after-5xx", []step{{status: 503}, {status: 400}}, 2, true, KindValidation},
		{"after-429", []step{{status: 429}, {status: 429}, {status: 404}}, 3, false, KindNotFound},
		{"after-hang-up", []step{{hangUp: true}, {status: 401}}, 2, true, KindUnauthorized},
		{"exhausted-5xx", []step{{status: 500}}, 4, true, KindServer},
		// The last 5xx itself does not count: only earlier attempts make
		// the outcome uncertain.
		{"single-5xx", []step{{status: 500}}, 1, false, KindServer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newScriptServer(t, tc.script...)
			c, _ := newTestClient(t, srv.URL, func(cfg *Config) {
				if tc.name == "single-5xx" {
					cfg.MaxRetries = -1
				}
			})
			_, err := post(t.Context(), c)
			apiErr, ok := AsAPIError(err)
			if !ok {
				t.Fatalf("err %v is not an APIError", err)
			}
			if apiErr.Attempts != tc.attempts || apiErr.Uncertain != tc.uncertain || apiErr.Kind != tc.kind {
				t.Errorf("Attempts %d Uncertain %v Kind %v, want %d %v %v", apiErr.Attempts, apiErr.Uncertain, apiErr.Kind,
					tc.attempts, tc.uncertain, tc.kind)
			}
			if srv.requests() != tc.attempts {
				t.Errorf("server saw %d requests, want %d", srv.requests(), tc.attempts)
			}
		})
	}
}

// headerRecorder remembers the headers of every request.
type headerRecorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (h *headerRecorder) server(t *testing.T, status int, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, r)
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (h *headerRecorder) last() *http.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reqs[len(h.reqs)-1]
}

func TestSCIMHeaders(t *testing.T) {
	h := &headerRecorder{}
	srv := h.server(t, 200, `{"id":"u1","userName":"a@example.com"}`)
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.UserAgent = "tf-test/1.0" })
	ctx := t.Context()

	if _, err := c.GetSCIMUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	r := h.last()
	if r.Method != http.MethodGet || r.URL.Path != "/ng/api/scim/account/"+testAccount+"/Users/u1" {
		t.Errorf("GET went to %s %s", r.Method, r.URL.Path)
	}
	checkSCIMHeaders(t, r, "tf-test/1.0", "")

	if _, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	checkSCIMHeaders(t, h.last(), "tf-test/1.0", "application/scim+json")
	if _, err := c.PatchSCIMUser(ctx, "u1", SCIMPatchOp{Op: "replace", Path: "displayName", Value: "A"}); err != nil {
		t.Fatal(err)
	}
	checkSCIMHeaders(t, h.last(), "tf-test/1.0", "application/scim+json")

	fg, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Generation = FirstGen; cfg.APIKey = "fg-api-key-value" })
	if _, err := fg.GetSCIMUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	r = h.last()
	if r.URL.Path != "/api/scim/account/"+testAccount+"/Users/u1" {
		t.Errorf("FirstGen GET went to %s", r.URL.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer fg-api-key-value" {
		t.Errorf("FirstGen Authorization = %q", got)
	}
	if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-harness-scim" {
		t.Errorf("default User-Agent = %q", ua)
	}
}

func checkSCIMHeaders(t *testing.T, r *http.Request, ua, contentType string) {
	t.Helper()
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("%s: Authorization = %q, want Bearer <key>", r.Method, got)
	}
	for _, h := range []string{"X-Api-Key", "Harness-Account"} {
		if v, ok := r.Header[h]; ok {
			t.Errorf("%s: SCIM request sent %s: %q", r.Method, h, v)
		}
	}
	if got := r.Header.Get("User-Agent"); got != ua {
		t.Errorf("%s: User-Agent = %q, want %q", r.Method, got, ua)
	}
	if got := r.Header.Get("Accept"); got != "application/scim+json, application/json" {
		t.Errorf("%s: Accept = %q", r.Method, got)
	}
	if got := r.Header.Get("Content-Type"); got != contentType {
		t.Errorf("%s: Content-Type = %q, want %q", r.Method, got, contentType)
	}
}

func TestNGRESTHeaders(t *testing.T) {
	h := &headerRecorder{}
	srv := h.server(t, 200, `{"status":"SUCCESS","data":{"identifier":"k1"}}`)
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.UserAgent = "tf-test/2.0" })
	var out struct {
		Data struct {
			Identifier string `json:"identifier"`
		} `json:"data"`
	}
	req := &request{method: http.MethodPost, path: "/ng/api/apikey", query: url.Values{"accountIdentifier": {testAccount}},
		body: map[string]string{"identifier": "k1"}, auth: authAPIKey}
	if _, err := c.do(t.Context(), req, &out); err != nil {
		t.Fatal(err)
	}
	if out.Data.Identifier != "k1" {
		t.Errorf("decoded %+v", out)
	}
	r := h.last()
	if r.URL.Path != "/ng/api/apikey" || r.URL.Query().Get("accountIdentifier") != testAccount {
		t.Errorf("request went to %s", r.URL)
	}
	want := map[string]string{
		"X-Api-Key": testKey, "Harness-Account": testAccount, "User-Agent": "tf-test/2.0",
		"Content-Type": "application/json", "Accept": "application/json", "Authorization": "",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	// A per-request key (an ephemeral check of another token) replaces the
	// configured one.
	other := "sat." + testAccount + ".abcdefabcdefabcdefabcdef.OtherSecret000000000"
	if _, err := c.do(t.Context(), &request{method: http.MethodGet, path: "/ng/api/apikey", auth: authAPIKey, apiKey: other}, nil); err != nil {
		t.Fatal(err)
	}
	if got := h.last().Header.Get("X-Api-Key"); got != other {
		t.Errorf("override key: x-api-key = %q", got)
	}
	if got := h.last().Header.Get("Content-Type"); got != "" {
		t.Errorf("GET without body sent Content-Type %q", got)
	}
}

// TestPathEscapedOnce: ids are escaped once, so odd ids reach the server
// intact instead of double-encoded.
func TestPathEscapedOnce(t *testing.T) {
	h := &headerRecorder{}
	srv := h.server(t, 200, `{"id":"x"}`)
	c, _ := newTestClient(t, srv.URL+"/gateway/", nil)
	if _, err := c.GetSCIMUser(t.Context(), "a b/c?d%e"); err != nil {
		t.Fatal(err)
	}
	r := h.last()
	wantPath := "/gateway/ng/api/scim/account/" + testAccount + "/Users/a b/c?d%e"
	if r.URL.Path != wantPath {
		t.Errorf("server saw path %q, want %q", r.URL.Path, wantPath)
	}
	if want := "/gateway/ng/api/scim/account/" + testAccount + "/Users/a%20b%2Fc%3Fd%25e"; r.URL.EscapedPath() != want {
		t.Errorf("escaped path %q, want %q", r.URL.EscapedPath(), want)
	}
	if r.URL.RawQuery != "" {
		t.Errorf("id leaked into the query: %q", r.URL.RawQuery)
	}
}

// TestSuccessBodyHandling: empty bodies decode to nothing; undecodable
// bodies are an error naming the request.
func TestSuccessBodyHandling(t *testing.T) {
	srv := newScriptServer(t, step{status: 204}, step{status: 200, body: "<html>ok</html>"})
	c, _ := newTestClient(t, srv.URL, nil)
	u, err := c.PatchSCIMUser(t.Context(), "u1", SCIMPatchOp{Op: "replace", Path: "active", Value: false})
	if err != nil || u != nil {
		t.Fatalf("204: got %v, %v; want nil, nil", u, err)
	}
	_, err = c.GetSCIMUser(t.Context(), "u1")
	if err == nil || !strings.Contains(err.Error(), "decoding GET") {
		t.Fatalf("non-JSON 200: err = %v", err)
	}
}
