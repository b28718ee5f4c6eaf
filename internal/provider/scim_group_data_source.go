package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*scimGroupDataSource)(nil)

// scimGroupDataModel is one group as the data sources expose it.
type scimGroupDataModel struct {
	ID           types.String `tfsdk:"id"`
	DisplayName  types.String `tfsdk:"display_name"`
	Members      types.List   `tfsdk:"members"`
	MemberEmails types.Map    `tfsdk:"member_emails"`
}

func scimGroupDataFromAPI(g *client.SCIMGroup) scimGroupDataModel {
	emails := make(map[string]attr.Value, len(g.Members))
	for _, m := range g.Members {
		emails[m.Value] = types.StringValue(m.Display)
	}
	return scimGroupDataModel{
		ID:           types.StringValue(g.ID),
		DisplayName:  types.StringValue(g.DisplayName),
		Members:      membersLike(nil, g),
		MemberEmails: types.MapValueMust(types.StringType, emails),
	}
}

var scimGroupDataAttrTypes = map[string]attr.Type{
	"id": types.StringType, "display_name": types.StringType,
	"members": types.ListType{ElemType: types.StringType}, "member_emails": types.MapType{ElemType: types.StringType},
}

// scimGroupDataAttributes are the computed group attributes shared by both
// data sources; the single-group data source makes id and display_name
// inputs.
func scimGroupDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Harness group id."},
		"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The group's name."},
		"members": schema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Ids of the users in the group, sorted."},
		"member_emails": schema.MapAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Each member's email, keyed by user id (Harness reports a member's email as its SCIM `display`)."},
	}
}

// NewSCIMGroupDataSource returns the harness_scim_group data source.
func NewSCIMGroupDataSource() datasource.DataSource { return &scimGroupDataSource{} }

type scimGroupDataSource struct{ data *providerData }

func (d *scimGroupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (d *scimGroupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := scimGroupDataAttributes()
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Harness group id to look up. Exactly one of `id` and `display_name` must be set.",
		Validators: []validator.String{
			stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("display_name")),
			stringvalidator.LengthAtLeast(1),
		},
	}
	attrs["display_name"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Exact, case-sensitive name to look up. Harness only finds groups created through SCIM by " +
			"name; look up others by `id`.",
		Validators: []validator.String{notBlankValidator},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one Harness SCIM group, with its members, by id or by display name. Fails when " +
			"there is no such group, or when several SCIM groups share the name.",
		Attributes: attrs,
	}
}

func (d *scimGroupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimGroupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimGroupDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	g := lookup[client.SCIMGroup]{
		object: "SCIM group", keyAttr: "display_name", id: cfg.ID, key: cfg.DisplayName,
		byID: c.GetSCIMGroup, byKey: c.FindSCIMGroupByDisplayName,
		notFoundHint: "Names match exactly (case and spaces count), and searches by display_name only find groups " +
			"created through SCIM.",
	}.find(ctx, &resp.Diagnostics)
	if g == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, scimGroupDataFromAPI(g))...)
}

// NewSCIMGroupsDataSource returns the harness_scim_groups data source.
func NewSCIMGroupsDataSource() datasource.DataSource {
	return &scimListDataSource[client.SCIMGroup]{kind: scimGroupsKind}
}

var scimGroupsKind = scimListKind[client.SCIMGroup]{
	typeSuffix: "_scim_groups", listAttr: "groups", object: "SCIM groups",
	description: "Lists every SCIM group of the account (groups created through SCIM; NextGen user groups " +
		"made in the Harness UI are not included), with members, following Harness's paging to the end, sorted by " +
		"display name.",
	listDescription: "The groups, sorted by `display_name`, then `id`.",
	idsDescription:  "The groups' ids, in the same order as `groups`.",
	attributes:      scimGroupDataAttributes,
	attrTypes:       scimGroupDataAttrTypes,
	list:            (*client.Client).ListSCIMGroups,
	less: func(a, b *client.SCIMGroup) bool {
		if a.DisplayName != b.DisplayName {
			return a.DisplayName < b.DisplayName
		}
		return a.ID < b.ID
	},
	id:    func(g *client.SCIMGroup) string { return g.ID },
	model: func(g *client.SCIMGroup) any { return scimGroupDataFromAPI(g) },
}
