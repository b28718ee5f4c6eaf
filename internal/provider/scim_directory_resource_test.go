package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// baseDirectory is three users in two groups; bob's key and carol's
// membership are spelled in mixed case, which Harness folds.
var baseDirectory = dirSpec{
	users: map[string]string{"alice@example.com": "Alice", "Bob@Example.com": "Bob", "carol@example.com": "Carol"},
	groups: map[string][]string{
		"Platform Team": {"alice@example.com", "bob@example.com"},
		"Ops":           {"Carol@example.com"},
	},
}

// TestAccSCIMDirectory_lifecycle creates a directory (one POST per object),
// refreshes it with one listing, plans empty, applies a change with one
// request per changed object, and destroys it (groups first).
func TestAccSCIMDirectory_lifecycle(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		changed := baseDirectory.with(func(d *dirSpec) {
			d.users["alice@example.com"] = "Alice Doe"                                   // one PUT
			d.users["dave@example.com"] = "Dave"                                         // one POST
			delete(d.users, "carol@example.com")                                         // one DELETE, after the group's PATCH
			d.groups["Ops"] = []string{"dave@example.com"}                               // one PATCH
			d.groups["Platform Team"] = []string{"bob@example.com", "alice@example.com"} // same set
		})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectDirectory(nil, nil),
			Steps: []resource.TestStep{
				{
					PreConfig: m.reset,
					Config:    m.config(baseDirectory.hcl()),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(dirAddr, tfjsonpath.New("id"), knownvalue.StringExact(m.AccountID())),
						statecheck.ExpectKnownValue(dirAddr, tfjsonpath.New("user_ids").AtMapKey("Bob@Example.com"),
							knownvalue.StringRegexp(harnessIDPattern)),
						statecheck.ExpectKnownValue(dirAddr, tfjsonpath.New("group_ids").AtMapKey("Platform Team"),
							groupIDPattern(p, "Platform Team")),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpCreateUser: 3, mockserver.OpCreateGroup: 2}),
						m.expectDirectory(baseDirectory.users, baseDirectory.groups),
					),
				},
				{
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(listingCounts(p)),
				},
				{
					Config: m.config(baseDirectory.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
				{
					PreConfig: m.reset,
					Config:    m.config(changed.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dirAddr, plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpReplaceUser: 1,
							mockserver.OpCreateUser: 1, mockserver.OpPatchGroup: 1, mockserver.OpDeleteUser: 1})),
						m.expectDirectory(changed.users, changed.groups),
					),
				},
				{
					Config: m.config(changed.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}
