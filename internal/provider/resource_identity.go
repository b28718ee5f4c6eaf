package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later): the attributes that name an
// object in Harness, stored next to the state and accepted by
// `import { identity = {...} }` and returned by list resources. Every
// resource's identity is its account plus what its API calls need to
// find it: a SCIM user or group by id in the account (scim_generation is
// not part of it: it chooses the API, not the object, and a user has the
// same id in both), a membership by group and user, a NextGen object by
// scope and identifier, plus the key's parent and type for keys and the
// key for tokens. Every identity attribute copies a state attribute that
// cannot change in place, so an identity is stable across updates.
//
// Terraform versions without identity ignore it; the framework still asks
// for one after each create, read and update, so it is always set.

// accountIDAttr is the identity attribute holding the account.
const accountIDAttr = "account_id"

// identityField is one identity attribute and the state attribute it
// copies (none for account_id, which comes from the provider).
type identityField struct {
	name      string
	stateAttr string
	required  bool
	desc      string
}

// identitySpec is a resource's identity.
type identitySpec struct {
	object string // "harness_scim_user", in errors
	fields []identityField
	// format renders identity values in the import ID format the
	// resource's ImportState parses.
	format func(v map[string]string) string
}

// attrGetter is what identity values are read from: state, plan, or a
// list result's resource.
type attrGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
}

func (s identitySpec) schema() identityschema.Schema {
	attrs := map[string]identityschema.Attribute{
		accountIDAttr: identityschema.StringAttribute{
			OptionalForImport: true,
			Description: "Harness account identifier. Optional in an import block: it defaults to the provider's " +
				"account, and a different one is an error.",
		},
	}
	for _, f := range s.fields {
		attrs[f.name] = identityschema.StringAttribute{RequiredForImport: f.required, OptionalForImport: !f.required, Description: f.desc}
	}
	return identityschema.Schema{Attributes: attrs}
}

// values reads the identity from src (state, plan or a listed resource);
// account is "" when the provider's account is not known yet.
func (s identitySpec) values(ctx context.Context, src attrGetter, account string) (map[string]types.String, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := map[string]types.String{accountIDAttr: stringOrNull(account)}
	for _, f := range s.fields {
		var v types.String
		diags.Append(src.GetAttribute(ctx, path.Root(f.stateAttr), &v)...)
		out[f.name] = nullIfUnknown(v)
	}
	return out, diags
}

// set writes identity values.
func setIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, vals map[string]types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range vals {
		diags.Append(id.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}

// keep sets the identity of an object from its state after a create, read
// or update. An identity already recorded is kept as it is: every identity
// attribute is fixed for the object's life, so re-deriving it could only
// differ where the account was unknown when it was first recorded. When
// state is null (a read that removed the object) prior state is used, so
// the framework still gets an identity.
//
// It is deferred at the start of each of them, so state is read when they
// return (prior is the request's state; none for a create).
func (s identitySpec) keep(ctx context.Context, d *providerData, id *tfsdk.ResourceIdentity, state *tfsdk.State, prior tfsdk.State,
	diags *diag.Diagnostics) {
	if id == nil || !id.Raw.IsFullyNull() {
		return
	}
	src := *state
	if src.Raw.IsNull() {
		src = prior
	}
	if src.Raw.IsNull() {
		return
	}
	vals, vdiags := s.values(ctx, src, d.accountID())
	diags.Append(vdiags...)
	diags.Append(setIdentity(ctx, id, vals)...)
}

// afterImport records the identity of an imported object from the state
// ImportState wrote, replacing what an import block's identity gave (which
// may lack account_id).
func (s identitySpec) afterImport(ctx context.Context, d *providerData, resp *resource.ImportStateResponse) {
	if resp.Identity == nil || resp.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	vals, diags := s.values(ctx, resp.State, d.accountID())
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, vals)...)
}

// importID returns the import ID to use: req.ID, or the ID the identity of
// an `import { identity = {...} }` block names. An identity naming another
// account than the provider's is an error.
func (s identitySpec) importID(ctx context.Context, d *providerData, req resource.ImportStateRequest, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return req.ID
	}
	vals := map[string]string{}
	for _, name := range append([]string{accountIDAttr}, s.fieldNames()...) {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &v)...)
		vals[name] = strings.TrimSpace(knownString(v))
	}
	if account := d.accountID(); vals[accountIDAttr] != "" && account != "" && vals[accountIDAttr] != account {
		diags.AddAttributeError(path.Root(accountIDAttr), "Identity names another Harness account",
			fmt.Sprintf("The import identity of %s has account_id %q, but the provider is configured for account %q. "+
				"Import it with a provider configured for that account, or omit account_id.", s.object, vals[accountIDAttr], account))
		return ""
	}
	for _, f := range s.fields {
		if f.required && vals[f.name] == "" {
			diags.AddAttributeError(path.Root(f.name), "Incomplete import identity",
				fmt.Sprintf("The import identity of %s needs %s.", s.object, f.name))
		}
	}
	if diags.HasError() {
		return ""
	}
	return s.format(vals)
}

func (s identitySpec) fieldNames() []string {
	names := make([]string, len(s.fields))
	for i, f := range s.fields {
		names[i] = f.name
	}
	return names
}

// accountID is the configured account, "" when it is not known yet.
func (d *providerData) accountID() string {
	if d == nil {
		return ""
	}
	if d.client != nil {
		return d.client.AccountID()
	}
	return d.account
}
