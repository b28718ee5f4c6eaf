package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Read lists the account's SCIM users and groups once, paged (about a
// dozen requests for 10,000 users), and rebuilds the state of the keys it
// holds, so drift shows key by key. An object missing from a listing is
// read by id before it leaves state: NextGen's user listing can drop rows
// (docs/design/harness-api.md 1.6), and a missing object may have been renamed
// outside Terraform. With exclusive on, objects the state does not hold
// are added, so the plan shows their removal; after an import, every
// object is.
func (r *scimDirectoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer scimDirectoryIdentity.keep(ctx, r.data, resp.Identity, &resp.State, req.State, &resp.Diagnostics)
	var prior scimDirectoryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if r.data.refreshDeferred(&resp.Diagnostics, "harness_scim_directory "+prior.ID.ValueString()) {
		return
	}
	c := r.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	priv := readDirectoryPrivate(ctx, req.Private)
	listing, err := listDirectory(ctx, c)
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "SCIM directory", "of account "+c.AccountID(), err)
		return
	}
	f := &directoryRefresh{c: c, gen: r.generation(), l: listing, prior: directoryOf(&prior), priv: priv,
		adoptAll: priv.Importing, exclusive: prior.Exclusive.ValueBool()}
	d, err := f.refresh(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "reading", "SCIM directory", "of account "+c.AccountID(), err)
		return
	}
	priv.Importing = false
	state := prior
	state.ID = types.StringValue(c.AccountID())
	if state.Exclusive.IsNull() {
		state.Exclusive = types.BoolValue(false)
	}
	if state.OnDestroy.IsNull() {
		state.OnDestroy = types.StringValue(onDestroyDelete)
	}
	d.store(&state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	priv.write(ctx, resp.Private, &resp.Diagnostics)
}

// directoryListing is one listing of an account's SCIM users and groups.
type directoryListing struct {
	users       []client.SCIMUser
	userByEmail map[string]*client.SCIMUser // by folded user name
	userByID    map[string]*client.SCIMUser
	groups      []client.SCIMGroup
	groupByID   map[string]*client.SCIMGroup
	groupByName map[string]*client.SCIMGroup
	// names are the user names of user ids: from the users listed, and
	// from group members' display (users Harness did not get through SCIM
	// are members but never listed).
	names map[string]string
}

func listDirectory(ctx context.Context, c *client.Client) (*directoryListing, error) {
	users, err := c.ListSCIMUsers(ctx)
	if err != nil {
		return nil, err
	}
	groups, err := c.ListSCIMGroups(ctx)
	if err != nil {
		return nil, err
	}
	l := &directoryListing{users: users, groups: groups, userByEmail: make(map[string]*client.SCIMUser, len(users)),
		userByID: make(map[string]*client.SCIMUser, len(users)), groupByID: make(map[string]*client.SCIMGroup, len(groups)),
		groupByName: make(map[string]*client.SCIMGroup, len(groups)), names: make(map[string]string, len(users))}
	for i := range users {
		u := &users[i]
		l.userByEmail[foldName(u.UserName)] = u
		l.userByID[u.ID] = u
		l.names[u.ID] = foldName(u.UserName)
	}
	for i := range groups {
		g := &groups[i]
		l.groupByID[g.ID] = g
		l.groupByName[g.DisplayName] = g
		for _, m := range g.Members {
			if _, known := l.names[m.Value]; !known && m.Display != "" {
				l.names[m.Value] = foldName(m.Display)
			}
		}
	}
	tflog.Debug(ctx, "listed SCIM directory", map[string]any{"users": len(users), "groups": len(groups)})
	return l, nil
}

// directoryRefresh rebuilds a state from a listing.
type directoryRefresh struct {
	c         *client.Client
	gen       client.Generation
	l         *directoryListing
	prior     *directory
	priv      *directoryPrivate
	adoptAll  bool // just imported: every listed object joins the state
	exclusive bool // listed objects the state lacks join it as unlisted
	out       *directory
	matched   map[string]bool // ids of users and groups placed in out
}

func (f *directoryRefresh) refresh(ctx context.Context) (*directory, error) {
	f.out = newDirectory()
	f.out.UsersNull = f.prior.UsersNull && !f.adoptAll
	f.out.GroupsNull = f.prior.GroupsNull && !f.adoptAll
	f.matched = map[string]bool{}
	for _, k := range sortedKeys(f.prior.Users) {
		if err := f.refreshUser(ctx, k); err != nil {
			return nil, err
		}
	}
	for _, g := range sortedKeys(f.prior.Groups) {
		if err := f.refreshGroup(ctx, g); err != nil {
			return nil, err
		}
	}
	unlistedUsers, unlistedGroups := f.priv.unlisted()
	if f.adoptAll || f.exclusive {
		f.addUnlisted(unlistedUsers, unlistedGroups)
	}
	// Keys that left the state are no longer unlisted.
	f.priv.UnlistedUsers = keysIn(unlistedUsers, f.out.Users)
	f.priv.UnlistedGroups = keysIn(unlistedGroups, f.out.Groups)
	if f.adoptAll {
		f.out.UsersNull = len(f.out.Users) == 0
		f.out.GroupsNull = len(f.out.Groups) == 0
	}
	return f.out, nil
}

// refreshUser places key k as Harness has it, or leaves it out when
// Harness no longer has it under that name.
func (f *directoryRefresh) refreshUser(ctx context.Context, k string) error {
	id := f.prior.UserIDs[k]
	u := f.l.userByEmail[foldName(k)]
	if u == nil && f.l.userByID[id] != nil {
		// Listed under another name: renamed outside Terraform.
		f.relinkUser(ctx, k, f.l.userByID[id])
		return nil
	}
	if u == nil && id != "" {
		got, err := f.c.GetSCIMUser(ctx, id)
		switch {
		case client.IsNotFound(err):
			tflog.Info(ctx, "SCIM user of the directory no longer exists in Harness", map[string]any{"user": k, "id": id})
			return nil
		case err != nil:
			return fmt.Errorf("confirming that user %s (id %s), missing from the listing, is gone: %w", k, id, err)
		case foldName(got.UserName) != foldName(k):
			f.relinkUser(ctx, k, got)
			return nil
		}
		u = got // listed nowhere, but there: a row the listing hid
	}
	if u == nil {
		return nil
	}
	f.matched["u:"+u.ID] = true
	f.out.Users[k] = dirUserFromAPI(u, f.prior.Users[k], f.gen)
	f.out.UserIDs[k] = u.ID
	return nil
}

// relinkUser records that the user of key k is now called otherwise.
func (f *directoryRefresh) relinkUser(ctx context.Context, k string, got *client.SCIMUser) {
	tflog.Info(ctx, "SCIM user of the directory was renamed outside Terraform", map[string]any{"user": k, "now": got.UserName})
	f.matched["u:"+got.ID] = true
	if f.priv.RelinkUsers == nil {
		f.priv.RelinkUsers = map[string]string{}
	}
	f.priv.RelinkUsers[k] = got.ID
}

// refreshGroup places group g as Harness has it. Groups are matched by id
// (by name only for a create whose outcome was unclear), so a group renamed
// outside Terraform is renamed back rather than created twice.
func (f *directoryRefresh) refreshGroup(ctx context.Context, g string) error {
	id := f.prior.GroupIDs[g]
	grp := f.l.groupByName[g]
	if id != "" {
		grp = f.l.groupByID[id]
	}
	if grp == nil && id != "" {
		got, err := f.c.GetSCIMGroup(ctx, id)
		switch {
		case client.IsNotFound(err):
			tflog.Info(ctx, "SCIM group of the directory no longer exists in Harness", map[string]any{"group": g, "id": id})
			return nil
		case err != nil:
			return fmt.Errorf("confirming that group %q (id %s), missing from the listing, is gone: %w", g, id, err)
		}
		grp = got
	}
	if grp == nil {
		return nil
	}
	f.matched["g:"+grp.ID] = true
	if grp.DisplayName != g {
		tflog.Info(ctx, "SCIM group of the directory was renamed outside Terraform", map[string]any{"group": g, "now": grp.DisplayName})
		if f.priv.RelinkGroups == nil {
			f.priv.RelinkGroups = map[string]string{}
		}
		f.priv.RelinkGroups[g] = grp.ID
		return nil
	}
	f.out.Groups[g] = f.memberNames(grp, f.prior.Groups[g])
	f.out.GroupIDs[g] = grp.ID
	return nil
}

// memberNames are grp's members as user names, spelled and ordered as in
// prior where prior has them, the others sorted after them.
func (f *directoryRefresh) memberNames(grp *client.SCIMGroup, prior []string) []string {
	spelling := make(map[string]string, len(prior))
	for _, p := range prior {
		spelling[foldName(p)] = p
	}
	names := make([]string, 0, len(grp.Members))
	for _, m := range grp.Members {
		name, ok := f.l.names[m.Value]
		if !ok {
			name = m.Value // a member Harness names nowhere: shown by id
		}
		if p, ok := spelling[foldName(name)]; ok {
			name = p
		}
		names = append(names, name)
	}
	return orderLike(prior, names)
}

// addUnlisted adds the listed users and groups the state does not hold,
// recording them as unlisted unless the whole account is being adopted.
func (f *directoryRefresh) addUnlisted(unlistedUsers, unlistedGroups map[string]bool) {
	keys := f.out.userKeys()
	for i := range f.l.users {
		u := &f.l.users[i]
		k := foldName(u.UserName)
		if f.matched["u:"+u.ID] || keys[k] != "" || strings.TrimSpace(k) == "" {
			continue
		}
		f.out.Users[k] = dirUserFromAPI(u, dirUser{}, f.gen)
		f.out.UserIDs[k] = u.ID
		keys[k] = k
		unlistedUsers[k] = !f.adoptAll
	}
	for i := range f.l.groups {
		g := &f.l.groups[i]
		if f.matched["g:"+g.ID] {
			continue
		}
		if _, taken := f.out.Groups[g.DisplayName]; taken {
			continue
		}
		f.out.Groups[g.DisplayName] = f.memberNames(g, nil)
		f.out.GroupIDs[g.DisplayName] = g.ID
		unlistedGroups[g.DisplayName] = !f.adoptAll
	}
}

// keysIn returns the keys set in flags that objects holds, sorted.
func keysIn[V any](flags map[string]bool, objects map[string]V) []string {
	var out []string
	for k, on := range flags {
		if _, ok := objects[k]; ok && on {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
