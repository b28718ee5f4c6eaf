package provider

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// requireCLI skips the test, saying which version it needs, when the
// terraform under test (TF_ACC_TERRAFORM_PATH, else terraform on PATH) is
// older than minVersion; feature names what needs it.
func (c *tfCLI) requireCLI(minVersion, feature string) {
	c.t.Helper()
	out := c.mustRun("version", "-json")
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &v); err != nil {
		c.t.Fatalf("reading the version of terraform: %v\n%s", err, out)
	}
	if versionBelow(v.Version, minVersion) {
		c.t.Skipf("Terraform CLI version %s is below minimum version %s (%s): skipping test; set TF_ACC_TERRAFORM_PATH "+
			"to a newer terraform", v.Version, minVersion, feature)
	}
}

// versionBelow compares the numeric major.minor.patch of two versions
// ("1.15.9", "1.12.0-beta1"); a part that is not a number counts as 0.
func versionBelow(got, want string) bool {
	parse := func(v string) [3]int {
		var out [3]int
		core, _, _ := strings.Cut(v, "-")
		for i, part := range strings.SplitN(core, ".", 3) {
			out[i], _ = strconv.Atoi(part)
		}
		return out
	}
	g, w := parse(got), parse(want)
	for i := range g {
		if g[i] != w[i] {
			return g[i] < w[i]
		}
	}
	return false
}

// seedUnmanagedAccount fills the mock as an identity provider and the
// Harness UI would: users, groups with members, and a service account with
// a key and a token. It returns the user ids.
func seedUnmanagedAccount(t *testing.T, m *testMock) []string {
	t.Helper()
	u := m.seedUsers(3)
	m.SeedGroup(mockserver.GroupSpec{Name: "Developers", Members: []string{u[2], u[0]}})
	m.SeedGroup(mockserver.GroupSpec{Name: "Auditors"})
	m.SeedServiceAccount(mockserver.ServiceAccount{Identifier: "entra_scim", Name: "Entra SCIM", Email: "entra@service.harness.io",
		Description: "made in the UI", Tags: map[string]string{"team": "identity"}})
	key := mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "entra_scim", Identifier: "scim_key"}
	if _, err := m.MintToken(mockserver.TokenSpec{Key: key, Identifier: "scim_token"}); err != nil {
		t.Fatal(err)
	}
	return u
}

const adoptQuery = `
list "harness_scim_user" "users" {
  provider = harness
}
list "harness_scim_group" "groups" {
  provider = harness
}
list "harness_service_account" "service_accounts" {
  provider = harness
}
list "harness_api_key" "keys" {
  provider = harness
}
list "harness_api_key_token" "tokens" {
  provider = harness
}
`

// The adoption path of the guide, end to end with the real CLI: terraform
// query -generate-config-out on an account Terraform does not manage
// writes import blocks and configuration; applying it imports everything
// and changes nothing in Harness (the mock sees no write at all); the next
// plan is empty. The token's value cannot be read back: the query and the
// plan say so, and the generated configuration plans nothing all the same.
func TestAccCLI_queryGenerateConfigAdoptsAccount(t *testing.T) {
	cli := newTFCLI(t)
	cli.requireCLI("1.14.0", "terraform query and list resources")
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	u := seedUnmanagedAccount(t, m)
	cli.config(m, "")
	if err := os.WriteFile(filepath.Join(cli.dir, "adopt.tfquery.hcl"), []byte(adoptQuery), 0o600); err != nil {
		t.Fatal(err)
	}
	m.reset()
	out := cli.mustRun("query", "-generate-config-out=unmanaged.tf")
	for _, want := range []string{"u0@example.com (User 0)", "Developers (2 members)", "Entra SCIM", "scim_token",
		"Harness does not return token values"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Fatalf("terraform query output lacks %q:\n%s", want, out)
		}
	}
	generated, err := os.ReadFile(filepath.Join(cli.dir, "unmanaged.tf"))
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, string(generated), u)
	// Users: a page and NextGen's closing empty page; groups, service
	// accounts and tokens: one page each; keys: the service accounts, then
	// the keys of each.
	expectOps(t, m, "query", map[string]int{mockserver.OpSearchUsers: 2, mockserver.OpSearchGroups: 1,
		mockserver.OpListServiceAccountAggregates: 2, mockserver.OpListAPIKeyAggregates: 1, mockserver.OpListTokens: 1})

	m.reset()
	out = cli.mustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(out, "Apply complete! Resources: 8 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Fatalf("the apply of the generated configuration did more than import:\n%s", out)
	}
	expectNoWrites(t, m)
	// One read per import, plus the group lookup of a group import.
	expectOps(t, m, "apply", map[string]int{mockserver.OpGetUser: 3, mockserver.OpGetGroup: 4,
		mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1})

	m.reset()
	out, err = cli.run("plan", "-detailed-exitcode", "-input=false")
	if err != nil || !strings.Contains(out, "No changes.") {
		t.Fatalf("the plan after adopting is not empty (%v):\n%s", err, out)
	}
	expectNoWrites(t, m)
	expectOps(t, m, "plan", map[string]int{mockserver.OpGetUser: 3, mockserver.OpGetGroup: 2,
		mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1})
}

// expectOps checks the mock's request counts since the last reset.
func expectOps(t *testing.T, m *testMock, step string, want map[string]int) {
	t.Helper()
	if err := m.expectCounts(want)(nil); err != nil {
		t.Errorf("%s: %v", step, err)
	}
}

// checkGenerated checks the configuration terraform query wrote: an
// import block by identity and a resource block per object, members by id,
// no token value.
func checkGenerated(t *testing.T, hcl string, users []string) {
	t.Helper()
	for typ, n := range map[string]int{"harness_scim_user": 3, "harness_scim_group": 2, "harness_service_account": 1,
		"harness_api_key": 1, "harness_api_key_token": 1} {
		if got := len(regexp.MustCompile(`(?m)^resource "`+typ+`" `).FindAllString(hcl, -1)); got != n {
			t.Errorf("generated configuration has %d %s blocks, want %d:\n%s", got, typ, n, hcl)
		}
	}
	if got := strings.Count(hcl, "identity = {"); got != 8 {
		t.Errorf("generated configuration has %d import blocks by identity, want 8:\n%s", got, hcl)
	}
	if !strings.Contains(hcl, users[0]) || !strings.Contains(hcl, users[2]) {
		t.Errorf("generated configuration lacks the group's members %s and %s:\n%s", users[0], users[2], hcl)
	}
	if regexp.MustCompile(`(?m)^\s*value\s*=`).MatchString(hcl) {
		t.Errorf("generated configuration sets a token value:\n%s", hcl)
	}
}

// expectNoWrites fails when the mock saw anything but reads.
func expectNoWrites(t *testing.T, m *testMock) {
	t.Helper()
	for _, r := range m.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("Harness got a write: %s %s (%s)", r.Method, r.Path, r.Op)
		}
	}
}
