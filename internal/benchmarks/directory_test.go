package benchmarks

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// The harness_scim_directory benchmarks (issue 12): a whole directory as
// one resource against the rate-limited mock (1000 requests per minute,
// 80 ms per request), with the provider's default budget.
//
//   - import of the directory;
//   - a plan with no changes, side by side with the same directory as
//     per-user resources at 1,000 users and as 10,500 terraform_data;
//   - an apply changing 100 users and 10 groups, which must send exactly
//     100 user writes and 10 PATCHes.
//
// HARNESS_BENCH_USERS scales the directory down for a quick run
// (groups scale with it: one group of 20 per 20 users).

// directoryAddress is the resource the benchmarks manage.
const directoryAddress = "harness_scim_directory.d"

// directoryFleet is the benchmarks' directory: 10,000 users and 500
// groups of 20 unless HARNESS_BENCH_USERS says otherwise (the refresh
// benchmark's fleet too).
func directoryFleet(tb testing.TB) fleet {
	tb.Helper()
	f := fleet{users: 10000, groups: 500, members: 20}
	if v := os.Getenv("HARNESS_BENCH_USERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 40 {
			tb.Fatalf("HARNESS_BENCH_USERS=%q: want a number of users, at least 40", v)
		}
		f.users, f.groups = n, n/20
	}
	return f
}

// rateLimitedMock is the mock as Harness SaaS looks from a client: Cloud
// Armor's 1000 requests per minute per key and 80 ms per request.
func rateLimitedMock(tb testing.TB) *benchMock {
	tb.Helper()
	limit, err := mockserver.ParseRateLimit("1000/min")
	if err != nil {
		tb.Fatal(err)
	}
	return newBenchMock(tb, mockserver.Options{RateLimit: limit, Latency: 80 * time.Millisecond})
}

// directoryConfig is f as one harness_scim_directory, built with for
// expressions as a configuration fed from a data source is; the first
// changedUsers users get another display name and the first changedGroups
// groups lose their last member.
func directoryConfig(m *benchMock, f fleet, changedUsers, changedGroups int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    harness = { source = "harness-scim/harness" }
  }
}

provider "harness" {
  endpoint        = %[1]q
  account_id      = %[2]q
  api_key         = %[3]q
  scim_generation = "nextgen"
}

resource "harness_scim_directory" "d" {
  users = merge([for a in range(ceil(%[4]d / 500)) : {
    for b in range(min(500, %[4]d - a * 500)) : format("user%%05d@example.com", a * 500 + b) => {
      display_name = format(a * 500 + b < %[7]d ? "Renamed user%%05d@example.com" : "User user%%05d@example.com", a * 500 + b)
    }
  }]...)
  groups = { for g in range(%[5]d) : format("group%%03d", g) => {
    members = [for j in range(g < %[8]d ? %[6]d - 1 : %[6]d) : format("user%%05d@example.com", (g * %[6]d + j) %% %[4]d)]
  } }
}
`, m.url, m.AccountID(), m.Token(), f.users, f.groups, f.members, changedUsers, changedGroups)
}

// directoryBench is a workdir managing a seeded directory.
type directoryBench struct {
	tb     testing.TB
	f      fleet
	m      *benchMock
	wd     *workdir
	plugin plugin
}

// newDirectoryBench seeds a rate-limited mock with f (as fleet_test.go
// names users and groups) and initialises a workdir configured for it.
func newDirectoryBench(tb testing.TB, f fleet, p plugin) *directoryBench {
	tb.Helper()
	d := &directoryBench{tb: tb, f: f, m: rateLimitedMock(tb), wd: newWorkdir(tb), plugin: p}
	ids := make([]string, f.users)
	for i := range ids {
		ids[i] = d.m.SeedUser(mockserver.UserSpec{Email: f.userKey(i), DisplayName: "User " + f.userKey(i)}).ID
	}
	for g := range f.groups {
		members := make([]string, f.members)
		for j := range members {
			members[j] = ids[f.member(g, j)]
		}
		d.m.SeedGroup(mockserver.GroupSpec{Name: f.groupKey(g), Members: members})
	}
	d.wd.write("main.tf", directoryConfig(d.m, f, 0, 0))
	d.run("init", "-input=false")
	return d
}

// run runs one terraform command with the provider served, failing the
// benchmark on error (and on a plan with changes), and returns its wall
// time, the requests Harness got, the 429s among them and the provider's
// peak memory.
func (d *directoryBench) run(args ...string) (wall time.Duration, requests, throttled int, peak int64) {
	d.tb.Helper()
	d.m.ResetRequests()
	s := d.plugin.serve(d.tb)
	wall, out, err := d.wd.terraform(s.reattach, args...)
	peak = directoryPeakRSS(s.cmd.Process.Pid)
	s.stop(d.tb)
	if err != nil {
		d.tb.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out, 60))
	}
	return wall, d.m.requests(), d.m.RateLimited(), peak
}

// importDirectory imports the directory, as its first adoption does.
func (d *directoryBench) importDirectory() result {
	wall, reqs, thr, peak := d.run("import", "-input=false", "-lock=false", directoryAddress, d.m.AccountID())
	return result{subject: "harness directory", fleet: d.f.String(), wall: wall, requests: reqs, throttle: thr, peakRSS: peak}
}

// directoryPeakRSS is a live process's VmHWM in bytes, 0 without /proc.
// The rusage of an exited provider is not used: Linux carries the peak of
// the process that started it (the benchmark) into it.
func directoryPeakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// BenchmarkDirectoryImport: the first import of the directory. Target: a
// listing (about a dozen requests), no 429, provider under 300 MB.
func BenchmarkDirectoryImport(b *testing.B) {
	f := directoryFleet(b)
	harness := buildPlugin(b, ".", harnessAddress)
	for b.Loop() {
		d := newDirectoryBench(b, f, harness)
		r := d.importDirectory()
		r.scenario, r.target = "directory import, 1000/min, 80 ms", "<=300 requests, <300 MB"
		record(b, r)
	}
}

// BenchmarkDirectoryPlan: a no-change plan of the directory, side by side
// with the same directory as per-user resources at 1,000 users (50 groups
// of 20) and as terraform_data objects, one each. Target: under 30 s, at
// most 300 requests, provider under 300 MB.
func BenchmarkDirectoryPlan(b *testing.B) {
	f := directoryFleet(b)
	harness := buildPlugin(b, ".", harnessAddress)
	for b.Loop() {
		d := newDirectoryBench(b, f, harness)
		d.importDirectory()
		wall, reqs, thr, peak := d.run("plan", "-input=false", "-lock=false", "-detailed-exitcode")
		scenario := "plan, no changes, 1000/min, 80 ms"
		record(b, result{scenario: scenario, subject: "harness directory", fleet: f.String(), wall: wall,
			requests: reqs, throttle: thr, peakRSS: peak, target: "<30 s, <=300 requests, <300 MB"})

		m := rateLimitedMock(b)
		perUser := prepare(b, harnessKind(m.url, m.AccountID(), m.Token(), ""), fleet{users: 1000, groups: 50, members: 20}, harness, m)
		pw, preqs, prss := perUser.planOnce()
		record(b, result{scenario: scenario, subject: "harness per-user resources", fleet: perUser.fleet.String(), wall: pw,
			requests: preqs, throttle: m.RateLimited(), peakRSS: prss})

		data := prepareDataDirectory(b, f)
		dw, _, _ := data.planOnce()
		record(b, result{scenario: scenario, subject: "terraform_data", fleet: f.String(), wall: dw, requests: -1})
	}
}

// BenchmarkDirectoryApply: an apply changing the display names of 100
// users and the members of 10 groups. Target: exactly 100 user writes and
// 10 PATCHes (besides the refresh's listing), no 429.
func BenchmarkDirectoryApply(b *testing.B) {
	f := directoryFleet(b)
	harness := buildPlugin(b, ".", harnessAddress)
	for b.Loop() {
		d := newDirectoryBench(b, f, harness)
		d.importDirectory()
		d.wd.write("main.tf", directoryConfig(d.m, f, 100, 10))
		wall, reqs, thr, peak := d.run("apply", "-input=false", "-lock=false", "-auto-approve")
		writes := map[string]int{}
		for _, r := range d.m.Requests() {
			if r.Method != "GET" && !r.RateLimited {
				writes[r.Op]++
			}
		}
		want := map[string]int{mockserver.OpReplaceUser: 100, mockserver.OpPatchGroup: 10}
		if mockserver.CountsString(writes) != mockserver.CountsString(want) {
			b.Fatalf("the apply sent %s; want exactly %s", mockserver.CountsString(writes), mockserver.CountsString(want))
		}
		record(b, result{scenario: "apply of 100 users + 10 groups, 1000/min, 80 ms", subject: "harness directory",
			fleet: f.String(), wall: wall, requests: reqs, throttle: thr, peakRSS: peak,
			target: "exactly 100 user writes + 10 PATCHes"})
	}
}

// prepareDataDirectory is f as terraform_data objects, users holding their
// name and groups their members' ids, planned without changes: Terraform
// core's own cost for the same directory as per-object resources. A small
// template is applied for real and its state cloned, since applying 10,500
// objects takes Terraform over ten minutes.
func prepareDataDirectory(tb testing.TB, f fleet) *prepared {
	tb.Helper()
	pr := &prepared{tb: tb, kind: kind{name: "terraform_data"}, fleet: f, wd: newWorkdir(tb)}
	t := f.template()
	pr.wd.write("main.tf", dataDirectoryConfig(t, nil))
	pr.wd.mustTerraform("", "init", "-input=false")
	pr.wd.mustTerraform("", "apply", "-input=false", "-auto-approve", "-lock=false")
	sf := readState(tb, pr.wd.path("terraform.tfstate"))
	ids := make([]string, f.users)
	for i := range t.users {
		_, ids[i] = sf.template("terraform_data", "u", f.userKey(i))
	}
	tmpl, tmplID := sf.template("terraform_data", "u", f.userKey(0))
	var clones []clone
	for i := t.users; i < f.users; i++ {
		ids[i] = newUUID()
		clones = append(clones, clone{pairs: []string{f.userKey(0), f.userKey(i), tmplID, ids[i],
			`"User 0"`, fmt.Sprintf(`"User %d"`, i)}})
	}
	sf.add("terraform_data", "u", tmpl, clones)
	gtmpl, gid := sf.template("terraform_data", "g", f.groupKey(0))
	clones = clones[:0]
	for g := t.groups; g < f.groups; g++ {
		pairs := []string{f.groupKey(0), f.groupKey(g), gid, newUUID()}
		for j := range f.members {
			pairs = append(pairs, ids[f.member(0, j)], ids[f.member(g, j)])
		}
		clones = append(clones, clone{pairs: pairs})
	}
	sf.add("terraform_data", "g", gtmpl, clones)
	sf.save()
	pr.wd.write("main.tf", dataDirectoryConfig(f, ids))
	return pr
}

// dataDirectoryConfig is f as terraform_data, written like directoryConfig:
// groups list their members' ids (userIDs), or with userIDs nil refer to
// the user resources.
func dataDirectoryConfig(f fleet, userIDs []string) string {
	members := fmt.Sprintf("[for j in range(%[3]d) : terraform_data.u[format(\"user%%05d@example.com\", (each.value * %[3]d + j) %% %[1]d)].id]",
		f.users, f.groups, f.members)
	var literal strings.Builder
	if userIDs != nil {
		members = "local.group_members[each.key]"
		all := f.groupMembers(userIDs)
		literal.WriteString("\nlocals {\n  group_members = {\n")
		for g := range f.groups {
			fmt.Fprintf(&literal, "    %q = [%s]\n", f.groupKey(g), quoteAll(all[f.groupKey(g)]))
		}
		literal.WriteString("  }\n}\n")
	}
	return literal.String() + fmt.Sprintf(`locals {
  users = merge([for a in range(ceil(%[1]d / 500)) : {
    for b in range(min(500, %[1]d - a * 500)) : format("user%%05d@example.com", a * 500 + b) => format("User %%d", a * 500 + b)
  }]...)
}

resource "terraform_data" "u" {
  for_each = local.users
  input    = { user_name = each.key, display_name = each.value }
}

resource "terraform_data" "g" {
  for_each = { for g in range(%[2]d) : format("group%%03d", g) => g }
  input = {
    display_name = each.key
    members      = %[4]s
  }
}
`, f.users, f.groups, f.members, members)
}
