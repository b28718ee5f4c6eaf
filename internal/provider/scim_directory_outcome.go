package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// What an apply leaves: the directory as Harness has it afterwards, and the
// report of every change that failed.

// result is the directory after the apply, and sets the new private state.
// Where every change succeeded it is the plan. A failed change keeps the
// object as it was, except a failed creation, which keeps the key without
// an id: the creation may have happened, and the next refresh looks the
// object up by name, keeping it if Harness has it and dropping it
// otherwise, so nothing is left untracked. In a create (create is true)
// every key keeps its planned value, as Terraform requires of a create
// that reports no error.
func (a *directoryApply) result(create bool) *directory {
	out := newDirectory()
	out.UsersNull, out.GroupsNull = a.plan.UsersNull, a.plan.GroupsNull
	for _, ch := range a.users {
		a.userResult(out, ch)
	}
	for _, ch := range a.groups {
		a.groupResult(out, ch, create)
	}
	a.private = a.nextPrivate(out)
	return out
}

func (a *directoryApply) userResult(out *directory, ch *userChange) {
	put := func(k string, u dirUser, id string) { out.Users[k], out.UserIDs[k] = u, id }
	keepPrior := func() { put(ch.priorKey, a.prior.Users[ch.priorKey], a.prior.UserIDs[ch.priorKey]) }
	switch ch.kind {
	case changeNone:
		put(ch.key, ch.want, ch.id)
	case changeCreate, changeRelink:
		if ch.done {
			put(ch.key, ch.want, ch.id)
		} else {
			put(ch.key, ch.want, "")
		}
	case changeUpdate:
		if ch.done {
			put(ch.key, ch.want, ch.id)
		} else {
			keepPrior()
		}
	case changeRecreate:
		switch {
		case ch.done:
			put(ch.key, ch.want, ch.id)
		case ch.id == "": // deleted, not created again
			put(ch.key, ch.want, "")
		default:
			keepPrior()
		}
	case changeDelete:
		if !ch.done {
			keepPrior()
		}
	}
}

func (a *directoryApply) groupResult(out *directory, ch *groupChange, create bool) {
	put := func(members []string, id string) { out.Groups[ch.key], out.GroupIDs[ch.key] = members, id }
	switch ch.kind {
	case changeNone:
		put(ch.members, ch.id)
	case changeCreate, changeRelink:
		switch {
		case !ch.done:
			put(ch.members, "")
		case ch.err == nil || create:
			put(ch.members, ch.id)
		default:
			put(orderLike(ch.members, ch.added), ch.id)
		}
	case changeUpdate:
		switch {
		case !ch.done:
			put(a.prior.Groups[ch.key], ch.id)
		case ch.err == nil:
			put(ch.members, ch.id)
		default:
			put(applyMembers(a.prior.Groups[ch.key], ch.added, ch.removed, ch.members), ch.id)
		}
	case changeDelete:
		if !ch.done {
			put(a.prior.Groups[ch.key], ch.id)
		}
	}
}

// applyMembers is prior with added and removed applied, ordered like want.
func applyMembers(prior, added, removed, want []string) []string {
	_, kept := diffNames(removed, prior)
	return orderLike(want, append(kept, added...))
}

// nextPrivate is the private state after the apply: keys the plan lists
// are no longer unlisted, and renames back that failed are tried again.
func (a *directoryApply) nextPrivate(out *directory) *directoryPrivate {
	unlistedUsers, unlistedGroups := a.private.unlisted()
	for k := range a.plan.Users {
		delete(unlistedUsers, k)
	}
	for k := range a.plan.Groups {
		delete(unlistedGroups, k)
	}
	next := &directoryPrivate{UnlistedUsers: keysIn(unlistedUsers, out.Users), UnlistedGroups: keysIn(unlistedGroups, out.Groups)}
	for _, ch := range a.users {
		if ch.kind == changeRelink && !ch.done {
			if next.RelinkUsers == nil {
				next.RelinkUsers = map[string]string{}
			}
			next.RelinkUsers[ch.key] = a.private.RelinkUsers[ch.key]
		}
	}
	for _, ch := range a.groups {
		if ch.kind == changeRelink && !ch.done {
			if next.RelinkGroups == nil {
				next.RelinkGroups = map[string]string{}
			}
			next.RelinkGroups[ch.key] = a.private.RelinkGroups[ch.key]
		}
	}
	return next
}

// nothingDone reports whether no change can have reached Harness: none
// succeeded and none failed without a clear answer.
func (a *directoryApply) nothingDone() bool {
	for _, ch := range a.users {
		if ch.done || ch.kind == changeRecreate && ch.id == "" || uncertain(ch.err) {
			return false
		}
	}
	for _, ch := range a.groups {
		if ch.done || uncertain(ch.err) {
			return false
		}
	}
	return true
}

// uncertain reports whether a failed request may have been applied.
func uncertain(err error) bool {
	if err == nil || errors.Is(err, errNotAttempted) {
		return false
	}
	apiErr, ok := client.AsAPIError(err)
	return !ok || apiErr.Uncertain
}

// directoryFailure is one change that failed.
type directoryFailure struct {
	verb, object, name string
	err                error
}

// maxDetailedFailures is how many failures get a diagnostic each; the
// others are listed in one.
const maxDetailedFailures = 20

// report adds a diagnostic for every failed change, as errors, or as
// warnings for a create (see Create).
func (a *directoryApply) report(diags *diag.Diagnostics, asErrors bool) {
	add := diags.AddWarning
	if asErrors {
		add = diags.AddError
	}
	failures, skipped, total := a.failures()
	if len(failures) == 0 && skipped == 0 {
		return
	}
	for i, f := range failures {
		if i == maxDetailedFailures {
			add(fmt.Sprintf("%d more directory changes failed", len(failures)-i), restOfFailures(failures[i:]))
			break
		}
		add(apiErrorMessage(f.verb, f.object, f.name, f.err, apiErrorHint(f.err)))
	}
	if skipped > 0 {
		add("Directory changes not attempted", fmt.Sprintf("%d changes were not attempted: the apply was interrupted, or "+
			"Harness refused the credential or a permission (see the errors above), which every other request would have "+
			"met as well.", skipped))
	}
	summary := fmt.Sprintf("%d of the %d changes to the directory failed or were not attempted. Terraform recorded in state "+
		"everything that succeeded; run terraform apply again to finish the job.", len(failures)+skipped, total)
	if !asErrors {
		summary += " These are warnings rather than errors because Terraform marks a resource whose creation " +
			"reports an error as tainted, and replacing a directory would delete every user in it."
	}
	add("Directory partly applied", summary)
}

// failures lists the failed changes, counts those not attempted and all.
func (a *directoryApply) failures() (out []directoryFailure, skipped, total int) {
	for _, ch := range a.users {
		if ch.kind == changeNone || ch.kind == changeForget {
			continue
		}
		total++
		switch {
		case errors.Is(ch.err, errNotAttempted):
			skipped++
		case ch.err != nil:
			out = append(out, directoryFailure{verb: changeVerb(ch.kind), object: "SCIM user", name: ch.key, err: ch.err})
		}
	}
	for _, ch := range a.groups {
		if ch.kind == changeNone || ch.kind == changeForget {
			continue
		}
		total++
		switch {
		case errors.Is(ch.err, errNotAttempted):
			skipped++
		case ch.err != nil:
			out = append(out, directoryFailure{verb: changeVerb(ch.kind), object: "SCIM group", name: fmt.Sprintf("%q", ch.key), err: ch.err})
		}
	}
	return out, skipped, total
}

func changeVerb(k changeKind) string {
	switch k {
	case changeCreate:
		return "creating"
	case changeRecreate:
		return "creating again"
	case changeRelink:
		return "renaming back"
	case changeDelete:
		return "deleting"
	}
	return "updating"
}

// restOfFailures lists failures one per line.
func restOfFailures(failures []directoryFailure) string {
	var b strings.Builder
	for _, f := range failures {
		fmt.Fprintf(&b, "%s %s %s: %s\n", f.verb, f.object, f.name, f.err)
	}
	return b.String()
}
