package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

func dirUserNamed(display string) dirUser {
	return dirUser{DisplayName: types.StringValue(display), GivenName: types.StringNull(), FamilyName: types.StringNull(),
		ExternalID: types.StringNull(), Active: types.BoolValue(true)}
}

// deltaOf returns the changes from prior to plan as "kind key" strings.
func deltaOf(gen client.Generation, prior, plan *directory, priv *directoryPrivate, exclusive bool) []string {
	a := &directoryApply{gen: gen, prior: prior, plan: plan, private: priv, exclusive: exclusive}
	a.diff()
	var out []string
	for _, ch := range a.users {
		out = append(out, fmt.Sprintf("user %d %s", ch.kind, ch.key))
	}
	for _, ch := range a.groups {
		out = append(out, fmt.Sprintf("group %d %s +%v -%v", ch.kind, ch.key, ch.add, ch.remove))
	}
	return out
}

func TestDirectoryDelta(t *testing.T) {
	t.Parallel()
	prior := newDirectory()
	prior.Users = map[string]dirUser{"alice@example.com": dirUserNamed("Alice"), "bob@example.com": dirUserNamed("Bob"),
		"eve@example.com": dirUserNamed("Eve"), "zed@example.com": dirUserNamed("Zed")}
	prior.UserIDs = map[string]string{"alice@example.com": "A", "bob@example.com": "B", "eve@example.com": "E", "zed@example.com": "Z"}
	prior.Groups = map[string][]string{"Ops": {"alice@example.com", "bob@example.com"}, "Old": {}}
	prior.GroupIDs = map[string]string{"Ops": "Ops", "Old": "Old"}

	plan := newDirectory()
	renamed := dirUserNamed("Alice")
	renamed.ExternalID = types.StringValue("entra-1")
	plan.Users = map[string]dirUser{
		"Alice@Example.com": renamed,             // case-only key change, new external_id
		"bob@example.com":   dirUserNamed("Bob"), // unchanged
		"new@example.com":   dirUserNamed("New"), // created
	}
	plan.Groups = map[string][]string{"Ops": {"BOB@example.com", "Alice@Example.com"}, "New": {"new@example.com"}}
	priv := &directoryPrivate{UnlistedUsers: []string{"eve@example.com"}}

	for name, tc := range map[string]struct {
		gen       client.Generation
		exclusive bool
		want      []string
	}{
		// NextGen creates Alice again (external_id), and re-adds her to
		// Ops though Ops' members did not change; Eve, only listed by
		// exclusive, is forgotten; Zed, managed, is deleted.
		"nextgen": {gen: client.NextGen, want: []string{
			fmt.Sprintf("user %d Alice@Example.com", changeRecreate), fmt.Sprintf("user %d bob@example.com", changeNone),
			fmt.Sprintf("user %d new@example.com", changeCreate), fmt.Sprintf("user %d eve@example.com", changeForget),
			fmt.Sprintf("user %d zed@example.com", changeDelete),
			fmt.Sprintf("group %d New +[] -[]", changeCreate), fmt.Sprintf("group %d Ops +[Alice@Example.com] -[]", changeUpdate),
			fmt.Sprintf("group %d Old +[] -[]", changeDelete),
		}},
		// FirstGen updates Alice in place; with exclusive on, Eve is deleted.
		"firstgen exclusive": {gen: client.FirstGen, exclusive: true, want: []string{
			fmt.Sprintf("user %d Alice@Example.com", changeUpdate), fmt.Sprintf("user %d bob@example.com", changeNone),
			fmt.Sprintf("user %d new@example.com", changeCreate), fmt.Sprintf("user %d eve@example.com", changeDelete),
			fmt.Sprintf("user %d zed@example.com", changeDelete),
			fmt.Sprintf("group %d New +[] -[]", changeCreate), fmt.Sprintf("group %d Ops +[] -[]", changeNone),
			fmt.Sprintf("group %d Old +[] -[]", changeDelete),
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := deltaOf(tc.gen, prior, plan, priv, tc.exclusive); !slices.Equal(got, tc.want) {
				t.Errorf("delta:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestDirectoryResultKeepsFailedCreates(t *testing.T) {
	t.Parallel()
	plan := newDirectory()
	plan.Users = map[string]dirUser{"a@example.com": dirUserNamed("A"), "b@example.com": dirUserNamed("B")}
	a := &directoryApply{gen: client.NextGen, prior: newDirectory(), plan: plan, private: &directoryPrivate{}}
	a.diff()
	for _, ch := range a.users {
		if ch.key == "a@example.com" {
			ch.id, ch.done = "A", true
		} else {
			ch.err = fmt.Errorf("lost answer")
		}
	}
	got := a.result(false)
	if len(got.Users) != 2 || got.UserIDs["a@example.com"] != "A" || got.UserIDs["b@example.com"] != "" {
		t.Errorf("result users %v ids %v; want both users, a with id A, b without id (looked up by the next refresh)",
			got.Users, got.UserIDs)
	}
}

func TestDiffNamesIgnoresCase(t *testing.T) {
	t.Parallel()
	missing, extra := diffNames([]string{"A@x.com", "b@x.com"}, []string{"a@X.com", "c@x.com"})
	if !slices.Equal(missing, []string{"b@x.com"}) || !slices.Equal(extra, []string{"c@x.com"}) {
		t.Errorf("diffNames = %v, %v", missing, extra)
	}
	if !sameNames([]string{"A@x.com", "b@x.com"}, []string{"B@X.com", "a@x.com"}) {
		t.Error("sameNames should ignore order and case")
	}
}
