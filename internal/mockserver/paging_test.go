package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// ngAggregatePaths are the three NextGen aggregate listings, with the query
// each needs besides paging.
var ngAggregatePaths = []struct{ path, query string }{
	{"/ng/api/serviceaccount/aggregate", ""},
	{"/ng/api/apikey/aggregate", "apiKeyType=SERVICE_ACCOUNT&parentIdentifier=sa1"},
	{"/ng/api/token/aggregate", "apiKeyType=SERVICE_ACCOUNT&parentIdentifier=sa1&apiKeyIdentifier=k1"},
}

// seedNGRows gives each aggregate listing exactly n rows: n service
// accounts, n keys under sa1 and n tokens under its key k1.
func seedNGRows(t *testing.T, s *Server, n int) {
	t.Helper()
	mint := func(key, token string) {
		spec := TokenSpec{Key: APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: key}, Identifier: token}
		if _, err := s.MintToken(spec); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("sa%d", i)
		s.SeedServiceAccount(ServiceAccount{Identifier: id, Name: id, Email: id + "@sa.example.com"})
		mint(fmt.Sprintf("k%d", i), "t0")
		if i < n {
			mint("k1", fmt.Sprintf("t%d", i))
		}
	}
}

// TestNGPagingHostileValues: the values from issue 11 once overflowed
// pageIndex*pageSize and panicked; they now get Harness's answers.
func TestNGPagingHostileValues(t *testing.T) {
	h := newNGHarness(t)
	seedNGRows(t, h.srv, 3)
	for _, tc := range []struct {
		paging string
		status int
		items  int   // content length
		total  int64 // totalPages
	}{
		{"", 200, 3, 1},
		{"pageIndex=1&pageSize=2", 200, 1, 2},
		{"pageIndex=184467440737095516&pageSize=100", 500, 0, 0},
		{"pageSize=9223372036854775807", 500, 0, 0},
		{"pageIndex=2147483648", 500, 0, 0},
		{"pageIndex=x", 500, 0, 0},
		{"pageIndex=-1", 500, 0, 0},
		{"pageSize=0", 500, 0, 0},
		{"pageSize=-5", 500, 0, 0},
		// The largest Java ints: an offset of about 4.6e18, computed
		// without overflow, far past the end.
		{"pageIndex=2147483647&pageSize=2147483647", 200, 0, 1},
		// @Max(100) is not enforced on these resources (no @Valid).
		{"pageSize=101", 200, 3, 1},
		{"pageIndex=&pageSize=", 200, 3, 1},
	} {
		for _, p := range ngAggregatePaths {
			q, _ := url.ParseQuery(p.query + "&" + tc.paging)
			a := h.call(http.MethodGet, p.path, q, nil)
			what := p.path + "?" + tc.paging
			if a.status != tc.status {
				t.Errorf("%s: %d %s, want %d", what, a.status, a.raw, tc.status)
				continue
			}
			if tc.status == 500 {
				if a.str("code") != "UNKNOWN_ERROR" || a.str("message") != msgUnknownError {
					t.Errorf("%s: %s, want UNKNOWN_ERROR", what, a.raw)
				}
				continue
			}
			page := a.data()
			content, _ := page["content"].([]any)
			if len(content) != tc.items || page["pageItemCount"] != float64(tc.items) || page["totalItems"] != 3.0 ||
				page["totalPages"] != float64(tc.total) || page["empty"] != (tc.items == 0) {
				t.Errorf("%s: %s", what, a.raw)
			}
		}
	}
	if n := h.srv.PanicCount(); n != 0 {
		t.Errorf("%d panics", n)
	}
}

// TestSCIMPagingHostileValues covers users (Morphia: limit 0 is no limit,
// a negative skip fails the query) and NextGen groups (Spring Data: a skip or
// limit that is not positive is not applied), in both generations.
func TestSCIMPagingHostileValues(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		for i := range 5 {
			s.SeedUser(UserSpec{Email: fmt.Sprintf("p%d@example.com", i)})
			s.SeedGroup(GroupSpec{Name: fmt.Sprintf("G%d", i)})
		}
		ngGroups := !s.fg()
		for _, tc := range []struct {
			query               string
			users, groups       int // rows, -1 for a 404 ScimError, -2 for a 500
			startEcho, perEcho  int64
			firstUser, firstGrp int
		}{
			{"startIndex=2&count=2", 2, 2, 2, 2, 1, 1},
			{"count=0", 5, 5, 0, 0, 0, 0},
			{"count=-3", 3, ifThen(ngGroups, 5, 3), 0, -3, 0, 0},
			{"startIndex=-3&count=2", -1, ifThen(ngGroups, 2, -1), -3, 2, 0, 0},
			// -2^31 - 1 wraps to a skip of 2^31 - 1 in Java.
			{"startIndex=-2147483648", 0, 0, -2147483648, 20, 0, 0},
			{"startIndex=2147483647&count=2147483647", 0, 0, 2147483647, 2147483647, 0, 0},
			{"startIndex=9223372036854775807", -2, -2, 0, 0, 0, 0},
			{"count=184467440737095516", -2, -2, 0, 0, 0, 0},
			{"count=x", -2, -2, 0, 0, 0, 0},
		} {
			for _, kind := range []string{"Users", "Groups"} {
				want, first := tc.users, tc.firstUser
				if kind == "Groups" {
					want, first = tc.groups, tc.firstGrp
				}
				checkSCIMPage(t, s, kind+"?"+tc.query, want, first, tc.startEcho, tc.perEcho)
			}
		}
		if n := s.PanicCount(); n != 0 {
			t.Errorf("%d panics", n)
		}
	})
}

func ifThen(c bool, a, b int) int {
	if c {
		return a
	}
	return b
}

func checkSCIMPage(t *testing.T, s *testServer, query string, want, first int, start, per int64) {
	t.Helper()
	a := s.call(http.MethodGet, s.base()+"/"+query, "")
	switch want {
	case -1:
		if a.status != 404 || !jsonHas(a.body, "status", 404.0) {
			t.Errorf("%s: %d %s, want a 404 ScimError", query, a.status, a.body)
		}
		return
	case -2:
		code := "UNKNOWN_ERROR"
		if s.fg() {
			code = "DEFAULT_ERROR_CODE"
		}
		if a.status != 500 || !jsonContains(a.body, code) {
			t.Errorf("%s: %d %s, want a 500 %s", query, a.status, a.body, code)
		}
		return
	}
	var list struct {
		TotalResults int
		StartIndex   int64
		ItemsPerPage int64
		Resources    []struct{ DisplayName, UserName string }
	}
	if a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil {
		t.Fatalf("%s: %d %s", query, a.status, a.body)
	}
	if len(list.Resources) != want || list.TotalResults != want || list.StartIndex != start || list.ItemsPerPage != per {
		t.Errorf("%s: %d rows, totalResults %d, startIndex %d, itemsPerPage %d; want %d rows, %d, %d",
			query, len(list.Resources), list.TotalResults, list.StartIndex, list.ItemsPerPage, want, start, per)
		return
	}
	if want > 0 {
		got := list.Resources[0].UserName + list.Resources[0].DisplayName
		if got != fmt.Sprintf("p%d@example.com", first) && got != fmt.Sprintf("G%d", first) {
			t.Errorf("%s: first row %q, want row %d", query, got, first)
		}
	}
}

func jsonHas(body, key string, v any) bool {
	var m map[string]any
	return json.Unmarshal([]byte(body), &m) == nil && m[key] == v
}

func jsonContains(body, code string) bool {
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) != nil {
		return false
	}
	if m["code"] == code {
		return true
	}
	msgs, _ := m["responseMessages"].([]any)
	for _, x := range msgs {
		if mm, _ := x.(map[string]any); mm["code"] == code {
			return true
		}
	}
	return false
}
