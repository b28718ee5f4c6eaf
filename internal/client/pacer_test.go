package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// maxInWindow is the most requests any window of length w holds: the
// strictest count a gateway could make of times.
func maxInWindow(times []time.Time, w time.Duration) int {
	sorted := slices.Clone(times)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi, t := range sorted {
		for !sorted[lo].After(t.Add(-w)) {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// TestPacerWindowBound: for any budget N, however many callers ask at once,
// no window of the pacing window's length holds more than N slots, and the
// first N/20 go at once.
func TestPacerWindowBound(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, limit := range []int{2, 3, 19, 20, 21, 100, 950, 1000, 5000} {
		p := newPacer(limit)
		var slots []time.Time
		for range 3 * limit {
			at, _, err := p.reserve(start, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			slots = append(slots, at)
		}
		if got := maxInWindow(slots, time.Minute); got > limit {
			t.Errorf("limit %d: %d slots in one minute", limit, got)
		}
		burst := max(1, limit/burstDivisor)
		if !slots[burst-1].Equal(start) || slots[burst].Equal(start) {
			t.Errorf("limit %d: burst of %d expected at once; slots %v %v", limit, burst, slots[burst-1], slots[burst])
		}
	}
	if p := newPacer(DefaultMaxRequestsPerMinute); p.burst != 47 || p.interval.Round(time.Millisecond) != 66*time.Millisecond {
		t.Errorf("default: burst %d interval %s, want 47 and 66ms", p.burst, p.interval)
	}
	if p := newPacer(-1); p.interval != 0 {
		t.Errorf("a disabled pacer has interval %s", p.interval)
	}
}

// TestPacerPausesBackOffAndRecover: consecutive 429s lengthen the pause and
// halve the rate each time; 429s to requests sent before a pause do not
// count again; successes restore the full rate one doubling per half
// window.
func TestPacerPausesBackOffAndRecover(t *testing.T) {
	p := newPacer(960)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var strikes []int
	pauseFor := func(n int) time.Duration { strikes = append(strikes, n); return time.Duration(n) * time.Second }
	full := p.perMinute()
	for i := 1; i <= 3; i++ {
		_, tk, _ := p.reserve(now, time.Time{})
		stale := tk
		if wait := p.throttled(tk, now, pauseFor); wait != time.Duration(i)*time.Second {
			t.Fatalf("pause %d: %s", i, wait)
		}
		if wait := p.throttled(stale, now, pauseFor); wait != 0 {
			t.Errorf("a second 429 from the same epoch opened another pause")
		}
		now = now.Add(time.Duration(i) * time.Second)
	}
	if !slices.Equal(strikes, []int{1, 2, 3}) || p.perMinute() != full/8 || p.pauses != 3 {
		t.Fatalf("strikes %v, rate %d/min (full %d), pauses %d", strikes, p.perMinute(), full, p.pauses)
	}
	// After a pause the bucket is empty: the next slots are spaced at the
	// lowered rate, without a burst.
	a, tk, _ := p.reserve(now, time.Time{})
	b, _, _ := p.reserve(now, time.Time{})
	if b.Sub(a) != p.emission() || a.Before(p.pausedUntil) {
		t.Errorf("after the pause: slots %s apart from %s, want %s from the pause's end", b.Sub(a), a, p.emission())
	}
	p.succeeded(tk, now)
	if p.strikes != 0 || p.perMinute() != full/8 {
		t.Errorf("a success right after the pause: strikes %d rate %d", p.strikes, p.perMinute())
	}
	for step := 1; step <= 3; step++ {
		now = now.Add(p.recoverEvery)
		p.succeeded(tk, now)
	}
	if p.perMinute() != full {
		t.Errorf("rate %d/min after recovering, want %d", p.perMinute(), full)
	}
	// The slowdown is capped.
	for range 20 {
		_, tk, _ := p.reserve(now, time.Time{})
		p.throttled(tk, now, pauseFor)
	}
	if p.slowdown != maxSlowdown {
		t.Errorf("slowdown %d, want the cap %d", p.slowdown, maxSlowdown)
	}
}

// TestOneRequestOneToken: every attempt, retries and 429s included, takes
// exactly one token, and nothing else does.
func TestOneRequestOneToken(t *testing.T) {
	srv := newScriptServer(t, step{status: 503}, step{status: 429}, step{status: 502}, step{status: 429}, step{status: 201, body: `{}`})
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 5 })
	resp, err := post(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if c.pacer.taken.Load() != 5 || srv.requests() != 5 || resp.attempts != 5 {
		t.Errorf("tokens %d, requests %d, attempts %d; want 5 each", c.pacer.taken.Load(), srv.requests(), resp.attempts)
	}
	if c.pacer.pauses != 2 {
		t.Errorf("%d pauses, want one per 429", c.pacer.pauses)
	}
}

// handlerTransport sends requests straight to a handler, without a
// network, so a client and the mock can share a synctest bubble (fake
// time: waits and latencies take no wall time, and are exact).
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil { // a server's request always has a body
		r = r.Clone(r.Context())
		r.Body = http.NoBody
	}
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	resp := w.Result()
	resp.Request = r
	return resp, nil
}

// newBubbleClient is a client of h for use inside synctest.Test.
func newBubbleClient(t *testing.T, h http.Handler, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{Endpoint: "http://127.0.0.1", AccountID: testAccount, APIKey: testKey,
		HTTPClient: &http.Client{Transport: handlerTransport{h}}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// arrivals records when requests arrive and answers 201.
type arrivals struct {
	mu    sync.Mutex
	times []time.Time
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	a.mu.Lock()
	a.times = append(a.times, time.Now())
	a.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

// TestBudgetSharedByConcurrentCallers: eight callers share one budget: no
// minute holds more than the Client's budget (eight budgets would allow
// eight times as many), and the budget is used, not wasted.
func TestBudgetSharedByConcurrentCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit, callers, each = 120, 8, 40
		arr := &arrivals{}
		c := newBubbleClient(t, arr, func(cfg *Config) { cfg.MaxRequestsPerMinute = limit })
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				for range each {
					if _, err := post(t.Context(), c); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		got := maxInWindow(arr.times, time.Minute)
		if got > limit || got < limit-1 {
			t.Errorf("busiest minute held %d requests, want the shared budget of %d", got, limit)
		}
		if len(arr.times) != callers*each || c.pacer.taken.Load() != callers*each {
			t.Errorf("%d requests, %d tokens; want %d", len(arr.times), c.pacer.taken.Load(), callers*each)
		}
	})
}

// TestPacedBurstNeverExceedsBudget: 2,000 reads from 50 callers against a
// mock Harness limited to the client's own budget per minute: no 429, no
// minute over budget at the mock, and the budget used to the full (the
// run takes the rate limit's floor in fake time, no more).
func TestPacedBurstNeverExceedsBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mock, ids := newLimitedMock(t, 950, time.Minute, 0, 50)
		c := newBubbleClient(t, mock, func(cfg *Config) { cfg.APIKey, cfg.AccountID = mock.Token(), mock.AccountID() })
		start := time.Now()
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				for range 40 {
					if _, err := c.GetSCIMUser(t.Context(), ids[i]); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		elapsed := time.Since(start)
		var times []time.Time
		for _, r := range mock.Requests() {
			times = append(times, r.Time)
		}
		if n := mock.RateLimited(); n != 0 {
			t.Errorf("%d requests answered 429", n)
		}
		if got := maxInWindow(times, time.Minute); got > 950 {
			t.Errorf("the mock saw %d requests in one minute", got)
		}
		floor := time.Duration(2000-c.pacer.burst) * c.pacer.interval
		if len(times) != 2000 || elapsed < floor-c.pacer.interval || elapsed > floor+time.Second {
			t.Errorf("%d requests in %s of fake time; the pacing floor is %s", len(times), elapsed, floor)
		}
	})
}

// TestPauseLoggedOnce: a burst of requests all answered 429 (all in flight
// when the first answer comes back) makes one pause, logged once at INFO
// with its wait; then every request completes.
func TestPauseLoggedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		n := 0
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n++
			refuse := n <= 8
			mu.Unlock()
			time.Sleep(80 * time.Millisecond) // all eight are in flight together
			if refuse {
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			w.WriteHeader(http.StatusCreated)
		})
		log := &recLogger{}
		c := newBubbleClient(t, h, func(cfg *Config) { cfg.Logger = log })
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if _, err := post(t.Context(), c); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		infos := log.infos()
		if len(infos) != 1 || c.pacer.pauses != 1 || n != 16 {
			t.Fatalf("%d info lines, %d pauses, %d requests; want 1, 1, 16:\n%s", len(infos), c.pacer.pauses, n, log.text())
		}
		if !strings.Contains(infos[0].msg, "pausing every request") || infos[0].fields["wait"] == "" ||
			infos[0].fields["retry_after_header"] != false || infos[0].fields["max_requests_per_minute_now"] != c.pacer.perMinute() {
			t.Errorf("info line %+v", infos[0])
		}
	})
}

// TestWaitsEndWithContextOrBound: a caller waiting for the budget or a
// pause stops when its context ends, and does not start a wait the
// operation bound cannot cover.
func TestWaitsEndWithContextOrBound(t *testing.T) {
	t.Run("budget-wait-cancelled", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := newBubbleClient(t, &arrivals{}, func(cfg *Config) { cfg.MaxRequestsPerMinute = 2 }) // one per minute after the first
			if _, err := post(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			start := time.Now()
			_, err := post(ctx, c)
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 5*time.Second {
				t.Errorf("err %v after %s, want the context's deadline after 5s", err, time.Since(start))
			}
		})
	})
	t.Run("budget-wait-past-bound", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			arr := &arrivals{}
			c := newBubbleClient(t, arr, func(cfg *Config) { cfg.MaxRequestsPerMinute, cfg.OperationTimeout = 2, 30*time.Second })
			if _, err := post(t.Context(), c); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err := post(t.Context(), c)
			if err == nil || time.Since(start) != 0 || len(arr.times) != 1 ||
				!strings.Contains(err.Error(), "not sent: the wait for the request budget (1m0s) would end past the operation bound") ||
				!strings.Contains(err.Error(), "raise operation_timeout (30s)") {
				t.Errorf("err %v after %s with %d requests; want an immediate error naming operation_timeout", err, time.Since(start), len(arr.times))
			}
		})
	})
	t.Run("pause-cancelled", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "20")
				w.WriteHeader(http.StatusTooManyRequests)
			})
			c := newBubbleClient(t, h, nil)
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
			defer cancel()
			start := time.Now()
			_, err := post(ctx, c)
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 3*time.Second {
				t.Errorf("err %v after %s, want the context's deadline after 3s", err, time.Since(start))
			}
		})
	})
}

func TestParallelismFollowsTheBudget(t *testing.T) {
	for _, tc := range []struct {
		perMinute, want int
	}{
		{perMinute: 0, want: DefaultMaxRequestsPerMinute / burstDivisor},
		{perMinute: -1, want: 16},
		{perMinute: 10, want: 1},
		{perMinute: 100_000, want: 64},
	} {
		c, err := New(Config{Endpoint: "http://127.0.0.1:1", AccountID: "a", APIKey: "k", MaxRequestsPerMinute: tc.perMinute})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Parallelism(); got != tc.want {
			t.Errorf("max_requests_per_minute %d: Parallelism() = %d, want %d", tc.perMinute, got, tc.want)
		}
	}
}
