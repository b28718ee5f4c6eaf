package mockserver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Harness-core sources of this file, at the commit docs/design/harness-api.md was
// written from (1dcec145): 120-ng-manager/.../ng/core/api/impl/
// TokenServiceImpl.java and .../ng/core/mapper/TokenDTOMapper.java.

// tokenSpec is a TokenDTO on its way into TokenServiceImpl.createToken:
// from a POST body, or built by rotateToken from the token it rotates.
type tokenSpec struct {
	key                           APIKeyRef
	identifier, name, description string
	tags                          map[string]string
	validFrom, validTo            *int64
}

// tokenCreate is POST /ng/api/token. It answers the secret, the only time
// Harness shows it (docs/design/harness-api.md 4, 7.1).
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
	s.purgeExpiredTokensLocked(s.now())
	if t := s.createTokenLocked(w, c, in.spec()); t != nil {
		writeNGData(w, s.tokenValue(t))
	}
}

// createTokenLocked is TokenServiceImpl.createToken (lines 109-140), in its
// order: the validity bounds that were given (validateTokenExpiryTime,
// lines 172-183), the key, created when missing (validateTokenRequest,
// lines 143-156), the limit (validateTokenLimit, lines 185-196), the Token
// entity's constraints (validate(token), line 128) and uniqueness. The
// limit counts every token stored under the key: rotated-out ones until
// their scheduled expiry is purged, and expired ones the TTL monitor has
// not removed yet. It writes Harness's answer and returns nil on failure.
// The caller holds s.mu.
func (s *Server) createTokenLocked(w http.ResponseWriter, c *call, in tokenSpec) *Token {
	now := s.now()
	if !s.checkTokenValidity(w, in) {
		return nil
	}
	key := s.keyOrAutoCreate(w, c, in.key)
	if key == nil {
		return nil
	}
	if s.store.tokensOfKey(key.Ref()) >= TokenLimit {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", msgMaxLimit)
		return nil
	}
	// TokenDTOMapper.getTokenFromDTO (lines 36-40).
	from := now
	if in.validFrom != nil {
		from = fromMS(*in.validFrom)
	}
	to := from.Add(time.Duration(key.DefaultTimeToExpireToken) * time.Millisecond)
	if in.validTo != nil {
		to = fromMS(*in.validTo)
	}
	if writeValidation(w, fieldProblem{"name", entityNameProblem(in.name)}) {
		return nil
	}
	for _, t := range s.store.Tokens {
		if t.KeyRef() == key.Ref() && strings.EqualFold(t.Identifier, in.identifier) {
			writeNGError(w, http.StatusBadRequest, "DUPLICATE_FIELD",
				fmt.Sprintf("Try using different token name, [%s] already exists", in.identifier))
			return nil
		}
	}
	c.changed = true
	return s.mintLocked(key, in.identifier, in.name, in.description, in.tags, from, to)
}

// checkTokenValidity is validateTokenExpiryTime (lines 172-183): only the
// bounds the DTO carries are checked. It writes Harness's 400 and reports
// whether they passed.
func (s *Server) checkTokenValidity(w http.ResponseWriter, in tokenSpec) bool {
	switch {
	case in.validTo != nil && *in.validTo < ms(s.now()):
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST",
			"Invalid request: Token's validTo cannot be set before current time TokenDTO: ["+in.lombok(s.opts.AccountID)+"]")
		return false
	case in.validTo != nil && in.validFrom != nil && *in.validFrom > *in.validTo:
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST",
			"Invalid request: Token's validFrom time cannot be after validTo time TokenDTO: ["+in.lombok(s.opts.AccountID)+"]")
		return false
	}
	return true
}

// lombok renders the DTO the way Lombok's @Data toString does, which the
// validity messages embed (derived; tags print as a Java map would).
func (in tokenSpec) lombok(account string) string {
	num := func(v *int64) string {
		if v == nil {
			return "null"
		}
		return strconv.FormatInt(*v, 10)
	}
	tags := make([]string, 0, len(in.tags))
	for k, v := range in.tags {
		tags = append(tags, k+"="+v)
	}
	return fmt.Sprintf("TokenDTO(identifier=%s, name=%s, validFrom=%s, validTo=%s, scheduledExpireTime=null, valid=false, "+
		"accountIdentifier=%s, projectIdentifier=%s, orgIdentifier=%s, apiKeyIdentifier=%s, parentIdentifier=%s, "+
		"apiKeyType=%s, description=%s, tags={%s}, email=null, username=null, encodedPassword=null)",
		in.identifier, in.name, num(in.validFrom), num(in.validTo), account, javaString(in.key.Scope.Project),
		javaString(in.key.Scope.Org), in.key.Identifier, in.key.Parent, in.key.Type, javaString(in.description),
		strings.Join(tags, ", "))
}

// keyOrAutoCreate returns the token's key. A key that does not exist is
// created, named "<id>_auto" with a 30-day default lifetime
// (TokenServiceImpl.createApiKey, lines 158-170; docs/design/harness-api.md 4, quirk).
// The caller holds s.mu.
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

// tokenRotate is POST /ng/api/token/rotate/{identifier}, mimicking
// TokenServiceImpl.rotateToken (lines 253-280) step by step:
//
//  1. The old token is renamed rotated_<15 letters>, gets
//     scheduledExpireTime = rotateTimestamp (its secret keeps working until
//     then) and is saved in a transaction of its own (lines 266-275).
//  2. A new token with the original identifier, name, description and tags,
//     valid from now until the old validTo (TokenDTOMapper.
//     getDTOFromTokenForRotation), goes through createToken (line 279),
//     which checks the token limit counting the renamed token.
//
// So on a key that already holds TokenLimit tokens the rotation answers
// 400 "Maximum limit has reached" after step 1 was committed: the key is
// left with the renamed token and no token under the original identifier.
func (s *Server) tokenRotate(w http.ResponseWriter, r *http.Request, c *call) {
	ref, ok := queryTokenRef(w, r)
	if !ok {
		return
	}
	rotateAt, err := strconv.ParseInt(r.URL.Query().Get("rotateTimestamp"), 10, 64)
	if err != nil {
		writeUnknownError(w) // Instant.ofEpochMilli on a null Long: an NPE
		return
	}
	// TokenResource.rotateToken validates the parent first (lines 207-208).
	if !checkUserParent(w, c, ref.Type, ref.Parent) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.purgeExpiredTokensLocked(now)
	old := s.store.token(ref, r.PathValue("identifier"))
	if old == nil {
		writeUnknownError(w) // Preconditions.checkState (line 261)
		return
	}
	identifier := old.Identifier
	scheduled := fromMS(rotateAt)
	old.Identifier = "rotated_" + randomString(15, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
	old.ScheduledExpireTime = &scheduled
	old.Modified = now
	c.changed = true
	from, to := ms(now), ms(old.ValidTo)
	t := s.createTokenLocked(w, c, tokenSpec{
		key: old.KeyRef(), identifier: identifier, name: old.Name, description: old.Description, tags: old.Tags,
		validFrom: &from, validTo: &to,
	})
	if t != nil {
		writeNGData(w, s.tokenValue(t))
	}
}
