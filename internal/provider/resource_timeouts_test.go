package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// A create that outlives its timeouts block stops, with the failed call
// (what it tried) and the setting that bounded it, and leaves nothing in
// Harness: the mock drops a create whose client hung up during its latency.
// First the group's and the token's creates both time out (the errors name
// each), then the group's alone, whose errors are checked in full; the
// next apply creates the group.
func TestAccResourceTimeouts_createStops(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	cfg := m.config(`
resource "harness_scim_group" "g" {
  display_name = "Slow"
  timeouts {
    create = "1s"
  }
}
` + tokenConfig(`
  timeouts {
    create = "1s"
  }
`))
	slow := func(ops ...string) func() {
		return func() {
			for _, op := range ops {
				m.InjectFault(mockserver.Fault{Op: op, Latency: time.Minute})
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{{
			PreConfig: slow(mockserver.OpCreateGroup, mockserver.OpCreateToken),
			Config:    cfg,
			ExpectError: regexp.MustCompile(`(?s)(` + both(`Timed out creating SCIM group "Slow"`, `Timed out creating token "entra_token"`) +
				`|` + both(`Timed out creating token "entra_token"`, `Timed out creating SCIM group "Slow"`) + `)`),
		}, {
			PreConfig: slow(mockserver.OpCreateGroup),
			Config:    cfg,
			ExpectError: expectErr(`Error creating SCIM group`, `POST /ng/api/scim/account/`, `context deadline exceeded (after 1 attempt in`,
				`Timed out creating SCIM group "Slow"`, `did not finish within 1s (timeouts.create, default 20m)`, `raise timeouts.create`),
		}, {
			PreConfig: func() {
				if n := len(m.Groups()); n != 0 {
					t.Fatalf("%d groups in Harness after the timeouts", n)
				}
			},
			Config: cfg,
			Check: func(*terraform.State) error {
				if len(m.Groups()) != 1 || len(m.Tokens()) != 1 {
					return fmt.Errorf("the apply after the timeouts did not leave one group and one token")
				}
				return nil
			},
		}},
	})
}

// both matches a, then b, anywhere after it.
func both(a, b string) string {
	return regexp.QuoteMeta(a) + `.*` + regexp.QuoteMeta(b)
}
