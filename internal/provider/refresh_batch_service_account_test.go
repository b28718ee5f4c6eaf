package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// saFleet is a configuration of account-scope service accounts a[i] and
// service accounts o[i] of organization "default", named with prefix.
type saFleet struct {
	account, org int
	prefix       string
}

func (f saFleet) config(m *testMock, mode string) string {
	return batchProviderConfig(m, mode) + fmt.Sprintf(`
resource "harness_service_account" "a" {
  count      = %[1]d
  identifier = "batch_sa_${count.index}"
  name       = "%[3]s ${count.index}"
  email      = "batch_sa_${count.index}@service.harness.io"
}

resource "harness_service_account" "o" {
  count      = %[2]d
  org_id     = "default"
  identifier = "batch_org_sa_${count.index}"
  name       = "%[3]s org ${count.index}"
  email      = "batch_org_sa_${count.index}@service.harness.io"
}
`, f.account, f.org, f.prefix)
}

// Service accounts are batched per scope: a scope read more than
// batchThreshold times is listed once; a scope read less costs its GETs;
// the state refreshed from listings is the state refreshed by GETs; an
// account deleted outside Terraform is confirmed by its GET and planned
// for creation again.
func TestAccBatchedRefresh_serviceAccounts(t *testing.T) {
	t.Parallel()
	m := newMock(t, mockserver.MustProfile("nextgen"))
	f := saFleet{account: 25, org: 3, prefix: "Before"}
	drifted := f
	drifted.prefix = "Drifted"
	var viaGET, viaListing map[string]map[string]string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: f.config(m, "")},
			{
				// auto: the account scope's 25 reads are 20 GETs and one
				// listing (one page); the organization's 3 are GETs.
				PreConfig:    m.reset,
				RefreshState: true,
				Check: m.expectCounts(map[string]int{
					mockserver.OpGetServiceAccount: batchThreshold + 3, mockserver.OpListServiceAccountAggregates: 1,
				}),
			},
			{
				// Someone renames every service account in Harness; never:
				// one GET each.
				PreConfig: func() {
					for _, sa := range m.ServiceAccounts() {
						_ = m.UpdateServiceAccount(sa.Scope, sa.Identifier, func(sa *mockserver.ServiceAccount) {
							sa.Name = strings.Replace(sa.Name, "Before", "Drifted", 1)
						})
					}
					m.reset()
				},
				Config:             f.config(m, "never"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig:          m.reset,
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 28}), snapshot(&viaGET)),
			},
			// The configuration takes the new names; always: one listing
			// per scope, no GET.
			{Config: drifted.config(m, "always")},
			{
				PreConfig:    m.reset,
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpListServiceAccountAggregates: 2}), snapshot(&viaListing),
					func(*terraform.State) error { return sameSnapshots(viaGET, viaListing) }),
			},
			{
				// Deleted outside Terraform: missing from the listing, read
				// by id, gone from state, planned for creation.
				PreConfig: func() {
					if !m.RemoveServiceAccount(mockserver.Scope{}, "batch_sa_7") {
						t.Fatal("batch_sa_7 not in the mock")
					}
					m.reset()
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpListServiceAccountAggregates: 2, mockserver.OpGetServiceAccount: 1}),
					expectInstances("harness_service_account.a", 24)),
			},
			{
				Config: drifted.config(m, "always"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("harness_service_account.a[7]", plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}
