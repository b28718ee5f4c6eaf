package client

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SCIMGroupMember is one entry of a group's "members". Harness reads only
// value (a user id); in answers display is the member's email and ref is ""
// (NextGen) or null (FirstGen), which is not kept (docs/design/harness-api.md 2.3, 2.4).
type SCIMGroupMember struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

// SCIMGroup is a SCIM group as Harness reads and writes it. In NextGen it
// is an externally managed user group whose id is derived from the
// displayName at creation and kept on rename (docs/design/harness-api.md 2.2).
type SCIMGroup struct {
	Schemas     []string          `json:"schemas,omitempty"`
	ID          string            `json:"id,omitempty"`
	DisplayName string            `json:"displayName"`
	Members     []SCIMGroupMember `json:"members"`
	// HarnessScopes is NextGen's extension: "acct:org[:project]" entries,
	// comma-separated, read on create only (docs/design/harness-api.md 2.3).
	HarnessScopes string    `json:"harnessScopes,omitempty"`
	Meta          *SCIMMeta `json:"meta,omitempty"`
}

// MemberIDs returns the members' user ids in Harness's order.
func (g *SCIMGroup) MemberIDs() []string {
	ids := make([]string, 0, len(g.Members))
	for _, m := range g.Members {
		ids = append(ids, m.Value)
	}
	return ids
}

// SCIMGroupMembers builds a members list from user ids.
func SCIMGroupMembers(ids []string) []SCIMGroupMember {
	out := make([]SCIMGroupMember, 0, len(ids))
	for _, id := range ids {
		out = append(out, SCIMGroupMember{Value: id})
	}
	return out
}

// GroupIdentifier is the identifier Harness NextGen derives from a group's
// displayName: UuidAndIdentifierUtils.generateHarnessUIFormatIdentifier
// (harness-core 1dcec145, 980-commons .../utils/UuidAndIdentifierUtils.java,
// lines 41-51 and 70-73; docs/design/harness-api.md 2.2), step by step:
//
//  1. a blank name (StringUtils.isBlank: only Character.isWhitespace
//     characters, which leaves out U+00A0, U+2007 and U+202F but includes
//     U+001C-U+001F) gives "";
//  2. String.trim (every character up to U+0020, controls included); '.'
//     and '-' become '_'; blank again gives "";
//  3. StringUtils.stripAccents of commons-lang3 3.10 (the version harness-
//     core pins): NFD, then 'Ł'/'ł' become 'L'/'l', then the block
//     \p{InCombiningDiacriticalMarks} (U+0300-U+036F) is removed; other
//     nonspacing marks stay, and nothing is recomposed;
//  4. trim again; leading ASCII digits, '-' and '$' are dropped (the regex
//     ^[0-9-$]*, so "٣1" keeps its "1");
//  5. characters outside [0-9A-Za-z_$ ] are deleted; spaces become '_'.
//
// Harness refuses some results: see GroupIdentifierProblem. The mock has
// its own copy (mockserver.identifierFromName) on purpose: the mock stands
// in for Harness's server, and a test comparing the two would prove
// nothing if they shared code.
func GroupIdentifier(displayName string) string {
	if javaBlank(displayName) {
		return ""
	}
	s := strings.NewReplacer(".", "_", "-", "_").Replace(javaTrim(displayName))
	if javaBlank(s) {
		return ""
	}
	s = javaTrim(stripAccents(s))
	s = strings.TrimLeftFunc(s, func(r rune) bool { return r >= '0' && r <= '9' || r == '-' || r == '$' })
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == '_', r == '$':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('_')
		}
	}
	return b.String()
}

// javaTrim is String.trim: it removes leading and trailing characters up to
// U+0020.
func javaTrim(s string) string { return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) }

// javaBlank is StringUtils.isBlank: true when every character is
// Character.isWhitespace (the empty string included).
func javaBlank(s string) bool {
	for _, r := range s {
		if !javaWhitespace(r) {
			return false
		}
	}
	return true
}

// javaWhitespace is Character.isWhitespace: a space, line or paragraph
// separator other than the no-break spaces, or one of nine ASCII controls.
func javaWhitespace(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f':
		return false
	case '\t', '\n', '\v', '\f', '\r', '\x1c', '\x1d', '\x1e', '\x1f':
		return true
	}
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp)
}

// stripAccents is commons-lang3 3.10's StringUtils.stripAccents: NFD, 'Ł'
// and 'ł' replaced, and U+0300-U+036F removed; the result stays decomposed.
func stripAccents(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == 'Ł':
			return 'L'
		case r == 'ł':
			return 'l'
		case r >= 0x0300 && r <= 0x036f:
			return -1
		}
		return r
	}, norm.NFD.String(s))
}

// GroupIdentifierProblem derives the identifier Harness NextGen gives a
// SCIM group with this displayName and says why Harness would refuse to
// create it, in Harness's words (the ScimError detail of its 409), or ""
// when it would not. After deriving the identifier, UserGroupServiceImpl.
// createForSCIM runs EntityIdentifierValidator on it (harness-core
// 1dcec145): it must not be empty, must start with a letter or '_', hold at
// most 128 characters and not be a reserved word (case-sensitive), and it
// must not be one of the default groups' identifiers. A name such as
// "(2024) Staff" gives 2024_Staff, which is refused; "2024 Staff" gives
// _Staff, which is not. FirstGen ids are random: only NextGen refuses.
//
// The rules are the client's own copy of Harness's; the mock has another
// (mockserver.groupIdentifierProblem), and a test compares the two.
func GroupIdentifierProblem(displayName string) (id, problem string) {
	id = GroupIdentifier(displayName)
	switch {
	case strings.TrimSpace(id) == "":
		return id, "identifier: cannot be empty"
	case !harnessIdentifierRE.MatchString(id):
		return id, "identifier: can be 128 characters long and can only contain alphanumeric, underscore and $ characters, " +
			"and not start with a number or $"
	case slices.Contains(harnessReservedWords, id):
		return id, "identifier: " + id + " is a keyword, so cannot be used"
	case slices.Contains(harnessDefaultGroups, id):
		return id, "Cannot create a harness managed user group"
	}
	return id, ""
}

// harnessIdentifierRE and harnessReservedWords are EntityIdentifierValidator's
// pattern and NOT_ALLOWED_WORDS (980-commons, lines 31-37); harnessDefaultGroups
// are NGConstants' default user group identifiers (lines 68-70).
var (
	harnessIdentifierRE  = regexp.MustCompile(`^[a-zA-Z_][0-9a-zA-Z_$]{0,127}$`)
	harnessReservedWords = []string{
		"or", "and", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "not", "null", "true", "false", "new",
		"var", "return", "step", "parallel", "stepGroup", "org", "account", "class", "shellScriptProvisioner",
	}
	harnessDefaultGroups = []string{"_account_all_users", "_organization_all_users", "_project_all_users"}
)

// CreateSCIMGroup POSTs a group with its members. Harness silently drops
// member ids that are not users of the account, so callers compare the
// answer's members with what they sent. FirstGen answers 201 with an
// existing group of the same name (and its members) instead of creating
// one (docs/design/harness-api.md 2.2), so its retry after a lost answer gets the group
// the first attempt made.
//
// NextGen answers a POST whose name gives a taken id with 409 (2.1, 2.2),
// also when that 409 answers a retry whose earlier attempt may have been
// applied (the connection dropped or a 5xx came back). The group is then
// never taken over: Harness keeps nothing that tells the group that attempt
// made from another configuration's group of the same name (externalId is
// discarded, and the members sent are no proof: two configurations may
// declare the same ones), so the 409 stands and the caller says how to
// import the group.
func (c *Client) CreateSCIMGroup(ctx context.Context, g *SCIMGroup) (*SCIMGroup, error) {
	body := *g
	body.Schemas = []string{SchemaGroup}
	body.ID = ""
	if body.Members == nil {
		body.Members = []SCIMGroupMember{}
	}
	var out SCIMGroup
	if _, err := c.do(ctx, c.scim(http.MethodPost, &body, "Groups"), &out); err != nil {
		return nil, groupCreateKind(err)
	}
	if out.ID == "" {
		return nil, fmt.Errorf("POST %s: Harness answered without a group id (with harnessScopes, every entry may have "+
			"been skipped: entries must look like \"account:org\" or \"account:org:project\")", c.scimPath("Groups"))
	}
	return &out, nil
}

// groupCreateKind classifies a failed group create. Harness answers every
// failure with 409 (NGScimGroupResource.createGroup), but only a taken
// identifier is a conflict; a refused identifier or name (see
// GroupIdentifierProblem) is a validation error.
func groupCreateKind(err error) error {
	if apiErr, ok := AsAPIError(err); ok && apiErr.StatusCode == http.StatusConflict &&
		!strings.HasPrefix(apiErr.Message, "Try using different user group identifier") {
		apiErr.Kind = KindValidation
	}
	return err
}

// GetSCIMGroup reads a group by id. NextGen finds groups made in the
// Harness UI too, not only SCIM-managed ones (docs/design/harness-api.md 2.4).
func (c *Client) GetSCIMGroup(ctx context.Context, id string) (*SCIMGroup, error) {
	var out SCIMGroup
	if _, err := c.do(ctx, c.scim(http.MethodGet, nil, "Groups", id), &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, &APIError{Method: http.MethodGet, Path: c.scimPath("Groups", id), StatusCode: http.StatusOK,
			Message: "Harness answered with an empty group", Kind: KindNotFound}
	}
	return &out, nil
}

// FindSCIMGroupByDisplayName finds a SCIM-managed group by its exact,
// case-sensitive name. It returns an ErrNotFound error when there is none
// and an ErrConflict error when several groups carry the name.
func (c *Client) FindSCIMGroupByDisplayName(ctx context.Context, name string) (*SCIMGroup, error) {
	filter, err := eqFilter("displayName", name)
	if err != nil {
		return nil, err
	}
	groups, err := c.searchSCIMGroups(ctx, filter)
	if err != nil {
		return nil, err
	}
	// An empty or unparsable filter lists every group, so check the match.
	var found []SCIMGroup
	for _, g := range groups {
		if g.DisplayName == name {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 0:
		return nil, &APIError{Method: http.MethodGet, Path: c.scimPath("Groups"), StatusCode: http.StatusOK,
			Message: fmt.Sprintf("no SCIM group with displayName %q", name), Kind: KindNotFound}
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, g := range found {
		ids[i] = g.ID
	}
	return nil, &APIError{Method: http.MethodGet, Path: c.scimPath("Groups"), StatusCode: http.StatusOK,
		Message: fmt.Sprintf("%d SCIM groups have displayName %q (ids %s); use an id", len(found), name, strings.Join(ids, ", ")),
		Kind:    KindConflict}
}

// ListSCIMGroups returns every SCIM-managed group of the account with its
// members, in Harness's order.
func (c *Client) ListSCIMGroups(ctx context.Context) ([]SCIMGroup, error) {
	return c.searchSCIMGroups(ctx, "")
}

// searchSCIMGroups pages through GET /Groups. Unlike user searches, group
// searches are one database query with no rows dropped afterwards
// (docs/design/harness-api.md 2.4), so a short page is the last one in both
// generations. Groups Harness lists once per scope (harnessScopes) share
// an id and are returned once.
func (c *Client) searchSCIMGroups(ctx context.Context, filter string) ([]SCIMGroup, error) {
	var all []SCIMGroup
	seen := map[string]bool{}
	err := scimPages(ctx, c, "Groups", filter, true, func(page []SCIMGroup) bool {
		for _, g := range page {
			if g.ID != "" && !seen[g.ID] {
				seen[g.ID] = true
				all = append(all, g)
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// SCIMGroupPatch is a set of group changes sent as one PATCH.
type SCIMGroupPatch struct {
	// DisplayName renames the group when non-empty; the id stays.
	DisplayName string
	// Add and Remove are user ids.
	Add    []string
	Remove []string
}

// IsEmpty reports whether the patch changes nothing.
func (p SCIMGroupPatch) IsEmpty() bool {
	return p.DisplayName == "" && len(p.Add) == 0 && len(p.Remove) == 0
}

// Operations renders the patch in the forms both Harness generations
// accept (docs/design/harness-api.md 2.5): "Replace" with path displayName and a string
// value, and "Add"/"Remove" with path members and a value list, one
// operation each however many members change. Ids are sorted so the body
// is deterministic.
func (p SCIMGroupPatch) Operations() []SCIMPatchOp {
	var ops []SCIMPatchOp
	if p.DisplayName != "" {
		ops = append(ops, SCIMPatchOp{Op: "Replace", Path: "displayName", Value: p.DisplayName})
	}
	for _, part := range []struct {
		op  string
		ids []string
	}{{"Add", p.Add}, {"Remove", p.Remove}} {
		if len(part.ids) == 0 {
			continue
		}
		ids := append([]string(nil), part.ids...)
		sort.Strings(ids)
		ops = append(ops, SCIMPatchOp{Op: part.op, Path: "members", Value: SCIMGroupMembers(ids)})
	}
	return ops
}

// PatchSCIMGroup sends p as one PATCH. Harness answers 204 with no body
// whether or not anything changed, and silently ignores added ids that are
// not users of the account, so callers read the group back to learn the
// outcome. A 404 means the group does not exist or, in NextGen, is not
// externally managed.
func (c *Client) PatchSCIMGroup(ctx context.Context, id string, p SCIMGroupPatch) error {
	if p.IsEmpty() {
		return nil
	}
	_, err := c.do(ctx, c.scim(http.MethodPatch, NewSCIMPatch(p.Operations()...), "Groups", id), nil)
	if apiErr, ok := AsAPIError(err); ok && apiErr.Kind == KindNotFound && c.cfg.Generation == NextGen {
		apiErr.Message = "Harness has no SCIM-managed group with this id (NextGen also answers 404 for groups made " +
			"in the Harness UI, which SCIM cannot change)"
	}
	return err
}

// ReplaceSCIMGroup PUTs a group, replacing its name and members. Harness
// answers with the request echoed, not the stored group, so member ids it
// dropped still appear in the answer; read the group back to learn them
// (docs/design/harness-api.md 2.1, 2.6).
func (c *Client) ReplaceSCIMGroup(ctx context.Context, id string, g *SCIMGroup) (*SCIMGroup, error) {
	body := *g
	body.Schemas = []string{SchemaGroup}
	body.ID = id
	if body.Members == nil {
		body.Members = []SCIMGroupMember{}
	}
	var out SCIMGroup
	if _, err := c.do(ctx, c.scim(http.MethodPut, &body, "Groups", id), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteSCIMGroup deletes a group. NextGen answers 401 "Token is not
// valid." for a group it does not know (docs/design/harness-api.md 2.1, 7.11), so on
// such an answer the group is read: a group that is gone is reported as
// ErrNotFound; a group that the same token can read is one NextGen refuses
// to delete because it is not externally managed, reported as a validation
// error saying so; otherwise the original error stands.
func (c *Client) DeleteSCIMGroup(ctx context.Context, id string) error {
	_, err := c.do(ctx, c.scim(http.MethodDelete, nil, "Groups", id), nil)
	if err == nil {
		return nil
	}
	readable := false
	err = deleteFoundGone(err, func() error {
		_, rerr := c.GetSCIMGroup(ctx, id)
		readable = rerr == nil
		return rerr
	})
	if apiErr, ok := AsAPIError(err); ok && apiErr.Kind == KindUnauthorized && readable {
		apiErr.Kind = KindValidation
		apiErr.Message += " (the same token can read the group, so the credential is fine: Harness NextGen refuses to " +
			"delete a group that is not externally managed, i.e. one not created through SCIM; delete it in the Harness UI)"
	}
	return err
}
