package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// groupHarness drives a mock over real HTTP for the group handler tests.
type groupHarness struct {
	t    *testing.T
	srv  *Server
	url  string
	base string
}

func newGroupHarness(t *testing.T, profile string) *groupHarness {
	t.Helper()
	srv := New(Options{Profile: MustProfile(profile)})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	base := "/ng/api/scim/account/" + srv.AccountID()
	if srv.Profile().Generation == FirstGen {
		base = "/api/scim/account/" + srv.AccountID()
	}
	return &groupHarness{t: t, srv: srv, url: hs.URL, base: base}
}

// call sends a SCIM request; body may be a string (sent verbatim) or a
// value to encode.
func (h *groupHarness) call(method, path string, body any) (int, http.Header, []byte) {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.url+h.base+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.srv.Token())
	req.Header.Set("Accept", "application/scim+json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := testHTTP.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

// expect checks a status and decodes the body into out (when non-nil).
func (h *groupHarness) expect(method, path string, body any, status int, out any) []byte {
	h.t.Helper()
	got, _, data := h.call(method, path, body)
	if got != status {
		h.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, got, status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			h.t.Fatalf("%s %s: decoding %s: %v", method, path, data, err)
		}
	}
	return data
}

func (h *groupHarness) users(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.srv.SeedUser(UserSpec{Email: fmt.Sprintf("user%d@example.com", i), DisplayName: fmt.Sprintf("User %d", i)}).ID
	}
	return ids
}

func (h *groupHarness) members(id string) []string {
	h.t.Helper()
	g, ok := h.srv.Group(id)
	if !ok {
		h.t.Fatalf("group %s is not in the store", id)
	}
	out := slices.Clone(g.Members)
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

type groupOutT struct {
	Schemas     []string         `json:"schemas"`
	ID          string           `json:"id"`
	DisplayName string           `json:"displayName"`
	Members     []map[string]any `json:"members"`
	Meta        map[string]any   `json:"meta"`
	ExternalID  *string          `json:"externalId"`
}

func memberOf(ids ...string) map[string]any {
	vals := make([]map[string]string, len(ids))
	for i, id := range ids {
		vals[i] = map[string]string{"value": id}
	}
	return map[string]any{"displayName": "x", "members": vals}
}

func patchBody(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{schemaPatchOp}, "Operations": ops}
}

func valueList(ids ...string) []map[string]string {
	vals := make([]map[string]string, len(ids))
	for i, id := range ids {
		vals[i] = map[string]string{"value": id}
	}
	return vals
}

func TestGroupCreateNextGen(t *testing.T) {
	for _, profile := range []string{"nextgen", "nextgen-legacy"} {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			u := h.users(2)
			var out groupOutT
			raw := h.expect(http.MethodPost, "/Groups", map[string]any{
				"schemas": []string{schemaGroup}, "displayName": "Dev Team.1", "externalId": "okta-123",
				"members": []map[string]any{{"value": u[0], "$ref": nil}, {"value": "NoSuchUser000000000000"}, {"value": u[1]}, {"value": u[0]}},
			}, http.StatusCreated, &out)
			if out.ID != "Dev_Team_1" || out.DisplayName != "Dev Team.1" {
				t.Fatalf("id/name = %q/%q, want Dev_Team_1/Dev Team.1", out.ID, out.DisplayName)
			}
			if out.ExternalID != nil || strings.Contains(string(raw), "okta-123") {
				t.Fatalf("externalId must be dropped (2.3): %s", raw)
			}
			if len(out.Members) != 2 {
				t.Fatalf("members = %v, want the two known users once each", out.Members)
			}
			for i, m := range out.Members {
				if m["value"] != u[i] || m["display"] != fmt.Sprintf("user%d@example.com", i) || m["ref"] != "" {
					t.Fatalf("member %d = %v, want value %s, ref \"\", display email", i, m, u[i])
				}
			}
			if (out.Meta != nil) != (profile == "nextgen") {
				t.Fatalf("meta = %v; want it only with PL_NEW_SCIM_STANDARDS", out.Meta)
			}
			if out.Meta != nil && out.Meta["resourceType"] != "Group" {
				t.Fatalf("meta.resourceType = %v", out.Meta["resourceType"])
			}
			g, _ := h.srv.Group("Dev_Team_1")
			if !g.ExternallyManaged || !slices.Equal(g.Members, u) {
				t.Fatalf("stored group = %+v", g)
			}

			// Another name normalising to the same identifier is a 409
			// ScimError whose body status is 404.
			var se struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": "Dev-Team 1"}, http.StatusConflict, &se)
			if se.Status != 404 || se.Detail != "Try using different user group identifier, [Dev_Team_1] cannot be used" {
				t.Fatalf("duplicate: %+v", se)
			}
			h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": ""}, http.StatusConflict, &se)
			if se.Detail != "Create UserGroup- name: cannot be null or empty" {
				t.Fatalf("empty name: %+v", se)
			}
			if n := len(h.srv.Groups()); n != 1 {
				t.Fatalf("store has %d groups after failed creates, want 1", n)
			}
		})
	}
}

func TestGroupCreateFirstGen(t *testing.T) {
	h := newGroupHarness(t, "firstgen")
	u := h.users(2)
	var out groupOutT
	raw := h.expect(http.MethodPost, "/Groups", memberOf(u[0]), http.StatusCreated, &out)
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`).MatchString(out.ID) {
		t.Fatalf("FirstGen id %q is not a 22-character uuid", out.ID)
	}
	if !strings.Contains(string(raw), `"ref":null`) || out.Meta != nil {
		t.Fatalf("FirstGen member ref must be null and there is no meta: %s", raw)
	}
	// POST of an existing name answers 201 with the existing group,
	// unchanged.
	var again groupOutT
	h.expect(http.MethodPost, "/Groups", memberOf(u[1]), http.StatusCreated, &again)
	if again.ID != out.ID || len(again.Members) != 1 || again.Members[0]["value"] != u[0] {
		t.Fatalf("second POST = %+v, want the existing group %s with its member", again, out.ID)
	}
	if n := len(h.srv.Groups()); n != 1 {
		t.Fatalf("store has %d groups, want 1", n)
	}
	// FirstGen answers only application/scim+json.
	_, hdr, _ := h.call(http.MethodGet, "/Groups/"+out.ID, nil)
	if ct := hdr.Get("Content-Type"); ct != ctSCIM {
		t.Fatalf("content type %q", ct)
	}
}

func TestGroupHarnessScopes(t *testing.T) {
	h := newGroupHarness(t, "nextgen")
	var out groupOutT
	h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": "Scoped", "harnessScopes": "acct:org1,acct:org1:proj1,a:b:c:d"},
		http.StatusCreated, &out)
	g, _ := h.srv.Group("Scoped")
	if !slices.Equal(g.Scopes, []string{"acct:org1", "acct:org1:proj1"}) {
		t.Fatalf("scopes = %v", g.Scopes)
	}
	// Only skipped entries: no group, and an empty ScimGroup in answer.
	var empty groupOutT
	raw := h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": "Nowhere", "harnessScopes": "a:b:c:d"}, http.StatusCreated, &empty)
	if empty.ID != "" || strings.Contains(string(raw), "members") {
		t.Fatalf("answer %s, want an empty ScimGroup", raw)
	}
	if _, ok := h.srv.Group("Nowhere"); ok {
		t.Fatal("a group was created although every scope was skipped")
	}
}

func TestGroupGetAndSearch(t *testing.T) {
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			u := h.users(1)
			a := h.srv.SeedGroup(GroupSpec{Name: "Alpha", Members: u})
			h.srv.SeedGroup(GroupSpec{Name: "Beta"})
			h.srv.SeedGroup(GroupSpec{Name: "Gamma"})
			h.srv.SeedGroup(GroupSpec{Name: "Manual", NotExternallyManaged: true})

			var se struct {
				Status  int      `json:"status"`
				Detail  string   `json:"detail"`
				Schemas []string `json:"schemas"`
			}
			h.expect(http.MethodGet, "/Groups/nope", nil, http.StatusNotFound, &se)
			if se.Status != 404 || se.Detail != "Group does not exist" {
				t.Fatalf("404 body %+v", se)
			}
			var got groupOutT
			h.expect(http.MethodGet, "/Groups/"+a.ID, nil, http.StatusOK, &got)
			if got.DisplayName != "Alpha" || len(got.Members) != 1 {
				t.Fatalf("GET = %+v", got)
			}

			type list struct {
				TotalResults int         `json:"totalResults"`
				StartIndex   int         `json:"startIndex"`
				ItemsPerPage int         `json:"itemsPerPage"`
				Resources    []groupOutT `json:"Resources"`
			}
			var l list
			h.expect(http.MethodGet, "/Groups?filter="+urlQuery(`displayName eq "Alpha"`), nil, http.StatusOK, &l)
			if len(l.Resources) != 1 || l.Resources[0].ID != a.ID || l.TotalResults != 1 || l.ItemsPerPage != 20 || l.StartIndex != 0 {
				t.Fatalf("search Alpha = %+v", l)
			}
			// Exact, case-sensitive, and only externally managed groups.
			for _, q := range []string{`displayName eq "alpha"`, `displayName eq "Manual"`} {
				h.expect(http.MethodGet, "/Groups?filter="+urlQuery(q), nil, http.StatusOK, &l)
				if len(l.Resources) != 0 || l.TotalResults != 0 {
					t.Fatalf("%s found %+v", q, l)
				}
			}
			// No filter, or an empty value, lists every managed group;
			// totalResults is the page size.
			for _, q := range []string{"", "?filter=" + urlQuery(`displayName eq ""`)} {
				h.expect(http.MethodGet, "/Groups"+q, nil, http.StatusOK, &l)
				if len(l.Resources) != 3 || l.TotalResults != 3 {
					t.Fatalf("list %q = %d groups", q, len(l.Resources))
				}
			}
			h.expect(http.MethodGet, "/Groups?startIndex=2&count=1", nil, http.StatusOK, &l)
			if len(l.Resources) != 1 || l.Resources[0].DisplayName != "Beta" || l.TotalResults != 1 || l.StartIndex != 2 {
				t.Fatalf("page 2 = %+v", l)
			}
			// count=0 is no limit (NGScimGroupServiceImpl.searchGroup lines
			// 87-90 and UserGroupRepositoryCustomImpl.findAll lines 45-52:
			// Spring's Query.limit(0); FirstGen ScimGroupServiceImpl line 126).
			h.expect(http.MethodGet, "/Groups?startIndex=2&count=0", nil, http.StatusOK, &l)
			if len(l.Resources) != 2 || l.ItemsPerPage != 0 {
				t.Fatalf("count=0 from startIndex 2 = %+v", l)
			}
		})
	}
}

func urlQuery(s string) string {
	r := strings.NewReplacer(" ", "%20", `"`, "%22")
	return r.Replace(s)
}

func TestGroupPatchMembers(t *testing.T) {
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			u := h.users(5)
			g := h.srv.SeedGroup(GroupSpec{Name: "Team", Members: u[:2]})
			p := "/Groups/" + g.ID

			// Azure style list add, RFC style single add, an unknown id, and
			// a duplicate: 204 with no body.
			raw := h.expect(http.MethodPatch, p, patchBody(
				map[string]any{"op": "Add", "path": "members", "value": valueList(u[2], "NoSuchUser000000000000", u[0])},
				map[string]any{"op": "add", "path": `members[value eq "` + u[3] + `"]`},
			), http.StatusNoContent, nil)
			if len(raw) != 0 {
				t.Fatalf("PATCH answered a body: %s", raw)
			}
			if got := h.members(g.ID); !slices.Equal(got, sorted(u[:4]...)) {
				t.Fatalf("after add: %v", got)
			}
			// Both remove forms; a remove with path members and no value
			// removes nothing.
			h.expect(http.MethodPatch, p, patchBody(
				map[string]any{"op": "Remove", "path": "members", "value": valueList(u[0])},
				map[string]any{"op": "remove", "path": `members[value eq "` + u[1] + `"]`},
				map[string]any{"op": "remove", "path": "members"},
			), http.StatusNoContent, nil)
			if got := h.members(g.ID); !slices.Equal(got, sorted(u[2], u[3])) {
				t.Fatalf("after remove: %v", got)
			}
			// Nothing to change is still 204.
			h.expect(http.MethodPatch, p, patchBody(map[string]any{"op": "remove", "path": `members[value eq "` + u[4] + `"]`}), http.StatusNoContent, nil)

			// Swap in one request: remove and add.
			h.expect(http.MethodPatch, p, patchBody(
				map[string]any{"op": "Add", "path": "members", "value": valueList(u[4])},
				map[string]any{"op": "Remove", "path": "members", "value": valueList(u[2])},
			), http.StatusNoContent, nil)
			if got := h.members(g.ID); !slices.Equal(got, sorted(u[3], u[4])) {
				t.Fatalf("after swap: %v", got)
			}

			// Unknown group: 404 with an empty body.
			code, _, body := h.call(http.MethodPatch, "/Groups/nope", patchBody(map[string]any{"op": "add", "path": "members", "value": valueList(u[0])}))
			if code != http.StatusNotFound || len(body) != 0 {
				t.Fatalf("unknown group: %d %s", code, body)
			}
			// A misspelt op is a 400 from the JSON mapper.
			if code, _, _ := h.call(http.MethodPatch, p, patchBody(map[string]any{"op": "ADD", "path": "members", "value": valueList(u[0])})); code != http.StatusBadRequest {
				t.Fatalf("op ADD: %d", code)
			}
		})
	}
}

func TestGroupPatchRename(t *testing.T) {
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			u := h.users(1)
			var created groupOutT
			h.expect(http.MethodPost, "/Groups", map[string]any{"displayName": "Old Name"}, http.StatusCreated, &created)
			p := "/Groups/" + created.ID

			h.expect(http.MethodPatch, p, patchBody(map[string]any{"op": "Replace", "path": "displayName", "value": "New Name"}), http.StatusNoContent, nil)
			var got groupOutT
			h.expect(http.MethodGet, p, nil, http.StatusOK, &got)
			if got.ID != created.ID || got.DisplayName != "New Name" {
				t.Fatalf("after Replace: %+v (the id must stay %s)", got, created.ID)
			}
			h.expect(http.MethodPatch, p, patchBody(map[string]any{"op": "replace", "value": map[string]any{"id": created.ID, "displayName": "Okta Name"}}), http.StatusNoContent, nil)
			h.expect(http.MethodGet, p, nil, http.StatusOK, &got)
			if got.DisplayName != "Okta Name" {
				t.Fatalf("after replace: %+v", got)
			}

			// Rejected forms fail the whole request: the add before them is
			// not applied either.
			for _, bad := range []map[string]any{
				{"op": "Replace", "path": "members", "value": valueList(u[0])},
				{"op": "replace", "path": "displayName", "value": "String Value"},
			} {
				code, _, body := h.call(http.MethodPatch, p, patchBody(map[string]any{"op": "add", "path": "members", "value": valueList(u[0])}, bad))
				if code != http.StatusBadRequest || !strings.Contains(string(body), "Invalid request: Failed to update group name") {
					t.Fatalf("%v: %d %s", bad, code, body)
				}
				if profile != "firstgen" && !strings.Contains(string(body), `"status":"ERROR"`) {
					t.Fatalf("NextGen 400 is not an ErrorDTO: %s", body)
				}
			}
			if got := h.members(created.ID); len(got) != 0 {
				t.Fatalf("a rejected PATCH applied members %v", got)
			}
			h.expect(http.MethodGet, p, nil, http.StatusOK, &got)
			if got.DisplayName != "Okta Name" {
				t.Fatalf("a rejected PATCH renamed the group to %q", got.DisplayName)
			}
		})
	}
}

func TestGroupReplace(t *testing.T) {
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			u := h.users(3)
			g := h.srv.SeedGroup(GroupSpec{Name: "Put", Members: u[:2]})
			body := `{"schemas":["` + schemaGroup + `"],"displayName":"Put Renamed","externalId":"ext","members":[` +
				`{"value":"` + u[2] + `","$ref":"x"},{"value":"NoSuchUser000000000000"}]}`
			var echo groupOutT
			raw := h.expect(http.MethodPut, "/Groups/"+g.ID, body, http.StatusOK, &echo)
			// The answer echoes the request (unknown ids included), not the
			// stored group.
			if len(echo.Members) != 2 || echo.Members[1]["value"] != "NoSuchUser000000000000" || echo.ExternalID == nil {
				t.Fatalf("PUT answer %s does not echo the request", raw)
			}
			stored, _ := h.srv.Group(g.ID)
			if stored.Name != "Put Renamed" || !slices.Equal(stored.Members, []string{u[2]}) {
				t.Fatalf("stored %+v", stored)
			}
			if code, _, b := h.call(http.MethodPut, "/Groups/nope", body); code != http.StatusNotFound || len(b) != 0 {
				t.Fatalf("PUT unknown: %d %s", code, b)
			}
			// A blank name: NextGen's UserGroupServiceImpl.update refuses it
			// (validationOnUserGroupDTOUpdate, 123-ng-core-user lines
			// 291-295), answered 412; FirstGen keeps the old name
			// (ScimGroupServiceImpl.updateDisplayName).
			code, _, b := h.call(http.MethodPut, "/Groups/"+g.ID, `{"displayName":" "}`)
			want := `{"id":null,"externalId":null,"meta":null,"detail":"Update UserGroup [` + g.ID +
				`]- name: cannot be null or empty","status":404,"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`
			if h.srv.Profile().Generation == FirstGen {
				if code, _, _ = h.call(http.MethodPut, "/Groups/"+g.ID, `{"displayName":""}`); code != http.StatusOK {
					t.Fatalf("FirstGen PUT empty name: %d", code)
				}
				if stored, _ := h.srv.Group(g.ID); stored.Name != " " {
					t.Fatalf("FirstGen PUT: name %q, want the blank name of the PUT before", stored.Name)
				}
			} else if code != http.StatusPreconditionFailed || string(b) != want {
				t.Fatalf("PUT blank name: %d %s", code, b)
			}
		})
	}
}

func TestGroupDelete(t *testing.T) {
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			g := h.srv.SeedGroup(GroupSpec{Name: "Doomed"})
			h.expect(http.MethodDelete, "/Groups/"+g.ID, nil, http.StatusNoContent, nil)
			if _, ok := h.srv.Group(g.ID); ok {
				t.Fatal("group still stored after DELETE")
			}
			code, _, body := h.call(http.MethodDelete, "/Groups/"+g.ID, nil)
			if profile == "firstgen" {
				if code != http.StatusNoContent {
					t.Fatalf("FirstGen DELETE of an unknown group: %d, want 204", code)
				}
				return
			}
			var e errorDTO
			if err := json.Unmarshal(body, &e); err != nil || code != http.StatusUnauthorized || e.Code != "INVALID_TOKEN" || e.Message != "Token is not valid." {
				t.Fatalf("NextGen DELETE of an unknown group: %d %s", code, body)
			}
			// Not externally managed: the same 401, and the group stays.
			m := h.srv.SeedGroup(GroupSpec{Name: "Manual", NotExternallyManaged: true})
			if code, _, _ := h.call(http.MethodDelete, "/Groups/"+m.ID, nil); code != http.StatusUnauthorized {
				t.Fatalf("DELETE of a UI group: %d", code)
			}
			if _, ok := h.srv.Group(m.ID); !ok {
				t.Fatal("UI group deleted")
			}
			// PATCH does not see it either, GET does.
			if code, _, _ := h.call(http.MethodPatch, "/Groups/"+m.ID, patchBody(map[string]any{"op": "Replace", "path": "displayName", "value": "x"})); code != http.StatusNotFound {
				t.Fatalf("PATCH of a UI group: %d", code)
			}
			h.expect(http.MethodGet, "/Groups/"+m.ID, nil, http.StatusOK, nil)
		})
	}
}

// TestGroupUserConsistency checks that users leaving the account leave
// every group, whichever way they leave.
func TestGroupUserConsistency(t *testing.T) {
	for _, profile := range ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			h := newGroupHarness(t, profile)
			u := h.users(4)
			g1 := h.srv.SeedGroup(GroupSpec{Name: "One", Members: u})
			g2 := h.srv.SeedGroup(GroupSpec{Name: "Two", Members: u})
			h.expect(http.MethodDelete, "/Users/"+u[0], nil, http.StatusNoContent, nil)
			code, _, _ := h.call(http.MethodPatch, "/Users/"+u[1], map[string]any{
				"schemas": []string{schemaPatchOp}, "Operations": []map[string]any{{"op": "replace", "path": "active", "value": false}},
			})
			if code != http.StatusNoContent {
				t.Fatalf("deactivate: %d", code)
			}
			if !h.srv.RemoveUser(u[2]) {
				t.Fatal("RemoveUser")
			}
			for _, g := range []Group{g1, g2} {
				if got := h.members(g.ID); !slices.Equal(got, []string{u[3]}) {
					t.Fatalf("group %s members %v, want only %s", g.Name, got, u[3])
				}
				var out groupOutT
				h.expect(http.MethodGet, "/Groups/"+g.ID, nil, http.StatusOK, &out)
				if len(out.Members) != 1 {
					t.Fatalf("GET %s members %v", g.ID, out.Members)
				}
			}
			// A user who left cannot be added back by id until re-created.
			h.expect(http.MethodPatch, "/Groups/"+g1.ID, patchBody(map[string]any{"op": "add", "path": "members", "value": valueList(u[2])}), http.StatusNoContent, nil)
			if got := h.members(g1.ID); len(got) != 1 {
				t.Fatalf("a removed user was added: %v", got)
			}
		})
	}
}
