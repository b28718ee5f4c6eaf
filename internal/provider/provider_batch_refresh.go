package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// envBatchRefresh is this provider's own: the official provider has no
// batched refresh.
const envBatchRefresh = "HARNESS_BATCH_REFRESH"

// batchRefreshAttribute is the provider's batch_refresh setting.
func batchRefreshAttribute() schema.Attribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("How `terraform plan` (and `refresh`, `import`) reads the SCIM users and groups, and "+
			"the service accounts, it manages. `auto` (default): the first %[1]d users, and the first %[1]d groups, of a Terraform command are read "+
			"with one `GET` each, as without batching; the rest of that command's reads of the kind wait for one paged "+
			"listing of it (1,000 per request) and are served from it, so a plan of 10,000 users costs %[1]d `GET`s and "+
			"about 11 listing requests instead of 10,000 `GET`s. `always` lists from the first read; `never` reads every "+
			"object with its own `GET`. Either way an object the listing does not show (Harness's searches leave out some "+
			"that exist) is read with its own `GET` before it is planned for re-creation; a listing that fails falls back "+
			"to `GET`s; a listing never outlives the Terraform command that made it, and none is used once the provider "+
			"instance has written a SCIM object. Group listings are used with NextGen only (FirstGen's carry no members). "+
			"Service accounts are listed per scope (100 per request) past %[1]d reads in one scope, and not after the instance "+
			"wrote a NextGen object; API keys and tokens are always read by id. "+
			"Prefer `never` when the account holds far more SCIM users than the configuration manages: a listing costs one "+
			"request per 1,000 users of the account. Defaults to the `%[2]s` environment variable, then `auto`.",
			batchThreshold, envBatchRefresh),
		Validators: []validator.String{stringvalidator.OneOf(string(batchAuto), string(batchAlways), string(batchNever))},
	}
}

// resolveBatchMode reads batch_refresh, else its environment variable;
// unknown (from another resource) or unset means auto.
func resolveBatchMode(attr types.String, diags *diag.Diagnostics) batchMode {
	switch {
	case attr.IsUnknown():
		return batchAuto
	case !attr.IsNull():
		return batchMode(attr.ValueString())
	}
	raw := strings.TrimSpace(os.Getenv(envBatchRefresh))
	switch mode := batchMode(strings.ToLower(raw)); mode {
	case "":
		return batchAuto
	case batchAuto, batchAlways, batchNever:
		return mode
	}
	diags.AddAttributeError(path.Root("batch_refresh"), "Invalid "+envBatchRefresh,
		fmt.Sprintf("%s is %q; use %q, %q or %q.", envBatchRefresh, raw, batchAuto, batchAlways, batchNever))
	return batchAuto
}
