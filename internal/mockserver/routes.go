package mockserver

import "net/http"

// SCIM base paths below the gateway (docs/design/harness-api.md 1.1).
const (
	nextGenSCIMBase  = "/ng/api/scim/account/{accountIdentifier}"
	firstGenSCIMBase = "/api/scim/account/{accountIdentifier}"
)

// Operation names of the static SCIM discovery routes (NextGen only).
const (
	OpServiceProviderConfig = "GetServiceProviderConfig"
	OpResourceTypes         = "GetResourceTypes"
	OpSchemas               = "GetSchemas"
)

// routes registers the profile's SCIM routes; only one generation's SCIM
// routes exist per server, so a provider pointed at the wrong one sees the
// gateway's 404.
func (s *Server) routes() {
	base := nextGenSCIMBase
	if s.firstGen() {
		base = firstGenSCIMBase
	}
	s.userRoutes(base)
	s.groupRoutes(base)
	if s.opts.Profile.Generation == NextGen {
		s.handle("GET "+base+"/ServiceProviderConfig", OpServiceProviderConfig, familySCIM, s.static(serviceProviderConfig))
		s.handle("GET "+base+"/ResourceTypes", OpResourceTypes, familySCIM, s.static(resourceTypes))
		s.handle("GET "+base+"/Schemas", OpSchemas, familySCIM, s.static(schemas))
	}
	s.ngRoutes()
}

// static serves a discovery document in the media type the request asks
// for: NGScimStaticResource declares @Produces({"application/scim+json",
// "application/json"}) like the user and group resources.
func (s *Server) static(body string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ *call) {
		w.Header().Set("Content-Type", s.scimContentType(r))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(body))
	}
}

// serviceProviderConfig mirrors outputServiceConfigProvider.json (1.2).
const serviceProviderConfig = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],` +
	`"documentationUri":"https://developer.harness.io/docs/platform/role-based-access-control/provision-users-and-groups-using-azure-ad-scim",` +
	`"patch":{"supported":true},"bulk":{"supported":false,"maxOperations":0,"maxPayloadSize":0},` +
	`"filter":{"supported":true,"maxResults":1000},"changePassword":{"supported":false},` +
	`"sort":{"supported":false},"etag":{"supported":false},` +
	`"authenticationSchemes":[{"type":"oauthbearertoken","name":"OAuth Bearer Token",` +
	`"description":"Authentication scheme using the OAuth Bearer Token Standard","primary":true}]}`

const resourceTypes = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"Resources":[` +
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],"id":"User","name":"User","endpoint":"/Users",` +
	`"description":"User Account","schema":"urn:ietf:params:scim:schemas:core:2.0:User"},` +
	`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],"id":"Group","name":"Group","endpoint":"/Groups",` +
	`"description":"Group","schema":"urn:ietf:params:scim:schemas:core:2.0:Group"}]}`

const schemas = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"Resources":[` +
	`{"id":"urn:ietf:params:scim:schemas:core:2.0:User","name":"User","description":"User Account","attributes":[` +
	`{"name":"userName","type":"string","multiValued":false,"required":true,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"server"},` +
	`{"name":"displayName","type":"string","multiValued":false,"required":false,"mutability":"readWrite","returned":"default"},` +
	`{"name":"active","type":"boolean","multiValued":false,"required":false,"mutability":"readWrite","returned":"default"},` +
	`{"name":"externalId","type":"string","multiValued":false,"required":false,"mutability":"readWrite","returned":"default"}]},` +
	`{"id":"urn:ietf:params:scim:schemas:core:2.0:Group","name":"Group","description":"Group","attributes":[` +
	`{"name":"displayName","type":"string","multiValued":false,"required":true,"mutability":"readWrite","returned":"default"},` +
	`{"name":"members","type":"complex","multiValued":true,"required":false,"mutability":"readWrite","returned":"default"}]}]}`
