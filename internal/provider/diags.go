package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// addAPIError adds an error diagnostic for a failed Harness call: summary
// "Error <verb> <object>", a detail naming the object, Harness's own message
// and what to do about it. verb is a gerund such as "creating".
func addAPIError(diags *diag.Diagnostics, verb, object, name string, err error) {
	if client.IsFirstGenDisabled(err) {
		// Not this object's problem but the whole configuration's: say so
		// in the summary.
		diags.AddError("Harness FirstGen is disabled for this account",
			fmt.Sprintf("%s%s %s %s failed: %s%s", strings.ToUpper(verb[:1]), verb[1:], object, name, err, apiErrorHint(err)))
		return
	}
	addAPIErrorHint(diags, verb, object, name, err, apiErrorHint(err))
}

// addAPIErrorHint is addAPIError with a caller-chosen hint.
func addAPIErrorHint(diags *diag.Diagnostics, verb, object, name string, err error, hint string) {
	diags.AddError(apiErrorMessage(verb, object, name, err, hint))
}

// apiErrorMessage is the summary and detail of a failed Harness call, for
// callers that report it at another severity.
func apiErrorMessage(verb, object, name string, err error, hint string) (summary, detail string) {
	return fmt.Sprintf("Error %s %s", verb, object),
		fmt.Sprintf("%s%s %s %s failed: %s%s", strings.ToUpper(verb[:1]), verb[1:], object, name, err, hint)
}

// apiErrorHint says what a user can do about common failures.
func apiErrorHint(err error) string {
	switch {
	case errors.Is(err, client.ErrUnauthorized):
		return "\n\nHarness rejected the credential. Check the provider's api_key (or HARNESS_PLATFORM_API_KEY): it must be " +
			"a valid, unexpired token of the account in account_id, and for scim_generation = \"firstgen\" a FirstGen API key."
	case client.IsFirstGenDisabled(err):
		return firstGenDisabledHint(err)
	case errors.Is(err, client.ErrForbidden):
		return "\n\nThe token lacks a permission this call needs. SCIM users need core_user_view/core_user_manage, SCIM groups " +
			"core_usergroup_view/core_usergroup_manage, and API keys core_serviceaccount_manageapikey on the service account."
	case errors.Is(err, client.ErrRateLimited):
		return "\n\nHarness kept answering HTTP 429 (rate limited) after every retry. Retry later, lower terraform's " +
			"-parallelism, or raise the provider's max_retries and retry_wait_max."
	case errors.Is(err, client.ErrServer):
		return "\n\nHarness kept failing after every retry; this is usually temporary. Run the command again later."
	}
	return ""
}

// firstGenDisabledHint says what to do on an account migrated to NextGen,
// whose FirstGen SCIM API answers every call with DisableFirstGenFilter's
// 403 ACCOUNT_MIGRATED_TO_NEXT_GEN (harness-core 1dcec145, 400-rest
// .../filter/DisableFirstGenFilter.java, lines 47-95): the provider and the
// identity provider must both move to NextGen SCIM.
func firstGenDisabledHint(err error) string {
	url := "<endpoint>/ng/api/scim/account/<account_id>"
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.NextGenTenantURL != "" {
		url = apiErr.NextGenTenantURL
	}
	return "\n\nHarness answered 403 ACCOUNT_MIGRATED_TO_NEXT_GEN: the account was migrated to Harness NextGen, where " +
		"FirstGen SCIM no longer works. Set scim_generation = \"nextgen\" in the provider configuration (with a NextGen " +
		"token, pat. or sat., as api_key), and change the SCIM tenant URL in your identity provider to the NextGen one, " +
		url + " (the data source harness_scim_tenant_url gives it), with a NextGen service-account token as its secret."
}

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

// quoteList renders ids as `user id "a", "b"`.
func quoteList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	noun := "user id"
	if len(ids) > 1 {
		noun = "user ids"
	}
	return noun + " " + strings.Join(q, ", ")
}

// importTarget is an object Harness already has where a create would have
// made one: what it is, and how to bring it under Terraform.
type importTarget struct {
	typeName string    // resource type, such as harness_service_account
	object   string    // "service account"
	label    string    // the object in diagnostics, such as "sa1" (account scope)
	id       string    // its terraform import ID
	attr     path.Path // the attribute that names it
	why      string    // optional: how the id follows from the configuration
	extra    string    // optional: what else to know after importing it
}

// addAlreadyExists reports a create that Harness refused because the
// object exists, and never takes the object over: it says whether an
// earlier attempt of this create may have made it, and how to import it.
// The framework does not tell a provider the resource's address, so the
// commands name it <name>; Terraform prints the address with the error.
func addAlreadyExists(diags *diag.Diagnostics, t importTarget, err error) {
	origin := "Nothing in this apply made it: another Terraform configuration, an apply that was interrupted (for " +
		"example killed) after Harness created it, or someone outside Terraform did."
	if apiErr, ok := client.AsAPIError(err); ok && apiErr.Uncertain {
		origin = "An earlier attempt of this create failed without a clear answer (a server error or a dropped " +
			"connection), so that attempt may have made it. But Harness keeps nothing that proves which request made " +
			"it, and it may belong to another Terraform configuration, so Terraform did not take it over."
	}
	addr := t.typeName + ".<name>"
	diags.AddAttributeError(t.attr, fmt.Sprintf("Harness already has this %s", t.object),
		fmt.Sprintf("Harness already has %s %s, so Terraform could not create it (Harness said: %s).%s\n\n%s\n\n"+
			"If this resource should manage it, import it, with the address Terraform shows with this error in place of "+
			"%s:\n\n  terraform import '%s' '%s'\n\nor with an import block:\n\n  import {\n    to = %s\n    id = %q\n  }\n\n"+
			"Otherwise change %s so that the two do not collide.%s",
			aOrAn(t.object), t.label, err, t.why, origin, addr, addr, t.id, addr, t.id, t.attr, t.extra))
}

// aOrAn prefixes a noun with its indefinite article.
func aOrAn(noun string) string {
	if strings.ContainsRune("aeiouAEIOU", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// tokenValueUnknownWarning says that Harness never returns a token value.
func tokenValueUnknownWarning() diag.Diagnostic {
	return diag.NewWarningDiagnostic("Harness does not return token values",
		"Harness shows a token's value only when it creates or rotates the token, so an imported harness_api_key_token "+
			"has value = null, and configuration generated for it cannot hold the value. Importing changes nothing in "+
			"Harness and the token keeps working. To get a value Terraform knows, rotate the token through Terraform: the "+
			"first apply after the import that sets rotation_triggers only records them; changing them in a later apply "+
			"rotates the token in place and records the new value.")
}
