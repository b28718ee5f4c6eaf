package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// List resources and terraform query need Terraform 1.14; with an older
// terraform these tests skip, saying so.
var needsQuery = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// queryStep runs terraform query with the given list blocks (provider
// harness comes from the previous step's configuration).
func queryStep(m *testMock, lists string, checks ...querycheck.QueryResultCheck) resource.TestStep {
	return resource.TestStep{Query: true, Config: lists, QueryResultChecks: checks, PreConfig: m.reset}
}

func listBlock(typ, name, extra, config string) string {
	return fmt.Sprintf("list %q %q {\n  provider = harness\n%s\n  config {\n%s\n  }\n}\n", typ, name, extra, config)
}

// Listing users pages past 1,000 users, filters, and returns each user's
// identity and, with include_resource, the resource an import records.
func TestAccSCIMUserList_query(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		for i := range 1200 {
			m.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%04d@example.com", i), DisplayName: fmt.Sprintf("User %d", i)})
		}
		alice := m.SeedUser(mockserver.UserSpec{Email: "alice@example.com", DisplayName: "Alice Doe", GivenName: "Alice", FamilyName: "Doe"})
		m.SeedUser(mockserver.UserSpec{Email: "invited@example.com", DisplayName: "Invited", NotImported: true})
		aliceIdentity := map[string]knownvalue.Check{"account_id": knownvalue.StringExact(m.AccountID()), "id": knownvalue.StringExact(alice.ID)}
		pages := 3 // NextGen reads until an empty page.
		if p.Generation == mockserver.FirstGen {
			pages = 2
		}
		resource.ParallelTest(t, resource.TestCase{
			TerraformVersionChecks:   needsQuery,
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{
				{Config: m.providerConfig()},
				queryStep(m, listBlock("harness_scim_user", "all", "  limit = 5000", ""),
					querycheck.ExpectLength("harness_scim_user.all", 1201),
					querycheck.ExpectIdentity("harness_scim_user.all", aliceIdentity),
					expectRequests(m, map[string]int{mockserver.OpSearchUsers: pages}),
				),
				queryStep(m, listBlock("harness_scim_user", "alice", "  include_resource = true", `    user_name = "Alice@Example.com"`),
					querycheck.ExpectLength("harness_scim_user.alice", 1),
					querycheck.ExpectResourceDisplayName("harness_scim_user.alice", queryfilter.ByResourceIdentity(aliceIdentity),
						knownvalue.StringExact("alice@example.com (Alice Doe)")),
					querycheck.ExpectResourceKnownValues("harness_scim_user.alice", queryfilter.ByResourceIdentity(aliceIdentity),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("user_name"), KnownValue: knownvalue.StringExact("alice@example.com")},
							{Path: tfjsonpath.New("active"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("on_destroy"), KnownValue: knownvalue.StringExact("delete")},
						}),
					// One search answers it: the match ends the listing.
					expectRequests(m, map[string]int{mockserver.OpSearchUsers: 1}),
				),
				queryStep(m, listBlock("harness_scim_user", "search", "  limit = 500", `    search = "USER 11"`),
					// "User 11" and "User 110".."User 119", "User 1100".."User 1199".
					querycheck.ExpectLength("harness_scim_user.search", 111),
				),
				queryStep(m, listBlock("harness_scim_user", "limited", "  limit = 10", ""),
					querycheck.ExpectLength("harness_scim_user.limited", 10),
					expectRequests(m, map[string]int{mockserver.OpSearchUsers: 1}),
				),
				queryStep(m, listBlock("harness_scim_user", "inactive", "", "    active = false"),
					querycheck.ExpectLength("harness_scim_user.inactive", 0),
				),
			},
		})
	})
}

// expectRequests is a query check that asserts the mock's request counts
// since the step's PreConfig reset.
func expectRequests(m *testMock, want map[string]int) querycheck.QueryResultCheck {
	return requestCountCheck{m: m, want: want}
}

type requestCountCheck struct {
	m    *testMock
	want map[string]int
}

func (c requestCountCheck) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = c.m.expectCounts(c.want)(nil)
}
