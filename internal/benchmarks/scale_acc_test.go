package benchmarks

import (
	"os"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestAccPlan1000Users50Groups is the scale benchmark made small enough
// for `make test`: a plan of 1,000 unchanged users and 50 groups of 20
// members against the rate-limited mock (1000/min, 80 ms). It asserts what
// the plan costs in requests, exactly, and that nothing was throttled;
// never wall time. The state is a small real apply cloned (prepare).
func TestAccPlan1000Users50Groups(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	f := fleet{users: 1000, groups: 50, members: 20}
	m := newBenchMock(t, harnessLimits())
	pr := prepare(t, harnessKind(m.url, m.AccountID(), m.Token(), ""), f, buildPlugin(t, ".", harnessAddress), m)
	pr.planOnce() // fails unless the plan is empty

	// batch_refresh = "auto": 20 GETs per family, then one listing: users
	// in two pages (1,000 rows, then NextGen's empty last page), groups in
	// one (50 rows, a short page ends a group search).
	want := map[string]int{
		mockserver.OpGetUser: 20, mockserver.OpSearchUsers: 2,
		mockserver.OpGetGroup: 20, mockserver.OpSearchGroups: 1,
	}
	if got, w := mockserver.CountsString(m.Counts()), mockserver.CountsString(want); got != w {
		t.Errorf("the plan sent %s, want %s", got, w)
	}
	if n := m.RateLimited(); n != 0 {
		t.Errorf("the plan got %d 429s", n)
	}
}
