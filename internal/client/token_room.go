package client

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// DefaultTokenLimit is Harness's default tokenLimit, the number of tokens
// an API key may hold (ServiceAccountConfig.DEFAULT_TOKEN_LIMIT;
// docs/design/harness-api.md 4). Config.TokenLimit overrides it.
const DefaultTokenLimit = 5

// TokenRoom is what an API key holds against Harness's token limit.
//
// Harness counts every token stored under the key
// (TokenServiceImpl.validateTokenLimit): live ones, tokens a rotation
// replaced (renamed rotated_<letters>, working until their scheduled
// expiry), and expired ones its TTL monitor has not purged yet. A rotation
// renames the old token first and then creates the new one through that
// check (TokenServiceImpl.rotateToken), so on a full key it fails after the
// rename: the token's identifier is gone. Rotate only when CanRotate.
type TokenRoom struct {
	Key   APIKeyRef
	Limit int
	// Tokens are every token stored under the key, newest change first.
	Tokens []TokenAggregate
}

// TokenRoom lists the key's tokens, rotated-out and expired ones included.
func (c *Client) TokenRoom(ctx context.Context, key APIKeyRef) (*TokenRoom, error) {
	rows, err := c.ListTokens(ctx, key)
	if err != nil {
		return nil, err
	}
	return &TokenRoom{Key: key, Limit: c.cfg.TokenLimit, Tokens: rows}, nil
}

// Free is how many more tokens the key may hold.
func (r *TokenRoom) Free() int { return max(r.Limit-len(r.Tokens), 0) }

// CanRotate reports whether a rotation would succeed: the renamed token
// keeps its place until its scheduled expiry, so the new one needs a free
// place.
func (r *TokenRoom) CanRotate() bool { return r.Free() >= 1 }

// RotatedOut returns the tokens rotations replaced, earliest scheduled
// expiry first. Each keeps its place, and its old secret keeps working,
// until then; deleting one ends that grace period early.
func (r *TokenRoom) RotatedOut() []TokenAggregate {
	var out []TokenAggregate
	for _, t := range r.Tokens {
		if t.Token.ScheduledExpireTime != nil {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return *out[i].Token.ScheduledExpireTime < *out[j].Token.ScheduledExpireTime })
	return out
}

// Expired returns the tokens known to have stopped working by now that
// Harness has not purged yet. They still count, can never work again and
// are safe to delete.
func (r *TokenRoom) Expired(now time.Time) []TokenAggregate {
	var out []TokenAggregate
	for _, t := range r.Tokens {
		if t.Token.Expired(now) {
			out = append(out, t)
		}
	}
	return out
}

// String describes the key's tokens for a diagnostic: how many of the
// limit it holds and each token with what keeps it there.
func (r *TokenRoom) String() string {
	parts := make([]string, 0, len(r.Tokens))
	now := time.Now()
	for _, t := range r.Tokens {
		desc := fmt.Sprintf("%q", t.Token.Identifier)
		at, known := t.Token.ExpiresAt()
		switch {
		case t.Token.Expired(now):
			desc += fmt.Sprintf(" (expired %s, not purged yet)", at.Format(time.RFC3339))
		case t.Token.ScheduledExpireTime != nil && known:
			desc += fmt.Sprintf(" (replaced by a rotation; its old value works until %s)", at.Format(time.RFC3339))
		case known:
			desc += fmt.Sprintf(" (valid until %s)", at.Format(time.RFC3339))
		}
		parts = append(parts, desc)
	}
	return fmt.Sprintf("API key %s holds %d of its %d tokens: %s", r.Key, len(r.Tokens), r.Limit, strings.Join(parts, ", "))
}
