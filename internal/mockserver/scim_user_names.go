package mockserver

import "encoding/json"

// Harness builds user names from ScimUser.name, a Jackson JsonNode, with
// getDisplayNameFromName, getGivenNameFromScimUser and
// getFamilyNameFromScimUser, which NGScimUserServiceImpl (120-ng-manager,
// lines 502-523) and FirstGen's ScimUserServiceImpl (400-rest, lines
// 129-139, 403-408) both define. They call a method on name.get(...)
// without checking it, so some bodies throw a NullPointerException, which
// the resources answer like any failure (POST: 409, PUT: 404, a ScimError
// with status 404). Harness's services run on Java 17 (dockerization/
// ng-manager and manager Dockerfiles: ubi8/java17), whose helpful
// NullPointerException messages make the ScimError's detail the messages
// below (derived; with -XX:-ShowCodeDetailsInExceptionMessages the detail
// would be null).
const (
	npeAsText = `Cannot invoke "com.fasterxml.jackson.databind.JsonNode.asText()" because the return value of ` +
		`"com.fasterxml.jackson.databind.JsonNode.get(String)" is null`
	npeTextValue = `Cannot invoke "com.fasterxml.jackson.databind.JsonNode.textValue()" because the return value of ` +
		`"com.fasterxml.jackson.databind.JsonNode.get(String)" is null`
	npeUserName = `Cannot invoke "String.toLowerCase()" because the return value of "io.harness.scim.ScimUser.getUserName()" is null`
	npeActive   = `Cannot invoke "java.lang.Boolean.booleanValue()" because the return value of "io.harness.scim.ScimUser.getActive()" is null`
)

// jsonNode is a Jackson JsonNode as Harness reads it; a nil *jsonNode is
// Java's null. A JSON null in the body is a NullNode, not null.
type jsonNode struct{ raw json.RawMessage }

// nodeOf is the node of a body attribute: nil when the attribute is absent.
func nodeOf(raw json.RawMessage) *jsonNode {
	if len(raw) == 0 {
		return nil
	}
	return &jsonNode{raw: raw}
}

// get is JsonNode.get(field): null unless the node is an object that holds
// the field.
func (n *jsonNode) get(field string) *jsonNode {
	var obj map[string]json.RawMessage
	if n == nil || json.Unmarshal(n.raw, &obj) != nil || obj == nil {
		return nil
	}
	return nodeOf(obj[field])
}

// asText is JsonNode.asText: a string's text, a number's or boolean's
// literal, "null" for a NullNode, "" for objects and arrays.
func (n *jsonNode) asText() string {
	var s string
	if json.Unmarshal(n.raw, &s) == nil {
		return s
	}
	var f json.Number
	if json.Unmarshal(n.raw, &f) == nil {
		return f.String()
	}
	switch string(n.raw) {
	case "true", "false", "null":
		return string(n.raw)
	}
	return ""
}

// textValue is JsonNode.textValue: a string's text, Java null ("") for any
// other node.
func (n *jsonNode) textValue() string {
	var s string
	if json.Unmarshal(n.raw, &s) != nil {
		return ""
	}
	return s
}

// displayNameFromName is getDisplayNameFromName: "<given> <family>" from
// asText, or "" (null) without a name; npe is set when either part is
// missing.
func displayNameFromName(name *jsonNode) (display, npe string) {
	if name == nil {
		return "", ""
	}
	given, family := name.get("givenName"), name.get("familyName")
	if given == nil || family == nil {
		return "", npeAsText
	}
	return given.asText() + " " + family.asText(), ""
}

// givenAndFamily are getGivenNameFromScimUser and getFamilyNameFromScimUser:
// both come from the name when it holds a givenName (the family name then
// must be there too, or npe is set), else both are the displayName.
func givenAndFamily(name *jsonNode, displayName string) (given, family, npe string) {
	if name.get("givenName") == nil {
		return displayName, displayName, ""
	}
	familyNode := name.get("familyName")
	if familyNode == nil {
		return "", "", npeTextValue
	}
	return name.get("givenName").textValue(), familyNode.textValue(), ""
}

// putNames is the name part of FirstGen's ScimUserServiceImpl.updateUser
// (400-rest, lines 419-445), which NextGen's PUT also runs, through CG, when
// it does not deactivate (NGScimUserServiceImpl.updateUser lines 278-291,
// NgUserServiceImpl.updateScimUser, UserResourceNG PUT /ng/user/scim): the
// display name is the displayName when the body has one, even "", else
// built from the name; given and family names are set from the name when it
// holds them.
func putNames(in *scimUserIn, u *User) (npe string) {
	display := deref(in.DisplayName)
	if in.DisplayName == nil {
		if display, npe = displayNameFromName(nodeOf(in.Name)); npe != "" {
			return npe
		}
	}
	if display != "" {
		u.DisplayName = display
	}
	if n := nodeOf(in.Name).get("givenName"); n != nil {
		u.GivenName = n.asText()
	}
	if n := nodeOf(in.Name).get("familyName"); n != nil {
		u.FamilyName = n.asText()
	}
	return ""
}
