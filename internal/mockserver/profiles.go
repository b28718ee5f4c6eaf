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
// flags a client cannot see (docs/design/harness-api.md 7.17), so the mock serves one
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
	// FirstGenDisabled is CDS_DISABLE_FIRST_GEN_CD, set on accounts
	// migrated to NextGen: DisableFirstGenFilter answers every FirstGen
	// request with 403 after authentication. Only meaningful with
	// Generation FirstGen (the NextGen routes are not FirstGen's).
	FirstGenDisabled bool
	Description      string
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
	"firstgen-disabled": {
		Name: "firstgen-disabled", Generation: FirstGen, FirstGenDisabled: true,
		Description: "an account migrated to NextGen (CDS_DISABLE_FIRST_GEN_CD): FirstGen SCIM answers 403; use nextgen",
	},
}

// DefaultProfile is the profile used when none is given.
const DefaultProfile = "nextgen"

// ProfileNames lists, sorted, the profiles a working configuration can run
// under: tests that run once per profile loop over these. It leaves out
// profiles that refuse a whole API family by design (firstgen-disabled
// refuses every FirstGen SCIM request), where such a loop could only
// assert the refusal; AllProfileNames lists those too.
func ProfileNames() []string {
	return profileNames(func(p Profile) bool { return !p.FirstGenDisabled })
}

// AllProfileNames lists every known profile name, sorted.
func AllProfileNames() []string {
	return profileNames(func(Profile) bool { return true })
}

func profileNames(keep func(Profile) bool) []string {
	names := make([]string, 0, len(profiles))
	for n, p := range profiles {
		if keep(p) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// LookupProfile returns a profile by name.
func LookupProfile(name string) (Profile, error) {
	p, ok := profiles[name]
	if !ok {
		return Profile{}, fmt.Errorf("unknown profile %q (known: %s)", name, strings.Join(AllProfileNames(), ", "))
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
