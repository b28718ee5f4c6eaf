package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

func TestAccSCIMUserDataSource(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.SeedUser(mockserver.UserSpec{Email: "quinn@example.com", DisplayName: "Quinn", GivenName: "Quinn", FamilyName: "Lee"})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config:      m.config(`data "harness_scim_user" "x" { user_name = "nobody@example.com" }`),
					ExpectError: expectErr("SCIM user not found", `Harness has no SCIM user with user_name "nobody@example.com"`),
				},
				{
					Config:      m.config(`data "harness_scim_user" "x" { id = "doesNotExist0000000000" }`),
					ExpectError: expectErr("SCIM user not found", `Harness has no SCIM user with id "doesNotExist0000000000"`),
				},
				{
					Config:      m.config(`data "harness_scim_user" "x" {}`),
					ExpectError: expectErr("Invalid Attribute Combination"),
				},
				{
					PreConfig: m.reset,
					Config: m.config(fmt.Sprintf(`
data "harness_scim_user" "by_name" {
  user_name = "Quinn@Example.com"
}
data "harness_scim_user" "by_id" {
  id = %q
}
`, u.ID)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.harness_scim_user.by_name", tfjsonpath.New("id"), knownvalue.StringExact(u.ID)),
						statecheck.ExpectKnownValue("data.harness_scim_user.by_name", tfjsonpath.New("user_name"), knownvalue.StringExact("quinn@example.com")),
						statecheck.ExpectKnownValue("data.harness_scim_user.by_id", tfjsonpath.New("user_name"), knownvalue.StringExact("quinn@example.com")),
						statecheck.ExpectKnownValue("data.harness_scim_user.by_id", tfjsonpath.New("display_name"), knownvalue.StringExact("Quinn")),
						statecheck.ExpectKnownValue("data.harness_scim_user.by_id", tfjsonpath.New("active"), knownvalue.Bool(true)),
					},
					// Each data source is read once: one search, one GET.
					Check: m.expectCounts(map[string]int{mockserver.OpSearchUsers: 1, mockserver.OpGetUser: 1}),
				},
			},
		})
	})
}

// TestAccSCIMUsersDataSource lists more users than one Harness page holds.
func TestAccSCIMUsersDataSource(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		const n = 1203
		for i := 0; i < n; i++ {
			m.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%04d@example.com", i), DisplayName: fmt.Sprintf("User %d", i)})
		}
		// Not found by SCIM search: invited in the UI.
		m.SeedUser(mockserver.UserSpec{Email: "invited@example.com", DisplayName: "Invited", NotImported: true})
		// Two pages of 1000; NextGen also reads the empty third page
		// because it may hide rows from a page.
		pages := 2
		if p.Generation == mockserver.NextGen {
			pages = 3
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				PreConfig: m.reset,
				Config:    m.config(`data "harness_scim_users" "all" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.harness_scim_users.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(n)),
					statecheck.ExpectKnownValue("data.harness_scim_users.all", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("user_name"),
						knownvalue.StringExact("user0000@example.com")),
					statecheck.ExpectKnownValue("data.harness_scim_users.all", tfjsonpath.New("users").AtSliceIndex(n-1).AtMapKey("user_name"),
						knownvalue.StringExact(fmt.Sprintf("user%04d@example.com", n-1))),
				},
				Check: m.expectCounts(map[string]int{mockserver.OpSearchUsers: pages}),
			}},
		})
	})
}
