package client

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// newLimitedMock is a mock Harness behind a rate limit of requests per
// window and a latency, holding users SCIM users; it returns their ids.
func newLimitedMock(t *testing.T, requests int, window, latency time.Duration, users int) (*mockserver.Server, []string) {
	t.Helper()
	mock := mockserver.New(mockserver.Options{
		RateLimit: mockserver.RateLimit{Requests: requests, Window: window},
		Latency:   latency,
	})
	ids := make([]string, users)
	for i := range ids {
		ids[i] = mock.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("storm%d@example.com", i), DisplayName: fmt.Sprintf("Storm %d", i)}).ID
	}
	return mock, ids
}

// stormResult is what one storm run cost.
type stormResult struct {
	failed, limited, pauses int
	elapsed                 time.Duration
}

// runStorm reads every user at once, in parallel, through clients: one
// shared Client, or one Client per read (each request retrying alone, as
// before pacing).
func runStorm(t *testing.T, shared bool, log *recLogger) (stormResult, *Client) {
	mock, ids := newLimitedMock(t, 10, 10*time.Second, 80*time.Millisecond, 50)
	newClient := func() *Client {
		return newBubbleClient(t, mock, func(cfg *Config) {
			cfg.APIKey, cfg.AccountID, cfg.Logger = mock.Token(), mock.AccountID(), log
		})
	}
	one := newClient()
	var failed atomic.Int32
	start := time.Now()
	var wg sync.WaitGroup
	for _, id := range ids {
		c := one
		if !shared {
			c = newClient()
		}
		wg.Go(func() {
			u, err := c.GetSCIMUser(t.Context(), id)
			if err != nil || u.ID != id {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	return stormResult{failed: int(failed.Load()), limited: mock.RateLimited(), pauses: len(log.infos()),
		elapsed: time.Since(start)}, one
}

// TestRateLimitStorm is issue 7's storm: 50 parallel reads from one
// provider instance against a Harness that admits 10 requests per 10 s
// per key, with Cloud Armor's 429 (no Retry-After) and 80 ms latency.
// Every read completes without error. The 429s are bounded:
//
//   - the first wave: the budget's burst (47 at the default 950/min) goes
//     out at once, and the 48th, 66 ms later, before the first 429 is back
//     at 80 ms; the mock admits 10, so at most 48-10 = 38 are refused;
//   - after that, one per pause: a pause opens only for a 429 to a request
//     sent after the previous pause, and the requests after a pause go one
//     at a time, 133 ms or more apart (the halved rate), longer than the
//     latency, so the next 429 comes back before another request leaves;
//   - few pauses: the rate halves with each, and 1/16 of the default rate
//     (56/min) is under the mock's 60/min, so four or five pauses reach a
//     rate that fits, plus one for each half-minute recovery step that
//     overshoots.
//
// The same storm with one Client per read (each request retrying alone, as
// before pacing) is run for comparison and must cost more 429s.
func TestRateLimitStorm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := &recLogger{}
		got, c := runStorm(t, true, log)
		t.Logf("shared client: %d failed, %d answered 429, %d pauses, %s of fake time", got.failed, got.limited, got.pauses, got.elapsed)
		if got.failed != 0 {
			t.Errorf("%d reads failed", got.failed)
		}
		firstWave := c.pacer.burst + 1 - 10
		if got.pauses == 0 || int64(got.pauses) != c.pacer.pauses || got.pauses > 8 {
			t.Errorf("%d pauses logged, %d made; want one log line per pause and at most 8", got.pauses, c.pacer.pauses)
		}
		if got.limited > firstWave+got.pauses {
			t.Errorf("%d requests answered 429; the bound is the first wave (%d) plus one per pause (%d)", got.limited, firstWave, got.pauses)
		}

		alone, _ := runStorm(t, false, &recLogger{})
		t.Logf("one client per read: %d failed, %d answered 429, %s of fake time", alone.failed, alone.limited, alone.elapsed)
		if alone.limited <= got.limited {
			t.Errorf("retrying alone cost %d 429s, sharing the pause %d: sharing should cost fewer", alone.limited, got.limited)
		}
	})
}
