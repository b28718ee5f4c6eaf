package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// testClock is the wall clock plus an offset that a test moves forward, so
// that time can pass between a plan and its apply without sleeping.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// clockFactories serves the provider with its clock (harnessProvider.now)
// on clock, the way terraform-provider-time injects a test clock.
func clockFactories(clock *testClock) map[string]func() (tfprotov6.ProviderServer, error) {
	p := &harnessProvider{version: "test", now: clock.Now}
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
