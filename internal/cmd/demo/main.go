// Command demo runs the provider end to end against the mock Harness with
// the real terraform CLI: it builds the provider, starts the mock on a free
// loopback port, writes a throw-away CLI configuration with dev_overrides,
// applies examples/demo, shows that a second plan is empty, changes a user
// behind Terraform's back the way an identity provider would, shows the plan
// catching it, and cleans up. `make demo` runs it.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
	"github.com/harness-scim/terraform-provider-harness/internal/provider"
)

func main() {
	keep := flag.Bool("keep", false, "keep the temporary directory (configuration, state, CLI config) for inspection")
	profile := flag.String("profile", mockserver.DefaultProfile, "mock account profile: "+strings.Join(mockserver.ProfileNames(), ", "))
	flag.Parse()
	if err := run(*profile, *keep); err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo FAILED: %v\n", err)
		os.Exit(1)
	}
}

type demo struct {
	ctx     context.Context
	tf      string
	dir     string // terraform working directory
	env     []string
	mock    *mockserver.Server
	baseURL string
	color   bool
	tokens  bool // token.tf is part of the configuration
	// viaToken is who created a user in step 1 with a service-account token.
	viaToken string
}

func run(profileName string, keep bool) error {
	ctx := context.Background()
	prof, err := mockserver.LookupProfile(profileName)
	if err != nil {
		return err
	}
	tf, err := exec.LookPath("terraform")
	if err != nil {
		return errors.New("the terraform CLI is not on PATH; install Terraform 1.10 or newer (the demo never downloads it)")
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "harness-demo-")
	if err != nil {
		return err
	}
	if keep {
		defer fmt.Printf("\nKept %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	banner("Building the provider")
	binDir := filepath.Join(tmp, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, "terraform-provider-harness"), ".")
	build.Dir, build.Stdout, build.Stderr = root, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	fmt.Println("built", filepath.Join(binDir, "terraform-provider-harness"))

	banner("Starting the mock Harness on a free loopback port")
	mock := mockserver.New(mockserver.Options{Profile: prof})
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mock, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer func() { _ = hs.Close() }()
	base := "http://" + ln.Addr().String()
	fmt.Printf("mock Harness at %s (profile %s: %s), account %s\n", base, prof.Name, prof.Description, mock.AccountID())
	fmt.Println("terraform uses the freshly built provider through dev_overrides in a throw-away CLI configuration")
	fmt.Println("(never your own); the \"development overrides\" warning terraform prints for it is left out below.")

	// A CLI configuration of our own, whatever TF_CLI_CONFIG_FILE says.
	cliConfig := filepath.Join(tmp, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n}\n",
		strings.TrimPrefix(provider.RegistryAddress, "registry.terraform.io/"), binDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return err
	}
	work := filepath.Join(tmp, "config")
	skip := map[string]bool{}
	if prof.Generation == mockserver.FirstGen {
		// FirstGen SCIM only takes FirstGen API keys, not NextGen tokens.
		skip["token.tf"] = true
	}
	if err := copyDir(filepath.Join(root, "examples", "demo"), work, skip); err != nil {
		return err
	}
	generation := "nextgen"
	if prof.Generation == mockserver.FirstGen {
		generation = "firstgen"
	}
	d := &demo{
		ctx: ctx, tf: tf, dir: work, mock: mock, baseURL: base, color: isTerminal(), tokens: !skip["token.tf"],
		env: append(os.Environ(),
			"TF_CLI_CONFIG_FILE="+cliConfig,
			"TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1",
			"HARNESS_ENDPOINT="+base,
			"HARNESS_ACCOUNT_ID="+mock.AccountID(),
			"HARNESS_PLATFORM_API_KEY="+mock.Token(),
			"HARNESS_SCIM_GENERATION="+generation,
		),
	}
	return d.steps()
}

func (d *demo) steps() error {
	what := "the users and the group"
	if d.tokens {
		what += ", and the service account, API key and SCIM token"
	}
	banner("1. terraform apply: create " + what + " in examples/demo")
	if _, err := d.terraform(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	d.viaToken = ""
	for _, r := range d.mock.Requests() {
		if r.Op == mockserver.OpCreateUser && strings.HasPrefix(r.Principal, mockserver.KindServiceAccount) {
			d.viaToken = r.Principal
		}
	}
	d.requests("apply")

	banner("2. terraform plan on the unchanged configuration: nothing to do")
	if _, err := d.terraform(0, "plan", "-detailed-exitcode"); err != nil {
		return fmt.Errorf("the plan after apply was not empty: %w", err)
	}
	d.requests("plan")

	banner("3. Someone renames a user in Harness behind Terraform's back")
	id, err := d.output("alice_id")
	if err != nil {
		return err
	}
	if err := d.scimPatch("Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],`+
		`"Operations":[{"op":"Replace","path":"displayName","value":"Alice (renamed in the UI)"}]}`); err != nil {
		return err
	}
	fmt.Printf("PATCH %s/Users/%s displayName=\"Alice (renamed in the UI)\", as an identity provider would\n", d.scimBase(), id)
	d.mock.ResetRequests()

	banner("4. terraform plan catches the drift")
	out, err := d.terraform(2, "plan", "-detailed-exitcode")
	if err != nil {
		return fmt.Errorf("the plan did not report the out-of-band change: %w", err)
	}
	if !strings.Contains(out, "Alice (renamed in the UI)") {
		return errors.New("the plan did not show the renamed user")
	}
	d.requests("plan")

	banner("5. terraform apply puts it back")
	if _, err := d.terraform(0, "apply", "-auto-approve"); err != nil {
		return err
	}
	d.requests("apply")

	banner("6. Bob leaves the Platform Team and Carol joins: one in-place update")
	if err := os.WriteFile(filepath.Join(d.dir, "team.auto.tfvars"), []byte("platform_team = [\"alice\", \"carol\"]\n"), 0o600); err != nil {
		return err
	}
	fmt.Println("team.auto.tfvars: platform_team = [\"alice\", \"carol\"]")
	out, err = d.terraform(0, "apply", "-auto-approve")
	if err != nil {
		return err
	}
	if !strings.Contains(out, "harness_scim_group.platform will be updated in-place") || !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
		return errors.New("the member change was not planned as one in-place update of the group")
	}
	counts := d.requests("apply")
	if counts["PatchGroup"] != 1 {
		return fmt.Errorf("the member change took %d PATCH requests, want 1", counts["PatchGroup"])
	}
	if err := d.checkTeam("alice@example.com", "carol@example.com"); err != nil {
		return err
	}

	if d.tokens {
		if err := d.tokenSteps(); err != nil {
			return err
		}
	}

	banner("Last: terraform destroy")
	if _, err := d.terraform(0, "destroy", "-auto-approve"); err != nil {
		return err
	}
	d.requests("destroy")
	for _, u := range d.mock.Users() {
		switch {
		case u.ID == mockserver.AdminUserID:
		case u.Disabled:
			// on_destroy = "deactivate" in FirstGen keeps the user, disabled.
			fmt.Printf("%s stays in Harness, deactivated (on_destroy = \"deactivate\")\n", u.Email)
		default:
			return fmt.Errorf("user %s is still active in Harness after destroy", u.Email)
		}
	}
	if n := len(d.mock.Groups()) + len(d.mock.APIKeys()) + len(d.mock.Tokens()) + len(d.mock.ServiceAccounts()); n != 0 {
		return fmt.Errorf("%d groups, keys, tokens or service accounts are left after destroy", n)
	}

	banner("Done")
	fmt.Println("Every step behaved as expected. Run `make test` for the full acceptance suite.")
	return nil
}

// tokenSteps shows the SCIM secret chain: the token Terraform created is a
// working SCIM credential, as Entra ID would use it.
func (d *demo) tokenSteps() error {
	banner("7. The SCIM secret as code: tenant URL and token for Entra ID")
	url, err := d.output("scim_tenant_url")
	if err != nil {
		return err
	}
	token, err := d.output("scim_token")
	if err != nil {
		return err
	}
	fmt.Printf("Tenant URL: %s\nSecret Token: %s… (sensitive: terraform never prints it)\n", url, token[:4])
	dave, ok := d.mock.UserByEmail("dave@example.com")
	if !ok || d.viaToken == "" {
		return errors.New("dave@example.com was not provisioned through the token's provider block")
	}
	fmt.Printf("harness_scim_user.dave (%s) was created through the provider block whose only credential is that token\n"+
		"(the mock logged the request as authenticated by %s).\n", dave.ID, d.viaToken)

	// Use the token the way Entra ID's "Test Connection" does.
	req, err := http.NewRequestWithContext(d.ctx, http.MethodGet, url+"/Users?filter=userName%20eq%20%22dave@example.com%22", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	fmt.Printf("GET <tenant URL>/Users?filter=userName eq \"dave@example.com\" with the token: HTTP %d\n", resp.StatusCode)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the token was refused by SCIM: HTTP %d", resp.StatusCode)
	}
	d.requests("the SCIM calls")
	return nil
}

// checkTeam checks the Platform Team's members in the mock.
func (d *demo) checkTeam(emails ...string) error {
	id, err := d.output("platform_team_id")
	if err != nil {
		return err
	}
	g, ok := d.mock.Group(id)
	if !ok {
		return fmt.Errorf("group %s not found in Harness", id)
	}
	var got []string
	for _, m := range g.Members {
		u, _ := d.mock.User(m)
		got = append(got, u.Email)
	}
	slices.Sort(got)
	if !slices.Equal(got, emails) {
		return fmt.Errorf("the Platform Team has %v in Harness, want %v", got, emails)
	}
	fmt.Printf("Platform Team in Harness: %s\n", strings.Join(got, ", "))
	return nil
}

// terraform runs a terraform command, streaming its output, and checks the
// exit code.
func (d *demo) terraform(wantExit int, args ...string) (string, error) {
	if !d.color {
		args = append(args, "-no-color")
	}
	fmt.Printf("$ terraform %s\n", strings.Join(args, " "))
	cmd := exec.CommandContext(d.ctx, d.tf, args...)
	cmd.Dir, cmd.Env = d.dir, d.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	fmt.Print(withoutDevOverrideWarning(buf.String()))
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		return buf.String(), err
	}
	if code != wantExit {
		return buf.String(), fmt.Errorf("terraform %s exited %d, want %d", args[0], code, wantExit)
	}
	return buf.String(), nil
}

// withoutDevOverrideWarning drops terraform's dev_overrides warning, which
// every command repeats; the demo explains it once instead.
func withoutDevOverrideWarning(out string) string {
	start := strings.Index(out, "Warning: Provider development overrides are in effect")
	if start < 0 {
		return out
	}
	end := strings.Index(out[start:], "published\nreleases.")
	if end < 0 {
		return out
	}
	end += start + len("published\nreleases.")
	return strings.TrimLeft(out[:start]+out[end:], "\n")
}

// output reads a root module output.
func (d *demo) output(name string) (string, error) {
	cmd := exec.CommandContext(d.ctx, d.tf, "output", "-raw", name)
	cmd.Dir, cmd.Env = d.dir, d.env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("terraform output %s: %w", name, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func (d *demo) scimBase() string {
	if d.mock.Profile().Generation == mockserver.FirstGen {
		return d.baseURL + "/api/scim/account/" + d.mock.AccountID()
	}
	return d.baseURL + "/ng/api/scim/account/" + d.mock.AccountID()
}

// scimPatch sends a SCIM PATCH to the mock, as an identity provider would.
func (d *demo) scimPatch(path, body string) error {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPatch, d.scimBase()+"/"+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+d.mock.Token())
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("PATCH %s: HTTP %d %s", path, resp.StatusCode, b)
	}
	return nil
}

// requests prints, resets and returns the mock's request counts.
func (d *demo) requests(what string) map[string]int {
	counts := d.mock.Counts()
	d.mock.ResetRequests()
	fmt.Printf("\n[mock Harness] requests during %s: %s\n", what, mockserver.CountsString(counts))
	return counts
}

func banner(s string) {
	fmt.Printf("\n==> %s\n\n", s)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "examples", "demo")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the demo from the repository (make demo)")
		}
		dir = parent
	}
}

func copyDir(src, dst string, skip map[string]bool) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") || skip[e.Name()] {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func isTerminal() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
