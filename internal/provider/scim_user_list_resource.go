package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

var _ list.ListResourceWithConfigure = (*scimUserListResource)(nil)

// NewSCIMUserListResource returns the harness_scim_user list resource.
func NewSCIMUserListResource() list.ListResource { return &scimUserListResource{} }

type scimUserListResource struct{ data *providerData }

type scimUserListModel struct {
	UserName types.String `tfsdk:"user_name"`
	Search   types.String `tfsdk:"search"`
	Active   types.Bool   `tfsdk:"active"`
}

func (r *scimUserListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_user"
}

func (r *scimUserListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *scimUserListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists Harness users through the SCIM API, for `terraform query` (Terraform 1.14 and later): " +
			"every user created or updated through SCIM (Harness's SCIM search does not list users invited in the Harness " +
			"UI; import those by id), following Harness's pages to the end. Each result has the user's identity and, with " +
			"`include_resource = true`, the `harness_scim_user` as an import would record it. With NextGen accounts that " +
			"do not report names (no PL_NEW_SCIM_STANDARDS), `given_name` and `family_name` are left out, as a refresh would.",
		Attributes: map[string]listschema.Attribute{
			"user_name": listschema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Lists only the user with this email, in any case. Uses Harness's search, so it " +
					"usually costs one request.",
				Validators: []validator.String{emailValidator},
			},
			"search": listSearchAttribute("users", "`user_name` or `display_name`"),
			"active": listschema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Lists only active (`true`) or only deactivated (`false`, FirstGen) users.",
			},
		},
	}
}

func (r *scimUserListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg scimUserListModel
	stream.Results = r.data.streamList(ctx, req, scimUserIdentity, &cfg, func(c *client.Client, s *listStream) {
		userName := knownString(cfg.UserName)
		err := c.ListSCIMUserPages(ctx, userName, pageVisitor(s, func(u *client.SCIMUser) bool {
			if userName != "" && !strings.EqualFold(u.UserName, userName) {
				return true // a filter Harness did not understand lists everyone
			}
			if !containsFold(knownString(cfg.Search), u.UserName, u.DisplayName) ||
				(!cfg.Active.IsNull() && cfg.Active.ValueBool() != u.IsActive()) {
				return true
			}
			goOn := s.emit(u.ID, fmt.Sprintf("%s (%s)", u.UserName, u.DisplayName), scimUserFromListing(u, c.Generation()))
			return goOn && userName == "" // an email names one user
		}))
		if err != nil {
			s.fail("SCIM users", err)
		}
	})
}

// scimUserFromListing is the harness_scim_user state an import of u would
// record. NextGen builds search answers with FirstGen's code, which always
// reports names, while a NextGen read reports them only with
// PL_NEW_SCIM_STANDARDS (docs/design/harness-api.md 1.5): the row is rebuilt as the
// read after an import would see it, as batched refresh does.
func scimUserFromListing(u *client.SCIMUser, gen client.Generation) scimUserResourceModel {
	var m scimUserResourceModel
	read := client.ListedSCIMUserAsRead(*u, gen)
	m.applyAPI(&read, gen)
	return m
}
