package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// filterEscaper is what a client must do to a value for Harness's second
// URL decoding (the provider's client does the same).
var filterEscaper = strings.NewReplacer("%", "%25", "+", "%2B")

// FuzzSCIMFilter: the filter parser never panics, a value it returns is
// never empty (an empty one means no filter), and a value built the way a
// client builds `attr eq "value"` round-trips unless it holds " eq ", which
// Harness cannot search for. The search route answers every filter with a
// ListResponse.
func FuzzSCIMFilter(f *testing.F) {
	for _, seed := range [][2]string{
		{`userName eq "alice@example.com"`, "alice@example.com"},
		{`displayName eq "Team eq Ops"`, "Team eq Ops"},
		{`userName eq "a%2Bb@example.com"`, "a+b@example.com"},
		{`userName eq "a%zz"`, "100%"},
		{`userName eq "%+1"`, "été"},
		{`userName eq "`, `"`},
		{`userName eq 😀x😀`, "😀"},
		{"userName eq \"\xff\"", "x eq "},
		{` eq  eq `, " "},
		{"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	srv := New(Options{Profile: MustProfile("nextgen")})
	srv.SeedUser(UserSpec{Email: "alice@example.com"})
	f.Fuzz(func(t *testing.T, raw, v string) {
		srv.ResetRequests() // the request log would grow with every execution
		if value, ok := parseSCIMFilter(raw); ok == (value == "") {
			t.Fatalf("parseSCIMFilter(%q) = %q, %v: a filter needs a non-empty value", raw, value, ok)
		}
		if utf8.ValidString(v) && v != "" && !strings.Contains(v, " eq ") {
			filter := `userName eq "` + filterEscaper.Replace(v) + `"`
			if value, ok := parseSCIMFilter(filter); !ok || value != v {
				t.Fatalf("%q: parsed %q, %v; want %q", filter, value, ok, v)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/ng/api/scim/account/"+srv.AccountID()+"/Users?filter="+url.QueryEscape(raw), nil)
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var list scimListOut
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &list) != nil || list.TotalResults != len(list.Resources) {
			t.Fatalf("search with filter %q: %d %s", raw, rec.Code, rec.Body)
		}
		if srv.PanicCount() != 0 {
			t.Fatal("the mock panicked")
		}
	})
}
