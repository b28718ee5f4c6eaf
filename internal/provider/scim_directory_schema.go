package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// scimDirectoryDescription is the text of the page.
const scimDirectoryDescription = "A whole Harness directory in one resource: the SCIM users of an account, keyed by " +
	"user name, and its SCIM groups, keyed by display name, as an identity provider would provision them.\n\n" +
	"Terraform plans one resource instead of one per user, so a directory of 10,000 users plans in seconds, and " +
	"the plan still shows every user and group that changes, key by key. A refresh lists the account's users and " +
	"groups once (about a dozen requests for 10,000 users); an apply sends only what changed: one write per " +
	"changed user and one `PATCH` per changed group, users before the groups that need them and groups emptied " +
	"before users are deleted, in parallel up to the provider's request budget (`max_requests_per_minute`).\n\n" +
	"If some objects fail, the apply records in state everything that succeeded, reports every object that " +
	"failed with Harness's message, and the next apply finishes the job.\n\n" +
	"Import adopts every SCIM user and group of the account (`terraform import <address> <account id>`, or an " +
	"`import` block with the account id or the identity `account_id`).\n\n" +
	"~> **Note:** Manage each user and group in one place: do not also manage them with `harness_scim_user`, " +
	"`harness_scim_group` or `harness_scim_group_member`, nor from an identity provider's SCIM sync."

// scimDirectorySchema is the resource schema.
func scimDirectorySchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: scimDirectoryDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Harness account id: a directory is the whole account.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"users":  scimDirectoryUsersAttribute(),
			"groups": scimDirectoryGroupsAttribute(),
			"exclusive": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, SCIM users and groups in Harness that `users` and `groups` do not list " +
					"are planned for removal, as an identity provider deprovisions unassigned users: each refresh lists " +
					"them, so the plan shows them, and the apply deletes them (users as `on_destroy` says). When `false` " +
					"(default) they are left alone. Users Harness did not get through SCIM (invited in the Harness UI) are " +
					"never listed. Turning it on takes effect from the next plan; turning it off before an apply forgets " +
					"the unlisted objects instead of deleting them.",
			},
			"on_destroy": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(onDestroyDelete),
				MarkdownDescription: "How users are removed, whether a key leaves `users`, `exclusive` removes an unlisted " +
					"user or the directory is destroyed: `delete` (default) sends SCIM `DELETE`; `deactivate` sends " +
					"`PATCH active=false`, as Entra ID does when a user is unassigned. In NextGen both remove the user from " +
					"the account; in FirstGen `deactivate` keeps the user, disabled, unless the account has " +
					"PL_USER_DELETION_V2.",
				Validators: []validator.String{stringvalidator.OneOf(onDestroyDelete, onDestroyDeactivate)},
			},
			"user_ids": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Harness user id of each key of `users`, for other resources to refer to.",
			},
			"group_ids": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Harness group id of each key of `groups`, for other resources to refer to.",
			},
		},
	}
}

func scimDirectoryUsersAttribute() schema.MapNestedAttribute {
	return schema.MapNestedAttribute{
		Optional: true,
		MarkdownDescription: "The users, keyed by user name: the email Harness uses as login. Keys are compared " +
			"case-insensitively (Harness stores them lower-cased), so two keys may not differ only in case. A key that " +
			"leaves the map removes the user from Harness (see `on_destroy`); a new key creates the user, or adopts it " +
			"when Harness already has that email. Changing a key creates a new user and removes the old one.",
		Validators:    []validator.Map{directoryUserKeys{}},
		PlanModifiers: []planmodifier.Map{planInResourceModifyPlan{}},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"display_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The user's name as Harness shows it: one line of at most 256 characters, without " +
					"control or text-direction characters.",
				Validators: []validator.String{notBlankValidator, scimTextValidator},
			},
			"given_name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Given name. Set it together with `family_name` (either alone is a plan-time error: " +
					"Harness fails a request with a given name but no family name, and ignores a family name sent without a " +
					"given name). When both are omitted, Harness's values are kept (Harness uses `display_name` for both when " +
					"it creates the user). Changing it updates the user in place with both generations.",
				Validators: []validator.String{notBlankValidator, scimTextValidator},
			},
			"family_name": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Family name. Set it together with `given_name`; behaves like `given_name`.",
				Validators:          []validator.String{notBlankValidator, scimTextValidator},
			},
			"external_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Identifier of the user in the identity provider (SCIM `externalId`). When omitted, " +
					"Harness's value is kept. Harness NextGen stores it only when it creates the user, so changing it **creates " +
					"the user again** (Harness gives back the same id; the apply adds the user back to this directory's " +
					"groups, but memberships and role bindings Terraform does not manage are lost), and the plan warns which " +
					"users. Harness FirstGen discards it, so setting it with `scim_generation = \"firstgen\"` is an error.",
				Validators: []validator.String{notBlankValidator, scimTextValidator},
			},
			"active": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether the user may sign in. Defaults to `true`; a user deactivated outside " +
					"Terraform shows as a change back to `true`. `false` is only allowed with `scim_generation = " +
					"\"firstgen\"`: Harness NextGen removes a deactivated user from the account.",
			},
		}},
	}
}

func scimDirectoryGroupsAttribute() schema.MapNestedAttribute {
	return schema.MapNestedAttribute{
		Optional: true,
		MarkdownDescription: "The groups, keyed by display name (exact, case-sensitive). In Harness NextGen a group " +
			"becomes an externally managed user group whose id is derived from the name (`Dev Team.1` becomes " +
			"`Dev_Team_1`), so two names that give the same id are refused. A key that leaves the map deletes the " +
			"group; changing a key creates a new group and deletes the old one.",
		Validators:    []validator.Map{directoryGroupKeys{}},
		PlanModifiers: []planmodifier.Map{planInResourceModifyPlan{}},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"members": schema.ListAttribute{
				Required:    true,
				ElementType: types.StringType,
				MarkdownDescription: "User names (emails) of the group's members: each a key of `users` or a user " +
					"Harness already has through SCIM. It is a set: order and case never matter and never show as a change, " +
					"and a user may be listed once. The group has exactly these members; `[]` means none, and a member " +
					"added in Harness by hand shows as a change that removes it.",
				Validators: []validator.List{
					listvalidator.ValueStringsAre(emailValidator),
					uniqueFoldValidator{},
				},
			},
		}},
	}
}

// scimDirectoryIdentity identifies a directory by its account alone, as
// the other resources' identities name their account (account_id, which
// defaults to the provider's in an import block).
var scimDirectoryIdentity = identitySpec{
	object: "harness_scim_directory",
	format: func(v map[string]string) string { return v[accountIDAttr] },
}

// Attribute types of the nested objects, for building values.
var (
	dirUserAttrTypes = map[string]attr.Type{
		"display_name": types.StringType,
		"given_name":   types.StringType,
		"family_name":  types.StringType,
		"external_id":  types.StringType,
		"active":       types.BoolType,
	}
	dirUserType       = types.ObjectType{AttrTypes: dirUserAttrTypes}
	dirGroupAttrTypes = map[string]attr.Type{"members": types.ListType{ElemType: types.StringType}}
	dirGroupType      = types.ObjectType{AttrTypes: dirGroupAttrTypes}
)

// planInResourceModifyPlan leaves a map of nested objects unknown until the
// resource's ModifyPlan plans it in one pass. The framework plans nested
// attributes element by element, and for each element of a map it copies
// the whole map (fwserver.mapElemObject in v1.19): quadratic in the number
// of keys. Measured on a no-change plan of 10,000 users, the provider spent
// 27.6 s of CPU with the framework's walk and 7.1 s without it; 1,000
// users cost 0.3 s either way. The framework skips the walk of an unknown
// value, and ModifyPlan always replaces it with the real plan.
type planInResourceModifyPlan struct{}

func (planInResourceModifyPlan) Description(context.Context) string {
	return "planned by the resource, in one pass over every key"
}

func (m planInResourceModifyPlan) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (planInResourceModifyPlan) PlanModifyMap(ctx context.Context, req planmodifier.MapRequest, resp *planmodifier.MapResponse) {
	if req.PlanValue.IsNull() || req.PlanValue.IsUnknown() || req.Plan.Raw.IsNull() {
		return
	}
	resp.PlanValue = types.MapUnknown(req.PlanValue.ElementType(ctx))
}
