package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// lookup describes how a single-object data source finds its object: by id
// when id is set, otherwise by a natural key (user_name, display_name).
type lookup[T any] struct {
	object  string // "SCIM user"
	keyAttr string // "user_name"
	id, key types.String
	byID    func(context.Context, string) (*T, error)
	byKey   func(context.Context, string) (*T, error)
	// notFoundHint follows "Harness has no <object> <what>." in the error.
	notFoundHint string
}

// find runs the lookup; it adds an error diagnostic naming the object and
// returns nil when Harness has no such object or the call failed.
func (l lookup[T]) find(ctx context.Context, diags *diag.Diagnostics) *T {
	var (
		obj  *T
		err  error
		what string
	)
	if !l.id.IsNull() {
		what = fmt.Sprintf("with id %q", l.id.ValueString())
		obj, err = l.byID(ctx, l.id.ValueString())
	} else {
		what = fmt.Sprintf("with %s %q", l.keyAttr, l.key.ValueString())
		obj, err = l.byKey(ctx, l.key.ValueString())
	}
	if client.IsNotFound(err) {
		diags.AddError(l.object+" not found", fmt.Sprintf("Harness has no %s %s. %s", l.object, what, l.notFoundHint))
		return nil
	}
	if err != nil {
		addAPIError(diags, "reading", l.object, what, err)
		return nil
	}
	return obj
}
