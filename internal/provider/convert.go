package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// knownString is the value of a known, non-null string, else "".
func knownString(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}

// stringOrNull maps "" to null.
func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// nullIfUnknown turns an unknown value into null, for computed attributes
// Harness did not report.
func nullIfUnknown(v types.String) types.String {
	if v.IsUnknown() {
		return types.StringNull()
	}
	return v
}

// plannedString pairs a planned value with the value about to be saved.
type plannedString struct {
	name    string
	planned types.String
	got     *types.String
}

func namedString(name string, planned types.String, got *types.String) plannedString {
	return plannedString{name: name, planned: planned, got: got}
}
