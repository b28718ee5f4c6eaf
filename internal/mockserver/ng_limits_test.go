package mockserver

import (
	"fmt"
	"strings"
	"testing"
)

// TestNGTagAndEmailLimits pins two limits of Harness's DTOs: at most 128
// tags on a service account, API key or token (@Size(max = 128) on their
// tags), answered with the bean-validation FailureDTO before anything is
// stored; and a service-account email refused by Hibernate's @Email for a
// local part over 64 characters.
func TestNGTagAndEmailLimits(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	tags := func(n int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("k%d", i)] = "v"
		}
		return m
	}
	sa := saBody("sa1")
	sa["tags"] = tags(129)
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, sa), 400, "INVALID_REQUEST", "tags: size must be between 0 and 128")
	sa["tags"] = tags(128)
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, sa), 200, "", "")

	key := keyBody("k1", KindServiceAccount, "sa1")
	key["tags"] = tags(129)
	h.expect(h.call("POST", "/ng/api/apikey", nil, key), 400, "INVALID_REQUEST", "tags: size must be between 0 and 128")
	key["tags"] = tags(0)
	h.expect(h.call("POST", "/ng/api/apikey", nil, key), 200, "", "")

	tok := tokenBody("t1", "k1", KindServiceAccount, "sa1")
	tok["tags"] = tags(129)
	h.expect(h.call("POST", "/ng/api/token", nil, tok), 400, "INVALID_REQUEST", "tags: size must be between 0 and 128")
	if n := len(h.srv.Tokens()); n != 0 {
		t.Fatalf("%d tokens stored", n)
	}

	long := saBody("sa2")
	long["email"] = strings.Repeat("a", 65) + "@service.harness.io"
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, long), 400, "INVALID_REQUEST", "email: must be a well-formed email address")
	long["email"] = strings.Repeat("a", 64) + "@service.harness.io"
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, long), 200, "", "")
}
