package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// On an account migrated to NextGen (the firstgen-disabled profile:
// DisableFirstGenFilter's 403 ACCOUNT_MIGRATED_TO_NEXT_GEN), every FirstGen
// SCIM call fails with one request and an error that tells the user to set
// scim_generation = "nextgen" and gives the NextGen tenant URL for the
// identity provider; the API-key family keeps working.
func TestAccFirstGenDisabled(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("firstgen-disabled"))
	tenantURL := m.URL + "/ng/api/scim/account/" + m.AccountID()
	want := func(what string) []string {
		return []string{`Harness FirstGen is disabled for this account`, what, `HTTP 403 ACCOUNT_MIGRATED_TO_NEXT_GEN`,
			`Account ` + m.AccountID() + ` migrated to NextGen`, `Set scim_generation = "nextgen"`,
			`change the SCIM tenant URL in your identity provider to the NextGen one, ` + tenantURL}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig:   m.reset,
				Config:      m.config(scimUserConfig("alice@example.com", "Alice Doe", "")),
				ExpectError: expectErr(want("Creating SCIM user alice@example.com failed")...),
			},
			{
				PreConfig: func() {
					if got := mockserver.CountsString(m.Counts()); got != "CreateUser=1" {
						t.Errorf("the refused create made %s, want CreateUser=1", got)
					}
					m.reset()
				},
				Config:      m.config(`data "harness_scim_groups" "all" {}`),
				ExpectError: expectErr(want("Listing SCIM groups of account " + m.AccountID() + " failed")...),
			},
			{
				// NextGen API keys are unaffected.
				PreConfig: func() {
					if got := mockserver.CountsString(m.Counts()); got != "SearchGroups=1" {
						t.Errorf("the refused read made %s, want SearchGroups=1", got)
					}
				},
				Config: m.config(serviceAccountConfig("sa", "SCIM", "sa@service.harness.io", "")),
			},
		},
	})
}
