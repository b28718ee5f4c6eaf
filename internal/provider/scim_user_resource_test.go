package provider

import (
	"fmt"
	"regexp"
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

func scimUserConfig(userName, displayName string, extra string) string {
	return fmt.Sprintf(`
resource "harness_scim_user" "test" {
  user_name    = %[1]q
  display_name = %[2]q
%[3]s
}
`, userName, displayName, extra)
}

func TestAccSCIMUser_lifecycle(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		var id string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("alice@example.com"),
			Steps: []resource.TestStep{
				{
					PreConfig: m.reset,
					Config:    m.config(scimUserConfig("alice@example.com", "Alice Doe", "")),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionCreate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("user_name"), knownvalue.StringExact("alice@example.com")),
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("display_name"), knownvalue.StringExact("Alice Doe")),
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("active"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("on_destroy"), knownvalue.StringExact("delete")),
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`))),
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpCreateUser: 1}),
						captureAttr("harness_scim_user.test", "id", &id),
					),
				},
				{
					// One GET per refresh.
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(map[string]int{mockserver.OpGetUser: 1}),
				},
				{
					PreConfig: m.reset,
					Config:    m.config(scimUserConfig("alice@example.com", "Alice Smith", "")),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("display_name"), knownvalue.StringExact("Alice Smith")),
					},
					// The plan's refresh reads once, the update is one PUT.
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpReplaceUser: 1}),
						func(*terraform.State) error {
							u, _ := m.User(id)
							if u.DisplayName != "Alice Smith" {
								return fmt.Errorf("mock has display name %q", u.DisplayName)
							}
							return nil
						},
					),
				},
				{
					ResourceName:      "harness_scim_user.test",
					ImportState:       true,
					ImportStateVerify: true,
				},
				{
					ResourceName:      "harness_scim_user.test",
					ImportState:       true,
					ImportStateId:     "Alice@Example.com",
					ImportStateVerify: true,
				},
				{
					// Removing the resource from the configuration deletes it
					// with one request after the plan's refresh.
					PreConfig: m.reset,
					Config:    m.providerConfig(),
					Check:     m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpDeleteUser: 1}),
				},
			},
		})
	})
}

func TestAccSCIMUser_outOfBandDeleteRecreates(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(scimUserConfig("bob@example.com", "Bob", ""))
		var id string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("bob@example.com"),
			Steps: []resource.TestStep{
				{Config: cfg, Check: captureAttr("harness_scim_user.test", "id", &id)},
				{
					// Someone deletes the user in Harness: the refresh notices
					// (one GET answering 404) and the apply re-creates it.
					PreConfig: func() {
						if !m.RemoveUser(id) {
							t.Fatalf("user %s not found in the mock", id)
						}
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionCreate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpCreateUser: 1}),
						func(s *terraform.State) error {
							newID, err := stateAttr(s, "harness_scim_user.test", "id")
							if err != nil {
								return err
							}
							if newID != userID(m, "bob@example.com") {
								return fmt.Errorf("state id %s does not match the mock's user %s", newID, userID(m, "bob@example.com"))
							}
							// NextGen keeps the person when removing it from the
							// account, so the same id comes back.
							if p.Generation == mockserver.NextGen && newID != id {
								return fmt.Errorf("NextGen re-create changed the id from %s to %s", id, newID)
							}
							return nil
						},
					),
				},
			},
		})
	})
}

func TestAccSCIMUser_outOfBandEditIsUpdated(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(scimUserConfig("carol@example.com", "Carol", `  given_name = "Carol"
  family_name = "Jones"`))
		var id string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("carol@example.com"),
			Steps: []resource.TestStep{
				{Config: cfg, Check: captureAttr("harness_scim_user.test", "id", &id)},
				{
					PreConfig: func() {
						if err := m.UpdateUser(id, func(u *mockserver.User) { u.DisplayName = "Mallory" }); err != nil {
							t.Fatal(err)
						}
						m.reset()
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("display_name"), knownvalue.StringExact("Carol")),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpReplaceUser: 1}),
						func(*terraform.State) error {
							if u, _ := m.User(id); u.DisplayName != "Carol" {
								return fmt.Errorf("display name in Harness is %q after apply", u.DisplayName)
							}
							return nil
						},
					),
				},
			},
		})
	})
}

func TestAccSCIMUser_caseOnlyDifferences(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("dave@example.com"),
			Steps: []resource.TestStep{
				{
					// Harness stores dave@example.com; the configured
					// spelling stays in state and the follow-up plan is empty.
					Config: m.config(scimUserConfig("Dave@Example.COM", "Dave", "")),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("user_name"), knownvalue.StringExact("Dave@Example.COM")),
					},
					Check: func(*terraform.State) error {
						if _, ok := m.UserByEmail("dave@example.com"); !ok {
							return fmt.Errorf("mock has no dave@example.com")
						}
						return nil
					},
				},
				{
					// A refresh-only plan of the same config is empty too.
					Config:   m.config(scimUserConfig("Dave@Example.COM", "Dave", "")),
					PlanOnly: true,
				},
				{
					// Changing only the case of user_name updates state
					// without calling Harness.
					PreConfig: m.reset,
					Config:    m.config(scimUserConfig("dave@example.com", "Dave", "")),
					Check:     m.expectCounts(map[string]int{mockserver.OpGetUser: 1}),
				},
			},
		})
	})
}

func TestAccSCIMUser_adoptsExistingUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		seeded := m.SeedUser(mockserver.UserSpec{Email: "erin@example.com", DisplayName: "Erin Old", GivenName: "Erin", FamilyName: "Old"})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("erin@example.com"),
			Steps: []resource.TestStep{{
				// Harness's POST answers 201 with the existing user: one
				// request, no duplicate, the existing id is adopted.
				PreConfig: m.reset,
				Config:    m.config(scimUserConfig("erin@example.com", "Erin New", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("id"), knownvalue.StringExact(seeded.ID)),
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("display_name"), knownvalue.StringExact("Erin New")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpCreateUser: 1}),
					func(*terraform.State) error {
						if n := len(m.Users()); n != 2 { // the admin and erin
							return fmt.Errorf("mock has %d account users, want 2 (admin + erin)", n)
						}
						return nil
					},
				),
			}},
		})
	})
}

func TestAccSCIMUser_namesAndExternalID(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		names := func(given string) string {
			return m.config(scimUserConfig("frank@example.com", "Frank Miller", fmt.Sprintf(`  given_name  = %q
  family_name = "Miller"`, given)))
		}
		// Both generations' PUT updates names in place (NextGen's through
		// CG: see TestAccSCIMUser_namesUpdateInPlace).
		action := plancheck.ResourceActionUpdate
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("frank@example.com"),
			Steps: []resource.TestStep{
				{
					Config: names("Frank"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("given_name"), knownvalue.StringExact("Frank")),
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("family_name"), knownvalue.StringExact("Miller")),
					},
				},
				{
					Config: names("Franklin"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", action),
					}},
					Check: func(*terraform.State) error {
						u, ok := m.UserByEmail("frank@example.com")
						if !ok || !u.Member || u.GivenName != "Franklin" {
							return fmt.Errorf("mock user after rename: %+v", u)
						}
						return nil
					},
				},
			},
		})
	})
}

func TestAccSCIMUser_externalID(t *testing.T) {
	for _, name := range []string{"nextgen", "nextgen-legacy"} {
		t.Run(name, func(t *testing.T) { testNextGenExternalID(t, mockserver.MustProfile(name)) })
	}
	t.Run("firstgen", func(t *testing.T) {
		m := newMock(t, mockserver.MustProfile("firstgen"))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config:      m.config(scimUserConfig("gina@example.com", "Gina", `  external_id = "00u1"`)),
				ExpectError: regexp.MustCompile(`external_id is not supported by Harness FirstGen`),
			}},
		})
		if n := len(m.Requests()); n != 0 {
			t.Errorf("a plan-time error made %d Harness requests", n)
		}
	})
}

func TestAccSCIMUser_planTimeErrors(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		bad := func(extra string) string { return m.config(scimUserConfig("hal@example.com", "Hal", extra)) }
		steps := []resource.TestStep{
			{Config: m.config(scimUserConfig("not-an-email", "Hal", "")), ExpectError: regexp.MustCompile(`(?s)Invalid email address.*user_name`)},
			{Config: m.config(scimUserConfig("Hal <hal@example.com>", "Hal", "")), ExpectError: regexp.MustCompile(`Invalid email address`)},
			{Config: m.config(scimUserConfig("hal@example.com", "  ", "")), ExpectError: regexp.MustCompile(`display_name must not be empty`)},
			{Config: bad(`  given_name = ""`), ExpectError: regexp.MustCompile(`given_name must not be empty`)},
			{Config: bad(`  on_destroy = "archive"`), ExpectError: regexp.MustCompile(`(?s)on_destroy.*value must be one of`)},
			{Config: bad(`  bogus = 1`), ExpectError: regexp.MustCompile(`Unsupported argument`)},
		}
		if p.Generation == mockserver.NextGen {
			steps = append(steps, resource.TestStep{
				Config: bad(`  active = false`), ExpectError: regexp.MustCompile(`active = false is not supported by Harness NextGen`),
			})
		}
		for i := range steps {
			steps[i].PlanOnly = true
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps:                    steps,
		})
		if n := len(m.Requests()); n != 0 {
			t.Errorf("plan-time errors made %d Harness requests, want 0", n)
		}
	})
}

func TestAccSCIMUser_onDestroyDeactivate(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(scimUserConfig("ivan@example.com", "Ivan", `  on_destroy = "deactivate"`))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy: func(*terraform.State) error {
				u, ok := m.UserByEmail("ivan@example.com")
				if p.Generation == mockserver.FirstGen {
					// FirstGen without PL_USER_DELETION_V2 keeps the user, disabled.
					if !ok || !u.Member || !u.Disabled {
						return fmt.Errorf("FirstGen user after deactivation: %+v (found %v), want a disabled member", u, ok)
					}
				} else if ok && u.Member {
					return fmt.Errorf("NextGen user is still an account member after deactivation")
				}
				if n := m.Count(mockserver.OpDeleteUser); n != 0 {
					return fmt.Errorf("destroy sent %d DELETE requests, want a PATCH", n)
				}
				if n := m.Count(mockserver.OpPatchUser); n != 1 {
					return fmt.Errorf("destroy sent %d PATCH requests, want 1", n)
				}
				return nil
			},
			Steps: []resource.TestStep{{Config: cfg}},
		})
	})
}

func TestAccSCIMUser_firstGenInactive(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("firstgen"))
	var id string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkUserGone("judy@example.com"),
		Steps: []resource.TestStep{
			{
				Config: m.config(scimUserConfig("judy@example.com", "Judy", "")),
				Check:  captureAttr("harness_scim_user.test", "id", &id),
			},
			{
				// Deactivated outside Terraform (an IdP sync): the plan shows
				// active going back to true and the apply re-activates.
				PreConfig: func() {
					if err := m.UpdateUser(id, func(u *mockserver.User) { u.Disabled = true }); err != nil {
						t.Fatal(err)
					}
				},
				Config: m.config(scimUserConfig("judy@example.com", "Judy", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("active"), knownvalue.Bool(true)),
				}},
				Check: func(*terraform.State) error {
					if u, _ := m.User(id); u.Disabled {
						return fmt.Errorf("user still disabled after apply")
					}
					return nil
				},
			},
			{
				// FirstGen can keep a user inactive, so active = false works.
				Config: m.config(scimUserConfig("judy@example.com", "Judy", "  active = false")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("active"), knownvalue.Bool(false)),
				},
				Check: func(*terraform.State) error {
					if u, _ := m.User(id); !u.Disabled {
						return fmt.Errorf("user not disabled after apply")
					}
					return nil
				},
			},
		},
	})
}

func TestAccSCIMUser_importBlockAndNotFound(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		seeded := m.SeedUser(mockserver.UserSpec{Email: "kate@example.com", DisplayName: "Kate"})
		invited := m.SeedUser(mockserver.UserSpec{Email: "leo@example.com", DisplayName: "Leo", NotImported: true})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					// An import {} block adopting a user provisioned elsewhere.
					Config: m.config(`
import {
  to = harness_scim_user.test
  id = "Kate@Example.com"
}
` + scimUserConfig("kate@example.com", "Kate", "")),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("id"), knownvalue.StringExact(seeded.ID)),
					},
				},
				{
					// Users invited in the UI are not found by user_name.
					ResourceName: "harness_scim_user.other",
					Config: m.config(scimUserConfig("kate@example.com", "Kate", "") + `resource "harness_scim_user" "other" {
  user_name    = "leo@example.com"
  display_name = "Leo"
}
`),
					ImportState:   true,
					ImportStateId: "leo@example.com",
					ExpectError:   expectErr(`Harness has no SCIM user with user_name "leo@example.com"`, `import a user invited in the Harness UI by its id`),
				},
				{
					// ...but by id.
					ResourceName: "harness_scim_user.other",
					Config: m.config(scimUserConfig("kate@example.com", "Kate", "") + `resource "harness_scim_user" "other" {
  user_name    = "leo@example.com"
  display_name = "Leo"
}
`),
					ImportState:        true,
					ImportStateId:      invited.ID,
					ImportStatePersist: true,
					ImportStateCheck: func(states []*terraform.InstanceState) error {
						for _, st := range states {
							if st.ID == invited.ID && st.Attributes["user_name"] == "leo@example.com" {
								return nil
							}
						}
						return fmt.Errorf("user %s not imported: %+v", invited.ID, states)
					},
				},
			},
		})
	})
}

// Importing a user whose configuration sets given and family names must not
// plan a replacement where Harness does not report names (NextGen without
// PL_NEW_SCIM_STANDARDS): a replacement would remove the person from the
// account, its groups and role bindings.
func TestAccSCIMUser_importWithNames(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		seeded := m.SeedUser(mockserver.UserSpec{Email: "nina@example.com", DisplayName: "Nina Lee", GivenName: "Nina", FamilyName: "Lee"})
		action := plancheck.ResourceActionNoop
		if !p.NewSCIMStandards && p.Generation == mockserver.NextGen {
			// Names are recorded in state, in place, with a warning.
			action = plancheck.ResourceActionUpdate
		}
		cfg := m.config(`
import {
  to = harness_scim_user.test
  id = "nina@example.com"
}
` + scimUserConfig("nina@example.com", "Nina Lee", `  given_name  = "Nina"
  family_name = "Lee"`))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				PreConfig: m.reset,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("harness_scim_user.test", action),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("id"), knownvalue.StringExact(seeded.ID)),
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("given_name"), knownvalue.StringExact("Nina")),
				},
				Check: func(*terraform.State) error {
					if n := m.Count(mockserver.OpDeleteUser) + m.Count(mockserver.OpCreateUser); n != 0 {
						return fmt.Errorf("the import replaced the user (%d DELETE/POST requests)", n)
					}
					if u, _ := m.User(seeded.ID); !u.Member {
						return fmt.Errorf("the user left the account")
					}
					return nil
				},
			}},
		})
	})
}

// testNextGenExternalID: NextGen stores externalId only on create.
func testNextGenExternalID(t *testing.T, p mockserver.Profile) {
	m := newMock(t, p)
	cfg := func(ext string) string {
		return m.config(scimUserConfig("gina@example.com", "Gina", fmt.Sprintf("  external_id = %q", ext)))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkUserGone("gina@example.com"),
		Steps: []resource.TestStep{
			{
				Config: cfg("00u1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("external_id"), knownvalue.StringExact("00u1")),
				},
			},
			{
				// NextGen stores externalId only on create: replace.
				Config: cfg("00u2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: func(*terraform.State) error {
					if u, _ := m.UserByEmail("gina@example.com"); u.ExternalID != "00u2" {
						return fmt.Errorf("externalId in Harness is %q", u.ExternalID)
					}
					return nil
				},
			},
			{
				// Omitting it keeps Harness's value without a diff.
				Config:   m.config(scimUserConfig("gina@example.com", "Gina", "")),
				PlanOnly: true,
			},
		},
	})
}

// TestAccSCIMUser_sameEmailTwice: two resources whose user_name differs
// only in case are one Harness user (Harness's POST is idempotent by
// email, case-insensitively). The plan warns; the apply creates one and
// refuses the other, naming both, so neither takes over the other's user
// and no plan flips display_name; the destroy leaves nothing.
func TestAccSCIMUser_sameEmailTwice(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(`
resource "harness_scim_user" "a" {
  user_name    = "Alice@Example.com"
  display_name = "Alice A"
}

resource "harness_scim_user" "b" {
  user_name    = "alice@example.com"
  display_name = "Alice B"
}
`)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("alice@example.com"),
			Steps: []resource.TestStep{{
				Config: cfg,
				ExpectError: regexp.MustCompile(`(?s)` + anyOf(
					expectErr(`Two harness_scim_user resources are one Harness user`, `(user_name "Alice@Example.com") and another`,
						`(user_name "alice@example.com") are one Harness user`, `Terraform did not record this resource`),
					expectErr(`Two harness_scim_user resources are one Harness user`, `(user_name "alice@example.com") and another`,
						`(user_name "Alice@Example.com") are one Harness user`, `Terraform did not record this resource`))),
			}, {
				PreConfig: func() {
					if n := m.Count(mockserver.OpCreateUser); n != 2 {
						t.Fatalf("CreateUser was sent %d times, want 2", n)
					}
				},
				// One resource holds the user; the other is planned again.
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			}},
		})
	})
}

// anyOf matches any of the patterns.
func anyOf(res ...*regexp.Regexp) string {
	parts := make([]string, len(res))
	for i, re := range res {
		parts[i] = "(?:" + strings.TrimPrefix(re.String(), "(?s)") + ")"
	}
	return strings.Join(parts, "|")
}
