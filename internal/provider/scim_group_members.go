package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
