package mockserver

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Operation names of the NextGen service-account routes (docs/design/harness-api.md 5).
const (
	OpCreateServiceAccount         = "CreateServiceAccount"
	OpListServiceAccounts          = "ListServiceAccounts"
	OpListServiceAccountAggregates = "ListServiceAccountAggregates"
	OpGetServiceAccount            = "GetServiceAccount"
	OpUpdateServiceAccount         = "UpdateServiceAccount"
	OpDeleteServiceAccount         = "DeleteServiceAccount"
)

// ngRoutes registers the NextGen service-account, API-key and token routes.
// They exist in every profile: FirstGen accounts use the NextGen API for
// keys too (profiles.go).
func (s *Server) ngRoutes() {
	const sa = "/ng/api/serviceaccount"
	s.handle("POST "+sa, OpCreateServiceAccount, familyNG, s.saCreate)
	s.handle("GET "+sa, OpListServiceAccounts, familyNG, s.saList)
	s.handle("GET "+sa+"/aggregate", OpListServiceAccountAggregates, familyNG, s.saListAggregates)
	s.handle("GET "+sa+"/aggregate/{identifier}", OpGetServiceAccount, familyNG, s.saGet)
	s.handle("PUT "+sa+"/{identifier}", OpUpdateServiceAccount, familyNG, s.saUpdate)
	s.handle("DELETE "+sa+"/{identifier}", OpDeleteServiceAccount, familyNG, s.saDelete)
	s.apiKeyRoutes()
	s.tokenRoutes()
}

// saKey is the store key of a service account: identifiers are unique per
// scope, case-sensitively. ServiceAccount.mongoIndexes (120-ng-manager
// .../serviceaccounts/entities/ServiceAccount.java, lines 55-72) declares
// its unique index without the case-insensitive collation ApiKey's and
// Token's carry.
func saKey(sc Scope, id string) string {
	return sc.Org + "/" + sc.Project + "/" + id
}

// serviceAccount finds a service account by exact identifier.
func (st *store) serviceAccount(sc Scope, id string) *ServiceAccount {
	sa, ok := st.ServiceAccounts[saKey(sc, id)]
	if !ok || sa.Identifier != id {
		return nil
	}
	return sa
}

// deleteServiceAccount removes a service account with its keys and their
// tokens (docs/design/harness-api.md 5, "Deleting a service account deletes its keys
// and tokens").
func (st *store) deleteServiceAccount(sa *ServiceAccount) {
	for k, key := range st.APIKeys {
		if key.Type == KindServiceAccount && key.Parent == sa.Identifier && key.Scope == sa.Scope {
			st.deleteAPIKey(k, key)
		}
	}
	delete(st.ServiceAccounts, saKey(sa.Scope, sa.Identifier))
}

// tokensOfParent counts the tokens of every key of a parent.
func (st *store) tokensOfParent(sc Scope, keyType, parent string) int {
	n := 0
	for _, t := range st.Tokens {
		if t.Scope == sc && t.Type == keyType && t.Parent == parent {
			n++
		}
	}
	return n
}

func (st *store) sortedServiceAccounts() []*ServiceAccount { return bySeq(st.ServiceAccounts) }

// ---- wire types ----

type serviceAccountIn struct {
	Identifier        string            `json:"identifier"`
	Name              string            `json:"name"`
	Email             string            `json:"email"`
	Description       *string           `json:"description"`
	Tags              map[string]string `json:"tags"`
	AccountIdentifier string            `json:"accountIdentifier"`
	OrgIdentifier     string            `json:"orgIdentifier"`
	ProjectIdentifier string            `json:"projectIdentifier"`
}

type serviceAccountOut struct {
	Identifier        string            `json:"identifier"`
	Name              string            `json:"name"`
	Email             string            `json:"email"`
	Description       string            `json:"description"`
	Tags              map[string]string `json:"tags"`
	AccountIdentifier string            `json:"accountIdentifier"`
	OrgIdentifier     *string           `json:"orgIdentifier"`
	ProjectIdentifier *string           `json:"projectIdentifier"`
}

type serviceAccountAggregateOut struct {
	ServiceAccount             serviceAccountOut `json:"serviceAccount"`
	CreatedAt                  int64             `json:"createdAt"`
	LastModifiedAt             int64             `json:"lastModifiedAt"`
	TokensCount                int               `json:"tokensCount"`
	RoleAssignmentsMetadataDTO []any             `json:"roleAssignmentsMetadataDTO"`
}

func (s *Server) saOut(sa *ServiceAccount) serviceAccountOut {
	return serviceAccountOut{
		Identifier: sa.Identifier, Name: sa.Name, Email: sa.Email, Description: sa.Description, Tags: tagsOut(sa.Tags),
		AccountIdentifier: s.opts.AccountID, OrgIdentifier: nullable(sa.Scope.Org), ProjectIdentifier: nullable(sa.Scope.Project),
	}
}

func (s *Server) saAggregateOut(sa *ServiceAccount) serviceAccountAggregateOut {
	return serviceAccountAggregateOut{
		ServiceAccount: s.saOut(sa), CreatedAt: ms(sa.Created), LastModifiedAt: ms(sa.Modified),
		TokensCount: s.store.tokensOfParent(sa.Scope, KindServiceAccount, sa.Identifier), RoleAssignmentsMetadataDTO: []any{},
	}
}

// problems are ServiceAccountDTO's bean-validation constraints (970-ng-commons
// .../serviceaccount/ServiceAccountDTO.java): identifier @EntityIdentifier,
// name @NotBlank, email @Email @NotBlank, description @Size(max 1024). The
// entity's @NGEntityName name is checked later (entityNameProblem).
func (in *serviceAccountIn) problems() []fieldProblem {
	desc := ""
	if in.Description != nil {
		desc = *in.Description
	}
	return []fieldProblem{
		{"identifier", identifierProblem(in.Identifier)},
		{"name", notBlankProblem(in.Name)},
		{"email", emailProblem(in.Email)},
		{"description", descriptionProblem(desc)},
		{"tags", tagsProblem(in.Tags)},
	}
}

// scopePairs are the query's account, org and project against the body's,
// which ServiceAccountServiceImpl checks on create and update (lines
// 125-129, 163-167).
func (in *serviceAccountIn) scopePairs(r *http.Request) []valuePair {
	q := r.URL.Query()
	return []valuePair{
		{q.Get("accountIdentifier"), in.AccountIdentifier},
		{q.Get("orgIdentifier"), in.OrgIdentifier}, {q.Get("projectIdentifier"), in.ProjectIdentifier},
	}
}

// ---- handlers ----

// saCreate is POST /ng/api/serviceaccount (docs/design/harness-api.md 5).
func (s *Server) saCreate(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in serviceAccountIn
	if !readJSON(w, r, &in, false) {
		return
	}
	sc := queryScope(r)
	if writeValidation(w, in.problems()...) || !checkValuesNotChanged(w, in.scopePairs(r)...) || !checkScopeExists(w, c.account, sc) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if writeValidation(w, fieldProblem{"name", entityNameProblem(in.Name)}) {
		return
	}
	if _, dup := s.store.ServiceAccounts[saKey(sc, in.Identifier)]; dup {
		writeNGError(w, http.StatusBadRequest, "DUPLICATE_FIELD",
			fmt.Sprintf("A service account with identifier %s is already present or was deleted in scope", in.Identifier))
		return
	}
	now := s.now()
	// Harness stores the email lower-cased
	// (ServiceAccountDTOMapper.getServiceAccountFromDTO); an update must then
	// send it exactly as stored (saUpdate).
	sa := &ServiceAccount{
		Identifier: in.Identifier, Name: in.Name, Email: strings.ToLower(in.Email), Description: deref(in.Description),
		Tags: cloneTags(in.Tags), Scope: sc, Created: now, Modified: now, Seq: s.store.nextSeq(),
	}
	s.store.ServiceAccounts[saKey(sc, in.Identifier)] = sa
	c.changed = true
	writeNGData(w, s.saOut(sa))
}

// saMatches applies the list routes' identifiers filter.
func saMatches(sa *ServiceAccount, sc Scope, ids []string) bool {
	return sa.Scope == sc && (len(ids) == 0 || slices.Contains(ids, sa.Identifier))
}

func (s *Server) saList(w http.ResponseWriter, r *http.Request, _ *call) {
	sc, ids := queryScope(r), r.URL.Query()["identifiers"]
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []serviceAccountOut{}
	for _, sa := range s.store.sortedServiceAccounts() {
		if saMatches(sa, sc, ids) {
			out = append(out, s.saOut(sa))
		}
	}
	writeNGData(w, out)
}

func (s *Server) saListAggregates(w http.ResponseWriter, r *http.Request, _ *call) {
	sc, ids := queryScope(r), r.URL.Query()["identifiers"]
	term := strings.ToLower(r.URL.Query().Get("searchTerm"))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	var rows []any
	for _, sa := range s.store.sortedServiceAccounts() {
		if !saMatches(sa, sc, ids) {
			continue
		}
		if term != "" && !strings.Contains(strings.ToLower(sa.Name), term) && !strings.Contains(strings.ToLower(sa.Identifier), term) {
			continue
		}
		rows = append(rows, s.saAggregateOut(sa))
	}
	writeNGPage(w, r, rows)
}

// saGet is GET aggregate/{identifier}: a missing account is a 400
// INVALID_ARGUMENT, not a 404 (docs/design/harness-api.md 5).
func (s *Server) saGet(w http.ResponseWriter, r *http.Request, _ *call) {
	id := r.PathValue("identifier")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredTokensLocked(s.now())
	sa := s.store.serviceAccount(queryScope(r), id)
	if sa == nil {
		writeNGError(w, http.StatusBadRequest, "INVALID_ARGUMENT",
			fmt.Sprintf("Invalid argument(s): Service account [%s] doesn't exist in scope", id))
		return
	}
	writeNGData(w, s.saAggregateOut(sa))
}

func writeSANotFound(w http.ResponseWriter, id string) {
	writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST",
		fmt.Sprintf("Invalid request: Service account with identifier: %s doesn't exist", id))
}

// saUpdate is PUT /ng/api/serviceaccount/{identifier}
// (ServiceAccountServiceImpl.updateServiceAccount, lines 137-159):
// identifier, scope and email cannot change.
func (s *Server) saUpdate(w http.ResponseWriter, r *http.Request, c *call) {
	if !validContentType(w, r) {
		return
	}
	var in serviceAccountIn
	if !readJSON(w, r, &in, false) {
		return
	}
	id, sc := r.PathValue("identifier"), queryScope(r)
	if writeValidation(w, in.problems()...) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sa := s.store.serviceAccount(sc, id)
	if sa == nil {
		writeSANotFound(w, id)
		return
	}
	// validateUpdateServiceAccountRequest (lines 161-174): the body may not
	// change the scope, identifier or email; then the entity (line 152).
	if !checkValuesNotChanged(w, append(in.scopePairs(r), valuePair{id, in.Identifier},
		valuePair{s.opts.AccountID, in.AccountIdentifier}, valuePair{sa.Scope.Org, in.OrgIdentifier},
		valuePair{sa.Scope.Project, in.ProjectIdentifier}, valuePair{sa.Email, in.Email})...) ||
		writeValidation(w, fieldProblem{"name", entityNameProblem(in.Name)}) {
		return
	}
	sa.Name, sa.Description, sa.Tags = in.Name, deref(in.Description), cloneTags(in.Tags)
	sa.Modified = s.now()
	c.changed = true
	writeNGData(w, s.saOut(sa))
}

// saDelete is DELETE /ng/api/serviceaccount/{identifier}; it cascades to
// the account's keys and tokens.
func (s *Server) saDelete(w http.ResponseWriter, r *http.Request, c *call) {
	id := r.PathValue("identifier")
	s.mu.Lock()
	defer s.mu.Unlock()
	sa := s.store.serviceAccount(queryScope(r), id)
	if sa == nil {
		writeSANotFound(w, id)
		return
	}
	s.store.deleteServiceAccount(sa)
	c.changed = true
	writeNGData(w, true)
}

// ---- out-of-band access for tests ----

// SeedServiceAccount adds (or replaces) a service account as if it had been
// made in the Harness UI.
func (s *Server) SeedServiceAccount(sa ServiceAccount) ServiceAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	cp := sa
	cp.Tags = cloneTags(sa.Tags)
	cp.Created, cp.Modified, cp.Seq = now, now, s.store.nextSeq()
	s.store.ServiceAccounts[saKey(cp.Scope, cp.Identifier)] = &cp
	return cp
}

// ServiceAccount returns a copy of a service account.
func (s *Server) ServiceAccount(sc Scope, identifier string) (ServiceAccount, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sa := s.store.serviceAccount(sc, identifier)
	if sa == nil {
		return ServiceAccount{}, false
	}
	cp := *sa
	cp.Tags = cloneTags(sa.Tags)
	return cp, true
}

// ServiceAccounts returns copies of every service account, in creation order.
func (s *Server) ServiceAccounts() []ServiceAccount {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ServiceAccount
	for _, sa := range s.store.sortedServiceAccounts() {
		cp := *sa
		cp.Tags = cloneTags(sa.Tags)
		out = append(out, cp)
	}
	return out
}

// UpdateServiceAccount edits a service account out of band.
func (s *Server) UpdateServiceAccount(sc Scope, identifier string, edit func(sa *ServiceAccount)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sa := s.store.serviceAccount(sc, identifier)
	if sa == nil {
		return fmt.Errorf("mock: no service account %q in scope %s", identifier, sc)
	}
	edit(sa)
	sa.Identifier, sa.Scope = identifier, sc
	sa.Modified = s.now()
	return nil
}

// RemoveServiceAccount deletes a service account, its keys and their tokens
// out of band; it reports whether the account existed.
func (s *Server) RemoveServiceAccount(sc Scope, identifier string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sa := s.store.serviceAccount(sc, identifier)
	if sa == nil {
		return false
	}
	s.store.deleteServiceAccount(sa)
	return true
}
