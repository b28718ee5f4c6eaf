package mockserver

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Operation names of the NextGen API-key routes (docs/design/harness-api.md 3.1).
const (
	OpCreateAPIKey         = "CreateAPIKey"
	OpListAPIKeys          = "ListAPIKeys"
	OpListAPIKeyAggregates = "ListAPIKeyAggregates"
	OpGetAPIKey            = "GetAPIKey"
	OpUpdateAPIKey         = "UpdateAPIKey"
	OpDeleteAPIKey         = "DeleteAPIKey"
)

func (s *Server) apiKeyRoutes() {
	const k = "/ng/api/apikey"
	s.handle("POST "+k, OpCreateAPIKey, familyNG, s.keyCreate)
	s.handle("GET "+k, OpListAPIKeys, familyNG, s.keyList)
	s.handle("GET "+k+"/aggregate", OpListAPIKeyAggregates, familyNG, s.keyListAggregates)
	s.handle("GET "+k+"/aggregate/{identifier}", OpGetAPIKey, familyNG, s.keyGet)
	s.handle("PUT "+k+"/{identifier}", OpUpdateAPIKey, familyNG, s.keyUpdate)
	s.handle("DELETE "+k+"/{identifier}", OpDeleteAPIKey, familyNG, s.keyDelete)
}

// APIKeyRef names an API key: Harness finds keys by scope, type, parent and
// identifier together (docs/design/harness-api.md 3.2).
type APIKeyRef struct {
	Scope      Scope
	Type       string // KindUser or KindServiceAccount
	Parent     string
	Identifier string
}

func (ref APIKeyRef) String() string {
	return fmt.Sprintf("%s key %s of %s in %s", ref.Type, ref.Identifier, ref.Parent, ref.Scope)
}

// storeKey is unique per (scope, type, parent, identifier), and
// case-insensitive like Harness's collation (3.2).
func (ref APIKeyRef) storeKey() string {
	return ref.Scope.Org + "/" + ref.Scope.Project + "/" + ref.Type + "/" + ref.Parent + "/" + strings.ToLower(ref.Identifier)
}

// Ref is the key's APIKeyRef.
func (k *APIKey) Ref() APIKeyRef {
	return APIKeyRef{Scope: k.Scope, Type: k.Type, Parent: k.Parent, Identifier: k.Identifier}
}

// apiKey finds a key by exact identifier.
func (st *store) apiKey(ref APIKeyRef) *APIKey {
	k, ok := st.APIKeys[ref.storeKey()]
	if !ok || k.Identifier != ref.Identifier {
		return nil
	}
	return k
}

// deleteAPIKey removes a key and all its tokens (3.2).
func (st *store) deleteAPIKey(storeKey string, k *APIKey) {
	for id, t := range st.Tokens {
		if t.KeyRef() == k.Ref() {
			delete(st.Tokens, id)
		}
	}
	delete(st.APIKeys, storeKey)
}

// keysOfParent counts a parent's keys in a scope, USER and SERVICE_ACCOUNT
// alike, as apiKeyRepository.countByAccountIdentifierAndOrgIdentifierAnd
// ProjectIdentifierAndParentIdentifier does.
func (st *store) keysOfParent(sc Scope, parent string) int {
	n := 0
	for _, k := range st.APIKeys {
		if k.Scope == sc && k.Parent == parent {
			n++
		}
	}
	return n
}

func (st *store) tokensOfKey(ref APIKeyRef) int {
	n := 0
	for _, t := range st.Tokens {
		if t.KeyRef() == ref {
			n++
		}
	}
	return n
}

func (st *store) sortedAPIKeys() []*APIKey { return bySeq(st.APIKeys) }

// ---- wire types ----

type apiKeyIn struct {
	Identifier               string            `json:"identifier"`
	Name                     string            `json:"name"`
	Description              *string           `json:"description"`
	Tags                     map[string]string `json:"tags"`
	APIKeyType               string            `json:"apiKeyType"`
	ParentIdentifier         string            `json:"parentIdentifier"`
	DefaultTimeToExpireToken *int64            `json:"defaultTimeToExpireToken"`
	AccountIdentifier        string            `json:"accountIdentifier"`
	OrgIdentifier            string            `json:"orgIdentifier"`
	ProjectIdentifier        string            `json:"projectIdentifier"`
}

func (in *apiKeyIn) ref() APIKeyRef {
	return APIKeyRef{
		Scope: Scope{Org: in.OrgIdentifier, Project: in.ProjectIdentifier},
		Type:  in.APIKeyType, Parent: in.ParentIdentifier, Identifier: in.Identifier,
	}
}

func (in *apiKeyIn) ttl() int64 {
	if in.DefaultTimeToExpireToken == nil {
		return DefaultTimeToExpireToken
	}
	return *in.DefaultTimeToExpireToken
}

// problems are ApiKeyDTO's bean-validation constraints (it has none on
// defaultTimeToExpireToken, which ApiKeyDTOMapper defaults to 30 days), which Jersey checks
// on create and update (@Valid): identifier @EntityIdentifier, name and
// parentIdentifier @NotBlank (970-ng-commons .../ng/core/dto/ApiKeyDTO.java).
// The name's length and characters are only checked on create, on the
// entity (entityNameProblem).
func (in *apiKeyIn) problems() []fieldProblem {
	return []fieldProblem{
		{"identifier", identifierProblem(in.Identifier)},
		{"name", notBlankProblem(in.Name)},
		{"description", descriptionProblem(deref(in.Description))},
		{"tags", tagsProblem(in.Tags)},
		{"apiKeyType", keyTypeProblem(in.APIKeyType)},
		{"parentIdentifier", notBlankProblem(in.ParentIdentifier)},
	}
}

type apiKeyOut struct {
	Identifier               string            `json:"identifier"`
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	Tags                     map[string]string `json:"tags"`
	APIKeyType               string            `json:"apiKeyType"`
	ParentIdentifier         string            `json:"parentIdentifier"`
	DefaultTimeToExpireToken int64             `json:"defaultTimeToExpireToken"`
	AccountIdentifier        string            `json:"accountIdentifier"`
	OrgIdentifier            *string           `json:"orgIdentifier"`
	ProjectIdentifier        *string           `json:"projectIdentifier"`
	GovernanceMetadata       any               `json:"governanceMetadata"`
}

type apiKeyAggregateOut struct {
	APIKey         apiKeyOut `json:"apiKey"`
	CreatedAt      int64     `json:"createdAt"`
	LastModifiedAt int64     `json:"lastModifiedAt"`
	TokensCount    int       `json:"tokensCount"`
}

func (s *Server) keyOut(k *APIKey) apiKeyOut {
	return apiKeyOut{
		Identifier: k.Identifier, Name: k.Name, Description: k.Description, Tags: tagsOut(k.Tags), APIKeyType: k.Type,
		ParentIdentifier: k.Parent, DefaultTimeToExpireToken: k.DefaultTimeToExpireToken, AccountIdentifier: s.opts.AccountID,
		OrgIdentifier: nullable(k.Scope.Org), ProjectIdentifier: nullable(k.Scope.Project),
	}
}

func (s *Server) keyAggregateOut(k *APIKey) apiKeyAggregateOut {
	return apiKeyAggregateOut{
		APIKey: s.keyOut(k), CreatedAt: ms(k.Created), LastModifiedAt: ms(k.Modified), TokensCount: s.store.tokensOfKey(k.Ref()),
	}
}

// queryKeyRef reads the apiKeyType and parentIdentifier query parameters
// the key and token routes share. ApiKeyResource and TokenResource declare
// both @NotNull (the token list only apiKeyType), so a missing one is
// Jersey's bean-validation 400, its field named as Dropwizard names query
// parameters (see requireQueryAccount). An apiKeyType that is not an
// ApiKeyType fails Jersey's conversion (guessed answer, keyTypeProblem).
func queryKeyRef(w http.ResponseWriter, r *http.Request, identifier string) (APIKeyRef, bool) {
	q := r.URL.Query()
	parent := ""
	if !q.Has("parentIdentifier") {
		parent = "must not be null"
	}
	if writeValidation(w, fieldProblem{"query param apiKeyType", keyTypeProblem(q.Get("apiKeyType"))},
		fieldProblem{"query param parentIdentifier", parent}) {
		return APIKeyRef{}, false
	}
	return APIKeyRef{Scope: queryScope(r), Type: q.Get("apiKeyType"), Parent: q.Get("parentIdentifier"), Identifier: identifier}, true
}

// ---- handlers ----

// createKeyLocked is ApiKeyServiceImpl.createApiKey (120-ng-manager
// .../ng/core/api/impl/ApiKeyServiceImpl.java, lines 91-109) after request
// validation: the service-account parent must exist (validateApiKeyRequest),
// then the per-parent limit (validateApiKeyLimit, lines 129-139: it counts
// the parent's keys in the scope whatever their type), then the ApiKey
// entity's constraints (validate(apiKey), line 98: @NGEntityName name),
// then uniqueness. It writes Harness's answer and returns nil on failure.
// The caller holds s.mu.
func (s *Server) createKeyLocked(w http.ResponseWriter, ref APIKeyRef, name, description string, tags map[string]string, ttl int64) *APIKey {
	if ref.Type == KindServiceAccount && s.store.serviceAccount(ref.Scope, ref.Parent) == nil {
		// javax NotFoundException from ServiceAccountServiceImpl (line
		// 237), rendered by NotFoundExceptionMapper as a 400 FailureDTO.
		writeNGFailure(w, http.StatusBadRequest, "RESOURCE_NOT_FOUND_EXCEPTION", fmt.Sprintf(
			"Service account with identifier [%s] is not found in the given scope accountIdentifier [%s], orgIdentifier [%s], projectIdentifier [%s]",
			ref.Parent, s.opts.AccountID, javaString(ref.Scope.Org), javaString(ref.Scope.Project)))
		return nil
	}
	if s.store.keysOfParent(ref.Scope, ref.Parent) >= APIKeyLimit {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", msgMaxLimit)
		return nil
	}
	if writeValidation(w, fieldProblem{"name", entityNameProblem(name)}) {
		return nil
	}
	if _, dup := s.store.APIKeys[ref.storeKey()]; dup {
		writeNGError(w, http.StatusBadRequest, "DUPLICATE_FIELD",
			fmt.Sprintf("Try using different Key name, [%s] already exists", ref.Identifier))
		return nil
	}
	now := s.now()
	k := &APIKey{
		Identifier: ref.Identifier, Name: name, Description: description, Tags: cloneTags(tags), Type: ref.Type,
		Parent: ref.Parent, DefaultTimeToExpireToken: ttl, Scope: ref.Scope, Created: now, Modified: now, Seq: s.store.nextSeq(),
	}
	s.store.APIKeys[ref.storeKey()] = k
	return k
}

// keyCreate is POST /ng/api/apikey. The account comes from the query; the
// scope from the body (3.1).
func (s *Server) keyCreate(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in apiKeyIn
	if !readJSON(w, r, &in, false) {
		return
	}
	if writeValidation(w, in.problems()...) {
		return
	}
	ref := in.ref()
	if q := queryScope(r); q != (Scope{}) && !checkBodyScope(w, c.account, "", q, ref.Scope) {
		return
	}
	if !checkScopeExists(w, c.account, ref.Scope) || !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.createKeyLocked(w, ref, in.Name, deref(in.Description), in.Tags, in.ttl())
	if k == nil {
		return
	}
	c.changed = true
	writeNGData(w, s.keyOut(k))
}

// keyGet is GET aggregate/{identifier}: a missing key is a 400
// INVALID_ARGUMENT "doesn't exist in scope" (3.2).
func (s *Server) keyGet(w http.ResponseWriter, r *http.Request, _ *call) {
	ref, ok := queryKeyRef(w, r, r.PathValue("identifier"))
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	k := s.store.apiKey(ref)
	if k == nil {
		writeNGError(w, http.StatusBadRequest, "INVALID_ARGUMENT",
			fmt.Sprintf("Invalid argument(s): Api key [%s] doesn't exist in scope", ref.Identifier))
		return
	}
	writeNGData(w, s.keyAggregateOut(k))
}

// keyList is GET /ng/api/apikey: keys of one parent in exactly one scope.
func (s *Server) keyList(w http.ResponseWriter, r *http.Request, _ *call) {
	ref, ok := queryKeyRef(w, r, "")
	if !ok {
		return
	}
	ids := r.URL.Query()["identifiers"]
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []apiKeyOut{}
	for _, k := range s.store.sortedAPIKeys() {
		if k.Scope == ref.Scope && k.Type == ref.Type && k.Parent == ref.Parent && (len(ids) == 0 || slices.Contains(ids, k.Identifier)) {
			out = append(out, s.keyOut(k))
		}
	}
	writeNGData(w, out)
}

// keyListAggregates is GET /ng/api/apikey/aggregate. Like Harness, it only
// filters on org and project when they are given [code:
// ApiKeyServiceImpl.createApiKeyFilterCriteria].
func (s *Server) keyListAggregates(w http.ResponseWriter, r *http.Request, _ *call) {
	ref, ok := queryKeyRef(w, r, "")
	if !ok {
		return
	}
	q := r.URL.Query()
	ids, term := q["identifiers"], strings.ToLower(q.Get("searchTerm"))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	var rows []any
	for _, k := range s.store.sortedAPIKeys() {
		switch {
		case ref.Scope.Org != "" && k.Scope.Org != ref.Scope.Org,
			ref.Scope.Project != "" && k.Scope.Project != ref.Scope.Project,
			k.Type != ref.Type || k.Parent != ref.Parent,
			len(ids) > 0 && !slices.Contains(ids, k.Identifier),
			term != "" && !strings.Contains(strings.ToLower(k.Name), term) && !strings.Contains(strings.ToLower(k.Identifier), term):
			continue
		}
		rows = append(rows, s.keyAggregateOut(k))
	}
	writeNGPage(w, r, rows)
}

// keyUpdate is PUT /ng/api/apikey/{identifier}. Harness ignores the path
// segment and takes identifier and account from the body (3.1), which is
// how the official provider's PUT /ng/api/apikey/<accountId> works. A key
// that does not exist fails a checkState: 500 UNKNOWN_ERROR (3.2).
func (s *Server) keyUpdate(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in apiKeyIn
	if !readJSON(w, r, &in, false) {
		return
	}
	if writeValidation(w, in.problems()...) {
		return
	}
	ref := in.ref()
	if !checkBodyScope(w, c.account, in.AccountIdentifier, ref.Scope, ref.Scope) ||
		!checkScopeExists(w, c.account, ref.Scope) || !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.store.apiKey(ref)
	if k == nil {
		writeUnknownError(w)
		return
	}
	k.Name, k.Description, k.Tags, k.DefaultTimeToExpireToken = in.Name, deref(in.Description), cloneTags(in.Tags), in.ttl()
	k.Modified = s.now()
	c.changed = true
	writeNGData(w, s.keyOut(k))
}

// keyDelete is DELETE /ng/api/apikey/{identifier}: 500 for a missing key
// (3.2), and the key's tokens go with it.
func (s *Server) keyDelete(w http.ResponseWriter, r *http.Request, c *call) {
	ref, ok := queryKeyRef(w, r, r.PathValue("identifier"))
	if !ok || !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.store.apiKey(ref)
	if k == nil {
		writeUnknownError(w)
		return
	}
	s.store.deleteAPIKey(ref.storeKey(), k)
	c.changed = true
	writeNGData(w, true)
}

// ---- out-of-band access for tests ----

// APIKey returns a copy of an API key.
func (s *Server) APIKey(ref APIKeyRef) (APIKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.store.apiKey(ref)
	if k == nil {
		return APIKey{}, false
	}
	cp := *k
	cp.Tags = cloneTags(k.Tags)
	return cp, true
}

// APIKeys returns copies of every API key, in creation order.
func (s *Server) APIKeys() []APIKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []APIKey
	for _, k := range s.store.sortedAPIKeys() {
		cp := *k
		cp.Tags = cloneTags(k.Tags)
		out = append(out, cp)
	}
	return out
}

// UpdateAPIKey edits an API key out of band (name, description, tags,
// default token lifetime; the identity fields are kept).
func (s *Server) UpdateAPIKey(ref APIKeyRef, edit func(k *APIKey)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.store.apiKey(ref)
	if k == nil {
		return fmt.Errorf("mock: no %s", ref)
	}
	edit(k)
	k.Identifier, k.Scope, k.Type, k.Parent = ref.Identifier, ref.Scope, ref.Type, ref.Parent
	k.Modified = s.now()
	return nil
}

// RemoveAPIKey deletes an API key and its tokens out of band; it reports
// whether the key existed.
func (s *Server) RemoveAPIKey(ref APIKeyRef) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.store.apiKey(ref)
	if k == nil {
		return false
	}
	s.store.deleteAPIKey(ref.storeKey(), k)
	return true
}
