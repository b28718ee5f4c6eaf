package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// seedDirectory fills the mock as an identity provider would have: the
// users and groups of baseDirectory, names lower-cased by Harness, Alice
// with given and family names.
func seedDirectory(m *testMock) {
	ids := map[string]string{}
	for k, name := range baseDirectory.users {
		spec := mockserver.UserSpec{Email: k, DisplayName: name}
		if k == "alice@example.com" {
			spec.GivenName, spec.FamilyName = "Alice", "Liddell"
		}
		ids[foldName(k)] = m.SeedUser(spec).ID
	}
	for _, g := range sortedKeys(baseDirectory.groups) {
		var members []string
		for _, e := range baseDirectory.groups[g] {
			members = append(members, ids[foldName(e)])
		}
		m.SeedGroup(mockserver.GroupSpec{Name: g, Members: members})
	}
}

// TestAccSCIMDirectory_import adopts a directory an identity provider made,
// with an import block and with terraform import: the plan for a matching
// configuration is empty (keys and members spelled in other case, names the
// configuration omits), and the import costs one listing.
func TestAccSCIMDirectory_import(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		seedDirectory(m)
		cfg := m.config(baseDirectory.hcl())
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectDirectory(nil, nil),
			Steps: []resource.TestStep{
				{
					Config:          cfg,
					ResourceName:    dirAddr,
					ImportState:     true,
					ImportStateKind: resource.ImportBlockWithID,
					ImportStateId:   m.AccountID(),
				},
				{
					PreConfig:          m.reset,
					Config:             cfg,
					ResourceName:       dirAddr,
					ImportState:        true,
					ImportStateId:      m.AccountID(),
					ImportStatePersist: true,
					ImportStateCheck: func([]*terraform.InstanceState) error {
						// The import's refresh: one listing, no write.
						return m.expectCounts(listingCounts(p))(nil)
					},
				},
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(dirAddr, tfjsonpath.New("users").AtMapKey("alice@example.com").AtMapKey("family_name"),
							knownvalue.StringExact("Liddell")),
					},
				},
			},
		})
	})
}

// TestAccSCIMDirectory_createAdopts creates a directory whose users and
// groups Harness already has: users are adopted by their POST, groups by
// FirstGen's POST or, in NextGen, which refuses a second group with the
// same name, by a search for the group of that name; nothing is
// duplicated and the next plan is empty.
func TestAccSCIMDirectory_createAdopts(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		seedDirectory(m)
		want := map[string]int{mockserver.OpCreateUser: 3, mockserver.OpCreateGroup: 2}
		if p.Generation == mockserver.NextGen {
			want[mockserver.OpSearchGroups] = 2
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{
					PreConfig: m.reset,
					Config:    m.config(baseDirectory.hcl()),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(want),
						m.expectDirectory(baseDirectory.users, baseDirectory.groups),
					),
				},
				{
					Config: m.config(baseDirectory.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccSCIMDirectory_importByIdentity imports with an import block that
// gives the identity's account_id (Terraform 1.12 and later).
func TestAccSCIMDirectory_importByIdentity(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	seedDirectory(m)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: m.config(baseDirectory.hcl()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(dirAddr, map[string]knownvalue.Check{"account_id": knownvalue.StringExact(m.AccountID())}),
				},
			},
			{
				Config:          m.config(baseDirectory.hcl()),
				ResourceName:    dirAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
		},
	})
}

// TestAccSCIMDirectory_importOtherAccount refuses an account id that is not
// the provider's.
func TestAccSCIMDirectory_importOtherAccount(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:        m.config(baseDirectory.hcl()),
			ResourceName:  dirAddr,
			ImportState:   true,
			ImportStateId: "someotheraccount",
			ExpectError:   regexp.MustCompile(`imported by the id of the account it manages`),
		}},
	})
}

// perUserConfig is baseDirectory as per-user resources (one resource
// per user rather than for_each, which the test framework's state checks
// do not support).
func perUserConfig() string {
	var b strings.Builder
	for _, k := range sortedKeys(baseDirectory.users) {
		fmt.Fprintf(&b, `
resource "harness_scim_user" %q {
  user_name    = %q
  display_name = %q
}
`, perUserName(k), foldName(k), baseDirectory.users[k])
	}
	b.WriteString(`
resource "harness_scim_group" "platform" {
  display_name = "Platform Team"
  members      = [harness_scim_user.alice.id, harness_scim_user.bob.id]
}

resource "harness_scim_group" "ops" {
  display_name = "Ops"
  members      = [harness_scim_user.carol.id]
}
`)
	return b.String()
}

// perUserName is the resource name of a user in perUserConfig.
func perUserName(key string) string { return strings.SplitN(foldName(key), "@", 2)[0] }

// perUserBlocks renders one block per user of baseDirectory.
func perUserBlocks(format string) string {
	var b strings.Builder
	for _, k := range sortedKeys(baseDirectory.users) {
		fmt.Fprintf(&b, format, perUserName(k), foldName(k))
	}
	return b.String()
}

// TestAccSCIMDirectory_migration moves a directory managed as per-user
// resources into harness_scim_directory (removed blocks, then an import
// block) and back, without a single write to Harness.
func TestAccSCIMDirectory_migration(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		into := perUserBlocks(`
removed {
  from = harness_scim_user.%s # %s
  lifecycle { destroy = false }
}
`) + fmt.Sprintf(`
removed {
  from = harness_scim_group.platform
  lifecycle { destroy = false }
}

removed {
  from = harness_scim_group.ops
  lifecycle { destroy = false }
}

import {
  to = harness_scim_directory.test
  id = %q
}
%s`, m.AccountID(), baseDirectory.hcl())
		back := fmt.Sprintf(`
removed {
  from = harness_scim_directory.test
  lifecycle { destroy = false }
}

%s
import {
  to = harness_scim_group.platform
  id = "Platform Team"
}

import {
  to = harness_scim_group.ops
  id = "Ops"
}
%s`, perUserBlocks(`
import {
  to = harness_scim_user.%s
  id = %q
}
`), perUserConfig())
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: m.config(perUserConfig())},
				{
					PreConfig: m.reset,
					Config:    m.config(into),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectNoWrites(),
						m.expectDirectory(baseDirectory.users, baseDirectory.groups),
					),
				},
				{
					Config: m.config(baseDirectory.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
				{
					PreConfig: m.reset,
					Config:    m.config(back),
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectNoWrites(),
						m.expectDirectory(baseDirectory.users, baseDirectory.groups),
					),
				},
				{
					Config: m.config(perUserConfig()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// expectNoWrites checks that every request since the last reset was a read.
func (m *testMock) expectNoWrites() resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range m.Requests() {
			if r.Method != "GET" {
				return fmt.Errorf("Harness got a write, %s %s, in a step that must only read (requests: %s)",
					r.Method, r.Path, mockserver.CountsString(m.Counts()))
			}
		}
		return nil
	}
}
