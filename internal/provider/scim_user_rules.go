package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// What Harness can store of a SCIM user depends on the generation
// (docs/design/harness-api.md 1.3, 1.7, 1.8). These rules are shared by
// harness_scim_user and the users of harness_scim_directory.

// userPlanFields are the attributes of a user that the generation rules
// look at, from a configuration, a plan or a state.
type userPlanFields struct {
	GivenName  types.String
	FamilyName types.String
	ExternalID types.String
	Active     types.Bool
}

// checkUserPlan refuses what the generation cannot store and returns the
// attributes whose change NextGen can only apply by creating the user
// again. state is nil
// for a user being created. at gives the path of an attribute, and who
// names the user in the diagnostics where the path alone does not (""
// when it does).
func checkUserPlan(gen client.Generation, who string, config, plan, state *userPlanFields, at func(string) path.Path,
	diags *diag.Diagnostics) []string {
	if who != "" {
		who = "User " + who + ": "
	}
	switch gen {
	case client.FirstGen:
		if !config.ExternalID.IsNull() {
			diags.AddAttributeError(at("external_id"), "external_id is not supported by Harness FirstGen",
				who+"Harness FirstGen SCIM discards externalId, so it could never match this configuration. Remove external_id, "+
					"or use the NextGen SCIM API (scim_generation = \"nextgen\").")
		}
	case client.NextGen:
		if !config.Active.IsNull() && !config.Active.IsUnknown() && !config.Active.ValueBool() {
			diags.AddAttributeError(at("active"), "active = false is not supported by Harness NextGen",
				who+"Harness NextGen removes a deactivated user from the account instead of keeping it inactive, so Terraform "+
					"could not keep managing it. Remove the user from the configuration (with on_destroy = \"deactivate\" if "+
					"you want a SCIM deactivation), or use FirstGen (scim_generation = \"firstgen\").")
		}
		if state != nil {
			return nextGenRecreate(who, plan, state, at, diags)
		}
	}
	return nil
}

// nextGenRecreate returns the attributes NextGen would only change by
// creating the user again: externalId, which NGScimUserServiceImpl.
// updateUser never sets (names change in place: NextGen passes a PUT on to
// FirstGen's user service, which sets them). It warns about names NextGen
// never reports.
func nextGenRecreate(who string, plan, state *userPlanFields, at func(string) path.Path, diags *diag.Diagnostics) []string {
	var recreate []string
	for _, a := range []struct {
		name        string
		plan, state types.String
		// reported is false for names Harness has never reported: NextGen
		// without PL_NEW_SCIM_STANDARDS leaves them out of every answer,
		// so a null state says nothing about what Harness holds.
		reported bool
	}{
		{"given_name", plan.GivenName, state.GivenName, !state.GivenName.IsNull()},
		{"family_name", plan.FamilyName, state.FamilyName, !state.FamilyName.IsNull()},
		{"external_id", plan.ExternalID, state.ExternalID, true},
	} {
		switch {
		case a.plan.IsUnknown() || a.plan.Equal(a.state):
		case !a.reported:
			diags.AddAttributeWarning(at(a.name), "Harness does not report "+a.name,
				fmt.Sprintf(who+"This Harness account does not report %s (NextGen without PL_NEW_SCIM_STANDARDS), so "+
					"Terraform sends the configured value without replacing the user but cannot check it, nor notice "+
					"changes made outside Terraform.", a.name))
		case a.name == "external_id":
			recreate = append(recreate, a.name)
		}
	}
	return recreate
}
