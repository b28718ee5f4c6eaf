package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ list.ListResourceWithConfigure      = (*apiKeyTokenListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*apiKeyTokenListResource)(nil)
)

// NewAPIKeyTokenListResource returns the harness_api_key_token list resource.
func NewAPIKeyTokenListResource() list.ListResource { return &apiKeyTokenListResource{} }

type apiKeyTokenListResource struct{ data *providerData }

type apiKeyTokenListModel struct {
	OrgID      types.String `tfsdk:"org_id"`
	ProjectID  types.String `tfsdk:"project_id"`
	APIKeyType types.String `tfsdk:"apikey_type"`
	ParentID   types.String `tfsdk:"parent_id"`
	APIKeyID   types.String `tfsdk:"apikey_id"`
	Search     types.String `tfsdk:"search"`
}

func (r *apiKeyTokenListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key_token"
}

func (r *apiKeyTokenListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiKeyTokenListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listScopeAttributes("tokens")
	maps.Copy(attrs, listKeyTypeAttributes("tokens"))
	attrs["apikey_id"] = listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Lists only the tokens of this API key; needs `parent_id`.",
		Validators:          []validator.String{identifierValidator, stringvalidator.AlsoRequires(path.MatchRoot("parent_id"))},
	}
	attrs["search"] = listSearchAttribute("tokens", "name or identifier")
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists Harness NextGen tokens of one scope, for `terraform query` (Terraform 1.14 and later), " +
			"following Harness's pages to the end; each listing is one request per page of 100 tokens. Values a rotation " +
			"replaced (`rotated_…`, expiring on their own) and expired tokens are not listed.\n\n" +
			"~> **Note:** Harness never returns a token's value, so a listed (or imported) token has `value = null` until " +
			"Terraform rotates it. Listing says so with a warning; configuration generated from a listing plans nothing, and " +
			"the first apply that sets or changes `rotation_triggers` after the import records them, the next change rotates " +
			"the token and records its new value.",
		Attributes: attrs,
	}
}

// ValidateListResourceConfig refuses what Harness cannot list.
func (r *apiKeyTokenListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg apiKeyTokenListModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if !resp.Diagnostics.HasError() {
		validateListKeyOwner(&resp.Diagnostics, cfg.APIKeyType, cfg.ParentID, cfg.OrgID, "tokens")
	}
}

func (r *apiKeyTokenListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg apiKeyTokenListModel
	stream.Results = r.data.streamList(ctx, req, tokenIdentity, &cfg, func(c *client.Client, s *listStream) {
		f := client.TokenFilter{
			Scope: scopeOf(cfg.OrgID, cfg.ProjectID), Type: listKeyType(cfg.APIKeyType), Parent: knownString(cfg.ParentID),
			APIKey: knownString(cfg.APIKeyID), Search: knownString(cfg.Search),
		}
		now := r.data.clock()
		err := c.ListTokenPages(ctx, f, pageVisitor(s, func(row *client.TokenAggregate) bool {
			t := &row.Token
			if t.ScheduledExpireTime != nil || t.Expired(now) {
				return true // rotated out, or past its expiry: not a token to manage
			}
			m := tokenFromListing(t)
			var warn []diag.Diagnostic
			if s.count == 0 {
				warn = append(warn, tokenValueUnknownWarning())
			}
			return s.emit(m.ID.ValueString(), fmt.Sprintf("%s (%s, key %s of %s, %s)", t.Name, t.Identifier, t.APIKeyIdentifier,
				t.ParentIdentifier, f.Scope), m, warn...)
		}))
		if err != nil {
			s.fail("tokens in "+f.Scope.String(), err)
		}
	})
}

// tokenFromListing is the harness_api_key_token state an import of t
// followed by a refresh records: no value, no rotation settings, the
// default grace period.
func tokenFromListing(t *client.Token) apiKeyTokenResourceModel {
	ref := t.KeyRef()
	m := apiKeyTokenResourceModel{
		ID: types.StringValue(tokenID(ref, t.Identifier)), Identifier: types.StringValue(t.Identifier),
		APIKeyID: types.StringValue(ref.Identifier), APIKeyType: types.StringValue(string(ref.Type)),
		ParentID: types.StringValue(ref.Parent), OrgID: stringOrNull(ref.Scope.Org), ProjectID: stringOrNull(ref.Scope.Project),
		Lifetime: types.StringNull(), RotationTriggers: types.MapNull(types.StringType), RotateBeforeExpiry: types.StringNull(),
		RotationGracePeriod: types.StringValue(defaultRotationGracePeriod), Value: types.StringNull(),
		Timeouts: nullTimeouts(),
	}
	m.applyToken(t)
	return m
}
