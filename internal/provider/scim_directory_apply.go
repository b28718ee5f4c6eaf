package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// directoryApply executes the delta between a directory's state and its
// plan, in dependency order: users are created and updated before the
// groups that need them are written, and groups are written and deleted
// before users are deleted. Within a phase, changes run in parallel up to
// the client's request budget. Every change records its own outcome, so a
// failure loses nothing that succeeded.
type directoryApply struct {
	c         *client.Client
	gen       client.Generation
	prior     *directory
	plan      *directory
	private   *directoryPrivate // the prior private state, then the new one
	exclusive bool
	onDestroy string

	users  []*userChange
	groups []*groupChange

	resolver *memberResolver
	// abort is set by a failure every other request would share (the
	// credential); the changes not yet started are then not attempted.
	abort atomic.Pointer[error]
}

func newDirectoryApply(c *client.Client, gen client.Generation, prior, plan *directory, private *directoryPrivate,
	exclusive bool, onDestroy string) *directoryApply {
	a := &directoryApply{c: c, gen: gen, prior: prior, plan: plan, private: private, exclusive: exclusive, onDestroy: onDestroy}
	a.resolver = newMemberResolver(c, a)
	return a
}

// execute runs every change.
func (a *directoryApply) execute(ctx context.Context) {
	a.diff()
	var userWrites, groupWrites, groupDeletes, userDeletes []func(context.Context)
	for _, ch := range a.users {
		switch ch.kind {
		case changeCreate, changeUpdate, changeRecreate, changeRelink:
			userWrites = append(userWrites, a.userJob(ch))
		case changeDelete:
			userDeletes = append(userDeletes, a.userJob(ch))
		}
	}
	for _, ch := range a.groups {
		switch ch.kind {
		case changeCreate, changeUpdate, changeRelink:
			groupWrites = append(groupWrites, a.groupJob(ch))
		case changeDelete:
			groupDeletes = append(groupDeletes, a.groupJob(ch))
		}
	}
	for _, phase := range [][]func(context.Context){userWrites, groupWrites, groupDeletes, userDeletes} {
		a.run(ctx, phase)
	}
}

// errNotAttempted marks a change skipped after a failure all would share.
var errNotAttempted = errors.New("not attempted")

// run runs jobs with at most the client's parallelism in flight.
func (a *directoryApply) run(ctx context.Context, jobs []func(context.Context)) {
	if len(jobs) == 0 {
		return
	}
	next := make(chan func(context.Context))
	var wg sync.WaitGroup
	for range min(len(jobs), a.c.Parallelism()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range next {
				job(ctx)
			}
		}()
	}
	for _, job := range jobs {
		next <- job
	}
	close(next)
	wg.Wait()
}

// failed records err as a change's failure and reports whether it was
// one; a credential failure stops the changes not yet started.
func (a *directoryApply) failed(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, client.ErrUnauthorized) || errors.Is(err, client.ErrForbidden) {
		a.abort.CompareAndSwap(nil, &err)
	}
	return true
}

// skipped reports whether changes are no longer attempted: after a
// failure every request would share, or once the apply was interrupted.
func (a *directoryApply) skipped(ctx context.Context) bool {
	return a.abort.Load() != nil || ctx.Err() != nil
}

func (a *directoryApply) userJob(ch *userChange) func(context.Context) {
	return func(ctx context.Context) {
		if a.skipped(ctx) {
			ch.err = errNotAttempted
			return
		}
		var err error
		switch ch.kind {
		case changeCreate:
			err = a.createUser(ctx, ch)
		case changeUpdate:
			err = a.updateUser(ctx, ch)
		case changeRecreate:
			err = a.recreateUser(ctx, ch)
		case changeRelink:
			err = a.relinkUser(ctx, ch)
		case changeDelete:
			err = a.deleteUser(ctx, ch.id)
			ch.done = err == nil
		}
		if a.failed(err) {
			ch.err = err
		}
	}
}

// createUser POSTs the user (adopting one Harness already has); FirstGen
// then deactivates it when active = false, as harness_scim_user does.
func (a *directoryApply) createUser(ctx context.Context, ch *userChange) error {
	body := ch.want.asUserModel(ch.key).toAPI()
	body.Active = nil // Harness ignores active on POST and always activates.
	u, err := a.c.CreateSCIMUser(ctx, body)
	if err != nil {
		return err
	}
	ch.id, ch.done = u.ID, true
	if ch.want.isActive() {
		return nil
	}
	_, err = a.c.PatchSCIMUser(ctx, u.ID, client.SCIMPatchOp{Op: "replace", Path: "active", Value: false})
	if err != nil {
		return fmt.Errorf("created, but deactivating it failed: %w", err)
	}
	return nil
}

// updateUser PUTs the user's new values.
func (a *directoryApply) updateUser(ctx context.Context, ch *userChange) error {
	if _, err := a.c.ReplaceSCIMUser(ctx, ch.id, ch.want.asUserModel(ch.key).toAPI()); err != nil {
		return err
	}
	ch.done = true
	return nil
}

// recreateUser deletes the user and creates it again: NextGen keeps names
// and externalId from creation, and gives the user back its id.
func (a *directoryApply) recreateUser(ctx context.Context, ch *userChange) error {
	if err := a.c.DeleteSCIMUser(ctx, ch.id); err != nil && !client.IsNotFound(err) {
		return fmt.Errorf("deleting it to create it again with the new names failed: %w", err)
	}
	ch.id = ""
	return a.createUser(ctx, ch)
}

// relinkUser gives back its user name to a user renamed outside
// Terraform, or creates it when it is gone meanwhile.
func (a *directoryApply) relinkUser(ctx context.Context, ch *userChange) error {
	err := a.updateUser(ctx, ch)
	if client.IsNotFound(err) {
		ch.id = ""
		return a.createUser(ctx, ch)
	}
	return err
}

// deleteUser removes a user as on_destroy says; a user already gone is
// removed too.
func (a *directoryApply) deleteUser(ctx context.Context, id string) error {
	var err error
	if a.onDestroy == onDestroyDeactivate {
		_, err = a.c.PatchSCIMUser(ctx, id, client.SCIMPatchOp{Op: "replace", Path: "active", Value: false})
	} else {
		err = a.c.DeleteSCIMUser(ctx, id)
	}
	if client.IsNotFound(err) {
		return nil
	}
	return err
}

func (a *directoryApply) groupJob(ch *groupChange) func(context.Context) {
	return func(ctx context.Context) {
		if a.skipped(ctx) {
			ch.err = errNotAttempted
			return
		}
		var err error
		switch ch.kind {
		case changeCreate:
			err = a.createGroup(ctx, ch)
		case changeUpdate:
			err = a.patchGroup(ctx, ch)
		case changeRelink:
			err = a.relinkGroup(ctx, ch)
		case changeDelete:
			err = a.c.DeleteSCIMGroup(ctx, ch.id)
			if client.IsNotFound(err) {
				err = nil
			}
			ch.done = err == nil
		}
		if a.failed(err) {
			ch.err = err
		}
	}
}

// createGroup POSTs the group with the members that resolve to users.
// Harness drops member ids that are not users without a word, so the
// answer is checked.
func (a *directoryApply) createGroup(ctx context.Context, ch *groupChange) error {
	ids, names, unresolved := a.resolver.ids(ctx, ch.members)
	g, err := a.c.CreateSCIMGroup(ctx, &client.SCIMGroup{DisplayName: ch.key, Members: client.SCIMGroupMembers(ids)})
	if client.IsConflict(err) && a.gen == client.NextGen {
		return a.adoptGroup(ctx, ch, ids, names, unresolved, err)
	}
	if err != nil {
		return err
	}
	ch.id, ch.done = g.ID, true
	ch.added = keptNames(g, ids, names)
	return membersError(unresolved, missingNames(ch.added, names))
}

// adoptGroup takes over the SCIM group of that exact name that made
// NextGen refuse the create (its id is derived from the name, docs/design/harness-api.md
// 2.2), as FirstGen's POST does by itself, and gives it the planned
// members with one PATCH. A group of another name holding the id (or one
// made in the Harness UI, which SCIM searches do not see) is not adopted.
func (a *directoryApply) adoptGroup(ctx context.Context, ch *groupChange, ids, names, unresolved []string, createErr error) error {
	g, err := a.c.FindSCIMGroupByDisplayName(ctx, ch.key)
	if err != nil {
		return fmt.Errorf("%w\n\nHarness NextGen derives the group id %q from the name, and a group with that id already "+
			"exists but is not a SCIM group named %q. Choose another name, or remove that group in Harness",
			createErr, client.GroupIdentifier(ch.key), ch.key)
	}
	add, remove := diffMembers(ids, g.MemberIDs())
	if err := a.c.PatchSCIMGroup(ctx, g.ID, client.SCIMGroupPatch{Add: add, Remove: remove}); err != nil {
		return fmt.Errorf("adopting the existing group of that name: %w", err)
	}
	ch.id, ch.done, ch.added = g.ID, true, names
	return membersError(unresolved, nil)
}

// patchGroup sends the group's member changes as one PATCH.
func (a *directoryApply) patchGroup(ctx context.Context, ch *groupChange) error {
	addIDs, addNames, unresolvedAdd := a.resolver.ids(ctx, ch.add)
	removeIDs, removeNames, unresolvedRemove := a.resolver.groupIDs(ctx, ch.id, ch.remove)
	err := a.c.PatchSCIMGroup(ctx, ch.id, client.SCIMGroupPatch{Add: addIDs, Remove: removeIDs})
	if err != nil {
		return err
	}
	ch.done, ch.added, ch.removed = true, addNames, removeNames
	return membersError(append(unresolvedAdd, unresolvedRemove...), nil)
}

// relinkGroup gives back its name and members to a group renamed outside
// Terraform (one PUT), or creates it when it is gone meanwhile.
func (a *directoryApply) relinkGroup(ctx context.Context, ch *groupChange) error {
	ids, names, unresolved := a.resolver.ids(ctx, ch.members)
	_, err := a.c.ReplaceSCIMGroup(ctx, ch.id, &client.SCIMGroup{DisplayName: ch.key, Members: client.SCIMGroupMembers(ids)})
	if client.IsNotFound(err) {
		ch.id = ""
		return a.createGroup(ctx, ch)
	}
	if err != nil {
		return err
	}
	ch.done, ch.added = true, names
	return membersError(unresolved, nil)
}

// keptNames are the names of the sent ids the created group holds.
func keptNames(g *client.SCIMGroup, ids, names []string) []string {
	has := make(map[string]bool, len(g.Members))
	for _, m := range g.Members {
		has[m.Value] = true
	}
	var kept []string
	for i, id := range ids {
		if has[id] {
			kept = append(kept, names[i])
		}
	}
	return kept
}

// missingNames are the names of sent that kept lacks.
func missingNames(kept, sent []string) []string {
	missing, _ := diffNames(sent, kept)
	return missing
}

// membersError reports members that could not be set: names that are no
// user, and users Harness dropped.
func membersError(unresolved []string, dropped []string) error {
	switch {
	case len(unresolved) > 0:
		return fmt.Errorf("members %s are not users Harness has through SCIM (a user of the directory whose creation "+
			"failed, or a user name Harness does not know); the group holds the other members", quoteNames(unresolved))
	case len(dropped) > 0:
		return fmt.Errorf("members %s were not added: Harness silently ignores ids that are not users of the account",
			quoteNames(dropped))
	}
	return nil
}

func quoteNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", n)
	}
	return out
}
