package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	debug := flag.Bool("debug", false, "")
	flag.Parse()
	if f := os.Getenv("PROBE_CPUPROFILE"); f != "" {
		out, _ := os.Create(f)
		_ = pprof.StartCPUProfile(out)
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGUSR1)
		go func() { <-sig; pprof.StopCPUProfile(); out.Close() }()
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return p{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/bench/probe", Debug: *debug})
	if err != nil {
		log.Fatal(err)
	}
}

type p struct{}

func (p) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) { resp.TypeName = "probe" }
func (p) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse)              {}
func (p) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse)    {}
func (p) DataSources(context.Context) []func() datasource.DataSource                           { return nil }
func (p) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &r{name: "nested", variant: "nested"} },
		func() resource.Resource { return &r{name: "plain", variant: "plain"} },
		func() resource.Resource { return &r{name: "obj", variant: "obj"} },
		func() resource.Resource { return &r{name: "mm", variant: "mm"} },
		func() resource.Resource { return &r{name: "trick", variant: "trick"} },
	}
}

type r struct{ name, variant string }

func (x *r) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + x.name
}

var userAttrTypes = map[string]attr.Type{"display_name": types.StringType, "given_name": types.StringType,
	"family_name": types.StringType, "external_id": types.StringType, "active": types.BoolType}

func (x *r) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	a := map[string]schema.Attribute{
		"id":       schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"user_ids": schema.MapAttribute{Computed: true, ElementType: types.StringType, PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()}},
		"groups": schema.MapNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"members": schema.ListAttribute{Required: true, ElementType: types.StringType},
		}}},
	}
	switch x.variant {
	case "nested":
		keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
		a["users"] = schema.MapNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"display_name": schema.StringAttribute{Required: true},
			"given_name":   schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep},
			"family_name":  schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep},
			"external_id":  schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep},
			"active":       schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
		}}}
	case "trick":
		keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
		_ = keep
		a["users"] = schema.MapNestedAttribute{Optional: true, PlanModifiers: []planmodifier.Map{deferNested{}}, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"display_name": schema.StringAttribute{Required: true},
			"given_name":   schema.StringAttribute{Optional: true, Computed: true},
			"family_name":  schema.StringAttribute{Optional: true, Computed: true},
			"external_id":  schema.StringAttribute{Optional: true, Computed: true},
			"active":       schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true)},
		}}}
	case "plain":
		a["users"] = schema.MapNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"display_name": schema.StringAttribute{Required: true},
			"given_name":   schema.StringAttribute{Optional: true},
			"family_name":  schema.StringAttribute{Optional: true},
			"external_id":  schema.StringAttribute{Optional: true},
			"active":       schema.BoolAttribute{Optional: true},
		}}}
	case "mm":
		a["users"] = schema.MapAttribute{Optional: true, ElementType: types.MapType{ElemType: types.StringType}}
	case "obj":
		a["users"] = schema.MapAttribute{Optional: true, ElementType: types.ObjectType{AttrTypes: userAttrTypes}}
	}
	resp.Schema = schema.Schema{Attributes: a}
}

func (x *r) fill(ctx context.Context, st *resource.CreateResponse) {}

func userIDs(ctx context.Context, raw map[string]attr.Value) types.Map {
	ids := make(map[string]attr.Value, len(raw))
	for k := range raw {
		ids[k] = types.StringValue("id-" + k)
	}
	return types.MapValueMust(types.StringType, ids)
}

func (x *r) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
	var users types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("users"), &users)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.StringValue("probe"))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_ids"), userIDs(ctx, users.Elements()))...)
	if x.variant == "nested" {
		// computed nested: replace unknowns with null
		m := map[string]attr.Value{}
		for k, v := range users.Elements() {
			o := v.(types.Object)
			at := o.Attributes()
			n := map[string]attr.Value{}
			for an, av := range at {
				if av.IsUnknown() {
					av = types.StringNull()
				}
				n[an] = av
			}
			m[k] = types.ObjectValueMust(o.AttributeTypes(ctx), n)
		}
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("users"), types.MapValueMust(users.ElementType(ctx), m))...)
	}
}

func (x *r) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if os.Getenv("PROBE_READ_SET") != "" {
		var users types.Map
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("users"), &users)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("users"), users)...)
	}
}
func (x *r) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
	var users types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("users"), &users)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("user_ids"), userIDs(ctx, users.Elements()))...)
}
func (x *r) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

type deferNested struct{}

func (deferNested) Description(context.Context) string         { return "" }
func (deferNested) MarkdownDescription(context.Context) string { return "" }
func (deferNested) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	resp.PlanValue = types.MapUnknown(req.PlanValue.ElementType(ctx))
}

var _ resource.ResourceWithModifyPlan = (*r)(nil)

func (x *r) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if x.variant != "trick" || req.Plan.Raw.IsNull() {
		return
	}
	var config, state types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("users"), &config)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("users"), &state)...)
	prior := state.Elements()
	same := len(prior) == len(config.Elements())
	out := make(map[string]attr.Value, len(config.Elements()))
	for k, v := range config.Elements() {
		o := v.(types.Object)
		p, ok := prior[k]
		if ok {
			po := p.(types.Object)
			pa := po.Attributes()
			eq := true
			for an, av := range o.Attributes() {
				if !av.IsNull() && !av.Equal(pa[an]) {
					eq = false
				}
			}
			if eq {
				out[k] = p
				continue
			}
		}
		same = false
		at := o.Attributes()
		n := make(map[string]attr.Value, len(at))
		for an, av := range at {
			if av.IsNull() && an == "active" {
				av = types.BoolValue(true)
			}
			n[an] = av
		}
		out[k] = types.ObjectValueMust(o.AttributeTypes(ctx), n)
	}
	if same {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("users"), state)...)
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("users"), types.MapValueMust(config.ElementType(ctx), out))...)
}
