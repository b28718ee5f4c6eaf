package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testServer is a mock served over HTTP for one test.
type testServer struct {
	*Server
	t   *testing.T
	url string
}

func newTestServer(t *testing.T, profile string, mod func(*Options)) *testServer {
	t.Helper()
	return newTestServerWith(t, MustProfile(profile), mod)
}

func newTestServerWith(t *testing.T, p Profile, mod func(*Options)) *testServer {
	t.Helper()
	opts := Options{Profile: p}
	if mod != nil {
		mod(&opts)
	}
	s := New(opts)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &testServer{Server: s, t: t, url: hs.URL}
}

// base is the profile's SCIM base path.
func (s *testServer) base() string {
	if s.Profile().Generation == FirstGen {
		return "/api/scim/account/" + s.AccountID()
	}
	return "/ng/api/scim/account/" + s.AccountID()
}

func (s *testServer) fg() bool { return s.Profile().Generation == FirstGen }

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   string
}

// call sends a request with the admin token as a SCIM client would;
// headers are "Name: value" strings, and "Name:" removes a header.
func (s *testServer) call(method, path, body string, headers ...string) answer {
	s.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(s.t.Context(), method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Token())
	req.Header.Set("Accept", "application/scim+json, application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, strings.TrimSpace(v))
		}
	}
	resp, err := testHTTP.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

// expect checks status and exact body.
func (a answer) expect(t *testing.T, what string, status int, body string) {
	t.Helper()
	if a.status != status || a.body != body {
		t.Errorf("%s: got %d %s\nwant %d %s", what, a.status, a.body, status, body)
	}
}

var correlationID = regexp.MustCompile(`"correlationId":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"`)

// normalized replaces the random correlation id (checked for UUID shape).
func (a answer) normalized() string {
	return correlationID.ReplaceAllString(a.body, `"correlationId":"X"`)
}

// ngError is Harness's ErrorDTO with a normalized correlation id.
func ngError(code, message string) string {
	m, _ := json.Marshal(message)
	return fmt.Sprintf(`{"status":"ERROR","code":"%s","message":%s,"correlationId":"X","detailedMessage":null,`+
		`"responseMessages":[{"code":"%s","level":"ERROR","message":%s,"exception":null,"failureTypes":[]}],"metadata":null}`,
		code, m, code, m)
}

// restError is FirstGen's RestResponse error.
func restError(code, message string) string {
	m, _ := json.Marshal(message)
	return fmt.Sprintf(`{"metaData":{},"resource":null,"responseMessages":[{"code":"%s","level":"ERROR","message":%s,`+
		`"exception":null,"failureTypes":[]}]}`, code, m)
}

// scimErrorBody is Harness's ScimError.
func scimErrorBody(detail string, status int) string {
	d := "null"
	if detail != "" {
		b, _ := json.Marshal(detail)
		d = string(b)
	}
	return fmt.Sprintf(`{"id":null,"externalId":null,"meta":null,"detail":%s,"status":%d,"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`, d, status)
}

func forEachProfile(t *testing.T, f func(t *testing.T, profile string)) {
	for _, name := range ProfileNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, name)
		})
	}
}

// rawWriter is a plain bytes.Buffer wrapper without locking: with -race it
// proves the server serialises LogWriter writes itself.
type rawWriter struct{ buf bytes.Buffer }

func (w *rawWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

// logged reads what s wrote to w, holding the lock s writes under.
func (w *rawWriter) logged(s *testServer) string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return w.buf.String()
}

func TestProfiles(t *testing.T) {
	if got := strings.Join(ProfileNames(), ","); got != "firstgen,nextgen,nextgen-legacy" {
		t.Errorf("ProfileNames = %s", got)
	}
	if got := strings.Join(AllProfileNames(), ","); got != "firstgen,firstgen-disabled,nextgen,nextgen-legacy" {
		t.Errorf("AllProfileNames = %s", got)
	}
	for _, n := range AllProfileNames() {
		p, err := LookupProfile(n)
		if err != nil || p.Name != n || p.Description == "" {
			t.Errorf("LookupProfile(%q) = %+v, %v", n, p, err)
		}
	}
	if _, err := LookupProfile("nope"); err == nil || !strings.Contains(err.Error(), "firstgen, firstgen-disabled, nextgen, nextgen-legacy") {
		t.Errorf("unknown profile: %v", err)
	}
	s := New(Options{})
	if s.Profile().Name != DefaultProfile || s.AccountID() != DefaultAccountID || s.Token() != DefaultToken {
		t.Errorf("defaults: %+v %s %s", s.Profile(), s.AccountID(), s.Token())
	}
}

// TestUnknownRoutes: anything that is not a route is the gateway's HTML
// 404, logged with an empty Op.
func TestUnknownRoutes(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		other := "/api/scim/account/" + s.AccountID() + "/Users/x"
		if s.fg() {
			other = "/ng/api/scim/account/" + s.AccountID() + "/Users/x"
		}
		paths := []struct{ method, path string }{
			{"GET", "/nothing/here"},
			{"GET", other},                     // the other generation's SCIM route
			{"DELETE", s.base() + "/Users"},    // a known path with another method
			{"PUT", s.base() + "/Users"},       // likewise
			{"GET", s.base() + "/Users/a/b/c"}, // too deep
		}
		for _, p := range paths {
			a := s.call(p.method, p.path, "")
			a.expect(t, p.method+" "+p.path, 404, "<html><body><h1>404 Not Found</h1></body></html>\n")
			if ct := a.header.Get("Content-Type"); ct != "text/html" {
				t.Errorf("%s %s: Content-Type %q", p.method, p.path, ct)
			}
		}
		reqs := s.Requests()
		if len(reqs) != len(paths) {
			t.Fatalf("%d requests logged, want %d", len(reqs), len(paths))
		}
		for i, r := range reqs {
			if r.Op != "" || r.Pattern != "" || r.Status != 404 || r.Method != paths[i].method || r.Path != paths[i].path {
				t.Errorf("log entry %d: %+v", i, r)
			}
		}
		if got := CountsString(s.Counts()); got != fmt.Sprintf("(unknown route)=%d", len(paths)) {
			t.Errorf("Counts = %s", got)
		}
	})
}

func TestRequestLog(t *testing.T) {
	lines := &rawWriter{}
	s := newTestServer(t, "nextgen", func(o *Options) { o.LogWriter = lines })
	u := s.SeedUser(UserSpec{Email: "a@example.com"})
	s.call("GET", s.base()+"/Users/"+u.ID, "")
	s.call("GET", s.base()+"/Users/"+u.ID, "")
	s.call("GET", s.base()+"/Users?filter=userName+eq+%22a%40example.com%22&count=5", "")
	s.call("GET", "/x", "")
	s.call("POST", s.base()+"/Users", `{"userName":"b@example.com"}`, "Authorization: Bearer wrong")

	want := map[string]int{OpGetUser: 2, OpSearchUsers: 1, "": 1, OpCreateUser: 1}
	if got := s.Counts(); CountsString(got) != CountsString(want) {
		t.Errorf("Counts = %s", CountsString(got))
	}
	if got := CountsString(s.Counts()); got != "(unknown route)=1 CreateUser=1 GetUser=2 SearchUsers=1" {
		t.Errorf("CountsString = %q", got)
	}
	if s.Count(OpGetUser) != 2 || s.Count(OpDeleteUser) != 0 {
		t.Errorf("Count: %d %d", s.Count(OpGetUser), s.Count(OpDeleteUser))
	}
	reqs := s.Requests()
	if r := reqs[2]; r.Op != OpSearchUsers || r.Pattern != "GET /ng/api/scim/account/{accountIdentifier}/Users" ||
		r.Query != "filter=userName+eq+%22a%40example.com%22&count=5" || r.Status != 200 || r.Time.IsZero() {
		t.Errorf("search entry: %+v", r)
	}
	if r := reqs[4]; r.Op != OpCreateUser || r.Status != 401 {
		t.Errorf("rejected create is still logged under its op with the status: %+v", r)
	}
	// Requests returns a copy.
	reqs[0].Op = "tampered"
	if s.Requests()[0].Op != OpGetUser {
		t.Error("Requests exposes the log itself")
	}

	logged := lines.logged(s)
	logLines := strings.Split(strings.TrimSpace(logged), "\n")
	if len(logLines) != 5 {
		t.Fatalf("%d log lines:\n%s", len(logLines), logged)
	}
	lineRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (\S+) (\S+) (\d{3}) \S+ (\S+)$`)
	for i, want := range []string{
		"GET /ng/api/scim/account/" + s.AccountID() + "/Users/" + u.ID + " 200 GetUser",
		"GET /ng/api/scim/account/" + s.AccountID() + "/Users/" + u.ID + " 200 GetUser",
		"GET /ng/api/scim/account/" + s.AccountID() + "/Users?filter=userName+eq+%22a%40example.com%22&count=5 200 SearchUsers",
		"GET /x 404 -",
		"POST /ng/api/scim/account/" + s.AccountID() + "/Users 401 CreateUser",
	} {
		m := lineRE.FindStringSubmatch(logLines[i])
		if m == nil || strings.Join(m[1:], " ") != want {
			t.Errorf("log line %d = %q, want fields %q", i, logLines[i], want)
		}
	}

	s.ResetRequests()
	if len(s.Requests()) != 0 || CountsString(s.Counts()) != "(none)" {
		t.Errorf("after reset: %v %s", s.Requests(), CountsString(s.Counts()))
	}
}

func TestFaults(t *testing.T) {
	t.Run("nth-and-times", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		u := s.SeedUser(UserSpec{Email: "a@example.com"})
		f := s.InjectFault(Fault{Op: OpGetUser, Nth: 2, Times: 2, Status: 503})
		var got []int
		for range 5 {
			got = append(got, s.call("GET", s.base()+"/Users/"+u.ID, "").status)
		}
		if fmt.Sprint(got) != "[200 503 503 200 200]" || f.Fired() != 2 {
			t.Errorf("statuses %v, fired %d", got, f.Fired())
		}
	})
	t.Run("once-by-default", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		f := s.InjectFault(Fault{Op: OpSearchUsers, Status: 500})
		a, b := s.call("GET", s.base()+"/Users", "").status, s.call("GET", s.base()+"/Users", "").status
		if a != 500 || b != 200 || f.Fired() != 1 {
			t.Errorf("statuses %d %d fired %d", a, b, f.Fired())
		}
	})
	t.Run("negative-times-is-forever", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		f := s.InjectFault(Fault{Op: OpSearchUsers, Times: -1, Status: 502})
		for range 4 {
			if st := s.call("GET", s.base()+"/Users", "").status; st != 502 {
				t.Errorf("status %d", st)
			}
		}
		// Other operations are untouched.
		if st := s.call("GET", s.base()+"/Users/nope", "").status; st != 404 {
			t.Errorf("GetUser status %d", st)
		}
		if f.Fired() != 4 {
			t.Errorf("fired %d", f.Fired())
		}
		s.ClearFaults()
		if st := s.call("GET", s.base()+"/Users", "").status; st != 200 {
			t.Errorf("after ClearFaults: %d", st)
		}
	})
	t.Run("method-and-any-op", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		s.InjectFault(Fault{Method: "POST", Times: -1, Status: 429})
		if st := s.call("GET", s.base()+"/Users", "").status; st != 200 {
			t.Errorf("GET status %d", st)
		}
		if st := s.call("POST", s.base()+"/Users", `{"userName":"a@example.com"}`).status; st != 429 {
			t.Errorf("POST status %d", st)
		}
		if len(s.Users()) != 1 {
			t.Error("a Status fault must not touch the store")
		}
	})
	t.Run("status-header-body", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		s.InjectFault(Fault{Op: OpSearchUsers, Status: 429, Header: http.Header{"Retry-After": {"7"}}, Body: `{"x":1}`})
		a := s.call("GET", s.base()+"/Users", "")
		a.expect(t, "fault", 429, `{"x":1}`)
		if a.header.Get("Retry-After") != "7" || a.header.Get("Content-Type") != "application/json" {
			t.Errorf("headers %v", a.header)
		}
		s.InjectFault(Fault{Op: OpSearchUsers, Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html>bad</html>"})
		a = s.call("GET", s.base()+"/Users", "")
		a.expect(t, "html fault", 502, "<html>bad</html>")
		if a.header.Get("Content-Type") != "text/html" {
			t.Errorf("Content-Type %q", a.header.Get("Content-Type"))
		}
	})
	t.Run("fires-before-auth", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		s.InjectFault(Fault{Op: OpSearchUsers, Status: 503})
		if st := s.call("GET", s.base()+"/Users", "", "Authorization: Bearer wrong").status; st != 503 {
			t.Errorf("status %d", st)
		}
	})
	t.Run("latency", func(t *testing.T) {
		s := newTestServer(t, "nextgen", nil)
		s.InjectFault(Fault{Op: OpSearchUsers, Latency: 30 * time.Millisecond})
		if st := s.call("GET", s.base()+"/Users", "").status; st != 200 {
			t.Errorf("status %d", st)
		}
		if r := s.Requests()[0]; r.Duration < 30*time.Millisecond {
			t.Errorf("answered after %s, before the injected latency", r.Duration)
		}
		// A client that gives up during the latency is logged as 499 and
		// the request is not handled, also when it has a body.
		s.ResetRequests()
		h := s.InjectFault(Fault{Op: OpCreateUser, Latency: 10 * time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		req, _ := http.NewRequestWithContext(ctx, "POST", s.url+s.base()+"/Users", strings.NewReader(`{"userName":"late@example.com"}`))
		req.Header.Set("Authorization", "Bearer "+s.Token())
		req.Header.Set("Content-Type", "application/json")
		go func() {
			defer cancel()
			for i := 0; i < 5000 && h.Fired() == 0; i++ {
				time.Sleep(time.Millisecond)
			}
		}()
		resp, err := testHTTP.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		waitFor(t, func() bool { return len(s.Requests()) == 1 })
		if r := s.Requests()[0]; r.Status != 499 || r.Op != OpCreateUser || r.Duration >= 10*time.Second {
			t.Errorf("log %+v", r)
		}
		if _, ok := s.UserByEmail("late@example.com"); ok {
			t.Error("an abandoned request was handled")
		}
	})
	t.Run("drop-after-commit", func(t *testing.T) {
		forEachProfile(t, func(t *testing.T, profile string) {
			var changes atomic.Int32
			s := newTestServer(t, profile, func(o *Options) { o.OnChange = func() { changes.Add(1) } })
			f := s.InjectFault(Fault{Op: OpCreateUser, DropAfterCommit: true})
			req, _ := http.NewRequestWithContext(t.Context(), "POST", s.url+s.base()+"/Users", strings.NewReader(`{"userName":"Drop@Example.com"}`))
			req.Header.Set("Authorization", "Bearer "+s.Token())
			req.Header.Set("Content-Type", "application/scim+json")
			resp, err := testHTTP.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got an answer (%d) from a dropped request", resp.StatusCode)
			}
			u, ok := s.UserByEmail("drop@example.com")
			if !ok || !u.Member || !u.Imported {
				t.Errorf("the dropped create was not committed: %+v %v", u, ok)
			}
			if f.Fired() != 1 || changes.Load() != 1 {
				t.Errorf("fired %d, OnChange %d", f.Fired(), changes.Load())
			}
			// Logged before the hang-up, so it is there once the client
			// has seen the connection drop.
			if r := s.Requests(); len(r) != 1 || r[0].Status != 201 || r[0].Op != OpCreateUser {
				t.Errorf("log %+v", r)
			}
		})
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 5000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("condition not met")
}

func TestOnChange(t *testing.T) {
	var changes atomic.Int32
	s := newTestServer(t, "nextgen", func(o *Options) { o.OnChange = func() { changes.Add(1) } })
	a := s.call("POST", s.base()+"/Users", `{"userName":"a@example.com"}`)
	var u struct{ ID string }
	_ = json.Unmarshal([]byte(a.body), &u)
	s.call("GET", s.base()+"/Users/"+u.ID, "")
	s.call("GET", s.base()+"/Users", "")
	s.call("POST", s.base()+"/Users", `{"userName":"b@example.com"}`, "Authorization: Bearer wrong")
	s.call("POST", s.base()+"/Users", `not json`)
	s.call("GET", "/nowhere", "")
	if changes.Load() != 1 {
		t.Errorf("OnChange ran %d times after one change", changes.Load())
	}
	s.call("PATCH", s.base()+"/Users/"+u.ID, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"A"}]}`)
	s.call("DELETE", s.base()+"/Users/"+u.ID, "")
	if changes.Load() != 3 {
		t.Errorf("OnChange ran %d times after three changes", changes.Load())
	}
}

func TestRequestBodyChecks(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		a := s.call("POST", s.base()+"/Users", `{"userName":"a@example.com"}`, "Content-Type: text/plain")
		a.expect(t, "text/plain", 415, "HTTP 415 Unsupported Media Type\n")
		a = s.call("POST", s.base()+"/Users", `{"userName":"a@example.com"}`, "Content-Type: application/json; charset=utf-8")
		if a.status != 201 {
			t.Errorf("application/json with parameters: %d %s", a.status, a.body)
		}
		a = s.call("POST", s.base()+"/Users", `{"userName":`)
		msg := "Unable to process JSON unexpected end of JSON input"
		if s.fg() {
			a.expect(t, "malformed", 400, restError("INVALID_REQUEST", msg))
		} else if a.status != 400 || a.normalized() != ngError("INVALID_REQUEST", msg) {
			t.Errorf("malformed: %d %s", a.status, a.body)
		}
		if len(s.Users()) != 2 {
			t.Errorf("%d members, want admin + 1", len(s.Users()))
		}
	})
}

// TestResponseContentType: NextGen answers in the media type asked for,
// FirstGen always in application/scim+json (docs/design/harness-api.md 1.1).
func TestResponseContentType(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		for accept, ng := range map[string]string{
			"application/scim+json":                   "application/scim+json",
			"application/json":                        "application/json",
			"application/scim+json, application/json": "application/scim+json",
		} {
			a := s.call("GET", s.base()+"/Users", "", "Accept: "+accept)
			want := ng
			if s.fg() {
				want = "application/scim+json"
			}
			if ct := a.header.Get("Content-Type"); ct != want {
				t.Errorf("Accept %q: Content-Type %q, want %q", accept, ct, want)
			}
		}
	})
}

func TestStaticRoutes(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		for _, tc := range []struct{ path, op string }{
			{"/ServiceProviderConfig", OpServiceProviderConfig}, {"/ResourceTypes", OpResourceTypes}, {"/Schemas", OpSchemas},
		} {
			a := s.call("GET", s.base()+tc.path, "")
			if s.fg() {
				if a.status != 404 {
					t.Errorf("FirstGen %s: %d", tc.path, a.status)
				}
				continue
			}
			var v map[string]any
			if a.status != 200 || json.Unmarshal([]byte(a.body), &v) != nil {
				t.Errorf("%s: %d %s", tc.path, a.status, a.body)
			}
			if s.Count(tc.op) != 1 {
				t.Errorf("%s not logged as %s", tc.path, tc.op)
			}
			// NGScimStaticResource produces application/scim+json and
			// application/json, like the user and group resources.
			if ct := a.header.Get("Content-Type"); ct != "application/scim+json" {
				t.Errorf("%s asked for scim+json answered %s", tc.path, ct)
			}
			if ct := s.call("GET", s.base()+tc.path, "", "Accept: application/json").header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s asked for json answered %s", tc.path, ct)
			}
			if st := s.call("GET", s.base()+tc.path, "", "Authorization: Bearer nope").status; st != 401 {
				t.Errorf("%s without a valid token: %d", tc.path, st)
			}
		}
		if !s.fg() {
			a := s.call("GET", s.base()+"/ServiceProviderConfig", "")
			for _, want := range []string{`"patch":{"supported":true}`, `"bulk":{"supported":false`, `"filter":{"supported":true,"maxResults":1000}`,
				`"etag":{"supported":false}`, `"sort":{"supported":false}`, `"changePassword":{"supported":false}`, `"type":"oauthbearertoken"`} {
				if !strings.Contains(a.body, want) {
					t.Errorf("ServiceProviderConfig lacks %s", want)
				}
			}
		}
	})
}

// TestConcurrency hammers the server from many goroutines while others use
// the Go API; run with -race.
func TestConcurrency(t *testing.T) {
	lines := &rawWriter{}
	var changes atomic.Int32
	s := newTestServer(t, "nextgen", func(o *Options) {
		o.LogWriter = lines
		o.OnChange = func() { changes.Add(1) }
	})
	s.InjectFault(Fault{Op: OpGetUser, Nth: 5, Times: 3, Status: 503})
	const workers, perWorker = 8, 10
	var wg sync.WaitGroup
	ids := make([][]string, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				email := fmt.Sprintf("w%d-u%d@example.com", w, i)
				a := s.call("POST", s.base()+"/Users", `{"userName":"`+email+`","displayName":"W"}`)
				var u struct{ ID string }
				if a.status != 201 || json.Unmarshal([]byte(a.body), &u) != nil {
					t.Errorf("create %s: %d %s", email, a.status, a.body)
					return
				}
				ids[w] = append(ids[w], u.ID)
				s.call("GET", s.base()+"/Users/"+u.ID, "")
				s.call("GET", s.base()+"/Users?filter=userName+eq+%22"+email+"%22", "")
			}
		})
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = s.Counts()
				_ = CountsString(s.Counts())
				_ = s.Requests()
				for _, u := range s.Users() {
					_ = s.UpdateUser(u.ID, func(u *User) { u.DisplayName = "Edited" })
				}
				_, _ = s.Snapshot()
				_ = s.Now()
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()

	seen := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			if seen[id] {
				t.Errorf("id %s handed out twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != workers*perWorker || len(s.Users()) != workers*perWorker+1 {
		t.Errorf("%d ids, %d members; want %d and %d", len(seen), len(s.Users()), workers*perWorker, workers*perWorker+1)
	}
	want := map[string]int{OpCreateUser: workers * perWorker, OpGetUser: workers * perWorker, OpSearchUsers: workers * perWorker}
	if got := CountsString(s.Counts()); got != CountsString(want) {
		t.Errorf("Counts = %s", got)
	}
	if int(changes.Load()) != workers*perWorker {
		t.Errorf("OnChange ran %d times", changes.Load())
	}
	if n := strings.Count(lines.logged(s), "\n"); n != 3*workers*perWorker {
		t.Errorf("%d log lines, want %d", n, 3*workers*perWorker)
	}
}

func TestSnapshotRestore(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		a := s.SeedUser(UserSpec{Email: "A@example.com", DisplayName: "A", GivenName: "Ay", FamilyName: "Bee", ExternalID: "ext"})
		b := s.SeedUser(UserSpec{Email: "b@example.com", DisplayName: "B"})
		s.RemoveUser(b.ID)
		s.mu.Lock()
		s.store.Groups["g1"] = &Group{ID: "g1", Name: "G", Members: []string{a.ID}, ExternallyManaged: true, Seq: s.store.nextSeq()}
		s.mu.Unlock()
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			AccountID, Profile string
		}
		if json.Unmarshal(snap, &head) != nil || head.AccountID != s.AccountID() || head.Profile != profile {
			t.Errorf("snapshot header %+v", head)
		}

		r := newTestServer(t, profile, nil)
		if err := r.Restore(snap); err != nil {
			t.Fatal(err)
		}
		for _, u := range s.Users() {
			got, ok := r.User(u.ID)
			if !ok || got.Email != u.Email || got.DisplayName != u.DisplayName || got.Member != u.Member || got.Seq != u.Seq ||
				got.GivenName != u.GivenName || got.ExternalID != u.ExternalID || !got.Created.Equal(u.Created) {
				t.Errorf("user %s after restore: %+v, want %+v", u.ID, got, u)
			}
		}
		gotB, okB := r.User(b.ID)
		_, wantB := s.User(b.ID)
		if okB != wantB || (okB && gotB.Member) {
			t.Errorf("removed user after restore: %+v %v", gotB, okB)
		}
		if g, ok := r.Group("g1"); !ok || !slices.Equal(g.Members, []string{a.ID}) {
			t.Errorf("group after restore: %+v", g)
		}
		// Restored users answer over HTTP with their ids, and new objects
		// continue the sequence.
		if st := r.call("GET", r.base()+"/Users/"+a.ID, "").status; st != 200 {
			t.Errorf("GET restored user: %d", st)
		}
		c := r.SeedUser(UserSpec{Email: "c@example.com"})
		if c.Seq <= a.Seq {
			t.Errorf("sequence restarted: %d <= %d", c.Seq, a.Seq)
		}
		again, _ := r.Snapshot()
		if err := s.Restore(again); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.UserByEmail("c@example.com"); !ok {
			t.Error("second round trip lost a user")
		}

		other := New(Options{AccountID: "otheraccount0000000000", Profile: MustProfile(profile)})
		if err := other.Restore(snap); err == nil || !strings.Contains(err.Error(), "belongs to account") {
			t.Errorf("restoring another account's state: %v", err)
		}
		if err := other.Restore([]byte("{not json")); err == nil {
			t.Error("garbage accepted")
		}
		// A minimal state still has the admin.
		if err := other.Restore([]byte(`{"users":null}`)); err != nil {
			t.Fatal(err)
		}
		if u, ok := other.User(AdminUserID); !ok || !u.Member {
			t.Error("restored state lacks the admin")
		}
	})
}

func TestOutOfBandAPI(t *testing.T) {
	s := New(Options{Profile: MustProfile("nextgen")})
	u := s.SeedUser(UserSpec{Email: "Mixed@Example.com", DisplayName: "M"})
	if u.Email != "mixed@example.com" || len(u.ID) != 22 || !u.Imported || !u.Member {
		t.Errorf("seeded %+v", u)
	}
	if again := s.SeedUser(UserSpec{Email: "mixed@example.com"}); again.ID != u.ID {
		t.Error("SeedUser of a known email made a new user")
	}
	if got, ok := s.UserByEmail("MIXED@example.com"); !ok || got.ID != u.ID {
		t.Error("UserByEmail is not case-insensitive")
	}
	if err := s.UpdateUser(u.ID, func(u *User) { u.Email = "New@Example.com"; u.ID = "hijack" }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(u.ID); got.Email != "new@example.com" || got.ID != u.ID {
		t.Errorf("UpdateUser: %+v", got)
	}
	if err := s.UpdateUser("nope", func(*User) {}); err == nil {
		t.Error("UpdateUser of an unknown id")
	}
	if !s.RemoveUser(u.ID) || s.RemoveUser(u.ID) {
		t.Error("RemoveUser should report membership once")
	}
	if got, ok := s.User(u.ID); !ok || got.Member {
		t.Errorf("NextGen RemoveUser keeps the person out of the account: %+v %v", got, ok)
	}
	fg := New(Options{Profile: MustProfile("firstgen")})
	v := fg.SeedUser(UserSpec{Email: "f@example.com"})
	if !fg.RemoveUser(v.ID) {
		t.Error("FirstGen RemoveUser")
	}
	if _, ok := fg.User(v.ID); ok {
		t.Error("FirstGen RemoveUser deletes the user")
	}
	before := s.Now()
	s.AdvanceTime(time.Hour)
	if d := s.Now().Sub(before); d < time.Hour || d > time.Hour+time.Minute {
		t.Errorf("AdvanceTime moved the clock by %s", d)
	}
	if s.DeleteGroup("nope") {
		t.Error("DeleteGroup of an unknown group")
	}
	if err := s.UpdateGroup("nope", func(*Group) {}); err == nil {
		t.Error("UpdateGroup of an unknown group")
	}
	if len(s.Groups()) != 0 {
		t.Error("groups appeared")
	}
}

// testHTTP is the client of every test here. It is not http.DefaultClient:
// httptest.Server.Close closes http.DefaultTransport's idle connections,
// which breaks requests of parallel tests that were about to reuse one.
var testHTTP = &http.Client{Transport: &http.Transport{}}

// LatencyAfterCommit commits the change before it delays the answer: a
// client that gives up meanwhile has still created the user, and the
// request is logged as abandoned (499); a patient client gets the answer.
func TestLatencyAfterCommit(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	post := func(ctx context.Context, email string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+"/ng/api/scim/account/"+s.AccountID()+"/Users",
			strings.NewReader(`{"userName":"`+email+`","displayName":"X"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+s.Token())
		req.Header.Set("Content-Type", "application/scim+json")
		return testHTTP.Do(req)
	}
	s.InjectFault(Fault{Op: OpCreateUser, LatencyAfterCommit: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		resp, err := post(ctx, "gone@example.com")
		if err == nil {
			_ = resp.Body.Close()
		}
		errc <- err
	}()
	for {
		if _, ok := s.UserByEmail("gone@example.com"); ok {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := s.Count(OpCreateUser); n != 0 {
		t.Fatalf("the held request was logged (%d) before it was answered", n)
	}
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("the abandoned request got an answer")
	}
	for s.Count(OpCreateUser) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if r := s.Requests(); r[len(r)-1].Status != 499 {
		t.Fatalf("the abandoned request was logged with %d, want 499", r[len(r)-1].Status)
	}
	s.InjectFault(Fault{Op: OpCreateUser, LatencyAfterCommit: time.Millisecond})
	resp, err := post(context.Background(), "kept@example.com")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d, want 201", resp.StatusCode)
	}
}
