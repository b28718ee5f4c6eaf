package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// The words EntityIdentifierValidator reserves beyond docs/design/harness-api.md 3.1's
// first list (step, parallel, stepGroup, class, shellScriptProvisioner)
// used to pass the plan and fail at apply with Harness's 400; they are now
// refused at plan time on every identifier, without calling Harness.
func TestAccIdentifier_reservedWordsAtPlanTime(t *testing.T) {
	m := newMock(t, mockserver.MustProfile(mockserver.DefaultProfile))
	reserved := func(word string) *regexp.Regexp {
		return expectErr(`Invalid Harness identifier`, `is "`+word+`", a word Harness reserves`, `shellScriptProvisioner; case matters`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{
			{
				Config:      m.config(serviceAccountConfig("stepGroup", "x", "x@service.harness.io", "")),
				PlanOnly:    true,
				ExpectError: reserved("stepGroup"),
			},
			{
				Config:      m.config(apiKeyConfig("class", "x", "")),
				PlanOnly:    true,
				ExpectError: reserved("class"),
			},
			{
				Config:      m.config(strings.Replace(tokenConfig(""), `"entra_token"`, `"shellScriptProvisioner"`, 1)),
				PlanOnly:    true,
				ExpectError: reserved("shellScriptProvisioner"),
			},
			{
				Config:      m.config(serviceAccountConfig("sa", "x", "x@service.harness.io", `org_id = "parallel"`)),
				PlanOnly:    true,
				ExpectError: reserved("parallel"),
			},
		},
	})
	if n := len(m.Requests()); n != 0 {
		t.Fatalf("plan-time refusals called Harness %d times", n)
	}
}
