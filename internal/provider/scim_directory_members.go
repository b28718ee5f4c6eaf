package provider

import (
	"context"
	"sync"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// memberResolver turns the user names of group members into the user ids
// Harness's group requests carry. A key of users costs nothing: its id is
// in state, or comes from its creation earlier in the apply. Any other user
// costs one search by name, once per apply; removing a member that is no
// SCIM user (invited in the Harness UI: searches never find it) costs one
// read of the group, whose members carry their emails.
type memberResolver struct {
	c *client.Client
	a *directoryApply

	once    sync.Once
	planned map[string]*userChange // by folded name
	priorID map[string]string      // folded name -> id of prior keys

	mu      sync.Mutex
	found   map[string]string            // folded name -> id, from searches
	byGroup map[string]map[string]string // group id -> folded member name -> id
}

func newMemberResolver(c *client.Client, a *directoryApply) *memberResolver {
	return &memberResolver{c: c, a: a, found: map[string]string{}, byGroup: map[string]map[string]string{}}
}

// index builds the name indexes once the delta is known.
func (r *memberResolver) index() {
	r.once.Do(func() {
		r.planned = make(map[string]*userChange, len(r.a.users))
		for _, ch := range r.a.users {
			if ch.kind != changeDelete && ch.kind != changeForget {
				r.planned[foldName(ch.key)] = ch
			}
		}
		r.priorID = make(map[string]string, len(r.a.prior.UserIDs))
		for k, id := range r.a.prior.UserIDs {
			if id != "" {
				r.priorID[foldName(k)] = id
			}
		}
	})
}

// ids resolves names to add; unresolved are those that are no user.
func (r *memberResolver) ids(ctx context.Context, names []string) (ids, resolved, unresolved []string) {
	r.index()
	for _, n := range names {
		id := r.keyID(n)
		if id == "" {
			if _, isKey := r.planned[foldName(n)]; !isKey {
				id = r.search(ctx, n)
			}
		}
		if id == "" {
			unresolved = append(unresolved, n)
			continue
		}
		ids, resolved = append(ids, id), append(resolved, n)
	}
	return ids, resolved, unresolved
}

// keyID is the id of a key of users: created or kept in this apply. A key
// whose creation failed has none.
func (r *memberResolver) keyID(name string) string {
	ch, ok := r.planned[foldName(name)]
	if !ok || ch.err != nil && !ch.done {
		return ""
	}
	return ch.id
}

// search finds a user Harness has through SCIM by name.
func (r *memberResolver) search(ctx context.Context, name string) string {
	f := foldName(name)
	r.mu.Lock()
	id, ok := r.found[f]
	r.mu.Unlock()
	if ok {
		return id
	}
	if u, err := r.c.FindSCIMUserByUserName(ctx, name); err == nil {
		id = u.ID
	}
	r.mu.Lock()
	r.found[f] = id
	r.mu.Unlock()
	return id
}

// groupIDs resolves names to remove from group groupID.
func (r *memberResolver) groupIDs(ctx context.Context, groupID string, names []string) (ids, resolved, unresolved []string) {
	r.index()
	for _, n := range names {
		id := r.priorID[foldName(n)]
		if id == "" {
			id = r.keyID(n)
		}
		if id == "" {
			id = r.memberOf(ctx, groupID, n)
		}
		if id == "" {
			unresolved = append(unresolved, n)
			continue
		}
		ids, resolved = append(ids, id), append(resolved, n)
	}
	return ids, resolved, unresolved
}

// memberOf finds a member of group groupID by name, reading the group
// once. A member the refresh could only show by its id is matched by id.
func (r *memberResolver) memberOf(ctx context.Context, groupID, name string) string {
	r.mu.Lock()
	members, ok := r.byGroup[groupID]
	r.mu.Unlock()
	if !ok {
		members = map[string]string{}
		if g, err := r.c.GetSCIMGroup(ctx, groupID); err == nil {
			for _, m := range g.Members {
				members[m.Value] = m.Value
				if m.Display != "" {
					members[foldName(m.Display)] = m.Value
				}
			}
		}
		r.mu.Lock()
		r.byGroup[groupID] = members
		r.mu.Unlock()
	}
	if id, ok := members[foldName(name)]; ok {
		return id
	}
	return members[name]
}
