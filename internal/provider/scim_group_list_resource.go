package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var _ list.ListResourceWithConfigure = (*scimGroupListResource)(nil)

// NewSCIMGroupListResource returns the harness_scim_group list resource.
func NewSCIMGroupListResource() list.ListResource { return &scimGroupListResource{} }

type scimGroupListResource struct{ data *providerData }

type scimGroupListModel struct {
	DisplayName types.String `tfsdk:"display_name"`
	Search      types.String `tfsdk:"search"`
}

func (r *scimGroupListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (r *scimGroupListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *scimGroupListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists Harness SCIM groups, for `terraform query` (Terraform 1.14 and later): every group " +
			"created through SCIM (NextGen user groups made in the Harness UI are not SCIM groups and are not listed), " +
			"following Harness's pages to the end. With `include_resource = true` each result is the `harness_scim_group` " +
			"as an import would record it, members included: generated configuration then manages the members it lists " +
			"(remove `members` to leave them to an identity provider).",
		Attributes: map[string]listschema.Attribute{
			"display_name": listschema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Lists only groups with exactly this name (case and spaces count). Uses Harness's " +
					"search, so it usually costs one request.",
				Validators: []validator.String{notBlankValidator},
			},
			"search": listSearchAttribute("groups", "`display_name` or `id`"),
		},
	}
}

func (r *scimGroupListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg scimGroupListModel
	stream.Results = r.data.streamList(ctx, req, scimGroupIdentity, &cfg, func(c *client.Client, s *listStream) {
		name := knownString(cfg.DisplayName)
		err := c.ListSCIMGroupPages(ctx, name, pageVisitor(s, func(g *client.SCIMGroup) bool {
			if (name != "" && g.DisplayName != name) || !containsFold(knownString(cfg.Search), g.DisplayName, g.ID) {
				return true
			}
			m := scimGroupResourceModel{ID: types.StringValue(g.ID), DisplayName: types.StringValue(g.DisplayName), Members: membersLike(nil, g),
				Timeouts: nullTimeouts()}
			return s.emit(g.ID, fmt.Sprintf("%s (%d members)", g.DisplayName, len(g.Members)), m)
		}))
		if err != nil {
			s.fail("SCIM groups", err)
		}
	})
}
