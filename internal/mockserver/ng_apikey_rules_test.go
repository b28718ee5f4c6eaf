package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

// TestNGAPIKeyNameRules pins where Harness checks an API key's name:
// ApiKeyDTO.name is only @NotBlank (970-ng-commons ApiKeyDTO.java), checked
// on create and update; the ApiKey entity's @NGEntityName (at most 128
// characters, letters, digits, '-', '_', '.', ' ', '/') is checked only by
// ApiKeyServiceImpl.createApiKey (validate(apiKey), line 98), not by
// updateApiKey (lines 141-163). Token names get the entity check on create
// and update (TokenServiceImpl lines 128, 303).
func TestNGAPIKeyNameRules(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, saBody("sa1")), 200, "", "")
	long := strings.Repeat("n", 129)
	body := func(name string) map[string]any {
		b := keyBody("k1", KindServiceAccount, "sa1")
		b["name"] = name
		return b
	}
	h.expect(h.call("POST", "/ng/api/apikey", nil, body(" ")), 400, "INVALID_REQUEST", "name: may not be empty")
	h.expect(h.call("POST", "/ng/api/apikey", nil, body(long)), 400, "INVALID_REQUEST",
		"name: cannot be more than 128 characters long.")
	h.expect(h.call("POST", "/ng/api/apikey", nil, body("Okta (prod)")), 400, "INVALID_REQUEST",
		"name: can only contain alphanumeric, dot, hyphen, forward slash and underscore characters.")
	h.expect(h.call("POST", "/ng/api/apikey", nil, body(strings.Repeat("n", 128))), 200, "", "")

	// An update takes any non-blank name.
	h.expect(h.send("PUT", "/ng/api/apikey/k1?accountIdentifier="+DefaultAccountID, body(long+" (prod)"), http.Header{}), 200, "", "")
	if k, _ := h.srv.APIKey(APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}); k.Name != long+" (prod)" {
		t.Fatalf("update stored name %q", k.Name)
	}
	h.expect(h.send("PUT", "/ng/api/apikey/k1?accountIdentifier="+DefaultAccountID, body(""), http.Header{}), 400, "INVALID_REQUEST",
		"name: may not be empty")

	// Tokens: the entity check on create and on update.
	tok := tokenBody("t1", "k1", KindServiceAccount, "sa1")
	tok["name"] = "CI token (GitHub)"
	h.expect(h.call("POST", "/ng/api/token", nil, tok), 400, "INVALID_REQUEST", "name: can only contain")
	tok["name"] = "ci"
	h.expect(h.call("POST", "/ng/api/token", nil, tok), 200, "", "")
	t1, _ := h.srv.LookupToken(APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}, "t1")
	tok["name"], tok["validFrom"], tok["validTo"] = long, t1.ValidFrom.UnixMilli(), t1.ValidTo.UnixMilli()
	h.expect(h.call("PUT", "/ng/api/token/t1", nil, tok), 400, "INVALID_REQUEST", "name: cannot be more than 128")
}

// TestNGAPIKeyLimitIgnoresType pins ApiKeyServiceImpl.validateApiKeyLimit
// (lines 129-139): the count is by account, org, project and parent, so a
// user's personal keys and keys of a service account with the same
// identifier as that user share the limit.
func TestNGAPIKeyLimitIgnoresType(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: AdminUserID, Name: "twin", Email: "twin@service.harness.io"})
	for _, id := range []string{"u1", "u2", "u3"} {
		h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody(id, KindUser, AdminUserID)), 200, "", "")
	}
	for _, id := range []string{"s1", "s2"} {
		h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody(id, KindServiceAccount, AdminUserID)), 200, "", "")
	}
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("s3", KindServiceAccount, AdminUserID)), 400, "INVALID_REQUEST",
		"Invalid request: Maximum limit has reached")
	// Another scope is another count.
	org := keyBody("o1", KindServiceAccount, "saorg")
	org["orgIdentifier"] = "org1"
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "saorg", Name: "saorg", Email: "saorg@service.harness.io", Scope: Scope{Org: "org1"}})
	h.expect(h.call("POST", "/ng/api/apikey", nil, org), 200, "", "")
}

// TestNGMessagesSayNull pins that Harness formats an account-scope org or
// project identifier, which it keeps null, as "null"
// (ServiceAccountServiceImpl line 237, String.format of a null String).
func TestNGMessagesSayNull(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("k1", KindServiceAccount, "ghost")), 400, "RESOURCE_NOT_FOUND_EXCEPTION",
		"Service account with identifier [ghost] is not found in the given scope accountIdentifier ["+DefaultAccountID+
			"], orgIdentifier [null], projectIdentifier [null]")
}

// TestNGServiceAccountNameRules: ServiceAccountDTO.name is @NotBlank, and
// ServiceAccountServiceImpl validates the entity's @NGEntityName on create
// and update (lines 108, 152).
func TestNGServiceAccountNameRules(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	body := func(name string) map[string]any {
		b := saBody("sa1")
		b["name"] = name
		return b
	}
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, body("")), 400, "INVALID_REQUEST", "name: may not be empty")
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, body("IdP (Okta)")), 400, "INVALID_REQUEST", "name: can only contain")
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, body(strings.Repeat("s", 129))), 400, "INVALID_REQUEST",
		"name: cannot be more than 128 characters long.")
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, body("IdP Okta/prod")), 200, "", "")
	h.expect(h.call("PUT", "/ng/api/serviceaccount/sa1", nil, body("IdP: Okta")), 400, "INVALID_REQUEST", "name: can only contain")
}
