package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// identifierRE and reservedIdentifiers are Harness's identifier rules
// (harness-api.md 3.1), checked at plan time. internal/mockserver has its
// own copy on purpose: the mock models Harness's server independently of
// the provider, so a mistake here is caught by the mock refusing the
// identifier instead of being shared by both.
var identifierRE = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$]{0,127}$`)

var reservedIdentifiers = []string{
	"or", "and", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "not", "null", "true", "false", "new", "var",
	"return", "account", "org",
}

// identifierValidator refuses identifiers Harness would reject.
type identifierValidator struct{}

func (identifierValidator) Description(context.Context) string {
	return "must start with a letter or _, contain only letters, digits, _ and $, be at most 128 characters, and not be a reserved word"
}

func (v identifierValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (identifierValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validateIdentifier(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Harness identifier", fmt.Sprintf("%s %s.", req.Path, err))
	}
}

func validateIdentifier(id string) error {
	switch {
	case !identifierRE.MatchString(id):
		return fmt.Errorf("is %q; Harness identifiers start with a letter or _, contain only letters, digits, _ and $, "+
			"and are at most 128 characters long", id)
	case slices.Contains(reservedIdentifiers, id):
		return fmt.Errorf("is %q, a word Harness reserves; choose another identifier", id)
	}
	return nil
}

// nonNegativeDurationValidator checks a Go duration that may be zero.
type nonNegativeDurationValidator struct{}

func (nonNegativeDurationValidator) Description(context.Context) string {
	return `must be a Go duration such as "1h" or "0s"`
}

func (v nonNegativeDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (nonNegativeDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a Go duration of zero or more, such as \"1h\", \"30m\" or \"0s\", got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

// knownDuration parses a validated duration attribute; null, unknown and
// unparsable values are ok=false.
func knownDuration(v types.String) (time.Duration, bool) {
	if v.IsNull() || v.IsUnknown() {
		return 0, false
	}
	d, err := time.ParseDuration(v.ValueString())
	return d, err == nil
}

// ---- shared attributes ----

func identifierAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Identifier of the %s: starts with a letter or `_`, then letters, digits, `_` or `$`, "+
			"at most 128 characters; Harness reserves a few words such as `true` and `account`. Harness cannot rename "+
			"identifiers, so changing it replaces the %s.", what, what),
		Validators:    []validator.String{identifierValidator{}},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func nameAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: fmt.Sprintf("Display name of the %s. Changing it updates the %s in place.", what, what),
		Validators:          []validator.String{notBlankValidator{}, stringvalidator.LengthAtMost(128)},
	}
}

func descriptionAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(""),
		MarkdownDescription: fmt.Sprintf("Description of the %s, at most 1024 characters. Defaults to empty.", what),
		Validators:          []validator.String{stringvalidator.LengthAtMost(1024)},
	}
}

func tagsAttribute(what string) schema.MapAttribute {
	return schema.MapAttribute{
		Optional:    true,
		Computed:    true,
		ElementType: types.StringType,
		Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
		MarkdownDescription: fmt.Sprintf("Harness tags of the %s, as a map of key to value (a tag without a value has "+
			"value `\"\"`). Defaults to no tags.", what),
	}
}

func orgIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Identifier of the organization the %s belongs to. Omit it for account scope. "+
			"Changing it replaces the %s.", what, what),
		Validators:    []validator.String{identifierValidator{}},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func projectIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Identifier of the project the %s belongs to; needs `org_id`. Omit it for account "+
			"or organization scope. Changing it replaces the %s.", what, what),
		Validators: []validator.String{
			identifierValidator{},
			stringvalidator.AlsoRequires(path.MatchRoot("org_id")),
		},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func apiKeyTypeAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Type of the API key: `SERVICE_ACCOUNT` (tokens start with `sat.`; the usual "+
			"choice for an identity provider) or `USER` (a personal key; tokens start with `pat.`). Harness only lets a user "+
			"manage their own personal keys, so `USER` needs the provider's `api_key` to be that user's personal token. "+
			"Changing it replaces the %s.", what),
		Validators:    []validator.String{stringvalidator.OneOf(string(client.APIKeyTypeServiceAccount), string(client.APIKeyTypeUser))},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func parentIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Owner of the API key: the service account's identifier for `SERVICE_ACCOUNT` keys, "+
			"the Harness user id for `USER` keys. Changing it replaces the %s.", what),
		Validators:    []validator.String{notBlankValidator{}},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// ---- conversions ----

func scopeOf(org, project types.String) client.Scope {
	return client.Scope{Org: knownString(org), Project: knownString(project)}
}

// joinID joins the non-empty parts of an ID with "/".
func joinID(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "/")
}

func tagsFromModel(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func tagsToModel(tags map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(tags))
	for k, v := range tags {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

// ---- diagnostics ----

// addNGError reports a failed NextGen call like addAPIError, with hints for
// the API-key family's own failures taking precedence.
func addNGError(diags *diag.Diagnostics, verb, object, name string, err error) {
	hint := ngErrorHint(err)
	if hint == "" {
		hint = apiErrorHint(err)
	}
	addAPIErrorHint(diags, verb, object, name, err, hint)
}

func ngErrorHint(err error) string {
	apiErr, ok := client.AsAPIError(err)
	if !ok {
		return ""
	}
	switch {
	case strings.Contains(apiErr.Message, "No user identifier present in context"):
		return "\n\nHarness only lets a user create and change their own personal (USER) API keys and tokens, and the " +
			"provider's api_key is a service-account token (sat.), which belongs to no user. Use apikey_type = " +
			"\"SERVICE_ACCOUNT\" with a harness_service_account as parent_id, or configure the provider with the personal " +
			"token (pat.) of the user in parent_id."
	case strings.Contains(apiErr.Message, "not authenticated to create api key for user"):
		return "\n\nHarness only lets a user manage their own personal (USER) API keys: parent_id must be the Harness user " +
			"id of the user whose personal token (pat.) the provider's api_key is. For an identity provider, use apikey_type = " +
			"\"SERVICE_ACCOUNT\" with a harness_service_account instead."
	case client.IsLimitReached(err):
		return "\n\nHarness allows at most 5 API keys per service account or user and 5 tokens per API key (a rotated " +
			"token counts until its old value expires). Delete keys or tokens that are no longer used, or ask Harness " +
			"support to raise apiKeyLimit/tokenLimit for the account."
	case apiErr.Code == "RESOURCE_NOT_FOUND_EXCEPTION":
		return "\n\nThe service account in parent_id does not exist in this scope. Create it first (for example with " +
			"harness_service_account, referencing its identifier so Terraform orders the two) with the same org_id and project_id."
	case errors.Is(err, client.ErrConflict):
		return "\n\nHarness already has an object with this identifier (identifiers are compared case-insensitively). " +
			"Choose another identifier, or bring the existing one under Terraform with terraform import."
	}
	return ""
}

// addGoneError reports an update of an object deleted while Terraform ran.
func addGoneError(diags *diag.Diagnostics, object, name string) {
	diags.AddError(fmt.Sprintf("%s was deleted outside Terraform", object),
		fmt.Sprintf("The %s %s no longer exists in Harness. Run terraform apply again: the refresh will notice and plan to create it.", object, name))
}
