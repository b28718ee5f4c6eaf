package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

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

func TestValidateIdentifier(t *testing.T) {
	t.Parallel()
	for id, ok := range map[string]bool{
		"entra": true, "_x": true, "a$b": true, "A1": true, "x": true,
		"1a": false, "$a": false, "a-b": false, "": false, "true": false, "account": false, "org": false,

		strings.Repeat("a", 128): true, strings.Repeat("a", 129): false,
	} {
		if err := validateIdentifier(id); (err == nil) != ok {
			t.Errorf("validateIdentifier(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}

func TestTimestampSemanticEquality(t *testing.T) {
	t.Parallel()
	ts := func(s string) timestampValue { return timestampValue{StringValue: basetypes.NewStringValue(s)} }
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"2030-01-01T02:00:00+02:00", "2030-01-01T00:00:00Z", true},
		{"2030-01-01T00:00:00.0001Z", "2030-01-01T00:00:00Z", true}, // below Harness's millisecond
		{"2030-01-01T00:00:00.001Z", "2030-01-01T00:00:00Z", false},
		{"not a time", "2030-01-01T00:00:00Z", false},
	} {
		got, diags := ts(tc.a).StringSemanticEquals(context.Background(), ts(tc.b))
		if diags.HasError() || got != tc.want {
			t.Errorf("%s == %s: got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if v := timestampFromMillis(1893456000123); v.ValueString() != "2030-01-01T00:00:00.123Z" || v.Millis() != 1893456000123 {
		t.Errorf("timestampFromMillis: %s", v.ValueString())
	}
	if !timestampFromMillis(0).IsNull() {
		t.Error("0 ms must be null")
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
