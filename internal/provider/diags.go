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
	diags.AddError(fmt.Sprintf("Error %s %s", verb, object),
		fmt.Sprintf("%s%s %s %s failed: %s%s", strings.ToUpper(verb[:1]), verb[1:], object, name, err, hint))
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
