package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Schema attributes shared by the NextGen resources (service accounts, API
// keys and tokens); what names the object in the descriptions.

func identifierAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Identifier of the %s: starts with a letter or `_`, then letters, digits, `_` or `$`, "+
			"at most 128 characters; Harness reserves a few words such as `true` and `account`. Harness cannot rename "+
			"identifiers, so changing it replaces the %s.", what, what),
		Validators:    []validator.String{identifierValidator},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func nameAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Display name of the %s: 1 to 128 characters, only letters, digits, spaces, `-`, "+
			"`_`, `.` and `/` (Harness's rule for names). Changing it updates the %s in place.", what, what),
		Validators: []validator.String{harnessNameValidator},
	}
}

func descriptionAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(""),
		MarkdownDescription: fmt.Sprintf("Description of the %s, at most 1024 characters. Defaults to empty.", what),
		Validators:          []validator.String{stringvalidator.LengthAtMost(1024)},
	}
}

func tagsAttribute(what string) schema.MapAttribute {
	return schema.MapAttribute{
		Optional:    true,
		Computed:    true,
		ElementType: types.StringType,
		Default:     mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
		MarkdownDescription: fmt.Sprintf("Harness tags of the %s, as a map of key to value (a tag without a value has "+
			"value `\"\"`), at most %d. Keys must not be empty or contain `:`. Defaults to no tags.", what, maxTags),
		Validators: []validator.Map{noNullElements{}, tagsValidator{}},
	}
}

func orgIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Identifier of the organization the %s belongs to. Omit it for account scope. "+
			"Changing it replaces the %s.", what, what),
		Validators:    []validator.String{identifierValidator},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func projectIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("Identifier of the project the %s belongs to; needs `org_id`. Omit it for account "+
			"or organization scope. Changing it replaces the %s.", what, what),
		Validators: []validator.String{
			identifierValidator,
			stringvalidator.AlsoRequires(path.MatchRoot("org_id")),
		},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func apiKeyTypeAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Type of the API key: `SERVICE_ACCOUNT` (tokens start with `sat.`; the usual "+
			"choice for an identity provider) or `USER` (a personal key; tokens start with `pat.`). Harness only lets a user "+
			"manage their own personal keys, so `USER` needs the provider's `api_key` to be that user's personal token. "+
			"Changing it replaces the %s.", what),
		Validators:    []validator.String{stringvalidator.OneOf(string(client.APIKeyTypeServiceAccount), string(client.APIKeyTypeUser))},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func parentIDAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: fmt.Sprintf("Owner of the API key: the service account's identifier for `SERVICE_ACCOUNT` keys, "+
			"the Harness user id for `USER` keys. Changing it replaces the %s.", what),
		Validators:    []validator.String{notBlankValidator},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}
