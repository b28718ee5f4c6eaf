package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Helpers for the mock Harness that acceptance tests run against: starting
// one per test, pointing the provider at it, counting its requests and
// asking its store directly.

// testMock is a mock Harness started for one test.
type testMock struct {
	*mockserver.Server
	URL string
}

// newMock starts a mock Harness with the given profile, closed when the test
// ends.
func newMock(t *testing.T, profile mockserver.Profile) *testMock {
	t.Helper()
	return newMockWithOptions(t, mockserver.Options{Profile: profile})
}

// providerConfig is the provider block that points at the mock, with quick
// retries so fault-injection tests stay fast.
func (m *testMock) providerConfig() string {
	return fmt.Sprintf(`
provider "harness" {
  endpoint        = %[1]q
  account_id      = %[2]q
  api_key         = %[3]q
  scim_generation = %[4]q
  retry_wait_min  = "5ms"
  retry_wait_max  = "20ms"
}
`, m.URL, m.AccountID(), m.Token(), generationOf(m.Profile()))
}

func generationOf(p mockserver.Profile) string {
	if p.Generation == mockserver.FirstGen {
		return "firstgen"
	}
	return "nextgen"
}

// config prepends the provider block to a test configuration.
func (m *testMock) config(body string) string { return m.providerConfig() + body }

// reset empties the request log; use it as a step's PreConfig so the
// step's Check sees only the step's own requests.
func (m *testMock) reset() { m.ResetRequests() }

// expectCounts checks the operations the mock saw since the last reset,
// exactly: every operation not listed must not have been called.
func (m *testMock) expectCounts(want map[string]int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := m.Counts()
		nonZero := map[string]int{}
		for op, n := range want {
			if n != 0 {
				nonZero[op] = n
			}
		}
		if mockserver.CountsString(got) != mockserver.CountsString(nonZero) {
			return fmt.Errorf("Harness API requests: got %s, want %s", mockserver.CountsString(got), mockserver.CountsString(nonZero))
		}
		return nil
	}
}

// forEachProfile runs f once per mock profile, as a subtest named after it.
func forEachProfile(t *testing.T, f func(t *testing.T, p mockserver.Profile)) {
	for _, name := range mockserver.ProfileNames() {
		p := mockserver.MustProfile(name)
		t.Run(name, func(t *testing.T) { f(t, p) })
	}
}

// newMockWithOptions is newMock for tests that need mock options.
func newMockWithOptions(t *testing.T, opts mockserver.Options) *testMock {
	t.Helper()
	srv := mockserver.New(opts)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testMock{Server: srv, URL: hs.URL}
}

// scimStatus calls the mock's NextGen SCIM Users route with token and
// returns the HTTP status: 200 when the token is a working credential.
func (m *testMock) scimStatus(token string) int {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
		m.URL+"/ng/api/scim/account/"+m.AccountID()+"/Users", nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// expectWorks checks whether each captured value authenticates.
func (m *testMock) expectWorks(want map[*string]bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for v, ok := range want {
			if got := m.scimStatus(*v) == http.StatusOK; got != ok {
				return fmt.Errorf("token value %.12s…: works=%v, want %v", *v, got, ok)
			}
		}
		return nil
	}
}

// expectStoredValue checks that the state's value is the mock's token.
func (m *testMock) expectStoredValue(identifier string, value *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		tok, ok := m.LookupToken(saKey("entra"), identifier)
		if !ok {
			return fmt.Errorf("token %s not in the mock", identifier)
		}
		if got := m.TokenValue(tok); got != *value {
			return fmt.Errorf("state value %.12s… is not the mock's token %.12s…", *value, got)
		}
		return nil
	}
}

// listWithExpiry is a token list answer holding tok with its validTo and
// scheduledExpireTime replaced by raw JSON ("null" leaves one out): a way
// to show the provider what the mock never stores.
func (m *testMock) listWithExpiry(tok mockserver.Token, validTo, scheduled string) string {
	return fmt.Sprintf(`{"status":"SUCCESS","data":{"totalPages":1,"totalItems":1,"pageItemCount":1,"pageSize":50,"content":[`+
		`{"token":{"identifier":%q,"name":%q,"validFrom":%d,"validTo":%s,"scheduledExpireTime":%s,"valid":true,`+
		`"accountIdentifier":%q,"orgIdentifier":null,"projectIdentifier":null,"apiKeyIdentifier":%q,"parentIdentifier":%q,`+
		`"apiKeyType":%q,"description":%q,"tags":{}},"expiryAt":0,"createdAt":0,"lastModifiedAt":0}],"pageIndex":0,"empty":false},`+
		`"metaData":null,"correlationId":"c"}`,
		tok.Identifier, tok.Name, tok.ValidFrom.UnixMilli(), validTo, scheduled, m.AccountID(), tok.APIKey, tok.Parent, tok.Type,
		tok.Description)
}

// seedUsers adds n SCIM users to the mock and returns their ids.
func (m *testMock) seedUsers(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = m.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("u%d@example.com", i), DisplayName: fmt.Sprintf("User %d", i)}).ID
	}
	return ids
}

// expectGroup checks the mock's group: its name and exactly these members.
func (m *testMock) expectGroup(id *string, name string, members ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		g, ok := m.Group(*id)
		if !ok {
			return fmt.Errorf("group %s is not in Harness", *id)
		}
		got, want := slices.Clone(g.Members), slices.Clone(members)
		slices.Sort(got)
		slices.Sort(want)
		if g.Name != name || !slices.Equal(got, want) {
			return fmt.Errorf("Harness has group %s named %q with members %v; want %q with %v", *id, g.Name, got, name, want)
		}
		return nil
	}
}

// checkGroupGone is a CheckDestroy that asks the mock store directly.
func (m *testMock) checkGroupGone(id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := m.Group(*id); ok {
			return fmt.Errorf("group %s still exists in Harness after destroy", *id)
		}
		return nil
	}
}

// checkUserGone is a CheckDestroy that asks the mock store directly.
func (m *testMock) checkUserGone(email string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, ok := m.UserByEmail(email)
		if ok && u.Member && !u.Disabled {
			return fmt.Errorf("user %s (%s) is still an active account member after destroy", email, u.ID)
		}
		return nil
	}
}

// userStep is a config step for one user with the given extra attributes.
func userID(m *testMock, email string) string {
	u, _ := m.UserByEmail(email)
	return u.ID
}

// saKey is the mock reference of a SERVICE_ACCOUNT key of scim_sa.
func saKey(identifier string) mockserver.APIKeyRef {
	return mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "scim_sa", Identifier: identifier}
}

// checkNoTokens fails while the mock holds a token, naming one.
func (m *testMock) checkNoTokens() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if toks := m.Tokens(); len(toks) != 0 {
			return fmt.Errorf("%d tokens left after the destroy, e.g. %q", len(toks), toks[0].Identifier)
		}
		return nil
	}
}

func (m *testMock) checkNoKeysOrTokens() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if k, t := len(m.APIKeys()), len(m.Tokens()); k != 0 || t != 0 {
			return fmt.Errorf("%d API keys and %d tokens left after destroy", k, t)
		}
		return nil
	}
}

// checkServiceAccountGone is a CheckDestroy that asks the mock store.
func (m *testMock) checkServiceAccountGone(sc mockserver.Scope, identifier string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := m.ServiceAccount(sc, identifier); ok {
			return fmt.Errorf("service account %s still exists after destroy", identifier)
		}
		return nil
	}
}

// principals returns who made the logged requests of op.
func principals(m *testMock, op string) []string {
	var out []string
	for _, r := range m.Requests() {
		if r.Op == op && r.Status < 300 {
			out = append(out, r.Principal)
		}
	}
	return out
}

// entraChainHCL is the service account "scim_sa", its API key "entra" and a
// token resource named tokenResource (identifier and name as given): the
// chain an identity provider's SCIM connection uses.
func entraChainHCL(tokenResource, identifier, name string) string {
	return fmt.Sprintf(`
resource "harness_service_account" "sa" {
  identifier = "scim_sa"
  name       = "SCIM"
  email      = "scim@service.harness.io"
}

resource "harness_api_key" "key" {
  identifier  = "entra"
  name        = "Entra ID"
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
}

resource "harness_api_key_token" %q {
  identifier  = %q
  name        = %q
  apikey_id   = harness_api_key.key.identifier
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
}
`, tokenResource, identifier, name)
}
