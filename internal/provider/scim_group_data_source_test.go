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

// TestAccSCIMGroupDataSources looks groups up by name and by id and lists
// them all, with members and their emails; groups made in the Harness UI
// are not listed.
func TestAccSCIMGroupDataSources(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		readers := m.SeedGroup(mockserver.GroupSpec{Name: "Readers", Members: u})
		writers := m.SeedGroup(mockserver.GroupSpec{Name: "Writers", Members: u[1:]})
		m.SeedGroup(mockserver.GroupSpec{Name: "Made In UI", NotExternallyManaged: true})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: m.config(`
data "harness_scim_group" "missing" {
  display_name = "readers"
}
`),
					ExpectError: expectErr(`SCIM group not found`, `with display_name "readers"`),
					PlanOnly:    true,
				},
				{
					Config: m.config(`
data "harness_scim_group" "both" {
  id           = "x"
  display_name = "y"
}
`),
					ExpectError: expectErr(`Invalid Attribute Combination`),
					PlanOnly:    true,
				},
				{
					PreConfig: m.reset,
					Config: m.config(fmt.Sprintf(`
data "harness_scim_group" "by_name" {
  display_name = "Readers"
}

data "harness_scim_group" "by_id" {
  id = %q
}

data "harness_scim_groups" "all" {}
`, writers.ID)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.harness_scim_group.by_name", tfjsonpath.New("id"), knownvalue.StringExact(readers.ID)),
						statecheck.ExpectKnownValue("data.harness_scim_group.by_name", tfjsonpath.New("members"), membersExact(u[0], u[1])),
						statecheck.ExpectKnownValue("data.harness_scim_group.by_name", tfjsonpath.New("member_emails"), knownvalue.MapExact(map[string]knownvalue.Check{
							u[0]: knownvalue.StringExact("u0@example.com"),
							u[1]: knownvalue.StringExact("u1@example.com"),
						})),
						statecheck.ExpectKnownValue("data.harness_scim_group.by_id", tfjsonpath.New("display_name"), knownvalue.StringExact("Writers")),
						statecheck.ExpectKnownValue("data.harness_scim_group.by_id", tfjsonpath.New("members"), membersExact(u[1])),
						statecheck.ExpectKnownValue("data.harness_scim_groups.all", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact(readers.ID), knownvalue.StringExact(writers.ID),
						})),
						statecheck.ExpectKnownValue("data.harness_scim_groups.all", tfjsonpath.New("groups").AtSliceIndex(1).AtMapKey("members"), membersExact(u[1])),
					},
					// Each data source is one request.
					Check: m.expectCounts(map[string]int{mockserver.OpSearchGroups: 2, mockserver.OpGetGroup: 1}),
				},
			},
		})
	})
}
