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
					// Members are imported too (TestAccSCIMGroup_importEveryWay).
					ResourceName:      groupAddr,
					ImportState:       true,
					ImportStateVerify: true,
				},
				{
					ResourceName:      groupAddr,
					ImportState:       true,
					ImportStateId:     "Platform Engineering",
					ImportStateVerify: true,
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
// omitted (recording what Harness has), then starts and stops managing them.
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
						statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), knownvalue.ListExact(nil)),
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
					// Starting to manage members: the refresh recorded them,
					// so one PATCH and one GET.
					PreConfig: m.reset,
					Config:    m.config(groupConfig("Unmanaged", []string{u[0]})),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 2, mockserver.OpPatchGroup: 1}),
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

// TestAccSCIMGroup_import imports a group with members made elsewhere.
// Without members in the configuration the import plans nothing: members
// are left alone when omitted. With other members in the configuration
// the first plan shows the difference from the recorded members, and one
// apply converges with one PATCH and one GET.
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
						m.expectCounts(map[string]int{mockserver.OpGetGroup: 3, mockserver.OpPatchGroup: 1}),
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

// TestAccSCIMGroup_planTimeErrors refuses bad input before anything is
// sent, under every profile. The id-related steps differ by generation:
// only NextGen derives the id from display_name (docs/design/harness-api.md 2.2), so
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
				// Only a warning at plan time (an error would block the
				// destroy of computed duplicates); the apply refuses it
				// before sending anything.
				PreConfig:   m.reset,
				Config:      m.config(groupConfigAsGiven("Dup", []string{"AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB", "AAAAAAAAAAAAAAAAAAAAAA"})),
				ExpectError: expectErr(`Duplicate members`, `members lists user id "AAAAAAAAAAAAAAAAAAAAAA" more than once`, `Nothing was sent`),
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
					ExpectError: expectErr(`Harness already has this SCIM group`, `derives the id "dev_team" from display_name "dev.team"`,
						`Nothing in this apply made it`, `terraform import 'harness_scim_group.<name>' 'dev_team'`,
						`to = harness_scim_group.<name>`, `id = "dev_team"`),
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
