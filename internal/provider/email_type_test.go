package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestEmailSemanticEquality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Alice@Example.com", "alice@example.com", true},
		{"alice@example.com", "alice@example.com", true},
		{"alice@example.com", "alicia@example.com", false},
	} {
		got, diags := newEmailValue(tc.a).StringSemanticEquals(ctx, newEmailValue(tc.b))
		if diags.HasError() || got != tc.want {
			t.Errorf("%q ~ %q = %v (%v), want %v", tc.a, tc.b, got, diags, tc.want)
		}
	}
	if _, diags := newEmailValue("a@b.c").StringSemanticEquals(ctx, types.StringValue("a@b.c")); !diags.HasError() {
		t.Error("comparing with another value type must be an error")
	}
}
