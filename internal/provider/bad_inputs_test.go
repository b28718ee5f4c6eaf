package provider

import (
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Where a bad input is refused.
const (
	atPlan   = "plan"     // the plan fails, nothing is sent to Harness
	atApply  = "apply"    // the plan passes (a warning at most), the apply fails
	accepted = "accepted" // valid, though unusual: applied
)

// badInput is one input tried: a configuration body, where it must be
// refused and what the error says.
type badInput struct {
	name, stage, body, want string
}

func user(attrs string) string {
	return "resource \"harness_scim_user\" \"u\" {\n" + attrs + "\n}\n"
}

func userNamed(display string) string {
	return user(`user_name = "u@example.com"` + "\n" + `display_name = ` + display)
}

func saWith(attrs string) string {
	return "resource \"harness_service_account\" \"s\" {\n identifier = \"bad\"\n name = \"Bad\"\n email = \"bad@service.harness.io\"\n" +
		attrs + "\n}\n"
}

func saNamed(name string) string {
	return "resource \"harness_service_account\" \"s\" {\n identifier = \"bad\"\n email = \"bad@service.harness.io\"\n name = " + name + "\n}\n"
}

func tokenWith(extra string) string { return tokenConfig(extra) }

func ephemeralWith(attrs string) string {
	return apiKeyConfig("entra", "Entra ID", "") + "ephemeral \"harness_api_key_token\" \"e\" {\n apikey_id = harness_api_key.key.identifier\n" +
		" apikey_type = \"SERVICE_ACCOUNT\"\n parent_id = harness_service_account.sa.identifier\n" + attrs + "\n}\n"
}

func groupWith(attrs string) string {
	return "resource \"harness_scim_group\" \"g\" {\n" + attrs + "\n}\n"
}

// badInputs are the inputs TestAccBadInputs tries; the audit
// found these accepted or refused only at apply.
var badInputs = []badInput{
	{"email 10000 characters", atPlan, user(`user_name = "` + strings.Repeat("a", 10000) + `@example.com"` + "\n display_name = \"A\""), "Invalid email address"},
	{"email local part 65", atPlan, user(`user_name = "` + strings.Repeat("a", 65) + `@example.com"` + "\n display_name = \"A\""), "at most 64 there"},
	{"email with a newline", atPlan, user(`user_name = "a\nb@example.com"` + "\n display_name = \"A\""), "Invalid email address"},
	{"email without a domain", atPlan, user(`user_name = "alice@localhost"` + "\n display_name = \"A\""), "Invalid email address"},
	{"user display_name 10000 characters", atPlan, userNamed(`"` + strings.Repeat("n", 10000) + `"`), "at most 256"},
	{"user display_name NUL", atPlan, userNamed(`"a\u0000b"`), "control character U+0000"},
	{"user display_name ESC", atPlan, userNamed(`"a\u001b[31mb"`), "control character U+001B"},
	{"user display_name newline", atPlan, userNamed(`"a\nb"`), "control character U+000A"},
	{"user display_name right-to-left override", atPlan, userNamed(`"\u202eevil"`), "text-direction character U+202E"},
	{"user display_name isolate", atPlan, userNamed(`"a\u2067b"`), "text-direction character U+2067"},
	{"user display_name blank", atPlan, userNamed(`"   "`), "must not be empty"},
	{"user given_name tab", atPlan, user(`user_name = "u@example.com"` + "\n display_name = \"A\"\n given_name = \"a\\tb\""), "control character U+0009"},
	{"user external_id 300 characters", atPlan, user(`user_name = "u@example.com"` + "\n display_name = \"A\"\n external_id = \"" + strings.Repeat("x", 300) + `"`), "at most 256"},
	{"user on_destroy unknown", atPlan, user(`user_name = "u@example.com"` + "\n display_name = \"A\"\n on_destroy = \"nuke\""), "on_destroy"},
	{"group display_name 10000 characters", atPlan, groupWith(`display_name = "` + strings.Repeat("g", 10000) + `"`), "at most 256"},
	{"group display_name ESC", atPlan, groupWith(`display_name = "a\u001bb"`), "control character U+001B"},
	{"group id over 128 characters", atPlan, groupWith(`display_name = "` + strings.Repeat("g", 200) + `"`), "Harness NextGen refuses the group id display_name gives"},
	{"group id reserved word", atPlan, groupWith(`display_name = "account"`), "Harness NextGen refuses the group id display_name gives"},
	{"group display_name gives no id", atPlan, groupWith(`display_name = "2024"`), "display_name gives no Harness group id"},
	{"group members null", atPlan, groupWith("display_name = \"G\"\n members = [null]"), "members[0] is null"},
	{"group members email", atPlan, groupWith("display_name = \"G\"\n members = [\"alice@example.com\"]"), "Email instead of user id"},
	{"group members blank", atPlan, groupWith("display_name = \"G\"\n members = [\" \"]"), "must not be empty"},
	{"service account name 10000", atPlan, saNamed(`"` + strings.Repeat("n", 10000) + `"`), "Harness allows at most 128"},
	{"service account name parentheses", atPlan, saNamed(`"SCIM (Entra)"`), "may only contain letters"},
	{"service account name NUL", atPlan, saNamed(`"a\u0000b"`), "may only contain letters"},
	{"service account name RTL", atPlan, saNamed(`"\u202eevil"`), "may only contain letters"},
	{"service account email 10000", atPlan, "resource \"harness_service_account\" \"s\" {\n identifier = \"bad\"\n name = \"Bad\"\n email = \"" + strings.Repeat("e", 10000) + "@service.harness.io\"\n}\n", "Invalid email address"},
	{"service account identifier digit", atPlan, "resource \"harness_service_account\" \"s\" {\n identifier = \"1bad\"\n name = \"Bad\"\n email = \"bad@service.harness.io\"\n}\n", "Invalid Harness identifier"},
	{"service account description 1025", atPlan, saWith(`description = "` + strings.Repeat("d", 1025) + `"`), "string length must be at most 1024"},
	{"tag value null", atPlan, saWith(`tags = { k = null }`), `tags["k"] is null`},
	{"tag key empty", atPlan, saWith(`tags = { "" = "v" }`), "Empty tag key"},
	{"tag key with colon", atPlan, saWith(`tags = { "a:b" = "v" }`), "Tag key with ':'"},
	{"129 tags", atPlan, saWith(`tags = { for i in range(129) : "k${i}" => "v" }`), "Harness keeps at most 128"},
	{"API key name ESC", atPlan, strings.Replace(apiKeyConfig("entra", "Entra ID", ""), `"Entra ID"`, `"a\u001bb"`, 1), "may only contain letters"},
	{"token name newline", atPlan, strings.Replace(tokenConfig(""), `"Entra ID SCIM"`, `"a\nb"`, 1), "may only contain letters"},
	{"token lifetime 1ms", atPlan, tokenWith(`lifetime = "1ms"`), "it must be at least 1h"},
	{"token lifetime 30m", atPlan, tokenWith(`lifetime = "30m"`), "it must be at least 1h"},
	{"token rotate_before_expiry leaves under an hour", atPlan, tokenWith("lifetime = \"720h\"\n rotate_before_expiry = \"719h30m\""), "leaves less than 1h"},
	{"token rotation_triggers null", atPlan, tokenWith(`rotation_triggers = { a = null }`), `rotation_triggers["a"] is null`},
	{"token tags null", atPlan, tokenWith(`tags = { k = null }`), `tags["k"] is null`},
	{"token valid_to not a time", atPlan, tokenWith(`valid_to = "tomorrow"`), "must be an RFC 3339 time"},
	{"token valid_to before valid_from", atPlan, tokenWith("valid_from = \"2031-01-01T00:00:00Z\"\n valid_to = \"2030-01-01T00:00:00Z\""), "valid_to is before valid_from"},
	{"ephemeral lifetime 1ms", atPlan, ephemeralWith(`lifetime = "1ms"`), "it must be at least 10m"},
	{"ephemeral name 10000", atPlan, ephemeralWith(`name = "` + strings.Repeat("n", 10000) + `"`), "Harness allows at most 128"},
	{"ephemeral name ESC", atPlan, ephemeralWith(`name = "a\u001bb"`), "may only contain letters"},
	{"ephemeral description 1025", atPlan, ephemeralWith(`description = "` + strings.Repeat("d", 1025) + `"`), "string length must be at most 1024"},
	{"membership user_id email", atPlan, "resource \"harness_scim_group_member\" \"m\" {\n group_id = \"g\"\n user_id = \"a@example.com\"\n}\n", "Email instead of user id"},
	{"membership group_id slash", atPlan, "resource \"harness_scim_group_member\" \"m\" {\n group_id = \"a/b\"\n user_id = \"u\"\n}\n", "Invalid group id"},

	// Known only from Harness, from other resources or from time: refused
	// at apply, with a warning at plan where it can be known then (a plan
	// error would block a destroy of the configuration).
	{"membership of a user Harness does not have", atApply, groupWith(`display_name = "G"`) +
		"resource \"harness_scim_group_member\" \"m\" {\n group_id = harness_scim_group.g.id\n user_id = \"" + unknownUserID + "\"\n}\n", "No such user in Harness"},
	{"group members listed twice", atApply, groupWith("display_name = \"G\"\n members = [\"" + unknownUserID + "\", \"" + unknownUserID + "\"]"), "Duplicate members"},
	{"token valid_to passed", atApply, tokenWith(`valid_to = "2001-01-01T00:00:00Z"`), "valid_to is in the past"},
	{"token under a key Harness does not have", atApply, scimSAConfig + "resource \"harness_api_key_token\" \"t\" {\n identifier = \"t\"\n name = \"t\"\n" +
		" apikey_id = \"nokey\"\n apikey_type = \"SERVICE_ACCOUNT\"\n parent_id = harness_service_account.sa.identifier\n}\n", "API key not found"},
	{"two users whose emails differ in case", atApply, user("user_name = \"Same@Example.com\"\n display_name = \"A\"") +
		strings.Replace(user("user_name = \"same@example.com\"\n display_name = \"B\""), `"u"`, `"v"`, 1), "Two harness_scim_user resources are one Harness user"},

	// Unusual but valid.
	{"display_name with accents and an emoji", accepted, userNamed(`"Zoë Ünal 🚀"`), ""},
	{"display_name with a zero-width joiner (Persian names)", accepted, userNamed(`"می\u200cخواهم"`), ""},
	{"email with +tag", accepted, user("user_name = \"alice+scim@example.com\"\n display_name = \"A\""), ""},
	{"tag without a value", accepted, saWith(`tags = { team = "" }`), ""},
	{"128 tags", accepted, saWith(`tags = { for i in range(128) : "k${i}" => "v" }`), ""},
	{"token lifetime exactly 1h", accepted, tokenWith(`lifetime = "1h"`), ""},
	{"name of 128 characters", accepted, saNamed(`"` + strings.Repeat("n", 128) + `"`), ""},
}

// TestAccBadInputs tries every badInput against its own mock: a plan-time
// refusal must fail the plan and send nothing; an apply-time one must
// plan without an error and fail the apply; an accepted one must apply
// and plan empty afterwards (the test's destroy then runs too). It logs
// the count per stage, the figures of the closing note.
func TestAccBadInputs(t *testing.T) {
	var mu sync.Mutex
	counts := map[string]int{}
	t.Run("inputs", func(t *testing.T) {
		for _, in := range badInputs {
			t.Run(in.name, func(t *testing.T) {
				m := newMock(t, mockserver.MustProfile("nextgen"))
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6Factories,
					Steps:                    badInputSteps(t, m, in),
				})
				mu.Lock()
				counts[in.stage]++
				mu.Unlock()
			})
		}
	})
	t.Logf("%d inputs: %d refused at plan, %d at apply, %d accepted", len(badInputs), counts[atPlan], counts[atApply], counts[accepted])
}

func badInputSteps(t *testing.T, m *testMock, in badInput) []resource.TestStep {
	cfg := m.config(in.body)
	switch in.stage {
	case atPlan:
		return []resource.TestStep{{
			PreConfig: m.reset, Config: cfg, PlanOnly: true, ExpectError: expectErr(in.want),
		}, {
			PreConfig: func() {
				if c := m.Counts(); len(c) != 0 {
					t.Fatalf("a plan-time refusal sent %s", mockserver.CountsString(c))
				}
			},
			Config: m.providerConfig(), PlanOnly: true,
		}}
	case atApply:
		return []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg, ExpectError: expectErr(in.want)},
		}
	}
	return []resource.TestStep{{Config: cfg}}
}

// The cases are what the closing note counts; keep them honest.
func TestBadInputsAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, in := range badInputs {
		if seen[in.name] || (in.stage != accepted && in.want == "") {
			t.Fatalf("duplicate or unchecked case %q", in.name)
		}
		seen[in.name] = true
	}
	if len(badInputs) < 50 {
		t.Fatalf("only %d cases", len(badInputs))
	}
}
