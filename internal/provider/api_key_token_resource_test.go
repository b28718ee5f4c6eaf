package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const tokenAddr = "harness_api_key_token.t"

// tokenConfig is a service account, key "entra" and token "entra_token".
func tokenConfig(extra string) string {
	return apiKeyConfig("entra", "Entra ID", "") + fmt.Sprintf(`
resource "harness_api_key_token" "t" {
  identifier  = "entra_token"
  name        = "Entra ID SCIM"
  apikey_id   = harness_api_key.key.identifier
  apikey_type = harness_api_key.key.apikey_type
  parent_id   = harness_api_key.key.parent_id
%s
}
`, extra)
}

var satValueRE = regexp.MustCompile(`^sat\.` + mockserver.DefaultAccountID + `\.[0-9a-f]{24}\.[A-Za-z0-9]{20}$`)

func TestAccAPIKeyToken_lifecycle(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	var first, second string
	sameValue := statecheck.CompareValue(compare.ValuesSame())
	refresh := map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1}
	plus := func(extra map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range refresh {
			out[k] = v
		}
		for k, v := range extra {
			out[k] += v
		}
		return out
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{
			{
				PreConfig: m.reset,
				Config:    m.config(tokenConfig("")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("id"), knownvalue.StringExact("scim_sa/entra/SERVICE_ACCOUNT/entra_token")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.StringRegexp(satValueRE)),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("rotation_grace_period"), knownvalue.StringExact("1h")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("valid_to"), knownvalue.StringFunc(func(v string) error {
						to, err := time.Parse(time.RFC3339, v)
						if err != nil || time.Until(to) < 29*24*time.Hour {
							return fmt.Errorf("valid_to %q is not the key's 30-day default", v)
						}
						return nil
					})),
					sameValue.AddStateValue(tokenAddr, tfjsonpath.New("value")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Create is one POST and one list to learn the validity.
					m.expectCounts(map[string]int{mockserver.OpCreateServiceAccount: 1, mockserver.OpCreateAPIKey: 1,
						mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1}),
					captureAttr(tokenAddr, "value", &first),
					m.expectStoredValue("entra_token", &first),
					m.expectWorks(map[*string]bool{&first: true}),
				),
			},
			{
				PreConfig:    m.reset,
				RefreshState: true,
				Check:        m.expectCounts(refresh),
			},
			{
				// An in-place update keeps the value.
				PreConfig: m.reset,
				Config:    m.config(tokenConfig(`description = "used by Entra ID"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.NotNull()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameValue.AddStateValue(tokenAddr, tfjsonpath.New("value"))},
				Check:             m.expectCounts(plus(map[string]int{mockserver.OpUpdateToken: 1})),
			},
			{
				// rotation_triggers rotate in place: same identifier, new value,
				// and the old value keeps working for the grace period.
				PreConfig: m.reset,
				Config:    m.config(tokenConfig(`description = "used by Entra ID"` + "\n  rotation_triggers = { rotated = \"2030-01\" }")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("value")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("identifier"), knownvalue.StringExact("entra_token")),
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.StringRegexp(satValueRE)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Three reads of the key's room (the plan's, terraform's plan
					// at apply, the apply's), rotate, then one list to learn the
					// new validFrom.
					m.expectCounts(plus(map[string]int{mockserver.OpRotateToken: 1, mockserver.OpListTokens: 4})),
					captureAttr(tokenAddr, "value", &second),
					func(*terraform.State) error {
						if second == first {
							return fmt.Errorf("rotation kept the value")
						}
						return nil
					},
					m.expectStoredValue("entra_token", &second),
					m.expectWorks(map[*string]bool{&first: true, &second: true}),
				),
			},
			{
				// Past the grace period only the new value works; nothing to do.
				PreConfig: func() { m.AdvanceTime(time.Hour + time.Minute); m.reset() },
				Config:    m.config(tokenConfig(`description = "used by Entra ID"` + "\n  rotation_triggers = { rotated = \"2030-01\" }")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(refresh),
					m.expectWorks(map[*string]bool{&first: false, &second: true}),
				),
			},
			{
				ResourceName:      tokenAddr,
				ImportState:       true,
				ImportStateId:     "scim_sa/entra/SERVICE_ACCOUNT/entra_token",
				ImportStateVerify: true,
				// Harness keeps neither the value nor Terraform's rotation
				// settings.
				ImportStateVerifyIgnore: []string{"value", "rotation_triggers", "rotation_triggers.%", "rotation_triggers.rotated",
					"rotation_grace_period"},
			},
			{
				// Deleted in Harness: noticed and created again, after one
				// read of its key (the apply does not create the key, so it
				// checks that Harness has it).
				PreConfig: func() { m.RemoveToken(saKey("entra"), "entra_token"); m.reset() },
				Config:    m.config(tokenConfig(`description = "used by Entra ID"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(plus(map[string]int{mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1, mockserver.OpGetAPIKey: 1})),
					captureAttr(tokenAddr, "value", &first),
					m.expectStoredValue("entra_token", &first),
				),
			},
			{
				// The key deleted in Harness takes its tokens along: both are
				// created again.
				PreConfig: func() { m.RemoveAPIKey(saKey("entra")); m.reset() },
				Config:    m.config(tokenConfig(`description = "used by Entra ID"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("harness_api_key.key", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 2,
						mockserver.OpCreateAPIKey: 1, mockserver.OpCreateToken: 1}),
					m.expectWorks(map[*string]bool{&first: false}),
				),
			},
			{
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra", "Entra ID", "")),
				Check:     m.expectCounts(plus(map[string]int{mockserver.OpDeleteToken: 1})),
			},
		},
	})
}

func TestAccAPIKeyToken_limitAndValidation(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      m.config(tokenConfig(`valid_to = "2001-01-01T00:00:00Z"`)),
				ExpectError: regexp.MustCompile(`valid_to is in the past`),
			},
			{
				Config:      m.config(tokenConfig(`valid_to = "2030-01-01T00:00:00Z"` + "\n  lifetime = \"1h\"")),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				Config: m.config(apiKeyConfig("entra", "Entra ID", "") + `
resource "harness_api_key_token" "many" {
  count       = 6
  identifier  = "tok${count.index}"
  name        = "tok ${count.index}"
  apikey_id   = harness_api_key.key.identifier
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
}
`),
				ExpectError: regexp.MustCompile(`(?s)Maximum\s+limit\s+has\s+reached.*5\s+tokens\s+per\s+API\s+key`),
			},
		},
	})
}

// The configured valid_from and valid_to are sent as given, written in any
// time zone, without a diff.
func TestAccAPIKeyToken_explicitWindow(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	from := time.Now().Add(-time.Hour).Truncate(time.Second)
	to := from.Add(48 * time.Hour)
	window := fmt.Sprintf("valid_from = %q\n  valid_to = %q", from.In(time.FixedZone("CEST", 2*3600)).Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig: m.reset,
				Config:    m.config(tokenConfig(window)),
				Check: resource.ComposeAggregateTestCheckFunc(
					// Both ends known: no list after the create.
					m.expectCounts(map[string]int{mockserver.OpCreateServiceAccount: 1, mockserver.OpCreateAPIKey: 1, mockserver.OpCreateToken: 1}),
					func(*terraform.State) error {
						tok, _ := m.LookupToken(saKey("entra"), "entra_token")
						if !tok.ValidFrom.Equal(from) || !tok.ValidTo.Equal(to) {
							return fmt.Errorf("mock window %s..%s, want %s..%s", tok.ValidFrom, tok.ValidTo, from, to)
						}
						return nil
					},
				),
			},
			{
				// A rotation keeps the configured window: valid_from is put back.
				PreConfig: m.reset,
				Config:    m.config(tokenConfig(window + "\n  rotation_triggers = { n = \"1\" }")),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 5,
						mockserver.OpRotateToken: 1, mockserver.OpUpdateToken: 1}),
					func(*terraform.State) error {
						tok, _ := m.LookupToken(saKey("entra"), "entra_token")
						if !tok.ValidFrom.Equal(from) || !tok.ValidTo.Equal(to) {
							return fmt.Errorf("after rotation the window is %s..%s", tok.ValidFrom, tok.ValidTo)
						}
						return nil
					},
				),
			},
		},
	})
}

// A token past its expiry is gone even when Harness has not purged it yet
// (the purge is a lagging TTL index, and docs/design/harness-api.md does not promise
// it): the refresh plans its creation, and the create replaces the dead
// token that still holds the identifier.
func TestAccAPIKeyToken_expiredButNotPurged(t *testing.T) {
	m := newMockWithOptions(t, mockserver.Options{KeepExpiredTokens: true})
	cfg := m.config(tokenConfig(""))
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(tokenAddr, "value", &first)},
			{
				PreConfig: func() {
					if err := m.UpdateToken(saKey("entra"), "entra_token", func(tok *mockserver.Token) {
						tok.ValidFrom, tok.ValidTo = time.Now().Add(-48*time.Hour), time.Now().Add(-time.Minute)
					}); err != nil {
						t.Error(err)
					}
					m.reset()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Refresh (list), then the create: its key read, the POST
					// refused (duplicate), one list finds the holder expired,
					// delete, create, and one list to learn the validity.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 2,
						mockserver.OpListTokens: 3, mockserver.OpCreateToken: 2, mockserver.OpDeleteToken: 1}),
					captureAttr(tokenAddr, "value", &second),
					m.expectStoredValue("entra_token", &second),
					m.expectWorks(map[*string]bool{&first: false, &second: true}),
					func(*terraform.State) error {
						if n := len(m.Tokens()); n != 1 {
							return fmt.Errorf("%d tokens in Harness, want 1", n)
						}
						return nil
					},
				),
			},
		},
	})
}

// A token whose expiry Harness does not report (validTo zero or missing, a
// scheduledExpireTime of zero) is not expired: the refresh keeps it, with
// the last known valid_to, rather than dropping it from state and planning
// a create that would delete a token that may be live.
func TestAccAPIKeyToken_unknownExpiryIsNotExpired(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cfg := m.config(tokenConfig(""))
	var value, validTo string
	step := func(validToJSON, scheduled string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				tok, _ := m.LookupToken(saKey("entra"), "entra_token")
				m.InjectFault(mockserver.Fault{Op: mockserver.OpListTokens, Status: http.StatusOK,
					Body: m.listWithExpiry(tok, validToJSON, scheduled)})
				m.reset()
			},
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("valid_to"), knownvalue.StringFunc(func(v string) error {
					if v != validTo {
						return fmt.Errorf("valid_to %s, want the last known %s", v, validTo)
					}
					return nil
				})),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1}),
				m.expectStoredValue("entra_token", &value),
				m.expectWorks(map[*string]bool{&value: true}),
			),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: resource.ComposeAggregateTestCheckFunc(
				captureAttr(tokenAddr, "value", &value), captureAttr(tokenAddr, "valid_to", &validTo))},
			step("0", "null"),
			step("null", "null"),
			step("0", "0"),
		},
	})
}

// TestAccAPIKeyToken_missingKey: Harness would create a missing API key
// for the token ("<apikey_id>_auto", which nothing manages), so a token
// whose key does not exist is refused: a warning at plan time, an error at
// apply with no token request sent, and no key made. Under the existing
// key the token is created after one read of the key (under a key created
// in the same apply, none: TestAccAPIKeyToken_lifecycle).
func TestAccAPIKeyToken_missingKey(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	orphan := apiKeyConfig("entra", "Entra ID", "") + `
resource "harness_api_key_token" "t" {
  identifier  = "entra_token"
  name        = "Entra ID SCIM"
  apikey_id   = "nokey"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{{
			PreConfig: m.reset,
			Config:    m.config(orphan),
			ExpectError: expectErr(`API key not found`, `with harness_api_key_token.t`, `"nokey" (SERVICE_ACCOUNT key of scim_sa`,
				`Harness would create a key named "nokey_auto"`, `Nothing was sent to Harness`),
		}, {
			PreConfig: func() {
				if n := m.Count(mockserver.OpCreateToken); n != 0 {
					t.Fatalf("CreateToken was sent %d times", n)
				}
				if n := len(m.APIKeys()); n != 1 {
					t.Fatalf("Harness has %d API keys, want the managed one only", n)
				}
				m.reset()
			},
			Config: m.config(tokenConfig("")),
			Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 2,
				mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1}),
		}},
	})
}
