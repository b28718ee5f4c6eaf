package provider

import (
	"context"
	"fmt"
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
	_ resource.Resource                = (*serviceAccountResource)(nil)
	_ resource.ResourceWithConfigure   = (*serviceAccountResource)(nil)
	_ resource.ResourceWithImportState = (*serviceAccountResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*serviceAccountResource)(nil)
)

// NewServiceAccountResource returns the harness_service_account resource.
func NewServiceAccountResource() resource.Resource { return &serviceAccountResource{} }

// serviceAccountResource manages a NextGen service account (docs/design/harness-api.md 5).
type serviceAccountResource struct {
	data *providerData
}

type serviceAccountResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Identifier  types.String `tfsdk:"identifier"`
	Name        types.String `tfsdk:"name"`
	Email       emailValue   `tfsdk:"email"`
	Description types.String `tfsdk:"description"`
	Tags        types.Map    `tfsdk:"tags"`
	OrgID       types.String `tfsdk:"org_id"`
	ProjectID   types.String `tfsdk:"project_id"`
}

func (r *serviceAccountResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_service_account"
}

func (r *serviceAccountResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Harness NextGen service account: a non-human identity that owns `SERVICE_ACCOUNT` API " +
			"keys, whose tokens (`sat.`) are what an identity provider such as Microsoft Entra ID uses as its SCIM secret.\n\n" +
			"Give the service account the Harness roles SCIM needs (manage users and user groups) in the Harness UI or with " +
			"the official Harness provider; this resource manages only the account itself.\n\n" +
			"~> **Note:** Deleting a service account deletes its API keys and tokens in Harness. Changing `email` replaces the " +
			"service account: see `email` for keeping its keys and tokens in step.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<identifier>`, `<org_id>/<identifier>` or `<org_id>/<project_id>/<identifier>`, the " +
					"formats `terraform import` takes.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"identifier": identifierAttribute("service account"),
			"name":       nameAttribute("service account"),
			"email": schema.StringAttribute{
				Required:   true,
				CustomType: emailType{},
				MarkdownDescription: "Email address of the service account, for example `scim@service.harness.io`. Harness " +
					"cannot change it, so changing it replaces the service account, and Harness deletes its API keys and tokens " +
					"with it. Their `harness_api_key` and `harness_api_key_token` resources refer to the identifier, which stays, " +
					"so Terraform would re-create them only on the next apply: give them " +
					"`lifecycle { replace_triggered_by = [harness_service_account.<name>.email] }` to replace them in the same " +
					"apply. Refer to `email`, not to the whole resource, which would also replace them (and revoke the token " +
					"value) when the service account is only edited in place. Harness stores it lower-cased; differences in " +
					"case alone never cause a diff.",
				Validators:    []validator.String{emailValidator},
				PlanModifiers: []planmodifier.String{keepPriorCase{}, stringplanmodifier.RequiresReplace()},
			},
			"description": descriptionAttribute("service account"),
			"tags":        tagsAttribute("service account"),
			"org_id":      orgIDAttribute("service account"),
			"project_id":  projectIDAttribute("service account"),
		},
	}
}

func (r *serviceAccountResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan warns when a new email replaces the service account under the
// same identifier: Harness deletes the account's keys and tokens with it,
// but the resources that manage them refer to the unchanged identifier, so
// Terraform plans nothing for them and they are silently gone after the
// apply (a value in use stops working) until the next plan re-creates them.
func (r *serviceAccountResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return
	}
	var plan, state serviceAccountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || plan.Email.IsUnknown() || plan.Email.Equal(state.Email) ||
		!plan.Identifier.Equal(state.Identifier) {
		return
	}
	id := state.Identifier.ValueString()
	resp.Diagnostics.AddAttributeWarning(path.Root("email"), "Replacing service account "+id+" deletes its API keys and tokens",
		fmt.Sprintf("Harness cannot change a service account's email, so this plan replaces service account %s, and Harness "+
			"deletes its API keys and tokens together with it. harness_api_key and harness_api_key_token resources that belong "+
			"to it are not replaced by this plan unless they have lifecycle { replace_triggered_by = "+
			"[harness_service_account.<name>.email] }: without it they are gone after this apply (their token values stop "+
			"working) and only the next plan re-creates them. Refer to email rather than the whole service account, which "+
			"would also replace them when the account is only edited.", id))
}

func (m *serviceAccountResourceModel) scope() client.Scope { return scopeOf(m.OrgID, m.ProjectID) }

func (m *serviceAccountResourceModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *client.ServiceAccount {
	sc := m.scope()
	return &client.ServiceAccount{
		// Harness lower-cases the email and refuses an update whose email
		// differs from the stored one in any way (ServiceAccountDTOMapper,
		// ServiceAccountServiceImpl.validateUpdateServiceAccountRequest).
		Identifier: m.Identifier.ValueString(), Name: m.Name.ValueString(), Email: strings.ToLower(m.Email.ValueString()),
		Description: m.Description.ValueString(), Tags: tagsFromModel(ctx, m.Tags, diags),
		OrgIdentifier: sc.Org, ProjectIdentifier: sc.Project,
	}
}

// applyAPI copies what Harness reported into the model.
func (m *serviceAccountResourceModel) applyAPI(sa *client.ServiceAccount) {
	m.Identifier = types.StringValue(sa.Identifier)
	m.Name = types.StringValue(sa.Name)
	m.Email = newEmailValue(sa.Email)
	m.Description = types.StringValue(sa.Description)
	m.Tags = tagsToModel(sa.Tags)
	m.OrgID = stringOrNull(sa.OrgIdentifier)
	m.ProjectID = stringOrNull(sa.ProjectIdentifier)
	m.ID = types.StringValue(joinID(sa.OrgIdentifier, sa.ProjectIdentifier, sa.Identifier))
}

func (r *serviceAccountResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer serviceAccountIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan serviceAccountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	body := plan.toAPI(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	sa, err := c.CreateServiceAccount(ctx, body)
	if client.IsConflict(err) {
		addAlreadyExists(&resp.Diagnostics, importTarget{typeName: "harness_service_account", object: "service account",
			label: fmt.Sprintf("%q (%s)", body.Identifier, body.Scope()), id: joinID(body.OrgIdentifier, body.ProjectIdentifier, body.Identifier),
			attr: path.Root("identifier"), extra: " Identifiers are compared case-insensitively. Harness gives the same " +
				"answer for the identifier of a deleted service account, which cannot be imported: then choose another identifier."}, err)
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "creating", "service account", body.Identifier, err)
		return
	}
	plan.applyAPI(sa)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *serviceAccountResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer serviceAccountIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var state serviceAccountResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_service_account "+state.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.Identifier.ValueString()
	sa, err := r.data.readServiceAccount(ctx, c, state.scope(), id)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "service account no longer exists in Harness; removing it from state", map[string]any{"identifier": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "reading", "service account", id, err)
		return
	}
	state.applyAPI(sa)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *serviceAccountResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer serviceAccountIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan serviceAccountResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	body := plan.toAPI(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	sa, err := c.UpdateServiceAccount(ctx, body)
	if client.IsNotFound(err) {
		addGoneError(&resp.Diagnostics, "Service account", body.Identifier)
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "updating", "service account", body.Identifier, err)
		return
	}
	plan.applyAPI(sa)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *serviceAccountResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state serviceAccountResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.Identifier.ValueString()
	err := c.DeleteServiceAccount(ctx, state.scope(), id)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "service account was already gone from Harness", map[string]any{"identifier": id})
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "deleting", "service account", id, err)
	}
}

// ImportState takes the official provider's formats: `<identifier>`,
// `<org_id>/<identifier>` and `<org_id>/<project_id>/<identifier>`.
func (r *serviceAccountResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer serviceAccountIdentity.afterImport(ctx, r.data, resp)
	if req.ID = serviceAccountIdentity.importID(ctx, r.data, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// Importing reads the object, so the provider must be able to call
	// Harness now (the refresh that follows would otherwise be deferred).
	if r.data.apiClient(&resp.Diagnostics) == nil {
		return
	}
	parts := strings.Split(strings.TrimSpace(req.ID), "/")
	var org, project string
	switch len(parts) {
	case 1:
	case 2:
		org = parts[0]
	case 3:
		org, project = parts[0], parts[1]
	default:
		parts = nil
	}
	if parts == nil || slicesHasEmpty(parts) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a harness_service_account as <identifier>, <org_id>/<identifier> or "+
				"<org_id>/<project_id>/<identifier>; got %q.", req.ID))
		return
	}
	identifier := parts[len(parts)-1]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("identifier"), identifier)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), stringOrNull(org))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), stringOrNull(project))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), joinID(org, project, identifier))...)
}

var _ resource.ResourceWithIdentity = (*serviceAccountResource)(nil)

func (r *serviceAccountResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = serviceAccountIdentity.schema()
}
