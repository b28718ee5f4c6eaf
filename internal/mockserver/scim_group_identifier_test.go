package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

// TestGroupIdentifiersHarnessRefuses pins NextGen's group create (harness-
// core 1dcec145): NGScimGroupServiceImpl.createGroup (lines 414-454) derives
// the identifier with UuidAndIdentifierUtils.generateHarnessUIFormatIdentifier
// (lines 41-73), then UserGroupServiceImpl.createForSCIM (123-ng-core-user,
// lines 183-189, 263-289) validates it with EntityIdentifierValidator (a
// leading digit, more than 128 characters or a NOT_ALLOWED_WORDS entry is
// refused) and refuses the default groups' identifiers; create answers 409.
// FirstGen ids are random, so it takes every name.
func TestGroupIdentifiersHarnessRefuses(t *testing.T) {
	long := strings.Repeat("g", 129)
	cases := []struct{ name, detail string }{
		{"(2024) Staff", "identifier: " + msgIdentifierPattern},
		{"\u00a0123 Ops", "identifier: " + msgIdentifierPattern}, // Java's trim keeps U+00A0, so the digits stay
		{long, "identifier: " + msgIdentifierPattern},
		{"account", "identifier: account is a keyword, so cannot be used"},
		{"stepGroup", "identifier: stepGroup is a keyword, so cannot be used"},
		{" shellScriptProvisioner ", "identifier: shellScriptProvisioner is a keyword, so cannot be used"},
		{"!!!", "identifier: cannot be empty"},
		{"_account_all_users", "Cannot create a harness managed user group"},
	}
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			for _, tc := range cases {
				var se struct {
					Status int    `json:"status"`
					Detail string `json:"detail"`
				}
				if h.srv.Profile().Generation == FirstGen {
					h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": tc.name}, http.StatusCreated, nil)
					continue
				}
				h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": tc.name}, http.StatusConflict, &se)
				if se.Status != 404 || se.Detail != tc.detail {
					t.Errorf("%q: %+v, want detail %q", tc.name, se, tc.detail)
				}
			}
			// Accepted near misses: a letter before the digits, 128
			// characters, a reserved word in another case.
			for _, name := range []string{"Staff 2024", strings.Repeat("g", 128), "Account", "123 Ops"} {
				h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": name}, http.StatusCreated, nil)
			}
			if g, ok := h.srv.Group("_Ops"); h.srv.Profile().Generation == NextGen && (!ok || g.Name != "123 Ops") {
				t.Errorf("\"123 Ops\" should become _Ops: %+v %v", g, ok)
			}
		})
	}
}

// TestIdentifierFromNameFollowsJava pins identifierFromName to
// UuidAndIdentifierUtils.generateHarnessUIFormatIdentifier (harness-core
// 1dcec145, 980-commons, lines 41-51 and 70-73) with commons-lang3 3.10's
// isBlank and stripAccents; each want was derived by hand from that code.
func TestIdentifierFromNameFollowsJava(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Łódź team":             "Lodz_team", // Ł is not decomposed: stripAccents maps it
		"\u0301 1abc":           "abc",       // trim again after the accent is stripped
		"\u00a0 1abc":           "_1abc",     // String.trim stops at U+00A0
		"\x01 1abc":             "abc",       // String.trim removes controls
		"\u06631abc":            "1abc",      // ^[0-9-$]* is ASCII only
		"\u20d0 1abc":           "_1abc",     // only U+0300-U+036F counts as an accent
		"\u2003 \u2003":         "",          // isBlank
		"\x01\u2003 \u2003\x01": "",          // isBlank after the first trim
		"\u2003 x":              "_x",
		"Kelvin \u212a":         "Kelvin_K",
		"-5.x":                  "_5_x",
		"2024 Staff":            "_Staff",
		"(2024) Staff":          "2024_Staff",
	} {
		if got := identifierFromName(name); got != want {
			t.Errorf("identifierFromName(%q) = %q, want %q", name, got, want)
		}
	}
}
