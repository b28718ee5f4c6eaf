package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const userBody = `
resource "harness_scim_user" "test" {
  user_name    = "pat@example.com"
  display_name = "Pat"
}
`

func TestAccProvider_configErrors(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	provider := func(attrs string) string { return "provider \"harness\" {\n" + attrs + "\n}\n" + userBody }
	full := fmt.Sprintf("  endpoint = %q\n  account_id = %q\n  api_key = %q\n", m.URL, m.AccountID(), m.Token())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				// TestMain unsets HARNESS_PLATFORM_API_KEY, so it is missing.
				Config:      provider(fmt.Sprintf("  endpoint = %q\n  account_id = %q", m.URL, m.AccountID())),
				ExpectError: expectErr("Missing Harness api_key", `Set the "api_key" attribute in the provider block or the HARNESS_PLATFORM_API_KEY environment variable`),
			},
			{
				Config:      provider(fmt.Sprintf("  endpoint = %q\n  api_key = %q", m.URL, m.Token())),
				ExpectError: expectErr("Missing Harness account_id", "HARNESS_ACCOUNT_ID environment variable"),
			},
			{
				Config:      provider("  endpoint = \"http://harness.example.com/gateway\"\n  account_id = \"a\"\n  api_key = \"k\""),
				ExpectError: expectErr("Invalid Harness endpoint", "uses plain http:// to a non-loopback host; use https://"),
			},
			{
				Config:      provider("  endpoint = \"ftp://127.0.0.1\"\n  account_id = \"a\"\n  api_key = \"k\""),
				ExpectError: expectErr("Invalid Harness endpoint", "must start with https://"),
			},
			{
				Config:      provider(full + `  scim_generation = "thirdgen"`),
				ExpectError: expectErr("scim_generation", `value must be one of: ["nextgen" "firstgen"]`),
			},
			{
				Config:      provider(full + `  request_timeout = "soon"`),
				ExpectError: expectErr("Invalid duration", `request_timeout must be a positive Go duration`),
			},
			{
				Config:      provider(full + `  max_retries = -1`),
				ExpectError: expectErr("max_retries", "value must be between 0 and 100"),
			},
			{
				Config:      provider(full + `  max_requests_per_minute = -5`),
				ExpectError: expectErr("max_requests_per_minute", "value must be at least 0"),
			},
			{
				Config:      provider(full + `  operation_timeout = "0s"`),
				ExpectError: expectErr("Invalid duration", `operation_timeout must be a positive Go duration`),
			},
			{
				Config:      provider(full + `  bogus = true`),
				ExpectError: expectErr("Unsupported argument"),
			},
		},
	})
	if n := len(m.Requests()); n != 0 {
		t.Errorf("configuration errors made %d Harness requests, want 0", n)
	}
}

func TestAccProvider_badCredential(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
provider "harness" {
  endpoint        = %q
  account_id      = %q
  api_key         = "pat.wrong.000000000000000000000000.notTheRightSecret00"
  scim_generation = %q
}
`, m.URL, m.AccountID(), generationOf(p)) + userBody,
				// NextGen answers 401 INVALID_TOKEN, FirstGen 400 "User not
				// authorized"; both get the credential hint.
				ExpectError: expectErr("Error creating SCIM user", "Harness rejected the credential. Check the provider's api_key"),
			}},
		})
		// A rejected credential is not retried.
		if n := m.Count(mockserver.OpCreateUser); n != 1 {
			t.Errorf("CreateUser requests = %d, want 1 (an auth failure must not be retried)", n)
		}
	})
}

// TestAccProvider_unknownCredential feeds api_key from a value only known
// after apply: configuring the provider is deferred, not refused.
func TestAccProvider_unknownCredential(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %[3]q
}

provider "harness" {
  endpoint        = %[1]q
  account_id      = %[2]q
  api_key         = terraform_data.key.output
  scim_generation = %[4]q
}
`, m.URL, m.AccountID(), m.Token(), generationOf(p)) + userBody,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("user_name"), knownvalue.StringExact("pat@example.com")),
				},
			}},
		})
	})
}

func TestAccProvider_retriesTransientFailures(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				PreConfig: func() {
					m.reset()
					// A 503, then a 429 with Retry-After, then success.
					m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, Status: http.StatusServiceUnavailable})
					m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, Status: http.StatusTooManyRequests,
						Header: http.Header{"Retry-After": {"1"}}})
				},
				Config: m.config(userBody),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpCreateUser: 3}),
				),
			}},
		})
	})
}

// TestAccProvider_connectionDroppedAfterCommit: Harness creates the user
// but the answer is lost; the retried POST adopts it, leaving one user
// that state tracks.
func TestAccProvider_connectionDroppedAfterCommit(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("pat@example.com"),
			Steps: []resource.TestStep{{
				PreConfig: func() {
					m.reset()
					m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, DropAfterCommit: true})
				},
				Config: m.config(userBody),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpCreateUser: 2}),
					func(s *terraform.State) error {
						id, err := stateAttr(s, "harness_scim_user.test", "id")
						if err != nil {
							return err
						}
						users := m.Users()
						if len(users) != 2 || userID(m, "pat@example.com") != id {
							return fmt.Errorf("want exactly admin + pat (%s) in Harness, got %+v", id, users)
						}
						return nil
					},
				),
			}},
		})
	})
}

// configureWith runs Configure on a configuration whose attributes are
// null except those given, and returns what it handed to resources.
func configureWith(t *testing.T, attrs map[string]string) (*providerData, diag.Diagnostics) {
	t.Helper()
	ctx := t.Context()
	p := New("test")()
	var sresp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &sresp)
	vals := map[string]tftypes.Value{}
	for name, a := range sresp.Schema.Attributes {
		typ := a.GetType().TerraformType(ctx)
		if v, ok := attrs[name]; ok {
			vals[name] = tftypes.NewValue(typ, v)
		} else {
			vals[name] = tftypes.NewValue(typ, nil)
		}
	}
	raw := tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), vals)
	var resp fwprovider.ConfigureResponse
	p.Configure(ctx, fwprovider.ConfigureRequest{Config: tfsdk.Config{Raw: raw, Schema: sresp.Schema}}, &resp)
	data, _ := resp.ResourceData.(*providerData)
	return data, resp.Diagnostics
}

// expectConfiguredFor checks that data's client talks to m: its endpoint,
// account and generation, and (one authenticated listing) its api_key.
func expectConfiguredFor(t *testing.T, data *providerData, diags diag.Diagnostics, m *testMock, gen client.Generation) {
	t.Helper()
	if diags.HasError() || data == nil || data.client == nil {
		t.Fatalf("Configure failed: %v", diags)
	}
	c := data.client
	if c.Endpoint() != m.URL || c.AccountID() != m.AccountID() || c.Generation() != gen || data.generation != gen {
		t.Errorf("client endpoint %q, account %q, generation %q (provider data %q); want %q, %q, %q",
			c.Endpoint(), c.AccountID(), c.Generation(), data.generation, m.URL, m.AccountID(), gen)
	}
	m.reset()
	if _, err := c.ListSCIMUsers(t.Context()); err != nil {
		t.Errorf("listing users with the configured api_key: %v", err)
	}
	if n := m.Count(mockserver.OpSearchUsers); n != 1 {
		t.Errorf("SearchUsers requests = %d, want 1", n)
	}
}

// Each attribute with an environment fallback is read from its own
// variable into its own client setting: the four variables hold four
// different values, and a mock of the non-default generation accepts the
// client only when every one of them landed in the right place.
func TestConfigureReadsEachAttributeFromItsOwnVariable(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("firstgen"))
	t.Setenv(envEndpoint, m.URL)
	t.Setenv(envAccountID, m.AccountID())
	t.Setenv(envAPIKey, m.Token())
	t.Setenv(envSCIMGeneration, "firstgen")
	data, diags := configureWith(t, nil)
	expectConfiguredFor(t, data, diags, m, client.FirstGen)
	if len(attrEnv) != 4 || attrEnv["endpoint"] != envEndpoint || attrEnv["account_id"] != envAccountID ||
		attrEnv["api_key"] != envAPIKey || attrEnv["scim_generation"] != envSCIMGeneration {
		t.Errorf("attrEnv = %v", attrEnv)
	}
}

// The attributes themselves land in the same settings, and win over the
// environment.
func TestConfigureAttributesWinOverVariables(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("firstgen"))
	for _, env := range attrEnv {
		t.Setenv(env, "https://from-the-environment.example.com")
	}
	data, diags := configureWith(t, map[string]string{
		"endpoint": m.URL, "account_id": m.AccountID(), "api_key": m.Token(), "scim_generation": "firstgen",
	})
	expectConfiguredFor(t, data, diags, m, client.FirstGen)
}

// A missing required setting is an error on its own attribute, naming its
// own variable.
func TestConfigureNamesTheMissingVariable(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	all := map[string]string{envEndpoint: m.URL, envAccountID: m.AccountID(), envAPIKey: m.Token()}
	for attr, env := range map[string]string{"account_id": envAccountID, "api_key": envAPIKey} {
		t.Run(attr, func(t *testing.T) {
			for e, v := range all {
				t.Setenv(e, v)
			}
			t.Setenv(env, "")
			_, diags := configureWith(t, nil)
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d, ok := diags.Errors()[0].(diag.DiagnosticWithPath)
			if !ok || !d.Path().Equal(path.Root(attr)) || d.Summary() != "Missing Harness "+attr || !strings.Contains(d.Detail(), env) {
				t.Errorf("error %v, want one on %s naming %s", diags.Errors()[0], attr, env)
			}
		})
	}
}

// TestApplyRequestBudget: max_requests_per_minute, else its variable, sets
// the client's budget; 0 disables pacing; a bad variable names itself.
func TestApplyRequestBudget(t *testing.T) {
	for name, tc := range map[string]struct {
		attr    types.Int64
		env     string
		want    int
		wantErr string
	}{
		"unset keeps the client default": {attr: types.Int64Null(), want: 0},
		"attribute":                      {attr: types.Int64Value(600), env: "100", want: 600},
		"attribute 0 disables":           {attr: types.Int64Value(0), want: -1},
		"variable":                       {attr: types.Int64Null(), env: " 300 ", want: 300},
		"variable 0 disables":            {attr: types.Int64Null(), env: "0", want: -1},
		"unknown waits for apply":        {attr: types.Int64Unknown(), env: "300", want: 0},
		"bad variable":                   {attr: types.Int64Null(), env: "lots", wantErr: `HARNESS_MAX_REQUESTS_PER_MINUTE is "lots"`},
		"negative variable":              {attr: types.Int64Null(), env: "-1", wantErr: "or 0 to disable pacing"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envMaxRequestsPerMinute, tc.env)
			var ccfg client.Config
			var diags diag.Diagnostics
			applyRequestBudget(tc.attr, &ccfg, &diags)
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.wantErr) {
					t.Fatalf("diagnostics %v, want an error containing %q", diags, tc.wantErr)
				}
				return
			}
			if diags.HasError() || ccfg.MaxRequestsPerMinute != tc.want {
				t.Fatalf("MaxRequestsPerMinute = %d (diags %v), want %d", ccfg.MaxRequestsPerMinute, diags, tc.want)
			}
		})
	}
}
