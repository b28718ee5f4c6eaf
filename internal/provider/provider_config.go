package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

func (p *harnessProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{now: p.now}
	settings := resolveEnvSettings(ctx, &req.Config, data, &resp.Diagnostics)
	data.account = settings.accountID
	checkEnvSettings(&cfg, settings, &resp.Diagnostics)
	if !cfg.SCIMGeneration.IsUnknown() {
		data.generation = client.Generation(settings.generation)
		if data.generation == "" {
			data.generation = client.NextGen
		}
	}
	ccfg := client.Config{
		Endpoint: settings.endpoint, AccountID: settings.accountID, APIKey: settings.apiKey, Generation: data.generation,
		UserAgent: fmt.Sprintf("terraform-provider-harness-scim/%s (+https://%s) Terraform/%s", p.version, RegistryAddress, req.TerraformVersion),
		Logger:    newTFLogger(settings.apiKey),
	}
	applyRetrySettings(&cfg, &ccfg, &resp.Diagnostics)
	if !cfg.TokenLimit.IsNull() && !cfg.TokenLimit.IsUnknown() {
		ccfg.TokenLimit = int(cfg.TokenLimit.ValueInt64())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if len(data.unknown) == 0 {
		c, err := client.New(ccfg)
		if err != nil {
			resp.Diagnostics.AddError("Invalid Harness provider configuration", err.Error())
			return
		}
		data.client = c
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

// resolveEnvSettings reads each attribute of envSettingTable, by name, from
// the configuration, else from its environment variable; unknown
// attributes are listed in data.unknown, missing required ones are errors.
func resolveEnvSettings(ctx context.Context, cfg *tfsdk.Config, data *providerData, diags *diag.Diagnostics) envSettings {
	var out envSettings
	for _, s := range envSettingTable {
		var value types.String
		diags.Append(cfg.GetAttribute(ctx, path.Root(s.attr), &value)...)
		dst := s.to(&out)
		switch {
		case value.IsUnknown():
			data.unknown = append(data.unknown, s.attr)
		case !value.IsNull():
			*dst = value.ValueString()
		default:
			*dst = os.Getenv(s.env)
			if *dst == "" && s.required {
				diags.AddAttributeError(path.Root(s.attr), "Missing Harness "+s.attr,
					fmt.Sprintf("The provider needs %s. Set the %q attribute in the provider block or the %s environment variable.",
						s.attr, s.attr, s.env))
			}
		}
	}
	return out
}

// checkEnvSettings checks the values that came from the environment, which
// the attribute validators never saw.
func checkEnvSettings(cfg *providerModel, s envSettings, diags *diag.Diagnostics) {
	if s.endpoint != "" && cfg.Endpoint.IsNull() {
		if _, err := client.ValidateEndpoint(s.endpoint); err != nil {
			diags.AddAttributeError(path.Root("endpoint"), "Invalid "+envEndpoint, err.Error())
		}
	}
	if g := s.generation; g != "" && g != string(client.NextGen) && g != string(client.FirstGen) {
		diags.AddAttributeError(path.Root("scim_generation"), "Invalid "+envSCIMGeneration,
			fmt.Sprintf("%s is %q; use %q or %q.", envSCIMGeneration, g, client.NextGen, client.FirstGen))
	}
}

// applyRetrySettings copies max_retries, the request budget and the
// durations into ccfg.
func applyRetrySettings(cfg *providerModel, ccfg *client.Config, diags *diag.Diagnostics) {
	applyRequestBudget(cfg.MaxRequests, ccfg, diags)
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		ccfg.MaxRetries = int(cfg.MaxRetries.ValueInt64())
		if ccfg.MaxRetries == 0 {
			ccfg.MaxRetries = -1 // 0 in HCL means "no retries".
		}
	}
	for _, d := range []struct {
		attr  string
		value types.String
		out   *time.Duration
	}{
		{"retry_wait_min", cfg.RetryWaitMin, &ccfg.RetryWaitMin},
		{"retry_wait_max", cfg.RetryWaitMax, &ccfg.RetryWaitMax},
		{"request_timeout", cfg.RequestTimeout, &ccfg.RequestTimeout},
		{"operation_timeout", cfg.OperationTime, &ccfg.OperationTimeout},
	} {
		if d.value.IsNull() || d.value.IsUnknown() {
			continue
		}
		dur, problem := checkDuration(false, d.attr, d.value.ValueString())
		if problem != "" {
			diags.AddAttributeError(path.Root(d.attr), "Invalid duration", problem)
			continue
		}
		*d.out = dur
	}
}

// applyRequestBudget sets the client's request budget from
// max_requests_per_minute, else its environment variable; 0 disables
// pacing (the client's negative value), unset keeps the client's default.
func applyRequestBudget(attr types.Int64, ccfg *client.Config, diags *diag.Diagnostics) {
	var n int64
	switch {
	case attr.IsUnknown():
		return
	case !attr.IsNull():
		n = attr.ValueInt64()
	default:
		raw := os.Getenv(envMaxRequestsPerMinute)
		if raw == "" {
			return
		}
		v, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if err != nil || v < 0 {
			diags.AddAttributeError(path.Root("max_requests_per_minute"), "Invalid "+envMaxRequestsPerMinute,
				fmt.Sprintf("%s is %q; use a whole number of requests per minute, or 0 to disable pacing.", envMaxRequestsPerMinute, raw))
			return
		}
		n = v
	}
	if n == 0 {
		ccfg.MaxRequestsPerMinute = -1 // 0 in HCL means "no pacing".
		return
	}
	ccfg.MaxRequestsPerMinute = int(min(n, int64(1)<<31))
}
