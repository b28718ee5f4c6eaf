package provider

import "github.com/harness-scim/terraform-provider-harness/internal/client"

// The identity of each resource (see resource_identity.go); each resource
// serves its spec from its own IdentitySchema.

var scimUserIdentity = identitySpec{
	object: "harness_scim_user",
	fields: []identityField{{name: "id", stateAttr: "id", required: true, desc: "Harness user id."}},
	format: func(v map[string]string) string { return v["id"] },
}

var scimGroupIdentity = identitySpec{
	object: "harness_scim_group",
	fields: []identityField{{name: "id", stateAttr: "id", required: true, desc: "Harness group id."}},
	format: func(v map[string]string) string { return v["id"] },
}

var scimGroupMemberIdentity = identitySpec{
	object: "harness_scim_group_member",
	fields: []identityField{
		{name: "group_id", stateAttr: "group_id", required: true, desc: "Id of the SCIM group."},
		{name: "user_id", stateAttr: "user_id", required: true, desc: "Id of the Harness user."},
	},
	format: func(v map[string]string) string { return memberID(v["group_id"], v["user_id"]) },
}

// scopeFields are the organization and project of a NextGen object.
var scopeFields = []identityField{
	{name: "org_id", stateAttr: "org_id", desc: "Organization identifier; null at account scope."},
	{name: "project_id", stateAttr: "project_id", desc: "Project identifier; null at account and organization scope."},
}

var serviceAccountIdentity = identitySpec{
	object: "harness_service_account",
	fields: append([]identityField{{name: "identifier", stateAttr: "identifier", required: true, desc: "Identifier of the service account."}},
		scopeFields...),
	format: func(v map[string]string) string { return joinID(v["org_id"], v["project_id"], v["identifier"]) },
}

// keyFields name an API key's parent and type.
var keyFields = []identityField{
	{name: "parent_id", stateAttr: "parent_id", required: true, desc: "Owner of the API key: a service account identifier or a user id."},
	{name: "apikey_type", stateAttr: "apikey_type", required: true, desc: "`SERVICE_ACCOUNT` or `USER`."},
}

func keyRefOf(v map[string]string, identifier string) client.APIKeyRef {
	return client.APIKeyRef{
		Scope: client.Scope{Org: v["org_id"], Project: v["project_id"]}, Type: client.APIKeyType(v["apikey_type"]),
		Parent: v["parent_id"], Identifier: identifier,
	}
}

var apiKeyIdentity = identitySpec{
	object: "harness_api_key",
	fields: append(append([]identityField{{name: "identifier", stateAttr: "identifier", required: true, desc: "Identifier of the API key."}},
		keyFields...), scopeFields...),
	format: func(v map[string]string) string { return apiKeyID(keyRefOf(v, v["identifier"])) },
}

var tokenIdentity = identitySpec{
	object: "harness_api_key_token",
	fields: append(append([]identityField{
		{name: "identifier", stateAttr: "identifier", required: true, desc: "Identifier of the token."},
		{name: "apikey_id", stateAttr: "apikey_id", required: true, desc: "Identifier of the token's API key."},
	}, keyFields...), scopeFields...),
	format: func(v map[string]string) string { return tokenID(keyRefOf(v, v["apikey_id"]), v["identifier"]) },
}
