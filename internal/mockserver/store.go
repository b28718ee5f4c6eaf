package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// User is a Harness user as the mock stores it.
type User struct {
	ID          string `json:"id"`
	Email       string `json:"email"` // always lower case
	DisplayName string `json:"displayName"`
	GivenName   string `json:"givenName,omitempty"`
	FamilyName  string `json:"familyName,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
	Disabled    bool   `json:"disabled,omitempty"`
	// Imported is Harness's importedByScim: only such users are found by
	// SCIM searches (docs/design/harness-api.md 1.6).
	Imported bool `json:"imported,omitempty"`
	// Member is account membership. NextGen removal (DELETE or
	// active=false) clears it but Harness keeps the user, and its id, so a
	// later POST with the same email brings back the same id.
	Member bool `json:"member"`
	// InFirstGenUserGroup marks a user who is also in a FirstGen (CG) user
	// group. With PL_USER_DELETION_V2 on, a NextGen removal then keeps the
	// user in the CG account (UserResourceNG.deleteUser, 400-rest lines
	// 266-286), so the search, which is FirstGen's, still counts them on a
	// page before NextGen drops them (see searchUsers). Set it out of band.
	InFirstGenUserGroup bool      `json:"inFirstGenUserGroup,omitempty"`
	Created             time.Time `json:"created"`
	Modified            time.Time `json:"modified"`
	Seq                 int64     `json:"seq"`
}

// Group is a SCIM group: in NextGen an externally managed user group.
type Group struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"` // user ids, in insertion order
	// ExternallyManaged is NextGen's flag; SCIM searches and PATCH only see
	// externally managed groups.
	ExternallyManaged bool `json:"externallyManaged"`
	// Scopes holds NextGen harnessScopes entries ("acct:org[:project]").
	Scopes   []string  `json:"scopes,omitempty"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	Seq      int64     `json:"seq"`
}

// Scope is a NextGen account/org/project scope.
type Scope struct {
	Org     string `json:"org,omitempty"`
	Project string `json:"project,omitempty"`
}

func (sc Scope) String() string {
	switch {
	case sc.Project != "":
		return sc.Org + "/" + sc.Project
	case sc.Org != "":
		return sc.Org
	}
	return "account"
}

// ServiceAccount is a NextGen service account.
type ServiceAccount struct {
	Identifier  string            `json:"identifier"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	Description string            `json:"description"`
	Tags        map[string]string `json:"tags"`
	Scope       Scope             `json:"scope"`
	Created     time.Time         `json:"created"`
	Modified    time.Time         `json:"modified"`
	Seq         int64             `json:"seq"`
}

// APIKey is a NextGen API key.
type APIKey struct {
	Identifier               string            `json:"identifier"`
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	Tags                     map[string]string `json:"tags"`
	Type                     string            `json:"apiKeyType"` // USER or SERVICE_ACCOUNT
	Parent                   string            `json:"parentIdentifier"`
	DefaultTimeToExpireToken int64             `json:"defaultTimeToExpireToken"`
	Scope                    Scope             `json:"scope"`
	Created                  time.Time         `json:"created"`
	Modified                 time.Time         `json:"modified"`
	Seq                      int64             `json:"seq"`
}

// Token is a NextGen token under an API key.
type Token struct {
	ID          string            `json:"id"` // the 24-hex document id embedded in the secret
	Identifier  string            `json:"identifier"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Tags        map[string]string `json:"tags"`
	APIKey      string            `json:"apiKeyIdentifier"`
	Type        string            `json:"apiKeyType"`
	Parent      string            `json:"parentIdentifier"`
	Scope       Scope             `json:"scope"`
	ValidFrom   time.Time         `json:"validFrom"`
	ValidTo     time.Time         `json:"validTo"`
	// ScheduledExpireTime is set on the old token by a rotation.
	ScheduledExpireTime *time.Time `json:"scheduledExpireTime,omitempty"`
	// Secret is the random last part of the token value. Harness stores a
	// bcrypt hash; the mock keeps it to authenticate requests.
	Secret   string    `json:"secret"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	Seq      int64     `json:"seq"`
}

// ExpiresAt is scheduledExpireTime when set, else validTo.
func (t *Token) ExpiresAt() time.Time {
	if t.ScheduledExpireTime != nil {
		return *t.ScheduledExpireTime
	}
	return t.ValidTo
}

// store is the mock's data. All access holds Server.mu.
type store struct {
	Seq             int64                      `json:"seq"`
	Users           map[string]*User           `json:"users"`
	Groups          map[string]*Group          `json:"groups"`
	ServiceAccounts map[string]*ServiceAccount `json:"serviceAccounts"`
	APIKeys         map[string]*APIKey         `json:"apiKeys"`
	Tokens          map[string]*Token          `json:"tokens"` // by document id
}

func newStore() *store {
	return &store{
		Users:           map[string]*User{},
		Groups:          map[string]*Group{},
		ServiceAccounts: map[string]*ServiceAccount{},
		APIKeys:         map[string]*APIKey{},
		Tokens:          map[string]*Token{},
	}
}

func (st *store) nextSeq() int64 {
	st.Seq++
	return st.Seq
}

func (st *store) addAdmin(now time.Time) {
	if _, ok := st.Users[AdminUserID]; ok {
		return
	}
	st.Users[AdminUserID] = &User{
		ID: AdminUserID, Email: AdminUserEmail, DisplayName: "Mock Admin", GivenName: "Mock", FamilyName: "Admin",
		Member: true, Created: now, Modified: now, Seq: st.nextSeq(),
	}
}

// userByEmail finds a user, member or not, by lower-case email.
func (st *store) userByEmail(email string) *User {
	for _, u := range st.Users {
		if u.Email == email {
			return u
		}
	}
	return nil
}

// bySeq returns the entities of a collection in creation order.
func bySeq[E interface{ seq() int64 }](m map[string]E) []E {
	out := make([]E, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq() < out[j].seq() })
	return out
}

func (u *User) seq() int64           { return u.Seq }
func (g *Group) seq() int64          { return g.Seq }
func (a *ServiceAccount) seq() int64 { return a.Seq }
func (k *APIKey) seq() int64         { return k.Seq }
func (t *Token) seq() int64          { return t.Seq }

// sortedUsers returns users in creation order.
func (st *store) sortedUsers() []*User { return bySeq(st.Users) }

// sortedGroups returns groups in creation order.
func (st *store) sortedGroups() []*Group { return bySeq(st.Groups) }

// groupsOf returns the groups user id belongs to, in creation order.
func (st *store) groupsOf(id string) []*Group {
	var out []*Group
	for _, g := range st.sortedGroups() {
		if slices.Contains(g.Members, id) {
			out = append(out, g)
		}
	}
	return out
}

// removeFromGroups drops a user from every group, as Harness does when a
// user leaves the account.
func (st *store) removeFromGroups(id string, now time.Time) {
	for _, g := range st.Groups {
		if i := slices.Index(g.Members, id); i >= 0 {
			g.Members = slices.Delete(g.Members, i, i+1)
			g.Modified = now
		}
	}
}

// removeUserFromAccount is NextGen's account removal: the user leaves the
// account and every group but keeps existing in Harness.
func (st *store) removeUserFromAccount(u *User, now time.Time) {
	u.Member = false
	u.Modified = now
	st.removeFromGroups(u.ID, now)
}

// deleteUser removes a user from Harness entirely.
func (st *store) deleteUser(id string, now time.Time) {
	st.removeFromGroups(id, now)
	delete(st.Users, id)
}

// ---- Out-of-band access for tests ----

// UserSpec seeds a user as if an identity provider had provisioned it.
type UserSpec struct {
	Email       string
	DisplayName string
	GivenName   string
	FamilyName  string
	ExternalID  string
	// NotImported makes a user that was not created through SCIM (invited
	// in the UI): SCIM searches do not find it.
	NotImported bool
}

// SeedUser adds an account member and returns it.
func (s *Server) SeedUser(spec UserSpec) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	email := strings.ToLower(spec.Email)
	if u := s.store.userByEmail(email); u != nil {
		u.Member, u.Imported, u.Disabled = true, !spec.NotImported, false
		return *u
	}
	u := &User{
		ID: newHarnessID(), Email: email, DisplayName: spec.DisplayName, GivenName: spec.GivenName,
		FamilyName: spec.FamilyName, ExternalID: spec.ExternalID, Imported: !spec.NotImported, Member: true,
		Created: now, Modified: now, Seq: s.store.nextSeq(),
	}
	s.store.Users[u.ID] = u
	return *u
}

// User returns a copy of a user, member or not.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.store.Users[id]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// UserByEmail returns a copy of a user by email (case-insensitive).
func (s *Server) UserByEmail(email string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.store.userByEmail(strings.ToLower(email))
	if u == nil {
		return User{}, false
	}
	return *u, true
}

// Users returns copies of every account member, in creation order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []User
	for _, u := range s.store.sortedUsers() {
		if u.Member {
			out = append(out, *u)
		}
	}
	return out
}

// UpdateUser edits a user out of band, as the Harness UI or another
// identity provider would.
func (s *Server) UpdateUser(id string, edit func(u *User)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.store.Users[id]
	if !ok {
		return fmt.Errorf("mock: no user %q", id)
	}
	edit(u)
	u.ID = id
	u.Email = strings.ToLower(u.Email)
	u.Modified = s.now()
	return nil
}

// RemoveUser removes a user from the account out of band (as an admin
// deleting it in the UI would); it reports whether the user was a member.
func (s *Server) RemoveUser(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.store.Users[id]
	if !ok || !u.Member {
		return false
	}
	if s.firstGen() {
		s.store.deleteUser(id, s.now())
	} else {
		s.store.removeUserFromAccount(u, s.now())
	}
	return true
}

// Group returns a copy of a group.
func (s *Server) Group(id string) (Group, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.store.Groups[id]
	if !ok {
		return Group{}, false
	}
	cp := *g
	cp.Members = slices.Clone(g.Members)
	return cp, true
}

// Groups returns copies of every group, in creation order.
func (s *Server) Groups() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Group
	for _, g := range s.store.sortedGroups() {
		cp := *g
		cp.Members = slices.Clone(g.Members)
		out = append(out, cp)
	}
	return out
}

// UpdateGroup edits a group out of band.
func (s *Server) UpdateGroup(id string, edit func(g *Group)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.store.Groups[id]
	if !ok {
		return fmt.Errorf("mock: no group %q", id)
	}
	edit(g)
	g.ID = id
	g.Modified = s.now()
	return nil
}

// DeleteGroup deletes a group out of band; it reports whether it existed.
func (s *Server) DeleteGroup(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.store.Groups[id]
	delete(s.store.Groups, id)
	return ok
}

// stateFile is the shape of a Snapshot.
type stateFile struct {
	AccountID string `json:"accountId"`
	Profile   string `json:"profile"`
	*store
}

// Snapshot serialises the store (the standalone command's -state file).
// Only the compact encoding holds the lock; it is indented after.
func (s *Server) Snapshot() ([]byte, error) {
	s.mu.Lock()
	data, err := json.Marshal(stateFile{s.opts.AccountID, s.opts.Profile.Name, s.store})
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(data) + len(data)/2)
	if err := json.Indent(&out, data, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Restore replaces the store with a Snapshot. State the handlers could not
// serve is refused with every problem named by its field (a *StateError,
// state_validate.go), and the store is left as it was.
func (s *Server) Restore(data []byte) error {
	snap := stateFile{store: newStore()}
	if err := decodeState(data, &snap); err != nil {
		return fmt.Errorf("mock: reading state: %w", err)
	}
	if snap.AccountID != "" && snap.AccountID != s.opts.AccountID {
		return fmt.Errorf("mock: state belongs to account %q, not %q", snap.AccountID, s.opts.AccountID)
	}
	if snap.Profile != "" && snap.Profile != s.opts.Profile.Name {
		// Ids and shapes differ between profiles (NextGen group ids come from
		// names, FirstGen's are random), so mixing them would mislead.
		return fmt.Errorf("mock: state was saved by profile %q; start the mock with -profile %s or use another state file",
			snap.Profile, snap.Profile)
	}
	st := snap.store
	orEmpty(&st.Users)
	orEmpty(&st.Groups)
	orEmpty(&st.ServiceAccounts)
	orEmpty(&st.APIKeys)
	orEmpty(&st.Tokens)
	if err := st.validate(); err != nil {
		return fmt.Errorf("mock: invalid state:\n  %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st.addAdmin(s.now())
	s.store = st
	return nil
}

// orEmpty replaces a null collection with an empty one.
func orEmpty[M ~map[string]E, E any](m *M) {
	if *m == nil {
		*m = M{}
	}
}
