package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

func TestTimestampSemanticEquality(t *testing.T) {
	t.Parallel()
	ts := func(s string) timestampValue { return timestampValue{StringValue: basetypes.NewStringValue(s)} }
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"2030-01-01T02:00:00+02:00", "2030-01-01T00:00:00Z", true},
		{"2030-01-01T00:00:00.0001Z", "2030-01-01T00:00:00Z", true}, // below Harness's millisecond
		{"2030-01-01T00:00:00.001Z", "2030-01-01T00:00:00Z", false},
		{"not a time", "2030-01-01T00:00:00Z", false},
	} {
		got, diags := ts(tc.a).StringSemanticEquals(context.Background(), ts(tc.b))
		if diags.HasError() || got != tc.want {
			t.Errorf("%s == %s: got %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
	if v := timestampFromMillis(1893456000123); v.ValueString() != "2030-01-01T00:00:00.123Z" || v.Millis() != 1893456000123 {
		t.Errorf("timestampFromMillis: %s", v.ValueString())
	}
	if !timestampFromMillis(0).IsNull() {
		t.Error("0 ms must be null")
	}
}
