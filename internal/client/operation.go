package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DefaultOperationTimeout bounds one call of the client: every attempt,
// retry backoff and pacing wait of one request (issue 11 item 11). Without
// it a request that never answers cost 9 attempts x request_timeout (60 s)
// plus about 2 minutes of backoff, 11 minutes, at the defaults. Five
// minutes still covers every retry of the default schedule (backoff sums to
// about 2 minutes) and several rate-limit pauses, and is then the longest
// one call can take: a wait that would end past it is not started, and the
// last attempt's timeout is cut to what is left.
const DefaultOperationTimeout = 5 * time.Minute

// operation is one logical call of do(): its attempts, waits and bound.
type operation struct {
	c        *Client
	req      *request
	start    time.Time
	deadline time.Time
	attempts int
	// failures counts failed attempts that use up MaxRetries (connection
	// errors and 5xx; not 429s, which wait in the pacer instead).
	failures  int
	throttled int
	uncertain bool
	confirmed bool
	// last is the last attempt's failure: an *APIError or a transport error.
	last error
}

// deadlineKey carries an operation's deadline to calls made inside it (the
// confirmGone read), so they share its bound instead of starting their own.
type deadlineKey struct{}

func (c *Client) newOperation(ctx context.Context, req *request) (context.Context, *operation) {
	now := c.now()
	deadline := now.Add(c.cfg.OperationTimeout)
	if outer, ok := ctx.Value(deadlineKey{}).(time.Time); ok && outer.Before(deadline) {
		deadline = outer
	}
	op := &operation{c: c, req: req, start: now, deadline: deadline}
	return context.WithValue(ctx, deadlineKey{}, deadline), op
}

func (op *operation) remaining() time.Duration { return op.deadline.Sub(op.c.now()) }

// attemptTimeout is request_timeout, cut to what the bound leaves.
func (op *operation) attemptTimeout() time.Duration {
	return max(0, min(op.c.cfg.RequestTimeout, op.remaining()))
}

// failed handles a failed attempt: it returns how long to wait before the
// next one, or the error that ends the call.
func (op *operation) failed(ctx context.Context, tk ticket, resp *response, err error) (time.Duration, error) {
	c, req := op.c, op.req
	op.last = err
	status := 0
	var retryAfter time.Duration
	if err == nil {
		status = resp.status
		apiErr := c.apiError(req, resp)
		apiErr.Attempts, apiErr.Uncertain = op.attempts, op.uncertain
		op.last = apiErr
		retryAfter = parseRetryAfter(resp.header.Get("Retry-After"), c.now())
		if op.confirmGone(ctx, apiErr) {
			return 0, apiErr
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		return 0, op.rateLimited(ctx, tk, retryAfter)
	case status != 0 && (status < 500 || status == http.StatusNotImplemented):
		return 0, op.last // Harness's answer; retrying would not change it
	}
	op.failures++
	if op.failures > c.cfg.MaxRetries {
		return 0, op.giveUp(op.retriesHint())
	}
	op.uncertain = true // the request may have reached Harness
	if req.beforeUncertainRetry != nil {
		if berr := req.beforeUncertainRetry(ctx); berr != nil {
			return 0, stoppedRetry(req, op.last, berr)
		}
	}
	wait := c.backoff(op.failures, retryAfter)
	if wait >= op.remaining() {
		return 0, op.giveUp(op.boundHint(&noTimeLeftError{what: "next retry's backoff", wait: wait}))
	}
	c.log.Debug(ctx, "retrying Harness API request", map[string]any{
		"method": req.method, "path": req.path, "attempt": op.attempts,
		"wait": wait.String(), "reason": c.masker.mask(retryReason(err, status)),
	})
	return wait, nil
}

// confirmGone runs the request's follow-up read after Harness's first 500
// for a missing NextGen key or token (see request.confirmGone).
func (op *operation) confirmGone(ctx context.Context, apiErr *APIError) bool {
	if apiErr.StatusCode != http.StatusInternalServerError || op.req.confirmGone == nil || op.confirmed {
		return false
	}
	op.confirmed = true
	if gerr := op.req.confirmGone(ctx); !IsNotFound(gerr) {
		return false
	}
	apiErr.Kind = KindNotFound
	apiErr.Message += " (a follow-up read found that the object does not exist)"
	return true
}

// rateLimited handles a 429: the shared pause, logged once when this 429
// opens it; the next take() sits it out. 429s do not use up MaxRetries (the
// pacer slows down instead); the operation bound ends them.
func (op *operation) rateLimited(ctx context.Context, tk ticket, retryAfter time.Duration) error {
	c := op.c
	op.throttled++
	if c.cfg.MaxRetries == 0 {
		return op.giveUp("Harness rate-limited the request (HTTP 429) and retries are disabled (max_retries = 0)")
	}
	wait := c.pacer.throttled(tk, c.now(), func(strikes int) time.Duration { return c.backoff(strikes, retryAfter) })
	if wait > 0 {
		fields := map[string]any{
			"wait": roundDuration(wait).String(), "retry_after_header": retryAfter > 0,
			"method": op.req.method, "path": op.req.path,
		}
		if rate := c.pacer.perMinute(); rate > 0 {
			fields["max_requests_per_minute_now"] = rate
		}
		c.log.Info(ctx, "Harness rate limit reached (HTTP 429): pausing every request of this provider", fields)
	}
	return nil
}

// waitFailed ends the call when waiting for the pacer failed.
func (op *operation) waitFailed(err error) error {
	var nt *noTimeLeftError
	if errors.As(err, &nt) {
		return op.giveUp(op.boundHint(nt))
	}
	return op.stopped(err)
}

// stopped ends a call whose context ended (Terraform was interrupted, or a
// resource's timeouts block ran out): the cause, what was tried, and the
// last failure when there was one.
func (op *operation) stopped(err error) error {
	msg := tried(op.attempts, op.c.now().Sub(op.start))
	if op.last != nil {
		msg += "; the last attempt failed: " + op.last.Error()
	}
	return fmt.Errorf("%s %s: %w (%s)", op.req.method, op.req.path, err, msg)
}

// succeeded completes the call with a 2xx answer.
func (op *operation) succeeded(resp *response, out any) (*response, error) {
	resp.attempts, resp.uncertain = op.attempts, op.uncertain
	return resp, op.c.decodeBody(op.req, resp, out)
}

// giveUp builds the error that ends a call which could still have gone on:
// the last failure, what was tried and which setting to change.
func (op *operation) giveUp(hint string) error {
	elapsed := op.c.now().Sub(op.start)
	var apiErr *APIError
	if errors.As(op.last, &apiErr) {
		apiErr.Attempts, apiErr.Elapsed, apiErr.Hint = op.attempts, elapsed, hint
		return apiErr
	}
	req := op.req
	if op.last == nil {
		return fmt.Errorf("%s %s: not sent: %s", req.method, req.path, hint)
	}
	return fmt.Errorf("%s %s: %w (%s; %s)", req.method, req.path, op.last, tried(op.attempts, elapsed), hint)
}

func (op *operation) retriesHint() string {
	return fmt.Sprintf("every retry allowed by max_retries (%d) failed; raise max_retries to keep trying longer",
		op.c.cfg.MaxRetries)
}

func (op *operation) boundHint(nt *noTimeLeftError) string {
	hint := fmt.Sprintf("%s; raise operation_timeout (%s) to keep trying longer", nt.Error(),
		roundDuration(op.c.cfg.OperationTimeout))
	if op.throttled > 0 {
		hint += fmt.Sprintf(". Harness answered 429 (rate limited) %d times: lower max_requests_per_minute or "+
			"run fewer operations against this account at once", op.throttled)
	}
	return hint
}

// tried says how many attempts took how long.
func tried(attempts int, elapsed time.Duration) string {
	s := "s"
	if attempts == 1 {
		s = ""
	}
	return fmt.Sprintf("after %d attempt%s in %s", attempts, s, roundDuration(elapsed))
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

func retryReason(err error, status int) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("HTTP %d", status)
}
