package provider

import (
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

func TestParseKeyImportID(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		id    string
		extra int
		want  client.APIKeyRef
		rest  []string
		bad   bool
	}{
		"account":         {id: "sa/k/SERVICE_ACCOUNT", want: client.APIKeyRef{Parent: "sa", Identifier: "k", Type: client.APIKeyTypeServiceAccount}},
		"org":             {id: "o/sa/k/SERVICE_ACCOUNT", want: client.APIKeyRef{Scope: client.Scope{Org: "o"}, Parent: "sa", Identifier: "k", Type: client.APIKeyTypeServiceAccount}},
		"project":         {id: "o/p/u/k/user", want: client.APIKeyRef{Scope: client.Scope{Org: "o", Project: "p"}, Parent: "u", Identifier: "k", Type: client.APIKeyTypeUser}},
		"token":           {id: "sa/k/SERVICE_ACCOUNT/t", extra: 1, want: client.APIKeyRef{Parent: "sa", Identifier: "k", Type: client.APIKeyTypeServiceAccount}, rest: []string{"t"}},
		"project token":   {id: "o/p/sa/k/SERVICE_ACCOUNT/t", extra: 1, want: client.APIKeyRef{Scope: client.Scope{Org: "o", Project: "p"}, Parent: "sa", Identifier: "k", Type: client.APIKeyTypeServiceAccount}, rest: []string{"t"}},
		"too short":       {id: "k/SERVICE_ACCOUNT", bad: true},
		"too long":        {id: "a/b/c/d/e/SERVICE_ACCOUNT", bad: true},
		"bad type":        {id: "sa/k/ADMIN", bad: true},
		"empty part":      {id: "sa//SERVICE_ACCOUNT", bad: true},
		"token too short": {id: "sa/k/SERVICE_ACCOUNT", extra: 1, bad: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, rest, err := parseKeyImportID(tc.id, tc.extra)
			if tc.bad {
				if err == nil {
					t.Fatalf("%q: want an error, got %+v", tc.id, got)
				}
				return
			}
			if err != nil || got != tc.want || len(rest) != len(tc.rest) || (len(rest) > 0 && rest[0] != tc.rest[0]) {
				t.Fatalf("%q: got %+v %v %v, want %+v %v", tc.id, got, rest, err, tc.want, tc.rest)
			}
		})
	}
}

func TestJoinID(t *testing.T) {
	t.Parallel()
	if got := joinID("", "", "sa", "k", "SERVICE_ACCOUNT"); got != "sa/k/SERVICE_ACCOUNT" {
		t.Errorf("account scope: %q", got)
	}
	if got := tokenID(client.APIKeyRef{Scope: client.Scope{Org: "o", Project: "p"}, Parent: "sa", Identifier: "k", Type: client.APIKeyTypeServiceAccount}, "t"); got != "o/p/sa/k/SERVICE_ACCOUNT/t" {
		t.Errorf("project token: %q", got)
	}
}
