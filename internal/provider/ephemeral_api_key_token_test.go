package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// protoV6FactoriesWithEcho adds the echo provider, which copies an
// ephemeral value into state so tests can look at it.
var protoV6FactoriesWithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"harness": providerserver.NewProtocol6WithError(New("test")()),
	"echo":    echoprovider.NewProviderServer(),
}

// The ephemeral token exists while Terraform runs and is deleted when the
// run ends; its value reaches state only through the echo test provider.
// (That the value authenticates another provider block is tested with the
// real provider binary in TestAccCLI_tokensAuthenticateOtherProviderBlocks,
// because plugin-testing serves aliased provider blocks from one instance.)
func TestAccAPIKeyTokenEphemeral(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	var value string
	ephemeralCfg := m.config(apiKeyConfig("entra", "Entra ID", "") + `
ephemeral "harness_api_key_token" "tmp" {
  apikey_id   = harness_api_key.key.identifier
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
  lifetime    = "10m"
}

provider "echo" {
  data = ephemeral.harness_api_key_token.tmp
}

resource "echo" "token" {}
`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: protoV6FactoriesWithEcho,
		Steps: []resource.TestStep{
			{Config: m.config(apiKeyConfig("entra", "Entra ID", ""))},
			{
				PreConfig: m.reset,
				Config:    ephemeralCfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("value"), knownvalue.StringRegexp(satValueRE)),
					statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("identifier"),
						knownvalue.StringRegexp(regexp.MustCompile(`^tf_ephemeral_[a-z0-9]{12}$`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Plan and apply each open a token (after checking the key
					// exists) and close it again.
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 3,
						mockserver.OpCreateToken: 2, mockserver.OpDeleteToken: 2}),
					func(s *terraform.State) error {
						// Every token opened was closed: none is left in Harness.
						counts := m.Counts()
						if counts[mockserver.OpCreateToken] == 0 || counts[mockserver.OpCreateToken] != counts[mockserver.OpDeleteToken] {
							return fmt.Errorf("opened and closed tokens differ: %s", mockserver.CountsString(counts))
						}
						if n := len(m.Tokens()); n != 0 {
							return fmt.Errorf("%d tokens left in Harness after the run", n)
						}
						v, err := stateAttr(s, "echo.token", "data.value")
						value = v
						return err
					},
					// The value handed out during the run no longer works.
					m.expectWorks(map[*string]bool{&value: false}),
				),
			},
		},
	})
}

func TestAccSCIMTenantURLDataSource(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		own := m.URL + "/ng/api/scim/account/" + m.AccountID()
		if p.Generation == mockserver.FirstGen {
			own = m.URL + "/api/scim/account/" + m.AccountID()
		}
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				PreConfig: m.reset,
				Config: m.config(`
data "harness_scim_tenant_url" "own" {}
data "harness_scim_tenant_url" "firstgen" {
  scim_generation = "firstgen"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.harness_scim_tenant_url.own", tfjsonpath.New("url"), knownvalue.StringExact(own)),
					statecheck.ExpectKnownValue("data.harness_scim_tenant_url.own", tfjsonpath.New("account_id"), knownvalue.StringExact(m.AccountID())),
					statecheck.ExpectKnownValue("data.harness_scim_tenant_url.own", tfjsonpath.New("scim_generation"), knownvalue.StringExact(generationOf(p))),
					statecheck.ExpectKnownValue("data.harness_scim_tenant_url.firstgen", tfjsonpath.New("url"),
						knownvalue.StringExact(m.URL+"/api/scim/account/"+m.AccountID())),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// Built locally: no API call.
					m.expectCounts(map[string]int{}),
					// And it is the mock's real SCIM base.
					func(*terraform.State) error {
						req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, own+"/Users", nil)
						req.Header.Set("Authorization", "Bearer "+m.Token())
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							return err
						}
						_ = resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							return fmt.Errorf("GET %s/Users: HTTP %d", own, resp.StatusCode)
						}
						return nil
					},
				),
			}},
		})
	})
}

func ephemeralEchoConfig(apiKeyID string) string {
	return fmt.Sprintf(`
ephemeral "harness_api_key_token" "tmp" {
  apikey_id   = %s
  apikey_type = "SERVICE_ACCOUNT"
  parent_id   = harness_service_account.sa.identifier
  lifetime    = "10m"
}

provider "echo" {
  data = ephemeral.harness_api_key_token.tmp
}

resource "echo" "token" {}
`, apiKeyID)
}

// The key and the short-lived token in one configuration: while planning,
// the key does not exist yet and is planned for creation, so the value is
// unknown; the apply creates the key, then opens the token.
func TestAccAPIKeyTokenEphemeral_keyCreatedInSameApply(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: protoV6FactoriesWithEcho,
		Steps: []resource.TestStep{{
			PreConfig: m.reset,
			Config:    m.config(apiKeyConfig("entra", "Entra ID", "") + ephemeralEchoConfig("harness_api_key.key.identifier")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("echo.token", tfjsonpath.New("data").AtMapKey("value"), knownvalue.StringRegexp(satValueRE)),
			},
			// Plan: one key check. Apply: the creates, one key check, the
			// token opened and closed.
			Check: m.expectCounts(map[string]int{mockserver.OpCreateServiceAccount: 1, mockserver.OpCreateAPIKey: 1,
				mockserver.OpGetAPIKey: 2, mockserver.OpCreateToken: 1, mockserver.OpDeleteToken: 1}),
		}},
	})
}

// An apikey_id that names no key, and no key this configuration creates,
// fails while planning with an error naming the key, and nothing is created
// in Harness (Harness would otherwise create a "<id>_auto" key for the
// token).
func TestAccAPIKeyTokenEphemeral_unknownKey(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0)},
		ProtoV6ProviderFactories: protoV6FactoriesWithEcho,
		Steps: []resource.TestStep{
			{Config: m.config(apiKeyConfig("entra", "Entra ID", ""))},
			{
				PreConfig:   m.reset,
				Config:      m.config(apiKeyConfig("entra", "Entra ID", "") + ephemeralEchoConfig(`"entra_typo"`)),
				ExpectError: expectErr(`API key not found`, `"entra_typo" (SERVICE_ACCOUNT key of scim_sa, account scope)`, "does not exist", "apikey_id"),
			},
			{
				PreConfig: func() {
					// The failed plan refreshed the key, checked the missing
					// one once and created nothing.
					if got, want := mockserver.CountsString(m.Counts()), mockserver.CountsString(map[string]int{
						mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 2}); got != want {
						t.Errorf("requests of the failed plan: %s, want %s", got, want)
					}
					if n := len(m.APIKeys()); n != 1 {
						t.Errorf("%d API keys in Harness, want 1", n)
					}
				},
				Config: m.config(apiKeyConfig("entra", "Entra ID", "")),
			},
		},
	})
}
