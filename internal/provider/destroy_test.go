package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Terraform plans the whole configuration again before a destroy (a
// normal plan, with the ids in state known), so a plan-time error that
// only shows up after an apply blocks the destroy of everything. These
// tests apply something that can only fail at apply and check that the
// destroy that ends each test still runs and leaves nothing behind.

// TestAccSCIMGroup_computedDuplicateMembersDestroy: members that are
// duplicates only once the ids are known (unknown while planning) fail the
// group's create before anything is sent, and the destroy removes the user
// that was created.
func TestAccSCIMGroup_computedDuplicateMembersDestroy(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			m.checkUserGone("dup@example.com"),
			func(*terraform.State) error {
				if n := len(m.Groups()); n != 0 {
					return fmt.Errorf("%d groups in Harness", n)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{{
			PreConfig: m.reset,
			Config: m.config(`
resource "harness_scim_user" "a" {
  user_name    = "dup@example.com"
  display_name = "Dup"
}

resource "harness_scim_group" "g" {
  display_name = "Dups"
  members      = [harness_scim_user.a.id, harness_scim_user.a.id]
}
`),
			ExpectError: expectErr(`Duplicate members`, `more than once`, `Nothing was sent to Harness`),
		}, {
			PreConfig: func() {
				if n := m.Count(mockserver.OpCreateGroup); n != 0 {
					t.Fatalf("CreateGroup was called %d times", n)
				}
			},
			// The failed group is planned again, with a warning only.
			Config: m.config(`
resource "harness_scim_user" "a" {
  user_name    = "dup@example.com"
  display_name = "Dup"
}

resource "harness_scim_group" "g" {
  display_name = "Dups"
  members      = [harness_scim_user.a.id, harness_scim_user.a.id]
}
`),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

// TestAccAPIKeyToken_validToPassedDestroy: a token with a fixed valid_to
// outlives it; the refresh drops the expired token and the plan creates it
// again. That plan warns, its apply fails before sending anything, and the
// destroy still runs.
func TestAccAPIKeyToken_validToPassedDestroy(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	clock := &testClock{}
	cfg := m.config(tokenConfig(fmt.Sprintf("valid_to = %q", time.Now().Add(2*time.Hour).UTC().Format(time.RFC3339))))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: clockFactories(clock),
		CheckDestroy:             m.checkNoKeysOrTokens(),
		Steps: []resource.TestStep{{
			Config: cfg,
		}, {
			PreConfig: func() {
				clock.Advance(3 * time.Hour)
				m.AdvanceTime(3 * time.Hour)
				m.reset()
			},
			Config:      cfg,
			ExpectError: expectErr(`valid_to is in the past`, `Nothing was sent to Harness`),
		}, {
			PreConfig: func() {
				if n := m.Count(mockserver.OpCreateToken); n != 0 {
					t.Fatalf("CreateToken was called %d times", n)
				}
			},
			Config:             cfg,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}
