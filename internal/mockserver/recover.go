package mockserver

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
)

// The mock's last line of defence: a handler that panics answers what
// Harness answers for an unexpected exception instead of dropping the
// connection, and the panic is counted so tests can assert there was none.

// PanicCount is the number of handler panics the server recovered from.
// Tests assert it is zero: a panic is a bug in the mock.
func (s *Server) PanicCount() int64 { return s.panics.Load() }

// recoverHandler is deferred around a handler (in serve, before the request
// is logged, so the log shows the 500). http.ErrAbortHandler, the mock's
// deliberate hang-up, passes through.
func (s *Server) recoverHandler(rec *recorder, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	s.recovered(rec, r, v, rec.wroteHeader)
	rec.status = http.StatusInternalServerError
}

// recoverOuter is deferred in ServeHTTP for whatever runs outside a
// handler (routing, other middleware).
func (s *Server) recoverOuter(w *guardWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if w.hijacked {
		panic(v)
	}
	s.recovered(w, r, v, w.wroteHeader)
}

// recovered counts and logs a panic and answers 500, or, when the answer
// has already started, aborts the connection (a half-written body cannot
// be repaired).
func (s *Server) recovered(w http.ResponseWriter, r *http.Request, v any, started bool) {
	if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
		panic(v)
	}
	s.panics.Add(1)
	s.logPanic(r, v)
	if started {
		panic(http.ErrAbortHandler)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeDefaultError(w) // FirstGen's GenericExceptionMapper
		return
	}
	writeUnknownError(w) // NextGen's GenericExceptionMapperV2
}

// logPanic writes the panic and its stack to the log writer, if any.
func (s *Server) logPanic(r *http.Request, v any) {
	if s.opts.LogWriter == nil {
		return
	}
	msg := fmt.Sprintf("mock: PANIC serving %s %s: %v\n%s", r.Method, r.URL.Path, v, debug.Stack())
	s.logMu.Lock()
	defer s.logMu.Unlock()
	_, _ = s.opts.LogWriter.Write([]byte(msg))
}

// guardWriter remembers whether the answer started or the connection was
// taken over, for recoverOuter. It passes Hijack and Flush through.
type guardWriter struct {
	http.ResponseWriter
	wroteHeader, hijacked bool
}

func (g *guardWriter) WriteHeader(code int) {
	g.wroteHeader = true
	g.ResponseWriter.WriteHeader(code)
}

func (g *guardWriter) Write(b []byte) (int, error) {
	g.wroteHeader = true
	return g.ResponseWriter.Write(b)
}

func (g *guardWriter) Flush() {
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		g.wroteHeader = true
		f.Flush()
	}
}

func (g *guardWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := g.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	g.hijacked = true
	return hj.Hijack()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (g *guardWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
