package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

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
				m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 5,
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
