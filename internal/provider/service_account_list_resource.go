package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var _ list.ListResourceWithConfigure = (*serviceAccountListResource)(nil)

// NewServiceAccountListResource returns the harness_service_account list resource.
func NewServiceAccountListResource() list.ListResource { return &serviceAccountListResource{} }

type serviceAccountListResource struct{ data *providerData }

type serviceAccountListModel struct {
	OrgID     types.String `tfsdk:"org_id"`
	ProjectID types.String `tfsdk:"project_id"`
	Search    types.String `tfsdk:"search"`
}

func (r *serviceAccountListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_account"
}

func (r *serviceAccountListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *serviceAccountListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listScopeAttributes("service accounts")
	attrs["search"] = listSearchAttribute("service accounts", "name or identifier")
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Harness NextGen service accounts of one scope (the account, an organization or " +
			"a project), for `terraform query` (Terraform 1.14 and later), following Harness's pages to the end. With " +
			"`include_resource = true` each result is the `harness_service_account` as an import would record it.",
		Attributes: attrs,
	}
}

func (r *serviceAccountListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg serviceAccountListModel
	stream.Results = r.data.streamList(ctx, req, serviceAccountIdentity, &cfg, func(c *client.Client, s *listStream) {
		sc := scopeOf(cfg.OrgID, cfg.ProjectID)
		err := c.ListServiceAccountPages(ctx, sc, knownString(cfg.Search), pageVisitor(s, func(sa *client.ServiceAccount) bool {
			var m serviceAccountResourceModel
			m.applyAPI(sa)
			return s.emit(m.ID.ValueString(), fmt.Sprintf("%s (%s, %s)", sa.Name, sa.Identifier, sc), m)
		}))
		if err != nil {
			s.fail("service accounts in "+sc.String(), err)
		}
	})
}
