package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// rotate_before_expiry rotates a value that is about to expire, and
// lifetime gives the new value a fresh expiry.
func TestAccAPIKeyToken_rotateBeforeExpiry(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cfg := m.config(tokenConfig(`lifetime = "720h"
  rotate_before_expiry = "168h"
  rotation_grace_period = "0s"`))
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      m.config(tokenConfig(`lifetime = "24h"` + "\n  rotate_before_expiry = \"48h\"")),
				ExpectError: regexp.MustCompile(`rotate_before_expiry must be shorter than lifetime`),
			},
			{
				Config:      m.config(tokenConfig(`rotate_before_expiry = "48h"`)),
				ExpectError: regexp.MustCompile(`(?s)lifetime`),
			},
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("valid_to"), knownvalue.StringFunc(func(v string) error {
						to, err := time.Parse(time.RFC3339, v)
						if left := time.Until(to); err != nil || left > 720*time.Hour || left < 719*time.Hour {
							return fmt.Errorf("valid_to %q is not about 720h away", v)
						}
						return nil
					})),
				},
				Check: captureAttr(tokenAddr, "value", &first),
			},
			{
				// Someone shortened the token to 100h: that is under 168h, so
				// the plan rotates it in place.
				PreConfig: func() {
					_ = m.UpdateToken(saKey("entra"), "entra_token", func(tok *mockserver.Token) { tok.ValidTo = time.Now().Add(100 * time.Hour) })
					m.reset()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("value")),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("valid_to")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Three room reads (plan, terraform's plan at apply, the
					// apply's), rotate, list, and one PUT for the new valid_to.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 5,
						mockserver.OpRotateToken: 1, mockserver.OpUpdateToken: 1}),
					captureAttr(tokenAddr, "value", &second),
					m.expectStoredValue("entra_token", &second),
					// Grace period 0s: the old value stopped at once.
					m.expectWorks(map[*string]bool{&first: false, &second: true}),
					func(*terraform.State) error {
						tok, _ := m.LookupToken(saKey("entra"), "entra_token")
						if left := time.Until(tok.ValidTo); left < 719*time.Hour {
							return fmt.Errorf("the rotated token expires in %s, want about 720h", left)
						}
						return nil
					},
				),
			},
			{
				// Changing the lifetime moves valid_to in place, keeping the value.
				Config: m.config(tokenConfig(`lifetime = "360h"
  rotate_before_expiry = "168h"
  rotation_grace_period = "0s"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("valid_to"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.NotNull()),
				}},
				Check: func(*terraform.State) error {
					tok, _ := m.LookupToken(saKey("entra"), "entra_token")
					if got := tok.ValidTo.Sub(tok.ValidFrom); got != 360*time.Hour {
						return fmt.Errorf("validity is %s, want 360h", got)
					}
					return nil
				},
			},
		},
	})
}

// A rotation done in Harness leaves Terraform with a dead value: the
// refresh notices and the plan rotates again.
func TestAccAPIKeyToken_rotatedOutsideTerraform(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cfg := m.config(tokenConfig(`rotation_grace_period = "0s"`))
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(tokenAddr, "value", &first)},
			{
				PreConfig: func() {
					c, err := client.New(client.Config{Endpoint: m.URL, AccountID: m.AccountID(), APIKey: m.Token()})
					if err == nil {
						time.Sleep(5 * time.Millisecond) // a different validFrom millisecond
						_, err = c.RotateToken(context.Background(), client.APIKeyRef{Type: client.APIKeyTypeServiceAccount,
							Parent: "scim_sa", Identifier: "entra"}, "entra_token", time.Now())
					}
					if err != nil {
						t.Errorf("rotating outside Terraform: %v", err)
					}
					m.reset()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("value")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The plan's refresh validates the stale value once; the
					// room is read three times (plan, terraform's plan at apply,
					// the apply's); the apply rotates and lists once.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 5,
						mockserver.OpValidateToken: 1, mockserver.OpRotateToken: 1}),
					captureAttr(tokenAddr, "value", &second),
					m.expectStoredValue("entra_token", &second),
					m.expectWorks(map[*string]bool{&first: false, &second: true}),
				),
			},
		},
	})
}

// A validity window moved outside Terraform makes the refresh ask Harness
// whether the stored value still belongs to the token. It does, so nothing
// is planned: the value is sent to the validate route as raw text, the way
// Harness reads it (a JSON-quoted value would be refused and look rotated).
func TestAccAPIKeyToken_validFromMovedOutsideTerraform(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cfg := m.config(tokenConfig(""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := m.UpdateToken(saKey("entra"), "entra_token", func(tok *mockserver.Token) {
						tok.ValidFrom = tok.ValidFrom.Add(-time.Hour)
					}); err != nil {
						t.Error(err)
					}
					m.reset()
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
					mockserver.OpListTokens: 1, mockserver.OpValidateToken: 1}),
			},
		},
	})
}

const ngNoAccountBody = `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: injected failure","correlationId":"c"}`

// A rotation that succeeds but whose follow-up call fails is not repeated
// by the next apply: the state saved right after the rotate records the new
// value and the rotation_triggers it answered.
func TestAccAPIKeyToken_rotationFollowUpFails(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	rotated := m.config(tokenConfig(`rotation_triggers = { n = "1" }`))
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: m.config(tokenConfig("")), Check: captureAttr(tokenAddr, "value", &first)},
			{
				// The list after the rotate fails (the plan's refresh is the
				// first list of the step, then come three room reads: the
				// plan's, terraform's plan at apply and the apply's).
				PreConfig: func() {
					m.InjectFault(mockserver.Fault{Op: mockserver.OpListTokens, Nth: 5, Status: http.StatusBadRequest, Body: ngNoAccountBody})
					m.reset()
				},
				Config:      rotated,
				ExpectError: expectErr("Error reading token", "injected failure"),
			},
			{
				PreConfig: func() { m.ClearFaults(); m.reset() },
				Config:    rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1}),
					captureAttr(tokenAddr, "value", &second),
					m.expectStoredValue("entra_token", &second),
					m.expectWorks(map[*string]bool{&first: true, &second: true}),
					func(*terraform.State) error {
						if first == second {
							return fmt.Errorf("the state kept the value from before the rotation")
						}
						return nil
					},
				),
			},
			{
				// The value rotated out is still tracked although the list that
				// would have found it failed: the refresh found it, and the
				// destroy deletes it with the token.
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra", "Entra ID", "")),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1,
						mockserver.OpDeleteToken: 2}),
					m.expectWorks(map[*string]bool{&first: false, &second: false}),
					m.checkNoTokens(),
				),
			},
		},
	})
}

// A destroy without a refresh (terraform destroy -refresh=false, as
// terraform-plugin-testing's final destroy) right after a rotation whose
// list failed still deletes the value rotated out: Delete resolves it with
// one list.
//
// The service account and the key are made outside Terraform here, since
// destroying the service account would delete every token with it and hide
// a leftover.
func TestAccAPIKeyToken_rotationListFailsThenDestroy(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	m.SeedServiceAccount(mockserver.ServiceAccount{Identifier: "scim_sa", Name: "SCIM", Email: "scim@service.harness.io"})
	if _, err := m.MintToken(mockserver.TokenSpec{Key: saKey("entra"), Identifier: "seed"}); err != nil || !m.RemoveToken(saKey("entra"), "seed") {
		t.Fatalf("seeding the key: %v", err)
	}
	token := func(extra string) string {
		return m.config(`
resource "harness_api_key_token" "t" {
  identifier  = "entra_token"
  name        = "Entra ID SCIM"
  apikey_id   = "entra"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = "scim_sa"
  ` + extra + `
}
`)
	}
	var first string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			m.checkNoTokens(),
			m.expectWorks(map[*string]bool{&first: false}),
		),
		Steps: []resource.TestStep{
			{Config: token(""), Check: captureAttr(tokenAddr, "value", &first)},
			{
				// The list after the rotate fails: the fifth of the step,
				// after the refresh and three room reads.
				PreConfig: func() {
					m.InjectFault(mockserver.Fault{Op: mockserver.OpListTokens, Nth: 5, Status: http.StatusBadRequest, Body: ngNoAccountBody})
				},
				Config:      token(`rotation_triggers = { n = "1" }`),
				ExpectError: expectErr("Error reading token", "injected failure"),
			},
		},
	})
}

// With lifetime, a rotation ends with a PUT that gives the new value its
// own expiry. When that PUT fails, the next apply finishes the job with the
// PUT alone instead of rotating a second time.
func TestAccAPIKeyToken_rotationPutFails(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	rotated := m.config(tokenConfig(`lifetime = "720h"` + "\n  rotation_triggers = { n = \"1\" }"))
	var second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: m.config(tokenConfig(`lifetime = "720h"`)),
				// The token was issued a day ago, so the rotated value's own
				// 720h differ from the old valid_to.
				Check: func(*terraform.State) error {
					return m.UpdateToken(saKey("entra"), "entra_token", func(tok *mockserver.Token) {
						tok.ValidFrom, tok.ValidTo = tok.ValidFrom.Add(-24*time.Hour), tok.ValidTo.Add(-24*time.Hour)
					})
				},
			},
			{
				PreConfig: func() {
					m.InjectFault(mockserver.Fault{Op: mockserver.OpUpdateToken, Status: http.StatusBadRequest, Body: ngNoAccountBody})
					m.reset()
				},
				Config:      rotated,
				ExpectError: expectErr("Error updating token", "injected failure"),
			},
			{
				PreConfig: func() { m.ClearFaults(); m.reset() },
				Config:    rotated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.NotNull()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1,
						mockserver.OpUpdateToken: 1}),
					captureAttr(tokenAddr, "value", &second),
					m.expectStoredValue("entra_token", &second),
					func(*terraform.State) error {
						tok, _ := m.LookupToken(saKey("entra"), "entra_token")
						if got := tok.ValidTo.Sub(tok.ValidFrom); got != 720*time.Hour {
							return fmt.Errorf("the rotated value is valid for %s, want 720h", got)
						}
						return nil
					},
				),
			},
		},
	})
}

// Destroying a token also deletes the value it replaced at its last
// rotation, which would otherwise keep working (and hold one of the key's 5
// token slots) until rotation_grace_period ends.
func TestAccAPIKeyToken_destroyDeletesRotatedValue(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{
			{Config: m.config(tokenConfig("")), Check: captureAttr(tokenAddr, "value", &first)},
			{
				Config: m.config(tokenConfig(`rotation_triggers = { n = "1" }`)),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr(tokenAddr, "value", &second),
					m.expectWorks(map[*string]bool{&first: true, &second: true}),
				),
			},
			{
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra", "Entra ID", "")),
				Check: resource.ComposeAggregateTestCheckFunc(
					// The refresh lists the token and its predecessor in one
					// call; the destroy deletes both.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1,
						mockserver.OpDeleteToken: 2}),
					m.expectWorks(map[*string]bool{&first: false, &second: false}),
					m.checkNoTokens(),
				),
			},
		},
	})
}

// The rotate_before_expiry check gives the same answer when Terraform plans
// again at apply time, even when the threshold passes in between: a saved
// plan that only updates the description applies as planned (no "Provider
// produced inconsistent final plan"), and the next plan rotates. The
// provider's clock moves two minutes between the plan and the apply.
func TestAccAPIKeyToken_expiryDecisionStableUntilApply(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	clock := &testClock{}
	settings := `lifetime = "720h"` + "\n  rotate_before_expiry = \"168h\"\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clockFactories(clock),
		Steps: []resource.TestStep{
			{Config: m.config(tokenConfig(settings))},
			{
				// valid_to is 168h and a minute away: the plan finds more than
				// rotate_before_expiry left, the apply two minutes later would
				// not.
				PreConfig: func() {
					if err := m.UpdateToken(saKey("entra"), "entra_token", func(tok *mockserver.Token) {
						tok.ValidTo = clock.Now().Add(168*time.Hour + time.Minute)
					}); err != nil {
						t.Error(err)
					}
					m.reset()
				},
				Config: m.config(tokenConfig(settings + `description = "changed"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.NotNull()),
					advanceClock{clock: clock, by: 2 * time.Minute},
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
					mockserver.OpListTokens: 1, mockserver.OpUpdateToken: 1}),
				// The plan after this apply rotates: the threshold has passed.
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: m.reset,
				Config:    m.config(tokenConfig(settings + `description = "changed"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("value")),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
					mockserver.OpListTokens: 5, mockserver.OpRotateToken: 1, mockserver.OpUpdateToken: 1}),
			},
		},
	})
}

// The value a rotation replaced is found by its rotated_ identifier and the
// exact scheduledExpireTime sent, whatever its name: docs/design/harness-api.md 4 says
// Harness "renames" the old token without saying whether the name changes
// too. Here the mock renames it as well, and destroy still deletes it.
func TestAccAPIKeyToken_rotatedValueFoundWhateverItsName(t *testing.T) {
	// OnChange runs before the answer reaches the provider.
	var srv atomic.Pointer[mockserver.Server]
	m := newMockWithOptions(t, mockserver.Options{OnChange: func() {
		s := srv.Load()
		if s == nil {
			return
		}
		for _, tok := range s.Tokens() {
			if strings.HasPrefix(tok.Identifier, "rotated_") && tok.Name != tok.Identifier {
				_ = s.UpdateToken(tok.KeyRef(), tok.Identifier, func(t *mockserver.Token) { t.Name = t.Identifier })
			}
		}
	}})
	srv.Store(m.Server)
	var first, second string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{
			{Config: m.config(tokenConfig("")), Check: captureAttr(tokenAddr, "value", &first)},
			{
				Config: m.config(tokenConfig(`rotation_triggers = { n = "1" }`)),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr(tokenAddr, "value", &second),
					func(*terraform.State) error {
						for _, tok := range m.Tokens() {
							if strings.HasPrefix(tok.Identifier, "rotated_") && tok.Name == tok.Identifier {
								return nil
							}
						}
						return fmt.Errorf("the mock did not rename the rotated token: %+v", m.Tokens())
					},
				),
			},
			{
				PreConfig: m.reset,
				Config:    m.config(apiKeyConfig("entra", "Entra ID", "")),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1,
						mockserver.OpDeleteToken: 2}),
					m.expectWorks(map[*string]bool{&first: false, &second: false}),
				),
			},
		},
	})
}
