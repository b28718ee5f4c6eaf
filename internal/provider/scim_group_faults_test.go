package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestAccSCIMGroup_createAnswerLost: Harness applies the create but the
// answer is lost. FirstGen's retry is answered with the group, which is
// tracked. NextGen's retry gets a 409 that stands: Harness keeps nothing
// proving this create made the group, so the error says how to import it;
// after the import the next apply sets nothing (the members are the ones
// sent), and destroy leaves no group behind.
func TestAccSCIMGroup_createAnswerLost(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		var id string
		cfg := m.config(groupConfig("Lost Answer", u))
		lost := resource.TestStep{
			PreConfig: func() {
				m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateGroup, DropAfterCommit: true})
				m.reset()
			},
			Config: cfg,
		}
		steps := []resource.TestStep{lost}
		if p.Generation == mockserver.NextGen {
			steps[0].ExpectError = expectErr(`Harness already has this SCIM group`, `An earlier attempt of this create failed`,
				`did not take it over`, `terraform import 'harness_scim_group.<name>' 'Lost_Answer'`)
			steps = append(steps, resource.TestStep{
				PreConfig: func() {
					if err := m.expectCounts(map[string]int{mockserver.OpCreateGroup: 2})(nil); err != nil {
						t.Fatal(err)
					}
				},
				Config:             cfg,
				ResourceName:       groupAddr,
				ImportState:        true,
				ImportStateId:      "Lost_Answer",
				ImportStatePersist: true,
			})
		}
		steps = append(steps, resource.TestStep{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), groupIDPattern(p, "Lost Answer")),
				statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("members"), membersExact(u...)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				captureAttr(groupAddr, "id", &id),
				func(*terraform.State) error {
					if n := len(m.Groups()); n != 1 {
						return fmt.Errorf("Harness has %d groups, want 1", n)
					}
					return nil
				},
				m.expectGroup(&id, "Lost Answer", u...),
			),
		}, resource.TestStep{
			// The next plan is empty.
			Config:   cfg,
			PlanOnly: true,
		})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkGroupGone(&id),
			Steps:                    steps,
		})
	})
}

// TestAccSCIMGroup_transientErrorLeavesIdPGroupAlone: an identity
// provider's group holds the name, and the create's first attempt gets a
// 502. In NextGen the retry's 409 must stand with the "already has this
// SCIM group" error: adopting the group would let Terraform change its
// members and delete it on destroy, and nothing proves the first attempt
// made it (TestSCIMGroupClientUncertainConflictStands). FirstGen's POST answers
// any create with the group of that name (docs/design/harness-api.md 2.2), fault or
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
					ExpectError: expectErr(`Harness already has this SCIM group`,
						`(after 2 attempts)`, `derives the id "Platform_Team" from display_name "Platform Team"`,
						`An earlier attempt of this create failed without a clear answer`, `did not take it over`,
						`terraform import 'harness_scim_group.<name>' 'Platform_Team'`),
				},
				{
					// Checks the failed step: nothing was changed or tracked.
					PreConfig: func() {
						if err := m.expectCounts(map[string]int{mockserver.OpCreateGroup: 2})(nil); err != nil {
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
					// Not with the identity provider's own members either.
					Config:      m.config(groupConfig("Platform Team", u[:2])),
					ExpectError: expectErr(`Harness already has this SCIM group`),
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
			if err := m.expectCounts(map[string]int{mockserver.OpCreateGroup: 2})(nil); err != nil {
				t.Error(err)
			}
			if err := m.expectGroup(&idp.ID, "Platform Team", u[:2]...)(nil); err != nil {
				t.Error(err)
			}
		}
	})
}
