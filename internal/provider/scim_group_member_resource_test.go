package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
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
// elsewhere, with a read of the user and one PATCH per create, one request
// per refresh and destroy, and never touches the group's other members.
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
						m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpPatchGroup: 1}),
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
					// planned as a create: the user again, and one PATCH.
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
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpGetUser: 2, mockserver.OpPatchGroup: 1}),
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
// adding an id that is not a user of the account, so creating a membership
// reads the user first and fails the apply naming user_id, sending no
// PATCH and recording nothing. Nothing is refused at plan time, and nothing
// left in state blocks a later plan or the destroy (the test's own destroy
// runs last). A user deleted between the create and the first refresh is
// never seen in Harness: the refresh drops the membership, the plan creates
// it again, and the apply fails the same way. (A user who leaves after the
// membership was seen in Harness is kept with a warning:
// TestAccSCIMGroupMember_userLeft.)
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
		noSuchUser := func(id string) *regexp.Regexp {
			return expectErr(`No such user in Harness`, `with harness_scim_group_member.test`,
				`Harness has no user with id "`+id+`"`, `group "`+g.ID+`"`, `Nothing was changed or recorded`,
				`Set user_id to the id of an existing user`)
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectGroup(&g.ID, "Shared"),
			Steps: []resource.TestStep{
				{
					// The apply reads the user and stops.
					PreConfig:   m.reset,
					Config:      m.config(groupMemberConfig(g.ID, unknownUserID)),
					ExpectError: noSuchUser(unknownUserID),
				},
				{
					// Nothing was recorded: fixing user_id creates the
					// membership, a read of the user and one PATCH.
					PreConfig: countsBefore(map[string]int{mockserver.OpGetUser: 1}),
					Config:    m.config(groupMemberConfig(g.ID, u[0])),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&g.ID, "Shared", u[0]),
					),
				},
				{
					// The user leaves before any apply saved a refresh that
					// found the membership: to Terraform it was never seen in
					// Harness. The refresh drops it and plans it again, and
					// the apply fails as for a mistyped id.
					PreConfig: func() {
						if !m.RemoveUser(u[0]) {
							t.Fatal("RemoveUser")
						}
					},
					Config:      m.config(groupMemberConfig(g.ID, u[0])),
					ExpectError: noSuchUser(u[0]),
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

// TestAccCLI_SCIMGroupMemberUnknownUserDestroys: the case, with the
// real CLI. A group and a membership of a user Harness does not have: the
// apply creates the group and fails on the membership, later plans show the
// membership to create without an error, and terraform destroy removes the
// group, leaving nothing behind. An earlier version kept the membership
// and failed every plan, terraform destroy included (Terraform plans the
// configuration again before destroying it).
func TestAccCLI_SCIMGroupMemberUnknownUserDestroys(t *testing.T) {
	cli := newTFCLI(t)
	m := newMock(t, mockserver.MustProfile("nextgen"))
	cli.config(m, `
resource "harness_scim_group" "g" {
  display_name = "Doomed"
}

resource "harness_scim_group_member" "test" {
  group_id = harness_scim_group.g.id
  user_id  = "`+unknownUserID+`"
}
`)
	out, err := cli.run("apply", "-auto-approve", "-input=false")
	if err == nil || !strings.Contains(out, "No such user in Harness") || len(m.Groups()) != 1 {
		t.Fatalf("want the group created and the membership refused at apply, got %v:\n%s", err, out)
	}
	if out, err := cli.run("plan", "-input=false"); err != nil || !strings.Contains(out, "1 to add") {
		t.Fatalf("the plan after the failed apply: %v\n%s", err, out)
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
	if n := len(m.Groups()); n != 0 {
		t.Fatalf("%d groups left after destroy", n)
	}
}

// TestAccSCIMGroupMember_userLeft: a user whose membership Harness had
// leaves the account, which drops it from every group (docs/design/harness-api.md 1.8,
// 1.7).
// That is an identity provider doing its job, so it must not block every
// plan of the workspace: the refresh (the group, then the user, to tell
// this from a membership removed out of band) keeps the membership with a
// warning (TestAccCLI_SCIMGroupMemberUserLeftWarns) and plans nothing, since
// adding the id back would be silently ignored. When the user is back in
// the account (NextGen keeps the person, so the same id returns), the next
// plan adds it again with one PATCH. FirstGen deletes the user, so a new
// id comes back and changing user_id replaces the membership.
func TestAccSCIMGroupMember_userLeft(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(3)
		g := m.SeedGroup(mockserver.GroupSpec{Name: "Shared", Members: u[1:2]})
		cfg := m.config(groupMemberConfig(g.ID, u[0]))
		refresh := map[string]int{mockserver.OpGetGroup: 1, mockserver.OpGetUser: 1}
		steps := []resource.TestStep{
			{
				PreConfig: m.reset,
				Config:    cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpPatchGroup: 1}),
					m.expectGroup(&g.ID, "Shared", u[0], u[1]),
				),
			},
			{
				// Any later apply, even one that changes nothing, saves the
				// refresh that found the membership: from then on Harness is
				// known to have had it. (Until then a missing user looks like
				// a mistyped id, TestAccSCIMGroupMember_unknownUser.)
				PreConfig: m.reset,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
			},
			{
				PreConfig: func() {
					if !m.RemoveUser(u[0]) {
						t.Fatal("RemoveUser")
					}
					m.reset()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("user_id"), knownvalue.StringExact(u[0])),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(refresh),
					m.expectGroup(&g.ID, "Shared", u[1]),
				),
			},
			{
				// It stays that way: a refresh is the same two reads.
				PreConfig:    m.reset,
				RefreshState: true,
				Check:        m.expectCounts(refresh),
			},
		}
		if p.Generation == mockserver.NextGen {
			steps = append(steps, resource.TestStep{
				// The user is back with the same id: the membership is
				// planned again, and the user read and one PATCH re-add it.
				PreConfig: func() {
					if back := m.SeedUser(mockserver.UserSpec{Email: "u0@example.com", DisplayName: "User 0"}); back.ID != u[0] {
						t.Fatalf("the returning user has id %s, want %s", back.ID, u[0])
					}
					m.reset()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpGetUser: 2, mockserver.OpPatchGroup: 1}),
					m.expectGroup(&g.ID, "Shared", u[0], u[1]),
				),
			})
		} else {
			steps = append(steps, resource.TestStep{
				// FirstGen deleted the user, so whoever comes back has a
				// new id (here u[2]): changing user_id replaces the
				// membership, one PATCH out (a no-op), a read of the new
				// user and one PATCH in.
				PreConfig: m.reset,
				Config:    m.config(groupMemberConfig(g.ID, u[2])),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpGetUser: 2, mockserver.OpPatchGroup: 2}),
					m.expectGroup(&g.ID, "Shared", u[1], u[2]),
				),
			})
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectGroup(&g.ID, "Shared", u[1]),
			Steps:                    steps,
		})
	})
}

// TestAccCLI_SCIMGroupMemberUserLeftWarns: after a membership's user leaves the
// account, plans warn, naming the user and the group, and show no change
// (exit code 0 with -detailed-exitcode). The real CLI is needed to see the
// warning.
func TestAccCLI_SCIMGroupMemberUserLeftWarns(t *testing.T) {
	cli := newTFCLI(t)
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	u := m.seedUsers(1)
	g := m.SeedGroup(mockserver.GroupSpec{Name: "Shared"})
	cli.config(m, groupMemberConfig(g.ID, u[0]))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	// A later apply saves the refresh that finds the membership.
	cli.mustRun("apply", "-auto-approve", "-input=false")
	if !m.RemoveUser(u[0]) {
		t.Fatal("RemoveUser")
	}
	for i := range 2 {
		m.ResetRequests()
		out, err := cli.run("plan", "-detailed-exitcode", "-input=false")
		flat := strings.Join(strings.Fields(out), " ")
		if err != nil || !strings.Contains(flat, "No changes") {
			t.Fatalf("plan %d after the user left is not an empty success (%v):\n%s", i+1, err, out)
		}
		for _, want := range []string{"Warning: Membership's user left Harness", "with harness_scim_group_member.test",
			`Harness no longer has a user with id "` + u[0] + `"`, `no longer a member of group "` + g.ID + `"`,
			"When a user with this id is back in the account, the next plan adds it to the group again"} {
			if !strings.Contains(flat, want) {
				t.Fatalf("plan %d output lacks %q:\n%s", i+1, want, out)
			}
		}
		if got, want := mockserver.CountsString(m.Counts()), mockserver.CountsString(map[string]int{
			mockserver.OpGetGroup: 1, mockserver.OpGetUser: 1}); got != want {
			t.Fatalf("plan %d requests: %s, want %s", i+1, got, want)
		}
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
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
