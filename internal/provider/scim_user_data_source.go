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

var _ datasource.DataSourceWithConfigure = (*scimUserDataSource)(nil)

// scimUserDataModel is one user as the data sources expose it.
type scimUserDataModel struct {
	ID          types.String `tfsdk:"id"`
	UserName    types.String `tfsdk:"user_name"`
	DisplayName types.String `tfsdk:"display_name"`
	GivenName   types.String `tfsdk:"given_name"`
	FamilyName  types.String `tfsdk:"family_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Active      types.Bool   `tfsdk:"active"`
}

func scimUserDataFromAPI(u *client.SCIMUser) scimUserDataModel {
	m := scimUserDataModel{
		ID:          types.StringValue(u.ID),
		UserName:    types.StringValue(u.UserName),
		DisplayName: types.StringValue(u.DisplayName),
		GivenName:   types.StringNull(),
		FamilyName:  types.StringNull(),
		ExternalID:  stringOrNull(u.ExternalID),
		Active:      types.BoolValue(u.IsActive()),
	}
	if u.Name != nil {
		m.GivenName = stringOrNull(u.Name.GivenName)
		m.FamilyName = stringOrNull(u.Name.FamilyName)
	}
	return m
}

var scimUserDataAttrTypes = map[string]attr.Type{
	"id": types.StringType, "user_name": types.StringType, "display_name": types.StringType,
	"given_name": types.StringType, "family_name": types.StringType, "external_id": types.StringType,
	"active": types.BoolType,
}

// scimUserDataAttributes are the computed user attributes shared by both
// data sources; the single-user data source makes id and user_name inputs.
func scimUserDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "Harness user id."},
		"user_name":    schema.StringAttribute{Computed: true, MarkdownDescription: "Email address, lower-case as Harness stores it."},
		"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Name Harness shows."},
		"given_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Given name; null when Harness does not " +
			"report it (NextGen without PL_NEW_SCIM_STANDARDS)."},
		"family_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Family name; null when Harness does not report it."},
		"external_id": schema.StringAttribute{Computed: true, MarkdownDescription: "SCIM externalId (NextGen only); null when unset."},
		"active":      schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the user may sign in."},
	}
}

// NewSCIMUserDataSource returns the harness_scim_user data source.
func NewSCIMUserDataSource() datasource.DataSource { return &scimUserDataSource{} }

type scimUserDataSource struct{ data *providerData }

func (d *scimUserDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (d *scimUserDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := scimUserDataAttributes()
	attrs["id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Harness user id to look up. Exactly one of `id` and `user_name` must be set.",
		Validators: []validator.String{
			stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("user_name")),
			stringvalidator.LengthAtLeast(1),
		},
	}
	attrs["user_name"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Email to look up, in any case. Harness only finds users created or updated through SCIM by " +
			"email; look up others by `id`.",
		Validators: []validator.String{emailValidator},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one Harness SCIM user by id or by user name (email). Fails when there is no such user.",
		Attributes:          attrs,
	}
}

func (d *scimUserDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimUserDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg scimUserDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u := lookup[client.SCIMUser]{
		object: "SCIM user", keyAttr: "user_name", id: cfg.ID, key: cfg.UserName,
		byID: c.GetSCIMUser, byKey: c.FindSCIMUserByUserName,
		notFoundHint: "Check the value; searches by user_name only find users that were created or updated through SCIM.",
	}.find(ctx, &resp.Diagnostics)
	if u == nil {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, scimUserDataFromAPI(u))...)
}

// NewSCIMUsersDataSource returns the harness_scim_users data source.
func NewSCIMUsersDataSource() datasource.DataSource {
	return &scimListDataSource[client.SCIMUser]{kind: scimUsersKind}
}

var scimUsersKind = scimListKind[client.SCIMUser]{
	typeSuffix: "_scim_users", listAttr: "users", object: "SCIM users",
	description: "Lists every SCIM user of the account (users created or updated through SCIM), following " +
		"Harness's paging to the end, sorted by user name. Compare it with your configuration to find users that exist " +
		"in Harness but not in Terraform.",
	listDescription: "The users, sorted by `user_name`.",
	idsDescription:  "The users' ids, in the same order as `users`.",
	attributes:      scimUserDataAttributes,
	attrTypes:       scimUserDataAttrTypes,
	list:            (*client.Client).ListSCIMUsers,
	less:            func(a, b *client.SCIMUser) bool { return a.UserName < b.UserName },
	id:              func(u *client.SCIMUser) string { return u.ID },
	model:           func(u *client.SCIMUser) any { return scimUserDataFromAPI(u) },
}
