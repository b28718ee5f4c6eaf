package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// The delta of an apply: what changes between the state and the plan,
// object by object. Only changed objects cost a request.

// changeKind is what an apply does to one user or group.
type changeKind int

const (
	changeNone     changeKind = iota
	changeCreate              // POST (which adopts a user Harness already has)
	changeUpdate              // user: PUT; group: one PATCH of its members
	changeRecreate            // user: DELETE then POST (NextGen names)
	changeRelink              // renamed outside Terraform: PUT back under the key's name
	changeDelete              // DELETE, or PATCH active=false for on_destroy = "deactivate"
	changeForget              // leaves state without a request
)

// userChange is the change of one user key.
type userChange struct {
	key      string // the planned key; the prior key for delete and forget
	priorKey string // the prior key of the same user name, "" when none
	kind     changeKind
	id       string // Harness id: the prior one, then the created one
	want     dirUser
	err      error
	done     bool // the change reached Harness
}

// groupChange is the change of one group key.
type groupChange struct {
	key         string
	kind        changeKind
	id          string
	members     []string // planned members
	add, remove []string // user names, for changeUpdate
	// added and removed are what the request sent, once resolved.
	added, removed []string
	err            error
	done           bool
}

// diff computes the changes from prior to plan.
func (a *directoryApply) diff() {
	recreated := a.diffUsers()
	a.diffGroups(recreated)
}

// diffUsers returns the folded names of users created again.
func (a *directoryApply) diffUsers() map[string]bool {
	priorKeys := a.prior.userKeys()
	unlisted, _ := a.private.unlisted()
	matched := make(map[string]bool, len(a.prior.Users))
	recreated := map[string]bool{}
	for _, k := range sortedKeys(a.plan.Users) {
		ch := &userChange{key: k, want: a.plan.Users[k]}
		pk, had := priorKeys[foldName(k)]
		if had {
			matched[pk] = true
			ch.priorKey, ch.id = pk, a.prior.UserIDs[pk]
		}
		switch {
		case ch.id == "" && a.private.RelinkUsers[k] != "":
			ch.kind, ch.id = changeRelink, a.private.RelinkUsers[k]
		case ch.id == "":
			ch.kind = changeCreate
		default:
			ch.kind = userChangeKind(a.gen, a.prior.Users[pk], ch.want)
		}
		if ch.kind == changeRecreate {
			recreated[foldName(k)] = true
		}
		a.users = append(a.users, ch)
	}
	for _, pk := range sortedKeys(a.prior.Users) {
		if matched[pk] {
			continue
		}
		ch := &userChange{key: pk, priorKey: pk, id: a.prior.UserIDs[pk], kind: changeDelete, want: a.prior.Users[pk]}
		if ch.id == "" || (unlisted[pk] && !a.exclusive) {
			ch.kind = changeForget
		}
		a.users = append(a.users, ch)
	}
	return recreated
}

// userChangeKind is how a user that Harness has moves from prior to want.
// NextGen keeps names and externalId from creation, so changing them
// creates the user again (the rule harness_scim_user applies as a
// replacement).
func userChangeKind(gen client.Generation, prior, want dirUser) changeKind {
	if prior.equal(want) {
		return changeNone
	}
	if gen == client.NextGen {
		var ignored diag.Diagnostics
		if len(nextGenRecreate("", want.planFields(), prior.planFields(), func(string) path.Path { return path.Empty() }, &ignored)) > 0 {
			return changeRecreate
		}
	}
	return changeUpdate
}

// diffGroups computes group changes. Harness removes a user created again
// from every group, so each planned group holding one adds it back.
func (a *directoryApply) diffGroups(recreated map[string]bool) {
	_, unlisted := a.private.unlisted()
	for _, g := range sortedKeys(a.plan.Groups) {
		ch := &groupChange{key: g, members: a.plan.Groups[g], id: a.prior.GroupIDs[g]}
		prior, had := a.prior.Groups[g]
		switch {
		case ch.id == "" && a.private.RelinkGroups[g] != "":
			ch.kind, ch.id = changeRelink, a.private.RelinkGroups[g]
		case !had || ch.id == "":
			ch.kind = changeCreate
		default:
			ch.add, ch.remove = diffNames(ch.members, prior)
			for _, m := range ch.members {
				if recreated[foldName(m)] && !listsName(ch.add, m) {
					ch.add = append(ch.add, m)
				}
			}
			if len(ch.add)+len(ch.remove) > 0 {
				ch.kind = changeUpdate
			}
		}
		a.groups = append(a.groups, ch)
	}
	for _, g := range sortedKeys(a.prior.Groups) {
		if _, planned := a.plan.Groups[g]; planned {
			continue
		}
		ch := &groupChange{key: g, id: a.prior.GroupIDs[g], kind: changeDelete, members: a.prior.Groups[g]}
		if ch.id == "" || (unlisted[g] && !a.exclusive) {
			ch.kind = changeForget
		}
		a.groups = append(a.groups, ch)
	}
}

// diffNames returns the names of want missing from have and those of have
// missing from want, compared regardless of case, in their lists' order.
func diffNames(want, have []string) (missing, extra []string) {
	in := func(names []string) map[string]bool {
		m := make(map[string]bool, len(names))
		for _, n := range names {
			m[foldName(n)] = true
		}
		return m
	}
	w, h := in(want), in(have)
	for _, n := range want {
		if !h[foldName(n)] {
			missing = append(missing, n)
		}
	}
	for _, n := range have {
		if !w[foldName(n)] {
			extra = append(extra, n)
		}
	}
	return missing, extra
}

// sameNames reports whether two member lists hold the same users.
func sameNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	missing, extra := diffNames(a, b)
	return len(missing) == 0 && len(extra) == 0
}

// listsName reports whether names holds name, regardless of case.
func listsName(names []string, name string) bool {
	for _, n := range names {
		if foldName(n) == foldName(name) {
			return true
		}
	}
	return false
}
