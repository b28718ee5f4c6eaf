package provider

import (
	"slices"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// planRoom deletes only what it may (expired tokens other than the one
// rotating; with deleteOwn, this token's own rotated-out values, earliest
// first), only as many as needed, and never another live token.
func TestPlanRoom(t *testing.T) {
	t.Parallel()
	now := time.Now()
	at := func(d time.Duration) int64 { return now.Add(d).UnixMilli() }
	live := func(id string) client.TokenAggregate {
		return client.TokenAggregate{Token: client.Token{Identifier: id, ValidTo: at(time.Hour)}}
	}
	expired := func(id string) client.TokenAggregate {
		return client.TokenAggregate{Token: client.Token{Identifier: id, ValidTo: at(-time.Minute)}}
	}
	rotatedOut := func(id string, until time.Duration) client.TokenAggregate {
		s := at(until)
		return client.TokenAggregate{Token: client.Token{Identifier: id, ValidTo: at(time.Hour), ScheduledExpireTime: &s}}
	}
	ids := func(ts []client.TokenAggregate) []string {
		out := []string{}
		for _, t := range ts {
			out = append(out, t.Token.Identifier)
		}
		return out
	}
	for _, tc := range []struct {
		name          string
		tokens        []client.TokenAggregate
		own           []string
		deleteOwn     bool
		fits          bool
		expired, dels []string
	}{
		{name: "a free place", tokens: []client.TokenAggregate{live("t"), live("a"), live("b"), live("c")}, fits: true},
		{name: "full of live tokens", tokens: []client.TokenAggregate{live("t"), live("a"), live("b"), live("c"), live("d")}, deleteOwn: true},
		{
			name:   "one expired of two is enough",
			tokens: []client.TokenAggregate{live("t"), expired("x1"), expired("x2"), live("b"), live("c")},
			fits:   true, expired: []string{"x1"},
		},
		{
			name:   "the rotating token itself expired: not deleted",
			tokens: []client.TokenAggregate{expired("t"), live("a"), live("b"), live("c"), live("d")},
		},
		{
			name:   "own rotated-out values need deleteOwn",
			tokens: []client.TokenAggregate{live("t"), rotatedOut("r1", time.Hour), live("b"), live("c"), live("d")},
			own:    []string{"r1"},
		},
		{
			name:   "own rotated-out value, earliest first",
			tokens: []client.TokenAggregate{live("t"), rotatedOut("r2", 2*time.Hour), rotatedOut("r1", time.Hour), live("c"), live("d")},
			own:    []string{"r1", "r2"}, deleteOwn: true, fits: true, dels: []string{"r1"},
		},
		{
			name:   "another token's rotated-out value is never deleted",
			tokens: []client.TokenAggregate{live("t"), rotatedOut("theirs", time.Minute), live("b"), live("c"), live("d")},
			own:    []string{"mine"}, deleteOwn: true,
		},
		{
			name:   "expired first, then own, as many as needed",
			tokens: []client.TokenAggregate{live("t"), expired("x"), rotatedOut("r1", time.Hour), rotatedOut("r2", time.Hour*2), live("d"), live("e")},
			own:    []string{"r1", "r2"}, deleteOwn: true, fits: true, expired: []string{"x"}, dels: []string{"r1"},
		},
	} {
		room := &client.TokenRoom{Limit: 5, Tokens: tc.tokens}
		rp := planRoom(room, "t", tc.own, tc.deleteOwn, now)
		if rp.fits != tc.fits || !slices.Equal(ids(rp.expired), append([]string{}, tc.expired...)) ||
			!slices.Equal(ids(rp.own), append([]string{}, tc.dels...)) {
			t.Errorf("%s: fits=%v expired=%v own=%v; want fits=%v expired=%v own=%v", tc.name, rp.fits, ids(rp.expired), ids(rp.own),
				tc.fits, tc.expired, tc.dels)
		}
	}
}
