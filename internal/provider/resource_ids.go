package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// joinID joins the non-empty parts of an ID with "/".
func joinID(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "/")
}

func apiKeyID(ref client.APIKeyRef) string {
	return joinID(ref.Scope.Org, ref.Scope.Project, ref.Parent, ref.Identifier, string(ref.Type))
}

// parseKeyImportID reads the official provider's API-key import formats
// (docs/design/harness-api.md 8): `<parent_id>/<apikey_id>/<apikey_type>` with an
// optional `<org_id>/` or `<org_id>/<project_id>/` prefix. extra trailing
// parts (the token identifier) are returned separately.
func parseKeyImportID(id string, extra int) (client.APIKeyRef, []string, error) {
	parts := strings.Split(strings.TrimSpace(id), "/")
	n := len(parts) - extra
	if n < 3 || n > 5 || slicesHasEmpty(parts) {
		return client.APIKeyRef{}, nil, fmt.Errorf("wrong number of parts")
	}
	var ref client.APIKeyRef
	switch n {
	case 4:
		ref.Scope.Org = parts[0]
	case 5:
		ref.Scope.Org, ref.Scope.Project = parts[0], parts[1]
	}
	ref.Parent, ref.Identifier, ref.Type = parts[n-3], parts[n-2], client.APIKeyType(strings.ToUpper(parts[n-1]))
	if ref.Type != client.APIKeyTypeUser && ref.Type != client.APIKeyTypeServiceAccount {
		return client.APIKeyRef{}, nil, fmt.Errorf("the API key type is %q, not USER or SERVICE_ACCOUNT", parts[n-1])
	}
	return ref, parts[n:], nil
}

// setKeyRefAttributes writes a key reference into state during import.
func setKeyRefAttributes(ctx context.Context, resp *resource.ImportStateResponse, ref client.APIKeyRef, identifierAttr string) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(identifierAttr), ref.Identifier)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("apikey_type"), string(ref.Type))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("parent_id"), ref.Parent)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("org_id"), stringOrNull(ref.Scope.Org))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), stringOrNull(ref.Scope.Project))...)
}

func tokenID(ref client.APIKeyRef, identifier string) string {
	return joinID(apiKeyID(ref), identifier)
}

// slicesHasEmpty reports whether any part of a split import ID is blank.
func slicesHasEmpty(parts []string) bool {
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return true
		}
	}
	return false
}
