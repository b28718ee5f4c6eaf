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
		"alice@localhost", `"a"@example.com`} {
		if err := validateEmail(bad); err == nil {
			t.Errorf("validateEmail(%q) accepted it", bad)
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
