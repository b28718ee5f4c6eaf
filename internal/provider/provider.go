// Package provider implements the Terraform provider for Harness SCIM users
// and groups, API keys, tokens and service accounts.
package provider

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// RegistryAddress is the provider's source address, used by main.go, the
// README, the examples and the demo.
const RegistryAddress = "registry.terraform.io/harness-scim/harness"

// Environment variables read when an attribute is not set. They are the
// official Harness provider's names, so both providers share credentials.
const (
	envEndpoint       = "HARNESS_ENDPOINT"
	envAccountID      = "HARNESS_ACCOUNT_ID"
	envAPIKey         = "HARNESS_PLATFORM_API_KEY"
	envSCIMGeneration = "HARNESS_SCIM_GENERATION"
)

// attrEnv maps provider attributes to their environment variables.
var attrEnv = map[string]string{
	"endpoint": envEndpoint, "account_id": envAccountID, "api_key": envAPIKey, "scim_generation": envSCIMGeneration,
}

var (
	_ provider.Provider                       = (*harnessProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*harnessProvider)(nil)
)

// harnessProvider is the provider implementation.
type harnessProvider struct {
	version string
	// now is the clock handed to resources through providerData; nil means
	// time.Now. Tests set it to move time between a plan and its apply
	// without sleeping (as terraform-provider-time injects its clock).
	now func() time.Time
}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &harnessProvider{version: version} }
}

type providerModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	AccountID      types.String `tfsdk:"account_id"`
	APIKey         types.String `tfsdk:"api_key"`
	SCIMGeneration types.String `tfsdk:"scim_generation"`
	MaxRetries     types.Int64  `tfsdk:"max_retries"`
	RetryWaitMin   types.String `tfsdk:"retry_wait_min"`
	RetryWaitMax   types.String `tfsdk:"retry_wait_max"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

func (p *harnessProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "harness"
	resp.Version = p.version
}

func (p *harnessProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages who can get into Harness: SCIM users and groups, and the API keys, " +
			"tokens and service accounts that identity providers and automation use.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Harness gateway URL. Defaults to `" + client.DefaultEndpoint + "`, or the `" + envEndpoint +
					"` environment variable. Self-managed installs use `https://<host>` (no `/gateway`). Plain `http://` is " +
					"refused unless the host is a loopback address (`127.0.0.1`, `::1`, `localhost`).",
				Validators: []validator.String{endpointValidator{}},
			},
			"account_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Harness account identifier. Defaults to the `" + envAccountID + "` environment variable.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"api_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Harness API token: a NextGen personal (`pat.`) or service-account (`sat.`) token, or a " +
					"FirstGen API key when `scim_generation = \"firstgen\"`. Defaults to the `" + envAPIKey + "` environment " +
					"variable. SCIM calls send it as `Authorization: Bearer`, NextGen REST calls as `x-api-key`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"scim_generation": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Which Harness SCIM API to use: `nextgen` (default, `/ng/api/scim/account/<id>`) or " +
					"`firstgen` (`/api/scim/account/<id>`, the tenant URL in Microsoft's Entra ID tutorial). Defaults to the `" +
					envSCIMGeneration + "` environment variable, then `nextgen`. API keys, tokens and service accounts always " +
					"use the NextGen API.",
				Validators: []validator.String{stringvalidator.OneOf(string(client.NextGen), string(client.FirstGen))},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request that failed with a connection error, HTTP 429 "+
					"or HTTP 5xx (except 501) is retried. Defaults to %d; `0` disables retries.", client.DefaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"retry_wait_min": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Shortest wait before a retry, as a Go duration (`500ms`, `2s`). Defaults to `" +
					client.DefaultRetryWaitMin.String() + "`. Waits double per attempt, with jitter, up to `retry_wait_max`.",
				Validators: []validator.String{positiveDuration},
			},
			"retry_wait_max": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Longest wait before a retry, as a Go duration. Also caps a `Retry-After` header. " +
					"Defaults to `" + client.DefaultRetryWaitMax.String() + "`.",
				Validators: []validator.String{positiveDuration},
			},
			"request_timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Timeout of one HTTP attempt, as a Go duration. Defaults to `" +
					client.DefaultRequestTimeout.String() + "`.",
				Validators: []validator.String{positiveDuration},
			},
		},
	}
}

func (p *harnessProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{now: p.now}
	settings := []struct {
		attr, env string
		value     types.String
		required  bool
		out       *string
	}{
		{"endpoint", envEndpoint, cfg.Endpoint, false, new(string)},
		{"account_id", envAccountID, cfg.AccountID, true, new(string)},
		{"api_key", envAPIKey, cfg.APIKey, true, new(string)},
		{"scim_generation", envSCIMGeneration, cfg.SCIMGeneration, false, new(string)},
	}
	for _, s := range settings {
		switch {
		case s.value.IsUnknown():
			data.unknown = append(data.unknown, s.attr)
		case !s.value.IsNull():
			*s.out = s.value.ValueString()
		default:
			*s.out = os.Getenv(s.env)
			if *s.out == "" && s.required {
				resp.Diagnostics.AddAttributeError(path.Root(s.attr), "Missing Harness "+s.attr,
					fmt.Sprintf("The provider needs %s. Set the %q attribute in the provider block or the %s environment variable.",
						s.attr, s.attr, s.env))
			}
		}
	}
	endpoint, accountID, apiKey, generation := *settings[0].out, *settings[1].out, *settings[2].out, *settings[3].out
	if endpoint != "" && cfg.Endpoint.IsNull() {
		if _, err := client.ValidateEndpoint(endpoint); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("endpoint"), "Invalid "+envEndpoint, err.Error())
		}
	}
	if generation != "" && generation != string(client.NextGen) && generation != string(client.FirstGen) {
		resp.Diagnostics.AddAttributeError(path.Root("scim_generation"), "Invalid "+envSCIMGeneration,
			fmt.Sprintf("%s is %q; use %q or %q.", envSCIMGeneration, generation, client.NextGen, client.FirstGen))
	}
	if !cfg.SCIMGeneration.IsUnknown() {
		data.generation = client.Generation(generation)
		if data.generation == "" {
			data.generation = client.NextGen
		}
	}

	ccfg := client.Config{
		Endpoint: endpoint, AccountID: accountID, APIKey: apiKey, Generation: data.generation,
		UserAgent: fmt.Sprintf("terraform-provider-harness-scim/%s (+https://%s) Terraform/%s", p.version, RegistryAddress, req.TerraformVersion),
		Logger:    newTFLogger(apiKey),
	}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		ccfg.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if ccfg.MaxRetries == 0 {
			ccfg.MaxRetries = -1 // 0 in HCL means "no retries".
		}
	}
	for _, d := range []struct {
		attr  string
		value types.String
		out   *time.Duration
	}{
		{"retry_wait_min", cfg.RetryWaitMin, &ccfg.RetryWaitMin},
		{"retry_wait_max", cfg.RetryWaitMax, &ccfg.RetryWaitMax},
		{"request_timeout", cfg.RequestTimeout, &ccfg.RequestTimeout},
	} {
		if d.value.IsNull() || d.value.IsUnknown() {
			continue
		}
		dur, err := time.ParseDuration(d.value.ValueString())
		if err != nil || dur <= 0 {
			resp.Diagnostics.AddAttributeError(path.Root(d.attr), "Invalid duration",
				fmt.Sprintf("%s must be a positive Go duration such as \"30s\", got %q.", d.attr, d.value.ValueString()))
			continue
		}
		*d.out = dur
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if len(data.unknown) == 0 {
		c, err := client.New(ccfg)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Harness provider configuration", err.Error())
			return
		}
		data.client = c
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *harnessProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSCIMUserResource,
		NewSCIMGroupResource,
		NewSCIMGroupMemberResource,
		NewServiceAccountResource,
		NewAPIKeyResource,
		NewAPIKeyTokenResource,
	}
}

func (p *harnessProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSCIMUserDataSource,
		NewSCIMUsersDataSource,
		NewSCIMGroupDataSource,
		NewSCIMGroupsDataSource,
		NewSCIMTenantURLDataSource,
	}
}

func (p *harnessProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewAPIKeyTokenEphemeralResource,
	}
}
