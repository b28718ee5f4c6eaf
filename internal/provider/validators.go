package provider

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// endpointValidator refuses malformed endpoints and plain http:// to
// non-loopback hosts at plan time.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "must be an https:// URL, or http:// to a loopback address"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := client.ValidateEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Harness endpoint", err.Error())
	}
}

// durationValidator checks a Go duration string.
type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return `must be a positive Go duration such as "30s"`
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a positive Go duration such as \"30s\" or \"1m30s\", got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

// emailValidator checks that a value is a bare email address, which is what
// Harness uses userName for (harness-api.md 1.3).
type emailValidator struct{}

func (emailValidator) Description(context.Context) string { return "must be an email address" }

func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (emailValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := validateEmail(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid email address", fmt.Sprintf("%s %s", req.Path, err))
	}
}

func validateEmail(v string) error {
	if v != strings.TrimSpace(v) || v == "" {
		return fmt.Errorf("must be an email address without surrounding spaces, got %q", v)
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || addr.Name != "" {
		return fmt.Errorf("must be a plain email address such as \"alice@example.com\", got %q", v)
	}
	at := strings.LastIndex(v, "@")
	if at < 1 || !strings.Contains(v[at+1:], ".") || strings.ContainsAny(v, "\"") {
		return fmt.Errorf("must be a plain email address with a domain such as \"alice@example.com\", got %q", v)
	}
	return nil
}

// notBlankValidator refuses empty and whitespace-only strings.
type notBlankValidator struct{}

func (notBlankValidator) Description(context.Context) string {
	return "must not be empty or only spaces"
}

func (v notBlankValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notBlankValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if strings.TrimSpace(req.ConfigValue.ValueString()) == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty value", fmt.Sprintf("%s must not be empty or only spaces.", req.Path))
	}
}
