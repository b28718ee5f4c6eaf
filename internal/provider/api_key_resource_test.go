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

// scimSAConfig is the service account every key and token test hangs off.
const scimSAConfig = `
resource "harness_service_account" "sa" {
  identifier = "scim_sa"
  name       = "SCIM"
  email      = "scim@service.harness.io"
}
`

func apiKeyConfig(identifier, name, extra string) string {
	return scimSAConfig + fmt.Sprintf(`
resource "harness_api_key" "key" {
  identifier  = %[1]q
  name        = %[2]q
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
%[3]s
}
`, identifier, name, extra)
}

func TestAccAPIKey_lifecycle(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	const addr = "harness_api_key.key"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{
			{
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra", "Entra ID", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("scim_sa/entra/SERVICE_ACCOUNT")),
					// Omitted: Harness's 30 days, recorded without a diff.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_time_to_expire_token"), knownvalue.Int64Exact(2592000000)),
				},
				Check: m.expectCounts(map[string]int{mockserver.OpCreateServiceAccount: 1, mockserver.OpCreateAPIKey: 1}),
			},
			{
				// No perpetual diff for the omitted default lifetime.
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra", "Entra ID", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1}),
			},
			{
				PreConfig: m.reset,
				Config: m.config(apiKeyConfig("entra", "Entra ID provisioning", `description = "SCIM secret for Entra"
  tags = { app = "entra" }
  default_time_to_expire_token = 604800000`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpUpdateAPIKey: 1}),
					func(*terraform.State) error {
						k, _ := m.APIKey(saKey("entra"))
						if k.Name != "Entra ID provisioning" || k.DefaultTimeToExpireToken != 604800000 || k.Tags["app"] != "entra" {
							return fmt.Errorf("mock has %+v", k)
						}
						return nil
					},
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId:     "scim_sa/entra/SERVICE_ACCOUNT",
			},
			{
				// Deleted in Harness: the refresh maps Harness's 400
				// "doesn't exist in scope" to a removal and plans a create.
				PreConfig: func() { m.RemoveAPIKey(saKey("entra")); m.reset() },
				Config: m.config(apiKeyConfig("entra", "Entra ID provisioning", `description = "SCIM secret for Entra"
  tags = { app = "entra" }
  default_time_to_expire_token = 604800000`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpCreateAPIKey: 1}),
			},
			{
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra2", "Entra ID", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
					mockserver.OpDeleteAPIKey: 1, mockserver.OpCreateAPIKey: 1}),
			},
			{
				PreConfig: m.reset,
				Config:    m.config(scimSAConfig),
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
					mockserver.OpDeleteAPIKey: 1}),
			},
		},
	})
}

// Personal keys: only the calling user may own them, and the errors say so.
func TestAccAPIKey_userKeyRule(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	m.SeedServiceAccount(mockserver.ServiceAccount{Identifier: "robot", Name: "robot", Email: "robot@service.harness.io"})
	sat, err := m.MintToken(mockserver.TokenSpec{Key: mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "robot", Identifier: "ops"}, Identifier: "tf"})
	if err != nil {
		t.Fatal(err)
	}
	userKey := func(parent, extra string) string {
		return fmt.Sprintf(`
resource "harness_api_key" "mine" {
  identifier  = "personal"
  name        = "personal"
  apikey_type = "USER"
  parent_id   = %q
%s
}
`, parent, extra)
	}
	satProvider := fmt.Sprintf(`
provider "harness" {
  endpoint       = %[1]q
  account_id     = %[2]q
  api_key        = %[3]q
  retry_wait_min = "5ms"
  retry_wait_max = "20ms"
}
`, m.URL, m.AccountID(), sat)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      m.config(userKey("someone_else", "")),
				ExpectError: regexp.MustCompile(`(?s)not authenticated to create api key for\s+user.*parent_id\s+must\s+be\s+the\s+Harness\s+user\s+id`),
			},
			{
				Config:      satProvider + userKey(mockserver.AdminUserID, ""),
				ExpectError: regexp.MustCompile(`(?s)No\s+user\s+identifier\s+present\s+in\s+context.*service-account\s+token\s+\(sat\.\)`),
			},
			{
				Config:      m.config(userKey(mockserver.AdminUserID, `org_id = "org1"`)),
				ExpectError: regexp.MustCompile(`Personal API keys exist only at account scope`),
			},
			{
				// The admin's own personal key works.
				Config: m.config(userKey(mockserver.AdminUserID, "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_api_key.mine", tfjsonpath.New("id"),
						knownvalue.StringExact(mockserver.AdminUserID+"/personal/USER")),
				},
			},
		},
	})
}

func TestAccAPIKey_limit(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: m.config(scimSAConfig + `
resource "harness_api_key" "many" {
  count       = 6
  identifier  = "key${count.index}"
  name        = "key ${count.index}"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
}
`),
				ExpectError: regexp.MustCompile(`(?s)Maximum\s+limit\s+has\s+reached.*at\s+most\s+5\s+API\s+keys\s+per\s+service\s+account`),
			},
		},
	})
	if n := len(m.APIKeys()); n != 0 {
		t.Fatalf("%d keys left after destroy", n)
	}
}
