package client

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Pacing keeps a Client, shared by every resource, data source, list and
// ephemeral resource of one provider instance, inside Harness's request
// budget: 1000 requests per minute per API key, enforced by Google Cloud
// Armor in front of the gateway, whose 429 carries no Retry-After
// (docs/design/harness-api.md 6.3).
//
// Two mechanisms, one per Client:
//
//   - A token bucket, run as GCRA (virtual scheduling): every HTTP attempt,
//     retries included, takes a token. For a budget of N requests per
//     window W the burst is B = N/20 and the bucket refills at N-B per W,
//     so any window of length W holds at most B + (N-B) = N requests
//     however the callers bunch up. For the default of 950 per minute that
//     is a burst of 47 and then one request every 66 ms: a thousand
//     parallel reads never exceed 950 in any minute (5% under Harness's
//     1000, a margin for network jitter bunching requests at the gateway),
//     and a small configuration (up to 47 requests) is not slowed at all.
//   - A shared pause: a 429 stops every caller until its Retry-After, or a
//     backoff growing with each consecutive pause (RetryWaitMin doubling
//     up to RetryWaitMax, jittered). Each pause also halves the rate (down
//     to 1/64), and the first requests after it go one at a time, so the
//     next 429, if any, costs one request, not a burst. The rate doubles
//     back once per half window of successes until it is full again.
//     A 429 to a request sent before the current pause began is covered by
//     that pause and does not open another.
type pacer struct {
	mu sync.Mutex
	// interval is the time between requests at the full rate; 0 means no
	// token bucket (pauses still apply).
	interval time.Duration
	burst    int
	// recoverEvery is how long the rate stays lowered before doubling back.
	recoverEvery time.Duration
	// tat is GCRA's theoretical arrival time: when the bucket is empty.
	tat time.Time

	pausedUntil time.Time
	// epoch counts pauses; a request carries the epoch it was sent in.
	epoch uint64
	// strikes counts pauses since the last success (the backoff exponent).
	strikes int
	// slowdown divides the rate by 2^slowdown; since is when it last changed.
	slowdown int
	since    time.Time

	taken  atomic.Int64 // tokens handed out, for tests and benchmarks
	pauses int64        // pauses opened, for tests and benchmarks
}

const (
	// DefaultMaxRequestsPerMinute is 5% under Harness's 1000 per minute per
	// API key (docs/design/harness-api.md 6.3).
	DefaultMaxRequestsPerMinute = 950
	// burstDivisor makes the burst a twentieth of the budget.
	burstDivisor = 20
	// maxSlowdown caps how far repeated 429s lower the rate (1/64).
	maxSlowdown = 6
)

// pacingWindow is the window the budget counts in, Harness's minute.
const pacingWindow = time.Minute

// newPacer paces to at most perMinute requests in any minute; perMinute
// <= 0 leaves only the shared 429 pause.
func newPacer(perMinute int) *pacer {
	p := &pacer{recoverEvery: pacingWindow / 2}
	if perMinute > 0 {
		p.burst = max(1, perMinute/burstDivisor)
		p.interval = pacingWindow / time.Duration(max(1, perMinute-p.burst))
	}
	return p
}

// clock is the time source of waits (the Client; tests fake it).
type clock interface {
	now() time.Time
	sleep(ctx context.Context, d time.Duration) error
}

// ticket is what a request carries from take to throttled or succeeded.
type ticket struct{ epoch uint64 }

// noTimeLeftError says a wait would end past the operation's bound; the
// wait is not started.
type noTimeLeftError struct {
	what string
	wait time.Duration
}

func (e *noTimeLeftError) Error() string {
	return fmt.Sprintf("the %s (%s) would end past the operation bound", e.what, roundDuration(e.wait))
}

// take waits for a token and for any pause to end. It fails at once,
// taking nothing, when that wait would end at or after deadline.
func (p *pacer) take(ctx context.Context, clk clock, deadline time.Time) (ticket, error) {
	for {
		now := clk.now()
		at, tk, err := p.reserve(now, deadline)
		if err != nil {
			return ticket{}, err
		}
		if at.After(now) {
			if err := clk.sleep(ctx, at.Sub(now)); err != nil {
				return ticket{}, err
			}
			if !p.current(tk) {
				// A pause began while this caller waited: its slot is
				// void; queue again behind the pause.
				continue
			}
		}
		p.taken.Add(1)
		return tk, nil
	}
}

// reserve books the earliest slot at or after now.
func (p *pacer) reserve(now, deadline time.Time) (time.Time, ticket, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	at, what := now, "wait for the request budget"
	if p.pausedUntil.After(at) {
		at, what = p.pausedUntil, "rate-limit pause"
	}
	if p.interval > 0 {
		if earliest := p.tat.Add(-p.tolerance()); earliest.After(at) {
			at, what = earliest, "wait for the request budget"
		}
	}
	if !deadline.IsZero() && !at.Before(deadline) {
		return at, ticket{}, &noTimeLeftError{what: what, wait: at.Sub(now)}
	}
	if p.interval > 0 {
		p.tat = later(p.tat, at).Add(p.emission())
	}
	return at, ticket{epoch: p.epoch}, nil
}

func (p *pacer) current(tk ticket) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return tk.epoch == p.epoch
}

// emission is the time between requests at the current rate.
func (p *pacer) emission() time.Duration { return p.interval << p.slowdown }

// tolerance lets the burst through at once; lowered rates have no burst.
func (p *pacer) tolerance() time.Duration {
	if p.slowdown > 0 {
		return 0
	}
	return time.Duration(p.burst-1) * p.interval
}

// throttled records a 429 to a request holding tk. When no pause covers
// it yet, it opens one, lasting pauseFor(consecutive pauses), and reports
// its length; otherwise it returns 0.
func (p *pacer) throttled(tk ticket, now time.Time, pauseFor func(strikes int) time.Duration) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if tk.epoch != p.epoch {
		return 0 // sent before the current pause began: that pause covers it
	}
	p.epoch++
	p.pauses++
	p.strikes++
	wait := pauseFor(p.strikes)
	p.pausedUntil = later(p.pausedUntil, now.Add(wait))
	p.slowdown = min(p.slowdown+1, maxSlowdown)
	p.since = p.pausedUntil
	// The bucket is empty when the pause ends: callers resume one at a
	// time at the lowered rate instead of all at once.
	p.tat = p.pausedUntil
	return wait
}

// succeeded records a success: the backoff starts over, and a rate lowered
// for at least recoverEvery doubles.
func (p *pacer) succeeded(tk ticket, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if tk.epoch != p.epoch {
		return // sent before the last pause; says nothing about the rate now
	}
	p.strikes = 0
	if p.slowdown > 0 && now.Sub(p.since) >= p.recoverEvery {
		p.slowdown--
		p.since = now
	}
}

// perMinute is the current rate in requests per minute, 0 when unpaced.
func (p *pacer) perMinute() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.interval == 0 {
		return 0
	}
	return int(time.Minute / p.emission())
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Parallelism is how many independent calls a caller fanning out work
// (such as a directory apply) should keep in flight: the burst the budget
// lets through at once, between 1 and 64, or 16 when pacing is off. More
// would only queue in the pacer, where each waiting call uses up its
// operation bound.
func (c *Client) Parallelism() int {
	if c.pacer.interval == 0 {
		return 16
	}
	return min(64, max(1, c.pacer.burst))
}
