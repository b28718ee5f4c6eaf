package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// tokenResourceDescription is the harness_api_key_token page's text.
const tokenResourceDescription = "A token under a Harness NextGen API key: the secret (`sat.…` or `pat.…`) that automation and " +
	"identity providers send to Harness, for example as the SCIM **Secret Token** in Microsoft Entra ID.\n\n" +
	"Harness shows a token's value only when it is created or rotated, so `value` is recorded then and kept from " +
	"state afterwards. Rotation happens **in place** through Harness's rotate endpoint, when `rotation_triggers` " +
	"change or, with `lifetime` and `rotate_before_expiry`, when the value is about to expire: the identifier stays, " +
	"the value changes, and the old value keeps working for `rotation_grace_period` (destroying the token deletes it " +
	"too).\n\n" +
	"A token deleted or expired in Harness is planned for creation again; a token rotated outside Terraform is " +
	"noticed and planned for rotation, because the stored value no longer works."

func (r *apiKeyTokenResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := tokenIdentityAttributes()
	maps.Copy(attrs, tokenValidityAttributes())
	maps.Copy(attrs, tokenRotationAttributes())
	resp.Schema = schema.Schema{MarkdownDescription: tokenResourceDescription, Attributes: attrs,
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock("token")}}
}

// tokenIdentityAttributes are the token's identity, its API key and its
// value.
func tokenIdentityAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
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
			Validators:    []validator.String{identifierValidator},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"apikey_type": apiKeyTypeAttribute("token"),
		"parent_id":   parentIDAttribute("token"),
		"org_id":      orgIDAttribute("token"),
		"project_id":  projectIDAttribute("token"),
		"value": schema.StringAttribute{
			Computed:  true,
			Sensitive: true,
			MarkdownDescription: "The token value, `<sat|pat>.<account>.<token id>.<secret>`. Harness shows it only when " +
				"the token is created or rotated, so it is kept from state; after `terraform import` it is null (Harness " +
				"cannot return it) until the token is rotated, for example by changing `rotation_triggers` after the first apply " +
				"that follows the import (that apply only records them, without rotating).",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
	}
}

// tokenValidityAttributes are the current value's validity window.
func tokenValidityAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"valid_from": schema.StringAttribute{
			Optional:   true,
			Computed:   true,
			CustomType: timestampType{},
			MarkdownDescription: "When the current value starts working, as an RFC 3339 time. Defaults to a random moment " +
				"one to two minutes before Harness issues the value (by Harness's clock, read from its answers): the create " +
				"sends it as a marker, so that a retry after a lost answer can tell the token it made from anyone else's. A " +
				"rotation issues a value valid from the rotation time unless this is set.",
			Validators:    []validator.String{timestampValidator},
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
			Validators:    []validator.String{timestampValidator},
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"lifetime": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "How long each value stays valid, as a Go duration such as `\"720h\"` (30 days). At " +
				"creation and at every rotation `valid_to` becomes the issue time plus `lifetime`; changing it moves " +
				"`valid_to` of the current value to `valid_from` plus the new lifetime. Conflicts with `valid_from` and `valid_to`. " +
				"At least `\"1h\"`, and at least an hour longer than `rotate_before_expiry`: a value must outlive the apply that " +
				"issues it.",
			Validators: []validator.String{
				atLeastDuration(minTokenLifetime, "a token value must outlive the apply that issues it and the consumers "+
					"updated in that apply (a create alone may take 20 minutes)"),
				stringvalidator.ConflictsWith(path.MatchRoot("valid_from"), path.MatchRoot("valid_to")),
			},
		},
	}
}

// tokenRotationAttributes say when and how the token is rotated in place.
func tokenRotationAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"rotation_triggers": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Arbitrary map of values that, when changed, rotate the token in place: a new value " +
				"under the same identifier, the old value working for `rotation_grace_period`. Use it like `keepers` of " +
				"the random provider, for example `{ rotated = \"2030-01\" }` or a `time_rotating` id. On an imported token " +
				"(whose value Terraform never saw) the first apply that sets them only records them, with a warning, so a " +
				"value in use elsewhere is not revoked; change them again after that apply to rotate.",
			Validators: []validator.Map{noNullElements{}},
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
		"on_full_key": schema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(onFullKeyRefuse),
			MarkdownDescription: "What a rotation does when the API key already holds Harness's limit of tokens " +
				"(the provider's `token_limit`, 5 by default; values rotated out and still in their grace period count). " +
				"Harness renames the old token before it checks that limit, so a rotation on a full key would lose the " +
				"token; the provider therefore reads the key's tokens first, deletes tokens that have expired " +
				"but that Harness has not purged yet, and then: `refuse` (default) fails the apply without sending " +
				"anything, saying which tokens the key holds and what to do; `delete_rotated_out` also deletes values " +
				"this token rotated out earlier, earliest expiry first and only as many as needed, so they stop working " +
				"at once instead of at the end of their grace period. Another token of the key is never deleted. A plan " +
				"that rotates warns when the rotation would not fit.",
			Validators: []validator.String{stringvalidator.OneOf(onFullKeyRefuse, onFullKeyDeleteRotatedOut)},
		},
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
		if before, ok := knownDuration(cfg.RotateBeforeExpiry); ok && lifetime-before < minTokenLifetime {
			resp.Diagnostics.AddAttributeError(path.Root("rotate_before_expiry"), "rotate_before_expiry must be shorter than lifetime",
				fmt.Sprintf("rotate_before_expiry (%s) leaves less than %s of lifetime (%s) before a new value is asked for, "+
					"so nearly every plan would rotate the token. Use a shorter rotate_before_expiry, for example a quarter "+
					"of the lifetime.", before, shortDuration(minTokenLifetime), lifetime))
		}
	}
	from, to := cfg.ValidFrom.Millis(), cfg.ValidTo.Millis()
	if from != 0 && to != 0 && from > to {
		resp.Diagnostics.AddAttributeError(path.Root("valid_to"), "valid_to is before valid_from",
			fmt.Sprintf("valid_to (%s) must not be before valid_from (%s).", cfg.ValidTo.ValueString(), cfg.ValidFrom.ValueString()))
	}
}
