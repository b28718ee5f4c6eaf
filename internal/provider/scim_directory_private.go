package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// directoryPrivateKey is the key of the directory's private state.
const directoryPrivateKey = "directory"

// directoryPrivate is what the directory remembers outside its attributes.
// It is empty (and not stored) in the usual case.
type directoryPrivate struct {
	// Importing marks a directory just imported: its first refresh adopts
	// every SCIM user and group of the account.
	Importing bool `json:"importing,omitempty"`
	// UnlistedUsers and UnlistedGroups are keys a refresh added because
	// exclusive is on: Harness has them, the configuration never listed
	// them. Removing them deletes them only while exclusive is on;
	// otherwise they are forgotten.
	UnlistedUsers  []string `json:"unlisted_users,omitempty"`
	UnlistedGroups []string `json:"unlisted_groups,omitempty"`
	// RelinkUsers and RelinkGroups map a key whose object Harness now
	// calls by another name (changed outside Terraform) to its id: the
	// refresh dropped the key, so the plan shows it being created, and the
	// apply renames the object back instead of creating a second one
	// (which, for a NextGen group, Harness would refuse: its id is taken).
	RelinkUsers  map[string]string `json:"relink_users,omitempty"`
	RelinkGroups map[string]string `json:"relink_groups,omitempty"`
}

func (p *directoryPrivate) empty() bool {
	return !p.Importing && len(p.UnlistedUsers) == 0 && len(p.UnlistedGroups) == 0 &&
		len(p.RelinkUsers) == 0 && len(p.RelinkGroups) == 0
}

// readDirectoryPrivate reads the private state; a missing or unreadable
// one is empty (it only ever narrows what an apply deletes).
func readDirectoryPrivate(ctx context.Context, r privateReader) *directoryPrivate {
	p := &directoryPrivate{}
	if r == nil {
		return p
	}
	raw, diags := r.GetKey(ctx, directoryPrivateKey)
	if diags.HasError() || len(raw) == 0 {
		return p
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return &directoryPrivate{}
	}
	return p
}

// write stores p, or removes the key when p is empty.
func (p *directoryPrivate) write(ctx context.Context, w privateWriter, diags *diag.Diagnostics) {
	if w == nil {
		return
	}
	var raw []byte
	if !p.empty() {
		var err error
		if raw, err = json.Marshal(p); err != nil {
			diags.AddError("Error saving the directory's private state", err.Error())
			return
		}
	}
	diags.Append(w.SetKey(ctx, directoryPrivateKey, raw)...)
}

// unlisted returns the unlisted keys as sets.
func (p *directoryPrivate) unlisted() (users, groups map[string]bool) {
	return setOf(p.UnlistedUsers), setOf(p.UnlistedGroups)
}

func setOf(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
