package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// timestampType is an RFC 3339 time string. Harness keeps epoch
// milliseconds, so values that name the same millisecond are semantically
// equal: "2030-01-01T02:00:00+02:00" in configuration and
// "2030-01-01T00:00:00Z" from Harness do not diff.
type timestampType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = timestampType{}
	_ basetypes.StringValuableWithSemanticEquals = timestampValue{}
)

func (t timestampType) Equal(o attr.Type) bool {
	other, ok := o.(timestampType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t timestampType) String() string { return "timestampType" }

func (t timestampType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return timestampValue{StringValue: in}, nil
}

func (t timestampType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return timestampValue{StringValue: s}, nil
}

func (t timestampType) ValueType(context.Context) attr.Value { return timestampValue{} }

// timestampValue is a value of timestampType.
type timestampValue struct {
	basetypes.StringValue
}

func (v timestampValue) Equal(o attr.Value) bool {
	other, ok := o.(timestampValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

func (v timestampValue) Type(context.Context) attr.Type { return timestampType{} }

// StringSemanticEquals compares at millisecond precision.
func (v timestampValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := nv.(timestampValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected value type %T but got %T. Please report this issue to the provider developers.", v, nv))
		return false, diags
	}
	a, errA := v.Time()
	b, errB := other.Time()
	return errA == nil && errB == nil && a.UnixMilli() == b.UnixMilli(), diags
}

// Time parses the value.
func (v timestampValue) Time() (time.Time, error) {
	return time.Parse(time.RFC3339Nano, v.ValueString())
}

// Millis is the value in epoch milliseconds, or 0 when null, unknown or
// invalid.
func (v timestampValue) Millis() int64 {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}
	t, err := v.Time()
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}

func newTimestamp(t time.Time) timestampValue {
	return timestampValue{StringValue: basetypes.NewStringValue(t.UTC().Format(time.RFC3339Nano))}
}

func timestampFromMillis(ms int64) timestampValue {
	if ms == 0 {
		return timestampNull()
	}
	return newTimestamp(time.UnixMilli(ms))
}

func timestampNull() timestampValue { return timestampValue{StringValue: basetypes.NewStringNull()} }

func timestampUnknown() timestampValue {
	return timestampValue{StringValue: basetypes.NewStringUnknown()}
}
