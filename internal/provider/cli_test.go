package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// These tests run the real terraform CLI against a provider binary built
// from this module, installed through dev_overrides. They exist because
// terraform-plugin-testing serves each provider type from one in-process
// instance, which aliased provider blocks then share, and because the
// secret-leak check must see everything Terraform and the plugin log at
// TF_LOG=trace. Environment variables are set on each exec.Cmd, so the
// tests run in parallel.

// tfCLI is a working directory with a built provider and a CLI config.
type tfCLI struct {
	t       *testing.T
	dir     string
	env     []string
	logPath string
}

func newTFCLI(t *testing.T) *tfCLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	binDir, dir := t.TempDir(), t.TempDir()
	build := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(binDir, "terraform-provider-harness"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	// OpenTofu resolves the same source address on its own registry host.
	tofuAddress := strings.Replace(RegistryAddress, "registry.terraform.io", "registry.opentofu.org", 1)
	cliConfig := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %[2]q\n  }\n  direct {}\n}\n",
		RegistryAddress, binDir, tofuAddress)
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &tfCLI{t: t, dir: filepath.Join(dir, "work"), logPath: filepath.Join(dir, "terraform.log")}
	if err := os.Mkdir(c.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	c.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_LOG=trace", "TF_LOG_PATH="+c.logPath,
		// Never let a developer's credentials reach the mock.
		"HARNESS_PLATFORM_API_KEY=", "HARNESS_ENDPOINT=", "HARNESS_ACCOUNT_ID=")
	return c
}

// config writes main.tf: the required_providers block, the admin provider
// block and body.
func (c *tfCLI) config(m *testMock, body string) {
	c.t.Helper()
	hcl := `terraform {
  required_providers {
    harness = { source = "harness-scim/harness" }
  }
}
` + m.providerConfig() + body
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// run runs terraform with args and returns its combined output.
func (c *tfCLI) run(args ...string) (string, error) {
	c.t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "terraform"
	}
	cmd := exec.CommandContext(context.Background(), tf, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (c *tfCLI) mustRun(args ...string) string {
	c.t.Helper()
	out, err := c.run(args...)
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

const secondProviderBlocks = `
data "harness_scim_tenant_url" "entra" {}

# The token as the only credential of a second provider block, as Entra ID
# would use it.
provider "harness" {
  alias           = "scim"
  endpoint        = data.harness_scim_tenant_url.entra.endpoint
  account_id      = data.harness_scim_tenant_url.entra.account_id
  api_key         = harness_api_key_token.t.value
  scim_generation = data.harness_scim_tenant_url.entra.scim_generation
  retry_wait_min  = "5ms"
  retry_wait_max  = "20ms"
}

resource "harness_scim_user" "alice" {
  provider     = harness.scim
  user_name    = "alice@example.com"
  display_name = "Alice Doe"
}
`

const ephemeralProviderBlocks = `
ephemeral "harness_api_key_token" "tmp" {
  apikey_id   = harness_api_key.key.identifier
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
  lifetime    = "15m"
}

# A short-lived token, never in plan or state, as a third block's credential.
provider "harness" {
  alias           = "short_lived"
  endpoint        = data.harness_scim_tenant_url.entra.endpoint
  account_id      = data.harness_scim_tenant_url.entra.account_id
  api_key         = ephemeral.harness_api_key_token.tmp.value
  scim_generation = "nextgen"
}

data "harness_scim_users" "all" {
  provider   = harness.short_lived
  depends_on = [harness_scim_user.alice]
}

output "scim_users" {
  value = data.harness_scim_users.all.ids
}
`

// A token created by one provider block is the only credential of other
// blocks: a managed token provisions a SCIM user, an ephemeral token lists
// users. FirstGen SCIM does not take NextGen tokens (docs/design/harness-api.md 6.1),
// which the firstgen profile shows as a clear error.
func TestAccCLI_tokensAuthenticateOtherProviderBlocks(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		cli := newTFCLI(t)
		m := newMock(t, p)
		if p.Generation == mockserver.FirstGen {
			cli.config(m, tokenConfig("")+secondProviderBlocks)
			out, err := cli.run("apply", "-auto-approve", "-input=false")
			if err == nil || !regexp.MustCompile(`(?s)Error creating SCIM user.*User not authorized`).MatchString(out) {
				t.Fatalf("want FirstGen SCIM to refuse the NextGen token, got %v:\n%s", err, out)
			}
			cli.mustRun("destroy", "-auto-approve", "-input=false")
			return
		}
		cli.config(m, tokenConfig("")+secondProviderBlocks+ephemeralProviderBlocks)
		cli.mustRun("apply", "-auto-approve", "-input=false")

		if u, ok := m.UserByEmail("alice@example.com"); !ok || !u.Member {
			t.Fatal("alice was not provisioned")
		}
		if got := principals(m, mockserver.OpCreateUser); len(got) != 1 || got[0] != "SERVICE_ACCOUNT:scim_sa/entra/entra_token" {
			t.Fatalf("CreateUser was authenticated as %q, want the managed token", got)
		}
		searches := principals(m, mockserver.OpSearchUsers)
		if len(searches) == 0 {
			t.Fatal("the short-lived provider block made no SCIM call")
		}
		for _, who := range searches {
			if !regexp.MustCompile(`^SERVICE_ACCOUNT:scim_sa/entra/tf_ephemeral_[a-z0-9]{12}$`).MatchString(who) {
				t.Fatalf("SearchUsers was authenticated as %q, want a short-lived token", who)
			}
		}
		for _, tok := range m.Tokens() {
			if tok.Identifier != "entra_token" {
				t.Fatalf("token %q is left after the run; short-lived tokens must be deleted", tok.Identifier)
			}
		}
		for _, admin := range principals(m, mockserver.OpCreateToken) {
			if admin != "USER:"+mockserver.AdminUserID {
				t.Fatalf("tokens were created by %q, want the admin provider block", admin)
			}
		}
		cli.mustRun("destroy", "-auto-approve", "-input=false")
		if n := len(m.Tokens()) + len(m.APIKeys()) + len(m.ServiceAccounts()); n != 0 {
			t.Fatalf("%d objects left after destroy", n)
		}
	})
}

// No secret reaches TF_LOG=trace output: not the provider's api_key, and
// none of the token values Harness handed out (managed, rotated, ephemeral).
func TestAccCLI_noSecretsInTraceLog(t *testing.T) {
	cli := newTFCLI(t)
	// Remember every token value the mock ever held, including short-lived
	// ones deleted before the run ends.
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		srv  *mockserver.Server
	)
	srv = mockserver.New(mockserver.Options{OnChange: func() {
		mu.Lock()
		defer mu.Unlock()
		for _, v := range srv.TokenValues() {
			seen[v] = true
		}
	}})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	m := &testMock{Server: srv, URL: hs.URL}

	body := tokenConfig("") + secondProviderBlocks + ephemeralProviderBlocks
	cli.config(m, body)
	cli.mustRun("apply", "-auto-approve", "-input=false")
	// Rotate, so the log also covers the rotate answer. A provider block
	// configured from the rotating value cannot refresh its resources in the
	// same plan, so the rotation is applied on its own first (as the guide
	// says), then the rest with the new value.
	cli.config(m, strings.Replace(body, `parent_id   = harness_api_key.key.parent_id`,
		"parent_id   = harness_api_key.key.parent_id\n  rotation_triggers = { n = \"1\" }", 1))
	cli.mustRun("apply", "-auto-approve", "-input=false", "-target=harness_api_key_token.t")
	if out := cli.mustRun("apply", "-auto-approve", "-input=false"); !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the apply after the rotation changed something:\n%s", out)
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")

	logData, err := os.ReadFile(cli.logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(logData)
	// The log is real: the provider's request lines are in it, redacted.
	for _, want := range []string{"Harness API request", "(redacted: the response holds a secret)", "/ng/api/token/rotate/entra_token"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the trace log (%d bytes) lacks %q; is TF_LOG_PATH honoured?", len(log), want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	// Two managed values (created, rotated) and at least one short-lived one
	// per Terraform command that opened it.
	if len(seen) < 4 {
		t.Fatalf("only %d token values were minted; the test would prove little", len(seen))
	}
	secrets := map[string]string{"the provider's api_key": m.Token()}
	for v := range seen {
		secrets["token "+v[:16]+"…"] = v
		// The random part alone must not leak either.
		secrets["secret part of "+v[:16]+"…"] = v[strings.LastIndex(v, ".")+1:]
	}
	for what, s := range secrets {
		if i := strings.Index(log, s); i >= 0 {
			start := max(0, i-200)
			t.Errorf("%s appears in the TF_LOG=trace output:\n…%s…", what, strings.ReplaceAll(log[start:i], s, "<SECRET>"))
		}
	}
}

// Rotating a token that another provider block uses works in one apply:
// during the plan that block's api_key is unknown, so its resources keep
// their state (with a warning) instead of failing, and the apply uses the
// new value.
func TestAccCLI_rotateTokenUsedByAnotherProviderBlock(t *testing.T) {
	cli := newTFCLI(t)
	m := newMock(t, mockserver.MustProfile("nextgen"))
	body := tokenConfig("") + secondProviderBlocks
	cli.config(m, body)
	cli.mustRun("apply", "-auto-approve", "-input=false")
	before, _ := m.UserByEmail("alice@example.com")

	// Rotate and rename alice in the same apply.
	rotated := strings.Replace(body, `parent_id   = harness_api_key.key.parent_id`,
		"parent_id   = harness_api_key.key.parent_id\n  rotation_triggers = { n = \"1\" }", 1)
	rotated = strings.Replace(rotated, `display_name = "Alice Doe"`, `display_name = "Alice Rotated"`, 1)
	cli.config(m, rotated)
	m.ResetRequests()
	out := cli.mustRun("apply", "-auto-approve", "-input=false")
	for _, want := range []string{"Harness object not refreshed", "harness_scim_user alice@example.com was not read", "0 added, 2 changed"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Fatalf("apply output lacks %q:\n%s", want, out)
		}
	}
	if m.Count(mockserver.OpRotateToken) != 1 {
		t.Fatalf("RotateToken requests = %d, want 1", m.Count(mockserver.OpRotateToken))
	}
	// The update went out once, with the new value: the token that keeps the
	// identifier, not the rotated-out one (renamed rotated_…).
	var updates []mockserver.Request
	for _, r := range m.Requests() {
		if r.Op == mockserver.OpReplaceUser {
			updates = append(updates, r)
		}
	}
	if len(updates) != 1 || updates[0].Status != 200 || updates[0].Principal != "SERVICE_ACCOUNT:scim_sa/entra/entra_token" {
		t.Fatalf("want one successful ReplaceUser authenticated by the rotated token, got %+v", updates)
	}
	if u, _ := m.UserByEmail("alice@example.com"); u.DisplayName != "Alice Rotated" || u.ID != before.ID {
		t.Fatalf("alice after the rotating apply: %+v", u)
	}
	if out := cli.mustRun("plan", "-detailed-exitcode", "-input=false"); !strings.Contains(out, "No changes") {
		t.Fatalf("the plan after the rotation is not empty:\n%s", out)
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
}
