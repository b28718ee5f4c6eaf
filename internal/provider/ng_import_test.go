package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// scopedKeyChain is a service account, an API key and a token in one scope
// (org and project may be empty), all named after the scope.
func scopedKeyChain(org, project string) string {
	name := "sa_" + org + project
	scope := ""
	if org != "" {
		scope = fmt.Sprintf("org_id = %q\n", org)
	}
	if project != "" {
		scope += fmt.Sprintf("  project_id = %q\n", project)
	}
	return fmt.Sprintf(`
resource "harness_service_account" "%[1]s" {
  identifier  = %[1]q
  name        = "SA %[1]s"
  email       = "%[1]s@service.harness.io"
  description = "imported"
  tags        = { team = "identity" }
  %[2]s
}
resource "harness_api_key" "%[1]s" {
  identifier  = "key"
  name        = "key"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.%[1]s.identifier
  %[2]s
}
resource "harness_api_key_token" "%[1]s" {
  identifier  = "tok"
  name        = "tok"
  apikey_id   = harness_api_key.%[1]s.identifier
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.%[1]s.identifier
  %[2]s
}
`, name, scope)
}

// Every way to import the NextGen resources, in every scope, with each of
// the official provider's ID formats: terraform import with
// ImportStateVerify (ignoring only a token's value, which Harness shows
// once), import blocks, and generated configuration.
func TestAccNextGen_importEveryWay(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	steps := []resource.TestStep{{Config: m.config(scopedKeyChain("", "") + scopedKeyChain("org1", "") + scopedKeyChain("org1", "proj1"))}}
	for _, sc := range []struct{ prefix, name string }{{"", "sa_"}, {"org1/", "sa_org1"}, {"org1/proj1/", "sa_org1proj1"}} {
		sa, key, tok := "harness_service_account."+sc.name, "harness_api_key."+sc.name, "harness_api_key_token."+sc.name
		steps = append(steps, importSteps(sa, nil, sc.prefix+sc.name)...)
		steps = append(steps, importSteps(key, nil, sc.prefix+sc.name+"/key/SERVICE_ACCOUNT")...)
		steps = append(steps, importSteps(tok, []string{"value"}, sc.prefix+sc.name+"/key/SERVICE_ACCOUNT/tok")...)
	}
	steps = append(steps,
		generateConfigStep("harness_service_account.sa_org1proj1", "org1/proj1/sa_org1proj1"),
		generateConfigStep("harness_api_key.sa_org1", "org1/sa_org1/key/SERVICE_ACCOUNT"),
		generateConfigStep("harness_api_key_token.sa_", "sa_/key/SERVICE_ACCOUNT/tok"),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps:                    steps,
	})
}

// Harness lower-cases a service account's email and refuses an update
// whose email differs from the stored one in any way
// (ServiceAccountServiceImpl.validateUpdateServiceAccountRequest). A
// mixed-case email in the configuration plans nothing after a create or an
// import, and an update still goes through.
func TestAccServiceAccount_mixedCaseEmail(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	const addr = "harness_service_account.sa"
	cfg := func(name string) string {
		return m.config(serviceAccountConfig("scim_sa", name, "SCIM@Service.Harness.io", ""))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkServiceAccountGone(mockserver.Scope{}, "scim_sa"),
		Steps: []resource.TestStep{
			{Config: cfg("SCIM")},
			{Config: cfg("SCIM"), PlanOnly: true},
			{
				PreConfig: m.reset,
				Config:    cfg("SCIM renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpUpdateServiceAccount: 1}),
			},
			{Config: m.config("removed {\n  from = harness_service_account.sa\n  lifecycle {\n    destroy = false\n  }\n}\n")},
			{Config: cfg("SCIM renamed"), ResourceName: addr, ImportState: true, ImportStateId: "scim_sa", ImportStatePersist: true},
			{Config: cfg("SCIM renamed"), PlanOnly: true},
			{Config: cfg("SCIM renamed"), ResourceName: addr, ImportState: true, ImportStateId: "scim_sa",
				ImportStateKind: resource.ImportBlockWithID},
		},
	})
}

// Every way to import a membership, under every profile.
func TestAccSCIMGroupMember_importEveryWay(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.seedUsers(2)
		g := m.SeedGroup(mockserver.GroupSpec{Name: "Shared", Members: u[:1]})
		steps := []resource.TestStep{{Config: m.config(groupMemberConfig(g.ID, u[1]))}}
		steps = append(steps, importSteps(memberAddr, nil, "", g.ID+"/"+u[1])...)
		steps = append(steps, generateConfigStep(memberAddr, g.ID+"/"+u[1]))
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectGroup(&g.ID, "Shared", u[0]),
			Steps:                    steps,
		})
	})
}
