package mockserver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ngHarness drives a mock over real HTTP with a NextGen x-api-key.
type ngHarness struct {
	t   *testing.T
	srv *Server
	url string
	key string
}

func newNGHarness(t *testing.T) *ngHarness {
	t.Helper()
	return newNGHarnessFor(t, New(Options{}))
}

// newNGHarnessFor serves srv.
func newNGHarnessFor(t *testing.T, srv *Server) *ngHarness {
	t.Helper()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &ngHarness{t: t, srv: srv, url: hs.URL, key: srv.Token()}
}

// as returns a copy that authenticates with another key.
func (h *ngHarness) as(key string) *ngHarness {
	cp := *h
	cp.key = key
	return &cp
}

type ngAnswer struct {
	status int
	body   map[string]any
	raw    string
}

func (a ngAnswer) str(key string) string {
	v, _ := a.body[key].(string)
	return v
}

// data returns the envelope's data as an object.
func (a ngAnswer) data() map[string]any {
	m, _ := a.body["data"].(map[string]any)
	return m
}

// call sends a request. accountIdentifier is added to the query unless the
// query already has it or noAccount is set.
func (h *ngHarness) call(method, path string, q url.Values, body any) ngAnswer {
	h.t.Helper()
	if q == nil {
		q = url.Values{}
	}
	if _, ok := q["accountIdentifier"]; !ok {
		q.Set("accountIdentifier", h.srv.AccountID())
	}
	return h.send(method, path+"?"+q.Encode(), body, http.Header{})
}

func (h *ngHarness) send(method, pathAndQuery string, body any, hdr http.Header) ngAnswer {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.url+pathAndQuery, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header = hdr
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if h.key != "" {
		req.Header.Set("x-api-key", h.key)
	}
	resp, err := testHTTP.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, pathAndQuery, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := ngAnswer{status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// scim calls a NextGen SCIM route with a Bearer token.
func (h *ngHarness) scim(token string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.url+"/ng/api/scim/account/"+h.srv.AccountID()+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := testHTTP.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (h *ngHarness) expect(a ngAnswer, status int, code, msgPart string) {
	h.t.Helper()
	if a.status != status {
		h.t.Fatalf("status %d, want %d: %s", a.status, status, a.raw)
	}
	if code != "" && a.str("code") != code {
		h.t.Fatalf("code %q, want %q: %s", a.str("code"), code, a.raw)
	}
	if msgPart != "" && !strings.Contains(a.str("message"), msgPart) {
		h.t.Fatalf("message %q does not contain %q", a.str("message"), msgPart)
	}
	if status == http.StatusOK && (a.str("status") != "SUCCESS" || a.str("correlationId") == "") {
		h.t.Fatalf("not a ResponseDTO envelope: %s", a.raw)
	}
}

func saBody(id string) map[string]any {
	return map[string]any{"identifier": id, "name": id + " name", "email": id + "@service.harness.io", "accountIdentifier": DefaultAccountID}
}

func keyBody(id, keyType, parent string) map[string]any {
	return map[string]any{"identifier": id, "name": id, "apiKeyType": keyType, "parentIdentifier": parent, "accountIdentifier": DefaultAccountID}
}

func tokenBody(id, key, keyType, parent string) map[string]any {
	return map[string]any{"identifier": id, "name": id, "apiKeyIdentifier": key, "apiKeyType": keyType, "parentIdentifier": parent,
		"accountIdentifier": DefaultAccountID}
}

func keyQuery(keyType, parent string) url.Values {
	return url.Values{"apiKeyType": {keyType}, "parentIdentifier": {parent}}
}

func tokenQuery(keyType, parent, key string) url.Values {
	q := keyQuery(keyType, parent)
	q.Set("apiKeyIdentifier", key)
	return q
}

var tokenValueRE = regexp.MustCompile(`^(pat|sat)\.` + DefaultAccountID + `\.[0-9a-f]{24}\.[A-Za-z0-9]{20}$`)

func TestNGServiceAccounts(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	a := h.call("POST", "/ng/api/serviceaccount", nil, saBody("sa1"))
	h.expect(a, 200, "", "")
	if d := a.data(); d["identifier"] != "sa1" || d["orgIdentifier"] != nil || d["email"] != "sa1@service.harness.io" {
		t.Fatalf("create answered %s", a.raw)
	}
	if !strings.Contains(a.raw, `"orgIdentifier":null`) || !strings.Contains(a.raw, `"tags":{}`) || !strings.Contains(a.raw, `"metaData":null`) {
		t.Fatalf("account-scope nulls and empty tags expected: %s", a.raw)
	}

	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, saBody("sa1")), 400, "DUPLICATE_FIELD", "already present")
	// Unlike API keys and tokens, service-account identifiers are unique
	// case-sensitively (ServiceAccount.mongoIndexes has no collation).
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, saBody("SA1")), 200, "", "")
	h.expect(h.call("DELETE", "/ng/api/serviceaccount/SA1", nil, nil), 200, "", "")
	for id, msg := range map[string]string{"1abc": "can be 128 characters", "true": "true is a keyword", "a-b": "alphanumeric", "": "cannot be empty"} {
		a := h.call("POST", "/ng/api/serviceaccount", nil, saBody(id))
		h.expect(a, 400, "INVALID_REQUEST", msg)
		if a.str("status") != "FAILURE" || !strings.Contains(a.raw, `"fieldId":"identifier"`) {
			t.Fatalf("identifier %q: want a FailureDTO, got %s", id, a.raw)
		}
	}
	bad := saBody("sa2")
	bad["email"] = "not-an-email"
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, bad), 400, "INVALID_REQUEST", "email")
	scoped := saBody("sa2")
	scoped["orgIdentifier"] = "org1"
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, scoped), 400, "INVALID_REQUEST",
		"Invalid request: Value mismatch, previous: null current: org1")
	h.expect(h.call("POST", "/ng/api/serviceaccount", url.Values{"orgIdentifier": {"org1"}}, scoped), 200, "", "")
	if _, ok := h.srv.ServiceAccount(Scope{Org: "org1"}, "sa2"); !ok {
		t.Fatal("org-scoped service account not stored")
	}

	a = h.call("GET", "/ng/api/serviceaccount/aggregate/sa1", nil, nil)
	h.expect(a, 200, "", "")
	if sa, _ := a.data()["serviceAccount"].(map[string]any); sa["name"] != "sa1 name" || a.data()["tokensCount"] != 0.0 {
		t.Fatalf("aggregate: %s", a.raw)
	}
	h.expect(h.call("GET", "/ng/api/serviceaccount/aggregate/sa2", nil, nil), 400, "INVALID_ARGUMENT",
		"Invalid argument(s): Service account [sa2] doesn't exist in scope")

	upd := saBody("sa1")
	upd["name"], upd["description"], upd["tags"] = "renamed", "d", map[string]string{"k": "v"}
	h.expect(h.call("PUT", "/ng/api/serviceaccount/sa1", nil, upd), 200, "", "")
	if sa, _ := h.srv.ServiceAccount(Scope{}, "sa1"); sa.Name != "renamed" || sa.Tags["k"] != "v" || sa.Description != "d" {
		t.Fatalf("update not stored: %+v", sa)
	}
	upd["email"] = "other@service.harness.io"
	h.expect(h.call("PUT", "/ng/api/serviceaccount/sa1", nil, upd), 400, "INVALID_REQUEST",
		"Invalid request: Value mismatch, previous: sa1@service.harness.io current: other@service.harness.io")
	h.expect(h.call("PUT", "/ng/api/serviceaccount/nope", nil, saBody("nope")), 400, "INVALID_REQUEST",
		"Service account with identifier: nope doesn't exist")

	a = h.call("GET", "/ng/api/serviceaccount", url.Values{"identifiers": {"sa1"}}, nil)
	if list, _ := a.body["data"].([]any); len(list) != 1 {
		t.Fatalf("list: %s", a.raw)
	}
	a = h.call("GET", "/ng/api/serviceaccount/aggregate", nil, nil)
	if page := a.data(); page["totalItems"] != 1.0 || page["pageSize"] != 50.0 {
		t.Fatalf("aggregate page: %s", a.raw)
	}

	h.expect(h.call("DELETE", "/ng/api/serviceaccount/sa1", nil, nil), 200, "", "")
	h.expect(h.call("DELETE", "/ng/api/serviceaccount/sa1", nil, nil), 400, "INVALID_REQUEST", "doesn't exist")
}

func TestNGAPIKeys(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("k1", KindServiceAccount, "sa1")), 400,
		"RESOURCE_NOT_FOUND_EXCEPTION", "Service account with identifier [sa1] is not found in the given scope")
	h.expect(h.call("POST", "/ng/api/serviceaccount", nil, saBody("sa1")), 200, "", "")

	a := h.call("POST", "/ng/api/apikey", nil, keyBody("k1", KindServiceAccount, "sa1"))
	h.expect(a, 200, "", "")
	if a.data()["defaultTimeToExpireToken"] != 2592000000.0 || a.data()["apiKeyType"] != KindServiceAccount {
		t.Fatalf("create: %s", a.raw)
	}
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("K1", KindServiceAccount, "sa1")), 400, "DUPLICATE_FIELD",
		"Try using different Key name, [K1] already exists")
	for _, id := range []string{"k2", "k3", "k4", "k5"} {
		h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody(id, KindServiceAccount, "sa1")), 200, "", "")
	}
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("k6", KindServiceAccount, "sa1")), 400, "INVALID_REQUEST",
		"Invalid request: Maximum limit has reached")

	q := keyQuery(KindServiceAccount, "sa1")
	h.expect(h.call("GET", "/ng/api/apikey/aggregate/k1", q, nil), 200, "", "")
	h.expect(h.call("GET", "/ng/api/apikey/aggregate/k9", q, nil), 400, "INVALID_ARGUMENT",
		"Invalid argument(s): Api key [k9] doesn't exist in scope")
	h.expect(h.call("GET", "/ng/api/apikey/aggregate/k1", nil, nil), 400, "INVALID_REQUEST", "apiKeyType")

	// The official provider: PUT /ng/api/apikey/<accountId>, no query, the
	// account only in the body.
	upd := keyBody("k1", KindServiceAccount, "sa1")
	upd["name"], upd["defaultTimeToExpireToken"] = "renamed", 3600000
	a = h.send("PUT", "/ng/api/apikey/"+DefaultAccountID, upd, http.Header{})
	h.expect(a, 200, "", "")
	k, _ := h.srv.APIKey(APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"})
	if k.Name != "renamed" || k.DefaultTimeToExpireToken != 3600000 {
		t.Fatalf("update not stored: %+v", k)
	}
	h.expect(h.call("PUT", "/ng/api/apikey/k9", nil, keyBody("k9", KindServiceAccount, "sa1")), 500, "UNKNOWN_ERROR", "Oops")
	h.expect(h.call("DELETE", "/ng/api/apikey/k9", q, nil), 500, "UNKNOWN_ERROR", "")

	// Deleting a key deletes its tokens, and the tokens stop working.
	a = h.call("POST", "/ng/api/token", nil, tokenBody("t1", "k1", KindServiceAccount, "sa1"))
	h.expect(a, 200, "", "")
	value := a.str("data")
	if h.scim(value) != 200 {
		t.Fatal("minted token does not authenticate SCIM")
	}
	h.expect(h.call("DELETE", "/ng/api/apikey/k1", q, nil), 200, "", "")
	if len(h.srv.Tokens()) != 0 || h.scim(value) != 401 {
		t.Fatal("deleting the key left its token working")
	}

	// Deleting the service account deletes its keys.
	h.expect(h.call("DELETE", "/ng/api/serviceaccount/sa1", nil, nil), 200, "", "")
	if n := len(h.srv.APIKeys()); n != 0 {
		t.Fatalf("%d keys left after deleting their service account", n)
	}
}

func TestNGUserKeyRule(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("mine", KindUser, AdminUserID)), 200, "", "")
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("theirs", KindUser, "someoneElse")), 403, "NG_ACCESS_DENIED",
		"User [MockAdminUser000000000] not authenticated to create api key for user [someoneElse]")

	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "robot", Name: "robot", Email: "robot@service.harness.io"})
	sat, err := h.srv.MintToken(TokenSpec{Key: APIKeyRef{Type: KindServiceAccount, Parent: "robot", Identifier: "k"}, Identifier: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sat, "sat.") {
		t.Fatalf("service-account token %q does not start with sat.", sat)
	}
	h.as(sat).expect(h.as(sat).call("POST", "/ng/api/apikey", nil, keyBody("k2", KindUser, AdminUserID)), 400,
		"INVALID_ARGUMENT", "Invalid argument(s): No user identifier present in context")
	// A service-account token may manage service-account keys.
	h.as(sat).expect(h.as(sat).call("POST", "/ng/api/apikey", nil, keyBody("k2", KindServiceAccount, "robot")), 200, "", "")

	// Another user's personal token cannot touch the admin's personal key.
	bob := h.srv.SeedUser(UserSpec{Email: "bob@example.com", DisplayName: "Bob"})
	pat, err := h.srv.MintToken(TokenSpec{Key: APIKeyRef{Type: KindUser, Parent: bob.ID, Identifier: "bobkey"}, Identifier: "t"})
	if err != nil {
		t.Fatal(err)
	}
	h.as(pat).expect(h.as(pat).call("POST", "/ng/api/token", nil, tokenBody("t1", "mine", KindUser, AdminUserID)), 403, "NG_ACCESS_DENIED", "")
	h.expect(h.call("POST", "/ng/api/token", nil, tokenBody("t1", "mine", KindUser, AdminUserID)), 200, "", "")
	a := h.validate(pat, "text/plain")
	h.expect(a, 200, "", "")
	if a.data()["email"] != "bob@example.com" || a.data()["apiKeyIdentifier"] != "bobkey" {
		t.Fatalf("validate: %s", a.raw)
	}
}

// validate posts body as the raw request body of /ng/api/token/validate.
func (h *ngHarness) validate(body, contentType string) ngAnswer {
	h.t.Helper()
	hdr := http.Header{}
	if contentType != "" {
		hdr.Set("Content-Type", contentType)
	}
	hdr.Set("x-api-key", h.key)
	req, err := http.NewRequest(http.MethodPost, h.url+"/ng/api/token/validate?accountIdentifier="+h.srv.AccountID(), strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header = hdr
	resp, err := testHTTP.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := ngAnswer{status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// The validate body is the token as raw text (docs/design/harness-api.md 4): Harness
// reads it as a plain String, so a JSON-quoted token is a different,
// invalid token.
func TestNGTokenValidateTakesRawText(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	sat, err := h.srv.MintToken(TokenSpec{Key: APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k"}, Identifier: "t"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range []string{"text/plain", "application/json", "text/plain; charset=utf-8"} {
		a := h.validate(sat, ct)
		h.expect(a, 200, "", "")
		if a.data()["identifier"] != "t" || a.data()["apiKeyIdentifier"] != "k" {
			t.Fatalf("validate with %s: %s", ct, a.raw)
		}
	}
	// A JSON-quoted token starts with a quote: the prefix check fails.
	quoted, _ := json.Marshal(sat)
	for _, ct := range []string{"application/json", "text/plain"} {
		h.expect(h.validate(string(quoted), ct), 400, "INVALID_REQUEST", "Invalid prefix for API token")
	}
	h.expect(h.validate(sat, "application/xml"), 415, "", "")
}

// TestNGTokenValidateFailures pins TokenServiceImpl.validateToken and
// TokenValidationHelper (harness-core 1dcec145, lines 30-121): each failed
// check is an InvalidRequestException, a 400 INVALID_REQUEST on this route
// (only the authentication filter turns them into 401).
func TestNGTokenValidateFailures(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	key := APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k"}
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	sat, err := h.srv.MintToken(TokenSpec{Key: key, Identifier: "t", ValidFor: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(sat, ".")
	id := parts[2]
	for body, msg := range map[string]string{
		"":    "Invalid request: Invalid API Token: Token is Empty",
		"a.b": "Invalid request: Invalid API Token: Token length not matching for API token",
		"sat." + DefaultAccountID + ".ffff.secret":   "Invalid request: Invalid API token ffff: Token not found",
		"sat.otheraccount.":                          "Invalid request: Invalid API token otheraccount: Token not found",
		"sat.otheraccount." + id + "." + parts[3]:    "Invalid request: Invalid accountId in token " + id,
		"pat." + DefaultAccountID + "." + id + ".xx": "Invalid request: Invalid API token " + id + ": Invalid prefix for API token",
		"sat." + DefaultAccountID + "." + id + ".xx": "Invalid request: Invalid API token " + id + ": Raw password not matching for new API token format",
		"sat." + id + "." + parts[3]:                 "",
		"sat." + id + ".xx":                          "Invalid request: Invalid API token " + id + ": Raw password not matching for API token",
	} {
		a := h.validate(body, "text/plain")
		if msg == "" {
			h.expect(a, 200, "", "")
			continue
		}
		h.expect(a, 400, "INVALID_REQUEST", "")
		if a.str("message") != msg {
			t.Errorf("validate %q: %q, want %q", body, a.str("message"), msg)
		}
	}
	// An expired token the TTL purge has not removed yet.
	h = newNGHarnessFor(t, New(Options{KeepExpiredTokens: true}))
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	if sat, err = h.srv.MintToken(TokenSpec{Key: key, Identifier: "t", ValidFor: time.Hour}); err != nil {
		t.Fatal(err)
	}
	h.srv.AdvanceTime(2 * time.Hour)
	h.expect(h.validate(sat, "text/plain"), 400, "INVALID_REQUEST", "Invalid request: Incoming API token t has expired "+strings.Split(sat, ".")[2])
}

func TestNGTokens(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	q := tokenQuery(KindServiceAccount, "sa1", "k1")
	key := APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}

	// Quirk: a token for a key that does not exist creates the key.
	a := h.call("POST", "/ng/api/token", nil, tokenBody("t1", "k1", KindServiceAccount, "sa1"))
	h.expect(a, 200, "", "")
	value := a.str("data")
	if !tokenValueRE.MatchString(value) || !strings.HasPrefix(value, "sat.") {
		t.Fatalf("token value %q is not in Harness's format", value)
	}
	if k, ok := h.srv.APIKey(key); !ok || k.Name != "k1_auto" || k.Description != "Auto Generated API key" {
		t.Fatalf("auto-created key: %+v %v", k, ok)
	}
	// The value is a credential for NextGen REST and SCIM.
	if h.scim(value) != 200 {
		t.Fatal("token does not authenticate SCIM")
	}
	if log := h.srv.Requests(); log[len(log)-1].Principal != "SERVICE_ACCOUNT:sa1/k1/t1" || log[0].Principal != "USER:"+AdminUserID {
		t.Fatalf("request log principals: %q, %q", log[0].Principal, log[len(log)-1].Principal)
	}
	h.as(value).expect(h.as(value).call("GET", "/ng/api/serviceaccount/aggregate/sa1", nil, nil), 200, "", "")

	h.expect(h.call("POST", "/ng/api/token", nil, tokenBody("T1", "k1", KindServiceAccount, "sa1")), 400, "DUPLICATE_FIELD",
		"Try using different token name, [T1] already exists")
	past := tokenBody("t2", "k1", KindServiceAccount, "sa1")
	past["validTo"] = time.Now().Add(-time.Hour).UnixMilli()
	h.expect(h.call("POST", "/ng/api/token", nil, past), 400, "INVALID_REQUEST", "Token's validTo cannot be set before current time")
	inverted := tokenBody("t2", "k1", KindServiceAccount, "sa1")
	inverted["validFrom"], inverted["validTo"] = time.Now().Add(2*time.Hour).UnixMilli(), time.Now().Add(time.Hour).UnixMilli()
	h.expect(h.call("POST", "/ng/api/token", nil, inverted), 400, "INVALID_REQUEST", "validFrom")
	for _, id := range []string{"t2", "t3", "t4", "t5"} {
		h.expect(h.call("POST", "/ng/api/token", nil, tokenBody(id, "k1", KindServiceAccount, "sa1")), 200, "", "")
	}
	h.expect(h.call("POST", "/ng/api/token", nil, tokenBody("t6", "k1", KindServiceAccount, "sa1")), 400, "INVALID_REQUEST",
		"Maximum limit has reached")

	// There is no single GET: the aggregate list, filtered by identifier,
	// never shows a secret.
	lq := url.Values{}
	for k, v := range q {
		lq[k] = v
	}
	lq.Set("identifiers", "t1")
	a = h.call("GET", "/ng/api/token/aggregate", lq, nil)
	h.expect(a, 200, "", "")
	content, _ := a.data()["content"].([]any)
	if len(content) != 1 || strings.Contains(a.raw, value[len(value)-20:]) {
		t.Fatalf("list: %s", a.raw)
	}
	noParent := url.Values{"apiKeyType": {KindServiceAccount}, "apiKeyIdentifier": {"k1"}}
	h.expect(h.call("GET", "/ng/api/token/aggregate", noParent, nil), 400, "INVALID_REQUEST", "Need to pass parentIdentifier")

	// Update needs both validity bounds and refuses scheduledExpireTime.
	upd := tokenBody("t1", "k1", KindServiceAccount, "sa1")
	upd["name"] = "renamed"
	h.expect(h.call("PUT", "/ng/api/token/t1", nil, upd), 500, "UNKNOWN_ERROR", "")
	upd["validFrom"], upd["validTo"] = time.Now().UnixMilli(), time.Now().Add(48*time.Hour).UnixMilli()
	h.expect(h.call("PUT", "/ng/api/token/t1", nil, upd), 200, "", "")
	if tok, _ := h.srv.LookupToken(key, "t1"); tok.Name != "renamed" {
		t.Fatalf("update not stored: %+v", tok)
	}
	upd["scheduledExpireTime"] = time.Now().UnixMilli()
	h.expect(h.call("PUT", "/ng/api/token/t1", nil, upd), 400, "INVALID_REQUEST", "Rotated tokens cannot be updated")
	missing := tokenBody("nope", "k1", KindServiceAccount, "sa1")
	missing["validFrom"], missing["validTo"] = upd["validFrom"], upd["validTo"]
	h.expect(h.call("PUT", "/ng/api/token/nope", nil, missing), 500, "UNKNOWN_ERROR", "")
	h.expect(h.call("DELETE", "/ng/api/token/nope", q, nil), 500, "UNKNOWN_ERROR", "")
	h.expect(h.call("POST", "/ng/api/token/rotate/nope", withQ(q, "rotateTimestamp", "1"), nil), 500, "UNKNOWN_ERROR", "")
	h.expect(h.call("POST", "/ng/api/token/rotate/t1", q, nil), 500, "UNKNOWN_ERROR", "")

	// Rotation: same identifier, new value; the old value works until the
	// rotate timestamp and then stops. The rotated-out token counts against
	// the limit, so the key needs room for one more token
	// (TestNGRotationAtTokenLimit).
	h.expect(h.call("DELETE", "/ng/api/token/t5", q, nil), 200, "", "")
	oldTok, _ := h.srv.LookupToken(key, "t1")
	rotateAt := h.srv.Now().Add(time.Hour)
	a = h.call("POST", "/ng/api/token/rotate/t1", withQ(q, "rotateTimestamp", itoa(rotateAt.UnixMilli())), nil)
	h.expect(a, 200, "", "")
	newValue := a.str("data")
	if newValue == value || !tokenValueRE.MatchString(newValue) {
		t.Fatalf("rotation answered %q (old %q)", newValue, value)
	}
	newTok, _ := h.srv.LookupToken(key, "t1")
	if newTok.ID == oldTok.ID || !newTok.ValidTo.Equal(oldTok.ValidTo) || newTok.Name != "renamed" {
		t.Fatalf("new token %+v, old %+v", newTok, oldTok)
	}
	var rotated *Token
	for _, tok := range h.srv.Tokens() {
		if tok.ID == oldTok.ID {
			rotated = &tok
		}
	}
	if rotated == nil || !regexp.MustCompile(`^rotated_[A-Za-z]{15}$`).MatchString(rotated.Identifier) ||
		rotated.ScheduledExpireTime == nil || rotated.ScheduledExpireTime.UnixMilli() != rotateAt.UnixMilli() {
		t.Fatalf("old token after rotation: %+v", rotated)
	}
	if h.scim(value) != 200 || h.scim(newValue) != 200 {
		t.Fatal("both values must work before the rotate timestamp")
	}
	h.srv.AdvanceTime(time.Hour + time.Second)
	if h.scim(value) != 401 || h.scim(newValue) != 200 {
		t.Fatal("after the rotate timestamp only the new value may work")
	}
	if _, ok := h.srv.LookupToken(key, rotated.Identifier); ok {
		t.Fatal("the expired rotated token was not purged (TTL index)")
	}

	// Expiry and deletion end a token.
	h.expect(h.call("DELETE", "/ng/api/token/t1", q, nil), 200, "", "")
	if h.scim(newValue) != 401 {
		t.Fatal("a deleted token still authenticates")
	}
	if _, ok := h.srv.LookupToken(key, "t2"); !ok {
		t.Fatal("t2 missing")
	}
	h.srv.AdvanceTime(31 * 24 * time.Hour)
	if _, ok := h.srv.LookupToken(key, "t2"); ok {
		t.Fatal("a token past its validTo was not purged")
	}
}

func TestNGTokenDropAfterCommit(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	f := h.srv.InjectFault(Fault{Op: OpCreateToken, DropAfterCommit: true})
	body, _ := json.Marshal(tokenBody("t1", "k1", KindServiceAccount, "sa1"))
	req, _ := http.NewRequest("POST", h.url+"/ng/api/token?accountIdentifier="+DefaultAccountID, bytes.NewReader(body))
	req.Header.Set("x-api-key", h.key)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := testHTTP.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the connection was not dropped")
	}
	if f.Fired() != 1 || len(h.srv.Tokens()) != 1 {
		t.Fatalf("fault fired %d times, %d tokens stored", f.Fired(), len(h.srv.Tokens()))
	}
	if got := h.srv.Counts()[OpCreateToken]; got != 1 {
		t.Fatalf("CreateToken logged %d times", got)
	}
}

func TestNGReadOnlyTokenCannotWrite(t *testing.T) {
	t.Parallel()
	srv := New(Options{ReadOnlyTokens: []string{"pat." + DefaultAccountID + ".000000000000000000000001.ReadOnly000000000000"}})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	h := &ngHarness{t: t, srv: srv, url: hs.URL, key: srv.opts.ReadOnlyTokens[0]}
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("k", KindUser, AdminUserID)), 403, "NG_ACCESS_DENIED",
		"core_serviceaccount_manageapikey")
	h.expect(h.call("GET", "/ng/api/serviceaccount", nil, nil), 200, "", "")
}

func withQ(q url.Values, k, v string) url.Values {
	out := url.Values{}
	for key, vs := range q {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, v)
	return out
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// The token list filters by the parameters that are given: parentIdentifier
// and apiKeyIdentifier are optional (docs/design/harness-api.md 4), so leaving them out
// widens the list instead of matching nothing.
func TestNGTokenListFiltersByWhatIsGiven(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	for _, sa := range []string{"sa1", "sa2"} {
		h.srv.SeedServiceAccount(ServiceAccount{Identifier: sa, Name: sa, Email: sa + "@service.harness.io"})
	}
	mint := func(parent, key, id string) {
		if _, err := h.srv.MintToken(TokenSpec{Key: APIKeyRef{Type: KindServiceAccount, Parent: parent, Identifier: key}, Identifier: id}); err != nil {
			t.Fatal(err)
		}
	}
	mint("sa1", "k1", "a")
	mint("sa1", "k2", "b")
	mint("sa2", "k1", "c")
	if _, err := h.srv.MintToken(TokenSpec{Key: APIKeyRef{Type: KindUser, Parent: AdminUserID, Identifier: "mine"}, Identifier: "d"}); err != nil {
		t.Fatal(err)
	}
	list := func(q url.Values) []string {
		t.Helper()
		a := h.call("GET", "/ng/api/token/aggregate", q, nil)
		h.expect(a, 200, "", "")
		var ids []string
		content, _ := a.data()["content"].([]any)
		for _, row := range content {
			tok, _ := row.(map[string]any)["token"].(map[string]any)
			ids = append(ids, tok["identifier"].(string))
		}
		slices.Sort(ids)
		return ids
	}
	for _, tc := range []struct {
		q    url.Values
		want []string
	}{
		{url.Values{"apiKeyType": {KindServiceAccount}}, []string{"a", "b", "c"}},
		{url.Values{"apiKeyType": {KindServiceAccount}, "parentIdentifier": {"sa1"}}, []string{"a", "b"}},
		{url.Values{"apiKeyType": {KindServiceAccount}, "parentIdentifier": {"sa1"}, "apiKeyIdentifier": {"k1"}}, []string{"a"}},
		{url.Values{"apiKeyType": {KindServiceAccount}, "identifiers": {"a", "c"}}, []string{"a", "c"}},
		{url.Values{"apiKeyType": {KindUser}}, []string{"d"}},
	} {
		if got := list(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("list %v = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// With KeepExpiredTokens an expired token stays listed, as valid=false, and
// no longer authenticates; its identifier stays taken.
func TestNGKeepExpiredTokens(t *testing.T) {
	t.Parallel()
	srv := New(Options{KeepExpiredTokens: true})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	h := &ngHarness{t: t, srv: srv, url: hs.URL, key: srv.Token()}
	srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	key := APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}
	value, err := srv.MintToken(TokenSpec{Key: key, Identifier: "t1", ValidFor: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	srv.AdvanceTime(2 * time.Hour)
	if h.scim(value) != 401 {
		t.Fatal("an expired token still authenticates")
	}
	a := h.call("GET", "/ng/api/token/aggregate", tokenQuery(KindServiceAccount, "sa1", "k1"), nil)
	h.expect(a, 200, "", "")
	content, _ := a.data()["content"].([]any)
	if len(content) != 1 || content[0].(map[string]any)["token"].(map[string]any)["valid"] != false {
		t.Fatalf("want the expired token listed as invalid: %s", a.raw)
	}
	h.expect(h.call("POST", "/ng/api/token", nil, tokenBody("t1", "k1", KindServiceAccount, "sa1")), 400, "DUPLICATE_FIELD", "")
	if _, ok := srv.LookupToken(key, "t1"); !ok {
		t.Fatal("LookupToken does not see the kept token")
	}
}
