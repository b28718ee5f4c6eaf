package mockserver

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRecoverAnswersUnknownError: a handler that panics (here on a store
// corrupted behind the mock's back) answers Harness's 500 for an
// unexpected exception, is logged with its stack and counted, and the
// server keeps serving.
func TestRecoverAnswersUnknownError(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		logged := &rawWriter{}
		s := newTestServer(t, profile, func(o *Options) { o.LogWriter = logged })
		s.mu.Lock()
		s.store.Users["broken"] = nil // sortedUsers dereferences it
		s.mu.Unlock()

		a := s.call(http.MethodGet, s.base()+"/Users", "")
		want := ngError("UNKNOWN_ERROR", msgUnknownError)
		if s.fg() {
			want = restError("DEFAULT_ERROR_CODE", msgDefaultError)
		}
		if a.status != http.StatusInternalServerError || a.normalized() != want {
			t.Errorf("GET /Users on a broken store: %d %s, want 500 %s", a.status, a.body, want)
		}
		if s.PanicCount() != 1 {
			t.Errorf("PanicCount = %d, want 1", s.PanicCount())
		}
		if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Status != http.StatusInternalServerError {
			t.Errorf("request log %+v, want one 500", reqs)
		}
		if out := logged.logged(s); !strings.Contains(out, "PANIC serving GET") || !strings.Contains(out, "recover.go") {
			t.Errorf("log lacks the panic and its stack:\n%s", out)
		}

		s.mu.Lock()
		delete(s.store.Users, "broken")
		s.mu.Unlock()
		if a := s.call(http.MethodGet, s.base()+"/Users", ""); a.status != http.StatusOK {
			t.Errorf("after the panic: %d %s", a.status, a.body)
		}
	})
}

// TestRecoverOuter covers a panic outside any handler, and one after the
// answer started (the connection is aborted: a half-written body cannot be
// turned into a 500).
func TestRecoverOuter(t *testing.T) {
	s := New(Options{})
	for _, tc := range []struct {
		name   string
		h      func(w http.ResponseWriter)
		status int
		abort  bool
	}{
		{"before the answer", func(http.ResponseWriter) { panic("boom") }, 500, false},
		{"after the header", func(w http.ResponseWriter) { w.WriteHeader(201); panic("boom") }, 201, true},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/ng/api/anything", nil)
		aborted := func() (aborted bool) {
			defer func() {
				if v := recover(); v != nil {
					err, _ := v.(error)
					aborted = errors.Is(err, http.ErrAbortHandler)
				}
			}()
			gw := &guardWriter{ResponseWriter: rec}
			defer s.recoverOuter(gw, req)
			tc.h(gw)
			return false
		}()
		if rec.Code != tc.status || aborted != tc.abort {
			t.Errorf("%s: status %d, aborted %v; want %d, %v", tc.name, rec.Code, aborted, tc.status, tc.abort)
		}
		if !tc.abort && !strings.Contains(rec.Body.String(), `"code":"UNKNOWN_ERROR"`) {
			t.Errorf("%s: body %s", tc.name, rec.Body)
		}
	}
	if s.PanicCount() != 2 {
		t.Errorf("PanicCount = %d, want 2", s.PanicCount())
	}
}
