package provider

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ resource.Resource                = (*scimUserResource)(nil)
	_ resource.ResourceWithConfigure   = (*scimUserResource)(nil)
	_ resource.ResourceWithImportState = (*scimUserResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*scimUserResource)(nil)
)

// Values of on_destroy.
const (
	onDestroyDelete     = "delete"
	onDestroyDeactivate = "deactivate"
)

// NewSCIMUserResource returns the harness_scim_user resource.
func NewSCIMUserResource() resource.Resource { return &scimUserResource{} }

// scimUserResource manages a user through Harness's SCIM Users endpoint.
type scimUserResource struct {
	data *providerData
}

func (r *scimUserResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

// scimUserResourceDescription is the text of the page.
const scimUserResourceDescription = "A Harness user managed through Harness's SCIM 2.0 API, the same API Microsoft Entra ID, Okta " +
	"and OneLogin provision through.\n\n" +
	"Creating a user whose email Harness already knows **adopts** that user: Harness's SCIM `POST` is idempotent " +
	"by email and answers with the existing user, so no duplicate is made and the resource takes it over.\n\n" +
	"~> **Note:** If an identity provider also provisions this user, its next sync (about every 40 minutes for " +
	"Entra ID) can undo changes made here and vice versa; manage each user from one place."

func (r *scimUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := scimUserIdentityAttributes()
	maps.Copy(attrs, scimUserNameAttributes())
	maps.Copy(attrs, scimUserLifecycleAttributes())
	resp.Schema = schema.Schema{MarkdownDescription: scimUserResourceDescription, Attributes: attrs}
}

// scimUserIdentityAttributes are the user's id, email and display name.
func scimUserIdentityAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Harness user id (22 characters).",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"user_name": schema.StringAttribute{
			Required:   true,
			CustomType: emailType{},
			MarkdownDescription: "The user's email address, which Harness uses as login and email. Harness stores it " +
				"lower-cased; differences in case alone never cause a diff. Changing it changes the user's email in place. " +
				"It must be an email address: Harness FirstGen refuses anything else, and Harness NextGen, which accepts " +
				"any non-empty `userName`, would store it as the user's email, leaving a user who gets no mail and can " +
				"sign in only through an SSO login whose name ID is exactly that string, so a value that is not an email " +
				"is a plan-time error with either generation.",
			Validators:    []validator.String{userNameValidator},
			PlanModifiers: []planmodifier.String{keepPriorCase{}},
		},
		"display_name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The user's name as Harness shows it: one line of at most 256 characters, without control " +
				"or text-direction characters.",
			Validators: []validator.String{notBlankValidator, scimTextValidator},
		},
	}
}

// scimUserNameAttributes are the given and family names, which change in
// place, and the external id, which NextGen keeps from creation.
func scimUserNameAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"given_name": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Given name. Set it together with `family_name` (either alone is a plan-time error: " +
				"Harness fails a request with a given name but no family name, and ignores a family name sent without a " +
				"given name); when both are omitted Harness uses `display_name` for both. Changing it updates the user in " +
				"place with both generations (Harness NextGen passes a SCIM `PUT` on to its FirstGen user service, which " +
				"sets the names). Harness only reports it with PL_NEW_SCIM_STANDARDS on (or in FirstGen), so otherwise " +
				"out-of-band changes to it are not detected.",
			Validators:    []validator.String{notBlankValidator, scimTextValidator},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"family_name": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Family name. Set it together with `given_name`; behaves like `given_name`.",
			Validators:          []validator.String{notBlankValidator, scimTextValidator},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"external_id": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Identifier of the user in the identity provider (SCIM `externalId`). Harness NextGen " +
				"stores it only when the user is created, so changing it **replaces** the user. Harness FirstGen discards " +
				"it, so setting it with `scim_generation = \"firstgen\"` is an error. When omitted, Harness's value (for " +
				"example one set by Entra ID) is kept.",
			Validators:    []validator.String{notBlankValidator, scimTextValidator},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
}

// scimUserLifecycleAttributes say whether the user may sign in and what destroy does.
func scimUserLifecycleAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"active": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
			MarkdownDescription: "Whether the user may sign in. Defaults to `true`; a user deactivated outside Terraform " +
				"shows as a change back to `true`. `false` is only allowed with `scim_generation = \"firstgen\"`: Harness " +
				"NextGen removes a deactivated user from the account, so there is no inactive user to manage (use " +
				"`on_destroy = \"deactivate\"` instead).",
		},
		"on_destroy": schema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(onDestroyDelete),
			MarkdownDescription: "What `terraform destroy` does: `delete` (default) sends SCIM `DELETE`; `deactivate` " +
				"sends `PATCH active=false`, as Entra ID does when a user is unassigned. In NextGen both remove the user " +
				"from the account (Harness keeps the person, so re-creating brings back the same id); in FirstGen " +
				"`deactivate` keeps the user, disabled, unless the account has PL_USER_DELETION_V2.",
			Validators: []validator.String{stringvalidator.OneOf(onDestroyDelete, onDestroyDeactivate)},
		},
	}
}

func (r *scimUserResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// generation is the configured SCIM generation, or "" while unknown.
func (r *scimUserResource) generation() client.Generation {
	if r.data == nil {
		return ""
	}
	return r.data.generation
}

// ModifyPlan refuses what the configured Harness generation cannot store
// and plans a replacement for the change NextGen ignores, externalId
// (docs/design/harness-api.md 1.3, 1.7, 1.8). Given and family names change in place:
// NextGen's PUT runs FirstGen's through CG, which sets them
// (NGScimUserServiceImpl.updateUser, harness-core 1dcec145, 120-ng-manager
// lines 278-291 -> NgUserServiceImpl.updateScimUser -> UserResourceNG PUT
// ng/user/scim -> ScimUserServiceImpl.updateUser, 400-rest lines 431-445),
// and its answer reads them back (getUserInternal), so the change
// converges. The provider always sends active=true there, so the CG update
// runs with PL_USER_DELETION_V2 on or off.
func (r *scimUserResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config scimUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.warnSharedUser(plan.UserName, &resp.Diagnostics)
	var state *userPlanFields
	if !req.State.Raw.IsNull() {
		var prior scimUserResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
		state = prior.planFields()
	}
	for _, name := range checkUserPlan(r.generation(), "", config.planFields(), plan.planFields(), state, path.Root, &resp.Diagnostics) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
	}
}

// keepConfigured makes the result of an apply agree with the configuration
// where Harness kept a different value (an adopted user whose names
// NextGen's POST does not update when its display name and email are
// unchanged: shouldUpdateUser), warning that the next plan will show the
// difference.
func keepConfigured(diags *diag.Diagnostics, user string, pairs ...plannedString) {
	for _, p := range pairs {
		if p.planned.IsUnknown() || p.planned.IsNull() || p.planned.Equal(*p.got) {
			continue
		}
		diags.AddAttributeWarning(path.Root(p.name), "Harness kept a different "+p.name,
			fmt.Sprintf("Harness already had user %s and kept %s = %s instead of %s. Terraform records the configured value. "+
				"Where Harness reports %s, the next plan shows the difference and how Harness can apply it (NextGen can only "+
				"change externalId by replacing the user).", user, p.name, p.got.String(), p.planned.String(), p.name))
		*p.got = p.planned
	}
}

func (r *scimUserResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimUserIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan scimUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.UserName.ValueString()
	body := plan.toAPI()
	active := *body.Active
	body.Active = nil // Harness ignores active on POST and always activates.
	u, err := c.CreateSCIMUser(ctx, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, "creating", "SCIM user", name, err)
		return
	}
	if other, clash := r.data.userHolders().noteHeld(u.ID, name); clash {
		// Not saved: the other resource holds the user.
		resp.Diagnostics.AddAttributeError(path.Root("user_name"), "Two harness_scim_user resources are one Harness user",
			sharedUserDetail(name, other, u.ID)+" Terraform did not record this resource, so nothing is managed twice.")
		return
	}
	tflog.Debug(ctx, "created SCIM user", map[string]any{"id": u.ID})
	if !active {
		// FirstGen only (ModifyPlan refuses this for NextGen).
		got, err := c.PatchSCIMUser(ctx, u.ID, client.SCIMPatchOp{Op: "replace", Path: "active", Value: false})
		if err == nil && got == nil {
			got, err = c.GetSCIMUser(ctx, u.ID)
		}
		if err != nil {
			r.saveCreated(ctx, resp, plan, u)
			addAPIError(&resp.Diagnostics, "deactivating", "SCIM user", name, err)
			return
		}
		u = got
	}
	r.saveCreated(ctx, resp, plan, u)
}

// saveCreated writes the state of a created user, so that a later failure
// in Create still leaves the user tracked (and tainted) rather than orphaned.
func (r *scimUserResource) saveCreated(ctx context.Context, resp *resource.CreateResponse, plan scimUserResourceModel, u *client.SCIMUser) {
	state := plan
	state.applyAPI(u, r.generation())
	keepConfigured(&resp.Diagnostics, plan.UserName.ValueString(),
		namedString("given_name", plan.GivenName, &state.GivenName),
		namedString("family_name", plan.FamilyName, &state.FamilyName),
		namedString("external_id", plan.ExternalID, &state.ExternalID),
		namedString("display_name", plan.DisplayName, &state.DisplayName),
	)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *scimUserResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimUserIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var state scimUserResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_scim_user "+state.UserName.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := r.data.readSCIMUser(ctx, c, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Info(ctx, "SCIM user no longer exists in Harness; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "SCIM user", state.ID.ValueString(), err)
		return
	}
	state.applyAPI(u, r.generation())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *scimUserResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimUserIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan, state scimUserResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if !userChangesHarness(plan, state) {
		// Only on_destroy or the case of user_name changed: nothing to send.
		plan.ID = state.ID
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	u, err := c.ReplaceSCIMUser(ctx, id, plan.toAPI())
	if err == nil && u == nil {
		// PUT with active=false answers an empty body (FirstGen only here).
		u, err = c.GetSCIMUser(ctx, id)
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "updating", "SCIM user", plan.UserName.ValueString(), err)
		return
	}
	newState := plan
	newState.applyAPI(u, r.generation())
	keepConfigured(&resp.Diagnostics, plan.UserName.ValueString(),
		namedString("given_name", plan.GivenName, &newState.GivenName),
		namedString("family_name", plan.FamilyName, &newState.FamilyName),
		namedString("display_name", plan.DisplayName, &newState.DisplayName),
	)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// userChangesHarness reports whether a plan changes anything Harness stores.
func userChangesHarness(plan, state scimUserResourceModel) bool {
	return !strings.EqualFold(plan.UserName.ValueString(), state.UserName.ValueString()) ||
		!plan.DisplayName.Equal(state.DisplayName) ||
		!plan.GivenName.Equal(state.GivenName) ||
		!plan.FamilyName.Equal(state.FamilyName) ||
		!plan.Active.Equal(state.Active)
}

func (r *scimUserResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimUserResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var err error
	if state.OnDestroy.ValueString() == onDestroyDeactivate {
		_, err = c.PatchSCIMUser(ctx, id, client.SCIMPatchOp{Op: "replace", Path: "active", Value: false})
	} else {
		err = c.DeleteSCIMUser(ctx, id)
	}
	if client.IsNotFound(err) {
		tflog.Info(ctx, "SCIM user was already gone from Harness", map[string]any{"id": id})
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "deleting", "SCIM user", state.UserName.ValueString(), err)
	}
}

// ImportState accepts a Harness user id or a user_name (email). Harness only
// finds users by user_name that were created or updated through SCIM.
func (r *scimUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer scimUserIdentity.afterImport(ctx, r.data, resp)
	if req.ID = scimUserIdentity.importID(ctx, r.data, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// Importing reads the object, so the provider must be able to call
	// Harness now (the refresh that follows would otherwise be deferred).
	c := r.data.apiClient(&resp.Diagnostics)
	if c == nil {
		return
	}
	id := strings.TrimSpace(req.ID)
	if strings.Contains(id, "@") {
		u, err := c.FindSCIMUserByUserName(ctx, id)
		if client.IsNotFound(err) {
			resp.Diagnostics.AddError("SCIM user not found",
				fmt.Sprintf("Harness has no SCIM user with user_name %q. Harness's SCIM search only finds users that were "+
					"created or updated through SCIM; import a user invited in the Harness UI by its id instead.", id))
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, "importing", "SCIM user", id, err)
			return
		}
		id = u.ID
	}
	if id == "" {
		resp.Diagnostics.AddError("Invalid import ID", "Import a harness_scim_user by its Harness user id or by its user_name (email).")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// plannedString pairs a planned value with the value about to be saved.
type plannedString struct {
	name    string
	planned types.String
	got     *types.String
}

func namedString(name string, planned types.String, got *types.String) plannedString {
	return plannedString{name: name, planned: planned, got: got}
}

// warnSharedUser warns when another harness_scim_user of this provider
// configuration plans a user_name that differs from this one only in case
// (see userHolders). Create refuses the second of them; a plan-time error
// would block the destroy of the configuration.
func (r *scimUserResource) warnSharedUser(userName emailValue, diags *diag.Diagnostics) {
	if userName.IsNull() || userName.IsUnknown() || r.data == nil {
		return
	}
	name := userName.ValueString()
	if other := r.data.userHolders().notePlanned(name); other != "" {
		diags.AddAttributeWarning(path.Root("user_name"), "Two harness_scim_user resources are one Harness user",
			sharedUserDetail(name, other, "")+" Creating the second one fails.")
	}
}

// sharedUserDetail explains two resources that are one Harness user.
func sharedUserDetail(name, other, id string) string {
	user := "one Harness user"
	if id != "" {
		user = "one Harness user (id " + id + ")"
	}
	return fmt.Sprintf("This harness_scim_user (user_name %q) and another of this configuration (user_name %q) are %s: "+
		"Harness compares emails case-insensitively, and its SCIM create answers with the user it already has. Both "+
		"would manage it, and each plan would change display_name back and forth. Remove one of them, or give them "+
		"different emails.", name, other, user)
}

var _ resource.ResourceWithIdentity = (*scimUserResource)(nil)

func (r *scimUserResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimUserIdentity.schema()
}

var _ resource.ResourceWithValidateConfig = (*scimUserResource)(nil)

// ValidateConfig requires given_name and family_name together.
func (r *scimUserResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var given, family types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("given_name"), &given)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("family_name"), &family)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkUserNames("", given, family, path.Root, &resp.Diagnostics)
}
