package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const memberAddr = "harness_scim_group_member.test"

func groupMemberConfig(groupID, userID string) string {
	return fmt.Sprintf(`
resource "harness_scim_group_member" "test" {
  group_id = %q
  user_id  = %q
}
`, groupID, userID)
}

// TestAccSCIMGroupMember_lifecycle adds one user to a group owned
// elsewhere, with one request per create, refresh and destroy, and never
// touches the group's other members.
func TestAccSCIMGroupMember_lifecycle(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		g := m.SeedGroup(mockserver.GroupSpec{Name: "Shared", Members: u[:1]})
		cfg := m.config(groupMemberConfig(g.ID, u[1]))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectGroup(&g.ID, "Shared", u[0]),
			Steps: []resource.TestStep{
				{
					PreConfig: m.reset,
					Config:    cfg,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("id"), knownvalue.StringExact(g.ID+"/"+u[1])),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpPatchGroup: 1}),
						m.expectGroup(&g.ID, "Shared", u[0], u[1]),
					),
				},
				{
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
				},
				{
					ResourceName:      memberAddr,
					ImportState:       true,
					ImportStateId:     g.ID + "/" + u[1],
					ImportStateVerify: true,
				},
				{
					ResourceName:  memberAddr,
					ImportState:   true,
					ImportStateId: g.ID,
					ExpectError:   expectErr(`Invalid import ID`, `"<group_id>/<user_id>"`),
				},
				{
					// Removed out of band: the refresh reads the group and,
					// finding the membership missing, the user (who exists);
					// planned as a create, one PATCH.
					PreConfig: func() {
						if err := m.UpdateGroup(g.ID, func(gr *mockserver.Group) {
							gr.Members = slices.DeleteFunc(gr.Members, func(id string) bool { return id == u[1] })
						}); err != nil {
							t.Fatal(err)
						}
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpGetUser: 1, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&g.ID, "Shared", u[0], u[1]),
					),
				},
				{
					// Removing it from the configuration: one PATCH after the
					// refresh, and the other member stays.
					PreConfig: m.reset,
					Config:    m.providerConfig(),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&g.ID, "Shared", u[0]),
					),
				},
			},
		})
	})
}

// TestAccSCIMGroupMember_unknownUser: Harness silently ignores a PATCH
// adding an id that is not a user of the account. The apply cannot know
// (creating a membership stays one PATCH), but the next plan fails with an
// error naming user_id instead of planning the membership again forever.
// Reading a membership that is missing costs one more request, a GET of
// the user, to tell an unknown user (error) from a membership removed out
// of band (planned again). A user deleted after the membership was made is
// reported the same way; fixing user_id replaces the membership.
func TestAccSCIMGroupMember_unknownUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(1)
		g := m.SeedGroup(mockserver.GroupSpec{Name: "Shared"})
		countsBefore := func(want map[string]int) func() {
			return func() {
				if err := m.expectCounts(want)(nil); err != nil {
					t.Fatal(err)
				}
				m.reset()
			}
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectGroup(&g.ID, "Shared"),
			Steps: []resource.TestStep{
				{
					// The apply sends one PATCH; the plan after it reads the
					// group and the user and fails.
					PreConfig: m.reset,
					Config:    m.config(groupMemberConfig(g.ID, unknownUserID)),
					ExpectError: expectErr(`No such user in Harness`, `with harness_scim_group_member.test`,
						`Harness has no user with id "`+unknownUserID+`"`, `group "`+g.ID+`"`, `Set user_id to the id of an existing user`),
				},
				{
					// Fixing user_id replaces the membership: the refresh
					// (group and user), then one PATCH out and one in.
					PreConfig: countsBefore(map[string]int{mockserver.OpPatchGroup: 1, mockserver.OpGetGroup: 1, mockserver.OpGetUser: 1}),
					Config:    m.config(groupMemberConfig(g.ID, u[0])),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionDestroyBeforeCreate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpGetUser: 1, mockserver.OpPatchGroup: 2}),
						m.expectGroup(&g.ID, "Shared", u[0]),
					),
				},
				{
					// The user leaves the account: the plan fails the same way.
					PreConfig: func() {
						if !m.RemoveUser(u[0]) {
							t.Fatal("RemoveUser")
						}
					},
					Config:      m.config(groupMemberConfig(g.ID, u[0])),
					PlanOnly:    true,
					ExpectError: expectErr(`No such user in Harness`, `Harness has no user with id "`+u[0]+`"`),
				},
				{
					// Importing a membership that does not exist fails.
					ResourceName:  memberAddr,
					ImportState:   true,
					ImportStateId: g.ID + "/" + unknownUserID,
					ExpectError:   expectErr(`Cannot import non-existent remote object`),
				},
			},
		})
	})
}

// TestAccSCIMGroupMember_groupGone drops the membership from state when its
// group is deleted, and its destroy succeeds when the group is gone.
func TestAccSCIMGroupMember_groupGone(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(1)
		var groupID string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: m.config(`
resource "harness_scim_group" "test" {
  display_name = "Owned Elsewhere"
}

resource "harness_scim_group_member" "test" {
  group_id = harness_scim_group.test.id
  user_id  = ` + fmt.Sprintf("%q", u[0]) + `
}
`),
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr(groupAddr, "id", &groupID),
						func(s *terraform.State) error { return m.expectGroup(&groupID, "Owned Elsewhere", u[0])(s) },
					),
				},
				{
					// The group is deleted out of band: both resources are
					// planned for creation again.
					PreConfig:    func() { m.DeleteGroup(groupID) },
					RefreshState: true,
					RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
					}},
					ExpectNonEmptyPlan: true,
				},
			},
		})
	})
}

// TestAccSCIMGroupMember_fightsMembers shows what the documentation warns
// about, under every profile: a membership resource on a group whose
// members are managed by harness_scim_group makes the group plan to remove
// that member again.
func TestAccSCIMGroupMember_fightsMembers(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		var groupID string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: m.config(fmt.Sprintf(`
resource "harness_scim_group" "test" {
  display_name = "Contested"
  members      = [%[1]q]
}

resource "harness_scim_group_member" "test" {
  group_id = harness_scim_group.test.id
  user_id  = %[2]q
}
`, u[0], u[1])),
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionNoop),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr(groupAddr, "id", &groupID),
						func(s *terraform.State) error { return m.expectGroup(&groupID, "Contested", u[0], u[1])(s) },
					),
					ExpectNonEmptyPlan: true,
				},
			},
		})
	})
}
