package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*scimTenantURLDataSource)(nil)

// NewSCIMTenantURLDataSource returns the harness_scim_tenant_url data source.
func NewSCIMTenantURLDataSource() datasource.DataSource { return &scimTenantURLDataSource{} }

// scimTenantURLDataSource computes the SCIM base URL an identity provider
// is given (docs/design/harness-api.md 1.1). It makes no API call.
type scimTenantURLDataSource struct{ data *providerData }

type scimTenantURLModel struct {
	SCIMGeneration types.String `tfsdk:"scim_generation"`
	AccountID      types.String `tfsdk:"account_id"`
	Endpoint       types.String `tfsdk:"endpoint"`
	URL            types.String `tfsdk:"url"`
}

func (d *scimTenantURLDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_tenant_url"
}

func (d *scimTenantURLDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SCIM tenant URL of the provider's Harness account: what Microsoft Entra ID calls the " +
			"**Tenant URL** and Okta the **SCIM connector base URL**. It is built from the provider's `endpoint`, " +
			"`account_id` and `scim_generation` without calling Harness, so it is always the URL this provider itself " +
			"uses for SCIM.",
		Attributes: map[string]schema.Attribute{
			"scim_generation": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "`nextgen` (`…/ng/api/scim/account/<id>`) or `firstgen` (`…/api/scim/account/<id>`, the " +
					"URL in Microsoft's Entra ID tutorial). Defaults to the provider's `scim_generation`. NextGen tokens " +
					"(`sat.`/`pat.`) only work with the `nextgen` URL.",
				Validators: []validator.String{stringvalidator.OneOf(string(client.NextGen), string(client.FirstGen))},
			},
			"account_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The Harness account identifier in the URL."},
			"endpoint":   schema.StringAttribute{Computed: true, MarkdownDescription: "The gateway URL the tenant URL starts with."},
			"url": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The SCIM tenant URL, for example `https://app.harness.io/gateway/ng/api/scim/account/<account_id>`.",
			},
		},
	}
}

func (d *scimTenantURLDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimTenantURLDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimTenantURLModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	gen := c.Generation()
	if !cfg.SCIMGeneration.IsNull() {
		gen = client.Generation(cfg.SCIMGeneration.ValueString())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, scimTenantURLModel{
		SCIMGeneration: types.StringValue(string(gen)),
		AccountID:      types.StringValue(c.AccountID()),
		Endpoint:       types.StringValue(c.Endpoint()),
		URL:            types.StringValue(c.Endpoint() + client.SCIMBasePath(gen, c.AccountID())),
	})...)
}
