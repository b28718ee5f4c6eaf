package client

import (
	"net/http"
	"sync/atomic"
)

// Family is a set of Harness objects whose writes can change what a read of
// any of them answers.
type Family int

// Families.
const (
	// FamilySCIM is SCIM users and groups: deleting a user removes it from
	// its groups, a membership change shows in the user's groups.
	FamilySCIM Family = iota
	// FamilyNextGen is service accounts, API keys and tokens.
	FamilyNextGen
)

// writeCounts counts the writes a Client started, per family, so that a
// cache of listings (the provider's batched refresh) can tell whether the
// Client wrote anything that a listing might not show.
type writeCounts struct {
	scim, ng atomic.Uint64
}

// countWrite records req before it is sent. Every method but GET counts,
// including the token validate POST, which changes nothing: counting too
// much only costs a cache its use, counting too little would serve a stale
// row.
func (c *Client) countWrite(req *request) {
	if req.method == http.MethodGet {
		return
	}
	if req.scim {
		c.writes.scim.Add(1)
	} else {
		c.writes.ng.Add(1)
	}
}

// WritesStarted is how many writes (requests other than GET, retries not
// counted again) of family f this Client has started, finished or not.
func (c *Client) WritesStarted(f Family) uint64 {
	if f == FamilySCIM {
		return c.writes.scim.Load()
	}
	return c.writes.ng.Load()
}
