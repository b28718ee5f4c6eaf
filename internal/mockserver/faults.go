package mockserver

import (
	"net/http"
	"time"
)

// Fault changes how the server answers matching requests.
type Fault struct {
	// Op matches an operation name ("CreateUser"); empty matches every route.
	Op string
	// Method additionally matches an HTTP method; empty matches any.
	Method string
	// Nth fires the fault from the Nth matching request on (1-based; 0 or
	// 1 means the first).
	Nth int
	// Times is how many matching requests the fault affects from Nth on:
	// 0 means once, a negative value means every one.
	Times int

	// Status, when set, answers with this status, Header and Body instead
	// of handling the request (the store is not touched).
	Status int
	Header http.Header
	Body   string
	// Latency delays the answer (before Status or normal handling).
	Latency time.Duration
	// DropAfterCommit handles the request (committing any change) and then
	// closes the connection without answering.
	DropAfterCommit bool
	// LatencyAfterCommit handles the request (committing any change) and
	// then delays the answer: a client killed meanwhile never learns that
	// its change was made. The request is logged when it is answered, or
	// with status 499 when the client hung up first.
	LatencyAfterCommit time.Duration

	seen  int
	fired int
}

// FaultHandle reports on an injected fault.
type FaultHandle struct {
	s *Server
	f *Fault
}

// InjectFault adds f; faults are checked in the order they were added and
// the first one that fires wins.
func (s *Server) InjectFault(f Fault) *FaultHandle {
	s.mu.Lock()
	defer s.mu.Unlock()
	fc := f
	s.faults = append(s.faults, &fc)
	return &FaultHandle{s: s, f: &fc}
}

// Fired is how many requests the fault has affected.
func (h *FaultHandle) Fired() int {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.f.fired
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// matchFault returns a copy of the fault that fires for this request.
func (s *Server) matchFault(op, method string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if (f.Op != "" && f.Op != op) || (f.Method != "" && f.Method != method) {
			continue
		}
		f.seen++
		nth := max(f.Nth, 1)
		if f.seen < nth {
			continue
		}
		if f.Times >= 0 && f.fired >= max(f.Times, 1) {
			continue
		}
		f.fired++
		cp := *f
		return &cp
	}
	return nil
}
