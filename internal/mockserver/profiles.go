package mockserver

import (
	"fmt"
	"sort"
	"strings"
)

// Generation is the Harness SCIM API family a profile serves.
type Generation string

// Generations.
const (
	NextGen  Generation = "nextgen"
	FirstGen Generation = "firstgen"
)

// Profile is a set of account feature flags. Real Harness accounts differ in
// flags a client cannot see (harness-api.md 7.17), so the mock serves one
// profile per instance and the provider is tested under each.
type Profile struct {
	Name string
	// Generation picks the SCIM routes that exist: NextGen serves
	// /ng/api/scim/account/{id}, FirstGen /api/scim/account/{id}. The
	// NextGen API-key, token and service-account routes exist in both.
	Generation Generation
	// NewSCIMStandards is PL_NEW_SCIM_STANDARDS: name.givenName/familyName/
	// formatted, meta and groups in user answers, meta in group answers.
	NewSCIMStandards bool
	// UserDeletionV2 is PL_USER_DELETION_V2. In FirstGen it turns
	// active=false into a delete (otherwise the user is kept, disabled). In
	// NextGen it makes a PUT without "active" fail with a 404.
	UserDeletionV2 bool
	Description    string
}

var profiles = map[string]Profile{
	"nextgen": {
		Name: "nextgen", Generation: NextGen, NewSCIMStandards: true, UserDeletionV2: true,
		Description: "NextGen SCIM with PL_NEW_SCIM_STANDARDS and PL_USER_DELETION_V2 on (default)",
	},
	"nextgen-legacy": {
		Name: "nextgen-legacy", Generation: NextGen,
		Description: "NextGen SCIM with PL_NEW_SCIM_STANDARDS and PL_USER_DELETION_V2 off",
	},
	"firstgen": {
		Name: "firstgen", Generation: FirstGen,
		Description: "FirstGen SCIM (/api/scim), PL_USER_DELETION_V2 off: deactivated users stay, disabled",
	},
}

// DefaultProfile is the profile used when none is given.
const DefaultProfile = "nextgen"

// ProfileNames lists the known profile names, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupProfile returns a profile by name.
func LookupProfile(name string) (Profile, error) {
	p, ok := profiles[name]
	if !ok {
		return Profile{}, fmt.Errorf("unknown profile %q (known: %s)", name, strings.Join(ProfileNames(), ", "))
	}
	return p, nil
}

// MustProfile is LookupProfile for names known to exist.
func MustProfile(name string) Profile {
	p, err := LookupProfile(name)
	if err != nil {
		panic(err)
	}
	return p
}

// firstGen reports whether the server's SCIM routes are FirstGen's.
func (s *Server) firstGen() bool { return s.opts.Profile.Generation == FirstGen }
