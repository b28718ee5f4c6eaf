package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Operation names of the SCIM group routes (NextGen and FirstGen share them).
const (
	OpCreateGroup  = "CreateGroup"
	OpGetGroup     = "GetGroup"
	OpSearchGroups = "SearchGroups"
	OpReplaceGroup = "ReplaceGroup"
	OpPatchGroup   = "PatchGroup"
	OpDeleteGroup  = "DeleteGroup"
)

const schemaGroup = "urn:ietf:params:scim:schemas:core:2.0:Group"

// Harness's group error details (docs/design/harness-api.md 2.1, 2.2, 2.5).
const (
	msgGroupNotFound      = "Group does not exist"
	msgGroupNameEmpty     = "Create UserGroup- name: cannot be null or empty"
	msgGroupRenameFailed  = "Invalid request: Failed to update group name"
	msgGroupIDUnavailable = "Try using different user group identifier, [%s] cannot be used"
)

func (s *Server) groupRoutes(base string) {
	s.handle("POST "+base+"/Groups", OpCreateGroup, familySCIM, s.createGroup)
	s.handle("GET "+base+"/Groups", OpSearchGroups, familySCIM, s.searchGroups)
	s.handle("GET "+base+"/Groups/{id}", OpGetGroup, familySCIM, s.getGroup)
	s.handle("PUT "+base+"/Groups/{id}", OpReplaceGroup, familySCIM, s.replaceGroup)
	s.handle("PATCH "+base+"/Groups/{id}", OpPatchGroup, familySCIM, s.patchGroup)
	s.handle("DELETE "+base+"/Groups/{id}", OpDeleteGroup, familySCIM, s.deleteGroup)
}

// ---- wire types ----

// scimMemberOut is Harness's Member class: value, ref and display are
// always written, ref as "" in NextGen and null in FirstGen (2.4).
type scimMemberOut struct {
	Value   string  `json:"value"`
	Ref     *string `json:"ref"`
	Display string  `json:"display"`
}

type scimGroupOut struct {
	Schemas     []string        `json:"schemas"`
	ID          string          `json:"id,omitempty"`
	DisplayName string          `json:"displayName,omitempty"`
	Members     []scimMemberOut `json:"members"`
	Meta        *scimMetaOut    `json:"meta,omitempty"`
}

// scimEmptyGroupOut is buildGroupResponse(null): a ScimGroup with nothing
// but its default schemas.
type scimEmptyGroupOut struct {
	Schemas []string `json:"schemas"`
}

// scimMemberIn is a member in a request; only value is read (2.3).
type scimMemberIn struct {
	Value   *string `json:"value"`
	Ref     *string `json:"ref"`
	Display *string `json:"display"`
}

// scimGroupIn is Harness's ScimGroup model as a POST/PUT body decodes into
// it. PUT answers with it re-serialised (NON_NULL), so every field the
// model has is kept; unknown keys such as "$ref" are dropped.
type scimGroupIn struct {
	Schemas       []string        `json:"schemas,omitempty"`
	ID            *string         `json:"id,omitempty"`
	ExternalID    *string         `json:"externalId,omitempty"`
	Meta          json.RawMessage `json:"meta,omitempty"`
	DisplayName   *string         `json:"displayName,omitempty"`
	Members       []scimMemberIn  `json:"members,omitempty"`
	HarnessScopes *string         `json:"harnessScopes,omitempty"`
}

func (in *scimGroupIn) memberIDs() []string {
	ids := make([]string, 0, len(in.Members))
	for _, m := range in.Members {
		if m.Value != nil {
			ids = append(ids, *m.Value)
		}
	}
	return ids
}

// ---- response building ----

// groupOut renders a group as buildGroupResponse does (2.4): members carry
// the user's email as display; PL_NEW_SCIM_STANDARDS adds meta in NextGen.
func (s *Server) groupOut(g *Group) scimGroupOut {
	p := s.opts.Profile
	out := scimGroupOut{
		Schemas: []string{schemaGroup}, ID: g.ID, DisplayName: g.Name,
		Members: make([]scimMemberOut, 0, len(g.Members)),
	}
	var ref *string
	if p.Generation == NextGen {
		empty := ""
		ref = &empty
	}
	for _, id := range g.Members {
		u, ok := s.store.Users[id]
		if !ok {
			continue
		}
		out.Members = append(out.Members, scimMemberOut{Value: id, Ref: ref, Display: u.Email})
	}
	if p.NewSCIMStandards && p.Generation == NextGen {
		out.Meta = &scimMetaOut{ResourceType: "Group", Created: fmtMeta(g.Created), LastModified: fmtMeta(g.Modified)}
	}
	return out
}

// knownMembers keeps the ids of existing account users, without
// duplicates, in request order: Harness drops unknown ids silently (2.2).
// Guessed: a user who left the account (NextGen keeps the person) counts as
// unknown, like a user that never existed.
func (s *Server) knownMembers(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] || s.visibleUser(id) == nil {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// groupByName finds a group by exact name (FirstGen create).
func (st *store) groupByName(name string) *Group {
	for _, g := range st.sortedGroups() {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// managedGroup returns the group PATCH, PUT and NextGen DELETE can see:
// NextGen only touches externally managed groups (2.1); FirstGen any group
// by id.
func (s *Server) managedGroup(id string) *Group {
	g, ok := s.store.Groups[id]
	if !ok || (s.opts.Profile.Generation == NextGen && !g.ExternallyManaged) {
		return nil
	}
	return g
}

// parseHarnessScopes splits the NextGen harnessScopes extension (2.3):
// comma-separated "acct:org" or "acct:org:project" entries; entries with
// more than three parts are skipped. The mock keeps one group per
// identifier and records the accepted entries on it instead of creating a
// copy per scope (a simplification; GET answers the same group either way).
func parseHarnessScopes(raw string) (accepted []string, given bool) {
	if raw == "" {
		return nil, false
	}
	for _, entry := range strings.Split(raw, ",") {
		if len(strings.Split(entry, ":")) > 3 {
			continue
		}
		accepted = append(accepted, entry)
	}
	return accepted, true
}

// defaultGroupIDs are the identifiers of the user groups Harness makes in
// every scope (NGConstants lines 68-70), which createForSCIM refuses.
var defaultGroupIDs = []string{"_account_all_users", "_organization_all_users", "_project_all_users"}

// groupIdentifierProblem is UserGroupServiceImpl.createForSCIM's check of
// the identifier NextGen derived from the displayName (123-ng-core-user,
// lines 183-189, 263-289): validationOnUserGroupDTOCreateForSCIM runs
// UserGroupDTO.identifier's @EntityIdentifier and throws a
// JerseyViolationException, whose message (Bean Validation 2.0's
// ConstraintViolationException) is "identifier: <violation>"; the default
// groups' identifiers are refused next. create answers either with 409.
// "" means Harness takes the identifier.
func groupIdentifierProblem(id string) string {
	if p := identifierProblem(id); p != "" {
		return "identifier: " + p
	}
	if slices.Contains(defaultGroupIDs, id) {
		return "Cannot create a harness managed user group"
	}
	return ""
}

// ---- handlers ----

// createGroup is POST /Groups (2.1, 2.2). NextGen derives the id from the
// displayName and answers 409 when it is taken; FirstGen answers 201 with an
// existing group of the same name and creates nothing.
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	fg := s.firstGen()
	var in scimGroupIn
	if !readJSON(w, r, &in, fg) {
		return
	}
	name := deref(in.DisplayName)
	if strings.TrimSpace(name) == "" {
		s.writeSCIMError(w, r, http.StatusConflict, msgGroupNameEmpty)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if fg {
		if g := s.store.groupByName(name); g != nil {
			s.writeSCIM(w, r, http.StatusCreated, s.groupOut(g))
			return
		}
	}
	id := newHarnessID()
	var scopes []string
	if !fg {
		id = identifierFromName(name)
		if detail := groupIdentifierProblem(id); detail != "" {
			s.writeSCIMError(w, r, http.StatusConflict, detail)
			return
		}
		if _, taken := s.store.Groups[id]; taken {
			s.writeSCIMError(w, r, http.StatusConflict, strings.Replace(msgGroupIDUnavailable, "%s", id, 1))
			return
		}
		var given bool
		scopes, given = parseHarnessScopes(deref(in.HarnessScopes))
		if given && len(scopes) == 0 {
			// Every entry was skipped: no group is created and
			// buildGroupResponse(null) answers an empty ScimGroup.
			s.writeSCIM(w, r, http.StatusCreated, scimEmptyGroupOut{Schemas: []string{schemaGroup}})
			return
		}
	}
	g := &Group{
		ID: id, Name: name, Members: s.knownMembers(in.memberIDs()), ExternallyManaged: true,
		Scopes: scopes, Created: now, Modified: now, Seq: s.store.nextSeq(),
	}
	s.store.Groups[id] = g
	c.changed = true
	s.writeSCIM(w, r, http.StatusCreated, s.groupOut(g))
}

func (s *Server) groupNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeSCIMError(w, r, http.StatusNotFound, msgGroupNotFound)
}

// getGroup is GET /Groups/{id}. NextGen matches identifier and account and
// does not require the group to be externally managed (2.4).
func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, _ *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.store.Groups[r.PathValue("id")]
	if !ok {
		s.groupNotFound(w, r)
		return
	}
	s.writeSCIM(w, r, http.StatusOK, s.groupOut(g))
}

// searchGroups is GET /Groups (2.4): only externally managed groups, an
// exact match on the name for `displayName eq "X"`, users' paging quirks.
// An empty or unparsable filter value lists every group, as NextGen's
// isNotEmpty(searchQuery) check does.
func (s *Server) searchGroups(w http.ResponseWriter, r *http.Request, _ *call) {
	value, filtered := parseSCIMFilter(r.URL.Query().Get("filter"))
	filtered = filtered && value != ""
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []any
	for _, g := range s.store.sortedGroups() {
		if !g.ExternallyManaged || (filtered && g.Name != value) {
			continue
		}
		rows = append(rows, s.groupOut(g))
	}
	if out, ok := s.scimSearchPage(w, r, rows, s.opts.Profile.Generation == NextGen); ok {
		s.writeSCIM(w, r, http.StatusOK, out)
	}
}

// replaceGroup is PUT /Groups/{id} (2.6): name and members (the known ones)
// are replaced and the request is echoed, not re-read, so ids Harness
// dropped still appear in the answer.
func (s *Server) replaceGroup(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in scimGroupIn
	if !readJSON(w, r, &in, s.firstGen()) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.managedGroup(r.PathValue("id"))
	if g == nil {
		writeEmpty(w, http.StatusNotFound)
		return
	}
	name := deref(in.DisplayName)
	if !s.firstGen() && strings.TrimSpace(name) == "" {
		// UserGroupServiceImpl.update's validationOnUserGroupDTOUpdate
		// (123-ng-core-user lines 291-295), which PUT answers with 412 and
		// body status 404 (NGScimGroupResource.updateGroup).
		s.writeSCIMError(w, r, http.StatusPreconditionFailed,
			fmt.Sprintf("Update UserGroup [%s]- name: cannot be null or empty", g.ID))
		return
	}
	if name != "" {
		// FirstGen keeps the name when displayName is empty
		// (ScimGroupServiceImpl.updateDisplayName, 400-rest lines 135-141).
		g.Name = name
	}
	g.Members = s.knownMembers(in.memberIDs())
	g.Modified = s.now()
	c.changed = true
	if in.Schemas == nil {
		in.Schemas = []string{schemaGroup} // the model's default
	}
	s.writeSCIM(w, r, http.StatusOK, in)
}

// errGroupPatch is a PATCH operation Harness rejects with a 400 (2.5).
type errGroupPatch struct{}

func (errGroupPatch) Error() string { return msgGroupRenameFailed }

// patchMemberIDs extracts member ids from an operation the way
// getUserIdsFromOperation does (2.5): a path containing "members[" yields
// one id (right of " eq ", minus its first and last two characters); path
// "members" yields the values of a [{"value":..}] list; anything else, or
// anything malformed, yields nothing.
func patchMemberIDs(op patchOpIn) []string {
	if op.Path == nil {
		return nil
	}
	path := *op.Path
	if strings.Contains(path, "members[") {
		if dec, err := javaURLDecode(path); err == nil {
			parts := strings.SplitN(dec, " eq ", 3)
			if len(parts) >= 2 && len(parts[1]) >= 3 {
				return []string{parts[1][1 : len(parts[1])-2]}
			}
		}
	}
	if path != "members" {
		return nil
	}
	var values []map[string]json.RawMessage
	if json.Unmarshal(op.Value, &values) != nil {
		return nil
	}
	ids := make([]string, 0, len(values))
	for _, v := range values {
		var id string
		if json.Unmarshal(v["value"], &id) != nil {
			return nil // a non-string value fails the whole operation
		}
		ids = append(ids, id)
	}
	return ids
}

// patchRename returns the new name an operation asks for (2.5): "Replace"
// takes path displayName and a string value; "replace" (Okta) takes an
// object whose displayName becomes the name, and an object without one
// resets the rename. Anything else is Harness's 400.
func patchRename(op patchOpIn) (name string, err error) {
	switch op.Op {
	case "Replace":
		if op.Path == nil || *op.Path != "displayName" || json.Unmarshal(op.Value, &name) != nil {
			return "", errGroupPatch{}
		}
		return name, nil
	default: // "replace"
		var obj struct {
			DisplayName *string `json:"displayName"`
		}
		if len(op.Value) == 0 || string(op.Value) == "null" {
			return "", nil
		}
		if json.Unmarshal(op.Value, &obj) != nil {
			return "", errGroupPatch{}
		}
		return deref(obj.DisplayName), nil
	}
}

// patchGroup is PATCH /Groups/{id} (2.5): members are added (known users
// only) and removed, Replace/replace rename; the answer is always 204 with
// no body. A rejected operation fails the whole request with nothing
// applied, since Harness saves the group after all operations ran.
func (s *Server) patchGroup(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	fg := s.firstGen()
	in, ok := readPatch(w, r, fg)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.managedGroup(r.PathValue("id"))
	if g == nil {
		writeEmpty(w, http.StatusNotFound)
		return
	}
	members := slices.Clone(g.Members)
	index := make(map[string]bool, len(members))
	for _, id := range members {
		index[id] = true
	}
	removed := map[string]bool{}
	newName := ""
	for _, op := range in.Operations {
		ids := patchMemberIDs(op)
		switch op.Op {
		case "Replace", "replace":
			name, err := patchRename(op)
			if err != nil {
				writeInvalidRequest(w, fg, err.Error())
				return
			}
			newName = name
		case "Add", "add":
			for _, id := range ids {
				if index[id] || s.visibleUser(id) == nil {
					continue
				}
				index[id] = true
				if removed[id] {
					// Removed earlier in this PATCH and still in members:
					// Harness's HashSet holds it once (NGScimGroupServiceImpl).
					delete(removed, id)
					continue
				}
				members = append(members, id)
			}
		case "Remove", "remove":
			for _, id := range ids {
				if index[id] {
					delete(index, id)
					removed[id] = true
				}
			}
		}
	}
	if len(removed) > 0 {
		members = slices.DeleteFunc(members, func(id string) bool { return removed[id] })
	}
	changed := false
	if newName != "" && newName != g.Name {
		g.Name = newName
		changed = true
	}
	if !slices.Equal(members, g.Members) {
		g.Members = members
		changed = true
	}
	if changed {
		g.ExternallyManaged = true
		g.Modified = s.now()
		c.changed = true
	}
	writeEmpty(w, http.StatusNoContent)
}

// deleteGroup is DELETE /Groups/{id} (2.1, 2.6). NextGen answers an unknown
// or not externally managed group with 401 INVALID_TOKEN (7.11); FirstGen
// answers 204 either way.
func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request, c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	g := s.managedGroup(id)
	if g == nil {
		if s.opts.Profile.Generation == NextGen {
			writeInvalidToken(w)
			return
		}
		writeEmpty(w, http.StatusNoContent)
		return
	}
	delete(s.store.Groups, id)
	c.changed = true
	writeEmpty(w, http.StatusNoContent)
}

// ---- out-of-band access for tests ----

// GroupSpec seeds a group.
type GroupSpec struct {
	Name string
	// ID defaults to the NextGen identifier of Name, or a new FirstGen id.
	ID      string
	Members []string
	// NotExternallyManaged makes a group created in the Harness UI: SCIM
	// searches, PATCH, PUT and NextGen DELETE do not see it.
	NotExternallyManaged bool
}

// SeedGroup adds a group as if an identity provider (or, with
// NotExternallyManaged, an admin) had made it. Unknown member ids are
// dropped, as Harness does.
func (s *Server) SeedGroup(spec GroupSpec) Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := spec.ID
	if id == "" {
		if s.opts.Profile.Generation == NextGen {
			id = identifierFromName(spec.Name)
		} else {
			id = newHarnessID()
		}
	}
	now := s.now()
	g := &Group{
		ID: id, Name: spec.Name, Members: s.knownMembers(spec.Members), ExternallyManaged: !spec.NotExternallyManaged,
		Created: now, Modified: now, Seq: s.store.nextSeq(),
	}
	s.store.Groups[id] = g
	cp := *g
	cp.Members = slices.Clone(g.Members)
	return cp
}
