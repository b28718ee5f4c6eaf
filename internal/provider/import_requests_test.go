package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// importCounted is a terraform import of addr by id whose requests to
// Harness (the import and the read that follows it) must be exactly want.
func importCounted(m *testMock, addr, id string, want map[string]int) resource.TestStep {
	return resource.TestStep{
		PreConfig: m.reset, ResourceName: addr, ImportState: true, ImportStateId: id,
		ImportStateCheck: func([]*terraform.InstanceState) error { return m.expectCounts(want)(nil) },
	}
}

// What each import costs, by each import ID a resource takes.
func TestAccImport_requestCounts(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		u := m.SeedUser(mockserver.UserSpec{Email: "alice@example.com", DisplayName: "Alice"})
		g := m.SeedGroup(mockserver.GroupSpec{Name: "Platform Team", Members: []string{u.ID}})
		cfg := m.config(scimUserConfig("alice@example.com", "Alice", "") + groupConfig("Platform Team", []string{u.ID}) +
			groupMemberConfig(g.ID, u.ID))
		steps := []resource.TestStep{
			// A user by id: one read; by email: one search, then the read.
			importCounted(m, userAddr, u.ID, map[string]int{mockserver.OpGetUser: 1}),
			importCounted(m, userAddr, "Alice@Example.com", map[string]int{mockserver.OpSearchUsers: 1, mockserver.OpGetUser: 1}),
			// A group by id: the lookup, then the read; by name the id
			// lookup misses first and a search finds it.
			importCounted(m, groupAddr, g.ID, map[string]int{mockserver.OpGetGroup: 2}),
			importCounted(m, groupAddr, "Platform Team", map[string]int{mockserver.OpGetGroup: 2, mockserver.OpSearchGroups: 1}),
			importCounted(m, memberAddr, g.ID+"/"+u.ID, map[string]int{mockserver.OpGetGroup: 1}),
		}
		if p.Name == mockserver.DefaultProfile {
			seedKeyChains(t, m, mockserver.Scope{Org: "org1"}, 1, 1)
			steps = append(steps,
				importCounted(m, "harness_service_account.sa_org1", "org1/sa0000", map[string]int{mockserver.OpGetServiceAccount: 1}),
				importCounted(m, "harness_api_key.sa_org1", "org1/sa0000/key/SERVICE_ACCOUNT", map[string]int{mockserver.OpGetAPIKey: 1}),
				importCounted(m, "harness_api_key_token.sa_org1", "org1/sa0000/key/SERVICE_ACCOUNT/tok0", map[string]int{mockserver.OpListTokens: 1}),
			)
			cfg += scopedKeyChain("org1", "")
		}
		for i := range steps {
			steps[i].Config = cfg
		}
		resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6Factories, Steps: steps})
	})
}
