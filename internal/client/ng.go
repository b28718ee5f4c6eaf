package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Scope is a NextGen scope: the account (both empty), an organization, or a
// project inside an organization.
type Scope struct {
	Org     string
	Project string
}

func (s Scope) String() string {
	switch {
	case s.Project != "":
		return fmt.Sprintf("project %s of organization %s", s.Project, s.Org)
	case s.Org != "":
		return "organization " + s.Org
	}
	return "account scope"
}

// ngQuery is the accountIdentifier/orgIdentifier/projectIdentifier query
// every NextGen route takes (docs/design/harness-api.md 3.1, 5).
func (c *Client) ngQuery(sc Scope) url.Values {
	q := url.Values{"accountIdentifier": {c.cfg.AccountID}}
	if sc.Org != "" {
		q.Set("orgIdentifier", sc.Org)
	}
	if sc.Project != "" {
		q.Set("projectIdentifier", sc.Project)
	}
	return q
}

func (c *Client) ng(method, path string, q url.Values, body any) *request {
	return &request{method: method, path: path, query: q, body: body, auth: authAPIKey}
}

// ngEnvelope is NextGen's ResponseDTO {status, data, metaData, correlationId}.
type ngEnvelope[T any] struct {
	Status string `json:"status"`
	Data   T      `json:"data"`
}

// ngCall sends req and unwraps the envelope's data.
func ngCall[T any](ctx context.Context, c *Client, req *request) (T, error) {
	var env ngEnvelope[T]
	_, err := c.do(ctx, req, &env)
	return env.Data, err
}

// ngPage is NextGen's PageResponse.
type ngPage[T any] struct {
	TotalPages int `json:"totalPages"`
	TotalItems int `json:"totalItems"`
	PageIndex  int `json:"pageIndex"`
	Content    []T `json:"content"`
}

// ngPageSize is the page size of list calls: PageRequest.pageSize's
// @Max(100), the most Harness's NextGen list routes are documented to take.
const ngPageSize = 100

// ngList pages through a PageResponse route until a page comes back empty
// or the server's totalPages is reached, whatever page size it applied.
func ngList[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, error) {
	var all []T
	for page := 0; ; page++ {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("pageIndex", strconv.Itoa(page))
		pq.Set("pageSize", strconv.Itoa(ngPageSize))
		p, err := ngCall[ngPage[T]](ctx, c, c.ng("GET", path, pq, nil))
		if err != nil {
			return nil, err
		}
		all = append(all, p.Content...)
		if len(p.Content) == 0 || page+1 >= p.TotalPages {
			return all, nil
		}
	}
}

// notFoundPhrases are how NextGen words a missing object in the 400s it
// answers instead of 404s (docs/design/harness-api.md 3.2, 5).
var notFoundPhrases = []string{"doesn't exist", "does not exist", "not present", "is not found"}

// markNotFound reclassifies a 400 that says the object does not exist as
// ErrNotFound, so callers can tell "gone" from "invalid". The message must
// name the object (noun, such as "api key", and its identifier) as well as
// say it is missing: Harness's other 400s use the same phrases for other
// things ("Account detail is not present in the request", 6.1), and taking
// one of those for "gone" would silently drop a resource from state.
func markNotFound(err error, noun, identifier string) error {
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.StatusCode != 400 {
		return err
	}
	msg := strings.ToLower(apiErr.Message)
	if !strings.Contains(msg, noun) || !strings.Contains(msg, strings.ToLower(identifier)) {
		return err
	}
	for _, p := range notFoundPhrases {
		if strings.Contains(msg, p) {
			apiErr.Kind = KindNotFound
			break
		}
	}
	return err
}

// uncertainConflict reports whether err is an answer to a retried create
// whose earlier attempt may have been applied (connection dropped, 5xx):
// a DUPLICATE_FIELD, or a limit reached because of that very attempt.
func uncertainConflict(err error) bool {
	apiErr, ok := AsAPIError(err)
	if !ok || !apiErr.Uncertain {
		return false
	}
	return apiErr.Kind == KindConflict || strings.Contains(apiErr.Message, "Maximum limit has reached")
}

// IsLimitReached reports whether Harness refused a create because the
// parent already has the maximum number of API keys or the key the maximum
// number of tokens (docs/design/harness-api.md 3.2, 4).
func IsLimitReached(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && strings.Contains(apiErr.Message, "Maximum limit has reached")
}

// Millis converts Harness's epoch milliseconds to a time.
func Millis(v int64) time.Time { return time.UnixMilli(v).UTC() }

func tagsOrEmpty(t map[string]string) map[string]string {
	if t == nil {
		return map[string]string{}
	}
	return t
}
