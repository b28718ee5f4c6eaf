package mockserver

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const aliceBody = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Alice@Example.com","displayName":"Alice Doe",` +
	`"externalId":"ext-1","name":{"givenName":"Alice","familyName":"Doe"},"emails":[{"value":"ignored@example.com"}],` +
	`"active":false,"roles":[],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"x"}}`

// create POSTs a user and returns its id.
func (s *testServer) create(body string) string {
	s.t.Helper()
	a := s.call("POST", s.base()+"/Users", body)
	var u struct{ ID string }
	if a.status != 201 || json.Unmarshal([]byte(a.body), &u) != nil || u.ID == "" {
		s.t.Fatalf("create: %d %s", a.status, a.body)
	}
	return u.ID
}

// addGroup puts a user in a group directly in the store.
func (s *testServer) addGroup(id, name string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.store.Groups[id] = &Group{ID: id, Name: name, Members: members, ExternallyManaged: true, Created: now, Modified: now, Seq: s.store.nextSeq()}
}

// aliceJSON is the exact user answer for aliceBody under a profile; search
// selects the NextGen search variant (docs/design/harness-api.md 1.5).
func (s *testServer) aliceJSON(id string, search bool, groups string) string {
	u, _ := s.User(id)
	p := s.Profile()
	ext := `"externalId":"ext-1",`
	if p.Generation == FirstGen {
		ext = ""
	}
	var name string
	switch {
	case p.Generation == FirstGen || search:
		name = `{"givenName":"Alice","familyName":"Doe"}`
		if p.NewSCIMStandards {
			name = `{"givenName":"Alice","familyName":"Doe","formatted":"Alice, Doe"}`
		}
	case p.NewSCIMStandards:
		name = `{"givenName":"Alice","familyName":"Doe","formatted":"Alice, Doe","displayName":"Alice Doe"}`
	default:
		name = `{"displayName":"Alice Doe"}`
	}
	tail := ""
	if p.NewSCIMStandards {
		if p.Generation == NextGen && groups != "" {
			tail += `,"groups":` + groups
		}
		tail += fmt.Sprintf(`,"meta":{"resourceType":"User","created":"%s","lastModified":"%s","version":"","location":""}`,
			fmtMeta(u.Created), fmtMeta(u.Modified))
	}
	return `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"` + id + `",` + ext +
		`"userName":"alice@example.com","displayName":"Alice Doe","active":true,` +
		`"emails":[{"value":"alice@example.com","primary":true}],"name":` + name + tail + `}`
}

func listJSON(total, start, per int, resources ...string) string {
	return fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":%d,"Resources":[%s],"startIndex":%d,"itemsPerPage":%d}`,
		total, strings.Join(resources, ","), start, per)
}

// TestUserShapes checks POST, GET and search answers byte for byte under
// every profile, plus FirstGen with PL_NEW_SCIM_STANDARDS.
func TestUserShapes(t *testing.T) {
	profiles := map[string]Profile{"firstgen-new-standards": {Name: "firstgen-new-standards", Generation: FirstGen, NewSCIMStandards: true}}
	for _, n := range ProfileNames() {
		profiles[n] = MustProfile(n)
	}
	for name, p := range profiles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newTestServerWith(t, p, nil)
			a := s.call("POST", s.base()+"/Users", aliceBody)
			var u struct{ ID string }
			_ = json.Unmarshal([]byte(a.body), &u)
			if len(u.ID) != 22 || strings.ContainsAny(u.ID, "+/=") {
				t.Fatalf("id %q is not a 22-character URL-safe UUID", u.ID)
			}
			a.expect(t, "POST", 201, s.aliceJSON(u.ID, false, ""))
			s.call("GET", s.base()+"/Users/"+u.ID, "").expect(t, "GET", 200, s.aliceJSON(u.ID, false, ""))
			s.call("GET", s.base()+"/Users?filter="+url.QueryEscape(`userName eq "alice@example.com"`), "").
				expect(t, "search", 200, listJSON(1, 0, 20, s.aliceJSON(u.ID, true, "")))

			// Groups appear only in NextGen with PL_NEW_SCIM_STANDARDS.
			s.addGroup("grp_one", "Group One", u.ID)
			s.addGroup("grp_two", "Group Two", "someone-else")
			groups := `[{"value":"grp_one","ref":"","display":"Group One"}]`
			s.call("GET", s.base()+"/Users/"+u.ID, "").expect(t, "GET in a group", 200, s.aliceJSON(u.ID, false, groups))
			s.call("GET", s.base()+"/Users", "").expect(t, "search in a group", 200, listJSON(1, 0, 20, s.aliceJSON(u.ID, true, groups)))
		})
	}
}

// TestUserNameFallbacks: an empty displayName falls back to "given
// family"; a missing name object makes both parts the display name (1.3).
func TestUserNameFallbacks(t *testing.T) {
	s := newTestServer(t, "nextgen", nil)
	id := s.create(`{"userName":"x@example.com","name":{"givenName":"Xa","familyName":"Yb"}}`)
	if u, _ := s.User(id); u.DisplayName != "Xa Yb" || u.GivenName != "Xa" || u.FamilyName != "Yb" {
		t.Errorf("given+family fallback: %+v", u)
	}
	id = s.create(`{"userName":"y@example.com","displayName":"Solo"}`)
	if u, _ := s.User(id); u.DisplayName != "Solo" || u.GivenName != "Solo" || u.FamilyName != "Solo" {
		t.Errorf("name fallback: %+v", u)
	}
}

func TestCreateUserIdempotent(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		id := s.create(`{"userName":"Alice@Example.com","displayName":"Alice"}`)
		// The same email in another case, with a new name: 201, the same
		// user, renamed (the PUT logic).
		a := s.call("POST", s.base()+"/Users", `{"userName":"ALICE@example.COM","displayName":"Alice Renamed"}`)
		var u struct {
			ID, UserName, DisplayName string
		}
		if a.status != 201 || json.Unmarshal([]byte(a.body), &u) != nil || u.ID != id || u.UserName != "alice@example.com" || u.DisplayName != "Alice Renamed" {
			t.Errorf("re-create: %d %s", a.status, a.body)
		}
		if n := len(s.Users()); n != 2 {
			t.Errorf("%d members, want admin + alice", n)
		}
		// After DELETE, NextGen keeps the person: POST brings back the same
		// id. FirstGen deleted it: a new one.
		if st := s.call("DELETE", s.base()+"/Users/"+id, "").status; st != 204 {
			t.Fatalf("delete: %d", st)
		}
		again := s.create(`{"userName":"alice@example.com","displayName":"Alice"}`)
		if (again == id) == s.fg() {
			t.Errorf("re-create after delete: %s, old %s", again, id)
		}
		// A user invited in the UI (not imported) is adopted by POST and
		// becomes visible to searches.
		inv := s.SeedUser(UserSpec{Email: "invited@example.com", NotImported: true})
		if got := s.create(`{"userName":"invited@example.com"}`); got != inv.ID {
			t.Errorf("adopting an invited user gave %s, want %s", got, inv.ID)
		}
		if u, _ := s.User(inv.ID); !u.Imported {
			t.Error("adopted user is not marked imported")
		}
		// A missing userName: 409 with a ScimError of status 404.
		a = s.call("POST", s.base()+"/Users", `{"displayName":"x"}`)
		var e map[string]any
		if a.status != 409 || json.Unmarshal([]byte(a.body), &e) != nil || e["status"] != float64(404) || e["detail"] == nil {
			t.Errorf("POST without userName: %d %s", a.status, a.body)
		}
	})
}

// TestFirstGenCreateReactivates: POST of a disabled FirstGen user enables
// it again, keeping the id.
func TestFirstGenCreateReactivates(t *testing.T) {
	s := newTestServer(t, "firstgen", nil)
	id := s.create(`{"userName":"a@example.com","displayName":"A"}`)
	s.call("PATCH", s.base()+"/Users/"+id, patch(`{"op":"replace","path":"active","value":false}`))
	if u, _ := s.User(id); !u.Disabled {
		t.Fatal("not disabled")
	}
	if again := s.create(`{"userName":"a@example.com","displayName":"A"}`); again != id {
		t.Errorf("new id %s", again)
	}
	if u, _ := s.User(id); u.Disabled {
		t.Error("POST did not re-enable the user")
	}
}

func TestSearchFilter(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		alice := s.create(`{"userName":"alice@example.com","displayName":"A","externalId":"ext-a"}`)
		bob := s.create(`{"userName":"a+b@example.com","displayName":"B"}`)
		s.SeedUser(UserSpec{Email: "invited@example.com", NotImported: true})
		gone := s.create(`{"userName":"gone@example.com"}`)
		s.call("DELETE", s.base()+"/Users/"+gone, "")
		for filter, want := range map[string][]string{
			`userName eq "alice@example.com"`:   {alice},
			`emails eq "alice@example.com"`:     {alice}, // the attribute is ignored
			`externalId eq "alice@example.com"`: {alice},
			`externalId eq "ext-a"`:             nil, // ... and the value is always an email
			`userName eq "Alice@example.com"`:   nil, // case-sensitive against the lower-case email
			`userName eq "invited@example.com"`: nil, // not created through SCIM
			`userName eq "gone@example.com"`:    nil,
			`userName eq "a%2Bb@example.com"`:   {bob}, // Harness URL-decodes the filter again
			`userName eq "a+b@example.com"`:     nil,   // ... so a raw "+" becomes a space
			`userName sw "alice"`:               {alice, bob},
			`userName co "nothing"`:             {alice, bob},
			`garbage`:                           {alice, bob},
			`userName eq "`:                     {alice, bob}, // substring fails: no filter (scim_filter.go)
		} {
			a := s.call("GET", s.base()+"/Users?filter="+url.QueryEscape(filter), "")
			var list struct {
				TotalResults int
				Resources    []struct{ ID string }
			}
			if a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil {
				t.Errorf("%s: %d %s", filter, a.status, a.body)
				continue
			}
			var got []string
			for _, r := range list.Resources {
				got = append(got, r.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) || list.TotalResults != len(want) {
				t.Errorf("filter %s: %v (totalResults %d), want %v", filter, got, list.TotalResults, want)
			}
			if len(want) == 0 && !strings.Contains(a.body, `"totalResults":0,"Resources":[]`) {
				t.Errorf("filter %s: empty answer %s", filter, a.body)
			}
		}
	})
}

func TestSearchPaging(t *testing.T) {
	s := newTestServer(t, "nextgen-legacy", nil)
	var ids []string
	for i := range 25 {
		ids = append(ids, s.SeedUser(UserSpec{Email: fmt.Sprintf("u%02d@example.com", i)}).ID)
	}
	for _, tc := range []struct {
		query          string
		from, to       int // ids[from:to]
		start, perPage int
	}{
		{"", 0, 20, 0, 20},
		{"startIndex=1&count=5", 0, 5, 1, 5},
		{"startIndex=0&count=5", 0, 5, 0, 5},
		{"startIndex=3&count=5", 2, 7, 3, 5},
		{"startIndex=24&count=5", 23, 25, 24, 5},
		{"startIndex=26&count=5", 25, 25, 26, 5},
		{"startIndex=100", 25, 25, 100, 20},
		// Mongo's limit 0 is no limit; -n is one batch of n (paging.go).
		{"count=0", 0, 25, 0, 0},
		{"count=-2", 0, 2, 0, -2},
		{"count=1000", 0, 25, 0, 1000},
		{"startIndex=5&count=0", 4, 25, 5, 0},
		{"count=2147483647", 0, 25, 0, 2147483647},
		{"count=-3", 0, 3, 0, -3},
	} {
		a := s.call("GET", s.base()+"/Users?"+tc.query, "")
		var list struct {
			Schemas      []string
			TotalResults int
			StartIndex   int
			ItemsPerPage int
			Resources    []struct{ ID string }
		}
		if a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil {
			t.Fatalf("%s: %d %s", tc.query, a.status, a.body)
		}
		var got []string
		for _, r := range list.Resources {
			got = append(got, r.ID)
		}
		want := ids[tc.from:tc.to]
		if fmt.Sprint(got) != fmt.Sprint(want) || list.TotalResults != len(want) || list.StartIndex != tc.start || list.ItemsPerPage != tc.perPage {
			t.Errorf("%q: %d ids (want %d), totalResults %d startIndex %d itemsPerPage %d; want %d %d %d",
				tc.query, len(got), len(want), list.TotalResults, list.StartIndex, list.ItemsPerPage, len(want), tc.start, tc.perPage)
		}
		if !strings.Contains(a.body, `"Resources":[`) || strings.Contains(a.body, `"resources"`) {
			t.Errorf("%q: Resources is not spelled with a capital R: %s", tc.query, a.body[:80])
		}
	}
}

func TestReplaceUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		p := s.Profile()
		id := s.create(`{"userName":"a@example.com","displayName":"A","name":{"givenName":"Ay","familyName":"Bee"}}`)
		path := s.base() + "/Users/" + id

		// NextGen with PL_USER_DELETION_V2 fails a PUT without active: an
		// NPE (Java 17's message) caught as a 404 ScimError (1.8).
		a := s.call("PUT", path, `{"userName":"a@example.com","displayName":"No Active"}`)
		if p.Generation == NextGen && p.UserDeletionV2 {
			a.expect(t, "PUT without active", 404, scimErrorBody(npeActive, 404))
			if u, _ := s.User(id); u.DisplayName != "A" {
				t.Error("the failed PUT changed the user")
			}
		} else if a.status != 200 || !strings.Contains(a.body, `"displayName":"No Active"`) {
			t.Errorf("PUT without active: %d %s", a.status, a.body)
		}

		a = s.call("PUT", path, `{"userName":"A.New@Example.com","displayName":"New Name","active":true,"name":{"givenName":"Gee","familyName":"Eff"}}`)
		if a.status != 200 || !strings.Contains(a.body, `"userName":"a.new@example.com"`) || !strings.Contains(a.body, `"displayName":"New Name"`) {
			t.Errorf("PUT: %d %s", a.status, a.body)
		}
		u, _ := s.User(id)
		// Both generations take given and family names: NextGen's PUT
		// runs FirstGen's through CG (NGScimUserServiceImpl.updateUser
		// lines 278-291, ScimUserServiceImpl.updateUser lines 431-445).
		if u.GivenName != "Gee" || u.FamilyName != "Eff" || u.Email != "a.new@example.com" {
			t.Errorf("after PUT: %+v", u)
		}

		other := s.create(`{"userName":"other@example.com"}`)
		a = s.call("PUT", s.base()+"/Users/"+other, `{"userName":"a.new@example.com","active":true}`)
		if a.status != 404 || !strings.Contains(a.body, "already exists") {
			t.Errorf("PUT to a taken email: %d %s", a.status, a.body)
		}

		s.call("PUT", s.base()+"/Users/NoSuchUser000000000000", `{"userName":"x@example.com","active":true}`).
			expect(t, "PUT unknown", 404, "")

		// active=false: 200 with an empty body. NextGen removes the user
		// from the account, FirstGen disables it.
		a = s.call("PUT", path, `{"userName":"a.new@example.com","active":"False"}`)
		a.expect(t, "PUT active=false", 200, "")
		u, _ = s.User(id)
		if s.fg() {
			if !u.Disabled || !u.Member {
				t.Errorf("FirstGen PUT active=false: %+v", u)
			}
			if a := s.call("GET", path, ""); a.status != 200 || !strings.Contains(a.body, `"active":false`) {
				t.Errorf("FirstGen GET of a disabled user: %d %s", a.status, a.body)
			}
			a = s.call("PUT", path, `{"userName":"a.new@example.com","active":true}`)
			if a.status != 200 || !strings.Contains(a.body, `"active":true`) {
				t.Errorf("FirstGen PUT active=true: %d %s", a.status, a.body)
			}
		} else {
			if u.Member {
				t.Errorf("NextGen PUT active=false kept the member: %+v", u)
			}
			s.call("GET", path, "").expect(t, "GET after removal", 404, scimErrorBody("User does not exist in NG", 404))
		}
	})
}

func patch(ops ...string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

func TestPatchUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		id := s.create(`{"userName":"a@example.com","displayName":"A","externalId":"e"}`)
		path := s.base() + "/Users/" + id
		badJSON := func(what, msg string, a answer) {
			t.Helper()
			msg = "Unable to process JSON " + msg
			if s.fg() {
				a.expect(t, what, 400, restError("INVALID_REQUEST", msg))
			} else if a.status != 400 || a.normalized() != ngError("INVALID_REQUEST", msg) {
				t.Errorf("%s: %d %s", what, a.status, a.body)
			}
		}

		for _, on := range [][2]string{{"replace", "Okta"}, {"Replace", "Azure"}, {"add", "Okta add"}, {"Add", "Azure add"}} {
			op, name := on[0], on[1]
			a := s.call("PATCH", path, patch(`{"op":"`+op+`","path":"displayName","value":"`+name+`"}`))
			if a.status != 200 || !strings.Contains(a.body, `"displayName":"`+name+`"`) {
				t.Errorf("op %s: %d %s", op, a.status, a.body)
			}
		}
		badJSON("op REPLACE", "Could not resolve type id 'REPLACE' as a subtype of PatchOperation",
			s.call("PATCH", path, patch(`{"op":"REPLACE","path":"displayName","value":"x"}`)))
		badJSON("Replace without path", "Missing required creator property for ReplaceOperation",
			s.call("PATCH", path, patch(`{"op":"Replace","value":{"displayName":"x"}}`)))
		badJSON("Add without value", "Missing required creator property for AddOperation",
			s.call("PATCH", path, patch(`{"op":"Add","path":"displayName"}`)))
		badJSON("lower-case operations", "Missing required creator property 'Operations' of PatchRequest",
			s.call("PATCH", path, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"operations":[{"op":"replace","path":"displayName","value":"x"}]}`))
		badJSON("no operations", "Missing required creator property 'Operations' of PatchRequest", s.call("PATCH", path, `{}`))
		if u, _ := s.User(id); u.DisplayName != "Azure add" {
			t.Errorf("a rejected PATCH changed the user: %+v", u)
		}

		// Paths without effect are ignored; remove does nothing; a path-less
		// value object may carry displayName; userName is lower-cased.
		a := s.call("PATCH", path, patch(
			`{"op":"replace","path":"name.givenName","value":"G"}`,
			`{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@example.com"}`,
			`{"op":"replace","path":"externalId","value":"new-ext"}`,
			`{"op":"remove","path":"displayName"}`,
			`{"op":"replace","value":{"displayName":"Pathless","nickName":"n"}}`,
			`{"op":"replace","path":"userName","value":"B@Example.com"}`,
			`{"op":"replace","path":"displayName","value":42}`,
		))
		if a.status != 200 {
			t.Fatalf("mixed PATCH: %d %s", a.status, a.body)
		}
		wantExt := map[bool]string{false: "e", true: ""}[s.fg()] // FirstGen create ignores externalId
		if u, _ := s.User(id); u.DisplayName != "Pathless" || u.Email != "b@example.com" || u.ExternalID != wantExt || u.GivenName != "A" {
			t.Errorf("after mixed PATCH: %+v", u)
		}
		a = s.call("PATCH", path, patch(`{"op":"replace","path":"active","value":true}`))
		if a.status != 200 || !strings.Contains(a.body, `"active":true`) {
			t.Errorf("active=true: %d %s", a.status, a.body)
		}

		// Unknown id: no SCIM 404 but Harness's 400 (1.7).
		a = s.call("PATCH", s.base()+"/Users/NoSuchUser000000000000", patch(`{"op":"replace","path":"displayName","value":"x"}`))
		if s.fg() {
			a.expect(t, "PATCH unknown", 400, restError("INVALID_REQUEST", "Invalid request: User does not exist"))
		} else if a.status != 400 || a.normalized() != ngError("INVALID_REQUEST", "Invalid request: User does not exist") {
			t.Errorf("PATCH unknown: %d %s", a.status, a.body)
		}
	})
}

// TestPatchDeactivate covers the three ways IdPs deactivate and what each
// generation does with it (1.7).
func TestPatchDeactivate(t *testing.T) {
	profiles := map[string]Profile{"firstgen-deletion-v2": {Name: "firstgen-deletion-v2", Generation: FirstGen, UserDeletionV2: true}}
	for _, n := range ProfileNames() {
		profiles[n] = MustProfile(n)
	}
	for name, p := range profiles {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newTestServerWith(t, p, nil)
			for i, op := range []string{
				`{"op":"replace","path":"active","value":false}`,
				`{"op":"replace","value":{"active":false}}`,        // Okta, path-less
				`{"op":"Replace","path":"active","value":"False"}`, // Entra's string
			} {
				id := s.create(fmt.Sprintf(`{"userName":"u%d@example.com","displayName":"U"}`, i))
				s.addGroup(fmt.Sprintf("g%d", i), "G", id)
				s.call("PATCH", s.base()+"/Users/"+id, patch(op)).expect(t, op, 204, "")
				u, ok := s.User(id)
				g, _ := s.Group(fmt.Sprintf("g%d", i))
				switch {
				case p.Generation == NextGen:
					if !ok || u.Member || len(g.Members) != 0 {
						t.Errorf("%s: NextGen keeps the person but removes it from the account and its groups: %+v %v %v", op, u, ok, g.Members)
					}
					if st := s.call("GET", s.base()+"/Users/"+id, "").status; st != 404 {
						t.Errorf("%s: GET after removal: %d", op, st)
					}
				case p.UserDeletionV2:
					if ok || len(g.Members) != 0 {
						t.Errorf("%s: FirstGen with PL_USER_DELETION_V2 deletes the user: %+v %v", op, u, g.Members)
					}
				default:
					if !ok || !u.Member || !u.Disabled || len(g.Members) != 0 {
						t.Errorf("%s: FirstGen keeps the user disabled, out of its groups: %+v %v", op, u, g.Members)
					}
				}
			}
		})
	}
}

func TestDeleteUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		id := s.create(`{"userName":"a@example.com"}`)
		s.addGroup("g", "G", id)
		path := s.base() + "/Users/" + id
		s.call("DELETE", path, "").expect(t, "DELETE", 204, "")
		if g, _ := s.Group("g"); len(g.Members) != 0 {
			t.Errorf("deleted user still in its group: %v", g.Members)
		}
		u, ok := s.User(id)
		if s.fg() {
			if ok {
				t.Errorf("FirstGen DELETE keeps the user: %+v", u)
			}
			s.call("GET", path, "").expect(t, "GET after delete", 404, scimErrorBody("User does not exist", 404))
			// Harness no longer knows the id: 401 RestResponse (1.8).
			s.call("DELETE", path, "").expect(t, "second DELETE", 401, restError("INVALID_TOKEN", "Token is not valid."))
		} else {
			if !ok || u.Member {
				t.Errorf("NextGen DELETE removes the account membership only: %+v %v", u, ok)
			}
			s.call("GET", path, "").expect(t, "GET after delete", 404, scimErrorBody("User does not exist in NG", 404))
			s.call("DELETE", path, "").expect(t, "second DELETE", 204, "")
		}
		a := s.call("DELETE", s.base()+"/Users/NeverExisted0000000000", "")
		if s.fg() {
			a.expect(t, "DELETE unknown", 401, restError("INVALID_TOKEN", "Token is not valid."))
		} else if a.status != 400 || a.normalized() != ngError("INVALID_REQUEST", "Invalid request: Token is not valid.") {
			t.Errorf("DELETE unknown: %d %s", a.status, a.body)
		}
		a = s.call("DELETE", s.base()+"/Users/"+AdminUserID, "")
		msg := "Invalid request: Cannot remove the last Account Admin from the account"
		if s.fg() {
			a.expect(t, "DELETE admin", 400, restError("INVALID_REQUEST", msg))
		} else if a.status != 400 || a.normalized() != ngError("REQUEST_PROCESSING_INTERRUPTED",
			"Removing this user will remove the last Account Admin from NG. Cannot remove the user.") {
			// NgUserServiceImpl.checkIfUserIsLastAccountAdmin.
			t.Errorf("DELETE admin: %d %s", a.status, a.body)
		}
		if u, ok := s.User(AdminUserID); !ok || !u.Member {
			t.Error("the admin was removed")
		}
	})
}

// TestErrorBodies checks Harness's error bodies byte for byte (1.9, 6.2).
func TestErrorBodies(t *testing.T) {
	s := newTestServer(t, "nextgen", nil)
	a := s.call("GET", s.base()+"/Users/NoSuchUser000000000000", "")
	a.expect(t, "ScimError", 404, `{"id":null,"externalId":null,"meta":null,"detail":"User does not exist in Harness","status":404,`+
		`"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`)
	a = s.call("GET", s.base()+"/Users", "", "Authorization: Bearer nope")
	if a.status != 401 || a.normalized() != `{"status":"ERROR","code":"INVALID_TOKEN","message":"Token is not valid.","correlationId":"X",`+
		`"detailedMessage":null,"responseMessages":[{"code":"INVALID_TOKEN","level":"ERROR","message":"Token is not valid.",`+
		`"exception":null,"failureTypes":[]}],"metadata":null}` {
		t.Errorf("ErrorDTO: %d %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("ErrorDTO Content-Type %q", ct)
	}
	// Correlation ids differ per answer.
	b := s.call("GET", s.base()+"/Users", "", "Authorization: Bearer nope")
	if a.body == b.body {
		t.Error("two errors share a correlation id")
	}

	fg := newTestServer(t, "firstgen", nil)
	a = fg.call("GET", fg.base()+"/Users", "", "Authorization: Bearer nope")
	want := `{"metaData":{},"resource":null,"responseMessages":[{"code":"INVALID_REQUEST","level":"ERROR",` +
		`"message":"Invalid request: User not authorized","exception":null,"failureTypes":[]}]}`
	a.expect(t, "RestResponse", 400, want)
	if h := a.header.Get("X-Harness-Error"); h != want {
		t.Errorf("X-Harness-Error = %q", h)
	}
}

// TestSearchSkipsRemovedUsers: the search only sees account members, and a
// NextGen DELETE or deactivation removes the user from the account
// (NGScimUserServiceImpl.deleteUser, ScimUserServiceImpl.searchUser), so
// removed users take no place on a page in either generation; FirstGen
// lists a disabled user.
func TestSearchSkipsRemovedUsers(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		var ids []string
		for i := range 10 {
			ids = append(ids, s.SeedUser(UserSpec{Email: fmt.Sprintf("u%02d@example.com", i)}).ID)
		}
		s.call("DELETE", s.base()+"/Users/"+ids[1], "")
		s.call("PATCH", s.base()+"/Users/"+ids[3], patch(`{"op":"replace","path":"active","value":false}`))
		page := func(q string) (got []string, total int) {
			a := s.call("GET", s.base()+"/Users?"+q, "")
			var list struct {
				TotalResults int
				Resources    []struct{ ID string }
			}
			if a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil {
				t.Fatalf("%s: %d %s", q, a.status, a.body)
			}
			for _, r := range list.Resources {
				got = append(got, r.ID)
			}
			return got, list.TotalResults
		}
		first, total := page("startIndex=1&count=5")
		second, _ := page("startIndex=6&count=5")
		var want1, want2 []string
		switch {
		case s.fg():
			// FirstGen: ids[1] deleted, ids[3] disabled but listed.
			want1 = []string{ids[0], ids[2], ids[3], ids[4], ids[5]}
			want2 = []string{ids[6], ids[7], ids[8], ids[9]}
		default:
			want1 = []string{ids[0], ids[2], ids[4], ids[5], ids[6]}
			want2 = ids[7:10]
		}
		if fmt.Sprint(first) != fmt.Sprint(want1) || total != len(want1) || fmt.Sprint(second) != fmt.Sprint(want2) {
			t.Errorf("pages %v (totalResults %d) and %v, want %v and %v", first, total, second, want1, want2)
		}
	})
}

// TestSearchAfterManyDeletes: after more NextGen deletes than a default page
// holds, a plain GET /Users still lists the live users (it used to answer
// [] while the removed users filled the first page).
func TestSearchAfterManyDeletes(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		var live []string
		for i := range 25 {
			id := s.create(fmt.Sprintf(`{"userName":"u%02d@example.com","displayName":"U"}`, i))
			if i < 21 {
				if a := s.call("DELETE", s.base()+"/Users/"+id, ""); a.status != 204 {
					t.Fatalf("delete: %d %s", a.status, a.body)
				}
				continue
			}
			live = append(live, id)
		}
		a := s.call("GET", s.base()+"/Users", "")
		var list struct {
			TotalResults int
			Resources    []struct{ ID string }
		}
		if a.status != 200 || json.Unmarshal([]byte(a.body), &list) != nil {
			t.Fatalf("search: %d %s", a.status, a.body)
		}
		var got []string
		for _, r := range list.Resources {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(live) || list.TotalResults != 4 {
			t.Fatalf("GET /Users = %v (totalResults %d), want the 4 live users %v", got, list.TotalResults, live)
		}
	})
}

// TestSearchShortPagesFromFirstGenGroups: with PL_USER_DELETION_V2 on, a
// NextGen removal keeps a user who is in a FirstGen user group in the CG
// account (UserResourceNG.deleteUser), so the FirstGen search counts them
// and NextGen drops them from the page (removeUsersNotinNG): the page is
// short with more users after it.
func TestSearchShortPagesFromFirstGenGroups(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		var ids []string
		for i := range 6 {
			ids = append(ids, s.SeedUser(UserSpec{Email: fmt.Sprintf("u%02d@example.com", i)}).ID)
		}
		_ = s.UpdateUser(ids[1], func(u *User) { u.InFirstGenUserGroup = true })
		s.call("DELETE", s.base()+"/Users/"+ids[1], "")
		a := s.call("GET", s.base()+"/Users?startIndex=1&count=3", "")
		var list struct{ Resources []struct{ ID string } }
		if json.Unmarshal([]byte(a.body), &list) != nil {
			t.Fatal(a.body)
		}
		want := []string{ids[0], ids[2], ids[3]}
		if p := s.Profile(); p.Generation == NextGen && p.UserDeletionV2 {
			want = []string{ids[0], ids[2]}
		}
		if len(list.Resources) != len(want) {
			t.Fatalf("page %s, want %d users", a.body, len(want))
		}
		for i, r := range list.Resources {
			if r.ID != want[i] {
				t.Fatalf("page %s, want %v", a.body, want)
			}
		}
	})
}

// TestGetUserNotFoundDetails pins the 404 details of GET /Users/{id}:
// NextGen's getUser (NGScimUserServiceImpl lines 159-174) says "in Harness"
// for an id Harness does not know and "in NG" for a user who is not a
// NextGen member; FirstGen's UserServiceImpl.get (lines 3547-3558) says
// "User does not exist".
func TestGetUserNotFoundDetails(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		id := s.create(`{"userName":"gone@example.com","displayName":"Gone"}`)
		s.call("DELETE", s.base()+"/Users/"+id, "")
		unknown, removed := "User does not exist in Harness", "User does not exist in NG"
		if s.fg() {
			unknown, removed = "User does not exist", "User does not exist"
		}
		s.call("GET", s.base()+"/Users/NoSuchUser000000000000", "").expect(t, "unknown id", 404, scimErrorBody(unknown, 404))
		s.call("GET", s.base()+"/Users/"+id, "").expect(t, "removed user", 404, scimErrorBody(removed, 404))
	})
}
