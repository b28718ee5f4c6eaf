package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestResolveBatchMode: batch_refresh, else its variable, else auto; a bad
// variable names itself.
func TestResolveBatchMode(t *testing.T) {
	for name, tc := range map[string]struct {
		attr    types.String
		env     string
		want    batchMode
		wantErr string
	}{
		"unset":                   {attr: types.StringNull(), want: batchAuto},
		"attribute":               {attr: types.StringValue("never"), env: "always", want: batchNever},
		"variable":                {attr: types.StringNull(), env: " Always ", want: batchAlways},
		"unknown is auto":         {attr: types.StringUnknown(), env: "never", want: batchAuto},
		"bad variable":            {attr: types.StringNull(), env: "sometimes", wantErr: `HARNESS_BATCH_REFRESH is "sometimes"; use "auto", "always" or "never"`},
		"empty variable is unset": {attr: types.StringNull(), env: "", want: batchAuto},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(envBatchRefresh, tc.env)
			var diags diag.Diagnostics
			got := resolveBatchMode(tc.attr, &diags)
			if tc.wantErr != "" {
				if !diags.HasError() || !strings.Contains(diags.Errors()[0].Detail(), tc.wantErr) {
					t.Fatalf("diagnostics %v, want an error containing %q", diags, tc.wantErr)
				}
				return
			}
			if diags.HasError() || got != tc.want {
				t.Fatalf("mode %q (diags %v), want %q", got, diags, tc.want)
			}
		})
	}
}

// A batch_refresh value other than the three is refused at plan time.
func TestAccProvider_batchRefreshValidated(t *testing.T) {
	m := newMock(t, mockserver.MustProfile("nextgen"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6Factories,
		Steps: []resource.TestStep{{
			Config:      batchProviderConfig(m, "sometimes") + scimUserConfig("v@example.com", "V", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)batch_refresh.*value must be one of: \["auto" "always" "never"\]`),
		}},
	})
	if n := len(m.Requests()); n != 0 {
		t.Fatalf("%d requests for a refused configuration", n)
	}
}
