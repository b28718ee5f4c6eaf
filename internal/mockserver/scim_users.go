package mockserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Operation names of the SCIM user routes (NextGen and FirstGen share them).
const (
	OpCreateUser  = "CreateUser"
	OpGetUser     = "GetUser"
	OpSearchUsers = "SearchUsers"
	OpReplaceUser = "ReplaceUser"
	OpPatchUser   = "PatchUser"
	OpDeleteUser  = "DeleteUser"
)

const (
	schemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	schemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	// metaTimeLayout is yyyy-MM-dd'T'HH:mm:ss.SSSZ (docs/design/harness-api.md 1.5).
	metaTimeLayout = "2006-01-02T15:04:05.000-0700"
)

func (s *Server) userRoutes(base string) {
	s.handle("POST "+base+"/Users", OpCreateUser, familySCIM, s.createUser)
	s.handle("GET "+base+"/Users", OpSearchUsers, familySCIM, s.searchUsers)
	s.handle("GET "+base+"/Users/{id}", OpGetUser, familySCIM, s.getUser)
	s.handle("PUT "+base+"/Users/{id}", OpReplaceUser, familySCIM, s.replaceUser)
	s.handle("PATCH "+base+"/Users/{id}", OpPatchUser, familySCIM, s.patchUser)
	s.handle("DELETE "+base+"/Users/{id}", OpDeleteUser, familySCIM, s.deleteUser)
}

// ---- wire types ----

type scimNameOut struct {
	GivenName   string `json:"givenName,omitempty"`
	FamilyName  string `json:"familyName,omitempty"`
	Formatted   string `json:"formatted,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

type scimEmailOut struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary"`
}

type scimMetaOut struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
	Version      string `json:"version"`
	Location     string `json:"location"`
}

type scimGroupRefOut struct {
	Value   string  `json:"value"`
	Ref     *string `json:"ref"`
	Display string  `json:"display"`
}

type scimUserOut struct {
	Schemas     []string          `json:"schemas"`
	ID          string            `json:"id"`
	ExternalID  string            `json:"externalId,omitempty"`
	UserName    string            `json:"userName"`
	DisplayName string            `json:"displayName,omitempty"`
	Active      bool              `json:"active"`
	Emails      []scimEmailOut    `json:"emails,omitempty"`
	Name        *scimNameOut      `json:"name,omitempty"`
	Groups      []scimGroupRefOut `json:"groups,omitempty"`
	Meta        *scimMetaOut      `json:"meta,omitempty"`
}

// scimUserIn is what Harness reads from a POST/PUT body (docs/design/harness-api.md
// 1.3); everything else is ignored.
type scimUserIn struct {
	UserName    *string         `json:"userName"`
	DisplayName *string         `json:"displayName"`
	Active      json.RawMessage `json:"active"`
	ExternalID  *string         `json:"externalId"`
	// Name is a Jackson JsonNode in Harness (see jsonNode).
	Name json.RawMessage `json:"name"`
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// parseSCIMBool reads a SCIM boolean, also in the string form Entra sends
// ("False"). present is false when the attribute is absent or null.
func parseSCIMBool(raw json.RawMessage) (value, present bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return false, false
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, true
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		if v, err := strconv.ParseBool(strings.TrimSpace(str)); err == nil {
			return v, true
		}
	}
	return false, false
}

// ---- response building ----

func fmtMeta(t time.Time) string { return t.UTC().Format(metaTimeLayout) }

// userOut renders a user as the profile's buildUserResponse does (1.5).
// search selects the NextGen search variant, built by the FirstGen code.
func (s *Server) userOut(u *User, search bool) scimUserOut {
	p := s.opts.Profile
	out := scimUserOut{
		Schemas: []string{schemaUser}, ID: u.ID, UserName: u.Email, DisplayName: u.DisplayName,
		Active: !u.Disabled, Emails: []scimEmailOut{{Value: u.Email, Primary: true}},
	}
	if p.Generation == NextGen {
		out.ExternalID = u.ExternalID
	}
	given, family := u.GivenName, u.FamilyName
	if given == "" {
		given = u.DisplayName
	}
	if family == "" {
		family = u.DisplayName
	}
	formatted := u.DisplayName
	if u.GivenName != "" && u.FamilyName != "" {
		formatted = u.GivenName + ", " + u.FamilyName
	}
	fgStyle := p.Generation == FirstGen || search
	switch {
	case fgStyle:
		out.Name = &scimNameOut{GivenName: given, FamilyName: family}
		if p.NewSCIMStandards {
			out.Name.Formatted = formatted
		}
	case p.NewSCIMStandards:
		out.Name = &scimNameOut{GivenName: given, FamilyName: family, Formatted: formatted, DisplayName: u.DisplayName}
	default:
		out.Name = &scimNameOut{DisplayName: u.DisplayName}
	}
	if p.NewSCIMStandards {
		out.Meta = &scimMetaOut{ResourceType: "User", Created: fmtMeta(u.Created), LastModified: fmtMeta(u.Modified)}
		if p.Generation == NextGen {
			empty := ""
			for _, g := range s.store.groupsOf(u.ID) {
				out.Groups = append(out.Groups, scimGroupRefOut{Value: g.ID, Ref: &empty, Display: g.Name})
			}
		}
	}
	return out
}

// visibleUser returns a user GET can see: NextGen needs account
// membership; FirstGen also shows disabled users.
func (s *Server) visibleUser(id string) *User {
	u, ok := s.store.Users[id]
	if !ok || !u.Member {
		return nil
	}
	return u
}

// userNotFound answers GET of a user the account does not have, a 404
// ScimError whose detail says why. NextGen's getUser (NGScimUserServiceImpl
// lines 159-174) tells an id Harness does not know ("in Harness") from a
// user who is not a NextGen member ("in NG"); FirstGen's UserServiceImpl.get
// (400-rest lines 3547-3558) says "User does not exist" for both. The
// caller holds s.mu.
func (s *Server) userNotFound(w http.ResponseWriter, r *http.Request, id string) {
	detail := "User does not exist in NG"
	if _, known := s.store.Users[id]; !known {
		detail = "User does not exist in Harness"
	}
	if s.firstGen() {
		detail = "User does not exist"
	}
	s.writeSCIMError(w, r, http.StatusNotFound, detail)
}

// ---- handlers ----

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, _ *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.visibleUser(r.PathValue("id"))
	if u == nil {
		s.userNotFound(w, r, r.PathValue("id"))
		return
	}
	s.writeSCIM(w, r, http.StatusOK, s.userOut(u, false))
}

// searchUsers is GET /Users (1.6). Both generations run FirstGen's search
// (ScimUserServiceImpl.searchUser, 400-rest lines 211-259; NextGen through
// NgUserServiceImpl.searchScimUsersByEmailQuery and CG's /ng/user/scim/search),
// whose query takes only SCIM-imported users that belong to the CG account
// (lines 248-252) and cuts the page in the database. A NextGen DELETE or
// deactivation removes the user from the CG account too
// (NGScimUserServiceImpl.deleteUser, lines 220-226, calling CG's
// UserResourceNG.deleteUser), so a removed user takes no place on a page;
// except, with PL_USER_DELETION_V2 on, a user who is in a FirstGen user
// group (User.InFirstGenUserGroup): CG keeps them, the page counts them,
// and NextGen drops them from it afterwards (removeUsersNotinNG, lines
// 196-217), so such a page is short while later pages still hold users.
func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request, _ *call) {
	value, filtered := parseSCIMFilter(r.URL.Query().Get("filter"))
	p := s.opts.Profile
	s.mu.Lock()
	defer s.mu.Unlock()
	var rows []any
	for _, u := range s.store.sortedUsers() {
		inCGAccount := u.Member || (p.Generation == NextGen && p.UserDeletionV2 && u.InFirstGenUserGroup)
		if !u.Imported || !inCGAccount || (filtered && u.Email != value) {
			continue
		}
		rows = append(rows, u)
	}
	out, ok := s.scimSearchPage(w, r, rows, false)
	if !ok {
		return
	}
	page := []any{}
	for _, row := range out.Resources {
		if u, ok := row.(*User); ok && u.Member {
			page = append(page, s.userOut(u, true))
		}
	}
	out.Resources, out.TotalResults = page, len(page)
	s.writeSCIM(w, r, http.StatusOK, out)
}

// replaceUser is PUT /Users/{id} (1.8): only the names, userName and active
// are replaced; active=false answers 200 with an empty body. A failure is a
// 404 ScimError (NGScimUserResource.updateUser, ScimUserResource.updateUser:
// getExceptionResponse(ex, 404, NOT_FOUND)). The names come from putNames,
// which NextGen runs through CG unless PL_USER_DELETION_V2 is on and the
// PUT deactivates (NGScimUserServiceImpl.updateUser lines 278-291), so a
// NextGen PUT changes given and family names too; NextGen then derives the
// display name itself when the body has none (getName, line 292).
func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in scimUserIn
	if !readJSON(w, r, &in, s.firstGen()) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.visibleUser(r.PathValue("id"))
	if u == nil {
		writeEmpty(w, http.StatusNotFound)
		return
	}
	active, hasActive := parseSCIMBool(in.Active)
	cp := *u
	if detail := s.replaceNames(&in, &cp, active, hasActive); detail != "" {
		s.writeSCIMError(w, r, http.StatusNotFound, detail)
		return
	}
	if email := strings.ToLower(strings.TrimSpace(deref(in.UserName))); email != "" && email != u.Email {
		if other := s.store.userByEmail(email); other != nil && other.ID != u.ID {
			// Guessed: the email update fails and PUT reports it as 404.
			s.writeSCIMError(w, r, http.StatusNotFound, "User with email "+email+" already exists")
			return
		}
		cp.Email = email
	}
	now := s.now()
	cp.Imported, cp.Modified = true, now
	*u = cp
	c.changed = true
	if hasActive && !active {
		s.deactivate(u, now)
		writeEmpty(w, http.StatusOK)
		return
	}
	if hasActive && active {
		u.Disabled = false
	}
	s.writeSCIM(w, r, http.StatusOK, s.userOut(u, false))
}

// replaceNames applies a PUT's names to u, or returns the failure's detail.
func (s *Server) replaceNames(in *scimUserIn, u *User, active, hasActive bool) string {
	p := s.opts.Profile
	if p.Generation == FirstGen {
		return putNames(in, u)
	}
	if p.UserDeletionV2 && !hasActive {
		// scimUser.getActive() unboxed in NGScimUserServiceImpl.updateUser.
		return npeActive
	}
	if !p.UserDeletionV2 || active {
		if npe := putNames(in, u); npe != "" {
			return npe
		}
	}
	if deref(in.DisplayName) == "" {
		display, npe := displayNameFromName(nodeOf(in.Name))
		if npe != "" {
			return npe
		}
		if display != "" {
			u.DisplayName = display
		}
	} else {
		u.DisplayName = *in.DisplayName
	}
	return ""
}

// deactivate applies active=false: NextGen removes the user from the
// account; FirstGen deletes it with PL_USER_DELETION_V2, otherwise disables
// it and drops it from its SCIM groups (1.7).
func (s *Server) deactivate(u *User, now time.Time) {
	p := s.opts.Profile
	switch {
	case p.Generation == NextGen:
		s.store.removeUserFromAccount(u, now)
	case p.UserDeletionV2:
		s.store.deleteUser(u.ID, now)
	default:
		u.Disabled = true
		u.Modified = now
		s.store.removeFromGroups(u.ID, now)
	}
}

type patchOpIn struct {
	Op    string          `json:"op"`
	Path  *string         `json:"path"`
	Value json.RawMessage `json:"value"`
}

type patchIn struct {
	Schemas    []string    `json:"schemas"`
	Operations []patchOpIn `json:"Operations"`
}

// validPatchOps are the Jackson type ids of PatchOperation (1.7).
var validPatchOps = map[string]bool{"Add": true, "Remove": true, "Replace": true, "add": true, "remove": true, "replace": true}

// readPatch decodes a PatchOp body and checks op spellings and the
// required path/value of the capitalised (Azure) forms, answering 400 as
// Harness's JSON mapper would. Jackson matches property names exactly, so
// "operations" is not "Operations" (1.7); Go's decoder would accept it, so
// the key is checked by hand (the 400 for a missing key is guessed).
func readPatch(w http.ResponseWriter, r *http.Request, fg bool) (*patchIn, bool) {
	var raw map[string]json.RawMessage
	if !readJSON(w, r, &raw, fg) {
		return nil, false
	}
	var in patchIn
	bad := ""
	if ops, ok := raw["Operations"]; !ok || string(ops) == "null" {
		bad = "Missing required creator property 'Operations' of PatchRequest"
	} else if err := json.Unmarshal(ops, &in.Operations); err != nil {
		bad = firstLine(err.Error())
	}
	_ = json.Unmarshal(raw["schemas"], &in.Schemas)
	for _, op := range in.Operations {
		if bad != "" {
			break
		}
		switch {
		case !validPatchOps[op.Op]:
			bad = "Could not resolve type id '" + op.Op + "' as a subtype of PatchOperation"
		case op.Op[0] >= 'A' && op.Op[0] <= 'Z' && (op.Path == nil || len(op.Value) == 0):
			bad = "Missing required creator property for " + op.Op + "Operation"
		}
	}
	if bad != "" {
		msg := "Unable to process JSON " + bad
		writeInvalidRequest(w, fg, msg)
		return nil, false
	}
	return &in, true
}

// patchUser is PATCH /Users/{id} (1.7). Only displayName, userName and
// active have an effect; a failing operation is swallowed. The answer is
// 200 with the user, or 204 when an operation set active to false.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, c *call) {
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
	u := s.visibleUser(r.PathValue("id"))
	if u == nil {
		// NextGen lets the CG error escape (derived). FirstGen's
		// ScimUserServiceImpl.updateUser ends with getUser, whose
		// UserServiceImpl.get throws InvalidRequestException("User does not
		// exist"), a 400 RestResponse (derived).
		writeInvalidRequest(w, fg, "Invalid request: User does not exist")
		return
	}
	now := s.now()
	deactivated := false
	apply := func(path string, value json.RawMessage) {
		switch strings.ToLower(path) {
		case "displayname":
			var v string
			if json.Unmarshal(value, &v) == nil && v != "" {
				u.DisplayName = v
			}
		case "username":
			var v string
			if json.Unmarshal(value, &v) == nil {
				v = strings.ToLower(strings.TrimSpace(v))
				if other := s.store.userByEmail(v); v != "" && (other == nil || other.ID == u.ID) {
					u.Email = v
				}
			}
		case "active":
			if v, present := parseSCIMBool(value); present {
				if v {
					u.Disabled = false
				} else {
					deactivated = true
				}
			}
		}
	}
	for _, op := range in.Operations {
		if strings.EqualFold(op.Op, "remove") {
			continue
		}
		if op.Path != nil && *op.Path != "" {
			apply(*op.Path, op.Value)
			continue
		}
		// Path-less (Okta/Entra) form: a value object.
		var obj map[string]json.RawMessage
		if json.Unmarshal(op.Value, &obj) != nil {
			continue
		}
		for k, v := range obj {
			if k == "displayName" || k == "active" {
				apply(k, v)
			}
		}
	}
	u.Imported = true
	u.Modified = now
	c.changed = true
	if deactivated {
		s.deactivate(u, now)
		writeEmpty(w, http.StatusNoContent)
		return
	}
	s.writeSCIM(w, r, http.StatusOK, s.userOut(u, false))
}

// deleteUser is DELETE /Users/{id} (1.8): 204, idempotent for a user
// Harness knows; an id Harness never knew is NextGen's relayed 400 and
// FirstGen's 401, never a 404.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request, c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	u, ok := s.store.Users[id]
	fg := s.firstGen()
	switch {
	case !ok && fg:
		writeRestError(w, http.StatusUnauthorized, "INVALID_TOKEN", msgInvalidToken)
		return
	case !ok:
		writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: "+msgInvalidToken)
		return
	case id == AdminUserID && fg:
		// Guessed: FirstGen's own last-admin refusal was not traced.
		writeRestError(w, http.StatusBadRequest, "INVALID_REQUEST", "Invalid request: Cannot remove the last Account Admin from the account")
		return
	case id == AdminUserID:
		// NgUserServiceImpl.checkIfUserIsLastAccountAdmin (lines 979-985)
		// throws InvalidUserRemoveRequestException, which its mapper renders
		// as a 400 ErrorDTO with code REQUEST_PROCESSING_INTERRUPTED.
		writeNGError(w, http.StatusBadRequest, "REQUEST_PROCESSING_INTERRUPTED",
			"Removing this user will remove the last Account Admin from NG. Cannot remove the user.")
		return
	}
	now := s.now()
	if fg {
		s.store.deleteUser(id, now)
	} else if u.Member {
		s.store.removeUserFromAccount(u, now)
	}
	c.changed = true
	writeEmpty(w, http.StatusNoContent)
}
