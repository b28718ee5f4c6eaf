package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ resource.Resource                   = (*apiKeyResource)(nil)
	_ resource.ResourceWithConfigure      = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState    = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*apiKeyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*apiKeyResource)(nil)
)

// NewAPIKeyResource returns the harness_api_key resource.
func NewAPIKeyResource() resource.Resource { return &apiKeyResource{} }

// apiKeyResource manages a NextGen API key (docs/design/harness-api.md 3).
type apiKeyResource struct {
	data *providerData
}

type apiKeyResourceModel struct {
	ID                       types.String `tfsdk:"id"`
	Identifier               types.String `tfsdk:"identifier"`
	Name                     types.String `tfsdk:"name"`
	Description              types.String `tfsdk:"description"`
	Tags                     types.Map    `tfsdk:"tags"`
	APIKeyType               types.String `tfsdk:"apikey_type"`
	ParentID                 types.String `tfsdk:"parent_id"`
	OrgID                    types.String `tfsdk:"org_id"`
	ProjectID                types.String `tfsdk:"project_id"`
	DefaultTimeToExpireToken types.Int64  `tfsdk:"default_time_to_expire_token"`
}

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Harness NextGen API key. Tokens (`harness_api_key_token`) are issued under a key; a key " +
			"itself holds no secret.\n\n" +
			"A key deleted outside Terraform is noticed on refresh and planned for creation again (the official provider " +
			"fails instead). Import accepts the official provider's ID formats, so existing keys can move over.\n\n" +
			"~> **Note:** Harness allows at most 5 API keys per service account or user, and deleting a key deletes its tokens.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<parent_id>/<identifier>/<apikey_type>`, prefixed with `<org_id>/` or " +
					"`<org_id>/<project_id>/` for keys in an organization or project: the official provider's import format.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"identifier":  identifierAttribute("API key"),
			"name":        nameAttribute("API key"),
			"description": descriptionAttribute("API key"),
			"tags":        tagsAttribute("API key"),
			"apikey_type": apiKeyTypeAttribute("API key"),
			"parent_id":   parentIDAttribute("API key"),
			"org_id":      orgIDAttribute("API key"),
			"project_id":  projectIDAttribute("API key"),
			"default_time_to_expire_token": schema.Int64Attribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Lifetime in **milliseconds** of tokens created under this key without an explicit " +
					"`valid_to` (the official provider's name and unit). When omitted Harness uses 2592000000 (30 days) and " +
					"Terraform records that value without showing a difference on later plans; removing the attribute from " +
					"the configuration keeps the current value.",
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses personal keys outside account scope, which Harness
// documents as unsupported (docs/design/harness-api.md 3.2).
func (r *apiKeyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg apiKeyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validatePersonalKeyScope(&resp.Diagnostics, cfg.APIKeyType, cfg.OrgID)
}

// ModifyPlan changes nothing in the plan. It records the key for the
// harness_api_key_token ephemeral resource, which Terraform may open in
// the same plan before the key exists (see plannedKeys).
func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, _ *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan apiKeyResourceModel
	if diags := req.Plan.Get(ctx, &plan); diags.HasError() {
		return
	}
	for _, v := range []types.String{plan.Identifier, plan.APIKeyType, plan.ParentID, plan.OrgID, plan.ProjectID} {
		if v.IsUnknown() {
			// A token referring to this key has an unknown apikey_id or
			// scope too, and Terraform opens it only during apply.
			return
		}
	}
	r.data.plannedKeys().notePlanned(plan.ref())
}

func (m *apiKeyResourceModel) ref() client.APIKeyRef {
	return client.APIKeyRef{
		Scope: scopeOf(m.OrgID, m.ProjectID), Type: client.APIKeyType(m.APIKeyType.ValueString()),
		Parent: m.ParentID.ValueString(), Identifier: m.Identifier.ValueString(),
	}
}

func (m *apiKeyResourceModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *client.APIKey {
	ref := m.ref()
	k := &client.APIKey{
		Identifier: ref.Identifier, Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		Tags: tagsFromModel(ctx, m.Tags, diags), APIKeyType: ref.Type, ParentIdentifier: ref.Parent,
		OrgIdentifier: ref.Scope.Org, ProjectIdentifier: ref.Scope.Project,
	}
	if !m.DefaultTimeToExpireToken.IsNull() && !m.DefaultTimeToExpireToken.IsUnknown() {
		k.DefaultTimeToExpireToken = m.DefaultTimeToExpireToken.ValueInt64()
	}
	return k
}

func (m *apiKeyResourceModel) applyAPI(k *client.APIKey) {
	m.Identifier = types.StringValue(k.Identifier)
	m.Name = types.StringValue(k.Name)
	m.Description = types.StringValue(k.Description)
	m.Tags = tagsToModel(k.Tags)
	m.APIKeyType = types.StringValue(string(k.APIKeyType))
	m.ParentID = types.StringValue(k.ParentIdentifier)
	m.OrgID = stringOrNull(k.OrgIdentifier)
	m.ProjectID = stringOrNull(k.ProjectIdentifier)
	ttl := k.DefaultTimeToExpireToken
	if ttl == 0 {
		ttl = client.DefaultTimeToExpireToken
	}
	m.DefaultTimeToExpireToken = types.Int64Value(ttl)
	m.ID = types.StringValue(apiKeyID(k.Ref()))
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer apiKeyIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	body := plan.toAPI(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	k, err := c.CreateAPIKey(ctx, body)
	if client.IsConflict(err) {
		addAlreadyExists(&resp.Diagnostics, importTarget{typeName: "harness_api_key", object: "API key",
			label: body.Ref().String(), id: apiKeyID(body.Ref()), attr: path.Root("identifier"),
			extra: " Identifiers are compared case-insensitively."}, err)
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "creating", "API key", body.Ref().String(), err)
		return
	}
	r.data.plannedKeys().noteCreated(k.Ref())
	plan.applyAPI(k)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Read maps Harness's "doesn't exist in scope" answer to a removal, so a
// key deleted outside Terraform is planned for creation (docs/design/harness-api.md
// 7.3 is the official provider's failure here).
func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer apiKeyIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_api_key "+state.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ref := state.ref()
	k, err := c.GetAPIKey(ctx, ref)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "API key no longer exists in Harness; removing it from state", map[string]any{"api_key": ref.String()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "reading", "API key", ref.String(), err)
		return
	}
	state.applyAPI(k)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer apiKeyIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan apiKeyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	body := plan.toAPI(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	k, err := c.UpdateAPIKey(ctx, body)
	if client.IsNotFound(err) {
		addGoneError(&resp.Diagnostics, "API key", body.Ref().String())
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "updating", "API key", body.Ref().String(), err)
		return
	}
	plan.applyAPI(k)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ref := state.ref()
	err := c.DeleteAPIKey(ctx, ref)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "API key was already gone from Harness", map[string]any{"api_key": ref.String()})
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "deleting", "API key", ref.String(), err)
	}
}

func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer apiKeyIdentity.afterImport(ctx, r.data, resp)
	if req.ID = apiKeyIdentity.importID(ctx, r.data, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// Importing reads the object, so the provider must be able to call
	// Harness now (the refresh that follows would otherwise be deferred).
	if r.data.apiClient(&resp.Diagnostics) == nil {
		return
	}
	ref, _, err := parseKeyImportID(req.ID, 0)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a harness_api_key as <parent_id>/<apikey_id>/<apikey_type>, "+
				"<org_id>/<parent_id>/<apikey_id>/<apikey_type> or <org_id>/<project_id>/<parent_id>/<apikey_id>/<apikey_type> "+
				"(the official Harness provider's formats); %q: %s.", req.ID, err))
		return
	}
	setKeyRefAttributes(ctx, resp, ref, "identifier")
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), apiKeyID(ref))...)
}

var _ resource.ResourceWithIdentity = (*apiKeyResource)(nil)

func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = apiKeyIdentity.schema()
}
