package provider

import (
	"context"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// stringRule is a string validator: what it requires, and a check that
// sees only known values and adds its own diagnostics.
type stringRule struct {
	requires string
	check    func(p path.Path, v string, diags *diag.Diagnostics)
}

func (r stringRule) Description(context.Context) string { return r.requires }

func (r stringRule) MarkdownDescription(context.Context) string { return r.requires }

func (r stringRule) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	r.check(req.Path, req.ConfigValue.ValueString(), &resp.Diagnostics)
}

// endpointValidator refuses malformed endpoints and plain http:// to
// non-loopback hosts at plan time.
var endpointValidator = stringRule{
	requires: "must be an https:// URL, or http:// to a loopback address",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if _, err := client.ValidateEndpoint(v); err != nil {
			diags.AddAttributeError(p, "Invalid Harness endpoint", err.Error())
		}
	},
}

// positiveDuration and nonNegativeDuration check a Go duration string:
// positive, or zero or more (rotation_grace_period, where "0s" revokes at
// once).
var (
	positiveDuration    = durationRule(false, `must be a positive Go duration such as "30s"`)
	nonNegativeDuration = durationRule(true, `must be a Go duration such as "1h" or "0s"`)
)

func durationRule(allowZero bool, requires string) stringRule {
	return stringRule{requires: requires, check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if _, problem := checkDuration(allowZero, p.String(), v); problem != "" {
			diags.AddAttributeError(p, "Invalid duration", problem)
		}
	}}
}

// checkDuration parses value, the duration attribute attr; problem says
// what is wrong with it, "" when nothing is.
func checkDuration(allowZero bool, attr, value string) (d time.Duration, problem string) {
	d, err := time.ParseDuration(value)
	switch {
	case err == nil && (d > 0 || allowZero && d == 0):
		return d, ""
	case allowZero:
		return 0, fmt.Sprintf("%s must be a Go duration of zero or more, such as \"1h\", \"30m\" or \"0s\", got %q.", attr, value)
	}
	return 0, fmt.Sprintf("%s must be a positive Go duration such as \"30s\" or \"1m30s\", got %q.", attr, value)
}

// emailValidator checks that a value is a bare email address, which is what
// Harness uses userName for (docs/design/harness-api.md 1.3).
var emailValidator = stringRule{
	requires: "must be an email address",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if err := validateEmail(v); err != nil {
			diags.AddAttributeError(p, "Invalid email address", fmt.Sprintf("%s %s", p, err))
		}
	},
}

// Longest email address and local part (RFC 5321 4.5.3.1; Hibernate's
// @Email, on a service account's email, refuses a longer local part).
const (
	maxEmailLength = 254
	maxEmailLocal  = 64
)

// userNameValidator is emailValidator for a SCIM user's user_name, with a
// message that says why a login that is not an email is refused although
// Harness NextGen would create the user: NextGen only requires a non-empty
// userName (Invite.email is @NotEmpty; harness-core 1dcec145,
// 123-ng-core-user .../invites/entities/Invite.java, line 93) and stores it
// as the user's email, while FirstGen refuses it with 409 INVALID_EMAIL
// (UserServiceImpl.inviteUser -> SignupServiceImpl.checkIfEmailIsValid,
// 400-rest .../signup/SignupServiceImpl.java, lines 194-213).
var userNameValidator = stringRule{
	requires: "must be an email address",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if err := validateEmail(v); err != nil {
			diags.AddAttributeError(p, "Invalid email address", fmt.Sprintf("%s %s. %s", p, err, userNameNotEmail))
		}
	},
}

const userNameNotEmail = "Harness uses user_name as the user's email address. Harness FirstGen refuses one that is not " +
	"an email address (HTTP 409 INVALID_EMAIL). Harness NextGen would accept it, but the user then gets no invitation " +
	"mail, cannot sign in with a password or reset one, and only an SSO login whose name ID is exactly this string " +
	"reaches the account; so this provider refuses it for both. Use the user's email address."

func validateEmail(v string) error {
	if v != strings.TrimSpace(v) || v == "" {
		return fmt.Errorf("must be an email address without surrounding spaces, got %q", v)
	}
	if len(v) > maxEmailLength {
		return fmt.Errorf("is %d characters long; an email address has at most %d", len(v), maxEmailLength)
	}
	if at := strings.LastIndex(v, "@"); at > maxEmailLocal {
		return fmt.Errorf("has %d characters before the @; an email address has at most %d there", at, maxEmailLocal)
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || addr.Name != "" {
		return fmt.Errorf("must be a plain email address such as \"alice@example.com\", got %q", v)
	}
	at := strings.LastIndex(v, "@")
	if at < 1 || !strings.Contains(v[at+1:], ".") || strings.ContainsAny(v, "\"") {
		return fmt.Errorf("must be a plain email address with a domain such as \"alice@example.com\", got %q", v)
	}
	return nil
}

// notBlankValidator refuses empty and whitespace-only strings.
var notBlankValidator = stringRule{
	requires: "must not be empty or only spaces",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if strings.TrimSpace(v) == "" {
			diags.AddAttributeError(p, "Empty value", fmt.Sprintf("%s must not be empty or only spaces.", p))
		}
	},
}

// identifierRE and reservedIdentifiers are Harness's identifier rules
// (docs/design/harness-api.md 3.1), checked at plan time: EntityIdentifierValidator's
// pattern and NOT_ALLOWED_WORDS (harness-core 1dcec145, 980-commons
// .../data/validator/EntityIdentifierValidator.java, lines 31-37; compared
// case-sensitively, lines 79 and 101-102). internal/mockserver has its own copy on
// purpose: the mock models Harness's server independently of the
// provider, so a mistake here is caught by the mock refusing the
// identifier instead of being shared by both.
var identifierRE = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$]{0,127}$`)

var reservedIdentifiers = []string{
	"or", "and", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "not", "null", "true", "false", "new", "var",
	"return", "step", "parallel", "stepGroup", "org", "account", "class", "shellScriptProvisioner",
}

// identifierValidator refuses identifiers Harness would reject.
var identifierValidator = stringRule{
	requires: "must start with a letter or _, contain only letters, digits, _ and $, be at most 128 characters, and not be a reserved word",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if err := validateIdentifier(v); err != nil {
			diags.AddAttributeError(p, "Invalid Harness identifier", fmt.Sprintf("%s %s.", p, err))
		}
	},
}

func validateIdentifier(id string) error {
	switch {
	case !identifierRE.MatchString(id):
		return fmt.Errorf("is %q; Harness identifiers start with a letter or _, contain only letters, digits, _ and $, "+
			"and are at most 128 characters long", id)
	case slices.Contains(reservedIdentifiers, id):
		return fmt.Errorf("is %q, a word Harness reserves (%s; case matters); choose another identifier",
			id, strings.Join(reservedIdentifiers, ", "))
	}
	return nil
}

// timestampValidator checks RFC 3339 syntax.
var timestampValidator = stringRule{
	requires: `must be an RFC 3339 time such as "2030-01-31T00:00:00Z"`,
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			diags.AddAttributeError(p, "Invalid time",
				fmt.Sprintf("%s must be an RFC 3339 time such as \"2030-01-31T00:00:00Z\" (timestamp() and timeadd() produce this "+
					"format), got %q.", p, v))
		}
	},
}

// userIDValidator refuses values that cannot be Harness user ids, most
// often an email put where the id belongs.
var userIDValidator = stringRule{
	requires: "must be a Harness user id, not an email",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		switch {
		case strings.Contains(v, "@"):
			diags.AddAttributeError(p, "Email instead of user id",
				fmt.Sprintf("%q is an email, but Harness group members are user ids. Use the user's id, such as "+
					"harness_scim_user.<name>.id or data.harness_scim_user.<name>.id.", v))
		case strings.ContainsAny(v, " \t\n\"/"):
			diags.AddAttributeError(p, "Invalid user id",
				fmt.Sprintf("%q cannot be a Harness user id: ids contain no spaces, quotes or slashes. Use the user's id, "+
					"such as harness_scim_user.<name>.id.", v))
		}
	},
}

// noSlashValidator refuses '/', which the membership id uses as separator
// and Harness ids never contain.
var noSlashValidator = stringRule{
	requires: "must not contain '/'",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if strings.Contains(v, "/") {
			diags.AddAttributeError(p, "Invalid group id",
				fmt.Sprintf("%q cannot be a Harness group id: ids never contain '/'. Use the group's id, such as "+
					"harness_scim_group.<name>.id.", v))
		}
	},
}

// uniqueMembersValidator warns about an id listed twice, in linear time;
// Create and Update refuse such a list (duplicateIDs) before sending
// anything. It cannot be an error here: Terraform validates the
// configuration again, with the ids known from state, in the plan it runs
// before a destroy, so duplicates that came from computed ids (unknown, so
// unseen, when the apply was planned) would then block every plan and the
// destroy itself.
type uniqueMembersValidator struct{}

func (uniqueMembersValidator) Description(context.Context) string {
	return "each user id may appear only once"
}

func (v uniqueMembersValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (uniqueMembersValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var ids []string
	for _, e := range req.ConfigValue.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() {
			ids = append(ids, s.ValueString())
		}
	}
	if dups := duplicateIDs(ids); len(dups) > 0 {
		resp.Diagnostics.AddAttributeWarning(req.Path, "Duplicate members", duplicateMembersDetail(dups)+
			" Applying this configuration fails before anything is sent.")
	}
}

// duplicateIDs returns the ids listed more than once, each once, in the
// order of their second appearance.
func duplicateIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	var dups []string
	for _, id := range ids {
		if seen[id] && !slices.Contains(dups, id) {
			dups = append(dups, id)
		}
		seen[id] = true
	}
	return dups
}

// duplicateMembersDetail explains duplicate members.
func duplicateMembersDetail(dups []string) string {
	return fmt.Sprintf("members lists %s more than once. members is a set of user ids; list each user once "+
		"(wrap computed lists in distinct(); two harness_scim_user resources whose user_name differs only in case are "+
		"the same Harness user).", quoteList(dups))
}

// validatePersonalKeyScope refuses personal API keys outside account
// scope, which Harness documents as unsupported (docs/design/harness-api.md 3.2).
func validatePersonalKeyScope(diags *diag.Diagnostics, keyType, org types.String) {
	if keyType.ValueString() == string(client.APIKeyTypeUser) && !org.IsNull() {
		diags.AddAttributeError(path.Root("org_id"), "Personal API keys exist only at account scope",
			"Harness keeps personal (apikey_type = \"USER\") API keys at account scope only. Remove org_id and project_id, "+
				"or use apikey_type = \"SERVICE_ACCOUNT\" with a service account in that organization or project.")
	}
}

// noNullElements refuses null elements in a list, map or set. Terraform
// accepts `members = [null]` and `tags = { k = null }`, but no Harness
// value is null, and converting one fails at apply with an error that
// blames the provider; this names the attribute at plan time instead.
type noNullElements struct{}

var (
	_ validator.List = noNullElements{}
	_ validator.Map  = noNullElements{}
	_ validator.Set  = noNullElements{}
)

func (noNullElements) Description(context.Context) string { return "elements must not be null" }

func (v noNullElements) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (noNullElements) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	for i, e := range req.ConfigValue.Elements() {
		if e.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i), "Null element",
				fmt.Sprintf("%s[%d] is null; every element of %s must have a value (remove it, or use a conditional "+
					"such as compact() to drop null values).", req.Path, i, req.Path))
		}
	}
}

func (noNullElements) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	for _, e := range req.ConfigValue.Elements() {
		if e.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path, "Null element",
				fmt.Sprintf("%s holds a null element; every element must have a value.", req.Path))
			return
		}
	}
}

func (noNullElements) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	elems := req.ConfigValue.Elements()
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		if elems[k].IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Null value",
				fmt.Sprintf("%s[%q] is null; every entry of %s must have a value (use \"\" for an empty one, or leave "+
					"the key out).", req.Path, k, req.Path))
		}
	}
}

// maxTags is the most tags Harness keeps on a service account, API key or
// token: @Size(max = 128) on the tags of ServiceAccountDTO, ApiKeyDTO and
// TokenDTO (harness-core 970-ng-commons) and of their entities.
const maxTags = 128

// tagsValidator refuses tags Harness refuses (more than maxTags) and keys
// that cannot round-trip: an empty key, or one holding ':', which the
// Harness UI and the official provider's "key:value" form cannot tell from
// the value (Harness itself stores both).
type tagsValidator struct{}

func (tagsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d tags; keys must not be empty or contain ':'", maxTags)
}

func (v tagsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (tagsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	elems := req.ConfigValue.Elements()
	if len(elems) > maxTags {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many tags",
			fmt.Sprintf("%s has %d tags; Harness keeps at most %d on an object.", req.Path, len(elems), maxTags))
	}
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		switch {
		case strings.TrimSpace(k) == "":
			resp.Diagnostics.AddAttributeError(req.Path, "Empty tag key",
				fmt.Sprintf("%s has the key %q; a tag needs a key (a tag without a value is key = \"\").", req.Path, k))
		case strings.Contains(k, ":"):
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Tag key with ':'",
				fmt.Sprintf("%s has the key %q. The Harness UI and the official Harness provider write tags as "+
					"\"key:value\", where a ':' in the key cannot be told from the value; use another character.", req.Path, k))
		}
	}
}

// Shortest lifetimes of token values. A managed token's value must outlive
// the apply that issues it and the consumers updated in that apply (another
// provider block, an identity provider): a create alone may take 20 minutes
// (defaultResourceTimeout), so an hour. A short-lived (ephemeral) token
// serves one Terraform command; every call of that command may take
// operation_timeout (5 minutes by default), so ten minutes covers the first
// call made with it and a retry of it. Harness itself sets no minimum
// (TokenServiceImpl only refuses a validTo already past), so shorter values
// would be accepted, expire during the apply and be created again by every
// later apply.
const (
	minTokenLifetime          = time.Hour
	minEphemeralTokenLifetime = 10 * time.Minute
)

// atLeastDuration checks a Go duration of at least min; why says what the
// minimum protects.
func atLeastDuration(least time.Duration, why string) stringRule {
	return stringRule{requires: fmt.Sprintf("must be a Go duration of at least %s", shortDuration(least)),
		check: func(p path.Path, v string, diags *diag.Diagnostics) {
			d, problem := checkDuration(false, p.String(), v)
			switch {
			case problem != "":
				diags.AddAttributeError(p, "Invalid duration", problem)
			case d < least:
				diags.AddAttributeError(p, "Duration too short",
					fmt.Sprintf("%s is %s; it must be at least %s: %s.", p, v, shortDuration(least), why))
			}
		}}
}

// harnessNameValidator is Harness's NGEntityName rule, which the service
// account, API key and token entities carry on name and their services
// check before saving (NGUtils.validate; harness-core 970-ng-commons
// NGEntityNameValidator): not blank, at most 128 characters, only letters,
// digits, '-', '_', '.', ' ' and '/'.
var harnessNameValidator = stringRule{
	requires: "must be 1 to 128 characters: letters, digits, spaces and - _ . /",
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if problem := harnessNameProblem(v); problem != "" {
			diags.AddAttributeError(p, "Invalid Harness name", fmt.Sprintf("%s %s (Harness's rule for names), got %s.", p, problem, shortQuote(v)))
		}
	},
}

func harnessNameProblem(v string) string {
	switch {
	case strings.TrimSpace(v) == "":
		return "must not be empty or only spaces"
	case len(v) > 128:
		return fmt.Sprintf("is %d characters long; Harness allows at most 128", utf8.RuneCountInString(v))
	}
	for _, r := range v {
		if !harnessNameRune(r) {
			return fmt.Sprintf("may only contain letters, digits, spaces, '-', '_', '.' and '/', not %q", r)
		}
	}
	return ""
}

func harnessNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_. /", r)
}

// maxSCIMText is the longest SCIM name this provider sends: Harness sets
// no limit on SCIM user and group names, and 256 is Microsoft Entra ID's
// limit for a displayName, the longest an identity provider would send.
const maxSCIMText = 256

// scimTextValidator refuses what no name should hold: more than
// maxSCIMText characters, control characters (NUL, ESC, newlines, tabs),
// line and paragraph separators, and the Unicode controls that reorder text
// (right-to-left overrides and isolates), which make a name display as
// something else than it is.
var scimTextValidator = stringRule{
	requires: fmt.Sprintf("at most %d characters, without control or text-direction characters", maxSCIMText),
	check: func(p path.Path, v string, diags *diag.Diagnostics) {
		if problem := textProblem(v, maxSCIMText); problem != "" {
			diags.AddAttributeError(p, "Invalid name", fmt.Sprintf("%s %s.", p, problem))
		}
	},
}

func textProblem(v string, limit int) string {
	if n := utf8.RuneCountInString(v); n > limit {
		return fmt.Sprintf("is %d characters long; at most %d are allowed", n, limit)
	}
	for i, r := range v {
		switch {
		case r == utf8.RuneError:
			return fmt.Sprintf("is not valid UTF-8 at byte %d", i)
		case unicode.IsControl(r), r == '\u2028', r == '\u2029':
			return fmt.Sprintf("holds the control character %U at byte %d; names are one line of printable text", r, i)
		case unicode.Is(unicode.Bidi_Control, r):
			return fmt.Sprintf("holds the text-direction character %U at byte %d, which makes the name display differently "+
				"from what it is", r, i)
		}
	}
	return ""
}

// shortQuote quotes v, cut to 40 characters, for diagnostics.
func shortQuote(v string) string {
	if utf8.RuneCountInString(v) <= 40 {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%q…", string([]rune(v)[:40]))
}
