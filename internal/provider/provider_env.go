package provider

// Environment variables read when an attribute is not set. They are the
// official Harness provider's names, so both providers share credentials.
const (
	envEndpoint       = "HARNESS_ENDPOINT"
	envAccountID      = "HARNESS_ACCOUNT_ID"
	envAPIKey         = "HARNESS_PLATFORM_API_KEY"
	envSCIMGeneration = "HARNESS_SCIM_GENERATION"
	// envMaxRequestsPerMinute is this provider's own: the official
	// provider has no request budget.
	envMaxRequestsPerMinute = "HARNESS_MAX_REQUESTS_PER_MINUTE"
)

// envSetting is a provider attribute that falls back to an environment
// variable. Each row names the attribute (Configure reads it by that
// name), its variable and where the resolved value goes, so no row depends
// on its position in the table.
type envSetting struct {
	attr, env string
	required  bool
	to        func(*envSettings) *string
}

// envSettings are the attributes of envSettingTable once resolved: from
// the configuration, else from the environment; "" when neither sets them
// or the value is unknown.
type envSettings struct {
	endpoint, accountID, apiKey, generation string
}

// envSettingTable is the one list of attributes with an environment
// fallback, in the order diagnostics name them.
var envSettingTable = []envSetting{
	{attr: "endpoint", env: envEndpoint, to: func(s *envSettings) *string { return &s.endpoint }},
	{attr: "account_id", env: envAccountID, required: true, to: func(s *envSettings) *string { return &s.accountID }},
	{attr: "api_key", env: envAPIKey, required: true, to: func(s *envSettings) *string { return &s.apiKey }},
	{attr: "scim_generation", env: envSCIMGeneration, to: func(s *envSettings) *string { return &s.generation }},
}

// attrEnv maps provider attributes to their environment variables.
var attrEnv = func() map[string]string {
	m := make(map[string]string, len(envSettingTable))
	for _, s := range envSettingTable {
		m[s.attr] = s.env
	}
	return m
}()
