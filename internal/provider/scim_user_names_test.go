package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Bodies Harness cannot take fail at plan time, under every profile and
// without a request: a given name without a family name (Harness's 409,
// pinned by the mock's TestCreateUserNamesHarnessCannotBuild), a family
// name without a given name (Harness would replace it by display_name),
// and a user_name that is not an email (FirstGen's 409 INVALID_EMAIL;
// NextGen would store it as the email: the message says why it is still
// refused).
func TestAccSCIMUser_bodiesHarnessCannotTake(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config:   m.config(scimUserConfig("hal@example.com", "Hal", `  given_name = "Hal"`)),
					PlanOnly: true,
					ExpectError: expectErr(`family_name is required when given_name is set`, `family_name`,
						`Harness reads the family name whenever a given name is sent and fails the request (HTTP 409 on create)`,
						`Set family_name, or remove given_name`),
				},
				{
					Config:   m.config(scimUserConfig("hal@example.com", "Hal", `  family_name = "Lee"`)),
					PlanOnly: true,
					ExpectError: expectErr(`given_name is required when family_name is set`,
						`sets both the given and the family name to display_name`, `Set given_name, or remove family_name`),
				},
				{
					Config:   m.config(scimUserConfig("UserName123", "Hal", "")),
					PlanOnly: true,
					ExpectError: expectErr(`Invalid email address`, `user_name must be a plain email address`, `"UserName123"`,
						`Harness FirstGen refuses one that is not an email address (HTTP 409 INVALID_EMAIL)`,
						`Harness NextGen would accept it, but the user then gets no invitation mail`, `Use the user's email address`),
				},
			},
		})
		if n := len(m.Requests()); n != 0 {
			t.Errorf("plan-time errors made %d Harness requests", n)
		}
	})
}

// Changing given_name and family_name updates the user in place under
// every profile: one PUT, no DELETE or POST, the same id, the user still
// in its group, and an empty plan afterwards. NextGen's PUT sets names
// through CG (harness-core 1dcec145: NGScimUserServiceImpl.updateUser ->
// ScimUserServiceImpl.updateUser, 400-rest lines 431-445; the mock's
// TestReplaceUser); where Harness reports names (PL_NEW_SCIM_STANDARDS,
// FirstGen) the empty plan proves it holds the new ones.
func TestAccSCIMUser_namesUpdateInPlace(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := func(given, family string) string {
			return m.config(scimUserConfig("frank@example.com", "Frank Miller", fmt.Sprintf("  given_name  = %q\n  family_name = %q", given, family)) + `
resource "harness_scim_group" "test" {
  display_name = "Frank's team"
  members      = [harness_scim_user.test.id]
}
`)
		}
		var id, groupID string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					Config: cfg("Frank", "Miller"),
					Check: resource.ComposeAggregateTestCheckFunc(
						captureAttr("harness_scim_user.test", "id", &id),
						captureAttr(groupAddr, "id", &groupID),
					),
				},
				{
					PreConfig: m.reset,
					Config:    cfg("Franklin", "Millerson"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("harness_scim_user.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionNoop),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("given_name"), knownvalue.StringExact("Franklin")),
						statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("family_name"), knownvalue.StringExact("Millerson")),
					},
					// The plan's refresh reads the user and the group; the
					// update is one PUT.
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpGetGroup: 1, mockserver.OpReplaceUser: 1}),
						func(s *terraform.State) error {
							u, ok := m.User(id)
							if !ok || !u.Member || u.GivenName != "Franklin" || u.FamilyName != "Millerson" {
								return fmt.Errorf("mock user %s after the name change: %+v (found %v)", id, u, ok)
							}
							return m.expectGroup(&groupID, "Frank's team", id)(s)
						},
					),
				},
				{
					// Converged: the refresh finds what was applied.
					Config:   cfg("Franklin", "Millerson"),
					PlanOnly: true,
				},
			},
		})
	})
}
