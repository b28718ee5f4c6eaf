package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Group members are a list with set semantics. A Terraform set would be the
// natural type, but Terraform core checks every applied set against its plan
// by comparing each element with each other one: applying a 5,000-element
// set takes minutes (measured: 2m13s for terraform_data with 5,000 strings,
// 1.8s for the same list), and the plugin framework's set validation and
// semantic equality are quadratic too. A list is checked element by
// element. Set behaviour comes from three pieces: membersIgnoreOrder plans
// the prior value when the configuration holds the same ids in another
// order (Terraform accepts a prior value planned in place of an equivalent
// configuration value), Read keeps the recorded order (orderLike), and
// uniqueMembersValidator refuses duplicates.

// membersIgnoreOrder plans the prior members when the configuration lists
// the same ids in another order, so reordering never shows as a change.
type membersIgnoreOrder struct{}

func (membersIgnoreOrder) Description(context.Context) string {
	return "order of members is ignored"
}

func (m membersIgnoreOrder) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (membersIgnoreOrder) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var diags diag.Diagnostics
	config, ok := knownStrings(req.ConfigValue.Elements())
	if !ok {
		return
	}
	state := listStrings(ctx, req.StateValue, &diags)
	if diags.HasError() {
		return
	}
	if len(config) == len(state) && sameMembers(config, state) {
		resp.PlanValue = req.StateValue
	}
}

// diffMembers returns the ids of want missing from have, and those of have
// not in want, sorted.
func diffMembers(want, have []string) (missing, extra []string) {
	in := func(ids []string) map[string]bool {
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	w, h := in(want), in(have)
	for id := range w {
		if !h[id] {
			missing = append(missing, id)
		}
	}
	for id := range h {
		if !w[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}

// orderLike returns ids ordered like prior: ids also in prior first, in
// prior's order, then the others sorted.
func orderLike(prior, ids []string) []string {
	have := make(map[string]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	out := make([]string, 0, len(ids))
	placed := make(map[string]bool, len(ids))
	for _, id := range prior {
		if have[id] && !placed[id] {
			placed[id] = true
			out = append(out, id)
		}
	}
	var rest []string
	for _, id := range ids {
		if !placed[id] {
			placed[id] = true
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

func sameMembers(want, have []string) bool {
	missing, extra := diffMembers(want, have)
	return len(missing) == 0 && len(extra) == 0
}

// membersLike is a group's member ids as a list ordered like prior (the
// order Terraform last recorded), then the members prior lacks, sorted: so
// a refresh never reorders members, only adds and drops them.
func membersLike(prior []string, g *client.SCIMGroup) types.List {
	return stringList(orderLike(prior, g.MemberIDs()))
}

// membersNotAdded is the error for member ids Harness ignored.
func membersNotAdded(label string, missing []string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("members"), "Harness did not add some members",
		fmt.Sprintf("Harness did not add %s to group %s. Harness silently ignores member ids that are not users of "+
			"the account. Check that every element of members is the id of an existing Harness user (such as "+
			"harness_scim_user.<name>.id), not an email or a deleted user.\n\nTerraform recorded the members the group "+
			"really has.", quoteList(missing), label))
}

// convergeMembers makes group g have exactly want (and the new name, when
// rename is non-empty), knowing it has current: one PATCH and one GET. If
// the group read back still differs in a way another PATCH can fix (a
// member it lacks was not in the PATCH, because current was stale, or
// members it should not have are back), it tries once more. Ids the PATCH
// added and Harness ignored are not sent again: Harness ignores ids that
// are not users of the account, so a second PATCH would be ignored too. It
// then reports the ids Harness would not take, and returns the group as
// last read, or nil when it could not be read.
func convergeMembers(ctx context.Context, c *client.Client, g *client.SCIMGroup, rename string, want, current []string) (*client.SCIMGroup, diag.Diagnostics) {
	var diags diag.Diagnostics
	label := groupLabel(g.ID, g.DisplayName)
	if rename != "" {
		label = groupLabel(g.ID, rename)
	}
	var (
		got            *client.SCIMGroup
		missing, extra []string
	)
	for attempt := 1; attempt <= 2; attempt++ {
		add, remove := diffMembers(want, current)
		if err := c.PatchSCIMGroup(ctx, g.ID, client.SCIMGroupPatch{DisplayName: rename, Add: add, Remove: remove}); err != nil {
			addAPIError(&diags, "updating", "SCIM group", label, err)
			return got, diags
		}
		rename = ""
		var err error
		got, err = c.GetSCIMGroup(ctx, g.ID)
		if err != nil {
			addAPIError(&diags, "reading", "SCIM group", label+" after updating it", err)
			return nil, diags
		}
		current = got.MemberIDs()
		missing, extra = diffMembers(want, current)
		if len(missing) == 0 && len(extra) == 0 {
			return got, diags
		}
		tflog.Debug(ctx, "SCIM group members differ after PATCH", map[string]any{"id": g.ID, "attempt": attempt})
		if len(extra) == 0 && containsAll(add, missing) {
			break
		}
	}
	if len(missing) > 0 {
		diags.Append(membersNotAdded(label, missing))
	}
	if len(extra) > 0 {
		diags.AddAttributeError(path.Root("members"), "Harness kept members that are not configured",
			fmt.Sprintf("Group %s still has %s after Terraform removed them; something else (an identity provider or "+
				"harness_scim_group_member) may be adding them back. Terraform recorded the members the group really has.",
				label, quoteList(extra)))
	}
	return got, diags
}

// containsAll reports whether every id of ids is in set.
func containsAll(set, ids []string) bool {
	in := make(map[string]bool, len(set))
	for _, id := range set {
		in[id] = true
	}
	for _, id := range ids {
		if !in[id] {
			return false
		}
	}
	return true
}

// groupLabel names a group in diagnostics.
func groupLabel(id, name string) string { return fmt.Sprintf("%q (id %s)", name, id) }
