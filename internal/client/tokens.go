package client

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Token is a NextGen token under an API key (docs/design/harness-api.md 4). Times are
// epoch milliseconds.
type Token struct {
	Identifier string `json:"identifier"`
	Name       string `json:"name"`
	// ValidFrom and ValidTo are sent only when non-zero on create; Harness
	// then uses now and now plus the key's default lifetime.
	ValidFrom int64 `json:"validFrom,omitempty"`
	ValidTo   int64 `json:"validTo,omitempty"`
	// ScheduledExpireTime is set on a token replaced by a rotation.
	ScheduledExpireTime *int64            `json:"scheduledExpireTime,omitempty"`
	Valid               bool              `json:"valid,omitempty"`
	AccountIdentifier   string            `json:"accountIdentifier"`
	OrgIdentifier       string            `json:"orgIdentifier,omitempty"`
	ProjectIdentifier   string            `json:"projectIdentifier,omitempty"`
	APIKeyIdentifier    string            `json:"apiKeyIdentifier"`
	ParentIdentifier    string            `json:"parentIdentifier"`
	APIKeyType          APIKeyType        `json:"apiKeyType"`
	Description         string            `json:"description"`
	Tags                map[string]string `json:"tags"`
	// Email and Username are filled by ValidateToken for personal tokens.
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
}

// KeyRef is the token's API key.
func (t *Token) KeyRef() APIKeyRef {
	return APIKeyRef{
		Scope: Scope{Org: t.OrgIdentifier, Project: t.ProjectIdentifier},
		Type:  t.APIKeyType, Parent: t.ParentIdentifier, Identifier: t.APIKeyIdentifier,
	}
}

// ExpiresAt is when the token stops working: its scheduled expiry after a
// rotation, otherwise validTo (docs/design/harness-api.md 4). ok is false when the
// expiry is unknown: validTo zero or missing without a scheduled expiry, or
// a scheduledExpireTime of zero or less. Harness always sets validTo on
// create, so such a token is odd, but nothing says it has stopped working.
func (t *Token) ExpiresAt() (at time.Time, ok bool) {
	switch {
	case t.ScheduledExpireTime != nil:
		if *t.ScheduledExpireTime <= 0 {
			return time.Time{}, false
		}
		return Millis(*t.ScheduledExpireTime), true
	case t.ValidTo <= 0:
		return time.Time{}, false
	}
	return Millis(t.ValidTo), true
}

// Expired reports whether the token is known to have stopped working by
// now. An unknown expiry is never expired: callers delete or forget expired
// tokens, and guessing wrong would destroy a live one.
func (t *Token) Expired(now time.Time) bool {
	at, ok := t.ExpiresAt()
	return ok && !at.After(now)
}

// SetKey copies a key reference into the token.
func (t *Token) SetKey(r APIKeyRef) {
	t.OrgIdentifier, t.ProjectIdentifier = r.Scope.Org, r.Scope.Project
	t.APIKeyType, t.ParentIdentifier, t.APIKeyIdentifier = r.Type, r.Parent, r.Identifier
}

// TokenAggregate is one row of the token list.
type TokenAggregate struct {
	Token          Token `json:"token"`
	ExpiryAt       int64 `json:"expiryAt"`
	CreatedAt      int64 `json:"createdAt"`
	LastModifiedAt int64 `json:"lastModifiedAt"`
}

const tokenPath = "/ng/api/token"

func (c *Client) tokenBody(t *Token) *Token {
	body := *t
	body.AccountIdentifier = c.cfg.AccountID
	body.Tags = tagsOrEmpty(t.Tags)
	body.ScheduledExpireTime, body.Valid, body.Email, body.Username = nil, false, "", ""
	return &body
}

// tokenQuery names a token's key with the six query parameters of the
// delete and rotate routes.
func (c *Client) tokenQuery(r APIKeyRef) url.Values {
	q := c.keyQuery(r)
	q.Set("apiKeyIdentifier", r.Identifier)
	return q
}

// CreateToken creates a token and returns its secret, which Harness shows
// only here and on rotation. The response is never logged.
//
// Harness creates a missing API key on the fly (docs/design/harness-api.md 4, quirk),
// so callers should make sure the key exists.
//
// When t.ValidFrom is zero, CreateToken sets it (in *t) to a marker: a
// millisecond picked at random in the minute that ended a minute before
// Harness's current time (bounded with serverClock, so the token works at
// once). Only a token carrying that exact validFrom can be the one this
// call's own earlier attempt made.
//
// When Harness refuses the identifier as taken, one read finds out by what:
//
//   - A token that has expired (Expired; an unknown expiry never is) but is
//     still stored:
//     Harness purges expired tokens only through a lagging TTL index
//     (harness-core Token.java, docs/design/harness-api.md 4), and
//     such a token can never work again. It is deleted and the token
//     created once more.
//   - The token an earlier attempt of this call made, proven by the marker
//     (madeByAttempt): that attempt may have been applied (the connection
//     dropped after Harness committed, or a 5xx) and its secret is lost. It
//     is rotated (recoverOwnToken), never deleted, and t.ValidFrom is reset
//     to zero because the rotation moved it.
//
// Anything else, above all a live token another configuration manages, is
// never touched: the DUPLICATE_FIELD error is returned.
func (c *Client) CreateToken(ctx context.Context, t *Token) (string, error) {
	marked := t.ValidFrom == 0
	if marked {
		t.ValidFrom = c.creationMarker()
	}
	secret, err := c.createToken(ctx, t)
	if err == nil || (!IsConflict(err) && !uncertainConflict(err)) {
		return secret, err
	}
	got, gerr := c.GetToken(ctx, t.KeyRef(), t.Identifier)
	if gerr != nil {
		return "", err
	}
	switch {
	case got.Token.Expired(time.Now()):
		c.log.Debug(ctx, "an expired token that Harness has not purged yet holds the identifier; deleting it and creating the token again",
			map[string]any{"identifier": t.Identifier, "api_key": t.APIKeyIdentifier})
	case marked && uncertainConflict(err) && madeByAttempt(t, &got.Token):
		return c.recoverOwnToken(ctx, t, err)
	default:
		return "", err
	}
	if derr := c.DeleteToken(ctx, t.KeyRef(), t.Identifier); derr != nil && !IsNotFound(derr) {
		return "", fmt.Errorf("%w; deleting the expired token that holds the identifier also failed: %w", err, derr)
	}
	return c.createToken(ctx, t)
}

// creationMarker is the validFrom CreateToken sends when the caller left
// it open (see CreateToken).
func (c *Client) creationMarker() int64 {
	latest := c.serverTime.notAfter(c.now()).Add(-time.Minute)
	return latest.Add(-time.Duration(rand.N(60_000)) * time.Millisecond).UnixMilli()
}

// recoverOwnToken gives the caller a working secret for the token an
// earlier attempt of this create made and whose secret was lost: it
// rotates the token, so the lost value stops working at once (its
// scheduled expiry is now) and Harness purges it, and returns the new
// value. err is the DUPLICATE_FIELD that led here.
func (c *Client) recoverOwnToken(ctx context.Context, t *Token, err error) (string, error) {
	c.log.Debug(ctx, "token create was retried after an uncertain failure; the token holding the identifier carries this "+
		"create's validFrom marker, so the first attempt made it; its secret is lost, so it is rotated",
		map[string]any{"identifier": t.Identifier, "api_key": t.APIKeyIdentifier})
	secret, rerr := c.RotateToken(ctx, t.KeyRef(), t.Identifier, c.serverTime.notAfter(c.now()))
	if rerr != nil {
		return "", fmt.Errorf("%w; the token holding the identifier is the one an earlier attempt of this create made "+
			"(its value was lost), but rotating it to get a new value failed: %w", err, rerr)
	}
	// Rotation made the value valid from Harness's "now".
	t.ValidFrom = 0
	return secret, nil
}

func (c *Client) createToken(ctx context.Context, t *Token) (string, error) {
	req := c.ng(http.MethodPost, tokenPath, c.ngQuery(Scope{}), c.tokenBody(t))
	req.secretResponse = true
	secret, err := ngCall[string](ctx, c, req)
	if err != nil {
		return "", err
	}
	if secret == "" {
		return "", fmt.Errorf("POST %s: Harness answered without a token value", tokenPath)
	}
	return secret, nil
}

// madeByAttempt reports whether got can only be the token a create
// request for want made: it carries want's validFrom marker (a random
// millisecond, see CreateToken) and everything else want asked for, and
// was never rotated.
func madeByAttempt(want, got *Token) bool {
	return got.ScheduledExpireTime == nil && got.ValidFrom == want.ValidFrom &&
		strings.EqualFold(got.Identifier, want.Identifier) && got.Name == want.Name &&
		got.Description == want.Description && maps.Equal(got.Tags, want.Tags) &&
		(want.ValidTo == 0 || want.ValidTo == got.ValidTo)
}

// ListTokens lists the tokens of a key, rotated ones included, newest
// change first. With identifiers, only those. Harness ignores an empty org
// or project in this filter, so rows from other scopes are dropped here.
//
// Harness sorts the list by lastModifiedAt, newest first (TokenResource.
// listAggregatedTokens), and pages by offset at most 100 rows at a time, so
// a token changed between two page reads can show up on both: it is kept
// once. (One changed the other way could be missed; a key holds at most
// its token limit, which fits one page unless the limit was raised past
// 100.)
func (c *Client) ListTokens(ctx context.Context, key APIKeyRef, identifiers ...string) ([]TokenAggregate, error) {
	q := c.tokenQuery(key)
	for _, id := range identifiers {
		q.Add("identifiers", id)
	}
	rows, err := ngList[TokenAggregate](ctx, c, tokenPath+"/aggregate", q)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if r.Token.KeyRef() == key && !seen[r.Token.Identifier] {
			seen[r.Token.Identifier] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// GetToken reads one token. Harness has no single-token GET, so this lists
// with an identifier filter; no match is an ErrNotFound error. An expired
// token is usually purged by Harness and then not found, but the purge lags
// and may return it: check Token.Expired.
func (c *Client) GetToken(ctx context.Context, key APIKeyRef, identifier string) (*TokenAggregate, error) {
	rows, err := c.ListTokens(ctx, key, identifier)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].Token.Identifier == identifier {
			return &rows[i], nil
		}
	}
	return nil, &APIError{Method: http.MethodGet, Path: tokenPath + "/aggregate", StatusCode: http.StatusOK,
		Message: fmt.Sprintf("no token %q under API key %s", identifier, key), Kind: KindNotFound}
}

// UpdateToken changes a token's name, description, tags and validity;
// Harness requires both validFrom and validTo. A missing token (Harness's
// 500, confirmed with one read) is an ErrNotFound error.
func (c *Client) UpdateToken(ctx context.Context, t *Token) (*Token, error) {
	if t.ValidFrom == 0 || t.ValidTo == 0 {
		return nil, fmt.Errorf("updating token %q: validFrom and validTo are required", t.Identifier)
	}
	req := c.ng(http.MethodPut, tokenPath+"/"+url.PathEscape(t.Identifier), c.ngQuery(Scope{}), c.tokenBody(t))
	req.confirmGone = func(ctx context.Context) error { _, err := c.GetToken(ctx, t.KeyRef(), t.Identifier); return err }
	out, err := ngCall[Token](ctx, c, req)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteToken deletes a token. A missing token (Harness's 500, confirmed
// with one read) is an ErrNotFound error.
func (c *Client) DeleteToken(ctx context.Context, key APIKeyRef, identifier string) error {
	req := c.ng(http.MethodDelete, tokenPath+"/"+url.PathEscape(identifier), c.tokenQuery(key), nil)
	req.confirmGone = func(ctx context.Context) error { _, err := c.GetToken(ctx, key, identifier); return err }
	_, err := ngCall[bool](ctx, c, req)
	return err
}

// RotateToken replaces a token's secret and returns the new one (never
// logged). The identifier stays; the new token is valid from now until the
// old validTo, and the old secret keeps working until oldExpiresAt
// (docs/design/harness-api.md 4). A missing token is an ErrNotFound error.
//
// Harness renames the old token before it checks the key's token limit
// (TokenServiceImpl.rotateToken), so a rotation on a full key fails with
// the identifier gone. Callers check TokenRoom.CanRotate first; when the
// rotation still hits the limit, the error (IsLimitReached) says what
// Harness left behind.
//
// A rotation retried after an uncertain failure rotates twice if the first
// attempt was applied (the intermediate secret, never seen by anyone,
// expires at oldExpiresAt like the original one), and a second rotation
// needs room of its own: before such a retry the key's room is read, and
// the retry is not sent when the key is full.
func (c *Client) RotateToken(ctx context.Context, key APIKeyRef, identifier string, oldExpiresAt time.Time) (string, error) {
	q := c.tokenQuery(key)
	q.Set("rotateTimestamp", strconv.FormatInt(oldExpiresAt.UnixMilli(), 10))
	req := c.ng(http.MethodPost, tokenPath+"/rotate/"+url.PathEscape(identifier), q, nil)
	req.secretResponse = true
	req.confirmGone = func(ctx context.Context) error { _, err := c.GetToken(ctx, key, identifier); return err }
	req.beforeUncertainRetry = func(ctx context.Context) error {
		room, err := c.TokenRoom(ctx, key)
		switch {
		case err != nil:
			return fmt.Errorf("the rotation may have been applied with its answer lost, and reading the key's tokens "+
				"to check it has room for another rotation failed: %w", err)
		case room.CanRotate():
			return nil
		}
		return fmt.Errorf("the rotation may have been applied with its answer lost, and rotating again needs "+
			"room for one more token (%s); if it was applied, the new value is lost and the token must be rotated "+
			"again once the key has room", room)
	}
	secret, err := ngCall[string](ctx, c, req)
	if err != nil {
		if apiErr, ok := AsAPIError(err); ok && IsLimitReached(err) {
			apiErr.Message += fmt.Sprintf("; Harness had already renamed token %q to rotated_<letters> (its old value keeps "+
				"working until %s), so the key no longer has a token %q: make room on the key and create it again",
				identifier, oldExpiresAt.UTC().Format(time.RFC3339), identifier)
		}
		return "", err
	}
	if secret == "" {
		return "", fmt.Errorf("POST %s/rotate: Harness answered without a token value", tokenPath)
	}
	return secret, nil
}

// ValidateToken asks Harness which token a secret belongs to. It fails with
// ErrUnauthorized when the secret is unknown, expired or deleted: Harness
// answers those with a 400 INVALID_REQUEST naming the check that failed
// (TokenValidationHelper in harness-core), which tokenRefusal recognises.
//
// Harness reads the body as the raw token text (docs/design/harness-api.md 4): a JSON
// string would arrive with its quotes and never match, so the secret is
// sent as text/plain, and never logged.
func (c *Client) ValidateToken(ctx context.Context, secret string) (*Token, error) {
	req := c.ng(http.MethodPost, tokenPath+"/validate", c.ngQuery(Scope{}), nil)
	req.rawBody, req.secretRequest = []byte(secret), true
	out, err := ngCall[Token](ctx, c, req)
	if err != nil {
		if apiErr, ok := AsAPIError(err); ok && apiErr.StatusCode == http.StatusBadRequest && tokenRefusal(apiErr.Message) {
			apiErr.Kind = KindUnauthorized
		}
		return nil, err
	}
	return &out, nil
}

// tokenRefusals are the starts of TokenValidationHelper's messages (after
// Harness's "Invalid request: "), one per failed check: empty or malformed
// text, unknown token, another account, wrong prefix or secret, expired.
var tokenRefusals = []string{
	"Invalid API Token: ", "Invalid API token ", "Invalid account token access ", "Invalid accountId in token ", "Incoming API token ",
}

func tokenRefusal(message string) bool {
	m := strings.TrimPrefix(message, "Invalid request: ")
	for _, p := range tokenRefusals {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}
