package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// defaultRotationGracePeriod is how long a rotated-out value keeps working.
const defaultRotationGracePeriod = "1h"

// Private state keys of harness_api_key_token.
const (
	// privateValueStale marks a token whose stored value no longer belongs
	// to it because it was rotated outside Terraform.
	privateValueStale = "value_stale"
	// privateValidityPending marks a token that was rotated with lifetime
	// set but whose new value did not get its own valid_to yet (the PUT
	// after the rotation failed): the next apply makes that PUT instead of
	// rotating again.
	privateValidityPending = "validity_pending"
	// privateRotated lists (as a JSON array) the identifiers Harness gave
	// the values this resource rotated out ("rotated_…") while they still
	// work, so that destroying the token deletes them too.
	privateRotated = "rotated"
	// privateRotationPending lists (as a JSON array of epoch milliseconds)
	// the rotateTimestamp of each rotation whose rotated-out value is not in
	// privateRotated yet, because the list that finds it after the rotation
	// failed. The next Read or Delete resolves it with the list it makes.
	privateRotationPending = "rotation_pending"
	// privateCheckedAt is when the token was last read from (or written
	// to) Harness, in epoch milliseconds: the clock of the
	// rotate_before_expiry check (see ModifyPlan).
	privateCheckedAt = "checked_at"
)

// setCheckedAt records now as the time the token was last seen in Harness.
func setCheckedAt(ctx context.Context, p privateWriter, now time.Time) diag.Diagnostics {
	return p.SetKey(ctx, privateCheckedAt, []byte(strconv.FormatInt(now.UnixMilli(), 10)))
}

// checkedAt reads privateCheckedAt; ok is false for state written before
// the key existed.
func checkedAt(ctx context.Context, p privateReader) (time.Time, bool) {
	raw, diags := p.GetKey(ctx, privateCheckedAt)
	ms, err := strconv.ParseInt(string(raw), 10, 64)
	if len(raw) == 0 || diags.HasError() || err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// privateReader and privateWriter are the framework's private state data,
// whose type is internal to the framework.
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateFlag reports whether a private key is set.
func privateFlag(ctx context.Context, p privateReader, key string) bool {
	raw, diags := p.GetKey(ctx, key)
	return len(raw) > 0 && !diags.HasError()
}

// setPrivateFlag sets or clears a private key.
func setPrivateFlag(ctx context.Context, p privateWriter, key string, on bool) diag.Diagnostics {
	if on {
		return p.SetKey(ctx, key, []byte("true"))
	}
	return p.SetKey(ctx, key, nil)
}

// privateList reads a private key holding a JSON array.
func privateList[T any](ctx context.Context, p privateReader, key string) []T {
	raw, diags := p.GetKey(ctx, key)
	var out []T
	if len(raw) == 0 || diags.HasError() || json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}

// setPrivateList writes a private key as a JSON array; an empty list
// removes the key.
func setPrivateList[T any](ctx context.Context, p privateWriter, key string, list []T) diag.Diagnostics {
	if len(list) == 0 {
		return p.SetKey(ctx, key, nil)
	}
	raw, err := json.Marshal(list)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record rotated token values", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, raw)
}

// rotatedIDs reads privateRotated.
func rotatedIDs(ctx context.Context, p privateReader) []string {
	return privateList[string](ctx, p, privateRotated)
}

// setRotatedIDs writes privateRotated.
func setRotatedIDs(ctx context.Context, p privateWriter, ids []string) diag.Diagnostics {
	return setPrivateList(ctx, p, privateRotated, ids)
}

// pendingRotations reads privateRotationPending.
func pendingRotations(ctx context.Context, p privateReader) []int64 {
	return privateList[int64](ctx, p, privateRotationPending)
}

// setPendingRotations writes privateRotationPending.
func setPendingRotations(ctx context.Context, p privateWriter, stamps []int64) diag.Diagnostics {
	return setPrivateList(ctx, p, privateRotationPending, stamps)
}

// rotatedOutBy reports whether t is the value one of the pending rotations
// replaced. A rotation renames the old token's identifier rotated_<15
// letters> and sets its scheduledExpireTime to the rotateTimestamp sent
// (harness-api.md 4); the exact millisecond tells it from any other
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

// NewAPIKeyTokenResource returns the harness_api_key_token resource.
func NewAPIKeyTokenResource() resource.Resource { return &apiKeyTokenResource{} }

// apiKeyTokenResource manages a NextGen token: the secret an identity
// provider uses (harness-api.md 4).
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
	Value               types.String   `tfsdk:"value"`
}

func (r *apiKeyTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key_token"
}

func (r *apiKeyTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A token under a Harness NextGen API key: the secret (`sat.…` or `pat.…`) that automation and " +
			"identity providers send to Harness, for example as the SCIM **Secret Token** in Microsoft Entra ID.\n\n" +
			"Harness shows a token's value only when it is created or rotated, so `value` is recorded then and kept from " +
			"state afterwards. Rotation happens **in place** through Harness's rotate endpoint, when `rotation_triggers` " +
			"change or, with `lifetime` and `rotate_before_expiry`, when the value is about to expire: the identifier stays, " +
			"the value changes, and the old value keeps working for `rotation_grace_period` (destroying the token deletes it " +
			"too).\n\n" +
			"A token deleted or expired in Harness is planned for creation again; a token rotated outside Terraform is " +
			"noticed and planned for rotation, because the stored value no longer works.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`<parent_id>/<apikey_id>/<apikey_type>/<identifier>`, prefixed with `<org_id>/` or " +
					"`<org_id>/<project_id>/` in an organization or project: the official provider's import format.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"identifier":  identifierAttribute("token"),
			"name":        nameAttribute("token"),
			"description": descriptionAttribute("token"),
			"tags":        tagsAttribute("token"),
			"apikey_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Identifier of the API key the token belongs to (`harness_api_key.<name>.identifier`). " +
					"Changing it replaces the token. Note that Harness silently creates a missing key, named `<apikey_id>_auto`, " +
					"so reference a managed key rather than typing its identifier.",
				Validators:    []validator.String{identifierValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"apikey_type": apiKeyTypeAttribute("token"),
			"parent_id":   parentIDAttribute("token"),
			"org_id":      orgIDAttribute("token"),
			"project_id":  projectIDAttribute("token"),
			"valid_from": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				CustomType: timestampType{},
				MarkdownDescription: "When the current value starts working, as an RFC 3339 time. Defaults to when Harness " +
					"issues the value; a rotation issues a value valid from the rotation time unless this is set.",
				Validators:    []validator.String{timestampValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"valid_to": schema.StringAttribute{
				Optional:   true,
				Computed:   true,
				CustomType: timestampType{},
				MarkdownDescription: "When the current value stops working, as an RFC 3339 time. Defaults to `valid_from` " +
					"plus the key's `default_time_to_expire_token` (or `lifetime` when set). Changing it updates the token in " +
					"place. A rotation keeps it, unless `lifetime` is set. Once it has passed the token is planned for creation " +
					"again, whether or not Harness has deleted it yet.",
				Validators:    []validator.String{timestampValidator{}},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"lifetime": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long each value stays valid, as a Go duration such as `\"720h\"` (30 days). At " +
					"creation and at every rotation `valid_to` becomes the issue time plus `lifetime`; changing it moves " +
					"`valid_to` of the current value to `valid_from` plus the new lifetime. Conflicts with `valid_from` and `valid_to`.",
				Validators: []validator.String{
					positiveDuration,
					stringvalidator.ConflictsWith(path.MatchRoot("valid_from"), path.MatchRoot("valid_to")),
				},
			},
			"rotation_triggers": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Arbitrary map of values that, when changed, rotate the token in place: a new value " +
					"under the same identifier, the old value working for `rotation_grace_period`. Use it like `keepers` of " +
					"the random provider, for example `{ rotated = \"2030-01\" }` or a `time_rotating` id. On an imported token " +
					"(whose value Terraform never saw) the first apply that sets them only records them, with a warning, so a " +
					"value in use elsewhere is not revoked; change them again after that apply to rotate.",
			},
			"rotate_before_expiry": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Rotate the token in place when a plan finds less than this much validity left, as a " +
					"Go duration such as `\"168h\"` (7 days). Needs `lifetime` (so the new value gets a new expiry) and must be " +
					"shorter than it. The check runs when a plan refreshes the token and uses the time of that refresh, so a saved " +
					"plan applied later does exactly what it showed; run Terraform at least that often.",
				Validators: []validator.String{
					positiveDuration,
					stringvalidator.AlsoRequires(path.MatchRoot("lifetime")),
				},
			},
			"rotation_grace_period": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultRotationGracePeriod),
				MarkdownDescription: "After a rotation, how long the previous value keeps working (Harness's " +
					"`rotateTimestamp`), as a Go duration; never longer than the previous value's own `valid_to`. Defaults to `\"" +
					defaultRotationGracePeriod + "\"`, enough for consumers updated in the same apply; `\"0s\"` revokes the old " +
					"value at once. Harness does not keep it, so an import takes the default.",
				Validators: []validator.String{nonNegativeDuration},
			},
			"value": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The token value, `<sat|pat>.<account>.<token id>.<secret>`. Harness shows it only when " +
					"the token is created or rotated, so it is kept from state; after `terraform import` it is null (Harness " +
					"cannot return it) until the token is rotated, for example by changing `rotation_triggers` after the first apply " +
					"that follows the import (that apply only records them, without rotating).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
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

// ValidateConfig checks what can be checked without Harness.
func (r *apiKeyTokenResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validatePersonalKeyScope(&resp.Diagnostics, cfg.APIKeyType, cfg.OrgID)
	if lifetime, ok := knownDuration(cfg.Lifetime); ok {
		if before, ok := knownDuration(cfg.RotateBeforeExpiry); ok && before >= lifetime {
			resp.Diagnostics.AddAttributeError(path.Root("rotate_before_expiry"), "rotate_before_expiry must be shorter than lifetime",
				fmt.Sprintf("rotate_before_expiry (%s) is not shorter than lifetime (%s), so every plan would rotate the token. "+
					"Use a shorter rotate_before_expiry, for example a quarter of the lifetime.", before, lifetime))
		}
	}
	from, to := cfg.ValidFrom.Millis(), cfg.ValidTo.Millis()
	if from != 0 && to != 0 && from > to {
		resp.Diagnostics.AddAttributeError(path.Root("valid_to"), "valid_to is before valid_from",
			fmt.Sprintf("valid_to (%s) must not be before valid_from (%s).", cfg.ValidTo.ValueString(), cfg.ValidFrom.ValueString()))
	}
}

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
		// Creation: refuse an expiry in the past now rather than at apply.
		if to, err := config.ValidTo.Time(); !config.ValidTo.IsNull() && !config.ValidTo.IsUnknown() && err == nil && to.Before(r.data.clock()) {
			resp.Diagnostics.AddAttributeError(path.Root("valid_to"), "valid_to is in the past",
				fmt.Sprintf("valid_to is %s, which has passed; Harness refuses tokens that are already expired.", config.ValidTo.ValueString()))
		}
		return
	}
	var state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	// A token Terraform did not issue (imported: its value is null) has no
	// rotation_triggers or lifetime in state, since Harness keeps neither.
	// The first time the configuration gives them, they are recorded
	// without rotating or moving valid_to (see firstRecording).
	recordTriggers, recordLifetime := firstRecording(&plan, &state)
	warnImportRecordsOnly(&resp.Diagnostics, &state, recordTriggers, recordLifetime)
	reason := ""
	switch {
	case recordTriggers:
	case plan.RotationTriggers.IsUnknown():
		reason = "rotation_triggers will change"
	case !sameTriggers(plan.RotationTriggers, state.RotationTriggers):
		reason = "rotation_triggers changed"
	}
	if reason == "" && privateFlag(ctx, req.Private, privateValueStale) {
		reason = "the token was rotated outside Terraform, so the stored value no longer works"
		resp.Diagnostics.AddWarning("Token was rotated outside Terraform",
			fmt.Sprintf("Harness token %s has a different value than the one in Terraform state (it was rotated in Harness or "+
				"by another tool). Terraform plans to rotate it again so that value holds a working token.", state.ID.ValueString()))
	}

	// Without a rotation, lifetime can still move valid_to of the current
	// value: when it changed, or when a rotation could not give the new
	// value its own valid_to (the PUT after it failed).
	lifetime, hasLifetime := knownDuration(plan.Lifetime)
	if reason == "" && hasLifetime && ((!recordLifetime && !plan.Lifetime.Equal(state.Lifetime)) || privateFlag(ctx, req.Private, privateValidityPending)) {
		if from, err := state.ValidFrom.Time(); !state.ValidFrom.IsNull() && err == nil {
			plan.ValidTo = newTimestamp(from.Add(lifetime))
		} else {
			plan.ValidTo = timestampUnknown()
		}
	}
	// rotate_before_expiry looks at the valid_to this plan leaves the value
	// with. Its clock is the time of the refresh (privateCheckedAt), not
	// the time of this call: Terraform plans again at apply time, from the
	// refreshed state of the plan and without refreshing, and that second
	// plan must reach the same decision. With the wall clock, a threshold
	// passing between plan and apply (a saved plan applied later) would turn
	// a known value into an unknown one, which Terraform rejects as an
	// inconsistent final plan. The refresh time is the same in both plans,
	// so the decision is too; the next refresh moves the clock on.
	now, ok := checkedAt(ctx, req.Private)
	if !ok {
		now = r.data.clock()
	}
	if before, ok := knownDuration(plan.RotateBeforeExpiry); reason == "" && ok && !plan.ValidTo.IsUnknown() {
		if to, err := plan.ValidTo.Time(); !plan.ValidTo.IsNull() && err == nil && to.Sub(now) < before {
			reason = fmt.Sprintf("less than rotate_before_expiry (%s) of validity is left (valid_to %s)", before, plan.ValidTo.ValueString())
		}
	}

	if reason != "" {
		tflog.Info(ctx, "planning an in-place token rotation", map[string]any{"token": state.ID.ValueString(), "reason": reason})
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

func (r *apiKeyTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.data.apiClient(&resp.Diagnostics)
	body := plan.tokenFromModel(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	body.ValidFrom, body.ValidTo = plan.ValidFrom.Millis(), plan.ValidTo.Millis()
	if lifetime, ok := knownDuration(plan.Lifetime); ok && body.ValidTo == 0 {
		body.ValidTo = r.data.clock().Add(lifetime).UnixMilli()
	}
	ref := body.KeyRef()
	secret, err := c.CreateToken(ctx, &body)
	if err != nil {
		addNGError(&resp.Diagnostics, "creating", "token", fmt.Sprintf("%q of API key %s", body.Identifier, ref), err)
		return
	}
	resp.Diagnostics.Append(setCheckedAt(ctx, resp.Private, r.data.clock())...)
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
// token that moved its validFrom may have been rotated outside Terraform:
// one validate call then tells whether the stored value still belongs to it.
func (r *apiKeyTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_api_key_token "+state.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ref, identifier := state.keyRef(), state.Identifier.ValueString()
	// One list reads the token and finds which of the values it rotated out
	// still work. A rotation whose rotated-out value is still unknown needs
	// the key's whole list, since Harness chose that value's identifier.
	rotated, pending := rotatedIDs(ctx, req.Private), pendingRotations(ctx, req.Private)
	filter := append([]string{identifier}, rotated...)
	if len(pending) > 0 {
		filter = nil
	}
	rows, err := c.ListTokens(ctx, ref, filter...)
	if err != nil {
		addNGError(&resp.Diagnostics, "reading", "token", fmt.Sprintf("%q of API key %s", identifier, ref), err)
		return
	}
	var agg *client.TokenAggregate
	for i, row := range rows {
		if row.Token.Identifier == identifier {
			agg = &rows[i]
		}
	}
	alive := stillWorking(rows, rotated, pending, r.data.clock())
	if agg == nil {
		tflog.Info(ctx, "token no longer exists in Harness (deleted or expired); removing it from state",
			map[string]any{"token": identifier, "api_key": ref.String()})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(setRotatedIDs(ctx, resp.Private, alive)...)
	resp.Diagnostics.Append(setPendingRotations(ctx, resp.Private, nil)...)
	resp.Diagnostics.Append(setCheckedAt(ctx, resp.Private, r.data.clock())...)
	if agg.Token.Expired(r.data.clock()) {
		// Harness purges expired tokens only through a lagging TTL index
		// (derived from harness-core, not promised by harness-api.md), so an
		// expired token may still be listed. It can never work again: treat
		// it as gone, and Create replaces it. An unknown expiry is not
		// expired (see client.Token.Expired).
		expiry, _ := agg.Token.ExpiresAt()
		tflog.Info(ctx, "token has expired in Harness; removing it from state so that it is created again",
			map[string]any{"token": identifier, "api_key": ref.String(), "expired_at": expiry.Format(time.RFC3339)})
		resp.State.RemoveResource(ctx)
		return
	}
	if from := state.ValidFrom.Millis(); from != 0 && agg.Token.ValidFrom > 0 && from != agg.Token.ValidFrom && !state.Value.IsNull() &&
		state.Value.ValueString() != "" {
		v, verr := c.ValidateToken(ctx, state.Value.ValueString())
		switch {
		case errors.Is(verr, client.ErrUnauthorized), verr == nil && (v.Identifier != identifier || v.APIKeyIdentifier != ref.Identifier):
			tflog.Warn(ctx, "the token's stored value no longer belongs to it; it was rotated outside Terraform", map[string]any{"token": identifier})
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateValueStale, []byte("true"))...)
		case verr != nil:
			tflog.Warn(ctx, "could not check whether the stored token value still works", map[string]any{"error": verr.Error()})
		}
	}
	state.applyToken(&agg.Token)
	state.ID = types.StringValue(tokenID(ref, identifier))
	// After an import rotation_grace_period is null: Harness does not keep
	// it. Take the default, so a plan with the default is empty.
	if state.RotationGracePeriod.IsNull() {
		state.RotationGracePeriod = types.StringValue(defaultRotationGracePeriod)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *apiKeyTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.data.apiClient(&resp.Diagnostics)
	want := plan.tokenFromModel(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ref, identifier := plan.keyRef(), plan.Identifier.ValueString()
	name := fmt.Sprintf("%q of API key %s", identifier, ref)
	newState := plan
	newState.Value = state.Value
	lifetime, hasLifetime := knownDuration(plan.Lifetime)
	pending := privateFlag(ctx, req.Private, privateValidityPending)
	rotated, rotations := rotatedIDs(ctx, req.Private), pendingRotations(ctx, req.Private)

	// cur is the token as Harness has it now.
	cur := state.tokenFromModel(ctx, &resp.Diagnostics)
	cur.ValidFrom, cur.ValidTo = state.ValidFrom.Millis(), state.ValidTo.Millis()
	rotating := plan.Value.IsUnknown()
	if rotating {
		grace, _ := knownDuration(plan.RotationGracePeriod)
		oldExpiry := r.data.clock().Add(grace)
		if to, err := state.ValidTo.Time(); err == nil && to.Before(oldExpiry) {
			oldExpiry = to
		}
		secret, err := c.RotateToken(ctx, ref, identifier, oldExpiry)
		if client.IsNotFound(err) {
			addGoneError(&resp.Diagnostics, "Token", name)
			return
		}
		if err != nil {
			addNGError(&resp.Diagnostics, "rotating", "token", name, err)
			return
		}
		// Save at once what the rotation achieved, so that a failure below
		// neither loses the new value nor makes the next apply rotate
		// again: the value, the settings that asked for it, with lifetime a
		// note that the new value still needs its own valid_to, and the
		// rotateTimestamp that identifies the value rotated out, which the
		// next Read or Delete finds if the list below fails. Harness moved
		// valid_from; the next read fills it in.
		saved := state
		saved.Value = types.StringValue(secret)
		saved.RotationTriggers, saved.Lifetime = plan.RotationTriggers, plan.Lifetime
		saved.RotateBeforeExpiry, saved.RotationGracePeriod = plan.RotateBeforeExpiry, plan.RotationGracePeriod
		saved.ValidFrom = timestampNull()
		pending = hasLifetime
		resp.Diagnostics.Append(setPrivateFlag(ctx, resp.Private, privateValueStale, false)...)
		resp.Diagnostics.Append(setPrivateFlag(ctx, resp.Private, privateValidityPending, pending)...)
		rotations = append(rotations, oldExpiry.UnixMilli())
		resp.Diagnostics.Append(setPendingRotations(ctx, resp.Private, rotations)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &saved)...)
		newState.Value = saved.Value

		// One list of the key's tokens reads the new token and finds the
		// old value: renamed rotated_…, expiring at the time just sent.
		rows, err := c.ListTokens(ctx, ref)
		if err != nil {
			addNGError(&resp.Diagnostics, "reading", "token", name+" after rotating it", err)
			return
		}
		found := false
		for _, row := range rows {
			if row.Token.Identifier == identifier {
				cur, found = row.Token, true
			}
		}
		rotated = stillWorking(rows, rotated, rotations, r.data.clock())
		resp.Diagnostics.Append(setRotatedIDs(ctx, resp.Private, rotated)...)
		resp.Diagnostics.Append(setPendingRotations(ctx, resp.Private, nil)...)
		if !found {
			addGoneError(&resp.Diagnostics, "Token", name)
			return
		}
	}
	if cur.ValidFrom == 0 || cur.ValidTo == 0 {
		agg, err := c.GetToken(ctx, ref, identifier)
		if err != nil {
			addNGError(&resp.Diagnostics, "reading", "token", name, err)
			return
		}
		cur = agg.Token
	}

	want.ValidFrom, want.ValidTo = plan.ValidFrom.Millis(), plan.ValidTo.Millis()
	if want.ValidFrom == 0 {
		want.ValidFrom = cur.ValidFrom
	}
	if want.ValidTo == 0 {
		want.ValidTo = cur.ValidTo
		if hasLifetime && (rotating || pending) {
			want.ValidTo = client.Millis(cur.ValidFrom).Add(lifetime).UnixMilli()
		}
	}
	if want.Name != cur.Name || want.Description != cur.Description || !maps.Equal(want.Tags, cur.Tags) ||
		want.ValidFrom != cur.ValidFrom || want.ValidTo != cur.ValidTo {
		got, err := c.UpdateToken(ctx, &want)
		if client.IsNotFound(err) {
			addGoneError(&resp.Diagnostics, "Token", name)
			return
		}
		if err != nil {
			addNGError(&resp.Diagnostics, "updating", "token", name, err)
			return
		}
		cur = *got
	}
	newState.applyToken(&cur)
	newState.ID = types.StringValue(tokenID(ref, identifier))
	resp.Diagnostics.Append(setPrivateFlag(ctx, resp.Private, privateValidityPending, false)...)
	resp.Diagnostics.Append(setCheckedAt(ctx, resp.Private, r.data.clock())...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &newState)...)
}

func (r *apiKeyTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyTokenResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	rotated := rotatedIDs(ctx, req.Private)
	if pending := pendingRotations(ctx, req.Private); len(pending) > 0 {
		rows, err := c.ListTokens(ctx, ref)
		if err != nil {
			addNGError(&resp.Diagnostics, "reading", "token", fmt.Sprintf("%q of API key %s, to find the value its last rotation "+
				"replaced, before deleting it", identifier, ref), err)
			return
		}
		rotated = stillWorking(rows, rotated, pending, r.data.clock())
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
		addNGError(&resp.Diagnostics, "deleting", "token", fmt.Sprintf("%q of API key %s", identifier, ref), err)
	}
}

// ImportState takes the official provider's token formats:
// `<parent_id>/<apikey_id>/<apikey_type>/<token_id>` with an optional
// `<org_id>/` or `<org_id>/<project_id>/` prefix. Harness cannot return
// the value, so it stays null until the token is rotated.
func (r *apiKeyTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
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
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("identifier"), rest[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), tokenID(ref, rest[0]))...)
}
