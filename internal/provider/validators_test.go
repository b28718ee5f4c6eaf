package provider

import (
	"strings"
	"testing"
)

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

func TestValidateEmail(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"alice@example.com", "Alice.Doe+tag@Example.co.uk"} {
		if err := validateEmail(ok); err != nil {
			t.Errorf("validateEmail(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "alice", "alice@", "@example.com", "Alice <alice@example.com>", " alice@example.com",
		"alice@localhost", `"a"@example.com`, "a\x00b@example.com", "a\nb@example.com",
		strings.Repeat("a", 65) + "@example.com", "a@" + strings.Repeat("b", 250) + ".com", strings.Repeat("a", 10000) + "@example.com"} {
		if err := validateEmail(bad); err == nil {
			t.Errorf("validateEmail(%q) accepted it", bad)
		}
	}
}

func TestValidateEmailLimits(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{strings.Repeat("a", 64) + "@example.com", "a@" + strings.Repeat("b", 247) + ".com"} {
		if err := validateEmail(ok); err != nil {
			t.Errorf("validateEmail(%d characters) = %v", len(ok), err)
		}
	}
}

func TestHarnessNameProblem(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"Entra ID SCIM": true, "team-a_b.c/d": true, strings.Repeat("n", 128): true,
		"": false, "  ": false, strings.Repeat("n", 129): false, "SCIM (Entra)": false, "a\x00b": false,
		"a\x1bb": false, "a\nb": false, "\u202eevil": false, "Zoë": false,
	} {
		if got := harnessNameProblem(name) == ""; got != ok {
			t.Errorf("harnessNameProblem(%q) ok=%v, want %v", name, got, ok)
		}
	}
}

func TestTextProblem(t *testing.T) {
	t.Parallel()
	for text, ok := range map[string]bool{
		"Alice Doe": true, "Zoë Ünal": true, "محمد": true, "a\u200db": true, strings.Repeat("é", 256): true,
		strings.Repeat("é", 257): false, "a\x00b": false, "a\x1b[31mb": false, "a\nb": false, "a\tb": false,
		"a\u2028b": false, "\u202eevil": false, "a\u2067b": false, "a\xffb": false,
	} {
		if got := textProblem(text, maxSCIMText) == ""; got != ok {
			t.Errorf("textProblem(%q) ok=%v, want %v", text, got, ok)
		}
	}
}

// Every word EntityIdentifierValidator reserves (harness-core 1dcec145,
// NOT_ALLOWED_WORDS) is refused, case-sensitively.
func TestValidateIdentifierReservedWords(t *testing.T) {
	t.Parallel()
	for _, w := range []string{"or", "and", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "not", "null", "true", "false",
		"new", "var", "return", "step", "parallel", "stepGroup", "org", "account", "class", "shellScriptProvisioner"} {
		if err := validateIdentifier(w); err == nil || !strings.Contains(err.Error(), "a word Harness reserves") {
			t.Errorf("validateIdentifier(%q) = %v, want it reserved", w, err)
		}
	}
	for _, ok := range []string{"Step", "stepgroup", "Class", "steps"} {
		if err := validateIdentifier(ok); err != nil {
			t.Errorf("validateIdentifier(%q) = %v; Harness compares reserved words case-sensitively", ok, err)
		}
	}
}
