package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// ModifyPlan decides rotations: a change of rotation_triggers, a value
// about to expire (rotate_before_expiry), or a value rotated outside
// Terraform plan an in-place rotation by marking value unknown. Update
// rotates exactly when the planned value is unknown, so the decision is
// made here, from the refreshed state and its private data only, which
// makes the plan Terraform repeats at apply time reach the same decision.
func (r *apiKeyTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.warnExpiredCreation(&config, &resp.Diagnostics)
		r.warnMissingKey(ctx, &plan, &resp.Diagnostics)
		return
	}
	var state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	priv := loadTokenPrivate(ctx, req.Private)

	// A token Terraform did not issue (imported: its value is null) has no
	// rotation_triggers or lifetime in state, since Harness keeps neither.
	// The first time the configuration gives them, they are recorded
	// without rotating or moving valid_to (see firstRecording).
	recordTriggers, recordLifetime := firstRecording(&plan, &state)
	warnImportRecordsOnly(&resp.Diagnostics, &state, recordTriggers, recordLifetime)
	reason := rotationAsked(&plan, &state, &priv, recordTriggers, &resp.Diagnostics)

	// Without a rotation, lifetime can still move valid_to of the current
	// value: when it changed, or when a rotation could not give the new
	// value its own valid_to (the PUT after it failed).
	lifetime, hasLifetime := knownDuration(plan.Lifetime)
	if reason == "" && hasLifetime && ((!recordLifetime && !plan.Lifetime.Equal(state.Lifetime)) || priv.validityPending) {
		if from, err := state.ValidFrom.Time(); !state.ValidFrom.IsNull() && err == nil {
			plan.ValidTo = newTimestamp(from.Add(lifetime))
		} else {
			plan.ValidTo = timestampUnknown()
		}
	}
	if reason == "" {
		reason = r.expiryNear(&plan, &priv)
	}
	if reason != "" {
		tflog.Info(ctx, "planning an in-place token rotation", map[string]any{"token": state.ID.ValueString(), "reason": reason})
		r.warnNoRoom(ctx, &plan, &priv, &resp.Diagnostics)
		plan.Value = types.StringUnknown()
		if config.ValidFrom.IsNull() {
			plan.ValidFrom = timestampUnknown()
		}
		if hasLifetime {
			plan.ValidTo = timestampUnknown()
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// warnExpiredCreation warns, when the token is to be created, that its
// valid_to has passed; Create then refuses it before sending anything
// (expiredValidTo). Not an error here: a fixed valid_to passes with time,
// Read then drops the expired token, and Terraform plans its creation
// again in the plan it runs before a destroy, which an error would block.
func (r *apiKeyTokenResource) warnExpiredCreation(config *apiKeyTokenResourceModel, diags *diag.Diagnostics) {
	if to, err := config.ValidTo.Time(); !config.ValidTo.IsNull() && !config.ValidTo.IsUnknown() && err == nil && to.Before(r.data.clock()) {
		diags.AddAttributeWarning(path.Root("valid_to"), "valid_to is in the past", expiredValidTo(config.ValidTo.ValueString())+
			" Applying this plan fails for this token.")
	}
}

// expiredValidTo explains a valid_to that has passed.
func expiredValidTo(validTo string) string {
	return fmt.Sprintf("valid_to is %s, which has passed; Harness refuses tokens that are already expired. Set a later "+
		"valid_to, or use lifetime instead so that every value gets its own expiry.", validTo)
}

// rotationAsked returns why the plan rotates the token because of its
// configuration (rotation_triggers) or its stored value (rotated outside
// Terraform); "" when neither asks for it.
func rotationAsked(plan, state *apiKeyTokenResourceModel, priv *tokenPrivate, recordTriggers bool, diags *diag.Diagnostics) string {
	switch {
	case recordTriggers:
	case plan.RotationTriggers.IsUnknown():
		return "rotation_triggers will change"
	case !sameTriggers(plan.RotationTriggers, state.RotationTriggers):
		return "rotation_triggers changed"
	}
	if !priv.valueStale {
		return ""
	}
	diags.AddWarning("Token was rotated outside Terraform",
		fmt.Sprintf("Harness token %s has a different value than the one in Terraform state (it was rotated in Harness or "+
			"by another tool). Terraform plans to rotate it again so that value holds a working token.", state.ID.ValueString()))
	return "the token was rotated outside Terraform, so the stored value no longer works"
}

// expiryNear returns why the plan rotates the token because less than
// rotate_before_expiry is left of the valid_to the plan leaves the value
// with; "" when it does not.
//
// Its clock is the time of the refresh (checkedAt), not the time of this
// call: Terraform plans again at apply time, from the refreshed state of
// the plan and without refreshing, and that second plan must reach the
// same decision. With the wall clock, a threshold passing between plan and
// apply (a saved plan applied later) would turn a known value into an
// unknown one, which Terraform rejects as an inconsistent final plan. The
// refresh time is the same in both plans, so the decision is too; the next
// refresh moves the clock on.
func (r *apiKeyTokenResource) expiryNear(plan *apiKeyTokenResourceModel, priv *tokenPrivate) string {
	now := priv.checkedAt
	if now.IsZero() {
		now = r.data.clock()
	}
	before, ok := knownDuration(plan.RotateBeforeExpiry)
	if !ok || plan.ValidTo.IsUnknown() {
		return ""
	}
	if to, err := plan.ValidTo.Time(); !plan.ValidTo.IsNull() && err == nil && to.Sub(now) < before {
		return fmt.Sprintf("less than rotate_before_expiry (%s) of validity is left (valid_to %s)", before, plan.ValidTo.ValueString())
	}
	return ""
}

// firstRecording reports whether this plan records rotation_triggers and
// lifetime for the first time on a token whose value Terraform does not
// know, which only an import leaves (Create always saves the value Harness
// issued). Such a token may be in use elsewhere, with a value Terraform
// never saw: rotating it, or moving valid_to, merely because the
// configuration describes it would revoke that value. So the first
// recording does neither, and later changes act as usual. The rule reads
// the state only, so it cannot linger the way a private flag could after
// an empty plan: a plan after importing a token whose configuration has no
// rotation settings is empty.
func firstRecording(plan, state *apiKeyTokenResourceModel) (triggers, lifetime bool) {
	if !state.Value.IsNull() {
		return false, false
	}
	triggers = len(state.RotationTriggers.Elements()) == 0 &&
		(plan.RotationTriggers.IsUnknown() || len(plan.RotationTriggers.Elements()) > 0)
	_, hasLifetime := knownDuration(plan.Lifetime)
	lifetime = state.Lifetime.IsNull() && hasLifetime
	return triggers, lifetime
}

// warnImportRecordsOnly says which settings a plan records without acting
// on them (see firstRecording), if any.
func warnImportRecordsOnly(diags *diag.Diagnostics, state *apiKeyTokenResourceModel, triggers, lifetime bool) {
	var recorded []string
	if triggers {
		recorded = append(recorded, "rotation_triggers (no rotation)")
	}
	if lifetime {
		recorded = append(recorded, "lifetime (valid_to stays as Harness has it)")
	}
	if len(recorded) == 0 {
		return
	}
	diags.AddAttributeWarning(path.Root("rotation_triggers"), "Imported token: settings recorded, not acted on",
		fmt.Sprintf("harness_api_key_token %s was not issued by Terraform (it was imported), so its value is unknown to "+
			"Terraform and may be in use elsewhere. This apply records %s from the configuration without revoking that "+
			"value; the token's value in state stays null. To have Terraform issue a value, change rotation_triggers "+
			"again after this apply.", state.ID.ValueString(), strings.Join(recorded, "; ")))
}

// sameTriggers treats a null map and an empty map alike.
func sameTriggers(a, b types.Map) bool {
	if len(a.Elements()) == 0 && len(b.Elements()) == 0 {
		return true
	}
	return a.Equal(b)
}

// rotatedOutBy reports whether t is the value one of the pending rotations
// replaced. A rotation renames the old token's identifier rotated_<15
// letters> and sets its scheduledExpireTime to the rotateTimestamp sent
// (docs/design/harness-api.md 4); the exact millisecond tells it from any other
// rotated token of the key. Whether Harness also renames the name is not
// documented, so the name is not compared.
func rotatedOutBy(t *client.Token, pending []int64) bool {
	return strings.HasPrefix(t.Identifier, "rotated_") && t.ScheduledExpireTime != nil &&
		slices.Contains(pending, *t.ScheduledExpireTime)
}

// stillWorking returns, from a list of the key's tokens, the identifiers of
// the values this resource rotated out that have not expired: those already
// known (rotated) and those the pending rotations left behind.
func stillWorking(rows []client.TokenAggregate, rotated []string, pending []int64, now time.Time) []string {
	var alive []string
	for i := range rows {
		t := &rows[i].Token
		if !t.Expired(now) && (slices.Contains(rotated, t.Identifier) || rotatedOutBy(t, pending)) {
			alive = append(alive, t.Identifier)
		}
	}
	return alive
}

// rotate rotates the token in place, for Update: Harness issues a new
// value under the same identifier and renames the old one rotated_…, which
// keeps working for rotation_grace_period (never past its own valid_to).
// It rotates only when the key has room for the new value (makeRoom).
// It returns the token as Harness lists it afterwards and the new value;
// ok is false when it failed, with the diagnostics added.
func (r *apiKeyTokenResource) rotate(ctx context.Context, c *client.Client, plan, state *apiKeyTokenResourceModel,
	priv *tokenPrivate, resp *resource.UpdateResponse) (cur client.Token, secret string, ok bool) {
	ref, identifier := plan.keyRef(), plan.Identifier.ValueString()
	name := tokenLabel(ref, identifier)
	if !r.makeRoom(ctx, c, plan, priv, &resp.Diagnostics) {
		return cur, "", false
	}
	grace, _ := knownDuration(plan.RotationGracePeriod)
	oldExpiry := r.data.clock().Add(grace)
	if to, err := state.ValidTo.Time(); err == nil && to.Before(oldExpiry) {
		oldExpiry = to
	}
	secret, err := c.RotateToken(ctx, ref, identifier, oldExpiry)
	if client.IsNotFound(err) {
		addGoneError(&resp.Diagnostics, "Token", name)
		return cur, "", false
	}
	if err != nil {
		addNGError(&resp.Diagnostics, "rotating", "token", name, err)
		return cur, "", false
	}
	// Save at once what the rotation achieved, so that a failure below
	// neither loses the new value nor makes the next apply rotate
	// again: the value, the settings that asked for it, with lifetime a
	// note that the new value still needs its own valid_to, and the
	// rotateTimestamp that identifies the value rotated out, which the
	// next Read or Delete finds if the list below fails. Harness moved
	// valid_from; the next read fills it in.
	saved := *state
	saved.Value = types.StringValue(secret)
	saved.RotationTriggers, saved.Lifetime = plan.RotationTriggers, plan.Lifetime
	saved.RotateBeforeExpiry, saved.RotationGracePeriod = plan.RotateBeforeExpiry, plan.RotationGracePeriod
	saved.ValidFrom = timestampNull()
	_, hasLifetime := knownDuration(plan.Lifetime)
	priv.valueStale, priv.validityPending = false, hasLifetime
	priv.rotationPending = append(priv.rotationPending, oldExpiry.UnixMilli())
	resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)

	cur, ok = r.findAfterRotation(ctx, c, ref, identifier, priv, &resp.Diagnostics)
	return cur, secret, ok
}

// findAfterRotation makes one list of the key's tokens, which reads the
// rotated token and finds the old value: renamed rotated_…, expiring at
// the time just sent.
func (r *apiKeyTokenResource) findAfterRotation(ctx context.Context, c *client.Client, ref client.APIKeyRef, identifier string,
	priv *tokenPrivate, diags *diag.Diagnostics) (client.Token, bool) {
	name := tokenLabel(ref, identifier)
	rows, err := c.ListTokens(ctx, ref)
	if err != nil {
		addNGError(diags, "reading", "token", name+" after rotating it", err)
		return client.Token{}, false
	}
	var cur client.Token
	found := false
	for _, row := range rows {
		if row.Token.Identifier == identifier {
			cur, found = row.Token, true
		}
	}
	priv.rotated = stillWorking(rows, priv.rotated, priv.rotationPending, r.data.clock())
	priv.rotationPending = nil
	if !found {
		addGoneError(diags, "Token", name)
		return cur, false
	}
	return cur, true
}

// checkRotatedElsewhere marks the stored value stale when the token was
// rotated outside Terraform. Only a token whose validFrom moved can have
// been; one validate call then tells whether the stored value still
// belongs to it.
func checkRotatedElsewhere(ctx context.Context, c *client.Client, state *apiKeyTokenResourceModel, t *client.Token, priv *tokenPrivate) {
	from, value := state.ValidFrom.Millis(), state.Value.ValueString()
	if from == 0 || t.ValidFrom <= 0 || from == t.ValidFrom || state.Value.IsNull() || value == "" {
		return
	}
	v, verr := c.ValidateToken(ctx, value)
	switch {
	case errors.Is(verr, client.ErrUnauthorized), verr == nil && (v.Identifier != t.Identifier || v.APIKeyIdentifier != state.APIKeyID.ValueString()):
		tflog.Warn(ctx, "the token's stored value no longer belongs to it; it was rotated outside Terraform", map[string]any{"token": t.Identifier})
		priv.valueStale = true
	case verr != nil:
		tflog.Warn(ctx, "could not check whether the stored token value still works", map[string]any{"error": verr.Error()})
	}
}
