package benchmarks

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// fleet is a directory as configuration: users, and groups that each hold
// members consecutive users (wrapping around).
type fleet struct {
	users, groups, members int
	// byReference writes group members as references to the user
	// resources (harness_scim_user.u[...].id), as a hand-written
	// configuration does; otherwise they are literal ids, as terraform
	// query -generate-config-out writes them for an adopted account.
	// Terraform core evaluates each reference by building the whole
	// referenced resource, so its plan grows with groups x users.
	byReference bool
}

func (f fleet) String() string {
	if f.groups == 0 {
		return fmt.Sprintf("%d users", f.users)
	}
	s := fmt.Sprintf("%d users + %d groups x %d", f.users, f.groups, f.members)
	if f.byReference {
		s += " (members by reference)"
	}
	return s
}

// groupMembers is the id of every member of every group, by group key.
func (f fleet) groupMembers(userIDs []string) map[string][]string {
	out := make(map[string][]string, f.groups)
	for g := range f.groups {
		ids := make([]string, f.members)
		for j := range ids {
			ids[j] = userIDs[f.member(g, j)]
		}
		out[f.groupKey(g)] = ids
	}
	return out
}

func (f fleet) userKey(i int) string  { return fmt.Sprintf("user%05d@example.com", i) }
func (f fleet) groupKey(i int) string { return fmt.Sprintf("group%03d", i) }

// member is the user index of group g's j-th member.
func (f fleet) member(g, j int) int { return (g*f.members + j) % f.users }

// template is the part of f that is applied for real.
func (f fleet) template() fleet {
	t := fleet{users: max(2, 2*f.members), groups: min(f.groups, 2), members: f.members, byReference: true}
	t.users = min(t.users, f.users)
	return t
}

// objects is how many resource instances f has.
func (f fleet) objects() int { return f.users + f.groups }

// kind is one way to express a fleet: the Harness provider's resources, or
// a baseline of the same shape.
type kind struct {
	name       string
	userType   string
	groupType  string
	header     string // terraform and provider blocks
	userBody   string // the body of the user resource, in for_each over local.users
	groupBody  string // the body of the group resource, in for_each over groups
	reattached bool   // served by a plugin the benchmark starts
}

// config is the whole configuration of f for k; userIDs are the users' ids
// (in state), which groups list unless f.byReference.
func (k kind) config(f fleet, userIDs []string) string {
	var b strings.Builder
	b.WriteString(k.header)
	fmt.Fprintf(&b, `
locals {
  # range() stops at 1024 values: count in thousands.
  users = [for i in flatten([for k in range(%d) : [for j in range(1000) : k * 1000 + j]]) : format("user%%05d@example.com", i) if i < %d]
}

resource %q "u" {
  for_each = toset(local.users)
%s
}
`, (f.users+999)/1000, f.users, k.userType, k.userBody)
	if f.groups > 0 {
		members := "local.group_members[each.key]"
		if f.byReference {
			members = strings.ReplaceAll(fmt.Sprintf(membersExpr, k.userType), "MEMBERS", fmt.Sprint(f.members))
		} else {
			b.WriteString("\nlocals {\n  group_members = {\n")
			members := f.groupMembers(userIDs)
			for g := range f.groups {
				fmt.Fprintf(&b, "    %q = [%s]\n", f.groupKey(g), quoteAll(members[f.groupKey(g)]))
			}
			b.WriteString("  }\n}\n")
		}
		fmt.Fprintf(&b, `
resource %q "g" {
  for_each = { for i in range(%d) : format("group%%03d", i) => i }
%s
}
`, k.groupType, f.groups, strings.ReplaceAll(k.groupBody, "MEMBERS_EXPR", members))
	}
	return b.String()
}

// membersExpr is a group's members by reference to the user resource.
const membersExpr = `[for j in range(MEMBERS) : %s.u[local.users[(each.value * MEMBERS + j) %% length(local.users)]].id]`

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func harnessKind(endpoint, account, token, extra string) kind {
	return kind{
		name: "harness", userType: "harness_scim_user", groupType: "harness_scim_group", reattached: true,
		header: fmt.Sprintf(`terraform {
  required_providers {
    harness = { source = "harness-scim/harness" }
  }
}

provider "harness" {
  endpoint        = %q
  account_id      = %q
  api_key         = %q
  scim_generation = "nextgen"
%s}
`, endpoint, account, token, extra),
		userBody:  "  user_name    = each.key\n  display_name = \"User ${each.key}\"",
		groupBody: "  display_name = each.key\n  members      = MEMBERS_EXPR",
	}
}

func terraformDataKind() kind {
	return kind{
		name: "terraform_data", userType: "terraform_data", groupType: "terraform_data",
		userBody:  "  input = { user_name = each.key, display_name = \"User ${each.key}\" }",
		groupBody: "  input = { display_name = each.key, members = MEMBERS_EXPR }",
	}
}

func noopKind() kind {
	return kind{
		name: "noop provider", userType: "noop_user", groupType: "noop_group", reattached: true,
		header: `terraform {
  required_providers {
    noop = { source = "bench/noop" }
  }
}
`,
		userBody:  "  user_name    = each.key\n  display_name = \"User ${each.key}\"",
		groupBody: "  display_name = each.key\n  members      = MEMBERS_EXPR",
	}
}

// newUUID is a random UUID, as terraform_data's ids are.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
