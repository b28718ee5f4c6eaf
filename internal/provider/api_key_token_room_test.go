package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Tests of the room a rotation needs on its API key (api_key_token_room.go)
// against the mock's real limit: TokenServiceImpl.rotateToken renames the
// old token before createToken checks the 5 tokens per key, which the
// mock's TestNGRotationAtTokenLimit pins. A planned rotation reads the
// key's tokens three times more than before (ListTokens: the plan's check,
// the same check when terraform plans again at apply, and the apply's
// authoritative one); a refused rotation sends nothing else.

// rotateConfig is tokenConfig with rotation_triggers { n = n } and extra.
func rotateConfig(m *testMock, n int, extra string) string {
	return m.config(tokenConfig(fmt.Sprintf("  rotation_triggers = { n = \"%d\" }\n%s", n, extra)))
}

// mintOthers adds tokens named ids to the key "entra" out of band.
func mintOthers(t *testing.T, m *testMock, validFor time.Duration, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := m.MintToken(mockserver.TokenSpec{Key: saKey("entra"), Identifier: id, ValidFor: validFor}); err != nil {
			t.Fatal(err)
		}
	}
}

// expectToken checks that the key holds the token and that its value in
// state is the mock's and works.
func (m *testMock) expectToken(value *string) error {
	if _, ok := m.LookupToken(saKey("entra"), "entra_token"); !ok {
		return fmt.Errorf("token entra_token is gone from Harness")
	}
	if err := m.expectStoredValue("entra_token", value)(nil); err != nil {
		return err
	}
	return m.expectNGWorks(map[*string]bool{value: true})
}

// expectNGWorks is expectWorks on the NextGen REST API (x-api-key), which
// takes NextGen tokens under every profile (FirstGen SCIM does not).
func (m *testMock) expectNGWorks(want map[*string]bool) error {
	hc := &http.Client{}
	defer hc.CloseIdleConnections()
	for v, ok := range want {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
			m.URL+"/ng/api/serviceaccount/aggregate?accountIdentifier="+m.AccountID(), nil)
		if err != nil {
			return err
		}
		req.Header.Set("x-api-key", *v)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if got := resp.StatusCode == http.StatusOK; got != ok {
			return fmt.Errorf("token value %.12s…: works=%v (HTTP %d), want %v", *v, got, resp.StatusCode, ok)
		}
	}
	return nil
}

// The test: the token and 3 other tokens on a key, rotated twice
// within rotation_grace_period. The first rotation fits (the rotated-out
// value is the fifth token); the second would make Harness delete the
// token, so the plan warns and the apply refuses it without a RotateToken,
// keeping the token and its value. With on_full_key = "delete_rotated_out"
// the apply deletes the value the first rotation left (and only that) and
// rotates. Past the grace period Harness has purged the rotated-out values,
// and rotating needs no deletion. The API-key family is the same under
// every profile, FirstGen accounts included.
func TestAccAPIKeyToken_rotationNeedsRoom(t *testing.T) {
	forEachProfile(t, testRotationNeedsRoom)
}

func testRotationNeedsRoom(t *testing.T, p mockserver.Profile) {
	m := newMock(t, p)
	clock, w := &testClock{}, &planWarnings{}
	var v0, v1, v2, v3 string
	step := func(pre func()) func() {
		return func() {
			pre()
			m.reset()
			w.reset()
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(clock),
		Steps: []resource.TestStep{
			{Config: m.config(tokenConfig("")), Check: captureAttr(tokenAddr, "value", &v0)},
			{
				// The first rotation fits: the plan reads the key's tokens once
				// more (and again when terraform plans at apply), the apply
				// once before rotating and once after.
				PreConfig: step(func() { mintOthers(t, m, 0, "other1", "other2", "other3") }),
				Config:    rotateConfig(m, 1, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
						mockserver.OpListTokens: 5, mockserver.OpRotateToken: 1}),
					captureAttr(tokenAddr, "value", &v1),
					func(*terraform.State) error {
						if n := len(m.Tokens()); n != 5 {
							return fmt.Errorf("%d tokens on the key after the first rotation, want 5", n)
						}
						if err := m.expectToken(&v1); err != nil {
							return err
						}
						return w.expect()
					},
				),
			},
			{
				// The second, within the grace period: refused.
				PreConfig: step(func() {}),
				Config:    rotateConfig(m, 2, ""),
				ExpectError: expectErr(`Cannot rotate the token: its API key is full`,
					`Rotating token "entra_token" would delete it: Harness renames the old token before it checks the limit of 5 tokens per API key`,
					`holds 5 of its 5 tokens`, `"entra_token" (valid until`, `"rotated_`, `(replaced by a rotation; its old value works until`,
					`Delete a token of this key that is no longer used, or wait until`, `when the oldest rotated-out value expires`,
					`Or set on_full_key = "delete_rotated_out"`, `set the provider's token_limit`,
					`Nothing was sent to Harness: the token and its value are unchanged`),
			},
			{
				// Nothing was lost: no RotateToken, no DeleteToken, the token
				// and its value are intact, and the plan warned. Allowed to
				// delete the first rotation's leftover, the apply does.
				PreConfig: step(func() {
					// The refresh, the room read of the plan, of terraform's
					// plan at apply, and of the apply.
					if got := mockserver.CountsString(m.Counts()); got != "GetAPIKey=1 GetServiceAccount=1 ListTokens=4" {
						t.Errorf("the refused rotation made %s, want ListTokens=4 and no other write", got)
					}
					if err := m.expectToken(&v1); err != nil {
						t.Error(err)
					}
					if err := w.expect(`The planned rotation does not fit on the API key`, `As the key is now, the apply will refuse the rotation`); err != nil {
						t.Error(err)
					}
				}),
				Config: rotateConfig(m, 2, `  on_full_key = "delete_rotated_out"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
						mockserver.OpListTokens: 5, mockserver.OpDeleteToken: 1, mockserver.OpRotateToken: 1}),
					captureAttr(tokenAddr, "value", &v2),
					func(*terraform.State) error {
						if err := m.expectToken(&v2); err != nil {
							return err
						}
						// v0 was rotated out first and deleted; v1, rotated out
						// now, works for its grace period; the others are kept.
						if err := m.expectNGWorks(map[*string]bool{&v0: false, &v1: true}); err != nil {
							return err
						}
						for _, id := range []string{"other1", "other2", "other3"} {
							if _, ok := m.LookupToken(saKey("entra"), id); !ok {
								return fmt.Errorf("token %s was deleted", id)
							}
						}
						return w.expect(`The planned rotation deletes rotated-out token values`, `"rotated_`, `stops working then`)
					},
				),
			},
			{
				// Past the grace period Harness has purged v1's token: the
				// next rotation fits without deleting anything.
				PreConfig: step(func() { advanceBoth(m, clock, time.Hour+time.Minute) }),
				Config:    rotateConfig(m, 3, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
						mockserver.OpListTokens: 5, mockserver.OpRotateToken: 1}),
					captureAttr(tokenAddr, "value", &v3),
					func(*terraform.State) error {
						if err := m.expectToken(&v3); err != nil {
							return err
						}
						return w.expect()
					},
				),
			},
		},
	})
}

// With 4 other tokens on the key the first rotation is already refused.
// An expired token Harness has not purged yet (Options.KeepExpiredTokens:
// its TTL monitor lags) still counts; the apply deletes it, which is always
// safe, and rotates, without touching the live tokens.
func TestAccAPIKeyToken_fullKeyRotation(t *testing.T) {
	m := newMockWithOptions(t, mockserver.Options{Profile: mockserver.MustProfile(mockserver.DefaultProfile), KeepExpiredTokens: true})
	clock, w := &testClock{}, &planWarnings{}
	var v0, v1 string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: w.factories(clock),
		Steps: []resource.TestStep{
			{Config: m.config(tokenConfig("")), Check: captureAttr(tokenAddr, "value", &v0)},
			{
				PreConfig: func() {
					mintOthers(t, m, 0, "other1", "other2", "other3", "other4")
					m.reset()
				},
				Config: rotateConfig(m, 1, ""),
				ExpectError: expectErr(`Cannot rotate the token: its API key is full`, `holds 5 of its 5 tokens`, `"other4" (valid until`,
					`Delete a token of this key that is no longer used, then apply again`),
			},
			{
				// other4 gives way to a token that expires: the key is still
				// full, but the expired token may go.
				PreConfig: func() {
					if got := mockserver.CountsString(m.Counts()); got != "GetAPIKey=1 GetServiceAccount=1 ListTokens=4" {
						t.Errorf("the refused rotation made %s", got)
					}
					if err := m.expectToken(&v0); err != nil {
						t.Error(err)
					}
					m.RemoveToken(saKey("entra"), "other4")
					mintOthers(t, m, time.Minute, "expiring")
					advanceBoth(m, clock, 2*time.Minute)
					m.reset()
					w.reset()
				},
				Config: rotateConfig(m, 1, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					m.expectCounts(map[string]int{mockserver.OpGetServiceAccount: 1, mockserver.OpGetAPIKey: 1,
						mockserver.OpListTokens: 5, mockserver.OpDeleteToken: 1, mockserver.OpRotateToken: 1}),
					captureAttr(tokenAddr, "value", &v1),
					func(*terraform.State) error {
						if err := m.expectToken(&v1); err != nil {
							return err
						}
						if _, ok := m.LookupToken(saKey("entra"), "expiring"); ok {
							return fmt.Errorf("the expired token is still there")
						}
						for _, id := range []string{"other1", "other2", "other3"} {
							if _, ok := m.LookupToken(saKey("entra"), id); !ok {
								return fmt.Errorf("token %s was deleted", id)
							}
						}
						return w.expect()
					},
				),
			},
		},
	})
}

// configWithTokenLimit is the mock's provider block with token_limit.
func (m *testMock) configWithTokenLimit(limit int, body string) string {
	return strings.Replace(m.config(body), `retry_wait_max  = "20ms"`, fmt.Sprintf("retry_wait_max  = \"20ms\"\n  token_limit     = %d", limit), 1)
}

// token_limit is the limit the provider checks: at 4 the provider refuses a
// rotation on a key of 4 tokens that Harness (5) would take.
func TestAccAPIKeyToken_tokenLimitSetting(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	body := func(n int) string { return tokenConfig(fmt.Sprintf("  rotation_triggers = { n = \"%d\" }", n)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: m.configWithTokenLimit(4, body(0))},
			{
				PreConfig:   func() { mintOthers(t, m, 0, "other1", "other2", "other3"); m.reset() },
				Config:      m.configWithTokenLimit(4, body(1)),
				ExpectError: expectErr(`Cannot rotate the token: its API key is full`, `the limit of 4 tokens per API key`, `holds 4 of its 4 tokens`),
			},
			{
				PreConfig: func() {
					if n := m.Count(mockserver.OpRotateToken); n != 0 {
						t.Errorf("%d rotations sent", n)
					}
				},
				Config: m.configWithTokenLimit(5, body(1)),
				Check:  func(*terraform.State) error { return m.checkRotations(1) },
			},
		},
	})
}

// checkRotations checks how many rotations reached the mock since the last
// reset.
func (m *testMock) checkRotations(want int) error {
	if n := m.Count(mockserver.OpRotateToken); n != want {
		return fmt.Errorf("%d rotations sent, want %d", n, want)
	}
	return nil
}

// A token_limit above the account's real one lets a rotation through that
// Harness refuses after renaming the token (another writer filling the key
// between the check and the rotation does the same). The apply fails with
// Harness's message and what it left behind, the resource stays in state,
// and the next plan finds the token gone and creates it again: that create
// fails on the full key too, and its error lists the key's tokens and says
// the account's limit is below token_limit.
func TestAccAPIKeyToken_rotationRefusedByHarness(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	body := func(n int) string { return tokenConfig(fmt.Sprintf("  rotation_triggers = { n = \"%d\" }", n)) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{Config: m.configWithTokenLimit(6, body(0))},
			{
				PreConfig: func() { mintOthers(t, m, 0, "other1", "other2", "other3", "other4"); m.reset() },
				Config:    m.configWithTokenLimit(6, body(1)),
				ExpectError: expectErr(`Error rotating token`, `Maximum limit has reached`,
					`Harness had already renamed token "entra_token" to rotated_<letters>`),
			},
			{
				PreConfig: func() {
					if err := m.checkRotations(1); err != nil {
						t.Error(err)
					}
					m.reset()
				},
				Config: m.configWithTokenLimit(6, body(1)),
				ExpectError: expectErr(`Error creating token`, `Maximum limit has reached`, `holds 5 of its 6 tokens`, `"rotated_`,
					`or wait until`, `Harness counts fewer than token_limit (6) here, so this account's limit is lower`),
			},
		},
	})
	// The create read the key's tokens once to say why it failed.
	if got := mockserver.CountsString(m.Counts()); !strings.Contains(got, "CreateToken=1 ") || strings.Contains(got, "RotateToken") {
		t.Errorf("after the failed create: %s", got)
	}
}
