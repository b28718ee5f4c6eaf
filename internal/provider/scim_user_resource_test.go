package provider

import (
	"fmt"
	"regexp"
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

// checkUserGone is a CheckDestroy that asks the mock store directly.
func (m *testMock) checkUserGone(email string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, ok := m.UserByEmail(email)
		if ok && u.Member && !u.Disabled {
			return fmt.Errorf("user %s (%s) is still an active account member after destroy", email, u.ID)
		}
		return nil
	}
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
