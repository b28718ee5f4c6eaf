package benchmarks

import (
	"net/http/httptest"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// benchMock is the mock Harness a benchmark talks to, in process.
type benchMock struct {
	*mockserver.Server
	url string
}

func newBenchMock(tb testing.TB, opts mockserver.Options) *benchMock {
	tb.Helper()
	srv := mockserver.New(opts)
	hs := httptest.NewServer(srv)
	tb.Cleanup(hs.Close)
	return &benchMock{Server: srv, url: hs.URL}
}

// requests is the number of requests since the last ResetRequests.
func (m *benchMock) requests() int {
	n := 0
	for _, c := range m.Counts() {
		n += c
	}
	return n
}

// throttled is how many 429s the mock answered since the last
// ResetRequests (0 for baselines).
func (pr *prepared) throttled() int {
	if pr.mock == nil {
		return 0
	}
	return pr.mock.RateLimited()
}

// prepared is a working directory whose state holds a whole fleet, as if
// it had been applied, and whose configuration matches it.
type prepared struct {
	tb     testing.TB
	kind   kind
	fleet  fleet
	wd     *workdir
	plugin plugin
	mock   *benchMock // nil for baselines
}

// prepare builds the working directory of fleet f for kind k. For the
// Harness provider the mock already holds the users and groups; the
// template is applied through the provider (which adopts the seeded users),
// the rest of the state is cloned from it.
func prepare(tb testing.TB, k kind, f fleet, p plugin, m *benchMock) *prepared {
	tb.Helper()
	pr := &prepared{tb: tb, kind: k, fleet: f, wd: newWorkdir(tb), plugin: p, mock: m}
	userIDs := make([]string, f.users)
	if m != nil {
		for i := range userIDs {
			userIDs[i] = m.SeedUser(mockserver.UserSpec{Email: f.userKey(i), DisplayName: "User " + f.userKey(i)}).ID
		}
	}

	t := f.template()
	pr.wd.write("main.tf", k.config(t, nil))
	pr.withPlugin(func(reattach string) {
		pr.wd.mustTerraform(reattach, "init", "-input=false")
		pr.wd.mustTerraform(reattach, "apply", "-input=false", "-auto-approve", "-lock=false")
	})

	sf := readState(tb, pr.wd.path("terraform.tfstate"))
	for i := range t.users {
		_, userIDs[i] = sf.template(k.userType, "u", f.userKey(i))
	}
	for i := t.users; i < f.users; i++ {
		if userIDs[i] == "" {
			userIDs[i] = pr.newID()
		}
	}
	tmpl, tmplID := sf.template(k.userType, "u", f.userKey(0))
	var clones []clone
	for i := t.users; i < f.users; i++ {
		clones = append(clones, clone{pairs: []string{f.userKey(0), f.userKey(i), tmplID, userIDs[i]}})
	}
	sf.add(k.userType, "u", tmpl, clones)

	if f.groups > 0 {
		tmpl, tmplID := sf.template(k.groupType, "g", f.groupKey(0))
		clones = clones[:0]
		for g := t.groups; g < f.groups; g++ {
			members := make([]string, f.members)
			pairs := []string{f.groupKey(0), f.groupKey(g)}
			for j := range members {
				members[j] = userIDs[f.member(g, j)]
				pairs = append(pairs, userIDs[f.member(0, j)], members[j])
			}
			gid := pr.newID()
			if m != nil {
				gid = m.SeedGroup(mockserver.GroupSpec{Name: f.groupKey(g), Members: members}).ID
			}
			if tmplID != gid {
				pairs = append(pairs, tmplID, gid)
			}
			clones = append(clones, clone{pairs: pairs})
		}
		sf.add(k.groupType, "g", tmpl, clones)
	}
	sf.save()
	pr.wd.write("main.tf", k.config(f, userIDs))
	return pr
}

// newID is the id of an object that only exists in state.
func (pr *prepared) newID() string {
	if pr.kind.userType == "terraform_data" {
		return newUUID()
	}
	return "noop"
}

// withPlugin runs f with the kind's provider served, if it has one.
func (pr *prepared) withPlugin(f func(reattach string)) int64 {
	if !pr.kind.reattached {
		f("")
		return 0
	}
	s := pr.plugin.serve(pr.tb)
	stopped := false
	defer func() {
		if !stopped { // f failed the benchmark: never leave the provider running
			s.stop(pr.tb)
		}
	}()
	f(s.reattach)
	stopped = true
	return s.stop(pr.tb)
}
