package mockserver

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Principal kinds, as Harness's ApiKeyType names them.
const (
	KindUser           = "USER"
	KindServiceAccount = "SERVICE_ACCOUNT"
)

// principal is who a request authenticated as.
type principal struct {
	Kind     string // KindUser or KindServiceAccount
	ID       string // user id or service-account identifier
	Scope    Scope  // the service account's scope
	ReadOnly bool
	TokenID  string // minted token document id; empty for configured tokens
	// Token is the minted token's "<api key>/<token identifier>" at the
	// time it authenticated.
	Token string
}

// String names the principal in the request log.
func (p principal) String() string {
	switch {
	case p.Kind == "":
		return ""
	case p.TokenID == "":
		return p.Kind + ":" + p.ID
	}
	return p.Kind + ":" + p.ID + "/" + p.Token
}

// authenticate resolves the account and credential of a request and writes
// Harness's failure answer when they do not check out.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, fam family, c *call) bool {
	switch fam {
	case familySCIM:
		c.account = r.PathValue("accountIdentifier")
		if s.firstGen() {
			return s.authFirstGenSCIM(w, r, c)
		}
		auth, ok := r.Header["Authorization"]
		if !ok {
			// NextGen dereferences the missing header: an NPE, so a 500
			// (docs/design/harness-api.md 6.2, derived).
			writeUnknownError(w)
			return false
		}
		value, found := strings.CutPrefix(auth[0], "Bearer ")
		if !found {
			writeInvalidToken(w)
			return false
		}
		return s.authNextGenToken(w, r, c, value)
	default:
		// NextGenAuthenticationFilter.filter (965-ng-filter, lines 67-109):
		// without an x-api-key it hands over to the JWT filter, which
		// refuses the request; with one it needs the account.
		key := r.Header.Get("x-api-key")
		if key == "" {
			writeInvalidToken(w)
			return false
		}
		c.account = ngAccount(r, key)
		if c.account == "" {
			writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: Account detail is not present in the request")
			return false
		}
		return s.authNextGenToken(w, r, c, key)
	}
}

// ngAccount is NextGenAuthenticationFilter.getAccountIdentifierFrom
// (965-ng-filter, lines 135-151): header Harness-Account, query account,
// query accountIdentifier, path accountIdentifier; never the body.
//
// Failing those, it takes the account embedded in a four-part token
// (<pat|sat>.<account>.<id>.<secret>). That step is guessed: it stands for
// Harness's gateway, which must supply the account somehow, because the
// official provider updates API keys with PUT /ng/api/apikey/<accountId>
// with neither header nor query (terraform-provider-harness api_key/
// apiKey.go; harness-go-sdk v0.8.24 UpdateApiKey), the route's path
// variable is "identifier", and that update is known to work. The account
// in the token is the one thing such a request carries that the gateway
// can route by without a lookup.
func ngAccount(r *http.Request, key string) string {
	if v := r.Header.Get("Harness-Account"); v != "" {
		return v
	}
	q := r.URL.Query()
	for _, k := range []string{"account", "accountIdentifier"} {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	if v := r.PathValue("accountIdentifier"); v != "" {
		return v
	}
	if parts := strings.Split(key, "."); len(parts) == 4 {
		return parts[1]
	}
	return ""
}

// requireQueryAccount answers the bean-validation failure of a NextGen
// route whose resource method takes accountIdentifier as a query parameter
// that must be there: every route but the API-key PUT, which reads the
// account from the body. API keys and tokens declare it @NotNull ("must not
// be null"; an empty value passes), service accounts Hibernate's legacy
// @NotBlank ("may not be empty") (ApiKeyResource, TokenResource,
// ServiceAccountResource). The field is named the way Dropwizard's
// JerseyParameterNameProvider names a query parameter (derived:
// NextGenApplication keeps Dropwizard's validator for resources). It
// reports whether the parameter passed.
func requireQueryAccount(w http.ResponseWriter, r *http.Request, op string) bool {
	q := r.URL.Query()
	msg := ""
	switch {
	case op == OpUpdateAPIKey:
	case strings.Contains(op, "ServiceAccount"):
		msg = notBlankProblem(q.Get("accountIdentifier"))
	case !q.Has("accountIdentifier"):
		msg = "must not be null"
	}
	if msg == "" {
		return true
	}
	const field = "query param accountIdentifier"
	writeNGFailure(w, http.StatusBadRequest, "INVALID_REQUEST", field+": "+msg, fieldError{FieldID: field, Error: msg})
	return false
}

func (s *Server) authFirstGenSCIM(w http.ResponseWriter, r *http.Request, c *call) bool {
	value, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	p, ok := s.configuredToken(value)
	if !found || !ok || c.account != s.opts.AccountID {
		// FirstGen answers a bad key with HTTP 400 RestResponse (6.2, derived).
		writeRestError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: User not authorized")
		return false
	}
	if p.ReadOnly && r.Method != http.MethodGet {
		writeRestError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: User not authorized")
		return false
	}
	c.principal = p
	if s.opts.Profile.FirstGenDisabled {
		writeAccountMigrated(w, c.account)
		return false
	}
	return true
}

// writeAccountMigrated is DisableFirstGenFilter (400-rest .../filter/
// DisableFirstGenFilter.java, lines 56-73), which runs after authentication
// and authorization (priority AUTHORIZATION+100): on an account with
// CDS_DISABLE_FIRST_GEN_CD it throws WebApplicationException(
// AccountMigratedException, FORBIDDEN), which GenericExceptionMapper
// (getHttpForbiddenResponse) renders as a 403 RestResponse with code
// ACCOUNT_MIGRATED_TO_NEXT_GEN and the exception's message, without the
// X-Harness-Error header.
func writeAccountMigrated(w http.ResponseWriter, account string) {
	msg := fmt.Sprintf("Account %s migrated to NextGen", account)
	writeJSON(w, http.StatusForbidden, ctJSON, restResponse{
		MetaData:         map[string]any{},
		ResponseMessages: []responseMessage{{Code: "ACCOUNT_MIGRATED_TO_NEXT_GEN", Level: "ERROR", Message: msg, FailureTypes: []string{}}},
	})
}

// configuredToken matches the admin and read-only tokens from Options.
func (s *Server) configuredToken(value string) (principal, bool) {
	for _, t := range s.opts.Tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(value)) == 1 {
			return principal{Kind: KindUser, ID: AdminUserID}, true
		}
	}
	for _, t := range s.opts.ReadOnlyTokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(value)) == 1 {
			return principal{Kind: KindUser, ID: AdminUserID, ReadOnly: true}, true
		}
	}
	return principal{}, false
}

// authNextGenToken runs TokenValidationHelper's checks in order (6.1):
// shape, existence, account, embedded account, prefix, secret, expiry. Any
// failure is a 401 INVALID_TOKEN.
func (s *Server) authNextGenToken(w http.ResponseWriter, r *http.Request, c *call, value string) bool {
	p, ok := s.configuredToken(value)
	if ok {
		if c.account != s.opts.AccountID {
			writeInvalidToken(w)
			return false
		}
	} else {
		p, ok = s.mintedToken(value, c.account)
		if !ok {
			writeInvalidToken(w)
			return false
		}
	}
	if p.ReadOnly && r.Method != http.MethodGet {
		s.writeAccessDenied(w, c)
		return false
	}
	c.principal = p
	return true
}

// mintedToken validates a token minted through POST /ng/api/token.
func (s *Server) mintedToken(value, account string) (principal, bool) {
	parts := strings.Split(value, ".")
	var prefix, embeddedAccount, id, secret string
	switch len(parts) {
	case 4:
		prefix, embeddedAccount, id, secret = parts[0], parts[1], parts[2], parts[3]
	case 3:
		prefix, id, secret = parts[0], parts[1], parts[2]
	default:
		return principal{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.store.Tokens[id]
	if !ok || account != s.opts.AccountID {
		return principal{}, false
	}
	if embeddedAccount != "" && embeddedAccount != account {
		return principal{}, false
	}
	if prefix != tokenPrefix(t.Type) {
		return principal{}, false
	}
	if subtle.ConstantTimeCompare([]byte(t.Secret), []byte(secret)) != 1 {
		return principal{}, false
	}
	now := s.now()
	if now.Before(t.ValidFrom) || !now.Before(t.ExpiresAt()) {
		return principal{}, false
	}
	return principal{Kind: t.Type, ID: t.Parent, Scope: t.Scope, TokenID: t.ID, Token: t.APIKey + "/" + t.Identifier}, true
}

// tokenPrefix is "pat" for USER keys and "sat" for SERVICE_ACCOUNT keys.
func tokenPrefix(keyType string) string {
	if keyType == KindServiceAccount {
		return "sat"
	}
	return "pat"
}

// writeAccessDenied is the 403 NG_ACCESS_DENIED for a principal without the
// permission a write needs (docs/design/harness-api.md 1.9).
func (s *Server) writeAccessDenied(w http.ResponseWriter, c *call) {
	perm := "core_user_manage"
	what := "SCIM user action"
	switch {
	case strings.Contains(c.op, "Group"):
		perm, what = "core_usergroup_manage", "SCIM group action"
	case slices.Contains([]string{"CreateAPIKey", "UpdateAPIKey", "DeleteAPIKey", "CreateToken", "UpdateToken", "DeleteToken", "RotateToken"}, c.op):
		perm, what = "core_serviceaccount_manageapikey", "API key action"
	case strings.Contains(c.op, "ServiceAccount"):
		perm, what = "core_serviceaccount_edit", "service account action"
	}
	msg := fmt.Sprintf("\"User not Authorized: Token needs to have %s permission on account: %s to perform %s\"", perm, c.account, what)
	writeNGError(w, http.StatusForbidden, "NG_ACCESS_DENIED", msg)
}
