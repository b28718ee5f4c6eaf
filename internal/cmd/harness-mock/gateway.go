package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// gatewayFlags put a rate-limited, slow gateway in front of the mock, as
// Cloud Armor and the network are in front of Harness.
type gatewayFlags struct {
	rateLimit  string
	retryAfter bool
	latency    time.Duration
}

func (g *gatewayFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.rateLimit, "rate-limit", "",
		"request budget per API key, REQUESTS/WINDOW such as 1000/min (Harness's), 10/s or 50/10s; "+
			"over it the mock answers Cloud Armor's 429 (default: no limit)")
	fs.BoolVar(&g.retryAfter, "rate-limit-retry-after", false,
		"send Retry-After with the 429 (Harness's gateway sends none)")
	fs.DurationVar(&g.latency, "latency", 0, "delay before every answer, such as 80ms (default: none)")
}

// apply sets the gateway options.
func (g *gatewayFlags) apply(opts *mockserver.Options) error {
	limit, err := mockserver.ParseRateLimit(g.rateLimit)
	if err != nil {
		return fmt.Errorf("-rate-limit: %w", err)
	}
	if g.retryAfter && limit.Requests == 0 {
		return fmt.Errorf("-rate-limit-retry-after needs -rate-limit")
	}
	if g.latency < 0 {
		return fmt.Errorf("-latency %s is negative", g.latency)
	}
	limit.RetryAfter = g.retryAfter
	opts.RateLimit, opts.Latency = limit, g.latency
	return nil
}

// describeGateway is the startup line about the gateway, or "".
func describeGateway(opts mockserver.Options) string {
	if opts.RateLimit.Requests == 0 && opts.Latency == 0 {
		return ""
	}
	limit := "no rate limit"
	if opts.RateLimit.Requests > 0 {
		ra := "without Retry-After, as Harness's gateway"
		if opts.RateLimit.RetryAfter {
			ra = "with Retry-After"
		}
		limit = fmt.Sprintf("rate limit %s per API key (429 %s)", opts.RateLimit, ra)
	}
	return fmt.Sprintf("harness-mock: %s, latency %s\n", limit, opts.Latency)
}

// summary is the exit line: requests served and 429s.
func summary(srv *mockserver.Server) string {
	return fmt.Sprintf("harness-mock: %d requests, %d answered 429 by the rate limit\n", len(srv.Requests()), srv.RateLimited())
}
