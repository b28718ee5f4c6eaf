package benchmarks

import (
	"slices"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const harnessAddress = "registry.terraform.io/harness-scim/harness"

// planOnce runs `terraform plan -detailed-exitcode` and fails unless the
// plan is empty: every benchmark plan is a refresh of an unchanged fleet.
func (pr *prepared) planOnce() (time.Duration, int, int64) {
	pr.tb.Helper()
	if pr.mock != nil {
		pr.mock.ResetRequests()
	}
	var d time.Duration
	var out string
	var err error
	rss := pr.withPlugin(func(reattach string) {
		d, out, err = pr.wd.terraform(reattach, "plan", "-input=false", "-lock=false", "-detailed-exitcode")
	})
	if err != nil {
		pr.tb.Fatalf("%s: plan of %s: %v\n%s", pr.kind.name, pr.fleet, err, tail(out, 60))
	}
	reqs := -1
	if pr.mock != nil {
		reqs = pr.mock.requests()
	}
	return d, reqs, rss
}

// planRounds plans every subject rounds times, interleaved (A B C A B C ...)
// so that a machine that slows down mid-run affects them alike, and records
// each subject's median wall time.
func planRounds(b *testing.B, scenario, target string, rounds int, subjects ...*prepared) {
	b.Helper()
	walls := make([][]time.Duration, len(subjects))
	last := make([]result, len(subjects))
	for range rounds {
		for i, pr := range subjects {
			d, reqs, rss := pr.planOnce()
			walls[i] = append(walls[i], d)
			last[i] = result{scenario: scenario, subject: pr.kind.name, fleet: pr.fleet.String(),
				requests: reqs, throttle: pr.throttled(), peakRSS: max(last[i].peakRSS, rss)}
		}
	}
	for i := range subjects {
		slices.Sort(walls[i])
		last[i].wall = walls[i][len(walls[i])/2]
		if i == 0 {
			last[i].target = target
		}
		record(b, last[i])
	}
}

// BenchmarkPlan1000Users: a plan of 1,000 unchanged users without latency
// or rate limit, against the core floor (1,000 terraform_data) and the
// plugin floor (1,000 resources of a no-op framework provider). Target:
// within 1.2x of the plugin floor.
func BenchmarkPlan1000Users(b *testing.B) {
	f := fleet{users: 1000}
	harness := buildPlugin(b, ".", harnessAddress)
	noop := buildPlugin(b, "./internal/benchmarks/noopprovider", "registry.terraform.io/bench/noop")
	for b.Loop() {
		m := newBenchMock(b, mockserver.Options{})
		planRounds(b, "plan, no latency or limit", "<=1.2x noop", 3,
			prepare(b, harnessKind(m.url, m.AccountID(), m.Token(), ""), f, harness, m),
			prepare(b, terraformDataKind(), f, plugin{}, nil),
			prepare(b, noopKind(), f, noop, nil),
		)
	}
}
