package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// The first scenario: a configuration spelling the email in mixed
// case, `terraform import` by the lower-case email Harness keeps, then a
// plan. Harness lower-cases userName (docs/design/harness-api.md 1.3), so the imported
// state holds the lower-case spelling; the plan must be empty all the
// same, after `terraform import` and after an import block, under every
// profile.
func TestAccSCIMUser_importMixedCaseConfigPlansEmpty(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		seeded := m.SeedUser(mockserver.UserSpec{Email: "alice.smith@example.com", DisplayName: "Alice Smith"})
		cfg := m.config(scimUserConfig("Alice.Smith@Example.com", "Alice Smith", ""))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					// terraform import harness_scim_user.test alice.smith@example.com
					Config: cfg, ResourceName: userAddr, ImportState: true, ImportStatePersist: true,
					ImportStateId: "alice.smith@example.com",
				},
				{
					// terraform plan: nothing to do, and nothing sent but the refresh.
					PreConfig: m.reset, Config: cfg, PlanOnly: true,
					Check: m.expectCounts(map[string]int{mockserver.OpGetUser: 1}),
				},
				{
					// An apply of the same configuration sends nothing either
					// and keeps Harness's spelling.
					PreConfig: m.reset, Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("user_name"), knownvalue.StringExact("alice.smith@example.com")),
						statecheck.ExpectKnownValue(userAddr, tfjsonpath.New("id"), knownvalue.StringExact(seeded.ID)),
					},
					Check: m.expectCounts(map[string]int{mockserver.OpGetUser: 1}),
				},
				{
					// An import block, by the email in the configuration's case.
					Config: cfg, ResourceName: userAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
					ImportStateId: "Alice.Smith@Example.com",
				},
			},
		})
	})
}

const userAddr = "harness_scim_user.test"

// importSteps are the import checks every resource gets, for each import ID
// it accepts ("" is the resource's id): `terraform import` with ImportStateVerify (the imported state
// equals the state Terraform wrote; ignore lists attributes Harness cannot
// return) and an import block whose plan must be empty.
func importSteps(addr string, ignore []string, ids ...string) []resource.TestStep {
	var steps []resource.TestStep
	for _, id := range ids {
		steps = append(steps,
			resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true,
				ImportStateVerifyIgnore: ignore},
			resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateKind: resource.ImportBlockWithID},
		)
	}
	return steps
}

// generateConfigStep imports addr with an import block and
// -generate-config-out: Terraform writes the configuration from the
// imported state, and the plan with that configuration must be empty
// (the step fails on any change or on configuration Terraform refuses).
func generateConfigStep(addr, id string) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateId: id,
		ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true}
}

// Every way to import a user: by id and by user_name (in any case), with
// terraform import and import blocks, and with generated configuration.
func TestAccSCIMUser_importEveryWay(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		extra := ""
		if p.Generation == mockserver.NextGen {
			extra = `  external_id = "00u-alice"`
		}
		if p.NewSCIMStandards || p.Generation == mockserver.FirstGen {
			extra += "\n  given_name  = \"Alice\"\n  family_name = \"Doe\""
		}
		steps := []resource.TestStep{{Config: m.config(scimUserConfig("alice@example.com", "Alice Doe", extra))}}
		steps = append(steps, importSteps(userAddr, nil, "", "alice@example.com", "Alice@Example.COM")...)
		steps = append(steps, generateConfigStep(userAddr, "alice@example.com"))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("alice@example.com"),
			Steps:                    steps,
		})
	})
}
