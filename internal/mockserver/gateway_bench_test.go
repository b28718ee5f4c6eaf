package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkGateway measures the requests per second the mock serves in
// process (no network) for a SCIM user read, a refresh's request, without
// a rate limit, with one that admits everything, and with one that refuses
// everything (Cloud Armor's 429 only).
func BenchmarkGateway(b *testing.B) {
	for _, bc := range []struct {
		name  string
		limit RateLimit
	}{
		{"no-limit", RateLimit{}},
		{"limit-admits", RateLimit{Requests: 1 << 30, Window: time.Second}},
		{"limit-refuses", RateLimit{Requests: 1, Window: time.Hour}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := New(Options{RateLimit: bc.limit})
			u := srv.SeedUser(UserSpec{Email: "bench@example.com", DisplayName: "Bench"})
			path := "/ng/api/scim/account/" + srv.AccountID() + "/Users/" + u.ID
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := httptest.NewRequest(http.MethodGet, path, nil)
					r.Header.Set("Authorization", "Bearer "+srv.Token())
					w := httptest.NewRecorder()
					srv.ServeHTTP(w, r)
					if w.Code != http.StatusOK && w.Code != http.StatusTooManyRequests {
						b.Errorf("status %d", w.Code)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// BenchmarkLimiterAdmit measures the rate limit's decision alone, for one
// key at Harness's budget, arrivals a millisecond apart.
func BenchmarkLimiterAdmit(b *testing.B) {
	l := newLimiter(RateLimit{Requests: 1000, Window: time.Minute})
	now := time.Now()
	for i := range b.N {
		l.admit("pat.key", now.Add(time.Duration(i)*time.Millisecond))
	}
}
