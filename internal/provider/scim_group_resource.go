package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ resource.Resource                = (*scimGroupResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimGroupResource)(nil)
	_ resource.ResourceWithImportState = (*scimGroupResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scimGroupResource)(nil)
)

// NewSCIMGroupResource returns the harness_scim_group resource.
func NewSCIMGroupResource() resource.Resource { return &scimGroupResource{} }

// scimGroupResource manages a group through Harness's SCIM Groups endpoint.
type scimGroupResource struct {
	data *providerData
}

type scimGroupResourceModel struct {
	ID          types.String   `tfsdk:"id"`
	DisplayName types.String   `tfsdk:"display_name"`
	Members     types.List     `tfsdk:"members"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (r *scimGroupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_group"
}

func (r *scimGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Harness user group managed through Harness's SCIM 2.0 API, as an identity provider " +
			"would push it. In Harness NextGen it becomes an *externally managed* account-level user group, which the " +
			"Harness UI cannot edit.\n\n" +
			"`members` is **authoritative** when set: users not listed are removed from the group, and an empty set " +
			"(`members = []`) empties it. When `members` is omitted, Terraform records the group's members but never " +
			"plans a change to them. Any change to the name and members is sent as **one** SCIM `PATCH` plus one read of the group, " +
			"however many members are added or removed, so groups of thousands of users plan and apply quickly.\n\n" +
			"Harness silently ignores member ids that are not users of the account; this resource reports them as an " +
			"error naming each id instead.\n\n" +
			"When a member user is replaced, Harness removes it from every group, and the re-created user may get the same " +
			"id: always with `scim_generation = \"nextgen\"` (for example when `external_id` changes), and with " +
			"`\"firstgen\"` when the user has `on_destroy = \"deactivate\"` and the " +
			"account does not have PL_USER_DELETION_V2. Terraform then finds this group's members unchanged and skips its " +
			"update in that apply, so the next plan shows the user being added back, and the next apply adds it with one " +
			"`PATCH` and one read. A rename of the group in the same apply (its update then reads the group before the " +
			"`PATCH`), or a `harness_scim_group_member` (replaced along with the user), restores the membership at once.\n\n" +
			"~> **Note:** Do not manage the members of one group both with `members` here and with " +
			"`harness_scim_group_member`: every plan would remove the other resource's members. Use `members` when " +
			"Terraform owns the whole group, `harness_scim_group_member` when it owns only some memberships.\n\n" +
			"With `scim_generation = \"firstgen\"`, creating a group whose name an existing group already has adopts that " +
			"group (Harness's FirstGen SCIM `POST` answers with it) and then sets its members.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Harness group id. NextGen derives it from `display_name` when the group is created " +
					"(`Dev Team.1` becomes `Dev_Team_1`) and keeps it when the group is renamed; FirstGen uses a " +
					"22-character id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"display_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The group's name. Changing it renames the group in place; the id stays. Harness " +
					"NextGen refuses to create a second group whose name gives the same id (for example `dev-team` and " +
					"`dev.team` both give `dev_team`). With `scim_generation = \"nextgen\"`, a name whose id Harness " +
					"refuses is a plan-time error showing that id: the id must start with a letter or `_` (Harness drops " +
					"digits only at the very start of the name, so `(2024) Staff` gives `2024_Staff`, which is refused, " +
					"while `2024 Staff` gives `_Staff`), have at most 128 characters, and be neither a reserved word " +
					"(`account`, `org`, `true`, `class`, `step`, ...; case matters) nor a default group's id " +
					"(`_account_all_users`, ...). One line of at most 256 characters, without control or text-direction characters.",
				Validators: []validator.String{notBlankValidator, scimTextValidator},
			},
			"members": schema.ListAttribute{
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Ids of the Harness users in the group, such as `harness_scim_user.alice.id`. " +
					"It is a set: order never matters and never shows as a change, and an id may appear only once. When " +
					"set, the group has exactly these members; `[]` means no members. When omitted, members are not " +
					"managed: Terraform records the members Harness reports but never plans a change to them, so another " +
					"tool (an identity provider) or `harness_scim_group_member` can manage them; removing `members` from the " +
					"configuration stops managing them and changes nothing in Harness. Import records the members, so an " +
					"import against a configuration that lists the group's current members, in any order, plans nothing.",
				Validators: []validator.List{
					noNullElements{},
					listvalidator.ValueStringsAre(notBlankValidator, userIDValidator),
					uniqueMembersValidator{},
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown(), membersIgnoreOrder{}},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock("group")},
	}
}

func (r *scimGroupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, a NextGen group whose name gives an
// identifier Harness refuses: Harness derives the id from display_name
// (docs/design/harness-api.md 2.2) and validates it (addGroupIdentifierError).
func (r *scimGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || r.data == nil || r.data.generation != client.NextGen {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("display_name"), &name)...)
	if name.IsNull() || name.IsUnknown() {
		return
	}
	addGroupIdentifierError(&resp.Diagnostics, path.Root("display_name"), name.ValueString())
}

func (r *scimGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimGroupIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan scimGroupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	op := boundOperation(ctx, plan.Timeouts, "create", &resp.Diagnostics)
	defer op.done(&resp.Diagnostics, fmt.Sprintf("SCIM group %q", plan.DisplayName.ValueString()))
	ctx = op.ctx
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.DisplayName.ValueString()
	tracked := membersConfigured(ctx, req.Config, &resp.Diagnostics)
	want := listStrings(ctx, plan.Members, &resp.Diagnostics)
	refuseDuplicateMembers(&resp.Diagnostics, want)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := c.CreateSCIMGroup(ctx, &client.SCIMGroup{DisplayName: name, Members: client.SCIMGroupMembers(want)})
	if err != nil {
		addGroupCreateError(&resp.Diagnostics, c.Generation(), name, err)
		return
	}
	tflog.Debug(ctx, "created SCIM group", map[string]any{"id": g.ID, "members": len(g.Members)})
	state := scimGroupResourceModel{ID: types.StringValue(g.ID), DisplayName: types.StringValue(g.DisplayName),
		Members: membersLike(nil, g), Timeouts: plan.Timeouts}
	if !tracked {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	state.Members = membersLike(want, g)
	missing, extra := diffMembers(want, g.MemberIDs())
	if len(missing) == 0 && len(extra) == 0 {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	// Harness kept other members than sent: it dropped unknown ids, or
	// (FirstGen) answered with an existing group of that name. Save what
	// exists before fixing it, so a failure leaves nothing untracked.
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if c.Generation() == client.NextGen && len(extra) == 0 {
		// NextGen's POST made this group with the members sent (docs/design/harness-api.md
		// 2.2), so the ids it lacks are ones Harness ignored; a PATCH adding
		// them again would be ignored too.
		resp.Diagnostics.Append(membersNotAdded(groupLabel(g.ID, g.DisplayName), missing))
		return
	}
	got, diags := convergeMembers(ctx, c, g, "", want, g.MemberIDs())
	resp.Diagnostics.Append(diags...)
	if got != nil {
		state.DisplayName = types.StringValue(got.DisplayName)
		state.Members = membersLike(want, got)
		if !resp.Diagnostics.HasError() {
			state.Members = plan.Members
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// addGroupCreateError explains the 409 NextGen answers when the id derived
// from the name is taken (docs/design/harness-api.md 2.2): the group is never taken
// over (client.CreateSCIMGroup), and the error says how to import it.
func addGroupCreateError(diags *diag.Diagnostics, gen client.Generation, name string, err error) {
	if client.IsConflict(err) && gen == client.NextGen && strings.Contains(err.Error(), "identifier") {
		id := client.GroupIdentifier(name)
		addAlreadyExists(diags, importTarget{typeName: "harness_scim_group", object: "SCIM group",
			label: fmt.Sprintf("with id %q", id), id: id, attr: path.Root("display_name"),
			why:   fmt.Sprintf(" Harness NextGen derives the id %q from display_name %q, and a group with that id already exists.", id, name),
			extra: " Names that differ only in '.', '-', spaces, accents or leading digits give the same id."}, err)
		return
	}
	addAPIError(diags, "creating", "SCIM group", fmt.Sprintf("%q", name), err)
}

// refuseDuplicateMembers fails an apply whose members list an id twice,
// before anything is sent, and reports whether it did. The plan only
// warns (uniqueMembersValidator).
func refuseDuplicateMembers(diags *diag.Diagnostics, want []string) bool {
	dups := duplicateIDs(want)
	if len(dups) > 0 {
		diags.AddAttributeError(path.Root("members"), "Duplicate members", duplicateMembersDetail(dups)+
			" Nothing was sent to Harness.")
	}
	return len(dups) > 0
}

func (r *scimGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimGroupIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var state scimGroupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_scim_group "+state.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := r.data.readSCIMGroup(ctx, c, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "SCIM group no longer exists in Harness; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "SCIM group", state.ID.ValueString(), err)
		return
	}
	state.ID = types.StringValue(g.ID)
	state.DisplayName = types.StringValue(g.DisplayName)
	// Members are always recorded, imported ones too, in the order last
	// recorded. A configuration without members plans nothing whatever
	// they are (members is Optional+Computed and keeps its state).
	state.Members = membersLike(listStrings(ctx, state.Members, &resp.Diagnostics), g)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update sends the rename and every member change as one PATCH, then reads
// the group once to learn which members Harness really took. When the
// recorded members cannot be trusted (none recorded, or the same as
// planned) it reads the group first and changes only what differs.
func (r *scimGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimGroupIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan, state scimGroupResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	op := boundOperation(ctx, plan.Timeouts, "update", &resp.Diagnostics)
	defer op.done(&resp.Diagnostics, "SCIM group "+groupLabel(state.ID.ValueString(), state.DisplayName.ValueString()))
	ctx = op.ctx
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	rename := ""
	if !plan.DisplayName.Equal(state.DisplayName) {
		rename = plan.DisplayName.ValueString()
	}
	newState := plan
	newState.ID = state.ID
	if !membersConfigured(ctx, req.Config, &resp.Diagnostics) {
		// Members are not managed: at most a rename.
		newState.Members = state.Members
		renameGroup(ctx, c, rename, &state, &newState, resp)
		return
	}
	want := listStrings(ctx, plan.Members, &resp.Diagnostics)
	current := listStrings(ctx, state.Members, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if refuseDuplicateMembers(&resp.Diagnostics, want) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	current, ok := membersBeforeUpdate(ctx, c, &state, want, current, &resp.Diagnostics)
	if !ok {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if sameMembers(want, current) {
		renameGroup(ctx, c, rename, &state, &newState, resp)
		return
	}
	g := &client.SCIMGroup{ID: id, DisplayName: state.DisplayName.ValueString()}
	got, diags := convergeMembers(ctx, c, g, rename, want, current)
	resp.Diagnostics.Append(diags...)
	if got == nil {
		// The PATCH failed or its outcome could not be read: keep the
		// prior state; the next refresh reads what Harness has.
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if rename != "" && got.DisplayName != rename {
		resp.Diagnostics.AddAttributeError(path.Root("display_name"), "Harness did not rename the group",
			fmt.Sprintf("Harness accepted the rename of group %s to %q but still calls it %q. Terraform recorded the "+
				"name Harness has; run apply again, and check whether an identity provider also manages this group.",
				id, rename, got.DisplayName))
	}
	if resp.Diagnostics.HasError() {
		// Record what Harness has, so the next plan shows the difference.
		newState.DisplayName = types.StringValue(got.DisplayName)
		newState.Members = membersLike(want, got)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// renameGroup finishes an update that changes no members: it renames the
// group when rename is set (a 204 says it was applied) and saves newState,
// or keeps state when the rename failed.
func renameGroup(ctx context.Context, c *client.Client, rename string, state, newState *scimGroupResourceModel, resp *resource.UpdateResponse) {
	if rename != "" {
		id := state.ID.ValueString()
		if err := c.PatchSCIMGroup(ctx, id, client.SCIMGroupPatch{DisplayName: rename}); err != nil {
			addAPIError(&resp.Diagnostics, "renaming", "SCIM group", groupLabel(id, state.DisplayName.ValueString()), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, newState)...)
}

// membersBeforeUpdate returns the group's members as Update must assume
// them: the recorded ones (current), or the group's own when they cannot
// be trusted to say what to change. With no members in state (Terraform
// starts managing them, or the group was imported) there is nothing to
// compare with. With planned members equal to the recorded ones (in
// practice a rename: Terraform skips an update whose unknown values turn
// out unchanged), a member user may have been replaced earlier in this
// apply, keeping its id while its removal dropped it from every group, so
// the recorded members are stale: NextGen always gives the re-created user
// the same id (docs/design/harness-api.md 1.4, 1.8), and FirstGen does when the user
// was deactivated rather than deleted (on_destroy = "deactivate" without
// PL_USER_DELETION_V2, 1.7; TestAccSCIMGroup_memberDeactivatedKeepsID).
// Neither generation can be ruled out, so this read is paid in both, in
// these cases only, making a rename GET + PATCH. ok is false when the read
// failed.
func membersBeforeUpdate(ctx context.Context, c *client.Client, state *scimGroupResourceModel, want, current []string,
	diags *diag.Diagnostics) ([]string, bool) {
	if !state.Members.IsNull() && !sameMembers(want, current) {
		return current, true
	}
	id := state.ID.ValueString()
	read, err := c.GetSCIMGroup(ctx, id)
	if err != nil {
		addAPIError(diags, "reading", "SCIM group", groupLabel(id, state.DisplayName.ValueString()), err)
		return nil, false
	}
	return read.MemberIDs(), true
}

func (r *scimGroupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimGroupResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	op := boundOperation(ctx, state.Timeouts, "delete", &resp.Diagnostics)
	defer op.done(&resp.Diagnostics, "SCIM group "+groupLabel(state.ID.ValueString(), state.DisplayName.ValueString()))
	ctx = op.ctx
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	err := c.DeleteSCIMGroup(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "SCIM group was already gone from Harness", map[string]any{"id": state.ID.ValueString()})
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "deleting", "SCIM group", fmt.Sprintf("%q (id %s)", state.DisplayName.ValueString(), state.ID.ValueString()), err)
	}
}

// ImportState accepts a group id or a display name: the id is tried first,
// then a search by exact display name. The refresh that follows records
// the members.
func (r *scimGroupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer scimGroupIdentity.afterImport(ctx, r.data, resp)
	if req.ID = scimGroupIdentity.importID(ctx, r.data, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if strings.TrimSpace(req.ID) == "" {
		resp.Diagnostics.AddError("Invalid import ID", "Import a harness_scim_group by its Harness group id or by its display_name.")
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	g, err := c.GetSCIMGroup(ctx, req.ID)
	if client.IsNotFound(err) {
		g, err = c.FindSCIMGroupByDisplayName(ctx, req.ID)
		if client.IsNotFound(err) {
			resp.Diagnostics.AddError("SCIM group not found",
				fmt.Sprintf("Harness has no group with id %q, and no SCIM group with that display_name. Display names match "+
					"exactly (case and spaces count), and Harness's SCIM search only finds groups created through SCIM.", req.ID))
			return
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "importing", "SCIM group", fmt.Sprintf("%q", req.ID), err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), g.ID)...)
}

// membersConfigured reports whether the configuration sets members, so that
// Terraform manages them. members is Optional+Computed: the plan holds the
// recorded members when the configuration omits them.
func membersConfigured(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) bool {
	var members types.List
	diags.Append(config.GetAttribute(ctx, path.Root("members"), &members)...)
	return !members.IsNull()
}

var _ resource.ResourceWithIdentity = (*scimGroupResource)(nil)

func (r *scimGroupResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimGroupIdentity.schema()
}
