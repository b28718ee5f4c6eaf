package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

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
		cfg := func(aliceExtra, group string) string {
			return m.config(fmt.Sprintf(`
resource "harness_scim_user" "alice" {
  user_name    = "alice@example.com"
  display_name = "Alice"
  given_name   = "Alice"
  family_name  = "Liddell"
%s
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
`, aliceExtra, group))
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
		// GetUser: the refresh of bob and alice, and the membership's
		// create reading alice.
		renameCounts := map[string]int{mockserver.OpGetUser: 3, mockserver.OpGetGroup: 5, mockserver.OpPatchGroup: 3,
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
			Config:           cfg("", "Pair"),
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
				Config: cfg("", "Pair"),
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
				Config:    cfg("", "Pair"),
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
			Config:           cfg("", "Pair Renamed"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: replaced},
			Check: resource.ComposeAggregateTestCheckFunc(
				m.expectCounts(renameCounts),
				inGroups("Pair Renamed", true),
			),
		})
		if nextGen {
			steps = append(steps, resource.TestStep{
				// The same with a replacement NextGen itself requires: a
				// new externalId, which only its create stores.
				PreConfig:        m.reset,
				Config:           cfg(`  external_id  = "00u2"`, "Pair"),
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
// group and re-enables it on POST (docs/design/harness-api.md 1.4, 1.7). So FirstGen
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
