package provider

import (
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// paceBudget is the gateway's budget per minute and the provider's
// max_requests_per_minute in TestAccCLI_pacedApplyStaysWithinBudget.
const paceBudget = 40

// One apply sending one request more than the budget allows in a minute
// (41 creates, a budget of 40 on both sides) is paced: no 429, and no
// 60-second window of the request log holds more than the budget. Without
// pacing the creates would all go within a second and the last one would
// get a 429. It takes a minute by construction; it runs the real CLI on
// one command so that no other command's requests share the window.
func TestAccCLI_pacedApplyStaysWithinBudget(t *testing.T) {
	cli := newTFCLI(t)
	m := newMockWithOptions(t, mockserver.Options{
		Profile:   mockserver.MustProfile("nextgen"),
		RateLimit: mockserver.RateLimit{Requests: paceBudget, Window: time.Minute},
	})
	cli.env = append(cli.env, fmt.Sprintf("%s=%d", envMaxRequestsPerMinute, paceBudget))
	cli.config(m, fmt.Sprintf(`
resource "harness_scim_user" "u" {
  count        = %d
  user_name    = format("paced%%03d@example.com", count.index)
  display_name = format("Paced %%03d", count.index)
}
`, paceBudget+1))
	cli.mustRun("apply", "-auto-approve", "-input=false")

	if n := m.RateLimited(); n != 0 {
		t.Errorf("the gateway answered %d requests with 429", n)
	}
	var times []time.Time
	for _, r := range m.Requests() {
		if r.Op != mockserver.OpCreateUser || r.Status != http.StatusCreated {
			t.Errorf("unexpected request %s %s: %d", r.Method, r.Path, r.Status)
		}
		times = append(times, r.Time)
	}
	if len(times) != paceBudget+1 {
		t.Fatalf("%d requests, want %d creates", len(times), paceBudget+1)
	}
	if err := withinBudget(times, paceBudget, time.Minute); err != nil {
		t.Error(err)
	}
}

// withinBudget checks that no window of length window holds more than
// budget of the times.
func withinBudget(times []time.Time, budget int, window time.Duration) error {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	for i := 0; i+budget < len(times); i++ {
		if span := times[i+budget].Sub(times[i]); span < window {
			return fmt.Errorf("requests %d to %d (%d of them) arrived within %s, over the budget of %d per %s",
				i+1, i+budget+1, budget+1, span.Round(time.Millisecond), budget, window)
		}
	}
	return nil
}
