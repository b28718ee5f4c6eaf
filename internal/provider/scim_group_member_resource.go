package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ resource.Resource                = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimGroupMemberResource)(nil)
	_ resource.ResourceWithImportState = (*scimGroupMemberResource)(nil)
)

// Private state keys of a membership.
const (
	// privateUserMissing marked, in earlier versions, a membership Read
	// kept although Harness never had it, for ModifyPlan to fail every
	// plan; Read now drops such a membership (see Read).
	privateUserMissing = "user_missing"
	// privateUnconfirmed marks a membership Create made and no Read has
	// seen in the group yet. Only such a membership (or one marked
	// user_missing) is dropped when its user is missing: a membership
	// Harness had, whose user then left the account, is kept with a
	// warning (see Read). A membership recorded before this mark existed
	// counts as seen.
	privateUnconfirmed = "unconfirmed"
	// privateImported marks a membership just imported: one that does not
	// exist must fail the import rather than be kept.
	privateImported = "imported"
)

// NewSCIMGroupMemberResource returns the harness_scim_group_member resource.
func NewSCIMGroupMemberResource() resource.Resource { return &scimGroupMemberResource{} }

// scimGroupMemberResource is one user's membership in one SCIM group,
// added and removed with one PATCH each.
type scimGroupMemberResource struct {
	data *providerData
}

type scimGroupMemberResourceModel struct {
	ID      types.String `tfsdk:"id"`
	GroupID types.String `tfsdk:"group_id"`
	UserID  types.String `tfsdk:"user_id"`
}

func (r *scimGroupMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group_member"
}

func (r *scimGroupMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One user's membership in one Harness SCIM group. It is **additive**: it adds this user and " +
			"leaves the group's other members alone, for teams that own some memberships but not the group. Creating and " +
			"destroying it each send one SCIM `PATCH`; refreshing it reads the group once.\n\n" +
			"~> **Note:** Do not combine this resource with the `members` attribute of `harness_scim_group` for the same " +
			"group. `members` is authoritative, so every plan of the group resource would remove the member this resource " +
			"added, and the next plan of this resource would add it back: the two fight forever and the membership flaps. " +
			"Either list all members in `harness_scim_group.members`, or omit `members` there and use one " +
			"`harness_scim_group_member` per membership.\n\n" +
			"Harness silently ignores a `user_id` that is not a user of the account, so creating a membership reads the " +
			"user first and fails with an error naming `user_id` when there is none; nothing is recorded, so such a " +
			"membership never blocks a later plan or `terraform destroy`. A user who leaves the account " +
			"(for example deprovisioned by an identity provider) once Terraform has seen the membership in Harness (a " +
			"refresh found it and a later `terraform apply` saved that) only gets a warning: the membership stays in state " +
			"and plans nothing, and when a user with that id is back in the account, the next plan adds it again. A " +
			"membership removed outside Terraform is planned to be created again. Refreshing a membership that is missing " +
			"reads the user too, to tell these cases apart.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<group_id>/<user_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"group_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Id of the SCIM group, such as `harness_scim_group.devs.id`. Changing it replaces the membership.",
				Validators:          []validator.String{notBlankValidator, noSlashValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"user_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Id of the Harness user, such as `harness_scim_user.alice.id`. Changing it replaces the membership.",
				Validators:          []validator.String{notBlankValidator, userIDValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
		},
	}
}

func (r *scimGroupMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func memberID(groupID, userID string) string { return groupID + "/" + userID }

// Create reads the user, then adds it with one PATCH. Harness would
// silently ignore adding an id that is not a user of the account
// (docs/design/harness-api.md 2.2, 2.5), and the 204 would not tell, so a missing user
// is an error here, at apply, and nothing is recorded. It is not refused
// while planning: Terraform plans every resource of the configuration
// again before a destroy, so a plan-time error would block the destroy too.
func (r *scimGroupMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimGroupMemberIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan scimGroupMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, userID := plan.GroupID.ValueString(), plan.UserID.ValueString()
	if _, err := c.GetSCIMUser(ctx, userID); err != nil {
		addMemberUserError(&resp.Diagnostics, groupID, userID, err)
		return
	}
	if err := c.PatchSCIMGroup(ctx, groupID, client.SCIMGroupPatch{Add: []string{userID}}); err != nil {
		addAPIError(&resp.Diagnostics, "adding", "user to SCIM group", fmt.Sprintf("%s (user %s)", groupID, userID), err)
		return
	}
	plan.ID = types.StringValue(memberID(groupID, userID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	// The 204 does not say whether Harness added the user, so the
	// membership counts as seen only once Read finds it.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnconfirmed, []byte(`true`))...)
}

// addMemberUserError reports a membership whose user could not be read.
func addMemberUserError(diags *diag.Diagnostics, groupID, userID string, err error) {
	if !client.IsNotFound(err) {
		addAPIError(diags, "reading", "SCIM user", userID+" (to add it to group "+groupID+")", err)
		return
	}
	diags.AddAttributeError(path.Root("user_id"), "No such user in Harness",
		fmt.Sprintf("Harness has no user with id %q in this account, so it cannot be a member of group %q: Harness "+
			"silently ignores adding an id that is not a user of the account (a mistyped id, or a user who was deleted or "+
			"left the account). Nothing was changed or recorded. Set user_id to the id of an existing user, such as "+
			"harness_scim_user.<name>.id, or remove this resource.", userID, groupID))
}

// Read removes the membership from state when the group or the user's
// membership is gone, so that the next plan creates it again. When the
// membership is missing it reads the user (one more request, only then),
// because adding a user Harness does not have would be silently ignored
// (docs/design/harness-api.md 2.2, 2.5):
//   - A membership never seen in Harness (its user was deleted between
//     Create, which checked it, and the first refresh) is dropped, so the
//     next plan creates it again and that apply fails naming user_id. It is
//     never kept for a plan-time error: Terraform plans again before a
//     destroy, and the error would block the destroy.
//   - A membership Harness had, whose user then left the account (which
//     drops it from every group, 1.8), is an identity provider doing its
//     job and must not block every plan of the workspace. It is kept with
//     a warning and plans nothing; once a user with that id is back, the
//     refresh finds the user and the next plan adds it again.
func (r *scimGroupMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimGroupMemberIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var state scimGroupMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_scim_group_member "+state.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, userID := state.GroupID.ValueString(), state.UserID.ValueString()
	g, err := r.data.readSCIMGroup(ctx, c, groupID)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "SCIM group no longer exists; removing the membership from state", map[string]any{"group_id": groupID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "SCIM group", groupID, err)
		return
	}
	imported, diags := req.Private.GetKey(ctx, privateImported)
	resp.Diagnostics.Append(diags...)
	if !slices.Contains(g.MemberIDs(), userID) {
		if imported == nil {
			_, uerr := c.GetSCIMUser(ctx, userID)
			if client.IsNotFound(uerr) {
				r.keepWithoutUser(ctx, req, resp, &state)
				return
			}
			if uerr != nil {
				addAPIError(&resp.Diagnostics, "reading", "SCIM user", userID+" (the user of a membership missing from group "+groupID+")", uerr)
				return
			}
		}
		tflog.Info(ctx, "user is no longer in the SCIM group; removing the membership from state",
			map[string]any{"group_id": groupID, "user_id": userID})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUserMissing, nil)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateUnconfirmed, nil)...)
	if imported != nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
	state.ID = types.StringValue(memberID(groupID, userID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// keepWithoutUser handles a membership whose user Harness does not have
// (see Read): dropped when Harness never had the membership, kept with a
// warning when the user left after Harness had it.
func (r *scimGroupMemberResource) keepWithoutUser(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse,
	state *scimGroupMemberResourceModel) {
	groupID, userID := state.GroupID.ValueString(), state.UserID.ValueString()
	unconfirmed, diags := req.Private.GetKey(ctx, privateUnconfirmed)
	resp.Diagnostics.Append(diags...)
	missing, diags := req.Private.GetKey(ctx, privateUserMissing)
	resp.Diagnostics.Append(diags...)
	if unconfirmed != nil || missing != nil {
		tflog.Info(ctx, "the membership's user is not a user of the account and Harness never had the membership; "+
			"removing it from state", map[string]any{"group_id": groupID, "user_id": userID})
		resp.State.RemoveResource(ctx)
		return
	}
	tflog.Info(ctx, "the membership's user left the account; keeping the membership with a warning",
		map[string]any{"group_id": groupID, "user_id": userID})
	resp.Diagnostics.AddAttributeWarning(path.Root("user_id"), "Membership's user left Harness",
		fmt.Sprintf("Harness no longer has a user with id %q in this account (the user was deleted or left the account, "+
			"for example deprovisioned by an identity provider), so it is no longer a member of group %q. Terraform keeps "+
			"this membership in state and plans nothing for it, because Harness would silently ignore adding the id back. "+
			"When a user with this id is back in the account, the next plan adds it to the group again. To stop managing "+
			"the membership, remove this resource or set user_id to an existing user.", userID, groupID))
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update is never called with a change: both inputs require replacement.
func (r *scimGroupMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimGroupMemberIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan scimGroupMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *scimGroupMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimGroupMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groupID, userID := state.GroupID.ValueString(), state.UserID.ValueString()
	err := c.PatchSCIMGroup(ctx, groupID, client.SCIMGroupPatch{Remove: []string{userID}})
	if client.IsNotFound(err) {
		tflog.Info(ctx, "SCIM group was already gone", map[string]any{"group_id": groupID})
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "removing", "user from SCIM group", fmt.Sprintf("%s (user %s)", groupID, userID), err)
	}
}

// ImportState takes "<group_id>/<user_id>".
func (r *scimGroupMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer scimGroupMemberIdentity.afterImport(ctx, r.data, resp)
	if req.ID = scimGroupMemberIdentity.importID(ctx, r.data, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// Importing reads the object, so the provider must be able to call
	// Harness now (the refresh that follows would otherwise be deferred).
	if r.data.apiClient(&resp.Diagnostics) == nil {
		return
	}
	groupID, userID, ok := strings.Cut(req.ID, "/")
	if !ok || groupID == "" || userID == "" || strings.Contains(userID, "/") {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a harness_scim_group_member as \"<group_id>/<user_id>\", got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), memberID(groupID, userID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_id"), groupID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_id"), userID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}

var _ resource.ResourceWithIdentity = (*scimGroupMemberResource)(nil)

func (r *scimGroupMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimGroupMemberIdentity.schema()
}
