package provider

import (
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Acceptance tests of batched refresh (refresh_batch.go): what a refresh
// costs, that a listing never makes a live object look deleted, that the
// state it builds is the one GETs build, and that no listing outlives its
// command.

// batchFleet is a configuration of users and groups: users u[i] (email
// batchNNN@example.com, named prefix + email) and groups g[i] ("<prefix>
// group NN") each holding members consecutive users. extra is appended as
// is. It uses count, not for_each: terraform-plugin-testing's state shim
// cannot refresh string-keyed instances.
type batchFleet struct {
	users, groups, members int
	prefix                 string
	extra                  string
}

func (d batchFleet) userKey(i int) string { return fmt.Sprintf("batch%03d@example.com", i) }

// userAddr is user i's address in a plan; userStateAddr in the state shim.
func (d batchFleet) userAddr(i int) string      { return fmt.Sprintf("harness_scim_user.u[%d]", i) }
func (d batchFleet) userStateAddr(i int) string { return fmt.Sprintf("harness_scim_user.u.%d", i) }

// config renders d with the provider block for batch_refresh = mode ("" leaves it unset).
func (d batchFleet) config(m *testMock, mode string) string {
	var b strings.Builder
	b.WriteString(batchProviderConfig(m, mode))
	fmt.Fprintf(&b, `
resource "harness_scim_user" "u" {
  count        = %d
  user_name    = format("batch%%03d@example.com", count.index)
  display_name = format("%s batch%%03d@example.com", count.index)
}
`, d.users, d.prefix)
	if d.groups > 0 {
		fmt.Fprintf(&b, `
resource "harness_scim_group" "g" {
  count        = %[1]d
  display_name = format("%[2]s group %%02d", count.index)
  members      = [for j in range(%[3]d) : harness_scim_user.u[(count.index * %[3]d + j) %% %[4]d].id]
}
`, d.groups, d.prefix, d.members, d.users)
	}
	b.WriteString(d.extra)
	return b.String()
}

// batchProviderConfig is the test provider block with batch_refresh set.
func batchProviderConfig(m *testMock, mode string) string {
	block := m.providerConfig()
	if mode == "" {
		return block
	}
	i := strings.LastIndex(block, "}")
	return block[:i] + fmt.Sprintf("  batch_refresh   = %q\n", mode) + block[i:]
}

// userPages is how many requests a listing of n SCIM users takes: NextGen
// reads on to an empty page (it may hide rows from a page), FirstGen stops
// at a short one.
func userPages(p mockserver.Profile, n int) int {
	if p.Generation == mockserver.NextGen && n%1000 != 0 {
		return n/1000 + 2
	}
	return n/1000 + 1
}

// A plan of one user costs one GET; of many, batchThreshold GETs and the
// listing, for users and (NextGen) groups alike.
func TestAccBatchedRefresh_requestCounts(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		small := batchFleet{users: 1, groups: 1, members: 1, prefix: "Small"}
		large := batchFleet{users: 60, groups: 25, members: 2, prefix: "Small"}
		largeRefresh := map[string]int{
			mockserver.OpGetUser: batchThreshold, mockserver.OpSearchUsers: userPages(p, 60),
			mockserver.OpGetGroup: batchThreshold, mockserver.OpSearchGroups: 1,
		}
		if p.Generation == mockserver.FirstGen {
			// FirstGen group listings carry no members: every group is a GET.
			largeRefresh[mockserver.OpGetGroup], largeRefresh[mockserver.OpSearchGroups] = 25, 0
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: small.config(m, "")},
				{
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(map[string]int{mockserver.OpGetUser: 1, mockserver.OpGetGroup: 1}),
				},
				{Config: large.config(m, "")},
				{
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(largeRefresh),
				},
				{
					// never: one GET per object, as before batching.
					PreConfig: m.reset,
					Config:    large.config(m, "never"),
					PlanOnly:  true,
				},
				{
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(map[string]int{mockserver.OpGetUser: 60, mockserver.OpGetGroup: 25}),
				},
			},
		})
	})
}

// snapshot copies every resource's attributes from state.
func snapshot(into *map[string]map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		out := map[string]map[string]string{}
		for addr, rs := range s.RootModule().Resources {
			out[addr] = maps.Clone(rs.Primary.Attributes)
		}
		*into = out
		return nil
	}
}

// sameSnapshots reports every attribute that differs between a and b.
func sameSnapshots(a, b map[string]map[string]string) error {
	var diffs []string
	for addr, attrs := range a {
		other, ok := b[addr]
		if !ok {
			diffs = append(diffs, addr+" is missing")
			continue
		}
		for k, v := range attrs {
			if other[k] != v {
				diffs = append(diffs, fmt.Sprintf("%s.%s: %q by GET, %q from the listing", addr, k, v, other[k]))
			}
		}
		for k := range other {
			if _, ok := attrs[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s.%s only from the listing", addr, k))
			}
		}
	}
	for addr := range b {
		if _, ok := a[addr]; !ok {
			diffs = append(diffs, addr+" only from the listing")
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		return fmt.Errorf("the state refreshed from listings differs from the state refreshed by GETs:\n%s", strings.Join(diffs, "\n"))
	}
	if len(a) == 0 {
		return fmt.Errorf("empty state: nothing compared")
	}
	return nil
}

// shapesHCL adds users of the other name shapes and memberships of a group
// whose members the group resource does not manage.
func shapesHCL(p mockserver.Profile) string {
	external := ""
	if p.Generation == mockserver.NextGen {
		external = `
resource "harness_scim_user" "external" {
  user_name    = "external@example.com"
  display_name = "External"
  external_id  = "00u-external"
}
`
	}
	return external + `
resource "harness_scim_user" "named" {
  user_name    = "named@example.com"
  display_name = "Named Person"
  given_name   = "Named"
  family_name  = "Person"
}

resource "harness_scim_group" "shared" {
  display_name = "Shared"
}

resource "harness_scim_group_member" "m" {
  count    = 2
  group_id = harness_scim_group.shared.id
  user_id  = harness_scim_user.u[count.index].id
}
`
}

// The state refreshed from listings is the state refreshed by GETs, under
// every profile, after out-of-band edits of every user and group.
func TestAccBatchedRefresh_sameStateAsGets(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		d := batchFleet{users: 24, groups: 4, members: 3, prefix: "Before", extra: shapesHCL(p)}
		drifted := d
		drifted.prefix = "Drifted"
		users, groups := d.users+1, d.groups+1 // + named, shared
		if p.Generation == mockserver.NextGen {
			users++ // external
		}
		// The shared group is read by its resource and both memberships.
		byGET := map[string]int{mockserver.OpGetUser: users, mockserver.OpGetGroup: groups + 2}
		listed := map[string]int{mockserver.OpSearchUsers: userPages(p, users), mockserver.OpSearchGroups: 1}
		if p.Generation == mockserver.FirstGen {
			listed = map[string]int{mockserver.OpSearchUsers: userPages(p, users), mockserver.OpGetGroup: groups + 2}
		}
		var viaGET, viaListing map[string]map[string]string
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: d.config(m, "never")},
				{
					// Someone renames every user and group in Harness.
					PreConfig: func() {
						for _, u := range m.Users() {
							_ = m.UpdateUser(u.ID, func(u *mockserver.User) {
								u.DisplayName = strings.Replace(u.DisplayName, "Before", "Drifted", 1)
							})
						}
						for _, g := range m.Groups() {
							_ = m.UpdateGroup(g.ID, func(g *mockserver.Group) { g.Name = strings.Replace(g.Name, "Before", "Drifted", 1) })
						}
						m.reset()
					},
					RefreshState:       true,
					ExpectNonEmptyPlan: true,
					Check:              resource.ComposeAggregateTestCheckFunc(m.expectCounts(byGET), snapshot(&viaGET)),
				},
				// The configuration takes the new names; nothing to apply.
				{Config: drifted.config(m, "always")},
				{
					PreConfig:    m.reset,
					RefreshState: true,
					Check: resource.ComposeAggregateTestCheckFunc(m.expectCounts(listed), snapshot(&viaListing),
						func(*terraform.State) error { return sameSnapshots(viaGET, viaListing) }),
				},
			},
		})
	})
}

// emptySearchPage is a SCIM search page with no rows, as NextGen answers
// when it hides every row of the page it cut.
const emptySearchPage = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],` +
	`"totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":1000}`

// Hidden rows and short pages never drop a live user: NextGen's short
// pages are read past, and a user the listing does not show is read by id.
func TestAccBatchedRefresh_hiddenRowsNeverDropALiveUser(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		// 1,200 users made earlier, half of the first thousand gone from
		// the account while in a FirstGen user group: with
		// PL_USER_DELETION_V2 on, NextGen keeps them in the CG account,
		// so they take places on the first page, and hides them after
		// cutting it, which comes back with 500 rows.
		for i := range 1200 {
			u := m.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("earlier%04d@example.com", i), DisplayName: "Earlier"})
			if i < 1000 && i%2 == 0 {
				_ = m.UpdateUser(u.ID, func(u *mockserver.User) { u.InFirstGenUserGroup = true })
				m.RemoveUser(u.ID)
			}
		}
		d := batchFleet{users: 25, prefix: "Live"}
		// nextgen: 500 rows, then 200 + 25, then an empty page. Without
		// PL_USER_DELETION_V2 the removed users take no place: 725 rows,
		// then NextGen's empty page; FirstGen stops at the short page.
		pages := map[string]int{"nextgen": 3, "nextgen-legacy": 2, "firstgen": 1}[p.Name]
		if pages == 0 {
			t.Fatalf("no page count for profile %s", p.Name)
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: d.config(m, "always")},
				{
					// The managed users are on the page after the short one.
					PreConfig:    m.reset,
					RefreshState: true,
					Check:        m.expectCounts(map[string]int{mockserver.OpSearchUsers: pages}),
				},
				{
					// Harness hides every row of the first page: the listing
					// ends empty, and each user is confirmed by its own GET.
					PreConfig: func() {
						m.InjectFault(mockserver.Fault{Op: mockserver.OpSearchUsers, Status: http.StatusOK, Body: emptySearchPage})
						m.reset()
					},
					RefreshState: true,
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpSearchUsers: 1, mockserver.OpGetUser: 25}),
						expectInstances("harness_scim_user.u", 25),
					),
				},
			},
		})
	})
}

// expectInstances checks how many instances of a for_each resource state holds.
func expectInstances(prefix string, want int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		n := 0
		for addr := range s.RootModule().Resources {
			if strings.HasPrefix(addr, prefix+".") || addr == prefix {
				n++
			}
		}
		if n != want {
			return fmt.Errorf("state holds %d instances of %s, want %d", n, prefix, want)
		}
		return nil
	}
}

// A user deleted outside Terraform is still planned for re-creation after
// a batched refresh: missing from the listing, confirmed gone by its GET.
func TestAccBatchedRefresh_outOfBandDeleteRecreates(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		d := batchFleet{users: 25, prefix: "Kept"}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: d.config(m, "always")},
				{
					PreConfig: func() {
						if !m.RemoveUser(userID(m, d.userKey(3))) {
							t.Fatal("user 3 not in the mock")
						}
						m.reset()
					},
					RefreshState:       true,
					ExpectNonEmptyPlan: true,
					Check: resource.ComposeAggregateTestCheckFunc(
						m.expectCounts(map[string]int{mockserver.OpSearchUsers: userPages(p, 24), mockserver.OpGetUser: 1}),
						expectInstances("harness_scim_user.u", 24),
					),
				},
				{
					Config: d.config(m, "always"),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(d.userAddr(3), plancheck.ResourceActionCreate),
					}},
				},
			},
		})
	})
}

// A listing that fails (here every search is refused) falls back to one
// GET per object, for users and groups.
func TestAccBatchedRefresh_listingFailureFallsBackToGets(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		d := batchFleet{users: 25, groups: 22, members: 1, prefix: "Fallback"}
		want := map[string]int{mockserver.OpSearchUsers: 1, mockserver.OpGetUser: 25, mockserver.OpSearchGroups: 1, mockserver.OpGetGroup: 22}
		if p.Generation == mockserver.FirstGen {
			want[mockserver.OpSearchGroups] = 0
		}
		refused := `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: search refused by the test"}`
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: d.config(m, "")},
				{
					PreConfig: func() {
						for _, op := range []string{mockserver.OpSearchUsers, mockserver.OpSearchGroups} {
							m.InjectFault(mockserver.Fault{Op: op, Times: -1, Status: http.StatusBadRequest, Body: refused})
						}
						m.reset()
					},
					RefreshState: true,
					Check: resource.ComposeAggregateTestCheckFunc(m.expectCounts(want),
						expectInstances("harness_scim_user.u", 25), expectInstances("harness_scim_group.g", 22)),
				},
			},
		})
	})
}

// Every command lists afresh: a change made in Harness between commands
// shows in the next plan, apply, refresh and import, each of which runs a
// new Configure (the in-process provider of terraform-plugin-testing too).
func TestAccBatchedRefreshSeesEveryCommandAfresh(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	d := batchFleet{users: 25, prefix: "Fresh"}
	rename := func(i int, name string) func() {
		return func() {
			if err := m.UpdateUser(userID(m, d.userKey(i)), func(u *mockserver.User) { u.DisplayName = name }); err != nil {
				t.Fatal(err)
			}
			m.reset()
		}
	}
	listingOnly := map[string]int{mockserver.OpSearchUsers: 2}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: d.config(m, "always")},
			{PreConfig: m.reset, RefreshState: true, Check: m.expectCounts(listingOnly)},
			{
				// plan
				PreConfig:          rename(3, "Renamed in Harness"),
				Config:             d.config(m, "always"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				// apply: its plan sees the rename and puts the name back
				PreConfig: rename(4, "Renamed again"),
				Config:    d.config(m, "always"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(d.userAddr(3), plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(d.userAddr(4), plancheck.ResourceActionUpdate),
				}},
			},
			{
				// refresh
				PreConfig:          rename(5, "Renamed for the refresh"),
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(m.expectCounts(listingOnly),
					resource.TestCheckResourceAttr(d.userStateAddr(5), "display_name", "Renamed for the refresh")),
			},
			{
				// import
				PreConfig:    rename(6, "Renamed for the import"),
				ResourceName: d.userAddr(6),
				ImportState:  true,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					return userID(m, d.userKey(6)), nil
				},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["display_name"] != "Renamed for the import" {
						return fmt.Errorf("imported %+v, want the name Harness has now", states)
					}
					if got := mockserver.CountsString(m.Counts()); got != mockserver.CountsString(listingOnly) {
						return fmt.Errorf("import requests %s, want %s", got, mockserver.CountsString(listingOnly))
					}
					return nil
				},
			},
		},
	})
}

// A storm of 429s (no client pacing, a gateway budget of 10 requests per
// second, 50 users read and written at once) ends with every request done
// and no error.
func TestAccBatchedRefresh_rateLimitStorm(t *testing.T) {
	m := newMockWithOptions(t, mockserver.Options{
		Profile:   mockserver.MustProfile("nextgen"),
		RateLimit: mockserver.RateLimit{Requests: 10, Window: time.Second},
	})
	d := batchFleet{users: 50, prefix: "Storm"}
	unpaced := func() string {
		cfg := d.config(m, "never")
		return strings.Replace(cfg, "  batch_refresh", "  max_requests_per_minute = 0\n  batch_refresh", 1)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: unpaced(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.u[49]", tfjsonpath.New("display_name"), knownvalue.StringExact("Storm "+d.userKey(49))),
				},
			},
			{
				PreConfig:    m.reset,
				RefreshState: true,
				Check: resource.ComposeAggregateTestCheckFunc(expectInstances("harness_scim_user.u", 50),
					func(*terraform.State) error {
						if m.RateLimited() == 0 {
							return fmt.Errorf("no 429s: the storm the test is about did not happen")
						}
						if ok := m.Count(mockserver.OpGetUser) - m.RateLimitedCounts()[mockserver.OpGetUser]; ok != 50 {
							return fmt.Errorf("%d GETs reached Harness, want 50", ok)
						}
						return nil
					}),
			},
		},
	})
}
