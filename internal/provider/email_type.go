package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// emailType is a string type whose values compare case-insensitively.
// Harness lower-cases userName (docs/design/harness-api.md 1.3), so "Alice@Example.com"
// in configuration and "alice@example.com" from Harness must not diff.
type emailType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = emailType{}
	_ basetypes.StringValuableWithSemanticEquals = emailValue{}
)

func (t emailType) Equal(o attr.Type) bool {
	other, ok := o.(emailType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t emailType) String() string { return "emailType" }

func (t emailType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return emailValue{StringValue: in}, nil
}

func (t emailType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return emailValue{StringValue: s}, nil
}

func (t emailType) ValueType(context.Context) attr.Value { return emailValue{} }

// emailValue is a value of emailType.
type emailValue struct {
	basetypes.StringValue
}

func (v emailValue) Equal(o attr.Value) bool {
	other, ok := o.(emailValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v emailValue) Type(context.Context) attr.Type { return emailType{} }

// StringSemanticEquals keeps the configured spelling when Harness answers
// with a different case.
func (v emailValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := nv.(emailValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected value type %T but got %T. Please report this issue to the provider developers.", v, nv))
		return false, diags
	}
	return strings.EqualFold(v.ValueString(), other.ValueString()), diags
}

func newEmailValue(s string) emailValue { return emailValue{StringValue: basetypes.NewStringValue(s)} }
