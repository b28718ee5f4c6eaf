package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Resource identity needs Terraform 1.12; with an older terraform these
// tests skip, saying so.
var needsIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// identityImportStep imports addr with `import { identity = {...} }`, the
// identity taken from state; the plan must be empty and the identity the
// same.
func identityImportStep(addr string) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity}
}

var harnessID = knownvalue.StringRegexp(regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`))

// scimIdentityConfig is a user, a group with that user, and a membership
// of another user in another group.
func scimIdentityConfig(userName, groupName, sharedGroup, memberID string) string {
	return fmt.Sprintf(`
resource "harness_scim_user" "test" {
  user_name    = "alice@example.com"
  display_name = %[1]q
}
resource "harness_scim_group" "test" {
  display_name = %[2]q
  members      = [harness_scim_user.test.id]
}
resource "harness_scim_group_member" "test" {
  group_id = %[3]q
  user_id  = %[4]q
}
`, userName, groupName, sharedGroup, memberID)
}

// SCIM users, groups and memberships get an identity on create, keep it
// through in-place updates, and can be imported by it.
func TestAccIdentity_scim(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		bob := m.seedUsers(1)[0]
		shared := m.SeedGroup(mockserver.GroupSpec{Name: "Shared"})
		acct := knownvalue.StringExact(m.AccountID())
		checks := []statecheck.StateCheck{
			statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{"account_id": acct, "id": harnessID}),
			statecheck.ExpectIdentityValueMatchesState(userAddr, tfjsonpath.New("id")),
			statecheck.ExpectIdentity(groupAddr, map[string]knownvalue.Check{"account_id": acct, "id": groupIDPattern(p, "Platform Team")}),
			statecheck.ExpectIdentityValueMatchesState(groupAddr, tfjsonpath.New("id")),
			statecheck.ExpectIdentity(memberAddr, map[string]knownvalue.Check{
				"account_id": acct, "group_id": knownvalue.StringExact(shared.ID), "user_id": knownvalue.StringExact(bob),
			}),
		}
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   needsIdentity,
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: m.config(scimIdentityConfig("Alice", "Platform Team", shared.ID, bob)), ConfigStateChecks: checks},
				{
					// Renames are in-place updates; the identity stays (the
					// framework fails an update that changes it).
					Config: m.config(scimIdentityConfig("Alice Doe", "Platform Team Renamed", shared.ID, bob)),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction(groupAddr, plancheck.ResourceActionUpdate),
					}},
					ConfigStateChecks: checks,
				},
				identityImportStep(userAddr),
				identityImportStep(groupAddr),
				identityImportStep(memberAddr),
			},
		})
	})
}

// NextGen objects in a project scope: identity on create, stable through an
// update, import by identity.
func TestAccIdentity_nextGen(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	acct := knownvalue.StringExact(m.AccountID())
	const sa, key, tok = "harness_service_account.sa_org1proj1", "harness_api_key.sa_org1proj1", "harness_api_key_token.sa_org1proj1"
	scope := map[string]knownvalue.Check{"account_id": acct, "org_id": knownvalue.StringExact("org1"), "project_id": knownvalue.StringExact("proj1")}
	with := func(extra map[string]knownvalue.Check) map[string]knownvalue.Check {
		out := map[string]knownvalue.Check{}
		for k, v := range scope {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	keyOf := map[string]knownvalue.Check{"parent_id": knownvalue.StringExact("sa_org1proj1"), "apikey_type": knownvalue.StringExact("SERVICE_ACCOUNT")}
	checks := []statecheck.StateCheck{
		statecheck.ExpectIdentity(sa, with(map[string]knownvalue.Check{"identifier": knownvalue.StringExact("sa_org1proj1")})),
		statecheck.ExpectIdentity(key, with(map[string]knownvalue.Check{"identifier": knownvalue.StringExact("key"),
			"parent_id": keyOf["parent_id"], "apikey_type": keyOf["apikey_type"]})),
		statecheck.ExpectIdentity(tok, with(map[string]knownvalue.Check{"identifier": knownvalue.StringExact("tok"),
			"apikey_id": knownvalue.StringExact("key"), "parent_id": keyOf["parent_id"], "apikey_type": keyOf["apikey_type"]})),
	}
	cfg := scopedKeyChain("org1", "proj1")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{
			{Config: m.config(cfg), ConfigStateChecks: checks},
			{
				Config: m.config(regexp.MustCompile(`name(\s+)= "(key|tok|SA [a-z_0-9]+)"`).ReplaceAllString(cfg, `name$1= "$2 renamed"`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sa, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(key, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(tok, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: checks,
			},
			identityImportStep(sa),
			identityImportStep(key),
			identityImportStep(tok),
		},
	})
}

// An import block's identity may leave out account_id (the provider's
// account is recorded); naming another account is an error.
func TestAccIdentity_importBlockAccount(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	seeded := m.SeedUser(mockserver.UserSpec{Email: "kate@example.com", DisplayName: "Kate"})
	block := func(identity string) string {
		return m.config(fmt.Sprintf("import {\n  to = %s\n  identity = { %s }\n}\n", userAddr, identity) +
			scimUserConfig("kate@example.com", "Kate", ""))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      block(fmt.Sprintf("account_id = \"otheraccount\", id = %q", seeded.ID)),
				ExpectError: expectErr(`Identity names another Harness account`, `account_id "otheraccount"`),
			},
			{
				Config: block(fmt.Sprintf("id = %q", seeded.ID)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(userAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(userAddr, map[string]knownvalue.Check{
						"account_id": knownvalue.StringExact(m.AccountID()), "id": knownvalue.StringExact(seeded.ID),
					}),
				},
			},
		},
	})
}
