package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// providerData is handed to resources and data sources. client is nil when
// a credential was unknown at plan time (it comes from another resource);
// operations that need the API then fail with a diagnostic naming it.
type providerData struct {
	client     *client.Client
	generation client.Generation // empty when unknown
	account    string            // the account identifier; empty when unknown
	unknown    []string          // provider attributes that were unknown

	// now is the clock; nil means time.Now. Tests set it (through
	// harnessProvider.now) to move time without sleeping.
	now func() time.Time

	// keys are the API keys harness_api_key planned or created through this
	// instance (see plannedKeys); they go away with it.
	keys plannedKeys

	// users are the Harness users harness_scim_user resources plan and
	// hold through this instance (see userHolders).
	users userHolders
}

// clock returns the current time: every time the provider compares with
// Harness's validity bounds comes from here, so tests can move it.
func (d *providerData) clock() time.Time {
	if d == nil || d.now == nil {
		return time.Now()
	}
	return d.now()
}

// plannedKeys returns this instance's registry of planned API keys; nil
// (which records nothing) when the provider is not configured.
func (d *providerData) plannedKeys() *plannedKeys {
	if d == nil {
		return nil
	}
	return &d.keys
}

// userHolders returns this instance's registry of SCIM users; nil (which
// records nothing) when the provider is not configured.
func (d *providerData) userHolders() *userHolders {
	if d == nil {
		return nil
	}
	return &d.users
}

// providerDataFrom converts the ProviderData a resource's Configure gets.
// It is nil while Terraform validates the configuration.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Configure Type",
			fmt.Sprintf("Expected *providerData, got: %T. Please report this issue to the provider developers.", raw))
		return nil
	}
	return d
}

// apiClient returns the client, or adds an error saying which provider
// attribute was unknown (typically a token created in the same apply).
func (d *providerData) apiClient(diags *diag.Diagnostics) *client.Client {
	switch {
	case d == nil:
		diags.AddError("Provider not configured",
			"The Harness provider was not configured before this operation. Please report this issue to the provider developers.")
		return nil
	case d.client == nil:
		envs := make([]string, 0, len(d.unknown))
		for _, attr := range d.unknown {
			envs = append(envs, attrEnv[attr])
		}
		diags.AddError("Harness provider configuration is not known yet",
			fmt.Sprintf("The provider attribute(s) %s depend on values that are only known after apply, and this operation "+
				"needs to call Harness now. Apply the resources they come from first (for example with -target), or set them "+
				"from static values or the environment variable(s) %s.", strings.Join(d.unknown, ", "), strings.Join(envs, ", ")))
		return nil
	}
	return d.client
}

// refreshDeferred reports whether a resource's Read must keep its prior
// state because the provider cannot call Harness in this plan: part of its
// configuration (typically api_key, from a token rotated in the same plan)
// is only known after apply. Failing instead would make rotating a token
// that another provider block uses impossible in one apply.
func (d *providerData) refreshDeferred(diags *diag.Diagnostics, object string) bool {
	if d == nil || d.client != nil || len(d.unknown) == 0 {
		return false
	}
	diags.AddWarning("Harness object not refreshed",
		fmt.Sprintf("%s was not read from Harness because the provider attribute(s) %s are only known after apply. "+
			"Terraform kept its last known state; the next plan refreshes it.", object, strings.Join(d.unknown, ", ")))
	return true
}
