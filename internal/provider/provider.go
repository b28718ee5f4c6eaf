// Package provider implements the Terraform provider for Harness SCIM users
// and groups, API keys, tokens and service accounts.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// RegistryAddress is the provider's source address, used by main.go, the
// README, the examples and the demo.
const RegistryAddress = "registry.terraform.io/harness-scim/harness"

var (
	_ provider.Provider                       = (*harnessProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*harnessProvider)(nil)
	_ provider.ProviderWithListResources      = (*harnessProvider)(nil)
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
	MaxRequests    types.Int64  `tfsdk:"max_requests_per_minute"`
	OperationTime  types.String `tfsdk:"operation_timeout"`
	TokenLimit     types.Int64  `tfsdk:"token_limit"`
	BatchRefresh   types.String `tfsdk:"batch_refresh"`
}

func (p *harnessProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "harness"
	resp.Version = p.version
}

func (p *harnessProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSCIMUserResource,
		NewSCIMGroupResource,
		NewSCIMGroupMemberResource,
		NewSCIMDirectoryResource,
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

// ListResources are the list resources of terraform query (Terraform 1.14
// and later); each lists one resource type.
func (p *harnessProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewSCIMUserListResource,
		NewSCIMGroupListResource,
		NewServiceAccountListResource,
		NewAPIKeyListResource,
		NewAPIKeyTokenListResource,
	}
}
