package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// NextGen group names whose derived id Harness refuses (the mock's
// TestGroupIdentifiersHarnessRefuses pins the refusal to
// UserGroupServiceImpl.validationOnUserGroupDTOCreateForSCIM) fail at plan
// time, showing the id and Harness's words, without calling Harness.
// FirstGen ids are random, so FirstGen creates such a group. A name whose
// id the derivation changes in a way only Java's rules give (Ł becomes L)
// is created under that id.
func TestAccSCIMGroup_identifierHarnessRefuses(t *testing.T) {
	forEachProfile(t, func(t *testing.T, p mockserver.Profile) {
		m := newMock(t, p)
		refused := []struct {
			name string
			want []string
		}{
			{"(2024) Staff", []string{`Harness NextGen refuses the group id display_name gives`, `display_name "(2024) Staff" gives`,
				`the Harness group id "2024_Staff"`, `not start with a number or $`, `The id starts with '2'`, `start the name with a letter`}},
			{"account", []string{`gives the Harness group id "account", a word Harness reserves`, `shellScriptProvisioner`,
				`"Account" is accepted`, `identifier: account is a keyword, so cannot be used`}},
			{strings.Repeat("g", 129), []string{`Harness NextGen refuses (identifier: can be 128 characters long`, `The id is 129 characters long, and Harness allows 128`}},
			{"_account_all_users", []string{`which Harness manages itself`, `Cannot create a harness managed user group`}},
			{"!!!", []string{`display_name gives no Harness group id`, `"!!!" leaves nothing`}},
		}
		var steps []resource.TestStep
		if p.Generation == mockserver.NextGen {
			for _, r := range refused {
				steps = append(steps, resource.TestStep{Config: m.config(groupConfig(r.name, nil)), PlanOnly: true, ExpectError: expectErr(r.want...)})
			}
			steps = append(steps, resource.TestStep{
				Config: m.config(groupConfig("Łódź 2024", nil)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("id"), knownvalue.StringExact("Lodz_2024")),
				},
			})
		} else {
			steps = append(steps, resource.TestStep{
				Config: m.config(groupConfig("(2024) Staff", nil)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(groupAddr, tfjsonpath.New("display_name"), knownvalue.StringExact("(2024) Staff")),
				},
			})
		}
		resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6Factories, Steps: steps})
		// Only the accepted name reached Harness.
		if n := m.Count(mockserver.OpCreateGroup); n != 1 {
			t.Errorf("%d group creates, want 1: refused names must not reach Harness", n)
		}
	})
}
