package provider

import (
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// scimDirectoryModel is the resource's state, plan and configuration.
type scimDirectoryModel struct {
	ID        types.String `tfsdk:"id"`
	Users     types.Map    `tfsdk:"users"`
	Groups    types.Map    `tfsdk:"groups"`
	Exclusive types.Bool   `tfsdk:"exclusive"`
	OnDestroy types.String `tfsdk:"on_destroy"`
	UserIDs   types.Map    `tfsdk:"user_ids"`
	GroupIDs  types.Map    `tfsdk:"group_ids"`
}

// dirUser is one user of the directory: the value of a key of users.
type dirUser struct {
	DisplayName types.String
	GivenName   types.String
	FamilyName  types.String
	ExternalID  types.String
	Active      types.Bool
}

// dirUserOf reads an element of users; ok is false for a null or unknown
// element.
func dirUserOf(v attr.Value) (u dirUser, ok bool) {
	o, isObject := v.(types.Object)
	if !isObject || o.IsNull() || o.IsUnknown() {
		return u, false
	}
	a := o.Attributes()
	u.DisplayName, _ = a["display_name"].(types.String)
	u.GivenName, _ = a["given_name"].(types.String)
	u.FamilyName, _ = a["family_name"].(types.String)
	u.ExternalID, _ = a["external_id"].(types.String)
	u.Active, _ = a["active"].(types.Bool)
	return u, true
}

// value is the user as an element of users.
func (u dirUser) value() types.Object {
	return types.ObjectValueMust(dirUserAttrTypes, map[string]attr.Value{
		"display_name": u.DisplayName, "given_name": u.GivenName, "family_name": u.FamilyName,
		"external_id": u.ExternalID, "active": u.Active,
	})
}

func (u dirUser) planFields() *userPlanFields {
	return &userPlanFields{GivenName: u.GivenName, FamilyName: u.FamilyName, ExternalID: u.ExternalID, Active: u.Active}
}

func (u dirUser) equal(o dirUser) bool {
	return u.DisplayName.Equal(o.DisplayName) && u.GivenName.Equal(o.GivenName) && u.FamilyName.Equal(o.FamilyName) &&
		u.ExternalID.Equal(o.ExternalID) && u.Active.Equal(o.Active)
}

// isActive reads active, where null means the default, true.
func (u dirUser) isActive() bool {
	return u.Active.IsNull() || u.Active.IsUnknown() || u.Active.ValueBool()
}

// asUserModel is the user as harness_scim_user would hold it, so that the
// directory builds its requests the way that resource does.
func (u dirUser) asUserModel(userName string) *scimUserResourceModel {
	return &scimUserResourceModel{
		UserName: newEmailValue(userName), DisplayName: u.DisplayName, GivenName: u.GivenName,
		FamilyName: u.FamilyName, ExternalID: u.ExternalID, Active: types.BoolValue(u.isActive()),
	}
}

// dirUserFromAPI is a user as Harness reports it in a listing, keeping
// prior values where Harness reports nothing. Harness's listing always
// carries given and family names (NextGen builds it with FirstGen's code,
// docs/design/harness-api.md 1.5); FirstGen never keeps an externalId (1.3).
func dirUserFromAPI(u *client.SCIMUser, prior dirUser, gen client.Generation) dirUser {
	out := dirUser{
		DisplayName: types.StringValue(u.DisplayName), GivenName: prior.GivenName, FamilyName: prior.FamilyName,
		ExternalID: prior.ExternalID, Active: types.BoolValue(u.IsActive()),
	}
	if u.Name != nil && u.Name.GivenName != "" {
		out.GivenName = types.StringValue(u.Name.GivenName)
	}
	if u.Name != nil && u.Name.FamilyName != "" {
		out.FamilyName = types.StringValue(u.Name.FamilyName)
	}
	if gen != client.FirstGen {
		out.ExternalID = stringOrNull(u.ExternalID)
	}
	out.GivenName = nullIfUnknown(out.GivenName)
	out.FamilyName = nullIfUnknown(out.FamilyName)
	out.ExternalID = nullIfUnknown(out.ExternalID)
	return out
}

// directory is a known state or plan of the resource, in Go.
type directory struct {
	Users  map[string]dirUser  // by key, as spelled in configuration
	Groups map[string][]string // members by group key
	// UserIDs and GroupIDs hold the Harness id of each key; "" is an
	// object whose creation failed without a clear answer, which the next
	// refresh looks up by name.
	UserIDs  map[string]string
	GroupIDs map[string]string
	// UsersNull and GroupsNull record that the attribute is null, not {}.
	UsersNull, GroupsNull bool
}

func newDirectory() *directory {
	return &directory{Users: map[string]dirUser{}, Groups: map[string][]string{}, UserIDs: map[string]string{},
		GroupIDs: map[string]string{}}
}

// userKeys maps the folded user name of every key to the key.
func (d *directory) userKeys() map[string]string {
	out := make(map[string]string, len(d.Users))
	for k := range d.Users {
		out[foldName(k)] = k
	}
	return out
}

// foldName is how user names compare: Harness lower-cases emails.
func foldName(s string) string { return strings.ToLower(s) }

// directoryOf reads a known model; unknown values (only in a plan at plan
// time) are read as absent.
func directoryOf(m *scimDirectoryModel) *directory {
	d := newDirectory()
	d.UsersNull, d.GroupsNull = m.Users.IsNull(), m.Groups.IsNull()
	for k, v := range m.Users.Elements() {
		if u, ok := dirUserOf(v); ok {
			d.Users[k] = u
		}
	}
	for k, v := range m.Groups.Elements() {
		if members, ok := groupMembersOf(v); ok {
			d.Groups[k] = members
		}
	}
	d.UserIDs = idsOf(m.UserIDs)
	d.GroupIDs = idsOf(m.GroupIDs)
	return d
}

// groupMembersOf reads an element of groups; ok is false when it or its
// members are null or unknown.
func groupMembersOf(v attr.Value) ([]string, bool) {
	o, isObject := v.(types.Object)
	if !isObject || o.IsNull() || o.IsUnknown() {
		return nil, false
	}
	l, isList := o.Attributes()["members"].(types.List)
	if !isList || l.IsNull() || l.IsUnknown() {
		return nil, false
	}
	members, ok := knownStrings(l.Elements())
	return members, ok
}

func idsOf(m types.Map) map[string]string {
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok && !s.IsUnknown() {
			out[k] = s.ValueString()
		}
	}
	return out
}

// groupValue is a group as an element of groups.
func groupValue(members []string) types.Object {
	return types.ObjectValueMust(dirGroupAttrTypes, map[string]attr.Value{"members": stringList(members)})
}

// store writes d into the model's users, groups and id maps.
func (d *directory) store(m *scimDirectoryModel) {
	m.Users = types.MapNull(dirUserType)
	if !d.UsersNull || len(d.Users) > 0 {
		users := make(map[string]attr.Value, len(d.Users))
		for k, u := range d.Users {
			users[k] = u.value()
		}
		m.Users = types.MapValueMust(dirUserType, users)
	}
	m.Groups = types.MapNull(dirGroupType)
	if !d.GroupsNull || len(d.Groups) > 0 {
		groups := make(map[string]attr.Value, len(d.Groups))
		for k, members := range d.Groups {
			groups[k] = groupValue(members)
		}
		m.Groups = types.MapValueMust(dirGroupType, groups)
	}
	m.UserIDs = idsValue(d.UserIDs, d.Users)
	m.GroupIDs = idsValue(d.GroupIDs, d.Groups)
}

// idsValue is the id map of the keys of objects; a key without an id is
// null.
func idsValue[V any](ids map[string]string, objects map[string]V) types.Map {
	out := make(map[string]attr.Value, len(objects))
	for k := range objects {
		out[k] = stringOrNull(ids[k])
	}
	return types.MapValueMust(types.StringType, out)
}

// sortedKeys returns the keys of m, sorted, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
