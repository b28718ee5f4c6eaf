package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// ModifyPlan plans users and groups in one pass over their keys (the
// schema leaves them unknown until here; see planInResourceModifyPlan).
// A key whose planned object equals its prior one plans the prior value
// exactly, which Terraform accepts in place of an equivalent configuration
// (plan_valid.go, assertPlannedValueValid): member order and case, and
// names the configuration omits, never show as changes. When nothing
// changed at all the prior maps are planned whole, so even keys that differ
// from Harness's only in case plan empty after an import. It also applies
// the generation rules of harness_scim_user to every user, and checks that
// every group member is a user.
func (r *scimDirectoryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var config, plan scimDirectoryModel
	prior := scimDirectoryModel{Users: types.MapNull(dirUserType), Groups: types.MapNull(dirGroupType),
		UserIDs: types.MapNull(types.StringType), GroupIDs: types.MapNull(types.StringType), Exclusive: types.BoolValue(false)}
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	p := &directoryPlanner{gen: r.generation(), config: &config, prior: &prior, priv: readDirectoryPrivate(ctx, req.Private),
		diags: &resp.Diagnostics}
	plan.Users = p.users()
	plan.Groups = p.groups()
	plan.UserIDs = plannedIDs(plan.Users, prior.UserIDs, true)
	plan.GroupIDs = plannedIDs(plan.Groups, prior.GroupIDs, false)
	var c *client.Client
	if r.data != nil {
		c = r.data.client
	}
	if c != nil {
		plan.ID = types.StringValue(c.AccountID())
	}
	p.checkMembers(ctx, c)
	p.checkGroupIDs()
	p.warn(plan.Exclusive)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// directoryPlanner plans a directory from its configuration and prior state.
type directoryPlanner struct {
	gen    client.Generation
	config *scimDirectoryModel
	prior  *scimDirectoryModel
	priv   *directoryPrivate
	diags  *diag.Diagnostics
	// recreated are the users NextGen will delete and create again.
	recreated []string
}

// users plans the users map.
func (p *directoryPlanner) users() types.Map {
	cfg := p.config.Users
	if cfg.IsNull() || cfg.IsUnknown() {
		return cfg
	}
	priorElems := p.prior.Users.Elements()
	priorKeys := make(map[string]string, len(priorElems))
	for k := range priorElems {
		priorKeys[foldName(k)] = k
	}
	elems := cfg.Elements()
	out := make(map[string]attr.Value, len(elems))
	same := len(elems) == len(priorElems) && !p.prior.Users.IsNull()
	for _, k := range sortedKeys(elems) {
		pk, had := priorKeys[foldName(k)]
		planned, unchanged := p.planUser(k, elems[k], priorElems[pk], had)
		out[k] = planned
		same = same && unchanged
	}
	if same {
		return p.prior.Users
	}
	return types.MapValueMust(dirUserType, out)
}

// planUser plans the user of key k from its configuration cv and prior
// value pv: names and external_id the configuration omits keep Harness's
// value, and active defaults to true. unchanged reports that the prior
// value was planned.
func (p *directoryPlanner) planUser(k string, cv, pv attr.Value, had bool) (planned attr.Value, unchanged bool) {
	c, ok := dirUserOf(cv)
	if !ok {
		return cv, false
	}
	var prior dirUser
	var priorFields *userPlanFields
	if had {
		prior, had = dirUserOf(pv)
		priorFields = prior.planFields()
	}
	want := dirUser{DisplayName: c.DisplayName, GivenName: orPrior(c.GivenName, prior.GivenName),
		FamilyName: orPrior(c.FamilyName, prior.FamilyName), ExternalID: orPrior(c.ExternalID, prior.ExternalID), Active: c.Active}
	if want.Active.IsNull() {
		want.Active = types.BoolValue(true)
	}
	at := func(name string) path.Path { return path.Root("users").AtMapKey(k).AtName(name) }
	checkUserNames(fmt.Sprintf("%q", k), c.GivenName, c.FamilyName, at, p.diags)
	if len(checkUserPlan(p.gen, fmt.Sprintf("%q", k), c.planFields(), want.planFields(), priorFields, at, p.diags)) > 0 {
		p.recreated = append(p.recreated, k)
	}
	if had && want.equal(prior) {
		return pv, true
	}
	return want.value(), false
}

// orPrior is the configured value, or the prior one where the
// configuration leaves the attribute out.
func orPrior(configured, prior types.String) types.String {
	if configured.IsNull() {
		return prior
	}
	return configured
}

// groups plans the groups map: a group whose configured members are the
// prior ones, in any order and case, plans its prior value.
func (p *directoryPlanner) groups() types.Map {
	cfg := p.config.Groups
	if cfg.IsNull() || cfg.IsUnknown() {
		return cfg
	}
	priorElems := p.prior.Groups.Elements()
	elems := cfg.Elements()
	out := make(map[string]attr.Value, len(elems))
	same := len(elems) == len(priorElems) && !p.prior.Groups.IsNull()
	for g, cv := range elems {
		if pv, had := priorElems[g]; had {
			want, okWant := groupMembersOf(cv)
			have, okHave := groupMembersOf(pv)
			if okWant && okHave && sameNames(want, have) {
				out[g] = pv
				continue
			}
		}
		out[g] = cv
		same = false
	}
	if same {
		return p.prior.Groups
	}
	return types.MapValueMust(dirGroupType, out)
}

// plannedIDs plans an id map: the prior id of each planned key (matched
// regardless of case for users), unknown for keys Harness does not have
// yet.
func plannedIDs(planned, priorIDs types.Map, fold bool) types.Map {
	if planned.IsUnknown() {
		return types.MapUnknown(types.StringType)
	}
	norm := func(k string) string { return k }
	if fold {
		norm = foldName
	}
	prior := make(map[string]attr.Value, len(priorIDs.Elements()))
	for k, v := range priorIDs.Elements() {
		if s, ok := v.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			prior[norm(k)] = s
		}
	}
	out := make(map[string]attr.Value, len(planned.Elements()))
	for k := range planned.Elements() {
		if id, ok := prior[norm(k)]; ok {
			out[k] = id
		} else {
			out[k] = types.StringUnknown()
		}
	}
	ids := types.MapValueMust(types.StringType, out)
	if ids.Equal(priorIDs) {
		return priorIDs
	}
	return ids
}
