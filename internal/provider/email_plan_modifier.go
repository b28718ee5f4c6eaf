package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// keepPriorCase plans the prior value of an email attribute when the
// configuration holds the same address in another case. Harness stores
// emails lower-cased (docs/design/harness-api.md 1.3; ServiceAccountDTOMapper
// .getServiceAccountFromDTO for service accounts), so state written by an
// import or a refresh holds Harness's spelling, and a configuration in
// another case must not plan a change (or a replacement). Terraform
// accepts a planned value equal to the prior state in place of a
// configured one (assertPlannedValueValid in Terraform's
// internal/plans/objchange/plan_valid.go). It must run before
// RequiresReplace, which then sees no change.
type keepPriorCase struct{}

var _ planmodifier.String = keepPriorCase{}

func (keepPriorCase) Description(context.Context) string {
	return "a value differing from the prior state only in case keeps the prior value"
}

func (k keepPriorCase) MarkdownDescription(ctx context.Context) string { return k.Description(ctx) }

func (keepPriorCase) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	plan, prior := req.PlanValue.ValueString(), req.StateValue.ValueString()
	if plan != prior && strings.EqualFold(plan, prior) {
		resp.PlanValue = req.StateValue
	}
}
