package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// groupIdentifierHow is how Harness NextGen derives a group's id from its
// display_name, for diagnostics (client.GroupIdentifier).
const groupIdentifierHow = "Harness NextGen derives a group's id from its display_name: spaces, '.' and '-' become '_', " +
	"accents are stripped, digits, '-' and '$' at the very start of the name are dropped, and every other character " +
	"that is not a letter, digit, '_' or '$' is deleted."

// addGroupIdentifierError refuses, on the attribute at, a NextGen group name
// whose derived id Harness refuses to create: none at all, one starting
// with a digit or '$', one over 128 characters, a reserved word or a
// default group's id (client.GroupIdentifierProblem, after
// UserGroupServiceImpl.validationOnUserGroupDTOCreateForSCIM in harness-core
// 1dcec145, 123-ng-core-user, lines 263-289). The error shows the id
// Harness would derive and Harness's own words, which the create's 409
// would carry.
func addGroupIdentifierError(diags *diag.Diagnostics, at path.Path, name string) {
	id, problem := client.GroupIdentifierProblem(name)
	if problem == "" {
		return
	}
	summary, detail := "Harness NextGen refuses the group id display_name gives", ""
	switch {
	case id == "":
		summary = "display_name gives no Harness group id"
		detail = fmt.Sprintf("%s %q leaves nothing, so Harness could not create the group (%s). Use a name with at "+
			"least one letter.", groupIdentifierHow, name, problem)
	case strings.HasSuffix(problem, " is a keyword, so cannot be used"):
		detail = fmt.Sprintf("display_name %q gives the Harness group id %q, a word Harness reserves (%s; case matters: "+
			"%q is accepted), so Harness NextGen refuses it (%s). Choose another name.", name, id,
			strings.Join(reservedIdentifiers, ", "), strings.ToUpper(id[:1])+id[1:], problem)
	case strings.HasPrefix(problem, "identifier: can be 128"):
		detail = fmt.Sprintf("display_name %q gives the Harness group id %q, which Harness NextGen refuses (%s). %s %s",
			shorten(name), shorten(id), problem, groupIdentifierHow, identifierPatternAdvice(id))
	default:
		detail = fmt.Sprintf("display_name %q gives the Harness group id %q, which Harness manages itself in every account "+
			"and organization, so Harness NextGen refuses it (%s). Choose another name.", name, id, problem)
	}
	diags.AddAttributeError(at, summary, detail)
}

// identifierPatternAdvice says how to fix a derived id that breaks the
// identifier pattern: it starts with a digit or '$', or is too long.
func identifierPatternAdvice(id string) string {
	var advice []string
	if c := id[0]; c >= '0' && c <= '9' || c == '$' {
		advice = append(advice, fmt.Sprintf("The id starts with %q: Harness drops digits, '-' and '$' only at the very "+
			"start of the name, before it deletes other characters, so start the name with a letter (for example "+
			"\"Staff 2024\" rather than \"(2024) Staff\").", c))
	}
	if len(id) > 128 {
		advice = append(advice, fmt.Sprintf("The id is %d characters long, and Harness allows 128: use a shorter name.", len(id)))
	}
	return strings.Join(advice, " ")
}

// shorten abbreviates a long name or id for a diagnostic.
func shorten(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}
