package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Listing groups pages past 1,000 groups, filters by name, and returns each
// group with its members.
func TestAccSCIMGroupList_query(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		for i := range 1050 {
			m.SeedGroup(mockserver.GroupSpec{Name: fmt.Sprintf("Team %04d", i)})
		}
		devs := m.SeedGroup(mockserver.GroupSpec{Name: "Developers", Members: []string{u[1], u[0]}})
		m.SeedGroup(mockserver.GroupSpec{Name: "Made in the UI", NotExternallyManaged: true})
		devsIdentity := map[string]knownvalue.Check{"account_id": knownvalue.StringExact(m.AccountID()), "id": knownvalue.StringExact(devs.ID)}
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   needsQuery,
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: m.providerConfig()},
				queryStep(m, listBlock("harness_scim_group", "all", "  limit = 5000", ""),
					querycheck.ExpectLength("harness_scim_group.all", 1051),
					querycheck.ExpectIdentity("harness_scim_group.all", devsIdentity),
					// 1,000 groups, then 51: a short page ends a group listing.
					expectRequests(m, map[string]int{mockserver.OpSearchGroups: 2}),
				),
				queryStep(m, listBlock("harness_scim_group", "devs", "  include_resource = true", `    display_name = "Developers"`),
					querycheck.ExpectLength("harness_scim_group.devs", 1),
					querycheck.ExpectResourceDisplayName("harness_scim_group.devs", queryfilter.ByResourceIdentity(devsIdentity),
						knownvalue.StringExact("Developers (2 members)")),
					querycheck.ExpectResourceKnownValues("harness_scim_group.devs", queryfilter.ByResourceIdentity(devsIdentity),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("display_name"), KnownValue: knownvalue.StringExact("Developers")},
							{Path: tfjsonpath.New("members"), KnownValue: membersExact(u...)},
						}),
					expectRequests(m, map[string]int{mockserver.OpSearchGroups: 1}),
				),
				queryStep(m, listBlock("harness_scim_group", "search", "  limit = 500", `    search = "team 10"`),
					// Team 1000..1049, case ignored.
					querycheck.ExpectLength("harness_scim_group.search", 50),
				),
			},
		})
	})
}
