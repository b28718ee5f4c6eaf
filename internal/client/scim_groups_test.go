package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// newGroupTestClient starts a mock with the given profile and returns a
// client for it.
func newGroupTestClient(t testing.TB, profile string) (*Client, *mockserver.Server) {
	t.Helper()
	srv := mockserver.New(mockserver.Options{Profile: mockserver.MustProfile(profile)})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	gen := NextGen
	if srv.Profile().Generation == mockserver.FirstGen {
		gen = FirstGen
	}
	c, err := New(Config{
		Endpoint: hs.URL, AccountID: srv.AccountID(), APIKey: srv.Token(), Generation: gen,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func seedGroupUsers(srv *mockserver.Server, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = srv.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("member%d@example.com", i), DisplayName: fmt.Sprintf("Member %d", i)}).ID
	}
	return ids
}

func sortedCopy(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func checkCounts(t *testing.T, srv *mockserver.Server, want map[string]int) {
	t.Helper()
	if got := mockserver.CountsString(srv.Counts()); got != mockserver.CountsString(want) {
		t.Fatalf("requests: got %s, want %s", got, mockserver.CountsString(want))
	}
	srv.ResetRequests()
}

func TestSCIMGroupClientLifecycle(t *testing.T) {
	for _, profile := range mockserver.ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, srv := newGroupTestClient(t, profile)
			u := seedGroupUsers(srv, 4)

			g, err := c.CreateSCIMGroup(ctx, &SCIMGroup{DisplayName: "Platform Team", Members: SCIMGroupMembers([]string{u[0], u[1], "NoSuchUser000000000000"})})
			if err != nil {
				t.Fatal(err)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpCreateGroup: 1})
			if !slices.Equal(sortedCopy(g.MemberIDs()), sortedCopy(u[:2])) {
				t.Fatalf("created members %v, want %v (the unknown id dropped)", g.MemberIDs(), u[:2])
			}
			if g.Members[0].Display != "member0@example.com" {
				t.Fatalf("member display %q, want the email", g.Members[0].Display)
			}
			if profile != "firstgen" && g.ID != GroupIdentifier("Platform Team") {
				t.Fatalf("NextGen id %q, want %q", g.ID, GroupIdentifier("Platform Team"))
			}

			found, err := c.FindSCIMGroupByDisplayName(ctx, "Platform Team")
			if err != nil || found.ID != g.ID {
				t.Fatalf("find: %v %v", found, err)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpSearchGroups: 1})
			if _, err := c.FindSCIMGroupByDisplayName(ctx, "platform team"); !IsNotFound(err) {
				t.Fatalf("case-insensitive find: %v, want not found", err)
			}
			srv.ResetRequests()

			// Rename, two adds and one remove: one PATCH.
			err = c.PatchSCIMGroup(ctx, g.ID, SCIMGroupPatch{DisplayName: "Platform", Add: []string{u[2], u[3]}, Remove: []string{u[0]}})
			if err != nil {
				t.Fatal(err)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpPatchGroup: 1})
			got, err := c.GetSCIMGroup(ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != g.ID || got.DisplayName != "Platform" || !slices.Equal(sortedCopy(got.MemberIDs()), sortedCopy(u[1:])) {
				t.Fatalf("after patch: %+v", got)
			}
			// An empty patch sends nothing.
			if err := c.PatchSCIMGroup(ctx, g.ID, SCIMGroupPatch{}); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpGetGroup: 1})

			if err := c.PatchSCIMGroup(ctx, "nope", SCIMGroupPatch{Add: u[:1]}); !IsNotFound(err) {
				t.Fatalf("patch of an unknown group: %v, want not found", err)
			}
			if _, err := c.GetSCIMGroup(ctx, "nope"); !IsNotFound(err) {
				t.Fatalf("get unknown: %v", err)
			}

			if err := c.DeleteSCIMGroup(ctx, g.ID); err != nil {
				t.Fatal(err)
			}
			if _, ok := srv.Group(g.ID); ok {
				t.Fatal("group still in the store")
			}
			srv.ResetRequests()
			// Deleting again: NextGen's 401 is confirmed gone by a GET;
			// FirstGen answers 204.
			err = c.DeleteSCIMGroup(ctx, g.ID)
			if profile == "firstgen" {
				if err != nil {
					t.Fatal(err)
				}
				checkCounts(t, srv, map[string]int{mockserver.OpDeleteGroup: 1})
				return
			}
			if !IsNotFound(err) {
				t.Fatalf("second delete: %v, want not found", err)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpDeleteGroup: 1, mockserver.OpGetGroup: 1})
		})
	}
}

// TestSCIMGroupClientDeleteUIGroup runs under NextGen only: FirstGen has
// no groups SCIM cannot delete and answers any DELETE with 204 (2.1).
func TestSCIMGroupClientDeleteUIGroup(t *testing.T) {
	ctx := context.Background()
	c, srv := newGroupTestClient(t, "nextgen")
	m := srv.SeedGroup(mockserver.GroupSpec{Name: "Made In UI", NotExternallyManaged: true})
	err := c.DeleteSCIMGroup(ctx, m.ID)
	if err == nil || IsNotFound(err) || errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrValidation) {
		t.Fatalf("delete of a UI group: %v, want a validation error", err)
	}
	if !strings.Contains(err.Error(), "not externally managed") {
		t.Fatalf("error does not say why: %v", err)
	}
	// A bad credential stays an authorization error.
	bad, err := New(Config{Endpoint: c.Endpoint(), AccountID: srv.AccountID(), APIKey: "pat.x.y.z", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.DeleteSCIMGroup(ctx, m.ID); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("bad token: %v, want unauthorized", err)
	}
}

func TestSCIMGroupClientFindAndList(t *testing.T) {
	for _, profile := range mockserver.ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, srv := newGroupTestClient(t, profile)
			const n = SCIMPageSize + 5
			for i := range n {
				srv.SeedGroup(mockserver.GroupSpec{Name: fmt.Sprintf("g%04d", i)})
			}
			srv.SeedGroup(mockserver.GroupSpec{Name: "Hidden", NotExternallyManaged: true})
			srv.ResetRequests()
			all, err := c.ListSCIMGroups(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != n {
				t.Fatalf("listed %d groups, want %d", len(all), n)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpSearchGroups: 2})
			if _, err := c.FindSCIMGroupByDisplayName(ctx, "Hidden"); !IsNotFound(err) {
				t.Fatalf("UI group found by name: %v", err)
			}
			if _, err := c.FindSCIMGroupByDisplayName(ctx, ""); !IsNotFound(err) {
				t.Fatalf("empty name (Harness lists everything): %v, want not found", err)
			}
			if _, err := c.FindSCIMGroupByDisplayName(ctx, "Team eq Ops"); err == nil || IsNotFound(err) {
				t.Fatalf(`a name containing " eq " cannot be searched and must be refused: %v`, err)
			}
		})
	}
}

func TestSCIMGroupClientFindAmbiguous(t *testing.T) {
	c, srv := newGroupTestClient(t, "firstgen")
	srv.SeedGroup(mockserver.GroupSpec{Name: "Twin"})
	srv.SeedGroup(mockserver.GroupSpec{Name: "Twin"})
	_, err := c.FindSCIMGroupByDisplayName(context.Background(), "Twin")
	if !IsConflict(err) || !strings.Contains(err.Error(), "2 SCIM groups") {
		t.Fatalf("ambiguous name: %v", err)
	}
}

func TestSCIMGroupClientReplace(t *testing.T) {
	for _, profile := range mockserver.ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, srv := newGroupTestClient(t, profile)
			u := seedGroupUsers(srv, 2)
			g := srv.SeedGroup(mockserver.GroupSpec{Name: "Replace Me", Members: u[:1]})
			echo, err := c.ReplaceSCIMGroup(ctx, g.ID, &SCIMGroup{DisplayName: "Replaced", Members: SCIMGroupMembers([]string{u[1], "NoSuchUser000000000000"})})
			if err != nil {
				t.Fatal(err)
			}
			// The answer is the echo; the store has only the known user.
			if len(echo.Members) != 2 {
				t.Fatalf("echo %+v", echo)
			}
			stored, _ := srv.Group(g.ID)
			if stored.Name != "Replaced" || !slices.Equal(stored.Members, u[1:]) {
				t.Fatalf("stored %+v", stored)
			}
		})
	}
}

func TestSCIMGroupPatchOperations(t *testing.T) {
	p := SCIMGroupPatch{DisplayName: "New", Add: []string{"b", "a"}, Remove: []string{"c"}}
	data, err := json.Marshal(NewSCIMPatch(p.Operations()...))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
		`{"op":"Replace","path":"displayName","value":"New"},` +
		`{"op":"Add","path":"members","value":[{"value":"a"},{"value":"b"}]},` +
		`{"op":"Remove","path":"members","value":[{"value":"c"}]}]}`
	if string(data) != want {
		t.Fatalf("PATCH body\n got %s\nwant %s", data, want)
	}
	if ops := (SCIMGroupPatch{Remove: []string{"x"}}).Operations(); len(ops) != 1 || ops[0].Op != "Remove" {
		t.Fatalf("remove-only ops %+v", ops)
	}
}

func TestGroupIdentifier(t *testing.T) {
	// Examples from docs/design/harness-api.md 2.2.
	for in, want := range map[string]string{
		"example-group": "example_group",
		"Dev Team.1":    "Dev_Team_1",
		"123 Ops":       "_Ops",
		"  Équipe $1 ":  "Equipe_$1",
		"Ops!@#Team":    "OpsTeam",
		"123":           "",
		"$$$":           "",
	} {
		if got := GroupIdentifier(in); got != want {
			t.Errorf("GroupIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
	// The mock derives the same ids (NextGen only: FirstGen ids are not
	// derived from the name).
	c, _ := newGroupTestClient(t, "nextgen")
	for _, name := range []string{"example-group", "Dev Team.1", "123 Ops", "Équipe"} {
		g, err := c.CreateSCIMGroup(context.Background(), &SCIMGroup{DisplayName: name})
		if err != nil {
			t.Fatal(err)
		}
		if g.ID != GroupIdentifier(name) {
			t.Errorf("mock id %q for %q, GroupIdentifier says %q", g.ID, name, GroupIdentifier(name))
		}
	}
}

// TestSCIMGroupClientCreateAnswerLost: the POST is applied but its answer is
// lost. FirstGen's retry is answered with the group the first attempt made
// (Harness answers a POST of a taken name with that group). NextGen's retry
// gets a 409, which stands: Harness keeps nothing proving that attempt made
// the group, so it is not taken over, and nothing but the two POSTs is sent.
// Either way exactly one group exists.
func TestSCIMGroupClientCreateAnswerLost(t *testing.T) {
	for _, profile := range mockserver.ProfileNames() {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, srv := newGroupTestClient(t, profile)
			u := seedGroupUsers(srv, 2)
			srv.ResetRequests()
			f := srv.InjectFault(mockserver.Fault{Op: mockserver.OpCreateGroup, DropAfterCommit: true})
			g, err := c.CreateSCIMGroup(ctx, &SCIMGroup{DisplayName: "Lost Answer", Members: SCIMGroupMembers(u)})
			if f.Fired() != 1 {
				t.Fatalf("fault fired %d times, want 1", f.Fired())
			}
			checkCounts(t, srv, map[string]int{mockserver.OpCreateGroup: 2})
			groups := srv.Groups()
			if len(groups) != 1 {
				t.Fatalf("Harness has %d groups, want 1", len(groups))
			}
			if profile != "firstgen" {
				if apiErr, ok := AsAPIError(err); !IsConflict(err) || !ok || !apiErr.Uncertain {
					t.Fatalf("NextGen create through a dropped answer: %v, want the uncertain 409", err)
				}
				return
			}
			if err != nil || groups[0].ID != g.ID || g.DisplayName != "Lost Answer" ||
				!slices.Equal(sortedCopy(g.MemberIDs()), sortedCopy(u)) {
				t.Fatalf("got %+v, %v; Harness has %+v", g, err, groups)
			}
		})
	}
}

// TestSCIMGroupClientUncertainConflictStands: a NextGen 409 after an
// uncertain attempt is never turned into a group, whatever holds the id: a
// group made in the Harness UI, a SCIM group of another name that gives the
// same id, or a SCIM group of the same name, even one with exactly the
// members the create sends (another configuration declaring the same
// group). The group is left untouched and nothing else is requested.
func TestSCIMGroupClientUncertainConflictStands(t *testing.T) {
	for _, tc := range []struct {
		name, create string
		seed         mockserver.GroupSpec
		// seedMembers and send index the seeded users.
		seedMembers, send []int
	}{
		{name: "ui-group", create: "dev-team", seed: mockserver.GroupSpec{Name: "dev-team", NotExternallyManaged: true}},
		// dev.team and dev-team both give the id dev_team (2.2).
		{name: "other-name", create: "dev.team", seed: mockserver.GroupSpec{Name: "dev-team"}},
		{name: "other-members", create: "Platform", seed: mockserver.GroupSpec{Name: "Platform"},
			seedMembers: []int{0, 1}, send: []int{2}},
		{name: "same-members", create: "Platform", seed: mockserver.GroupSpec{Name: "Platform"},
			seedMembers: []int{0, 1}, send: []int{0, 1}},
		{name: "empty-none-sent", create: "Platform", seed: mockserver.GroupSpec{Name: "Platform"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c, srv := newGroupTestClient(t, "nextgen")
			u := seedGroupUsers(srv, 3)
			pick := func(idx []int) []string {
				var ids []string
				for _, i := range idx {
					ids = append(ids, u[i])
				}
				return ids
			}
			tc.seed.Members = pick(tc.seedMembers)
			seeded := srv.SeedGroup(tc.seed)
			srv.ResetRequests()
			// A 502 leaves the first attempt's outcome open without applying it.
			srv.InjectFault(mockserver.Fault{Op: mockserver.OpCreateGroup, Status: 502})
			_, err := c.CreateSCIMGroup(ctx, &SCIMGroup{DisplayName: tc.create, Members: SCIMGroupMembers(pick(tc.send))})
			apiErr, ok := AsAPIError(err)
			if !IsConflict(err) || !ok || !apiErr.Uncertain {
				t.Fatalf("create over an existing group: %v, want the uncertain 409", err)
			}
			checkCounts(t, srv, map[string]int{mockserver.OpCreateGroup: 2})
			groups := srv.Groups()
			if len(groups) != 1 || !slices.Equal(groups[0].Members, seeded.Members) {
				t.Fatalf("Harness has %+v, want the seeded group only, untouched", groups)
			}
		})
	}
}
