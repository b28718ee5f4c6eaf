package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// seedKeyChains adds n service accounts in scope sc, each with one key of
// the given number of tokens.
func seedKeyChains(t *testing.T, m *testMock, sc mockserver.Scope, n, tokens int) {
	t.Helper()
	for i := range n {
		id := fmt.Sprintf("sa%04d", i)
		m.SeedServiceAccount(mockserver.ServiceAccount{Identifier: id, Name: "Service account " + id, Email: id + "@service.harness.io", Scope: sc})
		for j := range tokens {
			key := mockserver.APIKeyRef{Scope: sc, Type: mockserver.KindServiceAccount, Parent: id, Identifier: "key"}
			if _, err := m.MintToken(mockserver.TokenSpec{Key: key, Identifier: fmt.Sprintf("tok%d", j)}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func identityOf(m *testMock, kv ...string) map[string]knownvalue.Check {
	out := map[string]knownvalue.Check{"account_id": knownvalue.StringExact(m.AccountID()),
		"org_id": knownvalue.Null(), "project_id": knownvalue.Null()}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = knownvalue.StringExact(kv[i+1])
	}
	return out
}

// Service accounts: paging past 1,000 (pages of 100), one scope at a time,
// search, and the resource an import records.
func TestAccServiceAccountList_query(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	seedKeyChains(t, m, mockserver.Scope{}, 1050, 0)
	seedKeyChains(t, m, mockserver.Scope{Org: "org1", Project: "proj1"}, 3, 0)
	sa7 := identityOf(m, "identifier", "sa0007")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: m.providerConfig()},
			queryStep(m, listBlock("harness_service_account", "all", "  limit = 5000", ""),
				querycheck.ExpectLength("harness_service_account.all", 1050),
				querycheck.ExpectIdentity("harness_service_account.all", sa7),
				expectRequests(m, map[string]int{mockserver.OpListServiceAccountAggregates: 11}),
			),
			queryStep(m, listBlock("harness_service_account", "project", "", `    org_id = "org1"
    project_id = "proj1"`),
				querycheck.ExpectLength("harness_service_account.project", 3),
				querycheck.ExpectIdentity("harness_service_account.project", map[string]knownvalue.Check{
					"account_id": knownvalue.StringExact(m.AccountID()), "identifier": knownvalue.StringExact("sa0001"),
					"org_id": knownvalue.StringExact("org1"), "project_id": knownvalue.StringExact("proj1"),
				}),
			),
			queryStep(m, listBlock("harness_service_account", "one", "  include_resource = true", `    search = "SA0007"`),
				querycheck.ExpectLength("harness_service_account.one", 1),
				querycheck.ExpectResourceKnownValues("harness_service_account.one", queryfilter.ByResourceIdentity(sa7),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("sa0007")},
						{Path: tfjsonpath.New("email"), KnownValue: knownvalue.StringExact("sa0007@service.harness.io")},
						{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("")},
					}),
				expectRequests(m, map[string]int{mockserver.OpListServiceAccountAggregates: 1}),
			),
		},
	})
}

// API keys: without parent_id every service account's keys (one listing of
// service accounts per page, then one request per service account), past
// 1,000 keys; by parent; include_resource; USER keys need parent_id.
func TestAccAPIKeyList_query(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	for i := range 210 {
		id := fmt.Sprintf("sa%04d", i)
		m.SeedServiceAccount(mockserver.ServiceAccount{Identifier: id, Name: id, Email: id + "@service.harness.io"})
		for k := range 5 {
			key := mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: id, Identifier: fmt.Sprintf("key%d", k)}
			if _, err := m.MintToken(mockserver.TokenSpec{Key: key, Identifier: "tok"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	key := identityOf(m, "identifier", "key3", "parent_id", "sa0042", "apikey_type", "SERVICE_ACCOUNT")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: m.providerConfig()},
			queryStep(m, listBlock("harness_api_key", "all", "  limit = 5000", ""),
				querycheck.ExpectLength("harness_api_key.all", 1050),
				querycheck.ExpectIdentity("harness_api_key.all", key),
				expectRequests(m, map[string]int{mockserver.OpListServiceAccountAggregates: 3, mockserver.OpListAPIKeyAggregates: 210}),
			),
			queryStep(m, listBlock("harness_api_key", "sa42", "  include_resource = true", `    parent_id = "sa0042"`),
				querycheck.ExpectLength("harness_api_key.sa42", 5),
				querycheck.ExpectResourceKnownValues("harness_api_key.sa42", queryfilter.ByResourceIdentity(key),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("sa0042/key3/SERVICE_ACCOUNT")},
						{Path: tfjsonpath.New("default_time_to_expire_token"), KnownValue: knownvalue.Int64Exact(2592000000)},
					}),
				expectRequests(m, map[string]int{mockserver.OpListAPIKeyAggregates: 1}),
			),
			{
				Query:       true,
				Config:      listBlock("harness_api_key", "mine", "", `    apikey_type = "USER"`),
				ExpectError: expectErr(`parent_id is required for USER API keys`),
			},
		},
	})
}

// Tokens: past 1,000 in pages of 100, by key, include_resource; values a
// rotation replaced and expired tokens are left out.
func TestAccAPIKeyTokenList_query(t *testing.T) {
	m := newMockWithOptions(t, mockserver.Options{Profile: mockserver.MustProfile(mockserver.DefaultProfile), KeepExpiredTokens: true})
	seedKeyChains(t, m, mockserver.Scope{}, 210, 5)
	seedKeyChains(t, m, mockserver.Scope{Org: "org1"}, 1, 1)
	tok := identityOf(m, "identifier", "tok2", "apikey_id", "key", "parent_id", "sa0042", "apikey_type", "SERVICE_ACCOUNT")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: m.providerConfig()},
			queryStep(m, listBlock("harness_api_key_token", "all", "  limit = 5000", ""),
				querycheck.ExpectLength("harness_api_key_token.all", 1050),
				querycheck.ExpectIdentity("harness_api_key_token.all", tok),
				// 1,050 tokens of the account scope, 100 a page; the org's
				// token is listed too (Harness ignores an empty org) and dropped.
				expectRequests(m, map[string]int{mockserver.OpListTokens: 11}),
			),
			{
				// tok0 of sa0000 was rotated out and tok1 of sa0001 has
				// expired (Harness has not purged it yet): neither is listed.
				PreConfig: func() {
					at := time.Now().Add(time.Hour)
					rotated := mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "sa0000", Identifier: "key"}
					expired := mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "sa0001", Identifier: "key"}
					if m.UpdateToken(rotated, "tok0", func(t *mockserver.Token) { t.ScheduledExpireTime = &at }) != nil ||
						m.UpdateToken(expired, "tok1", func(t *mockserver.Token) { t.ValidTo = time.Now().Add(-time.Minute) }) != nil {
						t.Fatal("tokens to change are missing")
					}
				},
				Query:  true,
				Config: listBlock("harness_api_key_token", "live", "  limit = 5000", ""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("harness_api_key_token.live", 1048),
				},
			},
			queryStep(m, listBlock("harness_api_key_token", "key", "  include_resource = true", `    parent_id = "sa0042"
    apikey_id = "key"`),
				querycheck.ExpectLength("harness_api_key_token.key", 5),
				querycheck.ExpectResourceKnownValues("harness_api_key_token.key", queryfilter.ByResourceIdentity(tok),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("sa0042/key/SERVICE_ACCOUNT/tok2")},
						{Path: tfjsonpath.New("value"), KnownValue: knownvalue.Null()},
						{Path: tfjsonpath.New("rotation_grace_period"), KnownValue: knownvalue.StringExact("1h")},
					}),
				expectRequests(m, map[string]int{mockserver.OpListTokens: 1}),
			),
			queryStep(m, listBlock("harness_api_key_token", "org", "", `    org_id = "org1"`),
				querycheck.ExpectLength("harness_api_key_token.org", 1),
			),
		},
	})
}
