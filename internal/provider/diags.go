package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// addAPIError adds an error diagnostic for a failed Harness call: summary
// "Error <verb> <object>", a detail naming the object, Harness's own message
// and what to do about it. verb is a gerund such as "creating".
func addAPIError(diags *diag.Diagnostics, verb, object, name string, err error) {
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
