package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ ephemeral.EphemeralResource                   = (*apiKeyTokenEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithConfigure      = (*apiKeyTokenEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithClose          = (*apiKeyTokenEphemeral)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*apiKeyTokenEphemeral)(nil)
)

// defaultEphemeralLifetime bounds a short-lived token in case Close never
// runs (Terraform killed mid-run): Harness then deletes it on expiry.
const defaultEphemeralLifetime = "1h"

// NewAPIKeyTokenEphemeralResource returns the harness_api_key_token
// ephemeral resource.
func NewAPIKeyTokenEphemeralResource() ephemeral.EphemeralResource { return &apiKeyTokenEphemeral{} }

// apiKeyTokenEphemeral opens a short-lived token for one Terraform run and
// deletes it when Terraform closes it; the value never reaches plan or state.
type apiKeyTokenEphemeral struct {
	data *providerData
}

type apiKeyTokenEphemeralModel struct {
	APIKeyID    types.String `tfsdk:"apikey_id"`
	APIKeyType  types.String `tfsdk:"apikey_type"`
	ParentID    types.String `tfsdk:"parent_id"`
	OrgID       types.String `tfsdk:"org_id"`
	ProjectID   types.String `tfsdk:"project_id"`
	Identifier  types.String `tfsdk:"identifier"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Lifetime    types.String `tfsdk:"lifetime"`
	ValidTo     types.String `tfsdk:"valid_to"`
	Value       types.String `tfsdk:"value"`
}

// ephemeralTokenRef is what Close needs, kept in private data.
type ephemeralTokenRef struct {
	Org        string `json:"org,omitempty"`
	Project    string `json:"project,omitempty"`
	Type       string `json:"type"`
	Parent     string `json:"parent"`
	APIKey     string `json:"apikey"`
	Identifier string `json:"identifier"`
}

const privateEphemeralToken = "token"

func (e *apiKeyTokenEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key_token"
}

// ephemeralTokenDescription is the text of the page.
const ephemeralTokenDescription = "Opens a short-lived Harness token under an existing API key for the duration of one Terraform " +
	"run, and deletes it when the run ends. Its `value` can be passed to other providers (for example as another " +
	"provider block's `api_key`) without ever being written to the plan or the state. Needs Terraform 1.10 or newer.\n\n" +
	"Each Terraform command that needs the value (plan, apply) opens its own token, so the key needs a free token " +
	"slot (Harness allows 5 per key). When the API key is created in the same configuration (by a `harness_api_key` of " +
	"the same provider block, referred to in `apikey_id`), the value is unknown while planning and the token is opened " +
	"during apply, after the key exists. Any other missing key is an error naming it."

func (e *apiKeyTokenEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	attrs := ephemeralTokenKeyAttributes()
	maps.Copy(attrs, ephemeralTokenAttributes())
	resp.Schema = schema.Schema{MarkdownDescription: ephemeralTokenDescription, Attributes: attrs}
}

// ephemeralTokenKeyAttributes name the API key the token is opened under.
func ephemeralTokenKeyAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"apikey_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Identifier of the API key to open the token under, best a reference such as " +
				"`harness_api_key.<name>.identifier`. The key must exist or be created by this configuration.",
			Validators: []validator.String{identifierValidator},
		},
		"apikey_type": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Type of the API key: `SERVICE_ACCOUNT` or `USER`.",
			Validators:          []validator.String{stringvalidator.OneOf(string(client.APIKeyTypeServiceAccount), string(client.APIKeyTypeUser))},
		},
		"parent_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Owner of the API key: the service account's identifier, or the user id of a personal key.",
			Validators:          []validator.String{notBlankValidator},
		},
		"org_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Organization of the API key; omit for account scope.",
			Validators:          []validator.String{identifierValidator},
		},
		"project_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Project of the API key; needs `org_id`.",
			Validators:          []validator.String{identifierValidator, stringvalidator.AlsoRequires(path.MatchRoot("org_id"))},
		},
	}
}

// ephemeralTokenAttributes describe the short-lived token and its value.
func ephemeralTokenAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"identifier": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Identifier of the token. Defaults to a random `tf_ephemeral_…` identifier, which " +
				"lets several runs hold tokens at the same time.",
			Validators: []validator.String{identifierValidator},
		},
		"name": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Display name of the token: 1 to 128 characters, only letters, digits, spaces, `-`, `_`, " +
				"`.` and `/` (Harness's rule for names). Defaults to the identifier.",
			Validators: []validator.String{harnessNameValidator},
		},
		"description": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Description of the token, at most 1024 characters. Defaults to a note saying Terraform opened it.",
			Validators:          []validator.String{stringvalidator.LengthAtMost(1024)},
		},
		"lifetime": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "How long the token works, as a Go duration, at least `\"10m\"`. Defaults to `\"" +
				defaultEphemeralLifetime + "\"`. Terraform deletes the token when it is done with it; the lifetime only matters " +
				"if that never happens, or if the command runs longer.",
			Validators: []validator.String{atLeastDuration(minEphemeralTokenLifetime, "the value must outlive the first "+
				"calls made with it, and each may take operation_timeout (5 minutes by default)")},
		},
		"valid_to": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "When the token stops working, as an RFC 3339 time.",
		},
		"value": schema.StringAttribute{
			Computed:            true,
			Sensitive:           true,
			MarkdownDescription: "The token value, `<sat|pat>.<account>.<token id>.<secret>`.",
		},
	}
}

func (e *apiKeyTokenEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *apiKeyTokenEphemeral) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var cfg apiKeyTokenEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validatePersonalKeyScope(&resp.Diagnostics, cfg.APIKeyType, cfg.OrgID)
}

// randomIdentifier is a valid Harness identifier unlikely to collide.
func randomIdentifier(prefix string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

func (e *apiKeyTokenEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m apiKeyTokenEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	c := e.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	m.applyDefaults()
	lifetime, _ := knownDuration(m.Lifetime)
	validTo := e.data.clock().Add(lifetime)
	tok := client.Token{
		Identifier: m.Identifier.ValueString(), Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		ValidTo: validTo.UnixMilli(),
	}
	key := client.APIKeyRef{
		Scope: scopeOf(m.OrgID, m.ProjectID), Type: client.APIKeyType(m.APIKeyType.ValueString()),
		Parent: m.ParentID.ValueString(), Identifier: m.APIKeyID.ValueString(),
	}
	tok.SetKey(key)
	switch e.checkKey(ctx, c, key, &resp.Diagnostics) {
	case keyMissing:
		return
	case keyNotYetCreated:
		m.ValidTo, m.Value = types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
		return
	}
	secret, err := c.CreateToken(ctx, &tok)
	if err != nil {
		addNGError(&resp.Diagnostics, "opening", "short-lived token", fmt.Sprintf("%q of API key %s", tok.Identifier, tok.KeyRef()), err)
		return
	}
	priv, err := json.Marshal(ephemeralTokenRef{
		Org: tok.OrgIdentifier, Project: tok.ProjectIdentifier, Type: string(tok.APIKeyType), Parent: tok.ParentIdentifier,
		APIKey: tok.APIKeyIdentifier, Identifier: tok.Identifier,
	})
	if err == nil {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateEphemeralToken, priv)...)
	}
	m.ValidTo = types.StringValue(time.UnixMilli(tok.ValidTo).UTC().Format(time.RFC3339Nano))
	m.Value = types.StringValue(secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// applyDefaults fills in the optional attributes left out.
func (m *apiKeyTokenEphemeralModel) applyDefaults() {
	if m.Identifier.IsNull() {
		m.Identifier = types.StringValue(randomIdentifier("tf_ephemeral_"))
	}
	if m.Name.IsNull() {
		m.Name = m.Identifier
	}
	if m.Description.IsNull() {
		m.Description = types.StringValue("Short-lived token opened by Terraform; deleted when the run ends.")
	}
	if m.Lifetime.IsNull() {
		m.Lifetime = types.StringValue(defaultEphemeralLifetime)
	}
}

// keyCheck is what Open learns about the API key of the token.
type keyCheck int

const (
	keyFound         keyCheck = iota
	keyNotYetCreated          // missing, but this provider instance plans to create it
	keyMissing                // missing, or unreadable: an error was added
)

// checkKey checks that the API key exists. Harness would quietly create a
// missing key, as "<id>_auto", for the token (docs/design/harness-api.md 4), so the
// key is checked first. Terraform opens ephemeral resources while planning
// too, before a key created in the same configuration exists (depends_on
// does not delay it): when this provider instance planned that key, the
// value stays unknown, which defers whatever uses it to the apply, where
// the key is created first. Any other missing key is an error now, naming
// the key, rather than an unknown value that its consumer would reject
// after apply.
func (e *apiKeyTokenEphemeral) checkKey(ctx context.Context, c *client.Client, key client.APIKeyRef, diags *diag.Diagnostics) keyCheck {
	_, err := c.GetAPIKey(ctx, key)
	switch {
	case err == nil:
		return keyFound
	case !client.IsNotFound(err):
		addNGError(diags, "reading", "API key", key.String(), err)
		return keyMissing
	case e.data.plannedKeys().plannedNotCreated(key):
		tflog.Info(ctx, "API key is planned for creation and does not exist yet; the short-lived token is opened during apply",
			map[string]any{"api_key": key.String()})
		return keyNotYetCreated
	}
	diags.AddAttributeError(path.Root("apikey_id"), "API key not found",
		fmt.Sprintf("The short-lived token would be opened under API key %s, which does not exist in Harness, and no "+
			"harness_api_key of this provider configuration creates it. Check apikey_id, apikey_type, parent_id, org_id "+
			"and project_id. If the key is created in this configuration, refer to it (apikey_id = "+
			"harness_api_key.<name>.identifier) so that Terraform creates it before opening the token.", key))
	return keyMissing
}

// Close deletes the token Open created.
func (e *apiKeyTokenEphemeral) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateEphemeralToken)
	resp.Diagnostics.Append(diags...)
	if len(raw) == 0 || resp.Diagnostics.HasError() {
		return
	}
	var ref ephemeralTokenRef
	if err := json.Unmarshal(raw, &ref); err != nil {
		resp.Diagnostics.AddError("Cannot close short-lived token",
			"The private data of the harness_api_key_token ephemeral resource is unreadable: "+err.Error()+
				". Please report this issue to the provider developers.")
		return
	}
	c := e.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	key := client.APIKeyRef{Scope: client.Scope{Org: ref.Org, Project: ref.Project}, Type: client.APIKeyType(ref.Type),
		Parent: ref.Parent, Identifier: ref.APIKey}
	err := c.DeleteToken(ctx, key, ref.Identifier)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "short-lived token was already gone", map[string]any{"token": ref.Identifier})
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "deleting", "short-lived token", fmt.Sprintf("%q of API key %s (it expires on its own at "+
			"the end of its lifetime)", ref.Identifier, key), err)
	}
}
