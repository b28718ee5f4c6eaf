package provider

import (
	"context"
	"sync"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// refreshCache is the batched refresh of one provider instance: one family
// per kind of object Harness can list as it reads it (refresh_batch.go),
// and for service accounts one per scope, since Harness lists them a scope
// at a time.
//
// Not batched, and why: API keys, which Harness lists per parent (a
// service account or user holds a few), and tokens, which it lists per API
// key (at most token_limit, 5 by default, docs/design/harness-api.md 4):
// both stay below batchThreshold, so a listing would add a request and
// save none; data sources, whose each read is one search or GET already.
type refreshCache struct {
	mode   batchMode
	users  batchFamily[client.SCIMUser]
	groups batchFamily[client.SCIMGroup]

	mu              sync.Mutex
	serviceAccounts map[client.Scope]*batchFamily[client.ServiceAccount]
}

func newRefreshCache(mode batchMode) *refreshCache {
	return &refreshCache{
		mode: mode,
		users: batchFamily[client.SCIMUser]{
			name: "SCIM users", mode: mode, writes: client.FamilySCIM,
			list: func(ctx context.Context, c *client.Client) ([]client.SCIMUser, error) {
				return c.ListSCIMUsersAsReads(ctx)
			},
			id: func(u *client.SCIMUser) string { return u.ID },
		},
		groups: batchFamily[client.SCIMGroup]{
			name: "SCIM groups", mode: mode, writes: client.FamilySCIM,
			list: func(ctx context.Context, c *client.Client) ([]client.SCIMGroup, error) {
				return c.ListSCIMGroupsAsReads(ctx)
			},
			id: func(g *client.SCIMGroup) string { return g.ID },
		},
		serviceAccounts: map[client.Scope]*batchFamily[client.ServiceAccount]{},
	}
}

// serviceAccountsIn is the family of the service accounts of scope sc.
func (rc *refreshCache) serviceAccountsIn(sc client.Scope) *batchFamily[client.ServiceAccount] {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	f, ok := rc.serviceAccounts[sc]
	if !ok {
		f = &batchFamily[client.ServiceAccount]{
			name: "service accounts in " + sc.String(), mode: rc.mode, writes: client.FamilyNextGen,
			list: func(ctx context.Context, c *client.Client) ([]client.ServiceAccount, error) {
				var all []client.ServiceAccount
				err := c.ListServiceAccountPages(ctx, sc, "", func(page []client.ServiceAccount) bool {
					all = append(all, page...)
					return false
				})
				return all, err
			},
			id: func(sa *client.ServiceAccount) string { return sa.Identifier },
		}
		rc.serviceAccounts[sc] = f
	}
	return f
}

// readSCIMUser reads user id for a resource's Read: from this instance's
// listing of SCIM users when batched refresh serves it, else with a GET.
// It answers exactly as client.GetSCIMUser does.
func (d *providerData) readSCIMUser(ctx context.Context, c *client.Client, id string) (*client.SCIMUser, error) {
	get := func(ctx context.Context) (*client.SCIMUser, error) { return c.GetSCIMUser(ctx, id) }
	if d == nil || d.refresh == nil {
		return get(ctx)
	}
	return d.refresh.users.read(ctx, c, id, get)
}

// readSCIMGroup is readSCIMUser for groups. FirstGen group listings carry
// no members, so FirstGen groups are always read with GETs.
func (d *providerData) readSCIMGroup(ctx context.Context, c *client.Client, id string) (*client.SCIMGroup, error) {
	get := func(ctx context.Context) (*client.SCIMGroup, error) { return c.GetSCIMGroup(ctx, id) }
	if d == nil || d.refresh == nil || !c.SCIMGroupListingsAreReads() {
		return get(ctx)
	}
	return d.refresh.groups.read(ctx, c, id, get)
}

// readServiceAccount is readSCIMUser for the service account identifier
// of scope sc, served from a listing of that scope.
func (d *providerData) readServiceAccount(ctx context.Context, c *client.Client, sc client.Scope, identifier string) (*client.ServiceAccount, error) {
	get := func(ctx context.Context) (*client.ServiceAccount, error) {
		return c.GetServiceAccount(ctx, sc, identifier)
	}
	if d == nil || d.refresh == nil {
		return get(ctx)
	}
	return d.refresh.serviceAccountsIn(sc).read(ctx, c, identifier, get)
}
