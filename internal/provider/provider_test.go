package provider

import (
	"fmt"
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
