package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

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

// tfLogger adapts client.Logger to tflog, masking secrets again as a second
// line of defence.
type tfLogger struct {
	secrets []string
}

func newTFLogger(secrets ...string) *tfLogger {
	l := &tfLogger{}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

var logMaskPatterns = []*regexp.Regexp{client.SecretPattern}

func (l *tfLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.masked(ctx), msg, fields)
}

// Info carries the client's rate-limit pauses.
func (l *tfLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(l.masked(ctx), msg, fields)
}

func (l *tfLogger) masked(ctx context.Context) context.Context {
	ctx = tflog.SetField(ctx, "harness_api", true)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, logMaskPatterns...)
	ctx = tflog.MaskMessageRegexes(ctx, logMaskPatterns...)
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	return ctx
}
