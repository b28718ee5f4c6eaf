package client

import (
	"net/http"
	"sync"
	"time"
)

// serverClock bounds Harness's clock from the Date header of its answers,
// so that a time the client sends as "already passed" (a token's validFrom)
// has passed on Harness too, whatever the skew between the two clocks.
//
// A Date header is Harness's time when it answered, truncated to the
// second, so Harness's clock read at least that when the answer arrived,
// and at least that plus the local time elapsed since then afterwards.
type serverClock struct {
	mu sync.Mutex
	// date is the last Date header seen, received is the local time it
	// arrived; date is zero before the first answer with one.
	date, received time.Time
}

// noDateMargin is how far the local clock is assumed to be ahead of
// Harness's at most before any answer carried a Date header.
const noDateMargin = 5 * time.Minute

// observe records an answer's Date header (ignored when missing or
// unparsable), received at local time now.
func (s *serverClock) observe(header string, now time.Time) {
	if header == "" {
		return
	}
	d, err := http.ParseTime(header)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.date, s.received = d, now
}

// notAfter returns a time that has certainly passed on Harness's clock
// when the local clock reads now: the local time, or less when Harness's
// clock is behind; noDateMargin before now when no Date was seen yet.
func (s *serverClock) notAfter(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.date.IsZero() {
		return now.Add(-noDateMargin)
	}
	if bound := s.date.Add(now.Sub(s.received)); bound.Before(now) {
		return bound
	}
	return now
}
