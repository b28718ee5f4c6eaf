package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Harness creates a missing API key when a token is created under it, as
// "<apikey_id>_auto" with a 30-day default lifetime (docs/design/harness-api.md 4:
// TokenServiceImpl.validateTokenRequest/createApiKey), a key nothing then
// tracks. So a token's create checks its key first: a warning at plan
// time, an error at apply before anything is sent. Not an error at plan
// time: Terraform plans every resource again before a destroy, and a key
// deleted since (the token gone with it) would then block the destroy.
// A key this provider instance plans or created (plannedKeys), or already
// found, costs no read.

// warnMissingKey warns, when plan creates the token, that its key does not
// exist and no harness_api_key of this provider configuration creates it.
func (r *apiKeyTokenResource) warnMissingKey(ctx context.Context, plan *apiKeyTokenResourceModel, diags *diag.Diagnostics) {
	if r.data == nil || r.data.client == nil {
		return
	}
	for _, v := range []types.String{plan.APIKeyID, plan.APIKeyType, plan.ParentID, plan.OrgID, plan.ProjectID} {
		if v.IsUnknown() {
			return // a key created in this apply; Create checks it
		}
	}
	ref := plan.keyRef()
	if r.data.plannedKeys().known(ref) || r.data.plannedKeys().plannedNotCreated(ref) {
		return
	}
	_, err := r.data.client.GetAPIKey(ctx, ref)
	switch {
	case err == nil:
		r.data.plannedKeys().noteExists(ref)
	case client.IsNotFound(err):
		diags.AddAttributeWarning(path.Root("apikey_id"), "API key not found", missingKeyDetail(ref)+
			" Applying this plan fails for this token.")
	}
}

// requireKey makes sure the token's key exists before Create sends the
// token, and reports whether it does; when not, an error is added.
func (r *apiKeyTokenResource) requireKey(ctx context.Context, c *client.Client, ref client.APIKeyRef, diags *diag.Diagnostics) bool {
	if r.data.plannedKeys().known(ref) {
		return true
	}
	_, err := c.GetAPIKey(ctx, ref)
	switch {
	case err == nil:
		r.data.plannedKeys().noteExists(ref)
		return true
	case client.IsNotFound(err):
		diags.AddAttributeError(path.Root("apikey_id"), "API key not found", missingKeyDetail(ref)+
			" Nothing was sent to Harness.")
	default:
		addNGError(diags, "reading", "API key", ref.String()+" (to create a token under it)", err)
	}
	return false
}

func missingKeyDetail(ref client.APIKeyRef) string {
	return fmt.Sprintf("The token would be created under API key %s, which does not exist in Harness, and no "+
		"harness_api_key of this provider configuration creates it. Harness would create a key named %q for it that "+
		"nothing manages. Check apikey_id, apikey_type, parent_id, org_id and project_id; if the key is created in this "+
		"configuration, refer to it (apikey_id = harness_api_key.<name>.identifier) so that Terraform creates it first.",
		ref, ref.Identifier+"_auto")
}
