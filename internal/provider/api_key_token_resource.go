package provider

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ resource.Resource                   = (*apiKeyTokenResource)(nil)
	_ resource.ResourceWithConfigure      = (*apiKeyTokenResource)(nil)
	_ resource.ResourceWithImportState    = (*apiKeyTokenResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*apiKeyTokenResource)(nil)
	_ resource.ResourceWithValidateConfig = (*apiKeyTokenResource)(nil)
)

// The harness_api_key_token resource lives in five files: this one (CRUD
// and import), api_key_token_model.go (the resource, its model and
// conversions), api_key_token_schema.go (schema and configuration checks),
// api_key_token_rotation.go (when and how a token rotates) and
// api_key_token_private.go (its private state).

func (r *apiKeyTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer tokenIdentity.keep(ctx, r.data, resp.Identity, &resp.State, tfsdk.State{}, &resp.Diagnostics)
	var plan apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	op := boundOperation(ctx, plan.Timeouts, "create", &resp.Diagnostics)
	defer op.done(&resp.Diagnostics, fmt.Sprintf("token %q", plan.Identifier.ValueString()))
	ctx = op.ctx
	c := r.data.apiClient(&resp.Diagnostics)
	body := plan.tokenFromModel(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	body.ValidFrom, body.ValidTo = plan.ValidFrom.Millis(), plan.ValidTo.Millis()
	if body.ValidTo != 0 && !client.Millis(body.ValidTo).After(r.data.clock()) {
		resp.Diagnostics.AddAttributeError(path.Root("valid_to"), "valid_to is in the past", expiredValidTo(plan.ValidTo.ValueString())+
			" Nothing was sent to Harness.")
		return
	}
	if lifetime, ok := knownDuration(plan.Lifetime); ok && body.ValidTo == 0 {
		body.ValidTo = r.data.clock().Add(lifetime).UnixMilli()
	}
	ref := body.KeyRef()
	if !r.requireKey(ctx, c, ref, &resp.Diagnostics) {
		return
	}
	secret, err := c.CreateToken(ctx, &body)
	if client.IsConflict(err) {
		addAlreadyExists(&resp.Diagnostics, importTarget{typeName: "harness_api_key_token", object: "token",
			label: tokenLabel(ref, body.Identifier), id: tokenID(ref, body.Identifier), attr: path.Root("identifier"),
			extra: "\n\nHarness never shows a token's value again, so an imported token has no value in Terraform until " +
				"it is rotated (see rotation_triggers). If nothing uses the existing value, deleting the token in Harness and " +
				"applying again gives a new one instead."}, err)
		return
	}
	if err != nil {
		addTokenCreateError(ctx, c, &resp.Diagnostics, ref, body.Identifier, r.data.clock(), err)
		return
	}
	// A new token's private state has nothing but the time it was seen.
	priv := tokenPrivate{checkedAt: r.data.clock()}
	resp.Diagnostics.Append(priv.save(ctx, resp.Private)...)
	state := plan
	state.Value = types.StringValue(secret)
	state.ID = types.StringValue(tokenID(ref, body.Identifier))
	state.ValidTo = timestampFromMillis(body.ValidTo)
	if body.ValidFrom != 0 && body.ValidTo != 0 {
		state.ValidFrom = timestampFromMillis(body.ValidFrom)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	// Save the value before the follow-up read, so a failure there cannot
	// lose the only copy of the secret.
	state.ValidFrom = timestampFromMillis(body.ValidFrom)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	agg, err := c.GetToken(ctx, ref, body.Identifier)
	if err != nil {
		addNGError(&resp.Diagnostics, "reading", "token", fmt.Sprintf("%q after creating it", body.Identifier), err)
		return
	}
	state.applyToken(&agg.Token)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Read refreshes everything but value, which Harness never shows again. A
// token that moved its validFrom may have been rotated outside Terraform
// (see checkRotatedElsewhere).
func (r *apiKeyTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer tokenIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_api_key_token "+state.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	priv := loadTokenPrivate(ctx, req.Private)
	defer func() { resp.Diagnostics.Append(priv.save(ctx, resp.Private)...) }()
	ref, identifier := state.keyRef(), state.Identifier.ValueString()
	t, ok := r.readToken(ctx, c, ref, identifier, &priv, &resp.Diagnostics)
	if !ok {
		return
	}
	if t == nil {
		tflog.Info(ctx, "token no longer exists in Harness (deleted or expired); removing it from state",
			map[string]any{"token": identifier, "api_key": ref.String()})
		resp.State.RemoveResource(ctx)
		return
	}
	if t.Expired(r.data.clock()) {
		// Harness purges expired tokens only through a lagging TTL index
		// (derived from harness-core, not promised by docs/design/harness-api.md), so an
		// expired token may still be listed. It can never work again: treat
		// it as gone, and Create replaces it. An unknown expiry is not
		// expired (see client.Token.Expired).
		expiry, _ := t.ExpiresAt()
		tflog.Info(ctx, "token has expired in Harness; removing it from state so that it is created again",
			map[string]any{"token": identifier, "api_key": ref.String(), "expired_at": expiry.Format(time.RFC3339)})
		resp.State.RemoveResource(ctx)
		return
	}
	checkRotatedElsewhere(ctx, c, &state, t, &priv)
	state.applyToken(t)
	state.ID = types.StringValue(tokenID(ref, identifier))
	// After an import rotation_grace_period is null: Harness does not keep
	// it. Take the default, so a plan with the default is empty.
	if state.RotationGracePeriod.IsNull() {
		state.RotationGracePeriod = types.StringValue(defaultRotationGracePeriod)
	}
	if state.OnFullKey.IsNull() {
		state.OnFullKey = types.StringValue(onFullKeyRefuse)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readToken reads the token and, with the same list, finds which of the
// values it rotated out still work. A rotation whose rotated-out value is
// still unknown needs the key's whole list, since Harness chose that
// value's identifier. The token is nil when Harness does not list it; ok
// is false when the list failed.
func (r *apiKeyTokenResource) readToken(ctx context.Context, c *client.Client, ref client.APIKeyRef, identifier string,
	priv *tokenPrivate, diags *diag.Diagnostics) (*client.Token, bool) {
	filter := append([]string{identifier}, priv.rotated...)
	if len(priv.rotationPending) > 0 {
		filter = nil
	}
	rows, err := c.ListTokens(ctx, ref, filter...)
	if err != nil {
		addNGError(diags, "reading", "token", tokenLabel(ref, identifier), err)
		return nil, false
	}
	var t *client.Token
	for i, row := range rows {
		if row.Token.Identifier == identifier {
			t = &rows[i].Token
		}
	}
	if t == nil {
		return nil, true
	}
	now := r.data.clock()
	priv.rotated = stillWorking(rows, priv.rotated, priv.rotationPending, now)
	priv.rotationPending = nil
	priv.checkedAt = now
	return t, true
}

func (r *apiKeyTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer tokenIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var plan, state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	op := boundOperation(ctx, plan.Timeouts, "update", &resp.Diagnostics)
	defer op.done(&resp.Diagnostics, fmt.Sprintf("token %q", state.Identifier.ValueString()))
	ctx = op.ctx
	c := r.data.apiClient(&resp.Diagnostics)
	want := plan.tokenFromModel(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	priv := loadTokenPrivate(ctx, req.Private)
	defer func() { resp.Diagnostics.Append(priv.save(ctx, resp.Private)...) }()
	ref, identifier := plan.keyRef(), plan.Identifier.ValueString()
	name := tokenLabel(ref, identifier)
	newState := plan
	newState.Value = state.Value

	// cur is the token as Harness has it now.
	cur := state.tokenFromModel(ctx, &resp.Diagnostics)
	cur.ValidFrom, cur.ValidTo = state.ValidFrom.Millis(), state.ValidTo.Millis()
	rotating := plan.Value.IsUnknown()
	if rotating {
		rotated, secret, ok := r.rotate(ctx, c, &plan, &state, &priv, resp)
		if !ok {
			return
		}
		cur, newState.Value = rotated, types.StringValue(secret)
	}
	if cur.ValidFrom == 0 || cur.ValidTo == 0 {
		agg, err := c.GetToken(ctx, ref, identifier)
		if err != nil {
			addNGError(&resp.Diagnostics, "reading", "token", name, err)
			return
		}
		cur = agg.Token
	}
	want.ValidFrom, want.ValidTo = wantedValidity(&plan, &cur, rotating || priv.validityPending)
	got, ok := putTokenIfChanged(ctx, c, &want, &cur, name, &resp.Diagnostics)
	if !ok {
		return
	}
	newState.applyToken(got)
	newState.ID = types.StringValue(tokenID(ref, identifier))
	priv.validityPending = false
	priv.checkedAt = r.data.clock()
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

// wantedValidity is the validity window the plan asks for, given the token
// cur as Harness has it: bounds the plan leaves open keep their value,
// except that a new value (newValue: just rotated, or rotated before
// without getting its own valid_to) with lifetime set expires lifetime
// after it starts.
func wantedValidity(plan *apiKeyTokenResourceModel, cur *client.Token, newValue bool) (from, to int64) {
	from, to = plan.ValidFrom.Millis(), plan.ValidTo.Millis()
	if from == 0 {
		from = cur.ValidFrom
	}
	if to == 0 {
		to = cur.ValidTo
		if lifetime, ok := knownDuration(plan.Lifetime); ok && newValue {
			to = client.Millis(cur.ValidFrom).Add(lifetime).UnixMilli()
		}
	}
	return from, to
}

// putTokenIfChanged updates the token when want differs from cur, and
// returns the token as Harness then has it; ok is false when the update
// failed, with the diagnostics added.
func putTokenIfChanged(ctx context.Context, c *client.Client, want, cur *client.Token, name string, diags *diag.Diagnostics) (*client.Token, bool) {
	if want.Name == cur.Name && want.Description == cur.Description && maps.Equal(want.Tags, cur.Tags) &&
		want.ValidFrom == cur.ValidFrom && want.ValidTo == cur.ValidTo {
		return cur, true
	}
	got, err := c.UpdateToken(ctx, want)
	if client.IsNotFound(err) {
		addGoneError(diags, "Token", name)
		return nil, false
	}
	if err != nil {
		addNGError(diags, "updating", "token", name, err)
		return nil, false
	}
	return got, true
}

func (r *apiKeyTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	op := boundOperation(ctx, state.Timeouts, "delete", &resp.Diagnostics)
	defer op.done(&resp.Diagnostics, fmt.Sprintf("token %q", state.Identifier.ValueString()))
	ctx = op.ctx
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ref, identifier := state.keyRef(), state.Identifier.ValueString()
	// The values this token rotated out would keep working until their
	// grace period ends and hold token slots: delete them first, so a
	// failure leaves the token in state for the next destroy to retry. A
	// rotation whose rotated-out value was never found (the list after it
	// failed, and no refresh ran since) costs one list here.
	priv := loadTokenPrivate(ctx, req.Private)
	rotated := priv.rotated
	if len(priv.rotationPending) > 0 {
		rows, err := c.ListTokens(ctx, ref)
		if err != nil {
			addNGError(&resp.Diagnostics, "reading", "token", tokenLabel(ref, identifier)+", to find the value its last "+
				"rotation replaced, before deleting it", err)
			return
		}
		rotated = stillWorking(rows, rotated, priv.rotationPending, r.data.clock())
	}
	for _, old := range rotated {
		if err := c.DeleteToken(ctx, ref, old); err != nil && !client.IsNotFound(err) {
			addNGError(&resp.Diagnostics, "deleting", "token", fmt.Sprintf("%q (the value %q had before its last rotation) of API key %s",
				old, identifier, ref), err)
			return
		}
	}
	err := c.DeleteToken(ctx, ref, identifier)
	if client.IsNotFound(err) {
		tflog.Info(ctx, "token was already gone from Harness", map[string]any{"token": identifier})
		return
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "deleting", "token", tokenLabel(ref, identifier), err)
	}
}

// ImportState takes the official provider's token formats:
// `<parent_id>/<apikey_id>/<apikey_type>/<token_id>` with an optional
// `<org_id>/` or `<org_id>/<project_id>/` prefix. Harness cannot return
// the value, so it stays null until the token is rotated.
func (r *apiKeyTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	defer tokenIdentity.afterImport(ctx, r.data, resp)
	if req.ID = tokenIdentity.importID(ctx, r.data, req, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// Importing reads the object, so the provider must be able to call
	// Harness now (the refresh that follows would otherwise be deferred).
	if r.data.apiClient(&resp.Diagnostics) == nil {
		return
	}
	ref, rest, err := parseKeyImportID(req.ID, 1)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import a harness_api_key_token as <parent_id>/<apikey_id>/<apikey_type>/<token_id>, with an optional "+
				"<org_id>/ or <org_id>/<project_id>/ prefix (the official Harness provider's formats); %q: %s.", req.ID, err))
		return
	}
	setKeyRefAttributes(ctx, resp, ref, "apikey_id")
	resp.Diagnostics.Append(tokenValueUnknownWarning())
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("identifier"), rest[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), tokenID(ref, rest[0]))...)
}

var _ resource.ResourceWithIdentity = (*apiKeyTokenResource)(nil)

func (r *apiKeyTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tokenIdentity.schema()
}
