package provider

import (
	"net/mail"
	"strings"
	"testing"
	"unicode"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// The fuzz targets run their seeds (in code and under testdata/fuzz) with
// every `go test`; `make fuzz` (or `go test -fuzz FuzzX`) explores further.

// FuzzParseKeyImportID: any import ID either fails or gives a key of a
// known type whose parts are non-blank and contain no '/', and the ID
// Terraform records (apiKeyID, tokenID) is the trimmed import ID again, so
// an import round-trips.
func FuzzParseKeyImportID(f *testing.F) {
	for _, id := range []string{"sa/k/SERVICE_ACCOUNT", "o/sa/k/SERVICE_ACCOUNT", "o/p/u/k/user", "sa/k/SERVICE_ACCOUNT/t",
		"o/p/sa/k/SERVICE_ACCOUNT/t", "k/SERVICE_ACCOUNT", "a/b/c/d/e/SERVICE_ACCOUNT", "sa/k/ADMIN", "sa//SERVICE_ACCOUNT",
		" sa/k/USER ", "sa/ /USER", "/sa/k/USER", "sa/k/USER/", "sa/k/service_account/t", "sa/k/\u0130SER", "", "////"} {
		f.Add(id, 0)
		f.Add(id, 1)
	}
	f.Fuzz(func(t *testing.T, id string, extra int) {
		if extra < 0 || extra > 1 {
			return
		}
		ref, rest, err := parseKeyImportID(id, extra)
		if err != nil {
			return
		}
		if ref.Type != client.APIKeyTypeUser && ref.Type != client.APIKeyTypeServiceAccount {
			t.Fatalf("%q: type %q", id, ref.Type)
		}
		parts := []string{ref.Scope.Org, ref.Scope.Project, ref.Parent, ref.Identifier}
		parts = append(parts, rest...)
		for _, p := range parts[2:] {
			if strings.TrimSpace(p) == "" || strings.Contains(p, "/") {
				t.Fatalf("%q: blank or '/' part in %q", id, parts)
			}
		}
		if ref.Scope.Project != "" && ref.Scope.Org == "" {
			t.Fatalf("%q: a project without an organization", id)
		}
		if len(rest) != extra {
			t.Fatalf("%q: %d trailing parts, want %d", id, len(rest), extra)
		}
		got := apiKeyID(ref)
		if extra == 1 {
			got = tokenID(ref, rest[0])
		}
		if !strings.EqualFold(got, strings.TrimSpace(id)) {
			t.Fatalf("import ID %q is recorded as %q", id, got)
		}
	})
}

// FuzzValidateEmail: whatever validateEmail accepts is one plain address
// that net/mail reads back unchanged, within the length limits, with an
// '@' and a dotted domain and no space or control character; Harness
// lower-cases it, and the lower-cased form compares equal to it
// (emailValue's semantic equality).
func FuzzValidateEmail(f *testing.F) {
	for _, v := range []string{"alice@example.com", "Alice.Doe+tag@Example.co.uk", "", "alice", "alice@", "@example.com",
		"Alice <alice@example.com>", " alice@example.com", "alice@localhost", `"a b"@example.com`, "a\x00@example.com",
		"a\n@example.com", "a@b.c", strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 65) + "@example.com",
		"a@" + strings.Repeat("b", 250) + ".com", "zoë@example.com", "a@example.com.", "a@[127.0.0.1]", "a(comment)@example.com",
		"\u202eevil@example.com", "a@@example.com"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if validateEmail(v) != nil {
			return
		}
		at := strings.LastIndex(v, "@")
		switch {
		case len(v) > maxEmailLength || at > maxEmailLocal:
			t.Fatalf("%q accepted beyond the length limits", v)
		case at < 1 || !strings.Contains(v[at+1:], "."):
			t.Fatalf("%q accepted without a local part or a dotted domain", v)
		case strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			t.Fatalf("%q accepted with a space or control character", v)
		}
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v || a.Name != "" {
			t.Fatalf("%q accepted but net/mail reads %v, %v", v, a, err)
		}
		if eq, diags := newEmailValue(v).StringSemanticEquals(t.Context(), newEmailValue(strings.ToLower(v))); diags.HasError() || !eq {
			t.Fatalf("%q and its lower-cased form are not the same user_name", v)
		}
	})
}
