package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// planWarnings records the warnings the provider returns from
// PlanResourceChange, which terraform-plugin-testing has no check for, so a
// test can assert a plan-time warning.
type planWarnings struct {
	mu       sync.Mutex
	warnings []string
}

// factories serves the provider (on clock, when not nil) with its plans
// recorded.
func (w *planWarnings) factories(clock *testClock) map[string]func() (tfprotov6.ProviderServer, error) {
	p := &harnessProvider{version: "test"}
	if clock != nil {
		p.now = clock.Now
	}
	serve := providerserver.NewProtocol6WithError(p)
	return map[string]func() (tfprotov6.ProviderServer, error){
		"harness": func() (tfprotov6.ProviderServer, error) {
			s, err := serve()
			return &recordingServer{ProviderServer: s, w: w}, err
		},
	}
}

// reset forgets the warnings recorded so far.
func (w *planWarnings) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.warnings = nil
}

// expect checks that some recorded warning holds every part, in order
// (whitespace-insensitive), or, with none, that nothing was recorded.
func (w *planWarnings) expect(parts ...string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(parts) == 0 {
		if len(w.warnings) > 0 {
			return fmt.Errorf("unexpected plan warnings: %q", w.warnings)
		}
		return nil
	}
	re := expectErr(parts...)
	for _, got := range w.warnings {
		if re.MatchString(got) {
			return nil
		}
	}
	return fmt.Errorf("no plan warning matches %q; got %q", strings.Join(parts, " … "), w.warnings)
}

type recordingServer struct {
	tfprotov6.ProviderServer
	w *planWarnings
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.w.mu.Lock()
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityWarning {
				s.w.warnings = append(s.w.warnings, d.Summary+": "+d.Detail)
			}
		}
		s.w.mu.Unlock()
	}
	return resp, err
}

// advanceBoth moves the mock's clock and the provider's by d, so both see
// the same tokens expire.
func advanceBoth(m *testMock, clock *testClock, d time.Duration) {
	m.AdvanceTime(d)
	clock.Advance(d)
}
