package mockserver

import (
	"encoding/json"
	"testing"
)

// TestCreateUserNamesHarnessCannotBuild pins getDisplayNameFromName and
// getFamilyNameFromScimUser (NGScimUserServiceImpl lines 502-523,
// ScimUserServiceImpl lines 129-139 and 403-408, harness-core 1dcec145):
// a name with a givenName but no familyName, or without a displayName a
// name lacking either part, throws; create answers 409 with a ScimError of
// status 404 whose detail is Java 17's NullPointerException message.
func TestCreateUserNamesHarnessCannotBuild(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		for _, tc := range []struct{ body, detail string }{
			{`{"userName":"g@example.com","displayName":"G","name":{"givenName":"Gi"}}`, npeTextValue},
			{`{"userName":"h@example.com","name":{"givenName":"Hi"}}`, npeAsText},
			{`{"userName":"i@example.com","name":{"familyName":"Fam"}}`, npeAsText},
			{`{"userName":"j@example.com","name":{}}`, npeAsText},
			{`{"userName":"j@example.com","name":"Jay"}`, npeAsText},
		} {
			s.call("POST", s.base()+"/Users", tc.body).expect(t, tc.body, 409, scimErrorBody(tc.detail, 404))
		}
		if n := len(s.Users()); n != 1 {
			t.Errorf("failed creates left %d users", n)
		}
		// A name without givenName but with a displayName is fine: both
		// parts become the displayName.
		id := s.create(`{"userName":"k@example.com","displayName":"K","name":{"familyName":"Fam"}}`)
		if u, _ := s.User(id); u.DisplayName != "K" || u.GivenName != "K" || u.FamilyName != "K" {
			t.Errorf("familyName-only name: %+v", u)
		}
	})
}

// TestCreateUserNamesOfExistingUser: for a user already in the account,
// create runs shouldUpdateUser and the PUT logic instead. NextGen never
// reads the name parts there unless the displayName is empty; FirstGen's
// shouldUpdateUser reads both with asText when nothing else changed
// (ScimUserServiceImpl lines 121-127), so re-posting the same user with a
// givenName alone throws there.
func TestCreateUserNamesOfExistingUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		id := s.create(`{"userName":"a@example.com","displayName":"A","name":{"givenName":"Gi","familyName":"Fa"}}`)
		a := s.call("POST", s.base()+"/Users", `{"userName":"a@example.com","displayName":"A","name":{"givenName":"Gi"}}`)
		if s.fg() {
			a.expect(t, "FirstGen re-post", 409, scimErrorBody(npeAsText, 404))
		} else if a.status != 201 {
			t.Errorf("NextGen re-post: %d %s", a.status, a.body)
		}
		// An empty displayName makes NextGen build one from the name too;
		// FirstGen's PUT logic only does that for a missing displayName
		// (line 420 tests != null), so it keeps the name.
		a = s.call("POST", s.base()+"/Users", `{"userName":"a@example.com","displayName":"","name":{"givenName":"Gi"}}`)
		if want := map[bool]int{true: 201, false: 409}[s.fg()]; a.status != want {
			t.Errorf("re-post with an empty displayName and no familyName: %d %s", a.status, a.body)
		}
		if u, _ := s.User(id); u.DisplayName != "A" || u.GivenName != "Gi" || u.FamilyName != "Fa" {
			t.Errorf("a failed re-post changed the user: %+v", u)
		}
	})
}

// TestReplaceUserNamesHarnessCannotBuild: PUT builds names the same way
// and answers a failure with 404 (NGScimUserResource.updateUser,
// ScimUserResource.updateUser).
func TestReplaceUserNamesHarnessCannotBuild(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		id := s.create(`{"userName":"a@example.com","displayName":"A"}`)
		s.call("PUT", s.base()+"/Users/"+id, `{"userName":"a@example.com","active":true,"name":{"givenName":"Gi"}}`).
			expect(t, "PUT", 404, scimErrorBody(npeAsText, 404))
		if u, _ := s.User(id); u.DisplayName != "A" {
			t.Errorf("a failed PUT changed the user: %+v", u)
		}
	})
}

// TestCreateUserNameNotEmail pins which userNames each generation takes.
// NextGen only needs one: Invite.email is @NotEmpty (Invite.java line 93)
// and nothing on the invite path validates the address (InviteServiceImpl.
// create, UserServiceImpl.completeNGInvite). FirstGen's inviteUser runs
// SignupServiceImpl.checkIfEmailIsValid (commons-validator EmailValidator),
// which fails with INVALID_EMAIL.
func TestCreateUserNameNotEmail(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		for _, name := range []string{"UserName123", "a@b", "Hal <hal@example.com>"} {
			a := s.call("POST", s.base()+"/Users", `{"userName":`+jsonString(name)+`,"displayName":"X"}`)
			if s.fg() {
				a.expect(t, name, 409, scimErrorBody("INVALID_EMAIL", 404))
				continue
			}
			var u struct{ ID, UserName string }
			if a.status != 201 || json.Unmarshal([]byte(a.body), &u) != nil || u.ID == "" {
				t.Errorf("NextGen POST %q: %d %s", name, a.status, a.body)
			}
		}
		// No userName at all fails in both (FirstGen: an NPE).
		a := s.call("POST", s.base()+"/Users", `{"displayName":"X"}`)
		if a.status != 409 || (s.fg() && a.body != scimErrorBody(npeUserName, 404)) {
			t.Errorf("POST without userName: %d %s", a.status, a.body)
		}
		// Without displayName and name, NextGen names the user after the
		// userName (InviteServiceImpl.createAndInviteNonPasswordUser).
		if id := s.create(`{"userName":"nameless@example.com"}`); !s.fg() {
			if u, _ := s.User(id); u.DisplayName != "nameless@example.com" {
				t.Errorf("NextGen user without a name: %+v", u)
			}
		}
	})
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
