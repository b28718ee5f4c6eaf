package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// workspace returns another working directory, with its own state and
// log, that runs the same provider build and CLI configuration as c: a
// second Terraform configuration against the same Harness.
func (c *tfCLI) workspace(name string) *tfCLI {
	c.t.Helper()
	w := &tfCLI{t: c.t, dir: filepath.Join(filepath.Dir(c.dir), name), logPath: filepath.Join(filepath.Dir(c.logPath), name+".log")}
	if err := os.Mkdir(w.dir, 0o700); err != nil {
		c.t.Fatal(err)
	}
	for _, kv := range c.env {
		if strings.HasPrefix(kv, "TF_LOG_PATH=") {
			kv = "TF_LOG_PATH=" + w.logPath
		}
		w.env = append(w.env, kv)
	}
	return w
}

// workspaceA manages the Entra ID chain and a group.
func workspaceA(member string) string {
	return entraChainHCL("entra_scim", "entra_scim", "entra_scim") + fmt.Sprintf(`
resource "harness_scim_group" "platform" {
  display_name = "Platform"
  members      = [%q]
}
`, member)
}

// TestAccCLI_retryNeverTakesAnotherWorkspacesObject: workspace A manages a
// service account, key, token and group; workspace B declares one of them
// (the same configuration, so nothing but the history of the request can
// tell them apart), and the first create B sends gets a 503. B's retry
// meets A's object and must fail with the conflict and the import command,
// without adopting, rotating or deleting it: A's token value (an identity
// provider's secret) keeps working, and B's destroy leaves A's objects.
func TestAccCLI_retryNeverTakesAnotherWorkspacesObject(t *testing.T) {
	cli := newTFCLI(t)
	m := newMock(t, mockserver.MustProfile("nextgen"))
	member := m.seedUsers(1)[0]
	cli.config(m, workspaceA(member))
	cli.mustRun("apply", "-auto-approve", "-input=false")
	tok, ok := m.LookupToken(saKey("entra"), "entra_scim")
	if !ok {
		t.Fatal("workspace A's token is not in Harness")
	}
	secretA := m.TokenValue(tok)

	blocks := strings.SplitAfter(workspaceA(member), "}\n")
	for _, tc := range []struct {
		name, op, block, addr, id string
	}{
		{"service account", mockserver.OpCreateServiceAccount, blocks[0], "harness_service_account", "scim_sa"},
		{"API key", mockserver.OpCreateAPIKey, blocks[1], "harness_api_key", "scim_sa/entra/SERVICE_ACCOUNT"},
		{"token", mockserver.OpCreateToken, blocks[2], "harness_api_key_token", "scim_sa/entra/SERVICE_ACCOUNT/entra_scim"},
		{"SCIM group", mockserver.OpCreateGroup, blocks[3], "harness_scim_group", "Platform"},
	} {
		b := cli.workspace("b_" + strings.ReplaceAll(tc.name, " ", "_"))
		// B refers to A's objects by their identifiers.
		body := strings.NewReplacer("harness_service_account.sa.identifier", `"scim_sa"`,
			"harness_api_key.key.identifier", `"entra"`).Replace(tc.block)
		b.config(m, body)
		m.ClearFaults()
		fault := m.InjectFault(mockserver.Fault{Op: tc.op, Status: 503})
		m.ResetRequests()
		out, err := b.run("apply", "-auto-approve", "-input=false")
		if err == nil || fault.Fired() != 1 {
			t.Fatalf("%s: B's apply succeeded or the fault did not fire (%d):\n%s", tc.name, fault.Fired(), out)
		}
		for _, want := range []string{"Harness already has this " + tc.name, "did not take it over",
			fmt.Sprintf("terraform import '%s.<name>' '%s'", tc.addr, tc.id), "to = " + tc.addr + ".<name>"} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Fatalf("%s: B's error lacks %q:\n%s", tc.name, want, out)
			}
		}
		counts := m.Counts()
		for _, op := range []string{mockserver.OpDeleteToken, mockserver.OpRotateToken, mockserver.OpUpdateToken,
			mockserver.OpDeleteAPIKey, mockserver.OpDeleteServiceAccount, mockserver.OpPatchGroup, mockserver.OpDeleteGroup} {
			if counts[op] != 0 {
				t.Fatalf("%s: B touched A's objects: %s", tc.name, mockserver.CountsString(counts))
			}
		}
		b.mustRun("destroy", "-auto-approve", "-input=false")
		if m.scimStatus(secretA) != 200 {
			t.Fatalf("%s: workspace A's token value stopped working", tc.name)
		}
	}
	if n := len(m.ServiceAccounts()) + len(m.APIKeys()) + len(m.Tokens()) + len(m.Groups()); n != 4 {
		t.Fatalf("Harness has %d of A's objects, want 4", n)
	}
	if out := cli.mustRun("plan", "-detailed-exitcode", "-input=false"); !strings.Contains(out, "No changes") {
		t.Fatalf("workspace A's plan is not empty:\n%s", out)
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
}
