package provider

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// List resources (Terraform 1.14 and later, `terraform query`) share this
// file: a listing streams one result per Harness object, with its
// identity, its display name and, when the list block asks for
// include_resource, the resource exactly as an import followed by a
// refresh would record it, so that configuration generated from it plans
// nothing. Listings page through Harness with the client's page-by-page
// functions and stop as soon as the list block's limit is reached.

// listStream pushes the results of one listing.
type listStream struct {
	ctx     context.Context
	req     list.ListRequest
	push    func(list.ListResult) bool
	spec    identitySpec
	account string
	seen    map[string]bool
	count   int64
	stopped bool
}

// streamList runs run with a listStream, once Terraform starts reading the
// results. Errors before the listing starts (the configuration, a client
// that cannot be made) become the only result.
func (d *providerData) streamList(ctx context.Context, req list.ListRequest, spec identitySpec, cfg any,
	run func(c *client.Client, s *listStream)) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		var diags diag.Diagnostics
		diags.Append(req.Config.Get(ctx, cfg)...)
		c := d.apiClient(&diags)
		if diags.HasError() {
			push(list.ListResult{Diagnostics: diags})
			return
		}
		run(c, &listStream{ctx: ctx, req: req, push: push, spec: spec, account: c.AccountID(), seen: map[string]bool{}})
	}
}

// emit pushes one object: key is its id (an object a changing listing
// shows twice is pushed once), model its resource model. It reports
// whether the listing should go on.
func (s *listStream) emit(key, displayName string, model any, warnings ...diag.Diagnostic) bool {
	if s.stopped {
		return false
	}
	if s.seen[key] {
		return true
	}
	s.seen[key] = true
	result := s.req.NewListResult(s.ctx)
	result.DisplayName = displayName
	result.Diagnostics.Append(warnings...)
	result.Diagnostics.Append(result.Resource.Set(s.ctx, model)...)
	vals, diags := s.spec.values(s.ctx, result.Resource, s.account)
	result.Diagnostics.Append(diags...)
	result.Diagnostics.Append(setIdentity(s.ctx, result.Identity, vals)...)
	if !s.req.IncludeResource {
		result.Resource = nil
	}
	s.count++
	if !s.push(result) || result.Diagnostics.HasError() || (s.req.Limit > 0 && s.count >= s.req.Limit) {
		s.stopped = true
	}
	return !s.stopped
}

// fail pushes an error naming what was being listed.
func (s *listStream) fail(what string, err error) {
	if s.stopped {
		return
	}
	var diags diag.Diagnostics
	addAPIError(&diags, "listing", what, "of account "+s.account, err)
	s.push(list.ListResult{Diagnostics: diags})
	s.stopped = true
}

// pageVisitor adapts emit to the client's page callbacks: emitOne handles
// one row and reports whether to go on; the callback returns true to stop
// paging.
func pageVisitor[T any](s *listStream, emitOne func(*T) bool) func([]T) bool {
	return func(page []T) bool {
		for i := range page {
			if !emitOne(&page[i]) {
				return true
			}
		}
		return s.stopped
	}
}

// containsFold reports whether any of values contains sub, ignoring case;
// an empty sub matches everything.
func containsFold(sub string, values ...string) bool {
	if sub == "" {
		return true
	}
	sub = strings.ToLower(sub)
	for _, v := range values {
		if strings.Contains(strings.ToLower(v), sub) {
			return true
		}
	}
	return false
}

// Shared list block attributes.

// listSearchAttribute is a case-insensitive substring filter on the fields
// named in where ("name or identifier").
func listSearchAttribute(what, where string) listschema.StringAttribute {
	return listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("Lists only %s whose %s contains this text, ignoring case.", what, where),
	}
}

func listScopeAttributes(what string) map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"org_id": listschema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Lists the %s of this organization. Omit it (and `project_id`) for account scope; "+
				"each listing covers exactly one scope.", what),
			Validators: []validator.String{identifierValidator},
		},
		"project_id": listschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: fmt.Sprintf("Lists the %s of this project of `org_id`.", what),
			Validators: []validator.String{
				identifierValidator,
				stringvalidator.AlsoRequires(path.MatchRoot("org_id")),
			},
		},
	}
}

// listKeyTypeAttributes are apikey_type and parent_id of the key and token
// list blocks.
func listKeyTypeAttributes(what string) map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"apikey_type": listschema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Lists %s of `SERVICE_ACCOUNT` keys (the default) or of `USER` (personal) "+
				"keys, which need `parent_id`.", what),
			Validators: []validator.String{stringvalidator.OneOf(string(client.APIKeyTypeServiceAccount), string(client.APIKeyTypeUser))},
		},
		"parent_id": listschema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Lists only %s of this owner: a service account identifier, or for `USER` keys "+
				"a Harness user id. When omitted, %s of every service account of the scope are listed.", what, what),
			Validators: []validator.String{notBlankValidator},
		},
	}
}

// listKeyType is the configured key type, SERVICE_ACCOUNT by default.
func listKeyType(v types.String) client.APIKeyType {
	if t := knownString(v); t != "" {
		return client.APIKeyType(t)
	}
	return client.APIKeyTypeServiceAccount
}

// validateListKeyOwner refuses a USER listing without parent_id (Harness
// lists personal keys per user and there is no listing of users' keys) and
// personal keys outside account scope.
func validateListKeyOwner(diags *diag.Diagnostics, keyType, parent, org types.String, what string) {
	if keyType.ValueString() != string(client.APIKeyTypeUser) {
		return
	}
	if parent.IsNull() {
		diags.AddAttributeError(path.Root("parent_id"), "parent_id is required for USER "+what,
			"Harness lists personal keys one user at a time. Set parent_id to the Harness user id whose "+what+" to list.")
	}
	validatePersonalKeyScope(diags, keyType, org)
}
