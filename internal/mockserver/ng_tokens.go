package mockserver

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Operation names of the NextGen token routes (docs/design/harness-api.md 4).
const (
	OpCreateToken   = "CreateToken"
	OpListTokens    = "ListTokens"
	OpUpdateToken   = "UpdateToken"
	OpDeleteToken   = "DeleteToken"
	OpRotateToken   = "RotateToken"
	OpValidateToken = "ValidateToken"
)

func (s *Server) tokenRoutes() {
	const t = "/ng/api/token"
	s.handle("POST "+t, OpCreateToken, familyNG, s.tokenCreate)
	s.handle("GET "+t+"/aggregate", OpListTokens, familyNG, s.tokenList)
	s.handle("PUT "+t+"/{identifier}", OpUpdateToken, familyNG, s.tokenUpdate)
	s.handle("DELETE "+t+"/{identifier}", OpDeleteToken, familyNG, s.tokenDelete)
	s.handle("POST "+t+"/rotate/{identifier}", OpRotateToken, familyNG, s.tokenRotate)
	s.handle("POST "+t+"/validate", OpValidateToken, familyNG, s.tokenValidate)
}

// KeyRef is the APIKeyRef of the token's key.
func (t *Token) KeyRef() APIKeyRef {
	return APIKeyRef{Scope: t.Scope, Type: t.Type, Parent: t.Parent, Identifier: t.APIKey}
}

// Valid is Harness's computed "valid": validFrom < now < expiry.
func (t *Token) Valid(now time.Time) bool {
	return now.After(t.ValidFrom) && now.Before(t.ExpiresAt())
}

// purgeExpiredTokensLocked removes expired tokens, including rotated ones
// past their scheduled expiry, the way Mongo's TTL index on
// Token.validUntil (set to scheduledExpireTime ?? validTo) does. This is
// harness-core Token.java (@FdTtlIndex on validUntil), docs/design/harness-api.md
// 4; the real TTL monitor runs about once a minute and
// may lag, so the provider must not rely on it (Options.KeepExpiredTokens
// turns it off). The mock purges on access. The caller holds s.mu.
func (s *Server) purgeExpiredTokensLocked(now time.Time) {
	if s.opts.KeepExpiredTokens {
		return
	}
	for id, t := range s.store.Tokens {
		if !now.Before(t.ExpiresAt()) {
			delete(s.store.Tokens, id)
		}
	}
}

// token finds a token of a key by exact identifier.
func (st *store) token(key APIKeyRef, identifier string) *Token {
	for _, t := range st.Tokens {
		if t.KeyRef() == key && t.Identifier == identifier {
			return t
		}
	}
	return nil
}

func (st *store) sortedTokens() []*Token { return bySeq(st.Tokens) }

// tokensByLastModified returns tokens newest change first, ties in creation
// order.
func (st *store) tokensByLastModified() []*Token {
	out := st.sortedTokens()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Modified.After(out[j].Modified) })
	return out
}

// tokenValue is the secret Harness returns once:
// <pat|sat>.<account>.<tokenId>.<20 alphanumerics> (docs/design/harness-api.md 4).
func (s *Server) tokenValue(t *Token) string {
	return tokenPrefix(t.Type) + "." + s.opts.AccountID + "." + t.ID + "." + t.Secret
}

// mintLocked stores a new token under key. The caller holds s.mu.
func (s *Server) mintLocked(key *APIKey, identifier, name, description string, tags map[string]string, from, to time.Time) *Token {
	now := s.now()
	t := &Token{
		ID: newMongoID(), Identifier: identifier, Name: name, Description: description, Tags: cloneTags(tags),
		APIKey: key.Identifier, Type: key.Type, Parent: key.Parent, Scope: key.Scope,
		ValidFrom: from, ValidTo: to, Secret: randomString(20, alnum), Created: now, Modified: now, Seq: s.store.nextSeq(),
	}
	s.store.Tokens[t.ID] = t
	return t
}

// ---- wire types ----

type tokenIn struct {
	Identifier          string            `json:"identifier"`
	Name                string            `json:"name"`
	ValidFrom           *int64            `json:"validFrom"`
	ValidTo             *int64            `json:"validTo"`
	ScheduledExpireTime *int64            `json:"scheduledExpireTime"`
	AccountIdentifier   string            `json:"accountIdentifier"`
	OrgIdentifier       string            `json:"orgIdentifier"`
	ProjectIdentifier   string            `json:"projectIdentifier"`
	APIKeyIdentifier    string            `json:"apiKeyIdentifier"`
	ParentIdentifier    string            `json:"parentIdentifier"`
	APIKeyType          string            `json:"apiKeyType"`
	Description         *string           `json:"description"`
	Tags                map[string]string `json:"tags"`
}

func (in *tokenIn) keyRef() APIKeyRef {
	return APIKeyRef{
		Scope: Scope{Org: in.OrgIdentifier, Project: in.ProjectIdentifier},
		Type:  in.APIKeyType, Parent: in.ParentIdentifier, Identifier: in.APIKeyIdentifier,
	}
}

// spec is the body as the TokenDTO createToken and updateToken take.
func (in *tokenIn) spec() tokenSpec {
	return tokenSpec{
		key: in.keyRef(), identifier: in.Identifier, name: in.Name, description: deref(in.Description), tags: in.Tags,
		validFrom: in.ValidFrom, validTo: in.ValidTo,
	}
}

func notEmpty(v string) string {
	if strings.TrimSpace(v) == "" {
		return "cannot be empty"
	}
	return ""
}

func (in *tokenIn) problems() []fieldProblem {
	return []fieldProblem{
		{"identifier", identifierProblem(in.Identifier)},
		{"name", notEmptyProblem(in.Name)},
		{"description", descriptionProblem(deref(in.Description))},
		{"tags", tagsProblem(in.Tags)},
		{"apiKeyType", keyTypeProblem(in.APIKeyType)},
		{"parentIdentifier", notEmpty(in.ParentIdentifier)},
		{"apiKeyIdentifier", identifierProblem(in.APIKeyIdentifier)},
	}
}

type tokenOut struct {
	Identifier          string            `json:"identifier"`
	Name                string            `json:"name"`
	ValidFrom           int64             `json:"validFrom"`
	ValidTo             int64             `json:"validTo"`
	ScheduledExpireTime *int64            `json:"scheduledExpireTime"`
	Valid               bool              `json:"valid"`
	AccountIdentifier   string            `json:"accountIdentifier"`
	OrgIdentifier       *string           `json:"orgIdentifier"`
	ProjectIdentifier   *string           `json:"projectIdentifier"`
	APIKeyIdentifier    string            `json:"apiKeyIdentifier"`
	ParentIdentifier    string            `json:"parentIdentifier"`
	APIKeyType          string            `json:"apiKeyType"`
	Description         string            `json:"description"`
	Tags                map[string]string `json:"tags"`
	Email               *string           `json:"email"`
	Username            *string           `json:"username"`
	EncodedPassword     *string           `json:"encodedPassword"`
}

type tokenAggregateOut struct {
	Token          tokenOut `json:"token"`
	ExpiryAt       int64    `json:"expiryAt"`
	CreatedAt      int64    `json:"createdAt"`
	LastModifiedAt int64    `json:"lastModifiedAt"`
}

func (s *Server) tokenOut(t *Token, now time.Time) tokenOut {
	out := tokenOut{
		Identifier: t.Identifier, Name: t.Name, ValidFrom: ms(t.ValidFrom), ValidTo: ms(t.ValidTo), Valid: t.Valid(now),
		AccountIdentifier: s.opts.AccountID, OrgIdentifier: nullable(t.Scope.Org), ProjectIdentifier: nullable(t.Scope.Project),
		APIKeyIdentifier: t.APIKey, ParentIdentifier: t.Parent, APIKeyType: t.Type, Description: t.Description, Tags: tagsOut(t.Tags),
	}
	if t.ScheduledExpireTime != nil {
		v := ms(*t.ScheduledExpireTime)
		out.ScheduledExpireTime = &v
	}
	return out
}

// ---- handlers ----

// tokenList is GET /ng/api/token/aggregate, the only way to read a token
// (there is no single-token GET). apiKeyType is required; org, project,
// parentIdentifier, apiKeyIdentifier and identifiers filter only when given
// (TokenServiceImpl.createApiKeyFilterCriteria, lines 337-370, checks each
// with isNotEmpty). Rows come newest change first: TokenResource.
// listAggregatedTokens (lines 249-253) sorts by lastModifiedAt descending
// when the request names no sortOrders (the mock ignores sortOrders; rows
// changed in the same millisecond keep creation order). A rotation renames
// the old token, which counts as a change.
func (s *Server) tokenList(w http.ResponseWriter, r *http.Request, _ *call) {
	q := r.URL.Query()
	if writeValidation(w, fieldProblem{"query param apiKeyType", keyTypeProblem(q.Get("apiKeyType"))}) {
		return
	}
	if q.Get("apiKeyIdentifier") != "" && q.Get("parentIdentifier") == "" {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST",
			"Invalid request: Need to pass parentIdentifier along with apikeyIdentifier to list the tokens.")
		return
	}
	sc, ids, term := queryScope(r), q["identifiers"], strings.ToLower(q.Get("searchTerm"))
	activeOnly := q.Get("includeOnlyActiveTokens") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeExpiredTokensLocked(now)
	var rows []any
	for _, t := range s.store.tokensByLastModified() {
		switch {
		case sc.Org != "" && t.Scope.Org != sc.Org,
			sc.Project != "" && t.Scope.Project != sc.Project,
			t.Type != q.Get("apiKeyType"),
			q.Get("parentIdentifier") != "" && t.Parent != q.Get("parentIdentifier"),
			q.Get("apiKeyIdentifier") != "" && t.APIKey != q.Get("apiKeyIdentifier"),
			len(ids) > 0 && !slices.Contains(ids, t.Identifier),
			term != "" && !strings.Contains(strings.ToLower(t.Name), term) && !strings.Contains(strings.ToLower(t.Identifier), term),
			activeOnly && !t.Valid(now):
			continue
		}
		rows = append(rows, tokenAggregateOut{
			Token: s.tokenOut(t, now), ExpiryAt: ms(t.ExpiresAt()), CreatedAt: ms(t.Created), LastModifiedAt: ms(t.Modified),
		})
	}
	writeNGPage(w, r, rows)
}

// tokenUpdate is PUT /ng/api/token/{identifier}, TokenServiceImpl.
// updateToken (lines 283-311): the body's identifier is used. A body with
// scheduledExpireTime is refused; the validity bounds that were given are
// checked and a missing key is created, as on create (validateTokenRequest);
// a missing token (checkState) or validity bound (an NPE) is a 500; the
// Token entity's name constraint is checked (line 303). It writes name,
// validFrom, validTo, description and tags (docs/design/harness-api.md 4).
func (s *Server) tokenUpdate(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in tokenIn
	if !readJSON(w, r, &in, false) || writeValidation(w, in.problems()...) {
		return
	}
	if in.ScheduledExpireTime != nil {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: Rotated tokens cannot be updated")
		return
	}
	ref := in.keyRef()
	if !checkBodyScope(w, c.account, in.AccountIdentifier, ref.Scope, ref.Scope) ||
		!checkScopeExists(w, c.account, ref.Scope) || !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeExpiredTokensLocked(now)
	if !s.checkTokenValidity(w, in.spec()) || s.keyOrAutoCreate(w, c, ref) == nil {
		return
	}
	t := s.store.token(ref, in.Identifier)
	if t == nil || in.ValidFrom == nil || in.ValidTo == nil {
		// checkState, or an NPE on the missing bound.
		writeUnknownError(w)
		return
	}
	if writeValidation(w, fieldProblem{"name", entityNameProblem(in.Name)}) {
		return
	}
	t.Name, t.Description, t.Tags = in.Name, deref(in.Description), cloneTags(in.Tags)
	t.ValidFrom, t.ValidTo = fromMS(*in.ValidFrom), fromMS(*in.ValidTo)
	t.Modified = now
	c.changed = true
	writeNGData(w, s.tokenOut(t, now))
}

// queryTokenRef reads the six query parameters that name a token's key.
func queryTokenRef(w http.ResponseWriter, r *http.Request) (APIKeyRef, bool) {
	return queryKeyRef(w, r, r.URL.Query().Get("apiKeyIdentifier"))
}

// tokenDelete is DELETE /ng/api/token/{identifier}; a missing token is a
// 500 (checkState, docs/design/harness-api.md 4).
func (s *Server) tokenDelete(w http.ResponseWriter, r *http.Request, c *call) {
	ref, ok := queryTokenRef(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	t := s.store.token(ref, r.PathValue("identifier"))
	if t == nil {
		writeUnknownError(w)
		return
	}
	delete(s.store.Tokens, t.ID)
	c.changed = true
	writeNGData(w, true)
}

// tokenValidate is POST /ng/api/token/validate with the raw token text as
// body (docs/design/harness-api.md 4); it answers the token, with the user's email and
// name for personal tokens. A token that does not check out is a 400
// INVALID_REQUEST saying why (validateTokenText).
//
// The body is taken exactly as sent, derived from harness-core
// TokenResource.validateToken, which binds it to a plain String, and
// TokenValidationHelper, which splits that string on ".": a JSON-quoted
// token ("\"sat.…\"") or one with surrounding whitespace is a different,
// invalid token. The route accepts the media types TokenResource declares
// in @Consumes (application/json, application/yaml, text/plain) and
// answers others with 415 (derived from the same file).
func (s *Server) tokenValidate(w http.ResponseWriter, r *http.Request, c *call) {
	switch mediaType(r) {
	case "application/json", "application/yaml", "text/plain":
	default:
		writeUnsupportedMediaType(w)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: unreadable body")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, problem := s.validateTokenText(string(data), c.account)
	if problem != "" {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: "+problem)
		return
	}
	out := s.tokenOut(t, s.now())
	if u, ok := s.store.Users[t.Parent]; ok && t.Type == KindUser {
		out.Email, out.Username = &u.Email, &u.DisplayName
	}
	writeNGData(w, out)
}

// validateTokenText is TokenServiceImpl.validateToken (lines 388-400):
// TokenValidationHelper.parseApiKeyToken, getToken, then validateToken's
// checks in order (965-ng-filter .../token/TokenValidationHelper.java,
// lines 30-121), each an InvalidRequestException with the message
// returned here. The filter that authenticates requests turns the same
// failures into 401 INVALID_TOKEN; this route does not. The caller holds
// s.mu.
func (s *Server) validateTokenText(value, account string) (*Token, string) {
	parts := strings.Split(value, ".")
	if value == "" {
		return nil, "Invalid API Token: Token is Empty"
	}
	if len(parts) != 3 && len(parts) != 4 {
		return nil, "Invalid API Token: Token length not matching for API token"
	}
	id, secret, wrongPassword := parts[1], parts[2], "Raw password not matching for API token"
	if len(parts) == 4 {
		id, secret, wrongPassword = parts[2], parts[3], "Raw password not matching for new API token format"
	}
	t, ok := s.store.Tokens[id]
	switch {
	case !ok:
		return nil, "Invalid API token " + id + ": Token not found"
	case account != s.opts.AccountID:
		return nil, "Invalid account token access " + id
	case len(parts) == 4 && parts[1] != s.opts.AccountID:
		return nil, "Invalid accountId in token " + id
	case parts[0] != tokenPrefix(t.Type):
		return nil, "Invalid API token " + id + ": Invalid prefix for API token"
	case subtle.ConstantTimeCompare([]byte(t.Secret), []byte(secret)) != 1:
		return nil, "Invalid API token " + id + ": " + wrongPassword
	case !t.Valid(s.now()):
		return nil, "Incoming API token " + t.Name + " has expired " + id
	}
	return t, ""
}

// ---- out-of-band access for tests ----

// Tokens returns copies of every unexpired token (rotated ones included),
// in creation order.
func (s *Server) Tokens() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	var out []Token
	for _, t := range s.store.sortedTokens() {
		cp := *t
		cp.Tags = cloneTags(t.Tags)
		out = append(out, cp)
	}
	return out
}

// LookupToken returns a copy of the token of key with this identifier.
func (s *Server) LookupToken(key APIKeyRef, identifier string) (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	t := s.store.token(key, identifier)
	if t == nil {
		return Token{}, false
	}
	cp := *t
	cp.Tags = cloneTags(t.Tags)
	return cp, true
}

// TokenValue is the secret of a token as Harness handed it out.
func (s *Server) TokenValue(t Token) string { return s.tokenValue(&t) }

// TokenValues returns the secrets of every unexpired minted token.
func (s *Server) TokenValues() []string {
	var out []string
	for _, t := range s.Tokens() {
		out = append(out, s.TokenValue(t))
	}
	return out
}

// UpdateToken edits a token out of band (for example to shorten its
// validity); identity fields are kept.
func (s *Server) UpdateToken(key APIKeyRef, identifier string, edit func(t *Token)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.store.token(key, identifier)
	if t == nil {
		return fmt.Errorf("mock: no token %q of %s", identifier, key)
	}
	id, secret := t.ID, t.Secret
	edit(t)
	t.ID, t.Secret, t.Identifier = id, secret, identifier
	t.APIKey, t.Type, t.Parent, t.Scope = key.Identifier, key.Type, key.Parent, key.Scope
	t.Modified = s.now()
	return nil
}

// RemoveToken deletes a token out of band; it reports whether it existed.
func (s *Server) RemoveToken(key APIKeyRef, identifier string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.store.token(key, identifier)
	if t == nil {
		return false
	}
	delete(s.store.Tokens, t.ID)
	return true
}

// TokenSpec describes a token minted out of band.
type TokenSpec struct {
	Key        APIKeyRef
	Identifier string
	// ValidFor defaults to the key's default lifetime (30 days for a key
	// created here).
	ValidFor time.Duration
}

// MintToken creates a token out of band, creating its key if needed (no
// limits or permission checks), and returns its secret. Tests use it to act
// as another user or a service account.
func (s *Server) MintToken(spec TokenSpec) (string, error) {
	if !validKeyType(spec.Key.Type) || spec.Key.Parent == "" || identifierProblem(spec.Key.Identifier) != "" ||
		identifierProblem(spec.Identifier) != "" {
		return "", fmt.Errorf("mock: invalid token spec %+v", spec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	key := s.store.apiKey(spec.Key)
	if key == nil {
		key = &APIKey{
			Identifier: spec.Key.Identifier, Name: spec.Key.Identifier, Tags: map[string]string{}, Type: spec.Key.Type,
			Parent: spec.Key.Parent, DefaultTimeToExpireToken: DefaultTimeToExpireToken, Scope: spec.Key.Scope,
			Created: now, Modified: now, Seq: s.store.nextSeq(),
		}
		s.store.APIKeys[spec.Key.storeKey()] = key
	}
	if s.store.token(spec.Key, spec.Identifier) != nil {
		return "", fmt.Errorf("mock: token %q of %s already exists", spec.Identifier, spec.Key)
	}
	validFor := spec.ValidFor
	if validFor <= 0 {
		validFor = time.Duration(key.DefaultTimeToExpireToken) * time.Millisecond
	}
	t := s.mintLocked(key, spec.Identifier, spec.Identifier, "", nil, now, now.Add(validFor))
	return s.tokenValue(t), nil
}
