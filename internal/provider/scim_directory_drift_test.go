package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestAccSCIMDirectory_drift changes Harness behind Terraform's back (a
// user edited, a user deleted, a member added by hand) and checks that the
// plan shows each change on its own key and that the apply sends one
// request per drifted object.
func TestAccSCIMDirectory_drift(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(baseDirectory.hcl())
		withDave := copyMap(baseDirectory.users)
		withDave["dave@example.com"] = "Dave"
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: cfg},
				{
					PreConfig: func() {
						alice, _ := m.UserByEmail("alice@example.com")
						carol, _ := m.UserByEmail("carol@example.com")
						dave := m.SeedUser(mockserver.UserSpec{Email: "dave@example.com", DisplayName: "Dave"})
						must(t, m.UpdateUser(alice.ID, func(u *mockserver.User) { u.DisplayName = "Alice (edited in the UI)" }))
						m.RemoveUser(carol.ID)
						must(t, m.UpdateGroup(groupIDOf(m, "Ops"), func(g *mockserver.Group) { g.Members = append(g.Members, dave.ID) }))
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dirAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(dirAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("display_name"),
							knownvalue.StringExact("Alice")),
						plancheck.ExpectKnownValue(dirAddr, tfjsonpath.New("groups").AtMapKey("Ops").AtMapKey("members"),
							knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Carol@example.com")})),
						plancheck.ExpectUnknownValue(dirAddr, tfjsonpath.New("user_ids").AtMapKey("carol@example.com")),
					}},
					// The refresh reads Carol, missing from the listing, by id
					// before dropping her. Alice: one PUT. Carol: one POST. Ops:
					// one PATCH adding Carol back and removing Dave, whose id
					// (he is no key of users) one read of the group gives.
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpGetUser: 1, mockserver.OpReplaceUser: 1,
							mockserver.OpCreateUser: 1, mockserver.OpGetGroup: 1, mockserver.OpPatchGroup: 1})),
						m.expectDirectory(withDave, baseDirectory.groups),
					),
				},
				{
					// Dave is not listed and exclusive is off: left alone.
					Config:   cfg,
					PlanOnly: true,
				},
			},
		})
	})
}

// TestAccSCIMDirectory_exclusive checks that with exclusive on, a SCIM user
// and group Harness has and the maps do not list show for removal on their
// own keys and are removed; a user Harness did not get through SCIM is
// never touched.
func TestAccSCIMDirectory_exclusive(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		m.SeedUser(mockserver.UserSpec{Email: "eve@example.com", DisplayName: "Eve"})
		m.SeedUser(mockserver.UserSpec{Email: "invited@example.com", DisplayName: "Invited", NotImported: true})
		m.SeedGroup(mockserver.GroupSpec{Name: "Contractors"})
		exclusive := baseDirectory.with(func(d *dirSpec) { d.exclusive = true })
		withOthers := copyMap(baseDirectory.users)
		withOthers["eve@example.com"] = "Eve"
		withOthers["invited@example.com"] = "Invited"
		withInvited := copyMap(baseDirectory.users)
		withInvited["invited@example.com"] = "Invited"
		groupsWithContractors := map[string][]string{"Contractors": {}}
		for g, members := range baseDirectory.groups {
			groupsWithContractors[g] = members
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					// exclusive off: Eve and Contractors are left alone.
					Config: m.config(baseDirectory.hcl()),
					Check:  m.expectDirectory(withOthers, groupsWithContractors),
				},
				{
					Config:   m.config(baseDirectory.hcl()),
					PlanOnly: true,
				},
				{
					// Turning exclusive on changes nothing yet; the refresh
					// after it lists Eve and Contractors.
					PreConfig:          m.reset,
					Config:             m.config(exclusive.hcl()),
					ExpectNonEmptyPlan: true,
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(listingCounts(p)),
						m.expectDirectory(withOthers, groupsWithContractors),
					),
				},
				{
					// The next plan shows Eve and Contractors leaving.
					PreConfig: m.reset,
					Config:    m.config(exclusive.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dirAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(dirAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("display_name"),
							knownvalue.StringExact("Alice")),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpDeleteUser: 1, mockserver.OpDeleteGroup: 1})),
						m.expectDirectory(withInvited, baseDirectory.groups),
					),
				},
				{
					Config:   m.config(exclusive.hcl()),
					PlanOnly: true,
				},
			},
		})
	})
}

// groupIDOf is the mock's id of the group named name.
func groupIDOf(m *testMock, name string) string {
	for _, g := range m.Groups() {
		if g.Name == name {
			return g.ID
		}
	}
	return ""
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
