package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// scimListDataSource lists every SCIM object of one kind (harness_scim_users,
// harness_scim_groups): a sorted list of objects in listAttr and their ids,
// in the same order, in ids.
type scimListDataSource[T any] struct {
	data *providerData
	kind scimListKind[T]
}

// scimListKind is what one listing data source has of its own.
type scimListKind[T any] struct {
	typeSuffix string // "_scim_users"
	listAttr   string // "users"
	object     string // "SCIM users", in errors
	// Markdown descriptions of the data source, listAttr and ids.
	description, listDescription, idsDescription string
	attributes                                   func() map[string]schema.Attribute
	attrTypes                                    map[string]attr.Type
	list                                         func(*client.Client, context.Context) ([]T, error)
	less                                         func(a, b *T) bool
	id                                           func(*T) string
	model                                        func(*T) any
}

var _ datasource.DataSourceWithConfigure = (*scimListDataSource[client.SCIMUser])(nil)

func (d *scimListDataSource[T]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.kind.typeSuffix
}

func (d *scimListDataSource[T]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: d.kind.description,
		Attributes: map[string]schema.Attribute{
			d.kind.listAttr: schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: d.kind.listDescription,
				NestedObject:        schema.NestedAttributeObject{Attributes: d.kind.attributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: d.kind.idsDescription,
			},
		},
	}
}

func (d *scimListDataSource[T]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimListDataSource[T]) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	c := d.data.apiClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	rows, err := d.kind.list(c, ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "listing", d.kind.object, "of account "+c.AccountID(), err)
		return
	}
	sort.SliceStable(rows, func(i, j int) bool { return d.kind.less(&rows[i], &rows[j]) })
	objs := make([]attr.Value, 0, len(rows))
	ids := make([]attr.Value, 0, len(rows))
	seen := map[string]bool{}
	for i := range rows {
		id := d.kind.id(&rows[i])
		if seen[id] {
			continue // Harness pages can overlap when objects change while listing.
		}
		seen[id] = true
		obj, diags := types.ObjectValueFrom(ctx, d.kind.attrTypes, d.kind.model(&rows[i]))
		resp.Diagnostics.Append(diags...)
		objs = append(objs, obj)
		ids = append(ids, types.StringValue(id))
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: d.kind.attrTypes}, objs)
	resp.Diagnostics.Append(diags...)
	idList, diags := types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(d.kind.listAttr), list)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ids"), idList)...)
}
