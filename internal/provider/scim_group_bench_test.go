package provider

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// benchT lets a benchmark drive terraform-plugin-testing, whose T needs a
// Parallel method that *testing.B lacks.
type benchT struct{ *testing.B }

func (benchT) Parallel() {}

// setupBenchTerraform points terraform-plugin-testing at the terraform on
// PATH (it must never download one) with an empty CLI configuration, as
// TestMain does for TF_ACC runs, so `go test -bench` works without TF_ACC.
func setupBenchTerraform(b *testing.B) {
	b.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			b.Fatal("this benchmark runs the terraform CLI, which must be on PATH or in TF_ACC_TERRAFORM_PATH; it is never downloaded")
		}
	}
	cliConfig := filepath.Join(b.TempDir(), "terraformrc")
	if err := os.WriteFile(cliConfig, []byte("# empty\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Setenv("TF_ACC", "1")
	b.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	b.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	b.Setenv("CHECKPOINT_DISABLE", "1")
}

// BenchmarkSCIMGroup5000Members creates a group of 5,000 members with real
// terraform against the mock, refreshes it, and swaps 250 members in one
// apply, then repairs 100 members removed out of band. Every step also
// checks that the next plan is empty (no perpetual diff), and the request
// counts are asserted exactly: create 1, refresh 1, update and drift repair
// 2 beyond the plan's refresh. Custom metrics report the wall time of each
// phase (terraform plan + apply, in ms) and its requests.
func BenchmarkSCIMGroup5000Members(b *testing.B) {
	const size, swap = 5000, 250
	setupBenchTerraform(b)
	var createMS, refreshMS, updateMS, driftMS float64
	var createReqs, refreshReqs, updateReqs, driftReqs int
	for b.Loop() {
		m := benchMock(b)
		users := m.seedUsers(size + swap)
		before, after := users[:size], users[swap:]
		var id string
		var start time.Time
		begin := func() { m.reset(); start = time.Now() }
		elapsed := func(into *float64, reqs *int, want map[string]int) resource.TestCheckFunc {
			return func(s *terraform.State) error {
				*into += float64(time.Since(start).Milliseconds())
				for _, n := range want {
					*reqs += n
				}
				return m.expectCounts(want)(s)
			}
		}
		resource.Test(benchT{b}, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&id),
			Steps: []resource.TestStep{
				{
					PreConfig: begin,
					Config:    m.config(groupConfig("Everyone", before)),
					Check: resource.ComposeAggregateTestCheckFunc(
						elapsed(&createMS, &createReqs, map[string]int{mockserver.OpCreateGroup: 1}),
						captureAttr(groupAddr, "id", &id),
						func(s *terraform.State) error { return m.expectGroup(&id, "Everyone", before...)(s) },
					),
				},
				{
					PreConfig:    begin,
					RefreshState: true,
					Check:        elapsed(&refreshMS, &refreshReqs, map[string]int{mockserver.OpGetGroup: 1}),
				},
				{
					PreConfig: begin,
					Config:    m.config(groupConfig("Everyone", after)),
					Check: resource.ComposeAggregateTestCheckFunc(
						elapsed(&updateMS, &updateReqs, map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}),
						func(s *terraform.State) error { return m.expectGroup(&id, "Everyone", after...)(s) },
					),
				},
				{
					PreConfig: func() {
						if err := m.UpdateGroup(id, func(g *mockserver.Group) { g.Members = g.Members[100:] }); err != nil {
							b.Fatal(err)
						}
						begin()
					},
					Config: m.config(groupConfig("Everyone", after)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						elapsed(&driftMS, &driftReqs, map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}),
						func(s *terraform.State) error { return m.expectGroup(&id, "Everyone", after...)(s) },
					),
				},
			},
		})
	}
	n := float64(b.N)
	b.ReportMetric(createMS/n, "create-ms/op")
	b.ReportMetric(refreshMS/n, "refresh-ms/op")
	b.ReportMetric(updateMS/n, "update-ms/op")
	b.ReportMetric(driftMS/n, "drift-ms/op")
	b.ReportMetric(float64(createReqs)/n, "create-requests/op")
	b.ReportMetric(float64(refreshReqs)/n, "refresh-requests/op")
	b.ReportMetric(float64(updateReqs)/n, "update-requests/op")
	b.ReportMetric(float64(driftReqs)/n, "drift-requests/op")
}

// benchMock is newMock for benchmarks.
func benchMock(b *testing.B) *testMock {
	b.Helper()
	srv := mockserver.New(mockserver.Options{Profile: mockserver.MustProfile(mockserver.DefaultProfile)})
	hs := httptest.NewServer(srv)
	b.Cleanup(hs.Close)
	return &testMock{Server: srv, URL: hs.URL}
}
