package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// defaultResourceTimeout bounds a create, update or delete of a resource
// with a timeouts block when the block does not set it. Such an operation
// makes a few calls (a group's create: the POST, and a PATCH and a read
// when Harness kept other members; a token's create: the POST and a read),
// each bounded by the provider's operation_timeout (5 minutes by default),
// so 20 minutes lets four calls run out their bound; a call that never
// answers fails long before.
const defaultResourceTimeout = 20 * time.Minute

// nullTimeouts is the timeouts block of a state built from Harness alone
// (a list resource's result): not set, of the block's type.
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// timeoutsBlock is the timeouts block of resources whose operations can
// take long: groups of thousands of members, tokens (several calls each).
func timeoutsBlock(what string) schema.Block {
	desc := func(op string) string {
		return fmt.Sprintf("How long %s a %s may take in all, every Harness call, retry and rate-limit wait of it "+
			"together, as a duration such as `\"30m\"`. Defaults to `\"%s\"`. Each call is also bounded by the provider's "+
			"`operation_timeout`.", op, what, shortDuration(defaultResourceTimeout))
	}
	block := timeouts.Block(context.Background(), timeouts.Opts{
		Create: true, Update: true, Delete: true,
		CreateDescription: desc("creating"), UpdateDescription: desc("updating"), DeleteDescription: desc("deleting"),
	})
	if nested, ok := block.(schema.SingleNestedBlock); ok {
		nested.MarkdownDescription = fmt.Sprintf("Bounds on the whole create, update and delete of the %s. When one runs "+
			"out, the error names the Harness call that was running and what it had tried.", what)
		return nested
	}
	return block
}

// shortDuration renders whole hours as "1h" and whole minutes as "20m"
// rather than "1h0m0s" and "20m0s".
func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// resourceOp bounds one create, update or delete by the resource's
// timeouts block (op is "create", "update" or "delete").
type resourceOp struct {
	op     string
	limit  time.Duration
	ctx    context.Context
	cancel context.CancelFunc
}

// boundOperation returns the context of operation op, bounded by t, and
// the operation; call its done when the operation ends.
func boundOperation(ctx context.Context, t timeouts.Value, op string, diags *diag.Diagnostics) *resourceOp {
	limit, d := defaultResourceTimeout, diag.Diagnostics(nil)
	if !t.IsNull() && !t.IsUnknown() {
		switch op {
		case "create":
			limit, d = t.Create(ctx, defaultResourceTimeout)
		case "update":
			limit, d = t.Update(ctx, defaultResourceTimeout)
		case "delete":
			limit, d = t.Delete(ctx, defaultResourceTimeout)
		}
	}
	diags.Append(d...)
	bounded, cancel := context.WithTimeout(ctx, limit)
	return &resourceOp{op: op, limit: limit, ctx: bounded, cancel: cancel}
}

// done ends the operation. When it failed because its time ran out, an
// error says which setting bounded it; the failed call's own error, added
// before, says what was tried.
func (o *resourceOp) done(diags *diag.Diagnostics, object string) {
	defer o.cancel()
	if !diags.HasError() || !errors.Is(o.ctx.Err(), context.DeadlineExceeded) {
		return
	}
	diags.AddError(fmt.Sprintf("Timed out %s %s", gerund(o.op), object),
		fmt.Sprintf("%s %s did not finish within %s (timeouts.%s, default %s); the error above says which Harness call "+
			"was running and what it had tried. Harness may still finish what was sent: run terraform apply again, which "+
			"reads what Harness has, or raise timeouts.%s.", capitalized(gerund(o.op)), object, o.limit, o.op,
			shortDuration(defaultResourceTimeout), o.op))
}

func gerund(op string) string { return op[:len(op)-1] + "ing" }

func capitalized(s string) string { return string(s[0]-'a'+'A') + s[1:] }
