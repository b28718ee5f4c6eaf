package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// scaleDirectoryConfig is a directory of users user00000@example.com...
// and groups group000... of members consecutive users each, with the first
// changedUsers display names and the first changedGroups groups changed.
// It is built with for expressions over range, as a configuration fed from
// a data source would be.
func scaleDirectoryConfig(users, groups, members, changedUsers, changedGroups int) string {
	return fmt.Sprintf(`
resource "harness_scim_directory" "test" {
  users = merge([for a in range(ceil(%[1]d / 500)) : {
    for b in range(min(500, %[1]d - a * 500)) : format("user%%05d@example.com", a * 500 + b) => {
      display_name = format(a * 500 + b < %[4]d ? "Renamed %%d" : "User %%d", a * 500 + b)
    }
  }]...)
  groups = { for g in range(%[2]d) : format("group%%03d", g) => {
    members = [for j in range(g < %[5]d ? %[3]d - 1 : %[3]d) : format("user%%05d@example.com", (g * %[3]d + j) %% %[1]d)]
  } }
}
`, users, groups, members, changedUsers, changedGroups)
}

// seedScale fills the mock with the directory of scaleDirectoryConfig.
func seedScale(m *testMock, users, groups, members int) {
	ids := make([]string, users)
	for i := range ids {
		ids[i] = m.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%05d@example.com", i), DisplayName: fmt.Sprintf("User %d", i)}).ID
	}
	for g := range groups {
		ms := make([]string, members)
		for j := range ms {
			ms[j] = ids[(g*members+j)%users]
		}
		m.SeedGroup(mockserver.GroupSpec{Name: fmt.Sprintf("group%03d", g), Members: ms})
	}
}

// TestAccSCIMDirectory_scale imports a directory of 1,000 users and 50
// groups of 20 (one listing: three requests), plans it empty with the same
// three, and applies a change to 10 users and 5 groups with exactly 10 PUTs
// and 5 PATCHes. The provider is not paced, so that the destroy at the end
// (1,050 requests) takes a second rather than a minute.
func TestAccSCIMDirectory_scale(t *testing.T) {
	const users, groups, members = 1000, 50, 20
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	seedScale(m, users, groups, members)
	listing := map[string]int{mockserver.OpSearchUsers: 2, mockserver.OpSearchGroups: 1}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				PreConfig:          m.reset,
				Config:             m.configUnpaced(scaleDirectoryConfig(users, groups, members, 0, 0)),
				ResourceName:       dirAddr,
				ImportState:        true,
				ImportStateId:      m.AccountID(),
				ImportStatePersist: true,
				ImportStateCheck:   func([]*terraform.InstanceState) error { return m.expectCounts(listing)(nil) },
			},
			{
				PreConfig: m.reset,
				Config:    m.configUnpaced(scaleDirectoryConfig(users, groups, members, 0, 0)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: m.expectCounts(listing),
			},
			{
				PreConfig: m.reset,
				Config:    m.configUnpaced(scaleDirectoryConfig(users, groups, members, 10, 5)),
				Check: m.expectCounts(plus(listing, map[string]int{
					mockserver.OpReplaceUser: 10, mockserver.OpPatchGroup: 5,
				})),
			},
		},
	})
}
