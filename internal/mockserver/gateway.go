package mockserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The gateway in front of Harness, as the mock plays it: Google Cloud
// Armor's per-key rate limit and the network's latency.
//
// What is known, and from where:
//   - Harness SaaS allows 1000 requests per minute per API key and 5000 per
//     10 s per IP; over a limit the answer is 429, and "Retry-After in the
//     429 error responses is not currently supported by Google Cloud Armor"
//     (developer.harness.io/docs/platform/rate-limits; docs/design/harness-api.md 6.3).
//   - Harness's own code does not rate-limit the routes the mock serves:
//     harness-core's AuthenticationFilter.filter returns before its only
//     per-key limiter (ensureValidQPM, a Guava RateLimiter in
//     ExternalApiRateLimitingServiceImpl, answering 429 "Too Many requests.
//     Throttled. Max QPS: ...") for SCIM, which applies only to FirstGen's
//     external API; GraphQLRateLimiter and LoginRateLimitFilter guard other
//     routes, and ErrorCode.TOO_MANY_REQUESTS is not raised on NextGen's.
//     So a 429 on SCIM or NextGen API-key routes comes from Cloud Armor.
//   - Cloud Armor's rate-based rules (throttle, rate_based_ban) count
//     requests per key over rate_limit_threshold {count, interval_sec} and
//     answer the excess with the rule's exceed_action, deny(403|404|429|502)
//     (cloud.google.com/armor/docs/rate-limiting-overview). An HTTP_HEADER
//     key is the header's value truncated to 128 bytes.
//   - A deny(429) answer is Google's generic error page: the body below,
//     observed verbatim from a throttle rule (count 10 per 60 s) in a public
//     Cloud Armor walkthrough; the same 134-byte template is reported for a
//     Cloud Armor 403.
//
// Guesses, marked as such:
//   - [guess] The key is the credential: x-api-key for NextGen REST, and the
//     Authorization header for SCIM, which sends no x-api-key. Harness does
//     not document how its rule keys SCIM requests.
//   - [guess] Cloud Armor does not document how it counts within the
//     interval. The mock takes the strictest reading: at most Requests
//     admitted in ANY window of length Window (a sliding log of admission
//     times per key), so a client that never trips the mock trips no fixed
//     or sliding window counter of the same budget either.
//   - [guess] Refused requests do not count (a throttle admits the
//     conforming rate); a rate_based_ban, which keeps refusing for
//     ban_duration_sec, is not modelled.
//   - [guess] Content-Type text/html; charset=UTF-8, as Google's front end
//     serves its error pages.

// cloudArmor429Body is Google's generic error page for a 429.
const cloudArmor429Body = `<!doctype html><meta charset="utf-8"><meta name=viewport content="width=device-width, ` +
	`initial-scale=1"><title>429</title>429 Too Many Requests`

// RateLimit is a request budget per API key, as Cloud Armor enforces it.
type RateLimit struct {
	// Requests is how many requests one key may send in any Window; 0
	// disables the limit.
	Requests int
	Window   time.Duration
	// RetryAfter adds a Retry-After header (whole seconds until the window
	// admits the key's next request). Cloud Armor sends none, so false is
	// the realistic setting.
	RetryAfter bool
}

// ParseRateLimit reads a budget such as "1000/min", "10/s" or "50/10s"
// ("0", "off" or "" disable it).
func ParseRateLimit(s string) (RateLimit, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" || strings.EqualFold(s, "off") {
		return RateLimit{}, nil
	}
	n, unit, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || count <= 0 {
		return RateLimit{}, fmt.Errorf("rate limit %q: want REQUESTS/WINDOW with REQUESTS > 0, such as 1000/min, 10/s or 50/10s", s)
	}
	window, err := parseWindow(strings.TrimSpace(unit))
	if err != nil {
		return RateLimit{}, fmt.Errorf("rate limit %q: %w", s, err)
	}
	return RateLimit{Requests: count, Window: window}, nil
}

var windowUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hour": time.Hour, "hours": time.Hour,
}

// parseWindow reads "s", "min", "10s", "2min" or any time.ParseDuration.
func parseWindow(u string) (time.Duration, error) {
	u = strings.ToLower(u)
	digits := strings.TrimRight(u, "abcdefghijklmnopqrstuvwxyz")
	if unit, ok := windowUnits[u[len(digits):]]; ok && strings.Trim(digits, "0123456789") == "" {
		k := 1
		if digits != "" {
			var err error
			if k, err = strconv.Atoi(digits); err != nil || k <= 0 {
				return 0, fmt.Errorf("window %q is not a positive duration", u)
			}
		}
		return time.Duration(k) * unit, nil
	}
	d, err := time.ParseDuration(u)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("window %q is not a positive duration (s, min, h, 10s, 500ms, ...)", u)
	}
	return d, nil
}

// String renders the budget as ParseRateLimit reads it.
func (l RateLimit) String() string {
	if l.Requests <= 0 {
		return "off"
	}
	switch l.Window {
	case time.Second:
		return fmt.Sprintf("%d/s", l.Requests)
	case time.Minute:
		return fmt.Sprintf("%d/min", l.Requests)
	}
	return fmt.Sprintf("%d/%s", l.Requests, l.Window)
}

// limiter is a sliding log of admission times per key.
type limiter struct {
	mu    sync.Mutex
	limit RateLimit
	keys  map[string]*admissions
}

// admissions are one key's admission times within the window, oldest
// first, from head on.
type admissions struct {
	times []time.Time
	head  int
}

func newLimiter(l RateLimit) *limiter {
	if l.Requests <= 0 || l.Window <= 0 {
		return nil
	}
	return &limiter{limit: l, keys: map[string]*admissions{}}
}

// admit decides a request of key arriving at now. A refused request gets
// the time until the key's oldest admission leaves the window.
func (l *limiter) admit(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.keys[key]
	if a == nil {
		if len(l.keys) >= 1024 {
			l.forgetIdle(now)
		}
		a = &admissions{}
		l.keys[key] = a
	}
	a.expire(now.Add(-l.limit.Window))
	if len(a.times)-a.head >= l.limit.Requests {
		return false, a.times[a.head].Add(l.limit.Window).Sub(now)
	}
	a.times = append(a.times, now)
	return true, 0
}

// expire drops admissions at or before cutoff.
func (a *admissions) expire(cutoff time.Time) {
	for a.head < len(a.times) && !a.times[a.head].After(cutoff) {
		a.head++
	}
	if a.head > 0 && a.head >= len(a.times)/2 {
		a.times = append(a.times[:0], a.times[a.head:]...)
		a.head = 0
	}
}

// forgetIdle drops keys with nothing left in the window, so a flood of
// made-up tokens cannot grow the map without bound.
func (l *limiter) forgetIdle(now time.Time) {
	for k, a := range l.keys {
		if a.expire(now.Add(-l.limit.Window)); a.head == len(a.times) {
			delete(l.keys, k)
		}
	}
}

// rateLimitKey is the credential a request carries, as a Cloud Armor
// HTTP_HEADER key: at most 128 bytes.
func rateLimitKey(r *http.Request) string {
	k := r.Header.Get("x-api-key")
	if k == "" {
		k = r.Header.Get("Authorization")
	}
	if len(k) > 128 {
		k = k[:128]
	}
	return k
}

// gate plays the gateway: the rate limit decides on arrival, then the
// latency passes. It reports whether the request goes on to Harness; when
// not, it has answered and logged it.
func (s *Server) gate(w http.ResponseWriter, r *http.Request) bool {
	if s.limiter == nil && s.opts.Latency <= 0 {
		return true
	}
	start := time.Now()
	admitted, retryAfter := true, time.Duration(0)
	if s.limiter != nil {
		admitted, retryAfter = s.limiter.admit(rateLimitKey(r), start)
	}
	if s.opts.Latency > 0 && !delay(r, s.opts.Latency) {
		s.recordGateway(r, start, 499, false) // the client hung up
		return false
	}
	if admitted {
		return true
	}
	if s.opts.RateLimit.RetryAfter {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(time.Second, retryAfter+time.Second-1)/time.Second)))
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = io.WriteString(w, cloudArmor429Body)
	s.recordGateway(r, start, http.StatusTooManyRequests, true)
	return false
}

// delay waits d, or returns false as soon as the client hangs up. net/http
// notices a hang-up only once the request body was read, so it reads it
// first (and puts it back for the handler).
func delay(r *http.Request, d time.Duration) bool {
	if r.Body != nil { // nil only when a test calls ServeHTTP with a client request
		data, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if err != nil {
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// recordGateway logs a request the gateway answered itself.
func (s *Server) recordGateway(r *http.Request, start time.Time, status int, limited bool) {
	_, pattern := s.mux.Handler(r)
	op := s.ops[pattern]
	if op == "" {
		pattern = ""
	}
	s.recordRequest(Request{
		Time: start, Op: op, Pattern: pattern, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: status, Duration: time.Since(start), RateLimited: limited,
	})
}

// RateLimited is how many requests the rate limit answered with 429.
func (s *Server) RateLimited() int {
	n := 0
	for _, c := range s.RateLimitedCounts() {
		n += c
	}
	return n
}

// RateLimitedCounts is RateLimited per operation ("" for unknown routes).
// Counts includes these requests too: subtract them for what reached
// Harness.
func (s *Server) RateLimitedCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, r := range s.log {
		if r.RateLimited && r.Status == http.StatusTooManyRequests {
			m[r.Op]++
		}
	}
	return m
}
