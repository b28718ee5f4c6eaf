package mockserver

import (
	"net/http"
	"regexp"
	"strings"
)

// createUser is POST /Users, idempotent by lower-cased email (1.4). Any
// failure is HTTP 409 with a ScimError whose status is 404
// (NGScimUserResource.createUser and ScimUserResource.createUser:
// getExceptionResponse(ex, 404, CONFLICT)).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in scimUserIn
	if !readJSON(w, r, &in, s.firstGen()) {
		return
	}
	email, detail := s.createEmail(&in)
	if detail == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		var u *User
		if u, detail = s.createLocked(email, &in); detail == "" {
			c.changed = true
			s.writeSCIM(w, r, http.StatusCreated, s.userOut(u, false))
			return
		}
	}
	s.writeSCIMError(w, r, http.StatusConflict, detail)
}

// createEmail is getPrimaryEmail: the userName, lower-cased. FirstGen
// lower-cases it unchecked (an NPE without one); NextGen passes null on to
// the invite, which fails (guessed detail). NextGen checks nothing else:
// Invite.email is only @NotEmpty (123-ng-core-user .../invites/entities/
// Invite.java, line 93), and neither InviteServiceImpl.create nor CG's
// UserServiceImpl.completeNGInvite validates the address, so a userName
// such as "UserName123" makes a NextGen user. FirstGen validates it later
// (validEmail).
func (s *Server) createEmail(in *scimUserIn) (email, detail string) {
	if s.firstGen() && in.UserName == nil {
		return "", npeUserName
	}
	email = strings.ToLower(strings.TrimSpace(deref(in.UserName)))
	if email == "" && !s.firstGen() {
		return "", "Failed to create user: userName is empty" // guessed
	}
	return email, ""
}

// createLocked finds or makes the user a POST names and returns it, or the
// detail of the failure. The caller holds s.mu.
func (s *Server) createLocked(email string, in *scimUserIn) (*User, string) {
	u := s.store.userByEmail(email)
	if u != nil && u.Member {
		return u, s.readoptLocked(u, in)
	}
	return s.inviteLocked(u, email, in)
}

// readoptLocked is create's path for a user already in the account: when
// shouldUpdateUser says so, the PUT logic runs with active=true, then the
// user is answered with 201 (NGScimUserServiceImpl.createUser lines
// 103-117, shouldUpdateUser lines 432-435; ScimUserServiceImpl.createUser
// lines 85-96, shouldUpdateUser lines 121-127). Nothing is changed when it
// fails.
func (s *Server) readoptLocked(u *User, in *scimUserIn) string {
	update, npe := s.shouldUpdateUser(u, in)
	if npe != "" {
		return npe
	}
	cp := *u
	if update {
		// The PUT logic: CG's (putNames), then NextGen's own getName.
		if npe := putNames(in, &cp); npe != "" {
			return npe
		}
		if !s.firstGen() && deref(in.DisplayName) == "" {
			display, npe := displayNameFromName(nodeOf(in.Name))
			if npe != "" {
				return npe
			}
			if display != "" {
				cp.DisplayName = display
			}
		}
		cp.Disabled, cp.Modified = false, s.now()
	}
	cp.Imported = true
	*u = cp
	return ""
}

// shouldUpdateUser is each generation's check. FirstGen compares the raw
// userName and, when nothing else differs, reads both name parts with
// asText, so a name missing one of them throws.
func (s *Server) shouldUpdateUser(u *User, in *scimUserIn) (bool, string) {
	if !s.firstGen() {
		return u.Disabled || u.DisplayName != deref(in.DisplayName) || !strings.EqualFold(u.Email, deref(in.UserName)), ""
	}
	if u.Disabled || in.DisplayName == nil || u.DisplayName != *in.DisplayName || u.Email != deref(in.UserName) {
		return true, ""
	}
	name := nodeOf(in.Name)
	if name == nil {
		return false, ""
	}
	given, family := name.get("givenName"), name.get("familyName")
	switch {
	case given == nil:
		return false, npeAsText
	case given.asText() != u.GivenName:
		return true, ""
	case family == nil:
		return false, npeAsText
	}
	return family.asText() != u.FamilyName, ""
}

// inviteLocked is create's path for a user not in the account: the names
// are built (NGScimUserServiceImpl.createUser lines 119-129;
// ScimUserServiceImpl.createUser lines 98-107) and an approved SCIM invite
// adds the user; a user Harness still knows (NextGen keeps removed users)
// comes back with the same id. NextGen names a user with neither display
// name nor name after the email (InviteServiceImpl.
// createAndInviteNonPasswordUser, line 422). FirstGen validates the email
// first (validEmail). The caller holds s.mu.
func (s *Server) inviteLocked(u *User, email string, in *scimUserIn) (*User, string) {
	fg, name := s.firstGen(), nodeOf(in.Name)
	display := deref(in.DisplayName)
	if (fg && in.DisplayName == nil) || (!fg && display == "") {
		var npe string
		if display, npe = displayNameFromName(name); npe != "" {
			return nil, npe
		}
	}
	given, family, npe := givenAndFamily(name, deref(in.DisplayName))
	switch {
	case npe != "":
		return nil, npe
	case fg && !validEmail(email):
		// SignupServiceImpl.checkIfEmailIsValid, from UserServiceImpl.
		// inviteUser: WingsException(INVALID_EMAIL), whose message is the
		// code's name.
		return nil, "INVALID_EMAIL"
	case !fg && display == "":
		display = email
	}
	now := s.now()
	if u == nil {
		u = &User{ID: newHarnessID(), Email: email, Created: now, Seq: s.store.nextSeq()}
		s.store.Users[u.ID] = u
	}
	u.Member, u.Imported, u.Disabled, u.Modified = true, true, false, now
	u.DisplayName, u.GivenName, u.FamilyName = display, given, family
	if !fg {
		u.ExternalID = deref(in.ExternalID) // FirstGen create ignores externalId (1.3)
	}
	return u, ""
}

// validEmail is commons-validator's EmailValidator.isValid, which
// FirstGen's SignupServiceImpl.checkIfEmailIsValid (400-rest, lines
// 194-213) uses: a local part of at most 64 characters made of
// EmailValidator's USER_REGEX words, and a domain of DomainValidator's
// labels. The validator's list of top-level domains is approximated by
// "alphabetic, at least two letters"; IP-literal domains are not modelled.
func validEmail(email string) bool {
	m := emailRE.FindStringSubmatch(email)
	if m == nil || strings.HasSuffix(email, ".") || len(m[1]) > 64 {
		return false
	}
	return emailUserRE.MatchString(m[1]) && emailDomainRE.MatchString(m[2])
}

var (
	emailRE = regexp.MustCompile(`^(.+)@(\S+)$`)
	// EmailValidator's VALID_CHARS, QUOTED_USER and WORD.
	emailWord   = `((` + `(\\.)|[^\s\x00-\x1f\x7f()<>@,;:'\\".\[\]]` + `|')+|("(\\"|[^"])*"))`
	emailUserRE = regexp.MustCompile(`^` + emailWord + `(\.` + emailWord + `)*$`)
	// DomainValidator's DOMAIN_NAME_REGEX, with an approximate TLD.
	emailDomainRE = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}\.?$`)
)
