package mockserver

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Request is one entry of the request log.
type Request struct {
	Time time.Time
	// Op is the operation name, shared by the NextGen and FirstGen variants
	// of a route (e.g. "CreateUser"); empty for unknown routes.
	Op string
	// Pattern is the matched route, e.g. "GET /ng/api/scim/account/{accountIdentifier}/Users/{id}".
	Pattern  string
	Method   string
	Path     string
	Query    string
	Status   int
	Duration time.Duration
	// Principal is who the request authenticated as: "USER:<id>" for a
	// configured token, "<key type>:<parent>/<api key>/<token>" for a
	// minted one; empty when authentication failed.
	Principal string
	// RateLimited marks a 429 from the rate limit (Options.RateLimit),
	// which never reached Harness.
	RateLimited bool
}

func (s *Server) record(r *http.Request, op, pattern string, status int, start time.Time, who principal) {
	s.recordRequest(Request{
		Time: start, Op: op, Pattern: pattern, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.RawQuery, Status: status, Duration: time.Since(start), Principal: who.String(),
	})
}

func (s *Server) recordRequest(req Request) {
	s.mu.Lock()
	s.log = append(s.log, req)
	s.mu.Unlock()
	if w := s.opts.LogWriter; w != nil {
		// Requests finish concurrently; one writer at a time keeps lines
		// whole and lets tests pass a plain bytes.Buffer.
		s.logMu.Lock()
		defer s.logMu.Unlock()
		name := req.Op
		if name == "" {
			name = "-"
		}
		if req.RateLimited {
			name += " rate-limited"
		}
		path := req.Path
		if req.Query != "" {
			path += "?" + req.Query
		}
		_, _ = fmt.Fprintf(w, "%s %s %s %d %s %s\n", req.Time.UTC().Format(time.RFC3339), req.Method, path,
			req.Status, req.Duration.Round(time.Microsecond), name)
	}
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Count returns how many logged requests had operation op.
func (s *Server) Count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.Op == op {
			n++
		}
	}
	return n
}

// Counts returns the number of logged requests per operation; requests to
// unknown routes count under "".
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[string]int{}
	for _, r := range s.log {
		m[r.Op]++
	}
	return m
}

// CountsString renders Counts compactly and deterministically, e.g.
// "CreateUser=1 GetUser=2", for test failure messages.
func CountsString(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		name := k
		if name == "" {
			name = "(unknown route)"
		}
		parts = append(parts, fmt.Sprintf("%s=%d", name, m[k]))
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, " ")
}
