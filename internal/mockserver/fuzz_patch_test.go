package mockserver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// patchSeeds are PATCH bodies as Entra ID, Okta and OneLogin send them,
// plus malformed ones. "U1", "U2" and "NEW" stand for user ids.
var patchSeeds = []string{
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"NEW"}]}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members[value eq \"U1\"]","value":[{"value":"U1"}]}]}`,
	`{"Operations":[{"op":"remove","path":"members","value":[{"value":"U1"}]},{"op":"add","path":"members","value":[{"value":"U1"},{"value":"NEW"}]}]}`,
	`{"Operations":[{"op":"add","path":"members","value":[{"value":"NEW"}]},{"op":"remove","path":"members","value":[{"value":"NEW"}]},{"op":"add","path":"members","value":[{"value":"NEW"}]}]}`,
	`{"Operations":[{"op":"Replace","path":"displayName","value":"Renamed"}]}`,
	`{"Operations":[{"op":"replace","value":{"id":"g","displayName":"Okta name"}}]}`,
	`{"Operations":[{"op":"replace","path":"active","value":"False"}]}`,
	`{"Operations":[{"op":"replace","value":{"active":false,"displayName":"X"}}]}`,
	`{"Operations":[{"op":"Replace","path":"userName","value":"U2@EXAMPLE.COM"}]}`,
	`{"Operations":[{"op":"Add","path":"members","value":[{"value":7}]}]}`,
	`{"Operations":[{"op":"Add"}]}`,
	`{"Operations":[{"op":"move","path":"members"}]}`,
	`{"operations":[]}`,
	`{"Operations":null}`,
	`[]`,
	`{`,
}

// patchFixture is a NextGen mock with users U1, U2 and NEW and a group
// holding U1 and U2; bodies name them by those placeholders.
type patchFixture struct {
	srv      *Server
	ids      map[string]string
	group    string
	replacer *strings.Replacer
}

func newPatchFixture(profile string) *patchFixture {
	p := &patchFixture{srv: New(Options{Profile: MustProfile(profile)}), ids: map[string]string{}}
	var pairs []string
	for _, name := range []string{"U1", "U2", "NEW"} {
		p.ids[name] = p.srv.SeedUser(UserSpec{Email: strings.ToLower(name) + "@example.com"}).ID
		pairs = append(pairs, name, p.ids[name])
	}
	p.replacer = strings.NewReplacer(pairs...)
	p.group = p.srv.SeedGroup(GroupSpec{Name: "Fuzz", Members: []string{p.ids["U1"], p.ids["U2"]}}).ID
	return p
}

func (p *patchFixture) patch(path string, body []byte) int {
	base := "/ng/api/scim/account/"
	if p.srv.Profile().Generation == FirstGen {
		base = "/api/scim/account/"
	}
	req := httptest.NewRequest(http.MethodPatch, base+p.srv.AccountID()+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+p.srv.Token())
	req.Header.Set("Content-Type", "application/scim+json")
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	return rec.Code
}

// checkStore asserts the store invariants a PATCH must keep.
func checkStore(t *testing.T, s *Server) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	emails := map[string]bool{}
	for _, u := range s.store.Users {
		if u.Email != strings.ToLower(u.Email) || emails[u.Email] {
			t.Fatalf("user email %q is not lower case or not unique", u.Email)
		}
		emails[u.Email] = true
	}
	for _, g := range s.store.Groups {
		seen := map[string]bool{}
		for _, m := range g.Members {
			if seen[m] || s.store.Users[m] == nil {
				t.Fatalf("group %s: member %q repeated or unknown: %v", g.ID, m, g.Members)
			}
			seen[m] = true
		}
		if strings.TrimSpace(g.Name) == "" {
			t.Fatalf("group %s lost its name", g.ID)
		}
	}
	if s.panics.Load() != 0 {
		t.Fatal("the mock panicked")
	}
}

// FuzzSCIMPatch: PATCH bodies never panic the mock, answer only the
// statuses Harness uses, keep the store's invariants (unique lower-case
// emails, unique known group members), and applying the same group PATCH
// twice changes nothing the second time: member operations are set
// operations, so a repeated add (or remove) is idempotent.
func FuzzSCIMPatch(f *testing.F) {
	for _, s := range patchSeeds {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(patchSeeds[0]), true)
	f.Fuzz(func(t *testing.T, body []byte, firstGen bool) {
		profile := "nextgen"
		if firstGen {
			profile = "firstgen"
		}
		p := newPatchFixture(profile)
		body = []byte(p.replacer.Replace(string(body)))
		first := p.patch("/Groups/"+p.group, body)
		if first != http.StatusNoContent && first != http.StatusBadRequest {
			t.Fatalf("group PATCH answered %d", first)
		}
		checkStore(t, p.srv)
		once, _ := p.srv.Group(p.group)
		if second := p.patch("/Groups/"+p.group, body); second != first {
			t.Fatalf("the same PATCH answered %d, then %d", first, second)
		}
		twice, _ := p.srv.Group(p.group)
		if once.Name != twice.Name || !slices.Equal(once.Members, twice.Members) {
			t.Fatalf("repeating the PATCH changed the group: %+v, then %+v", once, twice)
		}
		switch st := p.patch("/Users/"+p.ids["U1"], body); st {
		case http.StatusOK, http.StatusNoContent, http.StatusBadRequest:
		default:
			t.Fatalf("user PATCH answered %d", st)
		}
		checkStore(t, p.srv)
	})
}
