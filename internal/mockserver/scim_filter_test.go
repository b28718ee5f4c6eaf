package mockserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestParseSCIMFilterLikeJava pins the Java steps parseSCIMFilter follows:
// the value lies between the first and second " eq ", every parsing
// failure and an empty value mean no filter, and the second URL decoding is
// URLDecoder's (signs accepted in escapes, a bad escape fails the filter).
func TestParseSCIMFilterLikeJava(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		value string
		ok    bool
	}{
		{`userName eq "a@example.com"`, "a@example.com", true},
		{`anything eq 'a@example.com'`, "a@example.com", true},
		{`userName eq "Team eq Ops"`, "Tea", true}, // split[1] is `"Team`
		{`userName eq "a" eq "b"`, "a", true},
		{`userName eq "x eq "`, "", false}, // operand `"x`: substring gives ""
		{`userName eq ""`, "", false},      // empty: isNotEmpty fails
		{`userName eq "`, "", false},       // substring(1, 0) throws
		{`userName eq `, "", false},        // trailing empty part removed: no split[1]
		{` eq `, "", false},
		{`userName sw "a"`, "", false},
		{`userName eq "a%2Bb@example.com"`, "a+b@example.com", true},
		{`userName eq "a+b@example.com"`, "a b@example.com", true},
		{`userName eq "a%zzb"`, "", false},      // illegal hex: IllegalArgumentException
		{`userName eq "ab%2"`, "", false},       // incomplete trailing escape
		{`userName eq "a%-1"`, "", false},       // negative value
		{`userName eq "a%+1b"`, "a\x01b", true}, // Integer.parseInt accepts a sign
		{`userName eq "%C3%A9t%C3%A9"`, "été", true},
		{`userName eq "%C3"`, "\uFFFD", true},      // malformed UTF-8 is replaced
		{`userName eq 😀a😀`, "\uFFFDa\uFFFD", true}, // one UTF-16 unit of each emoji is cut
		{"", "", false},
	} {
		value, ok := parseSCIMFilter(tc.raw)
		if value != tc.value || ok != tc.ok {
			t.Errorf("parseSCIMFilter(%q) = %q, %v; want %q, %v", tc.raw, value, ok, tc.value, tc.ok)
		}
	}
}

// TestSearchGroupsFilterLikeJava: a display name holding " eq " cannot be
// searched for in Harness (the filter value stops at the second " eq "), so
// the mock does not find it either.
func TestSearchGroupsFilterLikeJava(t *testing.T) {
	s := newTestServer(t, "nextgen", nil)
	s.SeedGroup(GroupSpec{Name: "Team eq Ops"})
	s.SeedGroup(GroupSpec{Name: "Tea"})
	s.SeedGroup(GroupSpec{Name: "Other"})
	for filter, want := range map[string][]string{
		`displayName eq "Team eq Ops"`: {"Tea"},
		`displayName eq "Other"`:       {"Other"},
		`displayName eq "%zz"`:         {"Team eq Ops", "Tea", "Other"},
	} {
		a := s.call(http.MethodGet, s.base()+"/Groups?filter="+url.QueryEscape(filter), "")
		var list struct {
			Resources []struct{ DisplayName string }
		}
		if a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil {
			t.Fatalf("%s: %d %s", filter, a.status, a.body)
		}
		var got []string
		for _, g := range list.Resources {
			got = append(got, g.DisplayName)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", filter, got, want)
		}
	}
}
