package provider

import (
	"context"
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

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const groupAddr = "harness_scim_group.test"

// unknownUserID looks like a Harness user id but is no user.
const unknownUserID = "NoSuchUser000000000000"

// groupConfig renders a harness_scim_group with members sorted (the order
// an import records); members nil omits the attribute.
func groupConfig(name string, members []string) string {
	if members != nil {
		members = slices.Clone(members)
		slices.Sort(members)
	}
	return groupConfigAsGiven(name, members)
}

// groupConfigAsGiven is groupConfig with members in the given order.
func groupConfigAsGiven(name string, members []string) string {
	attr := ""
	if members != nil {
		q := make([]string, len(members))
		for i, id := range members {
			q[i] = fmt.Sprintf("%q", id)
		}
		attr = fmt.Sprintf("\n  members      = [%s]", strings.Join(q, ", "))
	}
	return fmt.Sprintf(`
resource "harness_scim_group" "test" {
  display_name = %q%s
}
`, name, attr)
}

// seedUsers adds n SCIM users to the mock and returns their ids.
func (m *testMock) seedUsers(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = m.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("u%d@example.com", i), DisplayName: fmt.Sprintf("User %d", i)}).ID
	}
	return ids
}

// expectGroup checks the mock's group: its name and exactly these members.
func (m *testMock) expectGroup(id *string, name string, members ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		g, ok := m.Group(*id)
		if !ok {
			return fmt.Errorf("group %s is not in Harness", *id)
		}
		got, want := slices.Clone(g.Members), slices.Clone(members)
		slices.Sort(got)
		slices.Sort(want)
		if g.Name != name || !slices.Equal(got, want) {
			return fmt.Errorf("Harness has group %s named %q with members %v; want %q with %v", *id, g.Name, got, name, want)
		}
		return nil
	}
}

// checkGroupGone is a CheckDestroy that asks the mock store directly.
func (m *testMock) checkGroupGone(id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := m.Group(*id); ok {
			return fmt.Errorf("group %s still exists in Harness after destroy", *id)
		}
		return nil
	}
}

// membersExact checks a members list: these ids, sorted (as groupConfig
// writes them and as import and the data sources record them).
func membersExact(ids ...string) knownvalue.Check {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	vals := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		vals[i] = knownvalue.StringExact(id)
	}
	return knownvalue.ListExact(vals)
}

func groupIDPattern(p mockserver.Profile, name string) knownvalue.Check {
	if p.Generation == mockserver.NextGen {
		return knownvalue.StringExact(strings.ReplaceAll(name, " ", "_"))
	}
	return knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`))
}

// TestAccSCIMGroup_lifecycle creates a group with members, changes members
// in one request per apply, renames it keeping its id, imports it by id and
// by name, and empties it.
func TestAccSCIMGroup_lifecycle(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(5)
		var id string
		update := map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&id),
			Steps: []resource.TestStep{
				{
					// The members travel in the POST: one request.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Platform Team", []string{u[0], u[1], u[2]})),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), groupIDPattern(p, "Platform Team")),
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("Platform Team")),
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), membersExact(u[0], u[1], u[2])),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpCreateGroup: 1}),
						captureAttr(groupAddr, "id", &id),
						m.expectGroup(&id, "Platform Team", u[0], u[1], u[2]),
					),
				},
				{
					// A refresh is one GET.
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
				},
				{
					// Two adds and a remove: the plan's refresh, one PATCH, one GET.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Platform Team", []string{u[1], u[2], u[3], u[4]})),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), membersExact(u[1], u[2], u[3], u[4])),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(update),
						m.expectGroup(&id, "Platform Team", u[1], u[2], u[3], u[4]),
					),
				},
				{
					// A swap: one out, one in.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Platform Team", []string{u[4], u[3], u[2], u[0]})),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(update),
						m.expectGroup(&id, "Platform Team", u[0], u[2], u[3], u[4]),
					),
				},
				{
					// Members are a set: listing them in another order plans
					// nothing (PlanOnly fails on a non-empty plan).
					Config:   m.config(groupConfigAsGiven("Platform Team", []string{u[4], u[0], u[3], u[2]})),
					PlanOnly: true,
				},
				{
					// A rename keeps the id. With no member change the update
					// reads the group first (recorded members equal to the
					// planned ones may be stale: TestAccSCIMGroup_memberReplaced)
					// and sends one PATCH: the plan's refresh, one GET, one PATCH.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Platform Engineering", []string{u[0], u[2], u[3], u[4]})),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), groupIDPattern(p, "Platform Team")),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&id, "Platform Engineering", u[0], u[2], u[3], u[4]),
					),
				},
				{
					// Members are not imported (TestAccSCIMGroup_import).
					ResourceName:            groupAddr,
					ImportState:             true,
					ImportStateVerify:       true,
					ImportStateVerifyIgnore: []string{"members"},
				},
				{
					ResourceName:            groupAddr,
					ImportState:             true,
					ImportStateId:           "Platform Engineering",
					ImportStateVerify:       true,
					ImportStateVerifyIgnore: []string{"members"},
				},
				{
					ResourceName:  groupAddr,
					ImportState:   true,
					ImportStateId: "No Such Group",
					ExpectError:   expectErr(`SCIM group not found`, `no group with id "No Such Group"`),
				},
				{
					// An empty set removes every member.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Platform Engineering", []string{})),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), knownvalue.ListSizeExact(0)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(update),
						m.expectGroup(&id, "Platform Engineering"),
					),
				},
			},
		})
	})
}

// TestAccSCIMGroup_drift changes the group behind Terraform's back: member
// changes show as an in-place update, a deleted group is re-created, and
// destroying a group that is already gone succeeds even though NextGen
// answers its DELETE with 401.
func TestAccSCIMGroup_drift(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(3)
		var id, firstID string
		cfg := m.config(groupConfig("Drift", []string{u[0], u[1]}))
		destroyCounts := map[string]int{mockserver.OpGetGroup: 1, mockserver.OpDeleteGroup: 1}
		if p.Generation == mockserver.NextGen {
			// 401 for the unknown group, confirmed by a GET.
			destroyCounts[mockserver.OpGetGroup] = 2
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy: resource.ComposeAggregateTestCheckFunc(
				m.checkGroupGone(&id),
				m.expectCounts(destroyCounts),
			),
			Steps: []resource.TestStep{
				{
					Config: cfg,
					Check:  captureAttr(groupAddr, "id", &firstID),
				},
				{
					PreConfig: func() {
						if err := m.UpdateGroup(firstID, func(g *mockserver.Group) { g.Members = []string{u[1], u[2]} }); err != nil {
							t.Fatal(err)
						}
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&firstID, "Drift", u[0], u[1]),
					),
				},
				{
					PreConfig: func() {
						m.DeleteGroup(firstID)
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionCreate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpCreateGroup: 1}),
						captureAttr(groupAddr, "id", &id),
						m.expectGroup(&id, "Drift", u[0], u[1]),
					),
				},
				{
					// Delete the group out of band after this step's apply:
					// the post-apply refreshed plan wants to re-create it, and
					// the final destroy (which does not refresh) deletes a
					// group that is already gone.
					Config: cfg,
					Check: func(*terraform.State) error {
						m.DeleteGroup(id)
						m.reset()
						return nil
					},
					ExpectNonEmptyPlan: true,
				},
			},
		})
	})
}

// TestAccSCIMGroup_membersOmitted leaves members alone when the attribute is
// omitted, then starts and stops managing them.
func TestAccSCIMGroup_membersOmitted(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		var id string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&id),
			Steps: []resource.TestStep{
				{
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Unmanaged", nil)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), knownvalue.Null()),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpCreateGroup: 1}),
						captureAttr(groupAddr, "id", &id),
					),
				},
				{
					// Members added elsewhere make no diff.
					PreConfig: func() {
						if err := m.UpdateGroup(id, func(g *mockserver.Group) { g.Members = []string{u[0], u[1]} }); err != nil {
							t.Fatal(err)
						}
						m.reset()
					},
					Config: m.config(groupConfig("Unmanaged", nil)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					Check: m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
				},
				{
					// Starting to manage members reads them once more, then
					// one PATCH and one GET.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Unmanaged", []string{u[0]})),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 3, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&id, "Unmanaged", u[0]),
					),
				},
				{
					// Stopping sends nothing and leaves the members as they are.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Unmanaged", nil)),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 1}),
						m.expectGroup(&id, "Unmanaged", u[0]),
					),
				},
			},
		})
	})
}

// TestAccSCIMGroup_unknownMember fails clearly, naming the id Harness
// dropped, on create and on update, and records what Harness really has.
// A PATCH that cannot help is not sent again: in NextGen the create's POST
// already tried to add the id, so the create is that one request; FirstGen's
// POST may have answered with an existing group of the same name, so it
// adds the members once with a PATCH and reads the group. An update is one
// PATCH and one GET.
func TestAccSCIMGroup_unknownMember(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		var id string
		// onlyGroup checks, before a step, the requests of the failed step
		// before it (whose Check does not run) and what Harness has.
		onlyGroup := func(counts map[string]int, members ...string) func() {
			return func() {
				if err := m.expectCounts(counts)(nil); err != nil {
					t.Fatal(err)
				}
				gs := m.Groups()
				if len(gs) != 1 {
					t.Fatalf("Harness has %d groups, want 1: nothing may be orphaned", len(gs))
				}
				id = gs[0].ID
				if err := m.expectGroup(&id, "Strict", members...)(nil); err != nil {
					t.Fatal(err)
				}
				m.reset()
			}
		}
		createCounts := map[string]int{mockserver.OpCreateGroup: 1}
		if p.Generation == mockserver.FirstGen {
			createCounts[mockserver.OpPatchGroup] = 1
			createCounts[mockserver.OpGetGroup] = 1
		}
		wantErr := expectErr(`Harness did not add some members`, `Harness did not add user id "`+unknownUserID+`" to group "Strict"`)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&id),
			Steps: []resource.TestStep{
				{
					PreConfig:   m.reset,
					Config:      m.config(groupConfig("Strict", []string{u[0], unknownUserID})),
					ExpectError: wantErr,
				},
				{
					// The group was saved (tainted) with what Harness has, so
					// fixing the configuration replaces it.
					PreConfig: onlyGroup(createCounts, u[0]),
					Config:    m.config(groupConfig("Strict", []string{u[0]})),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionDestroyBeforeCreate),
					}},
					Check: m.expectCounts(map[string]int{mockserver.OpGetGroup: 1, mockserver.OpDeleteGroup: 1, mockserver.OpCreateGroup: 1}),
				},
				{
					PreConfig:   m.reset,
					Config:      m.config(groupConfig("Strict", []string{u[0], u[1], unknownUserID})),
					ExpectError: wantErr,
				},
				{
					// The update was the plan's refresh, one PATCH and one
					// GET. It recorded the members Harness kept, so the
					// fixed configuration plans nothing.
					PreConfig: onlyGroup(map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}, u[0], u[1]),
					Config:    m.config(groupConfig("Strict", []string{u[0], u[1]})),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccSCIMGroup_userDeleted removes a member user from the account out
// of band: the plan re-creates the user and updates the group, and one
// apply converges.
func TestAccSCIMGroup_userDeleted(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		var aliceID, bobID, groupID string
		cfg := m.config(`
resource "harness_scim_user" "alice" {
  user_name    = "alice@example.com"
  display_name = "Alice"
}

resource "harness_scim_user" "bob" {
  user_name    = "bob@example.com"
  display_name = "Bob"
}

resource "harness_scim_group" "test" {
  display_name = "Pair"
  members      = [harness_scim_user.alice.id, harness_scim_user.bob.id]
}
`)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&groupID),
			Steps: []resource.TestStep{
				{
					Config: cfg,
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr("harness_scim_user.alice", "id", &aliceID),
						captureAttr("harness_scim_user.bob", "id", &bobID),
						captureAttr(groupAddr, "id", &groupID),
						func(s *terraform.State) error { return m.expectGroup(&groupID, "Pair", aliceID, bobID)(s) },
					),
				},
				{
					PreConfig: func() {
						if !m.RemoveUser(aliceID) {
							t.Fatal("RemoveUser")
						}
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.alice", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr("harness_scim_user.alice", "id", &aliceID),
						func(s *terraform.State) error { return m.expectGroup(&groupID, "Pair", aliceID, bobID)(s) },
					),
				},
			},
		})
	})
}

// TestAccSCIMGroup_createAnswerLost: Harness applies the create but the
// answer is lost. The group Terraform made is tracked, not orphaned, and
// no "id already in use" error is shown. NextGen's retry gets a 409 and
// costs one search to find the group (only in this case); FirstGen's retry
// is answered with the group.
func TestAccSCIMGroup_createAnswerLost(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		var id string
		counts := map[string]int{mockserver.OpCreateGroup: 2}
		if p.Generation == mockserver.NextGen {
			counts[mockserver.OpSearchGroups] = 1
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&id),
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateGroup, DropAfterCommit: true})
						m.reset()
					},
					Config: m.config(groupConfig("Lost Answer", u)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), groupIDPattern(p, "Lost Answer")),
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), membersExact(u...)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(counts),
						captureAttr(groupAddr, "id", &id),
						func(*terraform.State) error {
							if n := len(m.Groups()); n != 1 {
								return fmt.Errorf("Harness has %d groups, want 1", n)
							}
							return nil
						},
						m.expectGroup(&id, "Lost Answer", u...),
					),
				},
				{
					// The next plan is empty.
					Config:   m.config(groupConfig("Lost Answer", u)),
					PlanOnly: true,
				},
			},
		})
	})
}

// TestAccSCIMGroup_transientErrorLeavesIdPGroupAlone: an identity
// provider's group holds the name, and the create's first attempt gets a
// 502. In NextGen the retry's 409 must stand with the "id already in use"
// error: the group's members are not the ones sent, so the first attempt
// did not make it, and adopting it would let Terraform change its members
// and delete it on destroy. That costs one search (and would cost a user
// read per sent id the group lacks, had the group no member that was not
// sent: TestSCIMGroupClientUncertainConflictStands). FirstGen's POST answers
// any create with the group of that name (harness-api.md 2.2), fault or
// not, which the resource documents: the group is adopted and its
// members are set.
func TestAccSCIMGroup_transientErrorLeavesIdPGroupAlone(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(3)
		idp := m.SeedGroup(mockserver.GroupSpec{Name: "Platform Team", Members: u[:2]})
		cfg := m.config(groupConfig("Platform Team", u[1:]))
		fault := func() {
			m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateGroup, Status: 502})
			m.reset()
		}
		var steps []resource.TestStep
		if p.Generation == mockserver.NextGen {
			steps = []resource.TestStep{
				{
					PreConfig: fault,
					Config:    cfg,
					ExpectError: expectErr(`Harness group id already in use`,
						`derives the id "Platform_Team" from display_name "Platform Team"`, `(after 2 attempts)`,
						`An earlier attempt of this create failed without a clear answer`, `did not take it over`,
						`terraform import <address> Platform_Team`),
				},
				{
					// Checks the failed step: nothing was changed or tracked.
					PreConfig: func() {
						if err := m.expectCounts(map[string]int{mockserver.OpCreateGroup: 2, mockserver.OpSearchGroups: 1})(nil); err != nil {
							t.Fatal(err)
						}
						if err := m.expectGroup(&idp.ID, "Platform Team", u[:2]...)(nil); err != nil {
							t.Fatal(err)
						}
						if n := len(m.Groups()); n != 1 {
							t.Fatalf("Harness has %d groups, want the identity provider's only", n)
						}
						fault()
					},
					// Without members the group must be empty to be adopted.
					Config:      m.config(groupConfig("Platform Team", nil)),
					ExpectError: expectErr(`Harness group id already in use`),
				},
			}
		} else {
			steps = []resource.TestStep{{
				PreConfig: fault,
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), knownvalue.StringExact(idp.ID)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpCreateGroup: 2, mockserver.OpPatchGroup: 1, mockserver.OpGetGroup: 1}),
					m.expectGroup(&idp.ID, "Platform Team", u[1:]...),
				),
			}}
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps:                    steps,
		})
		if p.Generation == mockserver.NextGen {
			// The second failed step, and nothing after it.
			if err := m.expectCounts(map[string]int{mockserver.OpCreateGroup: 2, mockserver.OpSearchGroups: 1})(nil); err != nil {
				t.Error(err)
			}
			if err := m.expectGroup(&idp.ID, "Platform Team", u[:2]...)(nil); err != nil {
				t.Error(err)
			}
		}
	})
}

// TestAccSCIMGroup_import imports a group with members made elsewhere.
// Without members in the configuration the import plans nothing: members
// are left alone when omitted, so import does not record them. With
// members in the configuration the first plan honestly shows them being
// set, and one apply converges: the update reads the group once (state
// has no members to compare with), then one PATCH and one GET.
func TestAccSCIMGroup_import(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		seeded := m.SeedGroup(mockserver.GroupSpec{Name: "Imported", Members: u})
		unmanaged := m.config(groupConfig("Imported", nil))
		importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", groupAddr, seeded.ID)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&seeded.ID),
			Steps: []resource.TestStep{
				{
					// Importing with members configured: the plan sets them,
					// and the apply removes the one not configured.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Imported", u[:1]) + importBlock),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), membersExact(u[0])),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), membersExact(u[0])),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 4, mockserver.OpPatchGroup: 1}),
						m.expectGroup(&seeded.ID, "Imported", u[0]),
					),
				},
				{
					// Without members configured, by id and by name: the
					// import plans nothing (the step fails on any change).
					Config:          unmanaged,
					ResourceName:    groupAddr,
					ImportState:     true,
					ImportStateId:   seeded.ID,
					ImportStateKind: resource.ImportBlockWithID,
				},
				{
					Config:          unmanaged,
					ResourceName:    groupAddr,
					ImportState:     true,
					ImportStateId:   "Imported",
					ImportStateKind: resource.ImportBlockWithID,
				},
			},
		})
	})
}

// TestAccSCIMGroup_memberReplaced replaces a member user. Deleting a user
// removes it from every group. FirstGen's re-created user has a new id, so
// the group's update adds it in the same apply. NextGen's POST brings the
// user back with the same id: at apply time Terraform re-plans the group
// with the id known again, finds its members unchanged and skips the
// update (Terraform core turns an update into a no-op once unknown values
// turn out unchanged, and never calls the provider), so the user is added
// back by the next apply, whose plan shows it. When the group is renamed
// in the same apply, Update runs and reads the group first, so one apply
// restores the member. A harness_scim_group_member of the user is replaced
// with it and re-adds it in the same apply under every profile.
func TestAccSCIMGroup_memberReplaced(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		nextGen := p.Generation == mockserver.NextGen
		var aliceID, bobID, groupID, otherID string
		cfg := func(given, group string) string {
			return m.config(fmt.Sprintf(`
resource "harness_scim_user" "alice" {
  user_name    = "alice@example.com"
  display_name = "Alice"
  given_name   = %q
  family_name  = "Liddell"
}

resource "harness_scim_user" "bob" {
  user_name    = "bob@example.com"
  display_name = "Bob"
}

resource "harness_scim_group" "test" {
  display_name = %q
  members      = [harness_scim_user.alice.id, harness_scim_user.bob.id]
}

resource "harness_scim_group" "other" {
  display_name = "Other"
}

resource "harness_scim_group_member" "test" {
  group_id = harness_scim_group.other.id
  user_id  = harness_scim_user.alice.id
}
`, given, group))
		}
		// inGroups checks that alice (as now in state) is in both groups.
		inGroups := func(group string, withAlice bool) resource.TestCheckFunc {
			return func(s *terraform.State) error {
				if err := captureAttr("harness_scim_user.alice", "id", &aliceID)(s); err != nil {
					return err
				}
				want := []string{bobID}
				if withAlice {
					want = append(want, aliceID)
				}
				if err := m.expectGroup(&groupID, group, want...)(s); err != nil {
					return err
				}
				return m.expectGroup(&otherID, "Other", aliceID)(s)
			}
		}
		// A replacement with a rename: the refresh (two users, three group
		// reads), the membership's PATCH out, the user's DELETE and POST,
		// the group's update and the membership's PATCH in. NextGen's
		// update reads the group first (its planned members equal the
		// recorded ones), then sends one PATCH and one GET; FirstGen's
		// members changed (new id), so it needs no first read.
		renameCounts := map[string]int{mockserver.OpGetUser: 2, mockserver.OpGetGroup: 5, mockserver.OpPatchGroup: 3,
			mockserver.OpDeleteUser: 1, mockserver.OpCreateUser: 1}
		if !nextGen {
			renameCounts[mockserver.OpGetGroup] = 4
		}
		replaced := []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("harness_scim_user.alice", plancheck.ResourceActionDestroyBeforeCreate),
			plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionDestroyBeforeCreate),
		}
		taintStep := resource.TestStep{
			PreConfig:        m.reset,
			Taint:            []string{"harness_scim_user.alice"},
			Config:           cfg("Alice", "Pair"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced},
			// NextGen: Terraform skipped the group's update, so alice is
			// only in the group harness_scim_group_member manages, and the
			// next plan adds her back.
			Check: inGroups("Pair", !nextGen),
		}
		if nextGen {
			taintStep.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
			}
			taintStep.ExpectNonEmptyPlan = true
		}
		steps := []resource.TestStep{
			{
				Config: cfg("Alice", "Pair"),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr("harness_scim_user.bob", "id", &bobID),
					captureAttr(groupAddr, "id", &groupID),
					captureAttr("harness_scim_group.other", "id", &otherID),
					inGroups("Pair", true),
				),
			},
			taintStep,
		}
		if nextGen {
			steps = append(steps, resource.TestStep{
				// The next apply adds alice back: the refresh (two users,
				// two groups and the membership's group), then one PATCH
				// and one GET.
				PreConfig: m.reset,
				Config:    cfg("Alice", "Pair"),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetUser: 2, mockserver.OpGetGroup: 4, mockserver.OpPatchGroup: 1}),
					inGroups("Pair", true),
				),
			})
		}
		steps = append(steps, resource.TestStep{
			// Replaced while the group is renamed: Update runs, reads the
			// group first (one extra request, only when the planned
			// members equal the recorded ones) and adds alice back with the
			// rename in one PATCH. The next plan is empty.
			PreConfig:        m.reset,
			Taint:            []string{"harness_scim_user.alice"},
			Config:           cfg("Alice", "Pair Renamed"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced},
			Check: resource.ComposeAggregateTestCheckFunc(
				m.expectCounts(renameCounts),
				inGroups("Pair Renamed", true),
			),
		})
		if nextGen {
			steps = append(steps, resource.TestStep{
				// The same with a replacement NextGen itself requires.
				PreConfig:        m.reset,
				Config:           cfg("Alicia", "Pair"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(renameCounts),
					inGroups("Pair", true),
				),
			})
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&groupID),
			Steps:                    steps,
		})
	})
}

// TestAccSCIMGroup_memberDeactivatedKeepsID replaces a member user whose
// on_destroy is "deactivate". Under every profile the re-created user keeps
// its id and was dropped from the group: NextGen removes a deactivated user
// from the account and its POST brings the same person back, and FirstGen
// without PL_USER_DELETION_V2 disables the user, drops it from every SCIM
// group and re-enables it on POST (harness-api.md 1.4, 1.7). So FirstGen
// needs the read Update makes before a rename as much as NextGen: with it,
// a rename in the same apply restores the member. Without a rename,
// Terraform skips the group's update (its members look unchanged) and the
// next plan adds the user back.
func TestAccSCIMGroup_memberDeactivatedKeepsID(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		var aliceID, bobID, groupID string
		cfg := func(group string) string {
			return m.config(fmt.Sprintf(`
resource "harness_scim_user" "alice" {
  user_name    = "alice@example.com"
  display_name = "Alice"
  on_destroy   = "deactivate"
}

resource "harness_scim_user" "bob" {
  user_name    = "bob@example.com"
  display_name = "Bob"
}

resource "harness_scim_group" "test" {
  display_name = %q
  members      = [harness_scim_user.alice.id, harness_scim_user.bob.id]
}
`, group))
		}
		// sameAlice checks that alice kept her id and is in the group or not.
		sameAlice := func(group string, inGroup bool) resource.TestCheckFunc {
			return func(s *terraform.State) error {
				id, err := stateAttr(s, "harness_scim_user.alice", "id")
				if err != nil {
					return err
				}
				if id != aliceID {
					return fmt.Errorf("alice's id changed from %s to %s; this test needs a replacement that keeps it", aliceID, id)
				}
				want := []string{bobID}
				if inGroup {
					want = append(want, aliceID)
				}
				return m.expectGroup(&groupID, group, want...)(s)
			}
		}
		replaced := []plancheck.PlanCheck{
			plancheck.ExpectResourceAction("harness_scim_user.alice", plancheck.ResourceActionDestroyBeforeCreate),
			plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&groupID),
			Steps: []resource.TestStep{
				{
					Config: cfg("Keep"),
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr("harness_scim_user.alice", "id", &aliceID),
						captureAttr("harness_scim_user.bob", "id", &bobID),
						captureAttr(groupAddr, "id", &groupID),
						func(s *terraform.State) error { return sameAlice("Keep", true)(s) },
					),
				},
				{
					// No rename: the refresh (two users, the group), the
					// PATCH active=false and the POST; the group's update is
					// skipped, and the next plan adds alice back.
					PreConfig:        m.reset,
					Taint:            []string{"harness_scim_user.alice"},
					Config:           cfg("Keep"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 2, mockserver.OpGetGroup: 1,
							mockserver.OpPatchUser: 1, mockserver.OpCreateUser: 1}),
						sameAlice("Keep", false),
					),
					ExpectNonEmptyPlan: true,
				},
				{
					// The next apply: the refresh, one PATCH and one GET.
					PreConfig: m.reset,
					Config:    cfg("Keep"),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 2, mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}),
						sameAlice("Keep", true),
					),
				},
				{
					// With a rename Update runs and reads the group first,
					// so one PATCH renames it and adds alice back: the
					// refresh, PATCH active=false, POST, then GET, PATCH, GET.
					// The next plan is empty.
					PreConfig:        m.reset,
					Taint:            []string{"harness_scim_user.alice"},
					Config:           cfg("Keep Renamed"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 2, mockserver.OpGetGroup: 3,
							mockserver.OpPatchUser: 1, mockserver.OpCreateUser: 1, mockserver.OpPatchGroup: 1}),
						sameAlice("Keep Renamed", true),
					),
				},
			},
		})
	})
}

// TestAccSCIMGroup_planTimeErrors refuses bad input before anything is
// sent, under every profile. The id-related steps differ by generation:
// only NextGen derives the id from display_name (harness-api.md 2.2), so
// NextGen refuses a name that gives no id at plan time and explains the
// 409 for a taken id, while FirstGen accepts such a name and adopts an
// existing group of the same name.
func TestAccSCIMGroup_planTimeErrors(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(1)
		seeded := m.SeedGroup(mockserver.GroupSpec{Name: "dev-team"})
		steps := []resource.TestStep{
			{
				Config:      m.config(groupConfig("Mail", []string{"alice@example.com"})),
				PlanOnly:    true,
				ExpectError: expectErr(`Email instead of user id`, `"alice@example.com" is an email`),
			},
			{
				Config:      m.config(groupConfigAsGiven("Dup", []string{"AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB", "AAAAAAAAAAAAAAAAAAAAAA"})),
				PlanOnly:    true,
				ExpectError: expectErr(`Duplicate members`, `members lists user id "AAAAAAAAAAAAAAAAAAAAAA" more than once`),
			},
		}
		if p.Generation == mockserver.NextGen {
			steps = append(steps,
				resource.TestStep{
					Config:      m.config(groupConfig("2024", nil)),
					PlanOnly:    true,
					ExpectError: expectErr(`display_name gives no Harness group id`),
				},
				resource.TestStep{
					PreConfig: m.reset,
					Config:    m.config(groupConfig("dev.team", nil)),
					ExpectError: expectErr(`Harness group id already in use`, `derives the id "dev_team" from display_name "dev.team"`,
						`terraform import <address> dev_team`),
				},
			)
		} else {
			steps = append(steps,
				resource.TestStep{
					// FirstGen ids are not derived from the name.
					Config:             m.config(groupConfig("2024", nil)),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				},
				resource.TestStep{
					// The POST answers with the existing group; its members
					// are then set: one PATCH and one GET.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("dev-team", u)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), knownvalue.StringExact(seeded.ID)),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpCreateGroup: 1, mockserver.OpPatchGroup: 1, mockserver.OpGetGroup: 1}),
						m.expectGroup(&seeded.ID, "dev-team", u...),
					),
				},
			)
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps:                    steps,
		})
		if n := m.Count(mockserver.OpCreateGroup); n != 1 {
			t.Errorf("CreateGroup requests: %d, want 1 (plan-time errors send nothing)", n)
		}
	})
}

// TestConvergeMembersRetriesOnlyWhenItCanHelp: a second PATCH is sent when
// the group read back lacks a member the first PATCH did not add (the
// caller's view was stale), never to re-add ids Harness just ignored.
func TestConvergeMembersRetriesOnlyWhenItCanHelp(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		t.Parallel()
		m := newMock(t, p)
		c, err := client.New(client.Config{Endpoint: m.URL, AccountID: m.AccountID(), APIKey: m.Token(),
			Generation: client.Generation(generationOf(p))})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		u := m.seedUsers(3)
		// Terraform thinks the group has u0 and u1; u0 was removed since.
		seeded := m.SeedGroup(mockserver.GroupSpec{Name: "Converge", Members: u[1:2]})
		g := &client.SCIMGroup{ID: seeded.ID, DisplayName: "Converge"}
		m.reset()
		got, diags := convergeMembers(ctx, c, g, "", []string{u[0], u[2]}, []string{u[0], u[1]})
		if diags.HasError() || got == nil || !sameMembers(got.MemberIDs(), []string{u[0], u[2]}) {
			t.Fatalf("stale view: got %+v, %v", got, diags)
		}
		if err := m.expectCounts(map[string]int{mockserver.OpPatchGroup: 2, mockserver.OpGetGroup: 2})(nil); err != nil {
			t.Fatalf("stale view: %v", err)
		}
		m.reset()
		got, diags = convergeMembers(ctx, c, g, "", []string{u[0], u[2], unknownUserID}, []string{u[0], u[2]})
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), unknownUserID) || got == nil {
			t.Fatalf("unknown id: got %+v, %v", got, diags)
		}
		if err := m.expectCounts(map[string]int{mockserver.OpPatchGroup: 1, mockserver.OpGetGroup: 1})(nil); err != nil {
			t.Fatalf("unknown id: %v", err)
		}
	})
}
