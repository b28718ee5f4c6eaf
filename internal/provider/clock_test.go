package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// testClock is the wall clock plus an offset that a test moves forward, so
// that time can pass between a plan and its apply without sleeping.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// clockedProvider is the provider whose harness_api_key_token resource
// reads the time from a test clock.
type clockedProvider struct {
	*harnessProvider
	clock *testClock
}

func (p clockedProvider) Resources(ctx context.Context) []func() fwresource.Resource {
	out := p.harnessProvider.Resources(ctx)
	for i, f := range out {
		if _, ok := f().(*apiKeyTokenResource); ok {
			out[i] = func() fwresource.Resource { return &apiKeyTokenResource{now: p.clock.Now} }
		}
	}
	return out
}

// clockFactories serves the provider with its token resource on clock.
func clockFactories(clock *testClock) map[string]func() (tfprotov6.ProviderServer, error) {
	p := clockedProvider{harnessProvider: New("test")().(*harnessProvider), clock: clock}
	return map[string]func() (tfprotov6.ProviderServer, error){
		"harness": providerserver.NewProtocol6WithError(p),
	}
}

// advanceClock is a plan check that moves the clock forward between a
// step's plan and its apply.
type advanceClock struct {
	clock *testClock
	by    time.Duration
}

func (a advanceClock) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	a.clock.Advance(a.by)
}
