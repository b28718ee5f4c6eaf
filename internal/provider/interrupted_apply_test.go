package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// interruptedConfig is three users, a group and the Entra ID chain.
func interruptedConfig(members []string) string {
	return `
resource "harness_scim_user" "u" {
  count        = 3
  user_name    = "user${count.index}@example.com"
  display_name = "User ${count.index}"
}
` + fmt.Sprintf(`
resource "harness_scim_group" "platform" {
  display_name = "Platform"
  members      = [%q]
}
`, members[0]) + entraChainHCL("t", "entra_token", "Entra ID SCIM")
}

// TestAccCLI_interruptedApplyRecovers: terraform is killed (SIGKILL, with
// its provider) while Harness has committed creates whose answers it still
// holds back, so Terraform never saved them. Three phases kill three
// applies: during the users', the group's and the service account's
// creates; during the API key's; during the token's. The users are adopted
// by the next apply (Harness's POST is idempotent by email). The others
// cannot be: nothing proves this configuration made them (the token's
// validFrom marker died with the killed process), so the apply fails naming
// each with the terraform import command. The test follows those commands
// as a user would, with each resource's address from its error, until the
// apply succeeds; then the plan is empty, and destroy leaves nothing.
func TestAccCLI_interruptedApplyRecovers(t *testing.T) {
	cli := newTFCLI(t)
	m := newMock(t, mockserver.MustProfile("nextgen"))
	seeded := m.seedUsers(1)
	cli.config(m, interruptedConfig(seeded))
	for _, phase := range []struct {
		held     []string // operations whose answers are held
		imported []string // what the recovery imports at least: the held creates
	}{
		{[]string{mockserver.OpCreateUser, mockserver.OpCreateGroup, mockserver.OpCreateServiceAccount},
			[]string{"harness_scim_group.platform", "harness_service_account.sa"}},
		{[]string{mockserver.OpCreateAPIKey}, []string{"harness_api_key.key"}},
		{[]string{mockserver.OpCreateToken}, []string{"harness_api_key_token.t"}},
	} {
		m.ResetRequests()
		for _, op := range phase.held {
			m.InjectFault(mockserver.Fault{Op: op, Times: -1, LatencyAfterCommit: time.Minute})
		}
		cli.killDuringApply(func() bool { return committedAndHeld(m, phase.held) })
		m.ClearFaults()
		// The held creates need an import; so does any other create the
		// CLI had not saved when it was killed (Terraform persists state
		// during an apply on its own schedule, OpenTofu on another).
		want := unsavedCreates(t, cli, m, phase.imported)
		if imported := cli.applyFollowingImportHints(4); strings.Join(sortedCopy(imported), " ") != strings.Join(want, " ") {
			t.Fatalf("after killing the apply during %v, imported %v, want %v", phase.held, imported, want)
		}
		if n := len(m.Users()) + len(m.Groups()) + len(m.ServiceAccounts()) + len(m.APIKeys()) + len(m.Tokens()); n != 5+1+1+1+1 {
			t.Fatalf("Harness has %d objects after the recovery, want each once (5 users with the admin and the seeded one)", n)
		}
		if out := cli.mustRun("plan", "-detailed-exitcode", "-input=false"); !strings.Contains(out, "No changes") {
			t.Fatalf("the plan after the recovery is not empty:\n%s", out)
		}
		cli.mustRun("destroy", "-auto-approve", "-input=false")
		if n := len(m.Groups()) + len(m.ServiceAccounts()) + len(m.APIKeys()) + len(m.Tokens()); n != 0 {
			t.Fatalf("%d groups, service accounts, keys and tokens left after destroy", n)
		}
		for i := range 3 {
			if err := m.checkUserGone(fmt.Sprintf("user%d@example.com", i))(nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// unsavedCreates is held plus every object of interruptedConfig that
// Harness has but the state file the killed apply left does not, sorted:
// what the recovery must import (users are adopted, never imported).
func unsavedCreates(t *testing.T, cli *tfCLI, m *testMock, held []string) []string {
	t.Helper()
	saved := map[string]bool{}
	// A missing or empty file: nothing saved yet.
	if data, err := os.ReadFile(filepath.Join(cli.dir, "terraform.tfstate")); err == nil && len(bytes.TrimSpace(data)) > 0 {
		var st struct {
			Resources []struct{ Type, Name string } `json:"resources"`
		}
		if err := json.Unmarshal(data, &st); err != nil {
			t.Fatal(err)
		}
		for _, r := range st.Resources {
			saved[r.Type+"."+r.Name] = true
		}
	}
	want := map[string]bool{}
	for _, h := range held {
		want[h] = true
	}
	for addr, inHarness := range map[string]bool{
		"harness_scim_group.platform": len(m.Groups()) > 0, "harness_service_account.sa": len(m.ServiceAccounts()) > 0,
		"harness_api_key.key": len(m.APIKeys()) > 0, "harness_api_key_token.t": len(m.Tokens()) > 0,
	} {
		if inHarness && !saved[addr] {
			want[addr] = true
		}
	}
	return sortedCopy(slices.Collect(maps.Keys(want)))
}

func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

// committedAndHeld reports whether every create of ops has been committed
// (the store has its objects: three users, one of the rest) and none has
// been answered (answered requests are logged).
func committedAndHeld(m *testMock, ops []string) bool {
	want := map[string]int{mockserver.OpCreateUser: 3}
	have := map[string]int{
		mockserver.OpCreateUser: len(m.Users()) - 2, mockserver.OpCreateGroup: len(m.Groups()),
		mockserver.OpCreateServiceAccount: len(m.ServiceAccounts()), mockserver.OpCreateAPIKey: len(m.APIKeys()),
		mockserver.OpCreateToken: len(m.Tokens()),
	}
	for _, op := range ops {
		n, ok := want[op]
		if !ok {
			n = 1
		}
		if have[op] != n || m.Count(op) != 0 {
			return false
		}
	}
	return true
}

// killDuringApply starts terraform apply in its own process group and
// kills the group (terraform and its provider) with SIGKILL once ready
// reports true, as a CI runner killing a job does; it fails the test when
// the apply ends first or ready never comes.
func (c *tfCLI) killDuringApply(ready func() bool) {
	c.t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "terraform"
	}
	cmd := exec.CommandContext(context.Background(), tf, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = c.dir, c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(90 * time.Second)
	for !ready() {
		select {
		case err := <-done:
			c.t.Fatalf("terraform apply ended (%v) before it could be killed:\n%s", err, out.String())
		case <-deadline:
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			c.t.Fatalf("the apply never reached the point to kill it (%v):\n%s", <-done, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	if err := <-done; err == nil {
		c.t.Fatalf("terraform apply finished although it was killed:\n%s", out.String())
	}
}

var (
	errorWith  = regexp.MustCompile(`(?m)^\s*with (harness_[a-z_]+\.[a-z0-9_]+(?:\[[^\]]+\])?),`)
	importHint = regexp.MustCompile(`terraform import '(harness_[a-z_]+)\.<name>' '([^']+)'`)
)

// applyFollowingImportHints applies until an apply succeeds, at most
// rounds times. After a failed apply, every error that carries an import
// command is followed: the command with <name> replaced by the address
// the error names. It returns the imported addresses in order, and fails
// the test on an error without an import command.
func (c *tfCLI) applyFollowingImportHints(rounds int) []string {
	c.t.Helper()
	var imported []string
	for range rounds {
		out, err := c.run("apply", "-auto-approve", "-input=false")
		if err == nil {
			return imported
		}
		blocks := strings.Split(out, "Error: ")[1:]
		if len(blocks) == 0 {
			c.t.Fatalf("apply failed without an error:\n%s", out)
		}
		for _, b := range blocks {
			with, hint := errorWith.FindStringSubmatch(b), importHint.FindStringSubmatch(strings.Join(strings.Fields(b), " "))
			if with == nil || hint == nil || !strings.HasPrefix(with[1], hint[1]+".") {
				c.t.Fatalf("an error without an import command for its resource:\n%s", b)
			}
			c.mustRun("import", "-input=false", with[1], hint[2])
			imported = append(imported, with[1])
		}
	}
	c.t.Fatalf("the apply still fails after %d rounds", rounds)
	return nil
}
