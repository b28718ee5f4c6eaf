// Package mockserver is an in-memory Harness that speaks the SCIM 2.0 and
// NextGen API-key, token and service-account APIs the way Harness does,
// quirks included (docs/design/harness-api.md, researched from Harness's
// server code; comments cite its sections and the harness-core class and
// method they follow). Tests drive it through Go methods: out-of-band edits, a request
// log with per-operation counts, and fault injection. The standalone command
// internal/cmd/harness-mock serves it for module authors.
package mockserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAccountID and DefaultToken are used when Options leaves them empty.
const (
	DefaultAccountID = "mockaccount0000000000A"
	DefaultToken     = "pat.mockaccount0000000000A.000000000000000000000000.MockAdminToken000000"
	// AdminUserID is the Harness user that owns the admin tokens. It is an
	// account member that was not created through SCIM, so SCIM searches do
	// not list it (docs/design/harness-api.md 1.6).
	AdminUserID    = "MockAdminUser000000000"
	AdminUserEmail = "admin@example.com"
)

// Options configure a Server.
type Options struct {
	AccountID string
	// Tokens are accepted on every route as the admin user (a personal
	// token with every permission). Empty means {DefaultToken}.
	Tokens []string
	// ReadOnlyTokens may only call GET routes; writes get Harness's 403.
	ReadOnlyTokens []string
	Profile        Profile
	// LogWriter, when set, gets one line per request, one Write at a time.
	LogWriter io.Writer
	// OnChange is called, without the lock held, after a request changed
	// the store (the standalone command persists state there).
	OnChange func()
	// KeepExpiredTokens keeps tokens after they expire instead of purging
	// them (see purgeExpiredTokensLocked): a Harness whose TTL purge lags.
	// Expired tokens still fail authentication and list as valid=false.
	KeepExpiredTokens bool
	// RateLimit and Latency put a gateway in front of the mock, as Cloud
	// Armor and the network are in front of Harness (see gateway.go): a
	// request budget per API key answered with Cloud Armor's 429, and a
	// delay before every answer. Zero values leave them out.
	RateLimit RateLimit
	Latency   time.Duration
}

// Server is an http.Handler. It is safe for concurrent use.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	ops     map[string]string // route pattern -> operation
	limiter *limiter          // nil without Options.RateLimit

	mu         sync.Mutex
	store      *store
	log        []Request
	faults     []*Fault
	timeOffset time.Duration

	logMu sync.Mutex // serialises LogWriter writes

	panics atomic.Int64 // recovered handler panics (recover.go)
}

// New returns a Server with an empty store.
func New(opts Options) *Server {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if len(opts.Tokens) == 0 {
		opts.Tokens = []string{DefaultToken}
	}
	if opts.Profile.Name == "" {
		opts.Profile = MustProfile(DefaultProfile)
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), ops: map[string]string{}, store: newStore(),
		limiter: newLimiter(opts.RateLimit)}
	s.store.addAdmin(s.now())
	s.mux.HandleFunc("/", s.notFound)
	s.routes()
	return s
}

// AccountID is the account the server serves.
func (s *Server) AccountID() string { return s.opts.AccountID }

// Profile is the server's profile.
func (s *Server) Profile() Profile { return s.opts.Profile }

// Token is the first admin token.
func (s *Server) Token() string { return s.opts.Tokens[0] }

// Now is the server's clock: wall time plus AdvanceTime offsets.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

func (s *Server) now() time.Time { return time.Now().Add(s.timeOffset) }

// AdvanceTime moves the server clock forward, e.g. past a token's expiry.
func (s *Server) AdvanceTime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timeOffset += d
}

// family is an API family with its own auth rules (docs/design/harness-api.md 6.1).
type family int

const (
	familySCIM family = iota // Authorization: Bearer, NextGen or FirstGen by profile
	familyNG                 // x-api-key NextGen REST
)

// call is what a handler gets besides the request.
type call struct {
	op        string
	principal principal
	account   string
	changed   bool // set by handlers that changed the store
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call)

// handle registers pattern ("METHOD /path/{var}") as operation op.
func (s *Server) handle(pattern, op string, fam family, h handlerFunc) {
	s.ops[pattern] = op
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, pattern, op, fam, h)
	})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	gw := &guardWriter{ResponseWriter: w}
	defer s.recoverOuter(gw, r)
	if s.gate(gw, r) {
		s.mux.ServeHTTP(gw, r)
	}
}

// notFound answers unknown routes like the gateway does: an HTML 404, not
// a Harness JSON body.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, "<html><body><h1>404 Not Found</h1></body></html>\n")
	s.record(r, "", "", http.StatusNotFound, start, principal{})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, pattern, op string, fam family, h handlerFunc) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	c := &call{op: op}
	recorded := false
	defer func() {
		if !recorded {
			s.record(r, op, pattern, rec.status, start, c.principal)
		}
	}()
	defer s.recoverHandler(rec, r)

	f := s.matchFault(op, r.Method)
	if f != nil && f.Latency > 0 {
		// net/http notices a client hanging up only once the request body
		// was read, so read it first; otherwise an abandoned request sits
		// out the whole latency and is then handled anyway.
		data, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if err != nil {
			rec.status = 499
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			rec.status = 499
			return
		}
	}
	if f != nil && f.Status != 0 {
		for k, vs := range f.Header {
			for _, v := range vs {
				rec.Header().Add(k, v)
			}
		}
		if f.Body != "" && rec.Header().Get("Content-Type") == "" {
			rec.Header().Set("Content-Type", "application/json")
		}
		rec.WriteHeader(f.Status)
		_, _ = io.WriteString(rec, f.Body)
		return
	}

	if !s.authenticate(rec, r, fam, c) || (fam == familyNG && !requireQueryAccount(rec, r, op)) {
		return
	}
	if f != nil && f.DropAfterCommit {
		// Run the handler against a buffer, then hang up: the change is
		// committed but the client never learns the outcome.
		buf := &bufferWriter{header: http.Header{}, status: http.StatusOK}
		h(buf, r, c)
		s.changed(c)
		rec.status = buf.status
		// Log before hanging up: the client retries at once, and request
		// counts must already include this attempt when the retry is
		// answered.
		s.record(r, op, pattern, rec.status, start, c.principal)
		recorded = true
		hangUp(w)
		return
	}
	if f != nil && f.LatencyAfterCommit > 0 {
		s.answerLater(rec, r, c, h, f.LatencyAfterCommit)
		return
	}
	h(rec, r, c)
	s.changed(c)
}

// answerLater handles the request against a buffer, committing any change,
// and writes the answer after d, or nothing (status 499) when the client
// hangs up first.
func (s *Server) answerLater(rec *recorder, r *http.Request, c *call, h handlerFunc, d time.Duration) {
	buf := &bufferWriter{header: http.Header{}, status: http.StatusOK}
	h(buf, r, c)
	s.changed(c)
	select {
	case <-time.After(d):
	case <-r.Context().Done():
		rec.status = 499
		return
	}
	for k, vs := range buf.header {
		rec.Header()[k] = vs
	}
	rec.WriteHeader(buf.status)
	_, _ = rec.Write(buf.body.Bytes())
}

func (s *Server) changed(c *call) {
	if c.changed && s.opts.OnChange != nil {
		s.opts.OnChange()
	}
}

// hangUp closes the client connection without an HTTP response.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// recorder captures the status a handler wrote.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// bufferWriter is a ResponseWriter that discards the answer.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }

// readJSON decodes a request body leniently (Harness ignores unknown
// fields). It answers 400 and returns false on malformed JSON.
func readJSON(w http.ResponseWriter, r *http.Request, v any, fg bool) bool {
	data, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		msg := "Unable to process JSON " + firstLine(err.Error())
		writeInvalidRequest(w, fg, msg)
		return false
	}
	return true
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	if sc.Scan() {
		return sc.Text()
	}
	return s
}

// validContentType reports whether a body-carrying request used one of the
// media types Harness accepts (docs/design/harness-api.md 1.1), answering 415 if not.
func validContentType(w http.ResponseWriter, r *http.Request) bool {
	switch mediaType(r) {
	case "application/json", "application/scim+json":
		return true
	}
	writeUnsupportedMediaType(w)
	return false
}

// mediaType is the request's Content-Type without parameters, lower-cased.
func mediaType(r *http.Request) string {
	return strings.ToLower(strings.TrimSpace(strings.SplitN(r.Header.Get("Content-Type"), ";", 2)[0]))
}

func writeUnsupportedMediaType(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusUnsupportedMediaType)
	_, _ = fmt.Fprintf(w, "HTTP 415 Unsupported Media Type\n")
}
