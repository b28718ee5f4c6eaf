package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ datasource.DataSourceWithConfigure = (*scimUserDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*scimUsersDataSource)(nil)
)

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
		Validators: []validator.String{emailValidator{}},
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
func NewSCIMUsersDataSource() datasource.DataSource { return &scimUsersDataSource{} }

type scimUsersDataSource struct{ data *providerData }

type scimUsersDataModel struct {
	Users types.List `tfsdk:"users"`
	IDs   types.List `tfsdk:"ids"`
}

func (d *scimUsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_users"
}

func (d *scimUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every SCIM user of the account (users created or updated through SCIM), following " +
			"Harness's paging to the end, sorted by user name. Compare it with your configuration to find users that exist " +
			"in Harness but not in Terraform.",
		Attributes: map[string]schema.Attribute{
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The users, sorted by `user_name`.",
				NestedObject:        schema.NestedAttributeObject{Attributes: scimUserDataAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The users' ids, in the same order as `users`.",
			},
		},
	}
}

func (d *scimUsersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimUsersDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	c := d.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	users, err := c.ListSCIMUsers(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "listing", "SCIM users", "of account "+c.AccountID(), err)
		return
	}
	sort.SliceStable(users, func(i, j int) bool { return users[i].UserName < users[j].UserName })
	objs := make([]attr.Value, 0, len(users))
	ids := make([]attr.Value, 0, len(users))
	seen := map[string]bool{}
	for i := range users {
		if seen[users[i].ID] {
			continue // Harness pages can overlap when users change while listing.
		}
		seen[users[i].ID] = true
		obj, diags := types.ObjectValueFrom(ctx, scimUserDataAttrTypes, scimUserDataFromAPI(&users[i]))
		resp.Diagnostics.Append(diags...)
		objs = append(objs, obj)
		ids = append(ids, types.StringValue(users[i].ID))
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: scimUserDataAttrTypes}, objs)
	resp.Diagnostics.Append(diags...)
	idList, diags := types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, scimUsersDataModel{Users: list, IDs: idList})...)
}
