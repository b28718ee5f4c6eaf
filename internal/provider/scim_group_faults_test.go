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
