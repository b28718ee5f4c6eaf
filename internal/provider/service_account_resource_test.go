package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

func serviceAccountConfig(identifier, name, email, extra string) string {
	return fmt.Sprintf(`
resource "harness_service_account" "sa" {
  identifier = %[1]q
  name       = %[2]q
  email      = %[3]q
%[4]s
}
`, identifier, name, email, extra)
}

func TestAccServiceAccount_lifecycle(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	const addr = "harness_service_account.sa"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkServiceAccountGone(mockserver.Scope{}, "scim_sa"),
		Steps: []resource.TestStep{
			{
				PreConfig: m.reset,
				Config:    m.config(serviceAccountConfig("scim_sa", "SCIM", "scim@service.harness.io", "")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("scim_sa")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_id"), knownvalue.Null()),
				},
				Check: m.expectCounts(map[string]int{mockserver.OpCreateServiceAccount: 1}),
			},
			{
				PreConfig:    m.reset,
				RefreshState: true,
				Check:        m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1}),
			},
			{
				PreConfig: m.reset,
				Config: m.config(serviceAccountConfig("scim_sa", "SCIM provisioning", "scim@service.harness.io",
					`description = "Entra ID provisioning"
  tags = { team = "identity", managed = "" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpUpdateServiceAccount: 1}),
					func(*terraform.State) error {
						sa, _ := m.ServiceAccount(mockserver.Scope{}, "scim_sa")
						if sa.Name != "SCIM provisioning" || sa.Tags["team"] != "identity" || sa.Description != "Entra ID provisioning" {
							return fmt.Errorf("mock has %+v", sa)
						}
						return nil
					},
				),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Drift: a rename in the Harness UI is put back.
				PreConfig: func() {
					_ = m.UpdateServiceAccount(mockserver.Scope{}, "scim_sa", func(sa *mockserver.ServiceAccount) { sa.Name = "renamed in UI" })
				},
				Config: m.config(serviceAccountConfig("scim_sa", "SCIM provisioning", "scim@service.harness.io",
					`description = "Entra ID provisioning"
  tags = { team = "identity", managed = "" }`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				// Harness cannot change the email: replace.
				PreConfig: m.reset,
				Config:    m.config(serviceAccountConfig("scim_sa", "SCIM", "scim2@service.harness.io", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpDeleteServiceAccount: 1,
					mockserver.OpCreateServiceAccount: 1}),
			},
			{
				// Deleted in Harness: planned for creation.
				PreConfig: func() { m.RemoveServiceAccount(mockserver.Scope{}, "scim_sa"); m.reset() },
				Config:    m.config(serviceAccountConfig("scim_sa", "SCIM", "scim2@service.harness.io", "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpCreateServiceAccount: 1}),
			},
			{
				PreConfig: m.reset,
				Config:    m.providerConfig(),
				Check:     m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpDeleteServiceAccount: 1}),
			},
		},
	})
}

func TestAccServiceAccount_scopesAndImport(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config: m.config(`
resource "harness_service_account" "org" {
  identifier = "sa_org"
  name       = "org"
  email      = "org@service.harness.io"
  org_id     = "org1"
}
resource "harness_service_account" "project" {
  identifier = "sa_project"
  name       = "project"
  email      = "project@service.harness.io"
  org_id     = "org1"
  project_id = "proj1"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_service_account.org", tfjsonpath.New("id"), knownvalue.StringExact("org1/sa_org")),
					statecheck.ExpectKnownValue("harness_service_account.project", tfjsonpath.New("id"), knownvalue.StringExact("org1/proj1/sa_project")),
				},
				Check: func(*terraform.State) error {
					if _, ok := m.ServiceAccount(mockserver.Scope{Org: "org1", Project: "proj1"}, "sa_project"); !ok {
						return fmt.Errorf("project-scoped service account not in the mock")
					}
					return nil
				},
			},
			{ResourceName: "harness_service_account.org", ImportState: true, ImportStateVerify: true, ImportStateId: "org1/sa_org"},
			{ResourceName: "harness_service_account.project", ImportState: true, ImportStateVerify: true, ImportStateId: "org1/proj1/sa_project"},
			{
				ResourceName: "harness_service_account.org", ImportState: true, ImportStateId: "a/b/c/d",
				ExpectError: regexp.MustCompile(`<org_id>/<project_id>/<identifier>`),
			},
			{
				ResourceName: "harness_service_account.org", ImportState: true, ImportStateId: "nope",
				ExpectError: regexp.MustCompile(`(?s)Service account \[nope\] doesn't exist in scope|Cannot import non-existent`),
			},
		},
	})
}

func TestAccServiceAccount_planTimeValidation(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      m.config(serviceAccountConfig("1sa", "x", "x@service.harness.io", "")),
				ExpectError: regexp.MustCompile(`Invalid Harness identifier`),
			},
			{
				Config:      m.config(serviceAccountConfig("account", "x", "x@service.harness.io", "")),
				ExpectError: regexp.MustCompile(`a word Harness reserves`),
			},
			{
				Config:      m.config(serviceAccountConfig("sa", "x", "not an email", "")),
				ExpectError: regexp.MustCompile(`Invalid email address`),
			},
			{
				Config:      m.config(serviceAccountConfig("sa", "x", "x@service.harness.io", `project_id = "p"`)),
				ExpectError: regexp.MustCompile(`(?s)org_id`),
			},
		},
	})
	if n := len(m.Requests()); n != 0 {
		t.Fatalf("plan-time refusals called Harness %d times", n)
	}
}

// A new email replaces the service account, and Harness deletes its keys
// and tokens with it. Their resources refer to the identifier, which stays,
// so Terraform would not plan to replace them: the plan warns and names
// replace_triggered_by on the email, and with it the whole chain is
// replaced in one apply, after which the plan is empty. Editing the
// account in place (its description) leaves the key and the token alone.
func TestAccCLI_serviceAccountReplacementWarns(t *testing.T) {
	cli := newTFCLI(t)
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	cli.config(m, tokenConfig(""))
	cli.mustRun("apply", "-auto-approve", "-input=false")

	newEmail := func(body string) string {
		return strings.Replace(body, `email      = "scim@service.harness.io"`, `email      = "scim2@service.harness.io"`, 1)
	}
	cli.config(m, newEmail(tokenConfig("")))
	out := strings.Join(strings.Fields(cli.mustRun("plan", "-input=false")), " ")
	for _, want := range []string{"Warning: Replacing service account scim_sa deletes its API keys and tokens",
		"replace_triggered_by = [harness_service_account.<name>.email]", "1 to add, 0 to change, 1 to destroy"} {
		if !strings.Contains(out, want) {
			t.Fatalf("plan output lacks %q:\n%s", want, out)
		}
	}

	const lc = "  lifecycle {\n    replace_triggered_by = [harness_service_account.sa.email]\n  }\n"
	body := strings.Replace(tokenConfig(lc), "parent_id   = harness_service_account.sa.identifier\n",
		"parent_id   = harness_service_account.sa.identifier\n"+lc, 1)
	cli.config(m, newEmail(body))
	m.ResetRequests()
	out = strings.Join(strings.Fields(cli.mustRun("apply", "-auto-approve", "-input=false")), " ")
	if !strings.Contains(out, "3 added, 0 changed, 3 destroyed") {
		t.Fatalf("apply did not replace the chain:\n%s", out)
	}
	if got, want := mockserver.CountsString(m.Counts()), mockserver.CountsString(map[string]int{
		mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 2,
		mockserver.OpDeleteToken: 1, mockserver.OpDeleteAPIKey: 1, mockserver.OpDeleteServiceAccount: 1,
		mockserver.OpCreateServiceAccount: 1, mockserver.OpCreateAPIKey: 1, mockserver.OpCreateToken: 1}); got != want {
		t.Fatalf("requests: %s, want %s", got, want)
	}
	if sas, toks := m.ServiceAccounts(), m.Tokens(); len(sas) != 1 || sas[0].Email != "scim2@service.harness.io" || len(toks) != 1 {
		t.Fatalf("after the apply: service accounts %+v, %d tokens", sas, len(toks))
	}
	if out, err := cli.run("plan", "-detailed-exitcode", "-input=false"); err != nil || !strings.Contains(out, "No changes") {
		t.Fatalf("the plan after the replacement is not empty (%v):\n%s", err, out)
	}

	// Editing the service account in place (its description) must not
	// replace the key and the token: the trigger is the email, not any
	// change of the account.
	tok, _ := m.LookupToken(saKey("entra"), "entra_token")
	value := m.TokenValue(tok)
	cli.config(m, strings.Replace(newEmail(body), `email      = "scim2@service.harness.io"`,
		"email      = \"scim2@service.harness.io\"\n  description = \"edited\"", 1))
	m.ResetRequests()
	out = strings.Join(strings.Fields(cli.mustRun("apply", "-auto-approve", "-input=false")), " ")
	if !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
		t.Fatalf("editing the description did more than update the service account:\n%s", out)
	}
	if got, want := mockserver.CountsString(m.Counts()), mockserver.CountsString(map[string]int{
		mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1, mockserver.OpListTokens: 1,
		mockserver.OpUpdateServiceAccount: 1}); got != want {
		t.Fatalf("requests: %s, want %s", got, want)
	}
	if tok, ok := m.LookupToken(saKey("entra"), "entra_token"); !ok || m.TokenValue(tok) != value || m.scimStatus(value) != http.StatusOK {
		t.Fatal("the token value Entra ID holds changed or stopped working after a description edit")
	}
	cli.mustRun("destroy", "-auto-approve", "-input=false")
}
