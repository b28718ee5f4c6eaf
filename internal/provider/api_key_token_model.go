package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// defaultRotationGracePeriod is how long a rotated-out value keeps working.
const defaultRotationGracePeriod = "1h"

// NewAPIKeyTokenResource returns the harness_api_key_token resource.
func NewAPIKeyTokenResource() resource.Resource { return &apiKeyTokenResource{} }

// apiKeyTokenResource manages a NextGen token: the secret an identity
// provider uses (docs/design/harness-api.md 4).
type apiKeyTokenResource struct {
	data *providerData
}

type apiKeyTokenResourceModel struct {
	ID                  types.String   `tfsdk:"id"`
	Identifier          types.String   `tfsdk:"identifier"`
	Name                types.String   `tfsdk:"name"`
	Description         types.String   `tfsdk:"description"`
	Tags                types.Map      `tfsdk:"tags"`
	APIKeyID            types.String   `tfsdk:"apikey_id"`
	APIKeyType          types.String   `tfsdk:"apikey_type"`
	ParentID            types.String   `tfsdk:"parent_id"`
	OrgID               types.String   `tfsdk:"org_id"`
	ProjectID           types.String   `tfsdk:"project_id"`
	ValidFrom           timestampValue `tfsdk:"valid_from"`
	ValidTo             timestampValue `tfsdk:"valid_to"`
	Lifetime            types.String   `tfsdk:"lifetime"`
	RotationTriggers    types.Map      `tfsdk:"rotation_triggers"`
	RotateBeforeExpiry  types.String   `tfsdk:"rotate_before_expiry"`
	RotationGracePeriod types.String   `tfsdk:"rotation_grace_period"`
	OnFullKey           types.String   `tfsdk:"on_full_key"`
	Value               types.String   `tfsdk:"value"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *apiKeyTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key_token"
}

func (r *apiKeyTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (m *apiKeyTokenResourceModel) keyRef() client.APIKeyRef {
	return client.APIKeyRef{
		Scope: scopeOf(m.OrgID, m.ProjectID), Type: client.APIKeyType(m.APIKeyType.ValueString()),
		Parent: m.ParentID.ValueString(), Identifier: m.APIKeyID.ValueString(),
	}
}

// tokenLabel names a token in diagnostics.
func tokenLabel(ref client.APIKeyRef, identifier string) string {
	return fmt.Sprintf("%q of API key %s", identifier, ref)
}

// tokenFromModel builds the token fields Terraform controls.
func (m *apiKeyTokenResourceModel) tokenFromModel(ctx context.Context, diags *diag.Diagnostics) client.Token {
	t := client.Token{
		Identifier: m.Identifier.ValueString(), Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		Tags: tagsFromModel(ctx, m.Tags, diags),
	}
	t.SetKey(m.keyRef())
	return t
}

// applyToken copies what Harness reported. A validity bound Harness does
// not report (zero or missing) keeps its last known value.
func (m *apiKeyTokenResourceModel) applyToken(t *client.Token) {
	m.Name = types.StringValue(t.Name)
	m.Description = types.StringValue(t.Description)
	m.Tags = tagsToModel(t.Tags)
	if t.ValidFrom > 0 {
		m.ValidFrom = timestampFromMillis(t.ValidFrom)
	}
	if t.ValidTo > 0 {
		m.ValidTo = timestampFromMillis(t.ValidTo)
	}
}
