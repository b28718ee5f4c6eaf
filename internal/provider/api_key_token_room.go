package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Room on the API key for a rotation. Harness's TokenServiceImpl.rotateToken
// (harness-core 1dcec145, 120-ng-manager, lines 253-280) renames the old
// token and commits that, then creates the new one through createToken,
// whose validateTokenLimit (lines 185-196) counts every token stored under
// the key, the renamed one included. On a full key the rotation fails after
// the rename: the token's identifier is gone and only the renamed old value
// remains, until its scheduled expiry. So harness_api_key_token reads the
// key's tokens before every rotation (client.TokenRoom) and rotates only
// when a place is free, after deleting what may be deleted:
//
//   - tokens that have expired and that Harness has not purged yet (they
//     can never work again);
//   - with on_full_key = "delete_rotated_out", values this resource rotated
//     out itself (recorded in its private state), earliest expiry first and
//     only as many as needed; they stop working then instead of at their
//     scheduled expiry.
//
// Another live token is never deleted. Otherwise the rotation is refused
// before anything is sent. The plan warns when a planned rotation would not
// fit (one list of the key's tokens); the check at apply is the one that
// counts, because the key can change in between.

// Values of on_full_key.
const (
	onFullKeyRefuse           = "refuse"
	onFullKeyDeleteRotatedOut = "delete_rotated_out"
)

// roomPlan is how a rotation gets a free place on its key.
type roomPlan struct {
	fits bool
	// expired and own are the tokens to delete first: expired ones, and
	// values this token rotated out (with on_full_key).
	expired, own []client.TokenAggregate
	// ownLeft are values this token rotated out that still hold a place
	// and that on_full_key = "delete_rotated_out" could delete.
	ownLeft []client.TokenAggregate
}

// planRoom decides how the rotation of identifier gets a place on room's
// key: own are the identifiers of the values this token rotated out,
// deleteOwn whether the configuration allows deleting them.
func planRoom(room *client.TokenRoom, identifier string, own []string, deleteOwn bool, now time.Time) roomPlan {
	var rp roomPlan
	if room.CanRotate() {
		rp.fits = true
		return rp
	}
	need := len(room.Tokens) - room.Limit + 1
	for _, t := range room.Tokens {
		if need > 0 && t.Token.Identifier != identifier && t.Token.Expired(now) {
			rp.expired = append(rp.expired, t)
			need--
		}
	}
	for _, t := range room.RotatedOut() {
		if !t.Token.Expired(now) && slices.Contains(own, t.Token.Identifier) {
			rp.ownLeft = append(rp.ownLeft, t)
		}
	}
	if need > 0 && deleteOwn && len(rp.ownLeft) >= need {
		rp.own, rp.ownLeft = rp.ownLeft[:need], rp.ownLeft[need:]
		need = 0
	}
	rp.fits = need <= 0
	return rp
}

// makeRoom makes sure the key has a place for the rotation of the token,
// for Update, deleting what planRoom allows; false means the rotation must
// not be sent, with the diagnostics added. The list it makes also resolves
// the values earlier rotations left behind (priv.rotated).
func (r *apiKeyTokenResource) makeRoom(ctx context.Context, c *client.Client, plan *apiKeyTokenResourceModel, priv *tokenPrivate,
	diags *diag.Diagnostics) bool {
	ref, identifier := plan.keyRef(), plan.Identifier.ValueString()
	room, err := c.TokenRoom(ctx, ref)
	if err != nil {
		addNGError(diags, "reading", "tokens of API key", ref.String()+", to check it has room for rotating token "+
			fmt.Sprintf("%q", identifier), err)
		return false
	}
	now := r.data.clock()
	priv.rotated = stillWorking(room.Tokens, priv.rotated, priv.rotationPending, now)
	priv.rotationPending = nil
	if !roomHolds(room, identifier, now, diags) {
		return false
	}
	rp := planRoom(room, identifier, priv.rotated, plan.OnFullKey.ValueString() == onFullKeyDeleteRotatedOut, now)
	if !rp.fits {
		diags.AddError("Cannot rotate the token: its API key is full",
			roomRefusal(room, identifier, &rp, now)+" Nothing was sent to Harness: the token and its value are unchanged.")
		return false
	}
	for _, t := range append(slices.Clone(rp.expired), rp.own...) {
		tflog.Info(ctx, "deleting a token to make room for a rotation", map[string]any{"token": t.Token.Identifier, "api_key": ref.String()})
		if err := c.DeleteToken(ctx, ref, t.Token.Identifier); err != nil && !client.IsNotFound(err) {
			addNGError(diags, "deleting", "token", fmt.Sprintf("%q of API key %s, to make room for rotating %q", t.Token.Identifier,
				ref, identifier), err)
			return false
		}
		priv.rotated = slices.DeleteFunc(priv.rotated, func(id string) bool { return id == t.Token.Identifier })
	}
	if len(rp.own) > 0 {
		diags.AddAttributeWarning(path.Root("on_full_key"), "Rotated-out token values deleted to make room",
			fmt.Sprintf("API key %s was full, so before rotating token %q Terraform deleted %s, which it rotated out "+
				"earlier (on_full_key = %q). Whatever still used those values stopped working now instead of at their "+
				"scheduled expiry.", ref, identifier, describeTokens(rp.own), onFullKeyDeleteRotatedOut))
	}
	return true
}

// roomHolds reports whether room still lists the token, unexpired: a token
// deleted since the plan cannot be rotated, and one that expired since would
// lose its identifier (createToken's validateTokenExpiryTime runs after the
// rename).
func roomHolds(room *client.TokenRoom, identifier string, now time.Time, diags *diag.Diagnostics) bool {
	i := slices.IndexFunc(room.Tokens, func(t client.TokenAggregate) bool { return t.Token.Identifier == identifier })
	switch {
	case i < 0:
		addGoneError(diags, "Token", tokenLabel(room.Key, identifier))
		return false
	case room.Tokens[i].Token.Expired(now):
		diags.AddError("Cannot rotate an expired token",
			fmt.Sprintf("Token %s expired after the plan, so Harness would rename it and then refuse to issue its new value, "+
				"leaving no token under this identifier. Nothing was sent. Run terraform apply again: the refresh notices "+
				"the expiry and plans to create the token again.", tokenLabel(room.Key, identifier)))
		return false
	}
	return true
}

// roomRefusal is the detail of a refused rotation: what the key holds and
// what to do.
func roomRefusal(room *client.TokenRoom, identifier string, rp *roomPlan, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Rotating token %q would delete it: Harness renames the old token before it checks the limit of %d "+
		"tokens per API key, and %s. Delete a token of this key that is no longer used", identifier,
		room.Limit, room)
	if at, ok := earliestRotatedOut(room, now); ok {
		fmt.Fprintf(&b, ", or wait until %s, when the oldest rotated-out value expires (a shorter rotation_grace_period "+
			"frees places sooner)", at.Format(time.RFC3339))
	}
	b.WriteString(", then apply again.")
	if len(rp.ownLeft) > 0 {
		fmt.Fprintf(&b, " Or set on_full_key = %q to let Terraform delete %s, which this token rotated out earlier and "+
			"which would then stop working at once.", onFullKeyDeleteRotatedOut, describeTokens(rp.ownLeft))
	}
	fmt.Fprintf(&b, " If Harness support raised this account's token limit above %d, set the provider's token_limit.", room.Limit)
	return b.String()
}

// earliestRotatedOut is when the first rotated-out value of the key that
// still holds a place expires.
func earliestRotatedOut(room *client.TokenRoom, now time.Time) (time.Time, bool) {
	for _, t := range room.RotatedOut() {
		if at, ok := t.Token.ExpiresAt(); ok && at.After(now) {
			return at, true
		}
	}
	return time.Time{}, false
}

// describeTokens names tokens and when their values would stop working.
func describeTokens(tokens []client.TokenAggregate) string {
	parts := make([]string, len(tokens))
	for i, t := range tokens {
		parts[i] = fmt.Sprintf("%q", t.Token.Identifier)
		if at, ok := t.Token.ExpiresAt(); ok {
			parts[i] += " (working until " + at.Format(time.RFC3339) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// warnNoRoom adds a plan-time warning when the planned rotation of the
// token would not fit on its key as it is now. It costs one list of the
// key's tokens and never fails the plan: the check at apply decides.
func (r *apiKeyTokenResource) warnNoRoom(ctx context.Context, plan *apiKeyTokenResourceModel, priv *tokenPrivate, diags *diag.Diagnostics) {
	if r.data == nil || r.data.client == nil {
		return
	}
	ref, identifier := plan.keyRef(), plan.Identifier.ValueString()
	room, err := r.data.client.TokenRoom(ctx, ref)
	if err != nil {
		tflog.Warn(ctx, "could not read the API key's tokens to check the planned rotation has room", map[string]any{"error": err.Error()})
		return
	}
	now := r.data.clock()
	own := stillWorking(room.Tokens, priv.rotated, priv.rotationPending, now)
	rp := planRoom(room, identifier, own, plan.OnFullKey.ValueString() == onFullKeyDeleteRotatedOut, now)
	switch {
	case !rp.fits:
		diags.AddAttributeWarning(path.Root("rotation_triggers"), "The planned rotation does not fit on the API key",
			roomRefusal(room, identifier, &rp, now)+" As the key is now, the apply will refuse the rotation.")
	case len(rp.own) > 0:
		diags.AddAttributeWarning(path.Root("on_full_key"), "The planned rotation deletes rotated-out token values",
			fmt.Sprintf("API key %s is full, so the apply will delete %s before rotating token %q (on_full_key = %q): "+
				"whatever still uses those values stops working then.", ref, describeTokens(rp.own), identifier,
				onFullKeyDeleteRotatedOut))
	}
}

// addTokenCreateError reports a failed token create. When Harness refused
// it because the key holds its limit of tokens (which a token rotated out
// by a failed rotation, or expired tokens not purged yet, can cause), one
// list of the key's tokens says which ones.
func addTokenCreateError(ctx context.Context, c *client.Client, diags *diag.Diagnostics, ref client.APIKeyRef, identifier string,
	now time.Time, err error) {
	if !client.IsLimitReached(err) {
		addNGError(diags, "creating", "token", tokenLabel(ref, identifier), err)
		return
	}
	room, rerr := c.TokenRoom(ctx, ref)
	if rerr != nil {
		addNGError(diags, "creating", "token", tokenLabel(ref, identifier), err)
		return
	}
	detail := fmt.Sprintf("Harness allows at most %d tokens per API key (a value rotated out counts until it expires, and an "+
		"expired token until Harness purges it), and %s. Delete a token of this key that is no longer used", room.Limit, room)
	if at, ok := earliestRotatedOut(room, now); ok {
		detail += fmt.Sprintf(", or wait until %s, when the oldest rotated-out value expires and Harness frees its place",
			at.Format(time.RFC3339))
	}
	detail += ", then apply again."
	if len(room.Tokens) < room.Limit {
		detail += fmt.Sprintf(" Harness counts fewer than token_limit (%d) here, so this account's limit is lower: set the "+
			"provider's token_limit to it.", room.Limit)
	}
	addAPIErrorHint(diags, "creating", "token", tokenLabel(ref, identifier), err, "\n\n"+detail)
}
