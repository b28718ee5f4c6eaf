package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// directoryUserKeys checks the keys of users: emails, no two equal up to
// case (Harness lower-cases them, so they would be the same user).
type directoryUserKeys struct{}

func (directoryUserKeys) Description(context.Context) string {
	return "keys must be email addresses, distinct regardless of case"
}

func (v directoryUserKeys) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (directoryUserKeys) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := make(map[string]string, len(req.ConfigValue.Elements()))
	for _, k := range sortedKeys(req.ConfigValue.Elements()) {
		at := req.Path.AtMapKey(k)
		if err := validateEmail(k); err != nil {
			resp.Diagnostics.AddAttributeError(at, "Invalid user name", fmt.Sprintf("The key %q of users %s. %s", k, err,
				userNameNotEmail))
			continue
		}
		if other, dup := seen[foldName(k)]; dup {
			resp.Diagnostics.AddAttributeError(at, "Duplicate user name",
				fmt.Sprintf("users has both %q and %q. Harness stores user names lower-cased, so they are the same user; "+
					"keep one key.", other, k))
			continue
		}
		seen[foldName(k)] = k
	}
}

// directoryGroupKeys checks the keys of groups: display names Harness can
// store.
type directoryGroupKeys struct{}

func (directoryGroupKeys) Description(context.Context) string {
	return "keys must be group display names: not empty, without surrounding spaces"
}

func (v directoryGroupKeys) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (directoryGroupKeys) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, k := range sortedKeys(req.ConfigValue.Elements()) {
		if strings.TrimSpace(k) == "" || k != strings.TrimSpace(k) {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid group name",
				fmt.Sprintf("The key %q of groups is a group's display name; it must not be empty nor begin or end with "+
					"spaces (Harness trims them, so the group would never match its key).", k))
		}
	}
}

// uniqueFoldValidator refuses a user name listed twice, regardless of case,
// in linear time, and null elements.
type uniqueFoldValidator struct{}

func (uniqueFoldValidator) Description(context.Context) string {
	return "each user name may appear only once, regardless of case"
}

func (v uniqueFoldValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueFoldValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := make(map[string]bool, len(req.ConfigValue.Elements()))
	var dups []string
	for _, e := range req.ConfigValue.Elements() {
		s, ok := e.(types.String)
		if ok && s.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path, "Null member",
				"members holds a null element; each element must be a user name. Filter nulls out (for example with "+
					"compact()) where the list is computed.")
			return
		}
		if !ok || s.IsUnknown() {
			continue
		}
		f := foldName(s.ValueString())
		if seen[f] {
			dups = append(dups, fmt.Sprintf("%q", s.ValueString()))
		}
		seen[f] = true
	}
	if len(dups) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Duplicate members",
			fmt.Sprintf("members lists %s more than once (user names are compared regardless of case). members is a set; "+
				"list each user once (wrap computed lists in distinct()).", strings.Join(dups, ", ")))
	}
}
