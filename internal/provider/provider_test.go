package provider

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestMain pins the terraform binary so terraform-plugin-testing never tries
// to download one, and isolates tests from the user's CLI configuration.
func TestMain(m *testing.M) {
	// Tests configure the provider explicitly; credentials from the
	// developer's shell must not leak in.
	for _, env := range attrEnv {
		os.Unsetenv(env)
	}
	if os.Getenv("TF_ACC") != "" {
		if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
			tf, err := exec.LookPath("terraform")
			if err != nil {
				fmt.Fprintln(os.Stderr, "FATAL: acceptance tests (TF_ACC=1) need the terraform CLI on PATH or in TF_ACC_TERRAFORM_PATH; "+
					"it was not found, and tests must never download it.")
				os.Exit(2)
			}
			os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
		}
		os.Setenv("CHECKPOINT_DISABLE", "1")
		dir, err := os.MkdirTemp("", "tf-acc-cli-config")
		if err != nil {
			fmt.Fprintln(os.Stderr, "FATAL:", err)
			os.Exit(2)
		}
		cliConfig := filepath.Join(dir, "terraformrc")
		if err := os.WriteFile(cliConfig, []byte("# empty: tests ignore the user's CLI configuration\n"), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "FATAL:", err)
			os.Exit(2)
		}
		os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
		code := m.Run()
		os.RemoveAll(dir)
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// protoV6Factories serves the provider in-process for terraform.
var protoV6Factories = map[string]func() (tfprotov6.ProviderServer, error){
	"harness": providerserver.NewProtocol6WithError(New("test")()),
}

// testMock is a mock Harness started for one test.
type testMock struct {
	*mockserver.Server
	URL string
}

// newMock starts a mock Harness with the given profile, closed when the test
// ends.
func newMock(t *testing.T, profile mockserver.Profile) *testMock {
	t.Helper()
	srv := mockserver.New(mockserver.Options{Profile: profile})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testMock{Server: srv, URL: hs.URL}
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

// stateAttr reads an attribute of a resource from state.
func stateAttr(s *terraform.State, addr, attr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok {
		return "", fmt.Errorf("%s has no attribute %s", addr, attr)
	}
	return v, nil
}

// captureAttr stores an attribute's value for later steps.
func captureAttr(addr, attr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, addr, attr)
		*into = v
		return err
	}
}

// expectErr matches terraform's word-wrapped diagnostics: each part must
// appear, in order, with any whitespace between words.
func expectErr(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}
