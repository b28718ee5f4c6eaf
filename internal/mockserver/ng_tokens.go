package mockserver

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Operation names of the NextGen token routes (harness-api.md 4).
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
// derived from harness-core Token.java (@FdTtlIndex on validUntil) and is
// NOT in harness-api.md; the real TTL monitor runs about once a minute and
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

// tokenValue is the secret Harness returns once:
// <pat|sat>.<account>.<tokenId>.<20 alphanumerics> (harness-api.md 4).
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

func notEmpty(v string) string {
	if strings.TrimSpace(v) == "" {
		return "cannot be empty"
	}
	return ""
}

func (in *tokenIn) problems() []fieldProblem {
	return []fieldProblem{
		{"identifier", identifierProblem(in.Identifier)},
		{"name", nameProblem(in.Name)},
		{"description", descriptionProblem(deref(in.Description))},
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

// tokenCreate is POST /ng/api/token. It answers the secret, the only time
// Harness shows it (harness-api.md 4, 7.1).
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in tokenIn
	if !readJSON(w, r, &in, false) || writeValidation(w, in.problems()...) {
		return
	}
	ref := in.keyRef()
	if q := queryScope(r); q != (Scope{}) && !checkBodyScope(w, c.account, "", q, ref.Scope) {
		return
	}
	if !checkScopeExists(w, c.account, ref.Scope) || !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeExpiredTokensLocked(now)
	key := s.keyOrAutoCreate(w, c, ref)
	if key == nil {
		return
	}
	from := now
	if in.ValidFrom != nil {
		from = fromMS(*in.ValidFrom)
	}
	to := from.Add(time.Duration(key.DefaultTimeToExpireToken) * time.Millisecond)
	if in.ValidTo != nil {
		to = fromMS(*in.ValidTo)
	}
	switch {
	case to.Before(now):
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf(
			"Invalid request: Token's validTo cannot be set before current time TokenDTO: [identifier=%s, validTo=%d]", in.Identifier, ms(to)))
		return
	case from.After(to):
		// Guessed wording.
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf(
			"Invalid request: Token's validFrom [%d] cannot be after its validTo [%d]", ms(from), ms(to)))
		return
	case s.store.tokensOfKey(key.Ref()) >= TokenLimit:
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", msgMaxLimit)
		return
	}
	for _, t := range s.store.Tokens {
		if t.KeyRef() == key.Ref() && strings.EqualFold(t.Identifier, in.Identifier) {
			writeNGError(w, http.StatusBadRequest, "DUPLICATE_FIELD",
				fmt.Sprintf("Try using different token name, [%s] already exists", in.Identifier))
			return
		}
	}
	t := s.mintLocked(key, in.Identifier, in.Name, deref(in.Description), in.Tags, from, to)
	c.changed = true
	writeNGData(w, s.tokenValue(t))
}

// keyOrAutoCreate returns the token's key. A key that does not exist is
// created, named "<id>_auto" with a 30-day default lifetime (harness-api.md
// 4, quirk). The caller holds s.mu.
func (s *Server) keyOrAutoCreate(w http.ResponseWriter, c *call, ref APIKeyRef) *APIKey {
	if k := s.store.apiKey(ref); k != nil {
		return k
	}
	k := s.createKeyLocked(w, ref, ref.Identifier+"_auto", "Auto Generated API key", nil, DefaultTimeToExpireToken)
	if k != nil {
		c.changed = true
	}
	return k
}

// tokenList is GET /ng/api/token/aggregate, the only way to read a token
// (there is no single-token GET). apiKeyType is required; org, project,
// parentIdentifier, apiKeyIdentifier and identifiers filter only when given
// (harness-api.md 4 lists them as optional; later harness-core versions of
// TokenServiceImpl.createApiKeyFilterCriteria check parent and key with
// isNotEmpty, while the 2023 one read for harness-api.md matched them even
// when null, which finds nothing).
func (s *Server) tokenList(w http.ResponseWriter, r *http.Request, _ *call) {
	q := r.URL.Query()
	if writeValidation(w, fieldProblem{"apiKeyType", keyTypeProblem(q.Get("apiKeyType"))}) {
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
	for _, t := range s.store.sortedTokens() {
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

// tokenUpdate is PUT /ng/api/token/{identifier}: the body's identifier is
// used. It writes name, validFrom, validTo, description and tags; a body
// with scheduledExpireTime is refused, a missing validity bound or token is
// a 500 (harness-api.md 4).
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
	key := s.keyOrAutoCreate(w, c, ref)
	if key == nil {
		return
	}
	t := s.store.token(key.Ref(), in.Identifier)
	if t == nil || in.ValidFrom == nil || in.ValidTo == nil {
		// checkState, or an NPE on the missing bound.
		writeUnknownError(w)
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
// 500 (checkState, harness-api.md 4).
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

// tokenRotate is POST /ng/api/token/rotate/{identifier} (harness-api.md 4):
// the old token is renamed rotated_<15 letters> and expires at
// rotateTimestamp; a new token takes the original identifier, valid from now
// until the old validTo, and its secret is returned. The rotation does not
// count against the token limit (guessed).
func (s *Server) tokenRotate(w http.ResponseWriter, r *http.Request, c *call) {
	ref, ok := queryTokenRef(w, r)
	if !ok {
		return
	}
	rotateAt, err := strconv.ParseInt(r.URL.Query().Get("rotateTimestamp"), 10, 64)
	if err != nil {
		writeUnknownError(w) // NPE on the missing timestamp
		return
	}
	// createToken re-validates the parent (TokenServiceImpl.rotateToken).
	if !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeExpiredTokensLocked(now)
	old := s.store.token(ref, r.PathValue("identifier"))
	key := s.store.apiKey(ref)
	if old == nil || key == nil {
		writeUnknownError(w)
		return
	}
	identifier := old.Identifier
	scheduled := fromMS(rotateAt)
	old.Identifier = "rotated_" + randomString(15, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	old.ScheduledExpireTime = &scheduled
	old.Modified = now
	t := s.mintLocked(key, identifier, old.Name, old.Description, old.Tags, now, old.ValidTo)
	c.changed = true
	writeNGData(w, s.tokenValue(t))
}

// tokenValidate is POST /ng/api/token/validate with the raw token text as
// body (harness-api.md 4); it answers the token, with the user's email and
// name for personal tokens. An invalid token is a 401 INVALID_TOKEN
// (guessed).
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
	p, ok := s.mintedToken(string(data), c.account)
	if !ok {
		writeInvalidToken(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.store.Tokens[p.TokenID]
	if !ok {
		writeInvalidToken(w)
		return
	}
	out := s.tokenOut(t, s.now())
	if u, ok := s.store.Users[t.Parent]; ok && t.Type == KindUser {
		out.Email, out.Username = &u.Email, &u.DisplayName
	}
	writeNGData(w, out)
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
