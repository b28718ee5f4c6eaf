package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// scimUserResourceModel is the state of a harness_scim_user, which the user
// list resource and the directory (for its generation rules) build too.
type scimUserResourceModel struct {
	ID          types.String `tfsdk:"id"`
	UserName    emailValue   `tfsdk:"user_name"`
	DisplayName types.String `tfsdk:"display_name"`
	GivenName   types.String `tfsdk:"given_name"`
	FamilyName  types.String `tfsdk:"family_name"`
	ExternalID  types.String `tfsdk:"external_id"`
	Active      types.Bool   `tfsdk:"active"`
	OnDestroy   types.String `tfsdk:"on_destroy"`
}

// planFields are the attributes the generation rules look at.
func (m *scimUserResourceModel) planFields() *userPlanFields {
	return &userPlanFields{GivenName: m.GivenName, FamilyName: m.FamilyName, ExternalID: m.ExternalID, Active: m.Active}
}

// toAPI builds the SCIM body for POST and PUT from a plan.
func (m *scimUserResourceModel) toAPI() *client.SCIMUser {
	active := m.Active.IsNull() || m.Active.IsUnknown() || m.Active.ValueBool()
	u := &client.SCIMUser{
		UserName:    strings.ToLower(m.UserName.ValueString()),
		DisplayName: m.DisplayName.ValueString(),
		Active:      &active,
		ExternalID:  knownString(m.ExternalID),
	}
	given, family := knownString(m.GivenName), knownString(m.FamilyName)
	if given != "" || family != "" {
		u.Name = &client.SCIMName{GivenName: given, FamilyName: family}
	}
	return u
}

// applyAPI copies what Harness reported into the model. Values Harness did
// not report keep the model's previous value (or become null when unknown).
func (m *scimUserResourceModel) applyAPI(u *client.SCIMUser, gen client.Generation) {
	m.ID = types.StringValue(u.ID)
	m.UserName = newEmailValue(u.UserName)
	m.DisplayName = types.StringValue(u.DisplayName)
	m.Active = types.BoolValue(u.IsActive())
	if u.Name != nil && u.Name.GivenName != "" {
		m.GivenName = types.StringValue(u.Name.GivenName)
	}
	if u.Name != nil && u.Name.FamilyName != "" {
		m.FamilyName = types.StringValue(u.Name.FamilyName)
	}
	if gen != client.FirstGen {
		m.ExternalID = stringOrNull(u.ExternalID)
	}
	m.GivenName = nullIfUnknown(m.GivenName)
	m.FamilyName = nullIfUnknown(m.FamilyName)
	m.ExternalID = nullIfUnknown(m.ExternalID)
	if m.OnDestroy.IsNull() || m.OnDestroy.IsUnknown() {
		m.OnDestroy = types.StringValue(onDestroyDelete)
	}
}
