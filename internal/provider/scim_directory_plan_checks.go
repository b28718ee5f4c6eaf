package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Plan-time checks of a directory: group members are users, NextGen can
// derive an id for every new group, and warnings for what the plan's
// diff cannot show.

// checkMembers refuses, at plan time, a member that is no user: each must
// be a key of users, or a user Harness already has (a member of one of the
// directory's groups at the last refresh, or found by one search per new
// name). A member whose key leaves users is refused too: the apply would
// remove the user from Harness.
func (p *directoryPlanner) checkMembers(ctx context.Context, c *client.Client) {
	if p.config.Users.IsUnknown() || p.config.Groups.IsNull() || p.config.Groups.IsUnknown() {
		return
	}
	users := map[string]bool{}
	for k := range p.config.Users.Elements() {
		users[foldName(k)] = true
	}
	leaving, known := map[string]bool{}, map[string]bool{}
	for k := range p.prior.Users.Elements() {
		if !users[foldName(k)] {
			leaving[foldName(k)] = true
		}
	}
	for _, v := range p.prior.Groups.Elements() {
		members, _ := groupMembersOf(v)
		for _, m := range members {
			known[foldName(m)] = true
		}
	}
	lookups := map[string][]string{} // folded name -> groups listing it
	groups := p.config.Groups.Elements()
	for _, g := range sortedKeys(groups) {
		members, _ := groupMembersOf(groups[g])
		for _, m := range members {
			f := foldName(m)
			switch {
			case users[f]:
			case leaving[f]:
				p.diags.AddAttributeError(path.Root("groups").AtMapKey(g).AtName("members"), "Member leaves the directory",
					fmt.Sprintf("%q is a member of group %q, but leaves users in this plan, so the apply removes the user from "+
						"Harness (with exclusive = true, a SCIM user that users does not list is removed). Keep it in users, or "+
						"take it out of the group's members.", m, g))
			case !known[f]:
				lookups[f] = append(lookups[f], g)
			}
		}
	}
	p.lookUpMembers(ctx, c, lookups)
}

// lookUpMembers searches Harness for members that are no key of users.
func (p *directoryPlanner) lookUpMembers(ctx context.Context, c *client.Client, lookups map[string][]string) {
	if c == nil {
		return // the provider's configuration is unknown yet: the apply checks
	}
	for _, name := range sortedKeys(lookups) {
		_, err := c.FindSCIMUserByUserName(ctx, name)
		at := path.Root("groups").AtMapKey(lookups[name][0]).AtName("members")
		switch {
		case client.IsNotFound(err):
			p.diags.AddAttributeError(at, "Member is not a user",
				fmt.Sprintf("%q (a member of %s) is neither a key of users nor a user Harness has through SCIM. Add it to "+
					"users, or check its spelling. Users invited in the Harness UI are not visible to SCIM.",
					name, quoteNames(lookups[name])))
		case err != nil:
			addAPIError(p.diags, "looking up", "SCIM user", name+" (a group member)", err)
		}
	}
}

// checkGroupIDs refuses, in NextGen, new groups whose names give an id
// Harness refuses (none, a reserved word, ...; addGroupIdentifierError) or
// the id of another group: Harness derives the id from the name
// (docs/design/harness-api.md 2.2) and would refuse the create.
func (p *directoryPlanner) checkGroupIDs() {
	if p.gen != client.NextGen || p.config.Groups.IsNull() || p.config.Groups.IsUnknown() {
		return
	}
	priorIDs := idsOf(p.prior.GroupIDs)
	taken := map[string]string{}
	for g, id := range priorIDs {
		taken[id] = g
	}
	for _, g := range sortedKeys(p.config.Groups.Elements()) {
		if _, exists := priorIDs[g]; exists {
			continue
		}
		at := path.Root("groups").AtMapKey(g)
		before := p.diags.ErrorsCount()
		addGroupIdentifierError(p.diags, at, g)
		if p.diags.ErrorsCount() > before {
			continue
		}
		id := client.GroupIdentifier(g)
		if other, clash := taken[id]; clash && other != g {
			p.diags.AddAttributeError(at, "Group names give the same Harness group id",
				fmt.Sprintf("Harness NextGen derives the id %q from both %q and %q, and refuses a second group with an "+
					"id in use. Rename one of them.", id, g, other))
			continue
		}
		taken[id] = g
	}
}

// warn explains what the plan's diff cannot show.
func (p *directoryPlanner) warn(exclusive types.Bool) {
	if len(p.recreated) > 0 {
		p.diags.AddAttributeWarning(path.Root("users"), "Users will be created again",
			fmt.Sprintf("Harness NextGen cannot change the external_id of a user it has, so the apply "+
				"deletes and creates again %s. Harness gives them back their ids, and the apply adds them back to this "+
				"directory's groups; memberships and role bindings Terraform does not manage are lost.", someNames(p.recreated)))
	}
	if forgotten := p.forgotten(exclusive); len(forgotten) > 0 {
		p.diags.AddAttributeWarning(path.Root("exclusive"), "Unlisted objects are forgotten, not deleted",
			fmt.Sprintf("%s joined the state only because exclusive was on; with exclusive off the apply removes them from "+
				"state and leaves them in Harness.", someNames(forgotten)))
	}
	if exclusive.ValueBool() && !p.prior.Exclusive.ValueBool() {
		p.diags.AddAttributeWarning(path.Root("exclusive"), "exclusive takes effect from the next plan",
			"This plan does not yet list the SCIM users and groups of the account that users and groups leave out: the "+
				"next refresh, once this apply has recorded exclusive = true, lists them, and the next plan shows their removal.")
	}
}

// forgotten are the unlisted keys this plan removes while exclusive is off.
func (p *directoryPlanner) forgotten(exclusive types.Bool) []string {
	if exclusive.ValueBool() || p.priv == nil {
		return nil
	}
	var out []string
	cfgUsers := map[string]bool{}
	for k := range p.config.Users.Elements() {
		cfgUsers[foldName(k)] = true
	}
	for _, k := range p.priv.UnlistedUsers {
		if !cfgUsers[foldName(k)] {
			out = append(out, k)
		}
	}
	cfgGroups := p.config.Groups.Elements()
	for _, g := range p.priv.UnlistedGroups {
		if _, ok := cfgGroups[g]; !ok {
			out = append(out, g)
		}
	}
	return out
}

// someNames quotes up to ten names and counts the others.
func someNames(names []string) string {
	const shown = 10
	q := make([]string, 0, shown)
	for i, n := range names {
		if i == shown {
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > shown {
		s += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	return s
}
