package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
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

// scimStatus calls the mock's NextGen SCIM Users route with token and
// returns the HTTP status: 200 when the token is a working credential.
func (m *testMock) scimStatus(token string) int {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
		m.URL+"/ng/api/scim/account/"+m.AccountID()+"/Users", nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// expectWorks checks whether each captured value authenticates.
func (m *testMock) expectWorks(want map[*string]bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for v, ok := range want {
			if got := m.scimStatus(*v) == http.StatusOK; got != ok {
				return fmt.Errorf("token value %.12s…: works=%v, want %v", *v, got, ok)
			}
		}
		return nil
	}
}

// expectStoredValue checks that the state's value is the mock's token.
func (m *testMock) expectStoredValue(identifier string, value *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		tok, ok := m.LookupToken(saKey("entra"), identifier)
		if !ok {
			return fmt.Errorf("token %s not in the mock", identifier)
		}
		if got := m.TokenValue(tok); got != *value {
			return fmt.Errorf("state value %.12s… is not the mock's token %.12s…", *value, got)
		}
		return nil
	}
}

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
					// Rotate, then one list to learn the new validFrom.
					m.expectCounts(plus(map[string]int{mockserver.OpRotateToken: 1, mockserver.OpListTokens: 1})),
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
				// Deleted in Harness: noticed and created again.
				PreConfig: func() { m.RemoveToken(saKey("entra"), "entra_token"); m.reset() },
				Config:    m.config(tokenConfig(`description = "used by Entra ID"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(plus(map[string]int{mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1})),
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
					// Rotate, list, and one PUT for the new valid_to.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 2,
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
					// apply rotates and lists once.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 2,
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

// Import with each of the official provider's formats; the plan after an
// import block is empty (the token's value stays null: Harness shows it
// only when it issues one).
func TestAccAPIKeyToken_importFormats(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	scoped := func(org, project string) string {
		p := ""
		if project != "" {
			p = fmt.Sprintf("project_id = %q", project)
		}
		name := "sa_" + org + project
		return fmt.Sprintf(`
resource "harness_service_account" "%[1]s" {
  identifier = %[1]q
  name       = %[1]q
  email      = "%[1]s@service.harness.io"
  org_id     = %[2]q
  %[3]s
}
resource "harness_api_key" "%[1]s" {
  identifier  = "key"
  name        = "key"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.%[1]s.identifier
  org_id      = %[2]q
  %[3]s
}
resource "harness_api_key_token" "%[1]s" {
  identifier  = "tok"
  name        = "tok"
  apikey_id   = harness_api_key.%[1]s.identifier
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.%[1]s.identifier
  org_id      = %[2]q
  %[3]s
}
`, name, org, p)
	}
	cfg := m.config(tokenConfig("") + scoped("org1", "") + scoped("org1", "proj1"))
	verify := func(addr, id string) resource.TestStep {
		return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true,
			ImportStateVerifyIgnore: []string{"value"}}
	}
	noop := func(addr, id string) resource.TestStep {
		return resource.TestStep{Config: cfg, ResourceName: addr, ImportState: true, ImportStateId: id,
			ImportStateKind: resource.ImportBlockWithID}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg},
			verify(tokenAddr, "scim_sa/entra/SERVICE_ACCOUNT/entra_token"),
			verify("harness_api_key_token.sa_org1", "org1/sa_org1/key/SERVICE_ACCOUNT/tok"),
			verify("harness_api_key_token.sa_org1proj1", "org1/proj1/sa_org1proj1/key/SERVICE_ACCOUNT/tok"),
			verify("harness_api_key.sa_org1", "org1/sa_org1/key/SERVICE_ACCOUNT"),
			verify("harness_api_key.sa_org1proj1", "org1/proj1/sa_org1proj1/key/SERVICE_ACCOUNT"),
			noop(tokenAddr, "scim_sa/entra/SERVICE_ACCOUNT/entra_token"),
			noop("harness_api_key_token.sa_org1proj1", "org1/proj1/sa_org1proj1/key/SERVICE_ACCOUNT/tok"),
			noop("harness_api_key.key", "scim_sa/entra/SERVICE_ACCOUNT"),
			{
				ResourceName: tokenAddr, ImportState: true, ImportStateId: "scim_sa/entra/ADMIN/entra_token",
				ExpectError: regexp.MustCompile(`not\s+USER\s+or\s+SERVICE_ACCOUNT`),
			},
			{
				ResourceName: tokenAddr, ImportState: true, ImportStateId: "entra_token",
				ExpectError: regexp.MustCompile(`<parent_id>/<apikey_id>/<apikey_type>/<token_id>`),
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
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 2,
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

// newMockWithOptions is newMock for tests that need mock options.
func newMockWithOptions(t *testing.T, opts mockserver.Options) *testMock {
	t.Helper()
	srv := mockserver.New(opts)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testMock{Server: srv, URL: hs.URL}
}

// A token past its expiry is gone even when Harness has not purged it yet
// (the purge is a lagging TTL index, and harness-api.md does not promise
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
					// Refresh (list), then the create: refused (duplicate), one
					// list finds the holder expired, delete, create, and one
					// list to learn the validity.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
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
				// first list of the step).
				PreConfig: func() {
					m.InjectFault(mockserver.Fault{Op: mockserver.OpListTokens, Nth: 2, Status: http.StatusBadRequest, Body: ngNoAccountBody})
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
					func(*terraform.State) error {
						if toks := m.Tokens(); len(toks) != 0 {
							return fmt.Errorf("%d tokens left after the destroy, e.g. %q", len(toks), toks[0].Identifier)
						}
						return nil
					},
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
			func(*terraform.State) error {
				if toks := m.Tokens(); len(toks) != 0 {
					return fmt.Errorf("%d tokens left after the destroy, e.g. %q", len(toks), toks[0].Identifier)
				}
				return nil
			},
			m.expectWorks(map[*string]bool{&first: false}),
		),
		Steps: []resource.TestStep{
			{Config: token(""), Check: captureAttr(tokenAddr, "value", &first)},
			{
				PreConfig: func() {
					m.InjectFault(mockserver.Fault{Op: mockserver.OpListTokens, Nth: 2, Status: http.StatusBadRequest, Body: ngNoAccountBody})
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
					func(*terraform.State) error {
						if toks := m.Tokens(); len(toks) != 0 {
							return fmt.Errorf("%d tokens left after the destroy, e.g. %q", len(toks), toks[0].Identifier)
						}
						return nil
					},
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
					mockserver.OpListTokens: 2, mockserver.OpRotateToken: 1, mockserver.OpUpdateToken: 1}),
			},
		},
	})
}

// exampleTokenSettings are the settings of the official example
// (examples/resources/harness_api_key_token/resource.tf).
const exampleTokenSettings = `
  lifetime              = "2160h"
  rotate_before_expiry  = "336h"
  rotation_grace_period = "24h"
  rotation_triggers = {
    rotation = "1"
  }
`

// Importing a token with the example's configuration changes nothing in
// Harness: the first plan only records lifetime and rotation_triggers (an
// update that sends no request), and the plan after it is empty. A later
// change of rotation_triggers rotates as usual. Both import paths: the
// import block and terraform import.
func TestAccAPIKeyToken_importWithExampleSettings(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cfg := m.config(tokenConfig(exampleTokenSettings))
	forget := m.config(apiKeyConfig("entra", "Entra ID", "") + `
removed {
  from = harness_api_key_token.t
  lifecycle {
    destroy = false
  }
}
`)
	const importID = "scim_sa/entra/SERVICE_ACCOUNT/entra_token"
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", tokenAddr, importID)
	refresh := map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1}
	var validTo string
	recordsOnly := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.Null()),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("valid_to"), knownvalue.StringFunc(func(v string) error {
			if v != validTo {
				return fmt.Errorf("valid_to planned as %s, want it kept at %s", v, validTo)
			}
			return nil
		})),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("rotation_triggers").AtMapKey("rotation"), knownvalue.StringExact("1")),
	}}
	tokenKept := func(*terraform.State) error {
		if _, ok := m.LookupToken(saKey("entra"), "entra_token"); !ok {
			return fmt.Errorf("the token is gone from Harness")
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(tokenAddr, "valid_to", &validTo)},
			{Config: forget, Check: tokenKept},
			{
				// Import block: the plan imports and records the settings.
				PreConfig:        m.reset,
				Config:           cfg + importBlock,
				ConfigPlanChecks: recordsOnly,
				Check:            m.expectCounts(refresh),
			},
			{
				PreConfig:        m.reset,
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            m.expectCounts(refresh),
			},
			{Config: forget, Check: tokenKept},
			{
				// terraform import, then a plan with the configuration.
				Config: cfg, ResourceName: tokenAddr, ImportState: true, ImportStateId: importID, ImportStatePersist: true,
			},
			{
				PreConfig:        m.reset,
				Config:           cfg,
				ConfigPlanChecks: recordsOnly,
				Check:            m.expectCounts(refresh),
			},
			{
				PreConfig:        m.reset,
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// After that, rotation_triggers work as usual.
				Config: m.config(tokenConfig(strings.Replace(exampleTokenSettings, `"1"`, `"2"`, 1))),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("value")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.StringRegexp(satValueRE)),
				},
			},
		},
	})
}

// listWithExpiry is a token list answer holding tok with its validTo and
// scheduledExpireTime replaced by raw JSON ("null" leaves one out): a way
// to show the provider what the mock never stores.
func (m *testMock) listWithExpiry(tok mockserver.Token, validTo, scheduled string) string {
	return fmt.Sprintf(`{"status":"SUCCESS","data":{"totalPages":1,"totalItems":1,"pageItemCount":1,"pageSize":50,"content":[`+
		`{"token":{"identifier":%q,"name":%q,"validFrom":%d,"validTo":%s,"scheduledExpireTime":%s,"valid":true,`+
		`"accountIdentifier":%q,"orgIdentifier":null,"projectIdentifier":null,"apiKeyIdentifier":%q,"parentIdentifier":%q,`+
		`"apiKeyType":%q,"description":%q,"tags":{}},"expiryAt":0,"createdAt":0,"lastModifiedAt":0}],"pageIndex":0,"empty":false},`+
		`"metaData":null,"correlationId":"c"}`,
		tok.Identifier, tok.Name, tok.ValidFrom.UnixMilli(), validTo, scheduled, m.AccountID(), tok.APIKey, tok.Parent, tok.Type,
		tok.Description)
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

// The value a rotation replaced is found by its rotated_ identifier and the
// exact scheduledExpireTime sent, whatever its name: harness-api.md 4 says
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

// After an import whose configuration has no rotation settings the plan is
// empty. Adding rotation_triggers later records them without revoking the
// value Terraform never saw (with a warning), and the next change rotates.
// Both import paths: the import block and terraform import. A description
// that differs from Harness is one PUT, still without rotating.
func TestAccAPIKeyToken_importThenAddTriggersRotates(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cfg := m.config(tokenConfig(""))
	forget := m.config(apiKeyConfig("entra", "Entra ID", "") + `
removed {
  from = harness_api_key_token.t
  lifecycle {
    destroy = false
  }
}
`)
	const importID = "scim_sa/entra/SERVICE_ACCOUNT/entra_token"
	importBlock := fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", tokenAddr, importID)
	refresh := map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1}
	var validTo, value string
	// The first plan after the import only records what Harness does not
	// know: no request, the value null, valid_to kept.
	records := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.Null()),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("rotation_grace_period"), knownvalue.StringExact("1h")),
		plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("valid_to"), knownvalue.StringFunc(func(v string) error {
			if v != validTo {
				return fmt.Errorf("valid_to planned as %s, want it kept at %s", v, validTo)
			}
			return nil
		})),
	}}
	rotates := func(extra, n string) resource.TestStep {
		return resource.TestStep{
			PreConfig: m.reset,
			Config:    m.config(tokenConfig(extra + "\n  rotation_triggers = { n = \"" + n + "\" }")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
				plancheck.ExpectUnknownValue(tokenAddr, tfjsonpath.New("value")),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 2,
					mockserver.OpRotateToken: 1}),
				captureAttr(tokenAddr, "value", &value),
				m.expectStoredValue("entra_token", &value),
				m.expectWorks(map[*string]bool{&value: true}),
			),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(tokenAddr, "valid_to", &validTo)},
			{Config: forget},
			{
				// Importing with a configuration that has no rotation settings
				// plans nothing.
				PreConfig: m.reset,
				Config:    cfg + importBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionNoop),
				}},
				Check: m.expectCounts(refresh),
			},
			{
				// Adding rotation_triggers records them: no request, the value
				// stays null, valid_to kept.
				PreConfig:        m.reset,
				Config:           m.config(tokenConfig("\n  rotation_triggers = { n = \"1\" }")),
				ConfigPlanChecks: records,
				Check:            m.expectCounts(refresh),
			},
			rotates("", "2"),
			{Config: forget},
			{Config: cfg, ResourceName: tokenAddr, ImportState: true, ImportStateId: importID, ImportStatePersist: true},
			{
				// A description edit is one PUT; the triggers given with it
				// are recorded, not acted on.
				PreConfig: m.reset,
				Config:    m.config(tokenConfig("description = \"edited\"\n  rotation_triggers = { n = \"3\" }")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tokenAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(tokenAddr, tfjsonpath.New("value"), knownvalue.Null()),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1,
						mockserver.OpUpdateToken: 1}),
					m.expectWorks(map[*string]bool{&value: true}),
				),
			},
			rotates(`description = "edited"`, "4"),
		},
	})
}

// A plan on a token Terraform did not issue (value null) records rotation
// settings the first time without acting on them, and warns exactly then,
// naming them; a token Terraform issued acts on them.
func TestWarnImportRecordsOnly(t *testing.T) {
	state := apiKeyTokenResourceModel{ID: types.StringValue("sa/k/SERVICE_ACCOUNT/t"),
		RotationTriggers: types.MapNull(types.StringType), Lifetime: types.StringNull(), Value: types.StringNull()}
	triggers := types.MapValueMust(types.StringType, map[string]attr.Value{"n": types.StringValue("1")})
	for _, c := range []struct {
		name     string
		triggers types.Map
		lifetime types.String
		want     []string
	}{
		{"nothing set", types.MapNull(types.StringType), types.StringNull(), nil},
		{"empty triggers", types.MapValueMust(types.StringType, map[string]attr.Value{}), types.StringNull(), nil},
		{"triggers", triggers, types.StringNull(), []string{"rotation_triggers (no rotation)"}},
		{"unknown triggers", types.MapUnknown(types.StringType), types.StringNull(), []string{"rotation_triggers (no rotation)"}},
		{"both", triggers, types.StringValue("720h"), []string{"rotation_triggers (no rotation)", "lifetime (valid_to stays"}},
	} {
		plan := state
		plan.RotationTriggers, plan.Lifetime = c.triggers, c.lifetime
		var diags diag.Diagnostics
		recordTriggers, recordLifetime := firstRecording(&plan, &state)
		warnImportRecordsOnly(&diags, &state, recordTriggers, recordLifetime)
		issued := state
		issued.Value = types.StringValue("sat.x.y.z")
		if tr, lt := firstRecording(&plan, &issued); tr || lt {
			t.Errorf("%s: a token Terraform issued must act on its settings", c.name)
		}
		if len(c.want) == 0 {
			if len(diags) != 0 {
				t.Errorf("%s: unexpected diagnostics %v", c.name, diags)
			}
			continue
		}
		if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning {
			t.Errorf("%s: want one warning, got %v", c.name, diags)
			continue
		}
		for _, w := range append(c.want, "sa/k/SERVICE_ACCOUNT/t", "change rotation_triggers again after this apply") {
			if !strings.Contains(diags[0].Detail(), w) {
				t.Errorf("%s: warning lacks %q: %s", c.name, w, diags[0].Detail())
			}
		}
	}
}
