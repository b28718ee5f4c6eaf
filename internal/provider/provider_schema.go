package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Schema is the provider block: where Harness is and how to reach it
// (connectionAttributes), and how requests are paced, retried and timed
// (requestAttributes).
func (p *harnessProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := connectionAttributes()
	maps.Copy(attrs, requestAttributes())
	attrs["batch_refresh"] = batchRefreshAttribute()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages who can get into Harness: SCIM users and groups, and the API keys, " +
			"tokens and service accounts that identity providers and automation use.",
		Attributes: attrs,
	}
}

// connectionAttributes are the endpoint, account, credential and SCIM
// generation.
func connectionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"endpoint": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Harness gateway URL. Defaults to `" + client.DefaultEndpoint + "`, or the `" + envEndpoint +
				"` environment variable. Self-managed installs use `https://<host>` (no `/gateway`). Plain `http://` is " +
				"refused unless the host is a loopback address (`127.0.0.1`, `::1`, `localhost`).",
			Validators: []validator.String{endpointValidator},
		},
		"account_id": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Harness account identifier. Defaults to the `" + envAccountID + "` environment variable.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"api_key": schema.StringAttribute{
			Optional:  true,
			Sensitive: true,
			MarkdownDescription: "Harness API token: a NextGen personal (`pat.`) or service-account (`sat.`) token, or a " +
				"FirstGen API key when `scim_generation = \"firstgen\"`. Defaults to the `" + envAPIKey + "` environment " +
				"variable. SCIM calls send it as `Authorization: Bearer`, NextGen REST calls as `x-api-key`.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"scim_generation": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Which Harness SCIM API to use: `nextgen` (default, `/ng/api/scim/account/<id>`) or " +
				"`firstgen` (`/api/scim/account/<id>`, the tenant URL in Microsoft's Entra ID tutorial). Defaults to the `" +
				envSCIMGeneration + "` environment variable, then `nextgen`. API keys, tokens and service accounts always " +
				"use the NextGen API.",
			Validators: []validator.String{stringvalidator.OneOf(string(client.NextGen), string(client.FirstGen))},
		},
	}
}

// requestAttributes are the retry, timeout, pacing and token-limit settings.
func requestAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"max_retries": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("How many times a request that failed with a connection error or HTTP 5xx "+
				"(except 501) is retried. Defaults to %d; `0` disables retries (then an HTTP 429 also fails at once). "+
				"HTTP 429 answers do not use up retries: they pause every request of this provider instance "+
				"(see `max_requests_per_minute`) until `operation_timeout`.", client.DefaultMaxRetries),
			Validators: []validator.Int64{int64validator.Between(0, 100)},
		},
		"retry_wait_min": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Shortest wait before a retry, as a Go duration (`500ms`, `2s`). Defaults to `" +
				client.DefaultRetryWaitMin.String() + "`. Waits double per attempt, with jitter, up to `retry_wait_max`.",
			Validators: []validator.String{positiveDuration},
		},
		"retry_wait_max": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Longest wait before a retry, as a Go duration. Also caps a `Retry-After` header. " +
				"Defaults to `" + client.DefaultRetryWaitMax.String() + "`.",
			Validators: []validator.String{positiveDuration},
		},
		"request_timeout": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Timeout of one HTTP attempt, as a Go duration. Defaults to `" +
				client.DefaultRequestTimeout.String() + "`.",
			Validators: []validator.String{positiveDuration},
		},
		"operation_timeout": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The longest one API call may take, as a Go duration: every attempt, retry backoff and " +
				"rate-limit wait of it together. Defaults to `" + client.DefaultOperationTimeout.String() + "`. A wait that " +
				"would end past it is not started; the error then says what was tried and for how long.",
			Validators: []validator.String{positiveDuration},
		},
		"max_requests_per_minute": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Client-side request budget of this provider instance, shared by every "+
				"resource, data source, list and ephemeral resource it serves: at most this many requests in any minute "+
				"(a twentieth of it at once), so a large apply stays under Harness's limit of 1000 requests per minute "+
				"per API key instead of running into HTTP 429s. Defaults to %d, or the `%s` environment variable; `0` "+
				"disables pacing (an HTTP 429 still pauses every request of the instance until its `Retry-After` or a "+
				"backoff, logged once at INFO).", client.DefaultMaxRequestsPerMinute, envMaxRequestsPerMinute),
			Validators: []validator.Int64{int64validator.AtLeast(0)},
		},
		"token_limit": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("How many tokens Harness lets one API key hold in this account "+
				"(its `tokenLimit`; values rotated out and still in their grace period count, and so do expired tokens "+
				"Harness has not purged yet). Defaults to %d, Harness's default. Harness support can raise it per "+
				"account and no API reports it, so set it when yours was raised: `harness_api_key_token` checks it "+
				"before every rotation (see `on_full_key`) and would otherwise refuse rotations Harness accepts. Never "+
				"set it higher than the account's real limit: a rotation on a key Harness considers full loses the token.",
				client.DefaultTokenLimit),
			Validators: []validator.Int64{int64validator.Between(1, 1000)},
		},
	}
}
