package provider

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const (
	chaosUsers  = 50
	chaosGroups = 5
)

// chaosConfig is chaosUsers users, chaosGroups groups sharing them out
// (user i is in group i % chaosGroups) and the Entra ID chain.
func chaosConfig() string {
	return fmt.Sprintf(`
resource "harness_scim_user" "u" {
  count        = %d
  user_name    = "chaos${count.index}@example.com"
  display_name = "Chaos ${count.index}"
}

resource "harness_scim_group" "g" {
  count        = %d
  display_name = "Chaos ${count.index}"
  members      = [for i, u in harness_scim_user.u : u.id if i %% %d == count.index]
}
`, chaosUsers, chaosGroups, chaosGroups) + entraChainHCL("t", "entra_token", "Entra ID SCIM")
}

// chaosOps are the operations an apply (with its refreshes and imports)
// and a destroy of chaosConfig send, with the number of requests each
// sends at least once, so that a fault's Nth lands on a real request.
var (
	chaosApplyOps = map[string]int{
		mockserver.OpCreateUser: chaosUsers, mockserver.OpGetUser: chaosUsers, mockserver.OpCreateGroup: chaosGroups,
		mockserver.OpGetGroup: chaosGroups, mockserver.OpPatchGroup: 1, mockserver.OpCreateServiceAccount: 1,
		mockserver.OpGetServiceAccount: 1, mockserver.OpCreateAPIKey: 1, mockserver.OpGetAPIKey: 1,
		mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1, mockserver.OpRotateToken: 1,
	}
	chaosDestroyOps = map[string]int{
		mockserver.OpDeleteUser: chaosUsers, mockserver.OpGetUser: chaosUsers, mockserver.OpDeleteGroup: chaosGroups,
		mockserver.OpGetGroup: chaosGroups, mockserver.OpDeleteServiceAccount: 1, mockserver.OpDeleteAPIKey: 1,
		mockserver.OpDeleteToken: 1, mockserver.OpListTokens: 1,
	}
)

// injectChaos adds n faults drawn from rng on ops: a 429 (with
// Retry-After: 0 or none), a 500, 502 or 503 that leaves the store alone,
// or a connection dropped after the change was committed, each on one
// random request of its operation. It returns the handles.
func injectChaos(m *testMock, rng *rand.Rand, ops map[string]int, n int) []*mockserver.FaultHandle {
	names := slices.Sorted(func(yield func(string) bool) {
		for op := range ops {
			if !yield(op) {
				return
			}
		}
	})
	var out []*mockserver.FaultHandle
	for range n {
		op := names[rng.IntN(len(names))]
		f := mockserver.Fault{Op: op, Nth: 1 + rng.IntN(ops[op])}
		switch k := rng.IntN(6); k {
		case 0:
			f.Status, f.Body = http.StatusTooManyRequests, `{"status":"ERROR","code":"TOO_MANY_REQUESTS","message":"slow down"}`
			if rng.IntN(2) == 0 {
				f.Header = http.Header{"Retry-After": {"0"}}
			}
		case 1, 2, 3:
			f.Status = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[k-1]
		default:
			f.DropAfterCommit = true
		}
		out = append(out, m.InjectFault(f))
	}
	return out
}

func fired(handles []*mockserver.FaultHandle) int {
	n := 0
	for _, h := range handles {
		n += h.Fired()
	}
	return n
}

// chaosSeed is HARNESS_CHAOS_SEED, or a fixed seed so that make test is
// reproducible; the test logs it.
func chaosSeed(t *testing.T) uint64 {
	if v := os.Getenv("HARNESS_CHAOS_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("HARNESS_CHAOS_SEED=%q: %v", v, err)
		}
		return seed
	}
	return 20261127
}

// TestAccCLI_chaos applies chaosConfig (50 users, 5 groups of them, a
// service account, key and token) while the mock answers seeded random
// requests with 429, 5xx or a connection dropped after committing. The
// apply is repeated until it succeeds and the plan is empty, following the
// import commands of the errors (a create whose answer was dropped cannot
// prove it made the object: TestAccCLI_interruptedApplyRecovers), at most
// 8 times. Harness then holds every object exactly once, with the groups'
// members as configured. A destroy under new faults, repeated until it
// succeeds, leaves no orphan.
func TestAccCLI_chaos(t *testing.T) {
	cli := newTFCLI(t)
	// No pacing: the mock has no rate limit, and 950 requests a minute
	// would make the test last half a minute longer.
	cli.env = append(cli.env, envMaxRequestsPerMinute+"=0")
	m := newMock(t, mockserver.MustProfile("nextgen"))
	seed := chaosSeed(t)
	rng := rand.New(rand.NewPCG(seed, seed))
	cli.config(m, chaosConfig())
	applyFaults := injectChaos(m, rng, chaosApplyOps, 40)
	rounds, imported := cli.convergeUnderFaults(8)
	checkChaosStore(t, m)
	m.ClearFaults()
	destroyFaults := injectChaos(m, rng, chaosDestroyOps, 20)
	destroys := 0
	for ; destroys < 4; destroys++ {
		if out, err := cli.run("destroy", "-auto-approve", "-input=false"); err == nil {
			break
		} else {
			t.Logf("destroy %d failed:\n%s", destroys+1, errorsOf(out))
		}
	}
	if destroys == 4 {
		t.Fatal("destroy still fails after 4 tries")
	}
	orphans := len(m.Groups()) + len(m.ServiceAccounts()) + len(m.APIKeys()) + len(m.Tokens())
	for _, u := range m.Users() {
		if u.ID != mockserver.AdminUserID && u.Member && !u.Disabled {
			orphans++
		}
	}
	if orphans != 0 {
		t.Fatalf("%d objects left in Harness after destroy", orphans)
	}
	t.Logf("seed %d: %d of %d apply faults and %d of %d destroy faults fired; converged in %d applies with %d imports "+
		"(%v), destroyed in %d; %d requests; 0 orphans, 0 duplicates", seed, fired(applyFaults), len(applyFaults),
		fired(destroyFaults), len(destroyFaults), rounds, len(imported), imported, destroys+1, len(m.Requests()))
}

// checkChaosStore checks that Harness holds each configured object once:
// the users (besides the admin and nobody else), groups with exactly their
// members, one service account, key and working token.
func checkChaosStore(t *testing.T, m *testMock) {
	t.Helper()
	emails := map[string]string{}
	for _, u := range m.Users() {
		if u.ID == mockserver.AdminUserID {
			continue
		}
		if _, dup := emails[u.Email]; dup || !u.Member {
			t.Fatalf("user %s is duplicated or not an account member", u.Email)
		}
		emails[u.Email] = u.ID
	}
	if len(emails) != chaosUsers {
		t.Fatalf("Harness has %d users, want %d", len(emails), chaosUsers)
	}
	groups := m.Groups()
	if len(groups) != chaosGroups {
		t.Fatalf("Harness has %d groups, want %d", len(groups), chaosGroups)
	}
	for _, g := range groups {
		var want []string
		for i := range chaosUsers {
			if fmt.Sprintf("Chaos %d", i%chaosGroups) == g.Name {
				want = append(want, emails[fmt.Sprintf("chaos%d@example.com", i)])
			}
		}
		got := slices.Sorted(slices.Values(g.Members))
		if slices.Sort(want); !slices.Equal(got, want) {
			t.Fatalf("group %q has members %v, want %v", g.Name, got, want)
		}
	}
	live := 0
	for _, tok := range m.Tokens() {
		if tok.Valid(m.Now()) {
			live++
		}
	}
	if len(m.ServiceAccounts()) != 1 || len(m.APIKeys()) != 1 || live != 1 {
		t.Fatalf("Harness has %d service accounts, %d keys and %d working tokens, want one each",
			len(m.ServiceAccounts()), len(m.APIKeys()), live)
	}
}

// convergeUnderFaults applies until an apply succeeds and the plan after
// it is empty, at most rounds applies, following every import command the
// errors give (see applyFollowingImportHints); errors without one (retries
// used up) are simply retried. It returns the applies made and the
// addresses imported.
func (c *tfCLI) convergeUnderFaults(rounds int) (int, []string) {
	c.t.Helper()
	var imported []string
	for round := 1; round <= rounds; round++ {
		out, err := c.run("apply", "-auto-approve", "-input=false")
		if err == nil {
			if plan, perr := c.run("plan", "-detailed-exitcode", "-input=false"); perr == nil {
				return round, imported
			} else {
				c.t.Logf("the plan after apply %d is not empty (%v):\n%s", round, perr, plan)
			}
			continue
		}
		for _, b := range strings.Split(out, "Error: ")[1:] {
			with, hint := errorWith.FindStringSubmatch(b), importHint.FindStringSubmatch(strings.Join(strings.Fields(b), " "))
			if with == nil || hint == nil {
				c.t.Logf("apply %d: %s", round, strings.Join(strings.Fields(b), " "))
				continue
			}
			if iout, ierr := c.run("import", "-input=false", with[1], hint[2]); ierr != nil {
				c.t.Logf("import of %s failed, retried next round:\n%s", with[1], errorsOf(iout))
				continue
			}
			imported = append(imported, with[1])
		}
	}
	c.t.Fatalf("no clean apply after %d applies", rounds)
	return 0, nil
}

// errorsOf is the Error blocks of terraform's output, one line each.
func errorsOf(out string) string {
	var lines []string
	for _, b := range strings.Split(out, "Error: ")[1:] {
		lines = append(lines, "Error: "+strings.Join(strings.Fields(b), " "))
	}
	return strings.Join(lines, "\n")
}
