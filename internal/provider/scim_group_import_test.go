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

// The second scenario: a group whose configuration lists its two
// current members (in another order than Harness's), imported by display
// name. Import records the members, compared as a set, so the plan is
// empty after `terraform import` and after an import block, under every
// profile; and an apply sends nothing.
func TestAccSCIMGroup_importWithMembersPlansEmpty(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		seeded := m.SeedGroup(mockserver.GroupSpec{Name: "Platform Team", Members: []string{u[1], u[0]}})
		cfg := m.config(groupConfigAsGiven("Platform Team", []string{u[0], u[1]}))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					// terraform import harness_scim_group.test "Platform Team"
					Config: cfg, ResourceName: groupAddr, ImportState: true, ImportStatePersist: true,
					ImportStateId: "Platform Team",
				},
				{
					PreConfig: m.reset, Config: cfg, PlanOnly: true,
					Check: m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
				},
				{
					PreConfig: m.reset, Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), knownvalue.StringExact(seeded.ID)),
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(2)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
						m.expectGroup(&seeded.ID, "Platform Team", u...),
					),
				},
				{
					Config: cfg, ResourceName: groupAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
					ImportStateId: "Platform Team",
				},
			},
		})
	})
}

// Importing a group whose configuration omits members records them too,
// and keeps the promise that omitting members leaves them alone: the plan
// is empty, an identity provider's later changes to the members make no
// diff, and a rename sends only the rename.
func TestAccSCIMGroup_importWithoutMembersLeavesThemAlone(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(3)
		seeded := m.SeedGroup(mockserver.GroupSpec{Name: "IdP Group", Members: u[:2]})
		cfg := m.config(groupConfig("IdP Group", nil))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: cfg, ResourceName: groupAddr, ImportState: true, ImportStatePersist: true,
					ImportStateId: seeded.ID,
				},
				{
					// The identity provider adds a member: no diff.
					PreConfig: func() {
						if err := m.UpdateGroup(seeded.ID, func(g *mockserver.Group) { g.Members = u }); err != nil {
							t.Fatal(err)
						}
						m.reset()
					},
					Config:            cfg,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(3))},
					Check:             m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
				},
				{
					// A rename is one PATCH that names no member.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("IdP Group Renamed", nil)),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&seeded.ID, "IdP Group Renamed", u...),
					),
				},
			},
		})
	})
}

// Every way to import a group: by id and by display name, with terraform
// import (ImportStateVerify ignoring nothing: members are recorded) and
// import blocks, and with generated configuration.
func TestAccSCIMGroup_importEveryWay(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		steps := []resource.TestStep{{Config: m.config(groupConfig("Platform Engineering", u))}}
		steps = append(steps, importSteps(groupAddr, nil, "", "Platform Engineering")...)
		steps = append(steps, generateConfigStep(groupAddr, "Platform Engineering"))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps:                    steps,
		})
	})
}
