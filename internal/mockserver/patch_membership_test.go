package mockserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// TestPatchGroupMembershipIsASet: Harness applies PATCH member operations to
// a HashSet (NGScimGroupServiceImpl.updateGroup, FirstGen's
// ScimGroupServiceImpl), so the final membership is the set after the last
// operation and never holds a user twice. The mock once stored a member
// twice when one PATCH removed and re-added the same user.
func TestPatchGroupMembershipIsASet(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		s := newTestServer(t, profile, nil)
		u1 := s.SeedUser(UserSpec{Email: "one@example.com"}).ID
		u2 := s.SeedUser(UserSpec{Email: "two@example.com"}).ID
		u3 := s.SeedUser(UserSpec{Email: "three@example.com"}).ID
		add := func(ids ...string) map[string]any {
			return map[string]any{"op": "add", "path": "members", "value": valueList(ids...)}
		}
		remove := func(ids ...string) map[string]any {
			return map[string]any{"op": "remove", "path": "members", "value": valueList(ids...)}
		}
		for _, tc := range []struct {
			name string
			ops  []map[string]any
			want []string
		}{
			{"remove then re-add a member", []map[string]any{remove(u1), add(u1)}, []string{u1, u2}},
			{"re-add twice", []map[string]any{remove(u1), add(u1), remove(u1), add(u1)}, []string{u1, u2}},
			{"add, remove, add a newcomer", []map[string]any{add(u3), remove(u3), add(u3)}, []string{u1, u2, u3}},
			{"add then remove a newcomer", []map[string]any{add(u3), remove(u3)}, []string{u1, u2}},
			{"remove then add in one list", []map[string]any{remove(u1, u2), add(u2, u1, u2)}, []string{u1, u2}},
			{"repeated add", []map[string]any{add(u3, u3), add(u3)}, []string{u1, u2, u3}},
		} {
			g := s.SeedGroup(GroupSpec{Name: "Set " + tc.name, Members: []string{u1, u2}})
			body, _ := json.Marshal(patchBody(tc.ops...))
			if a := s.call(http.MethodPatch, s.base()+"/Groups/"+g.ID, string(body)); a.status != http.StatusNoContent {
				t.Fatalf("%s: %d %s", tc.name, a.status, a.body)
			}
			got, _ := s.Group(g.ID)
			if !slices.Equal(got.Members, tc.want) {
				t.Errorf("%s: members %v, want %v", tc.name, got.Members, tc.want)
			}
		}
	})
}
