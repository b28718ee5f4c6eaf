package mockserver

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestOfficialProviderWire replays, request for request, what the official
// Harness provider (terraform-provider-harness, harness-go-sdk v0.8.24)
// sends for a service account, an API key and a token at account scope:
// only the X-Api-Key header (no Harness-Account), accountIdentifier in the
// query except on the API-key PUT, which goes to /ng/api/apikey/<accountId>
// with the key's identity in the body (api_key/apiKey.go line 92). Each
// must keep working against the mock (issue 9: the provider was run against
// the mock and every failure was its own bug).
func TestOfficialProviderWire(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	acct := DefaultAccountID
	q := func(kv ...string) string {
		v := url.Values{"accountIdentifier": {acct}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return "?" + v.Encode()
	}
	sdk := func(method, pathAndQuery string, body any) {
		t.Helper()
		hdr := http.Header{"X-Api-Key": {h.key}, "Accept": {"application/json"}}
		a := h.as("").send(method, pathAndQuery, body, hdr)
		h.expect(a, 200, "", "")
	}
	keyQ := []string{"apiKeyType", KindServiceAccount, "parentIdentifier", "sa1"}
	tokQ := append(append([]string{}, keyQ...), "apiKeyIdentifier", "k1")

	sdk("POST", "/ng/api/serviceaccount"+q(), saBody("sa1"))
	sdk("GET", "/ng/api/serviceaccount/aggregate/sa1"+q(), nil)
	sa := saBody("sa1")
	sa["name"] = "renamed"
	sdk("PUT", "/ng/api/serviceaccount/sa1"+q(), sa)

	sdk("POST", "/ng/api/apikey"+q(), keyBody("k1", KindServiceAccount, "sa1"))
	sdk("GET", "/ng/api/apikey/aggregate/k1"+q(keyQ...), nil)
	key := keyBody("k1", KindServiceAccount, "sa1")
	key["name"], key["defaultTimeToExpireToken"] = "k1 renamed", 3600000
	sdk("PUT", "/ng/api/apikey/"+acct, key)
	if k, _ := h.srv.APIKey(APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}); k.Name != "k1 renamed" {
		t.Fatalf("the official provider's key update was not stored: %+v", k)
	}

	tok := tokenBody("t1", "k1", KindServiceAccount, "sa1")
	sdk("POST", "/ng/api/token"+q(), tok)
	sdk("GET", "/ng/api/token/aggregate"+q(append(append([]string{}, tokQ...), "identifiers", "t1")...), nil)
	tok["name"] = "t1 renamed"
	tok["validFrom"], tok["validTo"] = time.Now().UnixMilli(), time.Now().Add(time.Hour).UnixMilli()
	sdk("PUT", "/ng/api/token/t1"+q(), tok)
	sdk("DELETE", "/ng/api/token/t1"+q(tokQ...), nil)
	sdk("DELETE", "/ng/api/apikey/k1"+q(keyQ...), nil)
	sdk("DELETE", "/ng/api/serviceaccount/sa1"+q(), nil)
}
