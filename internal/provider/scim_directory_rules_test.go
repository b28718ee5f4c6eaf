package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestAccSCIMDirectory_generationRules applies harness_scim_user's rules
// to every user: what a generation cannot store is refused at plan time,
// naming the key.
func TestAccSCIMDirectory_generationRules(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		var step resource.TestStep
		switch p.Generation {
		case mockserver.NextGen:
			step = resource.TestStep{
				Config: m.config(baseDirectory.with(func(d *dirSpec) {
					d.extra = map[string]string{"carol@example.com": ", active = false"}
				}).hcl()),
				ExpectError: regexp.MustCompile(`(?s)active = false is not supported by\s+Harness NextGen.*User "carol@example.com": Harness NextGen removes`),
			}
		default:
			step = resource.TestStep{
				Config: m.config(baseDirectory.with(func(d *dirSpec) {
					d.extra = map[string]string{"carol@example.com": `, external_id = "x1"`}
				}).hcl()),
				ExpectError: regexp.MustCompile(`(?s)external_id is not supported by\s+Harness FirstGen.*User "carol@example.com": Harness FirstGen SCIM\s+discards`),
			}
		}
		step.PlanOnly = true
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps:                    []resource.TestStep{step},
		})
	})
}

// TestAccSCIMDirectory_names changes a user's given name, which both
// generations update with one PUT; then, in NextGen, its external_id, which
// NextGen keeps from creation: the apply deletes and creates the user again
// (same id) and adds it back to its group with one PATCH.
func TestAccSCIMDirectory_names(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		named := baseDirectory.with(func(d *dirSpec) {
			d.extra = map[string]string{"alice@example.com": `, given_name = "Alice", family_name = "Liddell"`}
		})
		renamed := named.with(func(d *dirSpec) {
			d.extra["alice@example.com"] = `, given_name = "Alicia", family_name = "Liddell"`
		})
		var aliceID string
		steps := []resource.TestStep{
			{
				Config: m.config(named.hcl()),
				Check:  captureAttr(dirAddr, "user_ids.alice@example.com", &aliceID),
			},
			{
				PreConfig: m.reset,
				Config:    m.config(renamed.hcl()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(dirAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("given_name"),
						knownvalue.StringExact("Alicia")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpReplaceUser: 1})),
					m.expectDirectory(baseDirectory.users, baseDirectory.groups),
					m.expectGivenName("alice@example.com", "Alicia"),
				),
			},
		}
		if p.Generation == mockserver.NextGen {
			external := renamed.with(func(d *dirSpec) {
				d.extra["alice@example.com"] += `, external_id = "entra-alice"`
			})
			steps = append(steps, resource.TestStep{
				PreConfig: m.reset,
				Config:    m.config(external.hcl()),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpDeleteUser: 1, mockserver.OpCreateUser: 1,
						mockserver.OpPatchGroup: 1})),
					m.expectDirectory(baseDirectory.users, baseDirectory.groups),
					resource.TestCheckResourceAttrPtr(dirAddr, "user_ids.alice@example.com", &aliceID),
				),
			})
			renamed = external
		}
		steps = append(steps, resource.TestStep{
			Config: m.config(renamed.hcl()),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
			}},
		})
		resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6Factories, Steps: steps})
	})
}

// TestAccSCIMDirectory_hiddenRows answers the users listing with an empty
// page, as NextGen's short pages can look: every user missing from it is
// read by id before it could leave state, so the plan stays empty.
func TestAccSCIMDirectory_hiddenRows(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(baseDirectory.hcl())
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: cfg},
				{
					PreConfig: func() {
						m.InjectFault(mockserver.Fault{Op: mockserver.OpSearchUsers, Times: -1, Status: http.StatusOK, Header: scimJSON,
							Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":1000}`})
						m.reset()
					},
					RefreshState: true,
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpSearchUsers: 1, mockserver.OpGetUser: 3, mockserver.OpSearchGroups: 1}),
						resource.TestCheckResourceAttr(dirAddr, "users.%", "3"),
					),
				},
				{
					PreConfig: m.ClearFaults,
					Config:    cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccSCIMDirectory_renamedOutside renames a group and a user in Harness
// behind Terraform's back: the plan shows their keys being created, and
// the apply renames them back (one PUT each) instead of creating
// duplicates, keeping their ids.
func TestAccSCIMDirectory_renamedOutside(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(baseDirectory.hcl())
		var opsID, carolID string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: cfg,
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr(dirAddr, "group_ids.Ops", &opsID),
						captureAttr(dirAddr, "user_ids.carol@example.com", &carolID),
					),
				},
				{
					PreConfig: func() {
						must(t, m.UpdateGroup(opsID, func(g *mockserver.Group) { g.Name = "Operations" }))
						must(t, m.UpdateUser(carolID, func(u *mockserver.User) { u.Email = "carol.c@example.com" }))
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectUnknownValue(dirAddr, tfjsonpath.New("group_ids").AtMapKey("Ops")),
						plancheck.ExpectUnknownValue(dirAddr, tfjsonpath.New("user_ids").AtMapKey("carol@example.com")),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpReplaceUser: 1, mockserver.OpReplaceGroup: 1})),
						m.expectDirectory(baseDirectory.users, baseDirectory.groups),
						resource.TestCheckResourceAttrPtr(dirAddr, "group_ids.Ops", &opsID),
						resource.TestCheckResourceAttrPtr(dirAddr, "user_ids.carol@example.com", &carolID),
					),
				},
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccSCIMDirectory_members refuses at plan time a member that is no
// user, and one whose key leaves users; a member that is a SCIM user
// outside the directory is accepted (found by one search).
func TestAccSCIMDirectory_members(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	m.SeedUser(mockserver.UserSpec{Email: "outsider@example.com", DisplayName: "Outsider"})
	withOutsider := baseDirectory.with(func(d *dirSpec) { d.groups["Ops"] = append(d.groups["Ops"], "Outsider@example.com") })
	users := copyMap(baseDirectory.users)
	users["outsider@example.com"] = "Outsider"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      m.config(baseDirectory.with(func(d *dirSpec) { d.groups["Ops"] = []string{"nobody@example.com"} }).hcl()),
				ExpectError: regexp.MustCompile(`(?s)Member is not a user.*"nobody@example.com" \(a member of "Ops"\) is\s+neither a key of users`),
			},
			{
				Config: m.config(withOutsider.hcl()),
				Check:  m.expectDirectory(users, withOutsider.groups),
			},
			{
				Config:      m.config(withOutsider.with(func(d *dirSpec) { delete(d.users, "carol@example.com") }).hcl()),
				ExpectError: regexp.MustCompile(`(?s)"Carol@example.com" is a member of group "Ops", but\s+leaves users`),
			},
		},
	})
}

// expectGivenName checks a user's given name in Harness.
func (m *testMock) expectGivenName(email, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, ok := m.UserByEmail(email)
		if !ok || u.GivenName != want {
			return fmt.Errorf("Harness has user %s with given name %q, want %q", email, u.GivenName, want)
		}
		return nil
	}
}

// TestAccSCIMDirectory_badInputs refuses at plan time what Harness could not
// store, naming the user or group.
func TestAccSCIMDirectory_badInputs(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	bad := func(edit func(d *dirSpec), pattern string) resource.TestStep {
		return resource.TestStep{Config: m.config(baseDirectory.with(edit).hcl()), PlanOnly: true,
			ExpectError: regexp.MustCompile(pattern)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			bad(func(d *dirSpec) { d.extra = map[string]string{"alice@example.com": `, given_name = "Alice"`} },
				`(?s)family_name is required when given_name is set.*User "alice@example.com"`),
			bad(func(d *dirSpec) { d.groups["2024"] = []string{} }, `(?s)display_name gives no Harness group id.*"2024"`),
			bad(func(d *dirSpec) { d.groups["dev-team"], d.groups["dev.team"] = []string{}, []string{} },
				`(?s)Group names give the same Harness group id.*"dev_team"`),
			bad(func(d *dirSpec) { d.users["not-an-email"] = "X" }, `(?s)Invalid user name.*"not-an-email"`),
			bad(func(d *dirSpec) { d.users["ALICE@example.com"] = "A" }, `(?s)Duplicate user name.*"ALICE@example.com"`),
			bad(func(d *dirSpec) { d.groups["Ops"] = []string{"carol@example.com", "CAROL@example.com"} },
				`(?s)Duplicate members.*"CAROL@example.com"`),
		},
	})
}
