// Package client talks to Harness's SCIM 2.0 and NextGen API-key endpoints.
//
// It knows Harness's wire formats and quirks (docs/design/harness-api.md;
// comments cite its sections) and hides them behind typed methods and typed errors. It has
// no Terraform imports: the provider injects a Logger.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// DefaultEndpoint is Harness SaaS's gateway.
const DefaultEndpoint = "https://app.harness.io/gateway"

// Generation selects the SCIM API family.
type Generation string

// SCIM generations.
const (
	NextGen  Generation = "nextgen"
	FirstGen Generation = "firstgen"
)

// Defaults for Config fields left zero.
const (
	DefaultMaxRetries     = 8
	DefaultRetryWaitMin   = 1 * time.Second
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultRequestTimeout = 60 * time.Second
)

// Config configures a Client.
type Config struct {
	// Endpoint is the gateway base URL, e.g. https://app.harness.io/gateway.
	Endpoint  string
	AccountID string
	// APIKey is a NextGen personal (pat.) or service-account (sat.) token,
	// or a FirstGen API key for FirstGen SCIM.
	APIKey     string
	Generation Generation
	// MaxRetries is how many times a request that failed with a connection
	// error or a 5xx is retried; 0 means DefaultMaxRetries, a negative value
	// disables retries (of 429s too). A 429 does not use up retries: it
	// pauses the Client (see pacer) and the request waits its turn, within
	// OperationTimeout.
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RequestTimeout bounds one HTTP attempt, from sending to the end of
	// the answer; waits for the request budget do not count.
	RequestTimeout time.Duration
	// MaxRequestsPerMinute is the request budget of this Client: at most
	// this many HTTP attempts (retries included) in any 60 seconds, a
	// twentieth of them at once and the rest evenly spread. 0 means
	// DefaultMaxRequestsPerMinute (950, under Harness's 1000 per API key);
	// a negative value disables pacing (a 429 still pauses every caller).
	MaxRequestsPerMinute int
	// OperationTimeout bounds one call: every attempt, backoff and pacing
	// wait of one request. 0 means DefaultOperationTimeout; negative is an
	// error.
	OperationTimeout time.Duration
	UserAgent        string
	// TokenLimit is the account's tokenLimit, the number of tokens an API
	// key may hold; 0 means DefaultTokenLimit. Harness support can raise it
	// per account, and no API reports it.
	TokenLimit int
	Logger     Logger
	// HTTPClient overrides the pooled go-cleanhttp client (tests).
	HTTPClient *http.Client
}

// Client is safe for concurrent use.
type Client struct {
	cfg     Config
	base    *url.URL
	http    *http.Client
	log     Logger
	masker  *masker
	pacer   *pacer
	nowFn   func() time.Time
	sleepFn func(ctx context.Context, d time.Duration) error
	// maxPages bounds SCIM listings (maxSCIMPages; lowered in tests).
	maxPages int
	writes   writeCounts

	// serverTime bounds Harness's clock from its Date headers.
	serverTime serverClock
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	base, err := ValidateEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.AccountID == "" {
		return nil, errors.New("account ID is empty")
	}
	if cfg.APIKey == "" {
		return nil, errors.New("API key is empty")
	}
	if cfg.Generation == "" {
		cfg.Generation = NextGen
	}
	if cfg.Generation != NextGen && cfg.Generation != FirstGen {
		return nil, fmt.Errorf("unknown SCIM generation %q", cfg.Generation)
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = DefaultMaxRetries
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = DefaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.TokenLimit <= 0 {
		cfg.TokenLimit = DefaultTokenLimit
	}
	if cfg.MaxRequestsPerMinute == 0 {
		cfg.MaxRequestsPerMinute = DefaultMaxRequestsPerMinute
	}
	switch {
	case cfg.OperationTimeout < 0:
		return nil, fmt.Errorf("operation timeout %s is negative; every call needs a bound", cfg.OperationTimeout)
	case cfg.OperationTimeout == 0:
		cfg.OperationTimeout = DefaultOperationTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "terraform-provider-harness-scim"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
	}
	log := cfg.Logger
	if log == nil {
		log = nopLogger{}
	}
	return &Client{
		cfg:      cfg,
		base:     base,
		http:     hc,
		log:      log,
		masker:   newMasker(cfg.APIKey),
		pacer:    newPacer(cfg.MaxRequestsPerMinute),
		nowFn:    time.Now,
		sleepFn:  sleepCtx,
		maxPages: maxSCIMPages,
	}, nil
}

// AccountID is the configured account identifier.
func (c *Client) AccountID() string { return c.cfg.AccountID }

// Generation is the configured SCIM generation.
func (c *Client) Generation() Generation { return c.cfg.Generation }

// Endpoint is the configured gateway base URL.
func (c *Client) Endpoint() string { return c.base.String() }

// ValidateEndpoint parses a gateway URL and refuses plain http:// unless the
// host is a loopback address, so credentials never cross a network in clear.
func ValidateEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q is not a URL: %w", raw, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host; use a URL such as %s", raw, DefaultEndpoint)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q must not carry a query or fragment", raw)
	}
	if u.User != nil {
		// Credentials in the URL would be logged with every request URL;
		// Harness reads the key only from the api_key headers.
		return nil, fmt.Errorf("endpoint %q must not carry credentials; set api_key instead", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("endpoint %q uses plain http:// to a non-loopback host; use https:// (plain http is only allowed for 127.0.0.1, ::1 and localhost)", raw)
		}
	default:
		return nil, fmt.Errorf("endpoint %q must start with https://", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopbackHost reports whether host is localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authKind selects the credential header of an API family (docs/design/harness-api.md 6.1).
type authKind int

const (
	// authBearer sends "Authorization: Bearer <key>", the only header SCIM reads.
	authBearer authKind = iota
	// authAPIKey sends "x-api-key: <key>" for the NextGen REST APIs.
	authAPIKey
)

// request describes one API call.
type request struct {
	method string
	path   string // below the endpoint, starting with "/"
	query  url.Values
	body   any
	// rawBody, when set, is sent as is with Content-Type text/plain instead
	// of body as JSON (Harness's token validate route reads a plain string).
	rawBody []byte
	auth    authKind
	// scim marks SCIM routes: they take and answer application/scim+json.
	scim bool
	// secretResponse keeps the response body out of the logs.
	secretResponse bool
	// secretRequest keeps the request body out of the logs.
	secretRequest bool
	// apiKey overrides the configured credential (ephemeral checks).
	apiKey string
	// confirmGone, when set, is a read that answers ErrNotFound when the
	// object this request targets does not exist. Harness answers a PUT,
	// DELETE or rotate of a missing NextGen key or token with a 500
	// (docs/design/harness-api.md 3.2, 4), which would otherwise be retried for
	// minutes; on the first 500 do() calls confirmGone once and, when the
	// object is gone, stops with an ErrNotFound error.
	confirmGone func(ctx context.Context) error
	// beforeUncertainRetry, when set, is called before a request is sent
	// again after a failure that leaves open whether Harness applied it
	// (connection error or 5xx); an error stops the retries with it. A
	// rotation retried after an applied attempt rotates twice, which needs
	// room the key may not have (RotateToken).
	beforeUncertainRetry func(ctx context.Context) error
}

// response is a successful answer.
type response struct {
	status int
	header http.Header
	body   []byte
	// attempts and uncertain mirror APIError's fields.
	attempts  int
	uncertain bool
}

// do sends req, retrying connection errors and 5xx except 501 with capped
// exponential backoff and full jitter, honouring Retry-After, and waiting
// out 429s in the shared pacer, all within OperationTimeout. When out is
// non-nil and the answer has a body, the body is decoded into it.
func (c *Client) do(ctx context.Context, req *request, out any) (*response, error) {
	target, payload, err := c.prepare(req)
	if err != nil {
		return nil, err
	}
	ctx, op := c.newOperation(ctx, req)
	c.countWrite(req)
	for {
		tk, err := c.pacer.take(ctx, c, op.deadline)
		if err != nil {
			return nil, op.waitFailed(err)
		}
		op.attempts++
		resp, err := c.attempt(ctx, req, target, payload, op.attempts, op.attemptTimeout())
		if err == nil && resp.status < 300 {
			c.pacer.succeeded(tk, c.now())
			return op.succeeded(resp, out)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, op.stopped(ctxErr)
		}
		wait, err := op.failed(ctx, tk, resp, err)
		if err != nil {
			return nil, err
		}
		if wait > 0 {
			if err := c.sleep(ctx, wait); err != nil {
				return nil, op.stopped(err)
			}
		}
	}
}

// prepare encodes the body and builds the URL of req.
func (c *Client) prepare(req *request) (*url.URL, []byte, error) {
	payload := req.rawBody
	if payload == nil && req.body != nil {
		var err error
		payload, err = json.Marshal(req.body)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding %s %s request: %w", req.method, req.path, err)
		}
	}
	// req.path is already escaped (scimPath escapes each segment), so it is
	// parsed rather than assigned to URL.Path, which would escape it twice.
	target, err := url.Parse(c.base.String() + req.path)
	if err != nil {
		return nil, nil, fmt.Errorf("building %s %s request: %w", req.method, req.path, err)
	}
	if req.query != nil {
		target.RawQuery = req.query.Encode()
	}
	return target, payload, nil
}

// apiError decodes a failed answer, masked for diagnostics.
func (c *Client) apiError(req *request, resp *response) *APIError {
	apiErr := decodeError(req.method, req.path, resp.status, resp.header, resp.body)
	// Harness messages can echo what was sent; keep secrets out of
	// diagnostics.
	apiErr.Message = c.masker.mask(apiErr.Message)
	if apiErr.routeMissing {
		apiErr.Message = routeMissingHint(req.scim) + " Response: " + apiErr.Message
	}
	if apiErr.Kind == KindFirstGenDisabled {
		apiErr.NextGenTenantURL = c.base.String() + SCIMBasePath(NextGen, c.cfg.AccountID)
	}
	return apiErr
}

// decodeBody decodes a successful answer's body into out.
func (c *Client) decodeBody(req *request, resp *response, out any) error {
	if out == nil || len(bytes.TrimSpace(resp.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("decoding %s %s response: %w", req.method, req.path, err)
	}
	return nil
}

func (c *Client) now() time.Time { return c.nowFn() }

func (c *Client) sleep(ctx context.Context, d time.Duration) error { return c.sleepFn(ctx, d) }

// attempt sends the request once, within timeout. A nil error with a
// status >= 300 is an HTTP-level failure; a non-nil error is a transport
// failure (see transportError).
func (c *Client) attempt(ctx context.Context, req *request, target *url.URL, payload []byte, n int, timeout time.Duration) (*response, error) {
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := c.newHTTPRequest(actx, req, target, payload)
	if err != nil {
		return nil, err
	}
	// Masking a large body costs more than sending it; skip the bodies
	// when no Logger was configured.
	_, quiet := c.log.(nopLogger)
	start := time.Now()
	fields := map[string]any{"method": req.method, "url": c.masker.mask(target.String()), "attempt": n}
	switch {
	case payload != nil && req.secretRequest:
		fields["request_body"] = "(redacted: the request holds a secret)"
	case payload != nil && !quiet:
		fields["request_body"] = c.masker.body(payload)
	}
	hresp, err := c.http.Do(hreq)
	fields["duration_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		err = c.transportError(ctx, actx, err, timeout)
		fields["error"] = err.Error()
		c.log.Debug(ctx, "Harness API request failed", fields)
		return nil, err
	}
	defer func() { _ = hresp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, 64<<20))
	if err != nil {
		err = c.transportError(ctx, actx, err, timeout)
		fields["error"] = err.Error()
		c.log.Debug(ctx, "Harness API response unreadable", fields)
		return nil, err
	}
	fields["status"] = hresp.StatusCode
	c.serverTime.observe(hresp.Header.Get("Date"), c.now())
	if req.secretResponse && hresp.StatusCode < 300 {
		fields["response_body"] = "(redacted: the response holds a secret)"
	} else if len(data) > 0 && !quiet {
		fields["response_body"] = c.masker.body(data)
	}
	c.log.Debug(ctx, "Harness API request", fields)
	return &response{status: hresp.StatusCode, header: hresp.Header, body: data}, nil
}

// newHTTPRequest builds the HTTP request with Harness's headers.
func (c *Client) newHTTPRequest(ctx context.Context, req *request, target *url.URL, payload []byte) (*http.Request, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, target.String(), body)
	if err != nil {
		return nil, err
	}
	ctype, accept := "application/json", "application/json"
	switch {
	case req.scim:
		ctype, accept = "application/scim+json", "application/scim+json, application/json"
	case req.rawBody != nil:
		ctype = "text/plain"
	}
	hreq.Header.Set("Accept", accept)
	if payload != nil {
		hreq.Header.Set("Content-Type", ctype)
	}
	hreq.Header.Set("User-Agent", c.cfg.UserAgent)
	key := c.cfg.APIKey
	if req.apiKey != "" {
		key = req.apiKey
	}
	switch req.auth {
	case authBearer:
		hreq.Header.Set("Authorization", "Bearer "+key)
	case authAPIKey:
		hreq.Header.Set("x-api-key", key)
		hreq.Header.Set("Harness-Account", c.cfg.AccountID)
	}
	return hreq, nil
}

// transportError is a failed exchange: its text is masked (Go's errors
// quote the URL, and so the query), and an attempt that ran out of time
// says so; errors.Is still sees the cause.
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

func (c *Client) transportError(ctx, actx context.Context, err error, timeout time.Duration) error {
	msg := c.masker.mask(err.Error())
	if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
		limit := "request_timeout"
		if timeout < c.cfg.RequestTimeout {
			limit = "what operation_timeout left"
		}
		msg = fmt.Sprintf("no answer within %s (%s): %s", roundDuration(timeout), limit, msg)
	}
	return &transportError{msg: msg, err: err}
}

// stoppedRetry is the error of a request whose retry beforeUncertainRetry
// refused: the failure, marked uncertain, with the reason.
func stoppedRetry(req *request, last error, reason error) error {
	var apiErr *APIError
	if errors.As(last, &apiErr) {
		apiErr.Uncertain = true
		apiErr.Message += "; not retried: " + reason.Error()
		return apiErr
	}
	return fmt.Errorf("%s %s: %w (not retried: %w)", req.method, req.path, last, reason)
}

// backoff returns the wait before retry number attempt: full jitter over a
// capped exponential window, or Retry-After when Harness sent one (capped at
// RetryWaitMax so a hostile header cannot stall an apply for hours).
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.RetryWaitMax)
	}
	// Double RetryWaitMin per attempt, capped without ever shifting past
	// RetryWaitMax (a plain shift overflows for large waits or attempts).
	window := c.cfg.RetryWaitMax
	if shift := attempt - 1; shift < 62 && c.cfg.RetryWaitMin <= c.cfg.RetryWaitMax>>shift {
		window = c.cfg.RetryWaitMin << shift
	}
	// Keep at least half the window so retries still spread out.
	half := window / 2
	return half + rand.N(window-half+1)
}

// maxRetryAfterSeconds bounds a delay-seconds Retry-After (one day).
const maxRetryAfterSeconds = 24 * 60 * 60

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		// Beyond a day the caller's cap applies anyway; the bound keeps a
		// huge value from overflowing into a negative or tiny Duration.
		return time.Duration(min(secs, maxRetryAfterSeconds)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// routeMissingHint explains a 404 that did not come from Harness.
func routeMissingHint(scim bool) string {
	if scim {
		return "the endpoint has no such Harness SCIM API (HTTP 404 that is not a Harness error): check the provider's " +
			"endpoint and scim_generation (NextGen SCIM lives under /ng/api/scim, FirstGen SCIM under /api/scim)."
	}
	return "the endpoint has no such Harness API (HTTP 404 that is not a Harness error): check the provider's endpoint."
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
