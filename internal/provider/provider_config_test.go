package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

const userBody = `
resource "harness_scim_user" "test" {
  user_name    = "pat@example.com"
  display_name = "Pat"
}
`

func TestAccProvider_configErrors(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	provider := func(attrs string) string { return "provider \"harness\" {\n" + attrs + "\n}\n" + userBody }
	full := fmt.Sprintf("  endpoint = %q\n  account_id = %q\n  api_key = %q\n", m.URL, m.AccountID(), m.Token())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				// TestMain unsets HARNESS_PLATFORM_API_KEY, so it is missing.
				Config:      provider(fmt.Sprintf("  endpoint = %q\n  account_id = %q", m.URL, m.AccountID())),
				ExpectError: expectErr("Missing Harness api_key", `Set the "api_key" attribute in the provider block or the HARNESS_PLATFORM_API_KEY environment variable`),
			},
			{
				Config:      provider(fmt.Sprintf("  endpoint = %q\n  api_key = %q", m.URL, m.Token())),
				ExpectError: expectErr("Missing Harness account_id", "HARNESS_ACCOUNT_ID environment variable"),
			},
			{
				Config:      provider("  endpoint = \"http://harness.example.com/gateway\"\n  account_id = \"a\"\n  api_key = \"k\""),
				ExpectError: expectErr("Invalid Harness endpoint", "uses plain http:// to a non-loopback host; use https://"),
			},
			{
				Config:      provider("  endpoint = \"ftp://127.0.0.1\"\n  account_id = \"a\"\n  api_key = \"k\""),
				ExpectError: expectErr("Invalid Harness endpoint", "must start with https://"),
			},
			{
				Config:      provider(full + `  scim_generation = "thirdgen"`),
				ExpectError: expectErr("scim_generation", `value must be one of: ["nextgen" "firstgen"]`),
			},
			{
				Config:      provider(full + `  request_timeout = "soon"`),
				ExpectError: expectErr("Invalid duration", `request_timeout must be a positive Go duration`),
			},
			{
				Config:      provider(full + `  max_retries = -1`),
				ExpectError: expectErr("max_retries", "value must be between 0 and 100"),
			},
			{
				Config:      provider(full + `  bogus = true`),
				ExpectError: expectErr("Unsupported argument"),
			},
		},
	})
	if n := len(m.Requests()); n != 0 {
		t.Errorf("configuration errors made %d Harness requests, want 0", n)
	}
}

func TestAccProvider_badCredential(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
provider "harness" {
  endpoint        = %q
  account_id      = %q
  api_key         = "pat.wrong.000000000000000000000000.notTheRightSecret00"
  scim_generation = %q
}
`, m.URL, m.AccountID(), generationOf(p)) + userBody,
				// NextGen answers 401 INVALID_TOKEN, FirstGen 400 "User not
				// authorized"; both get the credential hint.
				ExpectError: expectErr("Error creating SCIM user", "Harness rejected the credential. Check the provider's api_key"),
			}},
		})
		// A rejected credential is not retried.
		if n := m.Count(mockserver.OpCreateUser); n != 1 {
			t.Errorf("CreateUser requests = %d, want 1 (an auth failure must not be retried)", n)
		}
	})
}

// TestAccProvider_unknownCredential feeds api_key from a value only known
// after apply: configuring the provider is deferred, not refused.
func TestAccProvider_unknownCredential(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				Config: fmt.Sprintf(`
resource "terraform_data" "key" {
  input = %[3]q
}

provider "harness" {
  endpoint        = %[1]q
  account_id      = %[2]q
  api_key         = terraform_data.key.output
  scim_generation = %[4]q
}
`, m.URL, m.AccountID(), m.Token(), generationOf(p)) + userBody,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("harness_scim_user.test", tfjsonpath.New("user_name"), knownvalue.StringExact("pat@example.com")),
				},
			}},
		})
	})
}

func TestAccProvider_retriesTransientFailures(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			Steps: []resource.TestStep{{
				PreConfig: func() {
					m.reset()
					// A 503, then a 429 with Retry-After, then success.
					m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, Status: http.StatusServiceUnavailable})
					m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, Status: http.StatusTooManyRequests,
						Header: http.Header{"Retry-After": {"1"}}})
				},
				Config: m.config(userBody),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpCreateUser: 3}),
				),
			}},
		})
	})
}

// TestAccProvider_connectionDroppedAfterCommit: Harness creates the user
// but the answer is lost; the retried POST adopts it, leaving one user
// that state tracks.
func TestAccProvider_connectionDroppedAfterCommit(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6Factories,
			CheckDestroy:             m.checkUserGone("pat@example.com"),
			Steps: []resource.TestStep{{
				PreConfig: func() {
					m.reset()
					m.InjectFault(mockserver.Fault{Op: mockserver.OpCreateUser, DropAfterCommit: true})
				},
				Config: m.config(userBody),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpCreateUser: 2}),
					func(s *terraform.State) error {
						id, err := stateAttr(s, "harness_scim_user.test", "id")
						if err != nil {
							return err
						}
						users := m.Users()
						if len(users) != 2 || userID(m, "pat@example.com") != id {
							return fmt.Errorf("want exactly admin + pat (%s) in Harness, got %+v", id, users)
						}
						return nil
					},
				),
			}},
		})
	})
}
