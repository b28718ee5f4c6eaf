package mockserver

import (
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
)

// Limits Harness applies per parent and per key (docs/design/harness-api.md 3.2, 4).
const (
	// APIKeyLimit is apiKeyLimit: API keys per parent (user or service account).
	APIKeyLimit = 5
	// TokenLimit is tokenLimit: tokens per API key.
	TokenLimit = 5
	// DefaultTimeToExpireToken is the API-key default token lifetime in ms
	// (30 days), used when a key omits defaultTimeToExpireToken (3.1).
	DefaultTimeToExpireToken int64 = 2592000000
	msgMaxLimit                    = "Invalid request: Maximum limit has reached"
)

// identifierPattern and reservedIdentifiers are EntityIdentifierValidator's
// rules (980-commons .../data/validator/EntityIdentifierValidator.java,
// lines 31-37, at harness-core 1dcec145): @EntityIdentifier's default
// maxLength of 128, and its NOT_ALLOWED_WORDS, matched case-sensitively.
// The client (client.GroupIdentifierProblem) and the provider's plan-time
// validator have their own copies on purpose: the mock models Harness's
// server independently and must not share code with what it tests.
var identifierPattern = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$]{0,127}$`)

var reservedIdentifiers = []string{
	"or", "and", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "not", "null", "true", "false", "new",
	"var", "return", "step", "parallel", "stepGroup", "org", "account", "class", "shellScriptProvisioner",
}

const msgIdentifierPattern = "can be 128 characters long and can only contain alphanumeric, underscore and $ characters, " +
	"and not start with a number or $"

// identifierProblem returns EntityIdentifierValidator.isValid's message for
// a bad identifier (lines 52-89), or "" when it is valid.
func identifierProblem(id string) string {
	switch {
	case strings.TrimSpace(id) == "":
		return "cannot be empty"
	case !identifierPattern.MatchString(id):
		return msgIdentifierPattern
	case slices.Contains(reservedIdentifiers, id):
		return id + " is a keyword, so cannot be used"
	}
	return ""
}

// fieldProblem is one failed bean-validation constraint.
type fieldProblem struct{ field, msg string }

// writeValidation answers a FailureDTO for the first problem, as Jersey's
// bean validation does (docs/design/harness-api.md 6.2); it reports whether there was one.
func writeValidation(w http.ResponseWriter, problems ...fieldProblem) bool {
	for _, p := range problems {
		if p.msg != "" {
			writeNGFailure(w, http.StatusBadRequest, "INVALID_REQUEST", p.field+": "+p.msg,
				fieldError{FieldID: p.field, Error: p.msg})
			return true
		}
	}
	return false
}

// notBlankProblem is org.hibernate.validator.constraints.NotBlank, which
// ApiKeyDTO.name and .parentIdentifier and ServiceAccountDTO.name carry; notEmptyProblem is the same
// package's NotEmpty, on TokenDTO.name. Both render Hibernate Validator
// 6.1's message for them (derived: harness-core pins hibernate-validator
// 6.1.5.Final in WORKSPACE).
func notBlankProblem(v string) string {
	if strings.TrimSpace(v) == "" {
		return msgMayNotBeEmpty
	}
	return ""
}

func notEmptyProblem(v string) string {
	if v == "" {
		return msgMayNotBeEmpty
	}
	return ""
}

const msgMayNotBeEmpty = "may not be empty"

// entityNameProblem is NGEntityNameValidator.isValid (970-ng-commons
// .../data/validator/NGEntityNameValidator.java, lines 17-50): not blank, at
// most 128 UTF-16 units, and only ASCII letters, digits, '-', '_', '.', ' '
// and '/'. Harness checks it on the ApiKey and Token entities, through
// NGUtils.validate: ApiKeyServiceImpl.createApiKey (line 98) and
// TokenServiceImpl.createToken and updateToken (lines 128, 303), and on
// the ServiceAccount entity by ServiceAccountServiceImpl's create and update
// (lines 108, 152). An API key update skips it (ApiKeyServiceImpl.updateApiKey), so there only the DTO's
// @NotBlank applies.
func entityNameProblem(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "cannot be empty."
	case len(utf16.Encode([]rune(name))) > 128:
		return "cannot be more than 128 characters long."
	}
	if strings.IndexFunc(name, func(r rune) bool { return !entityNameRune(r) }) >= 0 {
		return "can only contain alphanumeric, dot, hyphen, forward slash and underscore characters."
	}
	return ""
}

// entityNameRune reports whether NGEntityNameValidator's ALLOWED_CHARS_STRING
// holds r.
func entityNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_. /", r)
}

// javaString renders a string as Java's String.format renders a possibly
// null one: Harness keeps account-scope org and project identifiers null,
// so its messages say "orgIdentifier [null]" where the mock holds "".
func javaString(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func descriptionProblem(d string) string {
	if len(d) > 1024 {
		return "size must be between 0 and 1024"
	}
	return ""
}

// tagsProblem is @Size(max = 128) on the tags of ServiceAccountDTO,
// ApiKeyDTO and TokenDTO (970-ng-commons), Bean Validation's message for a
// map with more entries.
func tagsProblem(tags map[string]string) string {
	if len(tags) > 128 {
		return "size must be between 0 and 128"
	}
	return ""
}

// emailProblem is Hibernate's @Email plus @NotBlank on service-account
// emails (ServiceAccountDTO imports org.hibernate.validator.constraints.Email).
// Hibernate's AbstractEmailValidator also refuses a local part over 64
// characters and a domain over 255.
func emailProblem(e string) string {
	if strings.TrimSpace(e) == "" {
		return "cannot be empty"
	}
	at := strings.LastIndex(e, "@")
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e || at < 0 || at > 64 || len(e)-at-1 > 255 {
		return "must be a well-formed email address"
	}
	return ""
}

// queryScope reads orgIdentifier and projectIdentifier from the query.
func queryScope(r *http.Request) Scope {
	q := r.URL.Query()
	return Scope{Org: q.Get("orgIdentifier"), Project: q.Get("projectIdentifier")}
}

// checkScopeExists is AccountOrgProjectValidator.isPresent. The mock has no
// organizations or projects, so every org and project exists; only a
// project without an org is refused (guessed).
func checkScopeExists(w http.ResponseWriter, account string, sc Scope) bool {
	if sc.Project != "" && sc.Org == "" {
		writeNGError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf(
			"Invalid argument(s): Project [%s] in Org [%s] and Account [%s] does not exist", javaString(sc.Project), javaString(sc.Org), account))
		return false
	}
	return true
}

// checkBodyScope refuses a body whose scope differs from the query's
// (docs/design/harness-api.md 3.2, for API keys and tokens; the wording is
// guessed).
func checkBodyScope(w http.ResponseWriter, account, bodyAccount string, query, body Scope) bool {
	if bodyAccount != "" && bodyAccount != account {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST",
			fmt.Sprintf("Invalid request: accountIdentifier [%s] in the request body does not match [%s] in the request", bodyAccount, account))
		return false
	}
	if query != body {
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", fmt.Sprintf(
			"Invalid request: scope of the request body (org [%s], project [%s]) does not match the query parameters (org [%s], project [%s])",
			javaString(body.Org), javaString(body.Project), javaString(query.Org), javaString(query.Project)))
		return false
	}
	return true
}

// valuePair is a (previous, current) pair of NGUtils.verifyValuesNotChanged;
// "" stands for Java's null.
type valuePair struct{ previous, current string }

// checkValuesNotChanged is NGUtils.verifyValuesNotChanged(pairs, true)
// (970-ng-commons .../ng/core/utils/NGUtils.java, lines 30-32, 49-55): a
// current value that is given and differs from the previous one fails with
// 400 "Invalid request: Value mismatch, previous: <previous> current:
// <current>". It writes that answer and reports whether all pairs passed.
func checkValuesNotChanged(w http.ResponseWriter, pairs ...valuePair) bool {
	for _, p := range pairs {
		if p.current != "" && p.previous != p.current {
			writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST",
				"Invalid request: Value mismatch, previous: "+javaString(p.previous)+" current: "+p.current)
			return false
		}
	}
	return true
}

// nullable renders "" as JSON null, as Harness does for account-scope
// orgIdentifier and projectIdentifier.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v) }

// tagsOut renders tags as Harness does: an empty object, never null.
func tagsOut(tags map[string]string) map[string]string {
	if tags == nil {
		return map[string]string{}
	}
	return tags
}

func cloneTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

// checkUserParent is validateParentIdentifier for USER keys and tokens
// (docs/design/harness-api.md 3.2): only a user may touch their own personal keys.
func checkUserParent(w http.ResponseWriter, c *call, keyType, parent string) bool {
	if keyType != KindUser {
		return true
	}
	if c.principal.Kind != KindUser {
		writeNGError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid argument(s): No user identifier present in context")
		return false
	}
	if c.principal.ID != parent {
		writeNGError(w, http.StatusForbidden, "NG_ACCESS_DENIED",
			fmt.Sprintf("User [%s] not authenticated to create api key for user [%s]", c.principal.ID, parent))
		return false
	}
	return true
}

// validKeyType reports whether t is an ApiKeyType.
func validKeyType(t string) bool { return t == KindUser || t == KindServiceAccount }

// keyTypeProblem is the answer to a missing apiKeyType (@NotNull) or one
// that is not an ApiKeyType (guessed: Jersey fails the enum conversion,
// whose answer was not traced).
func keyTypeProblem(t string) string {
	switch {
	case t == "":
		return "must not be null"
	case !validKeyType(t):
		return "must be one of USER, SERVICE_ACCOUNT"
	}
	return ""
}
