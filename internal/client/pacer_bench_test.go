package client

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// okHandler answers every request 200 with a small body, in process.
var okHandler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"id":"u1"}`))
})

// BenchmarkPacingOverhead measures a whole call (do, with an in-process
// transport, no network) without pacing and with a budget so large that
// nothing waits: the difference is the pacer's bookkeeping per request.
func BenchmarkPacingOverhead(b *testing.B) {
	for _, bc := range []struct {
		name  string
		limit int
	}{{"unpaced", -1}, {"paced", 1_000_000_000}} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := New(Config{Endpoint: "http://127.0.0.1", AccountID: testAccount, APIKey: testKey,
				MaxRequestsPerMinute: bc.limit, HTTPClient: &http.Client{Transport: handlerTransport{okHandler}}})
			if err != nil {
				b.Fatal(err)
			}
			req := &request{method: http.MethodGet, path: "/ng/api/scim/account/x/Users/u1", scim: true}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var out struct{ ID string }
				for pb.Next() {
					if _, err := c.do(b.Context(), req, &out); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkPacerTake measures the pacer alone: a token and a success.
func BenchmarkPacerTake(b *testing.B) {
	p := newPacer(1_000_000_000)
	clk := &realClock{}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tk, err := p.take(b.Context(), clk, time.Time{})
			if err != nil {
				b.Error(err)
				return
			}
			p.succeeded(tk, clk.now())
		}
	})
}

type realClock struct{}

func (*realClock) now() time.Time { return time.Now() }
func (*realClock) sleep(ctx context.Context, d time.Duration) error {
	return sleepCtx(ctx, d)
}
