package mockserver

import "testing"

// TestValidEmail checks the EmailValidator model on addresses whose
// verdict commons-validator documents or its tests pin.
func TestValidEmail(t *testing.T) {
	for email, want := range map[string]bool{
		"jsmith@apache.org": true, "Bob+Tag@example.com": true, "100%real@example.com": true,
		`odd\slash@example.com`: true, `"quoted user"@example.com`: true, "a.b@sub.example.co": true,
		"UserName123": false, "a@b": false, "a@b.c": false, "jsmith@apache.org.": false, "jsmith@apache.": false,
		"Hal <hal@example.com>": false, "a..b@example.com": false, ".a@example.com": false, "a b@example.com": false,
		"joe(1)@example.com": false, "": false, "@example.com": false,
	} {
		if got := validEmail(email); got != want {
			t.Errorf("validEmail(%q) = %v, want %v", email, got, want)
		}
	}
}
