package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ resource.Resource                   = (*scimDirectoryResource)(nil)
	_ resource.ResourceWithConfigure      = (*scimDirectoryResource)(nil)
	_ resource.ResourceWithImportState    = (*scimDirectoryResource)(nil)
	_ resource.ResourceWithIdentity       = (*scimDirectoryResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*scimDirectoryResource)(nil)
	_ resource.ResourceWithValidateConfig = (*scimDirectoryResource)(nil)
)

// NewSCIMDirectoryResource returns the harness_scim_directory resource.
func NewSCIMDirectoryResource() resource.Resource { return &scimDirectoryResource{} }

// scimDirectoryResource manages every SCIM user and group of an account as
// one resource (issue 12): plan, read and apply work on the whole directory
// in one pass, so Terraform core handles one object instead of thousands.
type scimDirectoryResource struct {
	data *providerData
}

func (r *scimDirectoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_directory"
}

func (r *scimDirectoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = scimDirectorySchema()
}

func (r *scimDirectoryResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = scimDirectoryIdentity.schema()
}

func (r *scimDirectoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// generation is the configured SCIM generation, or "" while unknown.
func (r *scimDirectoryResource) generation() client.Generation {
	if r.data == nil {
		return ""
	}
	return r.data.generation
}

// ValidateConfig warns about an exclusive directory without users, which
// plans the removal of every SCIM user. The generation rules need the
// provider's configuration and run in ModifyPlan.
func (r *scimDirectoryResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var exclusive types.Bool
	var users types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("exclusive"), &exclusive)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("users"), &users)...)
	if resp.Diagnostics.HasError() || !exclusive.ValueBool() || !users.IsNull() {
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("exclusive"), "exclusive directory without users",
		"exclusive = true and users is not set: every SCIM user of the account is planned for removal. Set users = {} "+
			"if that is what you mean, to silence this warning.")
}

func (r *scimDirectoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer scimDirectoryIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan scimDirectoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	run := newDirectoryApply(c, r.generation(), newDirectory(), directoryOf(&plan), &directoryPrivate{},
		plan.Exclusive.ValueBool(), plan.OnDestroy.ValueString())
	run.execute(ctx)
	if run.nothingDone() {
		// Nothing exists in Harness: no state, so nothing is tracked.
		run.report(&resp.Diagnostics, true)
		return
	}
	// Terraform taints a resource whose create reports an error, and
	// replacing a directory deletes every user in it. Failures of a create
	// are warnings: the state holds the plan, with no id for what failed,
	// and the next refresh drops what Harness does not have, so the next
	// plan shows it again.
	run.report(&resp.Diagnostics, false)
	state := plan
	state.ID = types.StringValue(c.AccountID())
	run.result(true).store(&state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	run.private.write(ctx, resp.Private, &resp.Diagnostics)
}

func (r *scimDirectoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer scimDirectoryIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan, prior scimDirectoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	run := newDirectoryApply(c, r.generation(), directoryOf(&prior), directoryOf(&plan), readDirectoryPrivate(ctx, req.Private),
		plan.Exclusive.ValueBool(), plan.OnDestroy.ValueString())
	run.execute(ctx)
	run.report(&resp.Diagnostics, true)
	state := plan
	state.ID = types.StringValue(c.AccountID())
	run.result(false).store(&state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	run.private.write(ctx, resp.Private, &resp.Diagnostics)
}

// Delete removes every user and group of the directory (groups first),
// except objects only an exclusive refresh listed while exclusive is off.
// What could not be removed stays in state, with an error per object.
func (r *scimDirectoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var prior scimDirectoryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	empty := newDirectory()
	empty.UsersNull, empty.GroupsNull = prior.Users.IsNull(), prior.Groups.IsNull()
	run := newDirectoryApply(c, r.generation(), directoryOf(&prior), empty, readDirectoryPrivate(ctx, req.Private),
		prior.Exclusive.ValueBool(), prior.OnDestroy.ValueString())
	run.execute(ctx)
	run.report(&resp.Diagnostics, true)
	if !resp.Diagnostics.HasError() {
		return
	}
	state := prior
	run.result(false).store(&state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// ImportState adopts the whole directory of an account: the id (or the
// identity's account_id, which defaults to the provider's) must be the
// provider's account. The refresh that follows lists every SCIM user and
// group into state.
func (r *scimDirectoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer scimDirectoryIdentity.afterImport(ctx, r.data, resp)
	c := r.data.apiClient(&resp.Diagnostics)
	if c == nil {
		return
	}
	account := strings.TrimSpace(scimDirectoryIdentity.importID(ctx, r.data, req, &resp.Diagnostics))
	if resp.Diagnostics.HasError() {
		return
	}
	if account == "" && req.ID == "" {
		account = c.AccountID() // an identity without account_id
	}
	if account != c.AccountID() {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("A harness_scim_directory is imported by the id of the account it manages, the provider's "+
				"account_id (%q); got %q. Configure a provider for that account to import it.", c.AccountID(), account))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), account)...)
	(&directoryPrivate{Importing: true}).write(ctx, resp.Private, &resp.Diagnostics)
}
