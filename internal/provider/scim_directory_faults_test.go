package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// scimFailure is a SCIM error Harness answers a failed POST with (HTTP 409,
// docs/design/harness-api.md 1.4).
const scimFailure = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Injected: the invite service is down","status":404}`

var scimJSON = http.Header{"Content-Type": {"application/scim+json"}}

// TestAccSCIMDirectory_partialCreate fails one user and one group of the
// first apply. The apply records what succeeded, reports the failures (as
// warnings: an error would taint the directory, and replacing it deletes
// every user), leaves nothing untracked, and the next apply finishes.
func TestAccSCIMDirectory_partialCreate(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		cfg := m.config(baseDirectory.hcl())
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.expectDirectory(nil, nil),
			Steps: []resource.TestStep{
				{
					PreConfig: func() {
						m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, Nth: 2, Status: http.StatusConflict,
							Header: scimJSON, Body: scimFailure})
						m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateGroup, Status: http.StatusConflict,
							Header: scimJSON, Body: scimFailure})
					},
					Config: cfg,
					// The refresh after the apply drops what failed, so
					// the plan shows it again.
					ExpectNonEmptyPlan: true,
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectUserCount(2),
						m.expectGroupCount(1),
						m.expectNoOrphans(),
					),
				},
				{
					PreConfig: m.ClearFaults,
					Config:    cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dirAddr, plancheck.ResourceActionUpdate),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectDirectory(baseDirectory.users, baseDirectory.groups),
						m.expectNoOrphans(),
					),
				},
				{
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
				},
			},
		})
	})
}

// TestAccSCIMDirectory_partialUpdate fails a user update (every attempt
// answers 500) and a group PATCH in an apply that also creates a user: the
// apply reports both with Harness's message, records the creation, and the
// next apply sends only what is left.
func TestAccSCIMDirectory_partialUpdate(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		changed := baseDirectory.with(func(d *dirSpec) {
			d.users["alice@example.com"] = "Alice Doe"
			d.users["dave@example.com"] = "Dave"
			d.groups["Ops"] = []string{"carol@example.com", "dave@example.com"}
		})
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: m.config(baseDirectory.hcl())},
				{
					PreConfig: func() {
						m.InjectFault(mockserver.Fault{Op: mockserver.OpReplaceUser, Times: -1, Status: http.StatusInternalServerError})
						m.InjectFault(mockserver.Fault{Op: mockserver.OpPatchGroup, Status: http.StatusBadRequest,
							Body: `{"status":"ERROR","code":"INVALID_REQUEST","message":"Injected: group locked","correlationId":"c"}`})
					},
					Config: m.config(changed.hcl()),
					ExpectError: regexp.MustCompile(`(?s)Error updating SCIM user.*alice@example.com.*` +
						`Error updating SCIM group.*Ops.*group locked.*Directory partly applied`),
				},
				{
					PreConfig: func() {
						m.ClearFaults()
						m.reset()
					},
					Config: m.config(changed.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(dirAddr, tfjsonpath.New("user_ids").AtMapKey("dave@example.com"),
							knownvalue.StringRegexp(harnessIDPattern)),
					}},
					// Dave was created by the failed apply: only Alice's PUT
					// and Ops' PATCH are left.
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(plus(listingCounts(p), map[string]int{mockserver.OpReplaceUser: 1, mockserver.OpPatchGroup: 1})),
						m.expectDirectory(changed.users, changed.groups),
						m.expectNoOrphans(),
					),
				},
			},
		})
	})
}

// TestAccSCIMDirectory_uncertainCreate loses the answer of every attempt to
// create a user (Harness created it): the apply fails, the state keeps the
// key without an id, and the next refresh finds the user by name, so the
// plan is empty and nothing is created twice or left untracked.
func TestAccSCIMDirectory_uncertainCreate(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		changed := baseDirectory.with(func(d *dirSpec) { d.users["dave@example.com"] = "Dave" })
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: m.config(baseDirectory.hcl())},
				{
					PreConfig: func() {
						m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, Times: -1, DropAfterCommit: true})
					},
					Config:      m.config(changed.hcl()),
					ExpectError: regexp.MustCompile(`(?s)Error creating SCIM user.*dave@example.com`),
				},
				{
					PreConfig: m.ClearFaults,
					Config:    m.config(changed.hcl()),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectDirectory(changed.users, changed.groups),
						m.expectNoOrphans(),
					),
				},
			},
		})
	})
}

// expectNoOrphans checks that every SCIM user and group Harness has is in
// the directory's state with its id: nothing the directory touched is left
// untracked.
func (m *testMock) expectNoOrphans() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[dirAddr]
		if !ok {
			return fmt.Errorf("%s is not in state", dirAddr)
		}
		userIDs, groupIDs := map[string]string{}, map[string]string{}
		for k, v := range rs.Primary.Attributes {
			if key, ok := strings.CutPrefix(k, "user_ids."); ok && key != "%" {
				userIDs[foldName(key)] = v
			}
			if key, ok := strings.CutPrefix(k, "group_ids."); ok && key != "%" {
				groupIDs[key] = v
			}
		}
		for _, u := range m.Users() {
			if u.Imported && !u.Disabled && userIDs[u.Email] != u.ID {
				return fmt.Errorf("Harness has user %s (%s), but the state records id %q for it", u.Email, u.ID, userIDs[u.Email])
			}
		}
		for _, g := range m.Groups() {
			if groupIDs[g.Name] != g.ID {
				return fmt.Errorf("Harness has group %q (%s), but the state records id %q for it", g.Name, g.ID, groupIDs[g.Name])
			}
		}
		return nil
	}
}

// expectUserCount checks how many SCIM users Harness has.
func (m *testMock) expectUserCount(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := 0
		for _, u := range m.Users() {
			if u.Imported && !u.Disabled {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("Harness has %d SCIM users, want %d", got, n)
		}
		return nil
	}
}

// expectGroupCount checks how many groups Harness has.
func (m *testMock) expectGroupCount(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(m.Groups()); got != n {
			return fmt.Errorf("Harness has %d groups, want %d", got, n)
		}
		return nil
	}
}
