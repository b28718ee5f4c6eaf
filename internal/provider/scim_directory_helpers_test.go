package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Helpers of the harness_scim_directory tests: a configuration builder and
// checks against the mock's store.

const dirAddr = "harness_scim_directory.test"

// dirSpec is a directory configuration.
type dirSpec struct {
	users     map[string]string   // key -> display_name
	extra     map[string]string   // key -> more attribute lines
	groups    map[string][]string // key -> members
	exclusive bool
	onDestroy string
	noUsers   bool // leave users out
}

// hcl renders the resource, keys sorted.
func (d dirSpec) hcl() string {
	var b strings.Builder
	b.WriteString("\nresource \"harness_scim_directory\" \"test\" {\n")
	if d.exclusive {
		b.WriteString("  exclusive = true\n")
	}
	if d.onDestroy != "" {
		fmt.Fprintf(&b, "  on_destroy = %q\n", d.onDestroy)
	}
	if !d.noUsers {
		b.WriteString("  users = {\n")
		for _, k := range sortedKeys(d.users) {
			fmt.Fprintf(&b, "    %q = { display_name = %q%s }\n", k, d.users[k], d.extra[k])
		}
		b.WriteString("  }\n")
	}
	if d.groups != nil {
		b.WriteString("  groups = {\n")
		for _, g := range sortedKeys(d.groups) {
			q := make([]string, len(d.groups[g]))
			for i, m := range d.groups[g] {
				q[i] = fmt.Sprintf("%q", m)
			}
			fmt.Fprintf(&b, "    %q = { members = [%s] }\n", g, strings.Join(q, ", "))
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// with returns a copy of d changed by edit.
func (d dirSpec) with(edit func(d *dirSpec)) dirSpec {
	c := d
	c.users, c.extra, c.groups = copyMap(d.users), copyMap(d.extra), map[string][]string{}
	for g, m := range d.groups {
		c.groups[g] = slices.Clone(m)
	}
	edit(&c)
	return c
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// expectDirectory checks the mock's store: exactly these SCIM users (by
// email, with display names) are account members, and exactly these SCIM
// groups exist with these members (by email).
func (m *testMock) expectDirectory(users map[string]string, groups map[string][]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := map[string]string{}
		emails := map[string]string{}
		for _, u := range m.Users() {
			emails[u.ID] = u.Email
			if u.ID == mockserver.AdminUserID || u.Disabled {
				continue
			}
			got[u.Email] = u.DisplayName
		}
		want := map[string]string{}
		for k, v := range users {
			want[strings.ToLower(k)] = v
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("Harness has users %v; want %v", got, want)
		}
		gotGroups := map[string][]string{}
		for _, g := range m.Groups() {
			members := make([]string, 0, len(g.Members))
			for _, id := range g.Members {
				members = append(members, emails[id])
			}
			slices.Sort(members)
			gotGroups[g.Name] = members
		}
		wantGroups := map[string][]string{}
		for g, members := range groups {
			lower := make([]string, len(members))
			for i, e := range members {
				lower[i] = strings.ToLower(e)
			}
			slices.Sort(lower)
			wantGroups[g] = lower
		}
		if fmt.Sprint(gotGroups) != fmt.Sprint(wantGroups) {
			return fmt.Errorf("Harness has groups %v; want %v", gotGroups, wantGroups)
		}
		return nil
	}
}

// listingCounts is what one refresh of the directory costs: the users
// listing pages until an empty page in NextGen (its pages may be short,
// docs/design/harness-api.md 1.6) and stops at a short page in FirstGen; groups fit in
// one page.
func listingCounts(p mockserver.Profile) map[string]int {
	if p.Generation == mockserver.NextGen {
		return map[string]int{mockserver.OpSearchUsers: 2, mockserver.OpSearchGroups: 1}
	}
	return map[string]int{mockserver.OpSearchUsers: 1, mockserver.OpSearchGroups: 1}
}

// plus returns counts with more added.
func plus(counts map[string]int, more map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range counts {
		out[k] += v
	}
	for k, v := range more {
		out[k] += v
	}
	return out
}

// harnessIDPattern matches a Harness user id.
var harnessIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// configUnpaced is config with the provider's request budget off.
func (m *testMock) configUnpaced(body string) string {
	return strings.Replace(m.config(body), "provider \"harness\" {", "provider \"harness\" {\n  max_requests_per_minute = 0", 1)
}
