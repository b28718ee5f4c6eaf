package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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

// knownStrings returns the values of known string elements; ok is false
// when any element is unknown or null.
func knownStrings(elems []attr.Value) ([]string, bool) {
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			return nil, false
		}
		out = append(out, s.ValueString())
	}
	return out, true
}

// uniqueMembersValidator refuses an id listed twice, in linear time.
type uniqueMembersValidator struct{}

func (uniqueMembersValidator) Description(context.Context) string {
	return "each user id may appear only once"
}

func (v uniqueMembersValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueMembersValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := make(map[string]bool, len(req.ConfigValue.Elements()))
	var dups []string
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if seen[s.ValueString()] && !slices.Contains(dups, s.ValueString()) {
			dups = append(dups, s.ValueString())
		}
		seen[s.ValueString()] = true
	}
	if len(dups) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Duplicate members",
			fmt.Sprintf("members lists %s more than once. members is a set of user ids; list each user once "+
				"(wrap computed lists in distinct()).", quoteList(dups)))
	}
}

// listStrings returns the elements of a known list; nil for a null list.
func listStrings(ctx context.Context, s types.List, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := make([]string, 0, len(s.Elements()))
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	return out
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

// stringList builds a known list of strings.
func stringList(ids []string) types.List {
	vals := make([]attr.Value, len(ids))
	for i, id := range ids {
		vals[i] = types.StringValue(id)
	}
	return types.ListValueMust(types.StringType, vals)
}

func sameMembers(want, have []string) bool {
	missing, extra := diffMembers(want, have)
	return len(missing) == 0 && len(extra) == 0
}

// quoteList renders ids as `user id "a", "b"`.
func quoteList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	noun := "user id"
	if len(ids) > 1 {
		noun = "user ids"
	}
	return noun + " " + strings.Join(q, ", ")
}

// userIDValidator refuses values that cannot be Harness user ids, most
// often an email put where the id belongs.
type userIDValidator struct{}

func (userIDValidator) Description(context.Context) string {
	return "must be a Harness user id, not an email"
}

func (v userIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (userIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueString()
	switch {
	case strings.Contains(v, "@"):
		resp.Diagnostics.AddAttributeError(req.Path, "Email instead of user id",
			fmt.Sprintf("%q is an email, but Harness group members are user ids. Use the user's id, such as "+
				"harness_scim_user.<name>.id or data.harness_scim_user.<name>.id.", v))
	case strings.ContainsAny(v, " \t\n\"/"):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid user id",
			fmt.Sprintf("%q cannot be a Harness user id: ids contain no spaces, quotes or slashes. Use the user's id, "+
				"such as harness_scim_user.<name>.id.", v))
	}
}
