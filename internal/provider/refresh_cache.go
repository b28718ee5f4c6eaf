package provider

import (
	"context"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// refreshCache is the batched refresh of one provider instance: one family
// per kind of object Harness can list as it reads it (refresh_batch.go).
//
// Not batched, and why: service accounts and API keys, for which the
// client has no listing; tokens, which Harness lists per API key only, and
// a key holds at most 5 tokens (tokenLimit, docs/design/harness-api.md 4), below
// batchThreshold; data sources, whose each read is one search or GET
// already.
type refreshCache struct {
	users  batchFamily[client.SCIMUser]
	groups batchFamily[client.SCIMGroup]
}

func newRefreshCache(mode batchMode) *refreshCache {
	return &refreshCache{
		users: batchFamily[client.SCIMUser]{
			name: "SCIM users", mode: mode,
			list: func(ctx context.Context, c *client.Client) ([]client.SCIMUser, error) {
				return c.ListSCIMUsersAsReads(ctx)
			},
			id: func(u *client.SCIMUser) string { return u.ID },
		},
		groups: batchFamily[client.SCIMGroup]{
			name: "SCIM groups", mode: mode,
			list: func(ctx context.Context, c *client.Client) ([]client.SCIMGroup, error) {
				return c.ListSCIMGroupsAsReads(ctx)
			},
			id: func(g *client.SCIMGroup) string { return g.ID },
		},
	}
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
