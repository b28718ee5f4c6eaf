package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var (
	_ list.ListResourceWithConfigure      = (*apiKeyListResource)(nil)
	_ list.ListResourceWithValidateConfig = (*apiKeyListResource)(nil)
)

// NewAPIKeyListResource returns the harness_api_key list resource.
func NewAPIKeyListResource() list.ListResource { return &apiKeyListResource{} }

type apiKeyListResource struct{ data *providerData }

type apiKeyListModel struct {
	OrgID      types.String `tfsdk:"org_id"`
	ProjectID  types.String `tfsdk:"project_id"`
	APIKeyType types.String `tfsdk:"apikey_type"`
	ParentID   types.String `tfsdk:"parent_id"`
	Search     types.String `tfsdk:"search"`
}

func (r *apiKeyListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *apiKeyListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listScopeAttributes("API keys")
	maps.Copy(attrs, listKeyTypeAttributes("API keys"))
	attrs["search"] = listSearchAttribute("API keys", "name or identifier")
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists Harness NextGen API keys of one scope, for `terraform query` (Terraform 1.14 and " +
			"later). Harness lists keys per owner, so without `parent_id` this lists the scope's service accounts and then " +
			"the keys of each (one request per service account, more for owners with many keys). With " +
			"`include_resource = true` each result is the `harness_api_key` as an import would record it.",
		Attributes: attrs,
	}
}

// ValidateListResourceConfig refuses what Harness cannot list.
func (r *apiKeyListResource) ValidateListResourceConfig(ctx context.Context, req list.ValidateConfigRequest, resp *list.ValidateConfigResponse) {
	var cfg apiKeyListModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if !resp.Diagnostics.HasError() {
		validateListKeyOwner(&resp.Diagnostics, cfg.APIKeyType, cfg.ParentID, cfg.OrgID, "API keys")
	}
}

func (r *apiKeyListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg apiKeyListModel
	stream.Results = r.data.streamList(ctx, req, apiKeyIdentity, &cfg, func(c *client.Client, s *listStream) {
		owner := client.APIKeyRef{Scope: scopeOf(cfg.OrgID, cfg.ProjectID), Type: listKeyType(cfg.APIKeyType), Parent: knownString(cfg.ParentID)}
		eachKeyOwner(ctx, c, s, owner, func(parent client.APIKeyRef) bool {
			err := c.ListAPIKeyPages(ctx, parent, knownString(cfg.Search), pageVisitor(s, func(k *client.APIKey) bool {
				var m apiKeyResourceModel
				m.applyAPI(k)
				return s.emit(m.ID.ValueString(), fmt.Sprintf("%s (%s, %s key of %s, %s)", k.Name, k.Identifier, k.APIKeyType,
					k.ParentIdentifier, parent.Scope), m)
			}))
			if err != nil {
				s.fail("API keys of "+parent.Parent+" in "+parent.Scope.String(), err)
			}
			return !s.stopped
		})
	})
}

// eachKeyOwner calls visit with owner when it names a parent, otherwise
// once per service account of owner's scope (service-account keys); it
// stops when visit returns false.
func eachKeyOwner(ctx context.Context, c *client.Client, s *listStream, owner client.APIKeyRef, visit func(client.APIKeyRef) bool) {
	if owner.Parent != "" {
		visit(owner)
		return
	}
	err := c.ListServiceAccountPages(ctx, owner.Scope, "", func(page []client.ServiceAccount) bool {
		for _, sa := range page {
			parent := owner
			parent.Parent = sa.Identifier
			if !visit(parent) {
				return true
			}
		}
		return false
	})
	if err != nil {
		s.fail("service accounts in "+owner.Scope.String(), err)
	}
}
