package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The names of a harness_scim_user that Harness can build. Both
// generations read SCIM's name.givenName and name.familyName the same way
// (harness-core 1dcec145: NGScimUserServiceImpl, 120-ng-manager, lines
// 513-523; FirstGen's ScimUserServiceImpl, 400-rest, lines 129-139):
// whenever a givenName is sent the familyName is read unchecked, so a given
// name alone fails the create (a NullPointerException, answered 409), and
// without a givenName both names are taken from displayName, so a family
// name alone is silently replaced by display_name. display_name is
// Required, so no other body Harness cannot build can be configured.
// client.SCIMUser.NameProblem refuses the same bodies before sending; this
// check says so at plan time, on the attribute to fix.

// checkUserNames refuses a given name without a family name and the
// reverse. who names the user where the path alone does not ("" when it
// does); at gives the path of an attribute.
func checkUserNames(who string, given, family types.String, at func(string) path.Path, diags *diag.Diagnostics) {
	if given.IsUnknown() || family.IsUnknown() {
		return
	}
	if who != "" {
		who = "User " + who + ": "
	}
	switch {
	case !given.IsNull() && family.IsNull():
		diags.AddAttributeError(at("family_name"), "family_name is required when given_name is set",
			who+"family_name is required when given_name is set: Harness reads the family name whenever a given name is sent "+
				"and fails the request (HTTP 409 on create) when it is missing. Set family_name, or remove given_name.")
	case given.IsNull() && !family.IsNull():
		diags.AddAttributeError(at("given_name"), "given_name is required when family_name is set",
			who+"given_name is required when family_name is set: Harness takes the name parts from a request only when it "+
				"holds a given name; without one it sets both the given and the family name to display_name when it "+
				"creates the user, so family_name would not be kept. Set given_name, or remove family_name.")
	}
}
