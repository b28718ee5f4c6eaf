package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const readOnlyToken = "pat." + DefaultAccountID + ".111111111111111111111111.ReadOnlyToken0000000"

// TestNextGenSCIMAuth walks the NextGen SCIM auth failures of
// docs/design/harness-api.md 6.1/6.2.
func TestNextGenSCIMAuth(t *testing.T) {
	for _, profile := range []string{"nextgen", "nextgen-legacy"} {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, profile, nil)
			users := s.base() + "/Users"
			invalid := ngError("INVALID_TOKEN", "Token is not valid.")
			for _, tc := range []struct {
				name   string
				path   string
				header string
				status int
				body   string
			}{
				// No Authorization at all: Harness dereferences null, a 500.
				{"no-authorization", users, "Authorization:", 500, ngError("UNKNOWN_ERROR", msgUnknownError)},
				// The REST header does not count on SCIM routes.
				{"x-api-key-only", users, "Authorization:", 500, ngError("UNKNOWN_ERROR", msgUnknownError)},
				{"no-bearer-prefix", users, "Authorization: " + s.Token(), 401, invalid},
				{"token-scheme", users, "Authorization: Token " + s.Token(), 401, invalid},
				{"lower-case-bearer", users, "Authorization: bearer " + s.Token(), 401, invalid},
				{"wrong-token", users, "Authorization: Bearer pat." + s.AccountID() + ".000000000000000000000000.Wrong0000000000000000", 401, invalid},
				{"not-a-token", users, "Authorization: Bearer nonsense", 401, invalid},
				{"token-of-another-account", users, "Authorization: Bearer pat.otheraccount000000000.000000000000000000000000.MockAdminToken000000", 401, invalid},
				{"valid-token-other-account-path", "/ng/api/scim/account/otheraccount000000000/Users", "", 401, invalid},
			} {
				headers := []string{tc.header}
				if tc.name == "x-api-key-only" {
					headers = append(headers, "x-api-key: "+s.Token())
				}
				a := s.call("GET", tc.path, "", headers...)
				if a.status != tc.status || a.normalized() != tc.body {
					t.Errorf("%s: %d %s\nwant %d %s", tc.name, a.status, a.body, tc.status, tc.body)
				}
			}
			if st := s.call("GET", users, "").status; st != 200 {
				t.Errorf("valid token: %d", st)
			}
		})
	}
}

// TestFirstGenSCIMAuth: FirstGen answers every auth failure with a 400
// RestResponse, also in X-Harness-Error (6.2).
func TestFirstGenSCIMAuth(t *testing.T) {
	s := newTestServer(t, "firstgen", func(o *Options) { o.ReadOnlyTokens = []string{readOnlyToken} })
	want := restError("INVALID_REQUEST", "Invalid request: User not authorized")
	users := s.base() + "/Users"
	for name, tc := range map[string]struct{ path, header string }{
		"no-authorization": {users, "Authorization:"},
		"no-bearer":        {users, "Authorization: " + s.Token()},
		"wrong-key":        {users, "Authorization: Bearer wrong"},
		"other-account":    {"/api/scim/account/otheraccount000000000/Users", ""},
	} {
		a := s.call("GET", tc.path, "", tc.header)
		a.expect(t, name, 400, want)
		if a.header.Get("X-Harness-Error") != want {
			t.Errorf("%s: X-Harness-Error %q", name, a.header.Get("X-Harness-Error"))
		}
	}
	ro := "Authorization: Bearer " + readOnlyToken
	if st := s.call("GET", users, "", ro).status; st != 200 {
		t.Errorf("read-only GET: %d", st)
	}
	s.call("POST", users, `{"userName":"a@example.com"}`, ro).expect(t, "read-only POST", 400, want)
	if len(s.Users()) != 1 {
		t.Error("a refused write created a user")
	}
}

// TestReadOnlyToken: NextGen answers writes by a token without
// core_user_manage with 403 NG_ACCESS_DENIED (1.9) and changes nothing.
func TestReadOnlyToken(t *testing.T) {
	s := newTestServer(t, "nextgen", func(o *Options) {
		o.ReadOnlyTokens = []string{readOnlyToken}
		o.Tokens = []string{DefaultToken, "pat." + DefaultAccountID + ".222222222222222222222222.SecondAdmin000000000"}
	})
	id := s.create(`{"userName":"a@example.com","displayName":"A"}`)
	ro := "Authorization: Bearer " + readOnlyToken
	path := s.base() + "/Users/" + id
	if st := s.call("GET", path, "", ro).status; st != 200 {
		t.Errorf("read-only GET: %d", st)
	}
	if st := s.call("GET", s.base()+"/Users", "", ro).status; st != 200 {
		t.Errorf("read-only search: %d", st)
	}
	denied := ngError("NG_ACCESS_DENIED", fmt.Sprintf(`"User not Authorized: Token needs to have core_user_manage permission on account: %s to perform SCIM user action"`, s.AccountID()))
	for _, w := range []struct{ method, path, body string }{
		{"POST", s.base() + "/Users", `{"userName":"b@example.com"}`},
		{"PUT", path, `{"userName":"a@example.com","displayName":"X","active":true}`},
		{"PATCH", path, patch(`{"op":"replace","path":"displayName","value":"X"}`)},
		{"DELETE", path, ""},
	} {
		a := s.call(w.method, w.path, w.body, ro)
		if a.status != 403 || a.normalized() != denied {
			t.Errorf("read-only %s: %d %s\nwant %s", w.method, a.status, a.body, denied)
		}
	}
	if u, _ := s.User(id); u.DisplayName != "A" || !u.Member || len(s.Users()) != 2 {
		t.Errorf("refused writes changed the store: %+v", u)
	}
	// Every configured admin token works.
	second := "Authorization: Bearer pat." + DefaultAccountID + ".222222222222222222222222.SecondAdmin000000000"
	if st := s.call("PATCH", path, patch(`{"op":"replace","path":"displayName","value":"Y"}`), second).status; st != 200 {
		t.Errorf("second admin token: %d", st)
	}
	// Auth runs before the handler: a bad token never reaches the store.
	s.call("POST", s.base()+"/Users", `{"userName":"c@example.com"}`, "Authorization: Bearer bad")
	if _, ok := s.UserByEmail("c@example.com"); ok {
		t.Error("an unauthenticated POST created a user")
	}
	if reqs := s.Requests(); reqs[len(reqs)-1].Op != OpCreateUser || reqs[len(reqs)-1].Status != 401 {
		t.Errorf("the refused POST is logged as %+v", reqs[len(reqs)-1])
	}
}

// TestAccessDeniedMessages: the permission named in NG_ACCESS_DENIED
// follows the operation.
func TestAccessDeniedMessages(t *testing.T) {
	s := New(Options{})
	for op, perm := range map[string]string{
		OpCreateUser:           "core_user_manage permission on account: acct to perform SCIM user action",
		"CreateGroup":          "core_usergroup_manage permission on account: acct to perform SCIM group action",
		"CreateToken":          "core_serviceaccount_manageapikey permission on account: acct to perform API key action",
		"UpdateServiceAccount": "core_serviceaccount_edit permission on account: acct to perform service account action",
	} {
		w := &bufferWriter{header: map[string][]string{}}
		s.writeAccessDenied(w, &call{op: op, account: "acct"})
		if w.status != 403 || !strings.Contains(w.body.String(), `"code":"NG_ACCESS_DENIED"`) ||
			!strings.Contains(w.body.String(), `"message":"\"User not Authorized: Token needs to have `+perm+`\""`) {
			t.Errorf("%s: %d %s", op, w.status, w.body.String())
		}
	}
}

// TestNGAccountResolution pins NextGenAuthenticationFilter (965-ng-filter,
// harness-core 1dcec145, lines 67-151): the account comes from the
// Harness-Account header, the account or accountIdentifier query parameter
// or an accountIdentifier path variable, never from the body; none of them
// is 400 "Account detail is not present in the request". The resources then
// require the accountIdentifier query parameter on every route but the
// API-key PUT. A four-part token's embedded account stands in for the
// gateway (guessed), which keeps the official provider's
// PUT /ng/api/apikey/<accountId> working.
func TestNGAccountResolution(t *testing.T) {
	t.Parallel()
	const threePart = "pat.000000000000000000000000.ThreePartToken000000"
	h := newNGHarnessFor(t, New(Options{Tokens: []string{DefaultToken, threePart}}))
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	h.expect(h.call("POST", "/ng/api/apikey", nil, keyBody("k1", KindServiceAccount, "sa1")), 200, "", "")
	upd := keyBody("k1", KindServiceAccount, "sa1")
	upd["name"] = "renamed"

	// The official provider's update: no header, no query; the four-part
	// token carries the account.
	h.expect(h.send("PUT", "/ng/api/apikey/"+DefaultAccountID, upd, http.Header{}), 200, "", "")
	// A three-part token carries none, and the body does not count.
	old := h.as(threePart)
	old.expect(old.send("PUT", "/ng/api/apikey/"+DefaultAccountID, upd, http.Header{}), 400, "INVALID_REQUEST",
		"Invalid request: Account detail is not present in the request")
	for _, where := range []string{"header", "account", "accountIdentifier"} {
		hdr, path := http.Header{}, "/ng/api/apikey/k1"
		switch where {
		case "header":
			hdr.Set("Harness-Account", DefaultAccountID)
		default:
			path += "?" + where + "=" + DefaultAccountID
		}
		old.expect(old.send("PUT", path, upd, hdr), 200, "", "")
	}
	// No credential at all is the JWT filter's refusal.
	h.as("").expect(h.as("").send("PUT", "/ng/api/apikey/k1", upd, http.Header{}), 401, "INVALID_TOKEN", "")

	// Every other route needs the query parameter, whatever found the
	// account for the filter.
	hdr := http.Header{"Harness-Account": {DefaultAccountID}}
	for _, tc := range []struct{ method, path, msg string }{
		{"GET", "/ng/api/apikey/aggregate/k1?apiKeyType=SERVICE_ACCOUNT&parentIdentifier=sa1", "must not be null"},
		{"GET", "/ng/api/token/aggregate?apiKeyType=SERVICE_ACCOUNT", "must not be null"},
		{"GET", "/ng/api/serviceaccount/aggregate/sa1", "may not be empty"},
		{"GET", "/ng/api/serviceaccount/aggregate/sa1?accountIdentifier=", "may not be empty"},
	} {
		a := h.send(tc.method, tc.path, nil, hdr)
		h.expect(a, 400, "INVALID_REQUEST", "query param accountIdentifier: "+tc.msg)
		if a.str("status") != "FAILURE" {
			t.Errorf("%s %s: not a FailureDTO: %s", tc.method, tc.path, a.raw)
		}
	}
}

// TestFirstGenDisabled pins DisableFirstGenFilter (400-rest, harness-core
// 1dcec145, lines 56-73) and GenericExceptionMapper.getHttpForbiddenResponse:
// on an account migrated to NextGen every FirstGen SCIM request with a good
// key answers 403 ACCOUNT_MIGRATED_TO_NEXT_GEN, after authentication (a bad
// key still gets the authentication failure); the NextGen API works.
func TestFirstGenDisabled(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, "firstgen-disabled", nil)
	want := restError("ACCOUNT_MIGRATED_TO_NEXT_GEN", "Account "+DefaultAccountID+" migrated to NextGen")
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/Users", ""},
		{"POST", "/Users", `{"userName":"a@example.com","displayName":"A"}`},
		{"GET", "/Users/x", ""},
		{"DELETE", "/Users/x", ""},
		{"GET", "/Groups", ""},
		{"POST", "/Groups", `{"displayName":"G"}`},
		{"PATCH", "/Groups/x", `{"Operations":[]}`},
	} {
		a := s.call(tc.method, s.base()+tc.path, tc.body)
		a.expect(t, tc.method+" "+tc.path, 403, want)
		if a.header.Get("X-Harness-Error") != "" || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s headers %v", tc.method, tc.path, a.header)
		}
	}
	if len(s.Users()) != 1 || len(s.Groups()) != 0 {
		t.Errorf("a refused request changed the store: %d users, %d groups", len(s.Users()), len(s.Groups()))
	}
	a := s.call("GET", s.base()+"/Users", "", "Authorization: Bearer nope")
	a.expect(t, "bad key", 400, restError("INVALID_REQUEST", "Invalid request: User not authorized"))
	if a := s.call("GET", "/ng/api/serviceaccount?accountIdentifier="+DefaultAccountID, "", "x-api-key: "+DefaultToken); a.status != 200 {
		t.Errorf("NextGen API on a migrated account: %d %s", a.status, a.body)
	}
	if a := s.call("GET", "/ng/api/scim/account/"+DefaultAccountID+"/Users", ""); a.status != 404 {
		t.Errorf("NextGen SCIM is not served by a FirstGen profile: %d", a.status)
	}
}
