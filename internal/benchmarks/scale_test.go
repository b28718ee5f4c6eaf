package benchmarks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// The scale scenarios of issue 7: a whole directory against a Harness with
// its real limits (the mock's gateway: 1000 requests per minute per API
// key, 80 ms per answer), each beside its baseline in the same run.

// harnessLimits is Harness SaaS as the mock plays it (docs/design/harness-api.md 6.3).
func harnessLimits() mockserver.Options {
	return mockserver.Options{
		RateLimit: mockserver.RateLimit{Requests: 1000, Window: time.Minute},
		Latency:   80 * time.Millisecond,
	}
}

// perResource is the provider setting that reads every object with its own
// GET, as before batched refresh.
const perResource = "  batch_refresh = \"never\"\n"

// BenchmarkRefresh10000Users500Groups: a plan (refresh, no changes) of
// 10,000 users and 500 groups of 20 members against the rate-limited mock,
// beside 10,500 terraform_data (Terraform core's own cost) and 10,500
// resources of the no-op provider (the plugin floor, also for memory).
// Groups list their members' ids, as terraform query writes them for an
// adopted account; a pair at a fifth of the size has them by reference.
// Targets: at most 1.3x terraform_data, at most 300 requests, no 429, the
// provider under 200 MB. Per-resource
// reads of the same directory are measured at a tenth of its size (1,000
// users, 50 groups: over a minute of requests at the limit) and
// extrapolated tenfold: their requests are one per object, and their wall
// time is bound by the request budget (about 63 s per 1,000 objects at
// 950 a minute), both linear in the objects.
func BenchmarkRefresh10000Users500Groups(b *testing.B) {
	full := directoryFleet(b)
	tenth := fleet{users: full.users / 10, groups: full.groups / 10, members: full.members}
	harness := buildPlugin(b, ".", harnessAddress)
	noop := buildPlugin(b, "./internal/benchmarks/noopprovider", "registry.terraform.io/bench/noop")
	const scenario = "refresh, rate-limited 1000/min + 80ms"
	for b.Loop() {
		// One round, each subject recorded (and printed) as soon as it is
		// measured: a plan of 10,500 objects takes minutes.
		m := newBenchMock(b, harnessLimits())
		batched := prepare(b, harnessKind(m.url, m.AccountID(), m.Token(), ""), full, harness, m)
		planRounds(b, scenario, "<=1.3x terraform_data, <=300 requests, 0 429s", 1, batched)
		expectCheapAndClean(b, m, 300)
		printLast()
		data := prepare(b, terraformDataKind(), full, plugin{}, nil)
		planRounds(b, scenario, "", 1, data)
		printLast()
		// The plugin floor, for time and for memory: what any framework
		// provider holding this directory costs.
		floor := prepare(b, noopKind(), full, noop, nil)
		planRounds(b, scenario, "", 1, floor)
		printLast()

		slow := newBenchMock(b, harnessLimits())
		never := prepare(b, harnessKind(slow.url, slow.AccountID(), slow.Token(), perResource), tenth, harness, slow)
		never.kind.name = "harness, batch_refresh=never"
		d, reqs, rss := never.planOnce()
		measured := result{scenario: scenario, subject: never.kind.name, fleet: tenth.String(), wall: d,
			requests: reqs, throttle: never.throttled(), peakRSS: rss}
		record(b, measured)
		printLast()
		scale := full.objects() / tenth.objects()
		record(b, result{scenario: scenario, subject: fmt.Sprintf("%s (x%d, extrapolated)", never.kind.name, scale),
			fleet: full.String(), wall: time.Duration(scale) * d, requests: scale * reqs, throttle: scale * measured.throttle})

		// Members by reference, as a hand-written configuration has them:
		// Terraform core's plan grows with groups x users (at 10,000 users
		// it takes tens of minutes, provider or not), so this pair runs at
		// a fifth of the directory.
		fifth := fleet{users: full.users / 5, groups: full.groups / 5, members: full.members, byReference: true}
		rm := newBenchMock(b, harnessLimits())
		planRounds(b, scenario+", members by reference", "<=1.3x terraform_data", 1,
			prepare(b, harnessKind(rm.url, rm.AccountID(), rm.Token(), ""), fifth, harness, rm),
			prepare(b, terraformDataKind(), fifth, plugin{}, nil))
		printLast()
	}
}

// printLast prints the last recorded row at once, for long runs (the
// table comes at the end).
func printLast() {
	resultsMu.Lock()
	defer resultsMu.Unlock()
	if len(results) == 0 {
		return
	}
	r := results[len(results)-1]
	fmt.Printf("measured: %s | %s | %s | %.1f s | %d requests | %d 429s | %.0f MB\n",
		r.scenario, r.subject, r.fleet, r.wall.Seconds(), r.requests, r.throttle, float64(r.peakRSS)/(1<<20))
}

// expectCheapAndClean fails the benchmark when the last plan against m
// needed more than limit requests or got a 429: both are deterministic
// properties of the provider, unlike wall time.
func expectCheapAndClean(b *testing.B, m *benchMock, limit int) {
	b.Helper()
	if n := m.requests(); n > limit {
		b.Errorf("the plan sent %d requests, over the target of %d: %s", n, limit, mockserver.CountsString(m.Counts()))
	}
	if n := m.RateLimited(); n != 0 {
		b.Errorf("the plan got %d 429s", n)
	}
}

// BenchmarkApply2000Users: an apply creating 2,000 users against the
// rate-limited mock. Target: no failure, no 429, at most 1.15x the floor
// the rate limit sets (2,000 requests at 1,000 a minute: 120 s), which is a
// row of its own; 2,000 terraform_data created in the same run are core's
// share.
func BenchmarkApply2000Users(b *testing.B) {
	f := fleet{users: 2000}
	harness := buildPlugin(b, ".", harnessAddress)
	const scenario = "apply, rate-limited 1000/min + 80ms"
	for b.Loop() {
		m := newBenchMock(b, harnessLimits())
		got := applyFresh(b, harnessKind(m.url, m.AccountID(), m.Token(), ""), f, harness, m)
		got.scenario, got.target = scenario, "0 failures, 0 429s, <=1.15x the floor"
		for i := range f.users {
			if u, ok := m.UserByEmail(f.userKey(i)); !ok || !u.Member {
				got.failed++
			}
		}
		if got.failed > 0 || got.throttle > 0 {
			b.Errorf("apply: %d users missing, %d 429s", got.failed, got.throttle)
		}
		record(b, got)
		printLast()
		base := applyFresh(b, terraformDataKind(), f, plugin{}, nil)
		base.scenario = scenario
		record(b, base)
		printLast()
		record(b, result{scenario: scenario, subject: "rate-limit floor", fleet: f.String(),
			wall: time.Duration(f.users) * time.Minute / 1000, requests: f.users})
	}
}

// applyFresh applies fleet f of kind k from an empty state, timing the
// apply alone (init is not counted).
func applyFresh(b *testing.B, k kind, f fleet, p plugin, m *benchMock) result {
	b.Helper()
	pr := &prepared{tb: b, kind: k, fleet: f, wd: newWorkdir(b), plugin: p, mock: m}
	pr.wd.write("main.tf", k.config(f, nil))
	var d time.Duration
	rss := pr.withPlugin(func(reattach string) {
		pr.wd.mustTerraform(reattach, "init", "-input=false")
		if m != nil {
			m.ResetRequests()
		}
		d, _ = pr.wd.mustTerraform(reattach, "apply", "-input=false", "-auto-approve", "-lock=false")
	})
	reqs := -1
	if m != nil {
		reqs = m.requests()
	}
	return result{subject: k.name, fleet: f.String(), wall: d, requests: reqs, throttle: pr.throttled(), peakRSS: rss}
}

// BenchmarkProfilePlan1000Users profiles the provider through a plan of
// 1,000 unchanged users without latency or rate limit (the scenario of
// BenchmarkPlan1000Users) and prints where its CPU time goes. The provider
// is built with -tags benchprofile, which only this benchmark uses (see
// profile_benchprofile.go at the module root); the profile is kept in
// $TMPDIR for `go tool pprof`.
func BenchmarkProfilePlan1000Users(b *testing.B) {
	f := fleet{users: 1000}
	profiled := buildPluginTags(b, ".", harnessAddress, "benchprofile")
	profile := filepath.Join(os.TempDir(), "harness-provider-plan1000.cpu.pprof")
	heap := filepath.Join(os.TempDir(), "harness-provider-plan1000.heap.pprof")
	profiled.env = []string{"HARNESS_PROVIDER_CPUPROFILE=" + profile, "HARNESS_PROVIDER_MEMPROFILE=" + heap}
	for b.Loop() {
		m := newBenchMock(b, mockserver.Options{})
		pr := prepare(b, harnessKind(m.url, m.AccountID(), m.Token(), ""), f, profiled, m)
		pr.kind.name = "harness (profiled)"
		planRounds(b, "plan, provider CPU profile", "see the profile", 1, pr)
	}
	// Printed, not logged: go test cuts a benchmark's log to a few lines.
	for _, view := range []struct {
		what, file string
		args       []string
	}{
		{"CPU, cumulative", profile, []string{"-cum"}},
		{"CPU, the provider's own code", profile, []string{"-cum", "-focus=terraform-provider-harness/internal"}},
		{"memory allocated", heap, []string{"-sample_index=alloc_space"}},
		{"memory in use at exit", heap, []string{"-sample_index=inuse_space"}},
	} {
		args := append([]string{"tool", "pprof", "-top", "-nodecount=25"}, view.args...)
		top, err := exec.CommandContext(context.Background(), "go", append(args, profiled.bin, view.file)...).CombinedOutput()
		if err != nil {
			b.Fatalf("go tool pprof: %v\n%s", err, top)
		}
		fmt.Printf("\n--- provider profile of the last plan, %s (%s):\n%s", view.what, view.file, top)
	}
}
