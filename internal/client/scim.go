package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// SCIM schema URNs.
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
)

// maxSCIMPages bounds a listing at a million rows (Client.maxPages).
const maxSCIMPages = 1000

// SCIMPageSize is the page size used when listing; Harness advertises
// filter.maxResults=1000 in its ServiceProviderConfig.
const SCIMPageSize = 1000

// SCIMBasePath is the SCIM base path of an account below the gateway
// (docs/design/harness-api.md 1.1).
func SCIMBasePath(gen Generation, accountID string) string {
	if gen == FirstGen {
		return "/api/scim/account/" + url.PathEscape(accountID)
	}
	return "/ng/api/scim/account/" + url.PathEscape(accountID)
}

// SCIMTenantURL is the URL an identity provider is given as its SCIM tenant
// URL for this client's account and generation.
func (c *Client) SCIMTenantURL() string {
	return c.base.String() + SCIMBasePath(c.cfg.Generation, c.cfg.AccountID)
}

func (c *Client) scimPath(parts ...string) string {
	p := SCIMBasePath(c.cfg.Generation, c.cfg.AccountID)
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	return p
}

func (c *Client) scim(method string, body any, parts ...string) *request {
	return &request{method: method, path: c.scimPath(parts...), body: body, auth: authBearer, scim: true}
}

// SCIMName is the SCIM "name" complex attribute. NextGen answers carry
// displayName; FirstGen and NextGen-with-PL_NEW_SCIM_STANDARDS answers carry
// givenName and familyName (docs/design/harness-api.md 1.5).
type SCIMName struct {
	GivenName   string `json:"givenName,omitempty"`
	FamilyName  string `json:"familyName,omitempty"`
	Formatted   string `json:"formatted,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// SCIMEmail is one entry of "emails".
type SCIMEmail struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary,omitempty"`
	Type    string `json:"type,omitempty"`
}

// SCIMMeta is the SCIM "meta" attribute (NextGen with PL_NEW_SCIM_STANDARDS).
type SCIMMeta struct {
	ResourceType string `json:"resourceType,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
}

// SCIMGroupRef is one entry of a user's "groups".
type SCIMGroupRef struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

// SCIMUser is a SCIM user as Harness reads and writes it.
type SCIMUser struct {
	Schemas     []string       `json:"schemas,omitempty"`
	ID          string         `json:"id,omitempty"`
	ExternalID  string         `json:"externalId,omitempty"`
	UserName    string         `json:"userName"`
	DisplayName string         `json:"displayName,omitempty"`
	Active      *bool          `json:"active,omitempty"`
	Emails      []SCIMEmail    `json:"emails,omitempty"`
	Name        *SCIMName      `json:"name,omitempty"`
	Groups      []SCIMGroupRef `json:"groups,omitempty"`
	Meta        *SCIMMeta      `json:"meta,omitempty"`
}

// NameProblem says why Harness could not build this user's names from the
// body, or "" when it can. Harness reads name.familyName whenever
// name.givenName is sent, and builds a missing displayName from both, with
// no null checks (getFamilyNameFromScimUser, getDisplayNameFromName in
// NGScimUserServiceImpl and FirstGen's ScimUserServiceImpl): such a body
// fails with an NPE, answered 409 on create and 404 on replace. create
// selects create's rules; a replace with a displayName reads only what is
// there.
func (u *SCIMUser) NameProblem(create bool) string {
	if u.Name == nil {
		return ""
	}
	given, family := u.Name.GivenName != "", u.Name.FamilyName != ""
	switch {
	case u.DisplayName == "" && (!given || !family):
		return "without a displayName, Harness builds the user's name from name.givenName and name.familyName, and needs both"
	case create && given && !family:
		return "Harness cannot create a user with name.givenName but no name.familyName: send both, or neither"
	}
	return ""
}

// nameError is the error for a body NameProblem refuses; nothing is sent.
func nameError(method, path, problem string) error {
	return fmt.Errorf("%s %s: %w: %s", method, path, ErrValidation, problem)
}

// IsActive treats a missing "active" as active.
func (u *SCIMUser) IsActive() bool { return u.Active == nil || *u.Active }

// SCIMPatchOp is one PATCH operation.
type SCIMPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// SCIMPatch is a PATCH request body; Harness requires the capital O.
type SCIMPatch struct {
	Schemas    []string      `json:"schemas"`
	Operations []SCIMPatchOp `json:"Operations"`
}

// NewSCIMPatch wraps ops in a PatchOp message.
func NewSCIMPatch(ops ...SCIMPatchOp) *SCIMPatch {
	return &SCIMPatch{Schemas: []string{SchemaPatchOp}, Operations: ops}
}

// scimList is Harness's ListResponse. totalResults is the size of the page,
// not the number of matches (docs/design/harness-api.md 1.6), so callers page until an
// empty page.
type scimList[T any] struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []T `json:"Resources"`
}

// scimListAll returns every row of a SCIM list endpoint. Harness skips
// startIndex-1 raw rows and NextGen may then drop rows it hides, so pages
// advance by the requested count and stop at an empty page or, when nothing
// can have been hidden, at a short page.
func scimListAll[T any](ctx context.Context, c *Client, resource, filter string) ([]T, error) {
	var all []T
	err := scimPages(ctx, c, resource, filter, c.cfg.Generation == FirstGen, func(page []T) bool {
		all = append(all, page...)
		return false
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// scimFind returns the first listed resource that match accepts, reading
// no more pages than needed: a filtered search that Harness understood
// costs one request even in NextGen, which otherwise pages until an empty
// page. It returns nil when nothing matched.
func scimFind[T any](ctx context.Context, c *Client, resource, filter string, match func(*T) bool) (*T, error) {
	var found *T
	err := scimPages(ctx, c, resource, filter, c.cfg.Generation == FirstGen, func(page []T) bool {
		for i := range page {
			if match(&page[i]) {
				found = &page[i]
				return true
			}
		}
		return false
	})
	return found, err
}

// scimPages feeds each page of a SCIM list to visit until visit returns
// true or the last page was read: an empty page, or a short one when
// shortPageEnds says nothing can have been dropped from it.
func scimPages[T any](ctx context.Context, c *Client, resource, filter string, shortPageEnds bool, visit func([]T) bool) error {
	for start, page := 1, 1; ; start, page = start+SCIMPageSize, page+1 {
		if page > c.maxPages {
			// A server that ignored startIndex would otherwise be paged forever.
			return fmt.Errorf("GET %s: still getting rows after %d pages of %d; stopping (does the endpoint honour startIndex?)",
				c.scimPath(resource), c.maxPages, SCIMPageSize)
		}
		q := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(SCIMPageSize)}}
		if filter != "" {
			q.Set("filter", filter)
		}
		req := c.scim(http.MethodGet, nil, resource)
		req.query = q
		var page scimList[T]
		if _, err := c.do(ctx, req, &page); err != nil {
			return err
		}
		if visit(page.Resources) {
			return nil
		}
		if len(page.Resources) == 0 || (shortPageEnds && len(page.Resources) < SCIMPageSize) {
			return nil
		}
	}
}

// filterEscaper encodes only the two characters that Harness's
// second URL-decoding of the filter would change.
var filterEscaper = strings.NewReplacer("%", "%25", "+", "%2B")

// eqFilter builds `attr eq "value"`. Harness ignores the attribute name,
// splits the filter at " eq " and strips the first and last character of
// what lies between the first and second separator (docs/design/harness-api.md
// 1.6, ScimUserServiceImpl.searchUser), so the value is not quoted Go-style
// (that would double backslashes): quotes and newlines inside it survive,
// but a value containing " eq " would be cut there, and is refused. Harness
// URL-decodes the filter once more after the query string was decoded,
// which would turn the "+" of alice+tag@example.com into a space, so "%"
// and "+" are percent-encoded for that second decoding.
func eqFilter(attr, value string) (string, error) {
	if strings.Contains(value, " eq ") {
		return "", fmt.Errorf(`%q cannot be searched for: Harness cuts a SCIM filter value at " eq "`, value)
	}
	return attr + ` eq "` + filterEscaper.Replace(value) + `"`, nil
}

// CreateSCIMUser POSTs a user. Harness answers 201 with the existing user
// when the email is already known, so this also adopts (docs/design/harness-api.md 1.4).
// A body whose names Harness cannot build (NameProblem) is refused with an
// ErrValidation error without a request.
func (c *Client) CreateSCIMUser(ctx context.Context, u *SCIMUser) (*SCIMUser, error) {
	if p := u.NameProblem(true); p != "" {
		return nil, nameError(http.MethodPost, c.scimPath("Users"), p)
	}
	var out SCIMUser
	body := *u
	body.Schemas = []string{SchemaUser}
	if _, err := c.do(ctx, c.scim(http.MethodPost, &body, "Users"), &out); err != nil {
		// Harness answers every failure of this idempotent create with 409
		// (getExceptionResponse(ex, 404, CONFLICT)); it never means the
		// user exists.
		if apiErr, ok := AsAPIError(err); ok && apiErr.Kind == KindConflict {
			apiErr.Kind = KindValidation
		}
		return nil, err
	}
	if out.ID == "" {
		return nil, fmt.Errorf("POST %s: Harness answered without a user id", c.scimPath("Users"))
	}
	return &out, nil
}

// GetSCIMUser reads a user by id.
func (c *Client) GetSCIMUser(ctx context.Context, id string) (*SCIMUser, error) {
	var out SCIMUser
	if _, err := c.do(ctx, c.scim(http.MethodGet, nil, "Users", id), &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, &APIError{Method: http.MethodGet, Path: c.scimPath("Users", id), StatusCode: http.StatusOK,
			Message: "Harness answered with an empty user", Kind: KindNotFound}
	}
	return &out, nil
}

// FindSCIMUserByUserName finds a SCIM-managed user by email. Harness matches
// the stored lower-case email exactly, so the value is lower-cased first.
// It returns an ErrNotFound error when there is no such user.
func (c *Client) FindSCIMUserByUserName(ctx context.Context, userName string) (*SCIMUser, error) {
	want := strings.ToLower(strings.TrimSpace(userName))
	filter, err := eqFilter("userName", want)
	if err != nil {
		return nil, err
	}
	// A filter Harness cannot parse returns every user, so check the match.
	u, err := scimFind(ctx, c, "Users", filter, func(u *SCIMUser) bool { return strings.EqualFold(u.UserName, want) })
	if err != nil {
		return nil, err
	}
	if u != nil {
		return u, nil
	}
	return nil, &APIError{Method: http.MethodGet, Path: c.scimPath("Users"), StatusCode: http.StatusOK,
		Message: fmt.Sprintf("no SCIM user with userName %q", want), Kind: KindNotFound}
}

// ListSCIMUsers returns every SCIM-managed user of the account.
func (c *Client) ListSCIMUsers(ctx context.Context) ([]SCIMUser, error) {
	return scimListAll[SCIMUser](ctx, c, "Users", "")
}

// ReplaceSCIMUser PUTs a user. Harness answers 200 with an empty body when
// the PUT deactivates the user; the result is then nil. A missing active is
// sent as true (what IsActive reads it as): NextGen with PL_USER_DELETION_V2
// answers a PUT without active with a misleading 404 (docs/design/harness-api.md 1.8).
func (c *Client) ReplaceSCIMUser(ctx context.Context, id string, u *SCIMUser) (*SCIMUser, error) {
	if p := u.NameProblem(false); p != "" {
		return nil, nameError(http.MethodPut, c.scimPath("Users", id), p)
	}
	body := *u
	body.Schemas = []string{SchemaUser}
	body.ID = id
	if body.Active == nil {
		active := true
		body.Active = &active
	}
	var out SCIMUser
	if _, err := c.do(ctx, c.scim(http.MethodPut, &body, "Users", id), &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, nil
	}
	return &out, nil
}

// PatchSCIMUser applies ops. Harness answers 204 when the ops deactivate the
// user; the result is then nil. NextGen reports an unknown id as a 400
// "User does not exist", which decodeError classifies as ErrNotFound.
func (c *Client) PatchSCIMUser(ctx context.Context, id string, ops ...SCIMPatchOp) (*SCIMUser, error) {
	var out SCIMUser
	if _, err := c.do(ctx, c.scim(http.MethodPatch, NewSCIMPatch(ops...), "Users", id), &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, nil
	}
	return &out, nil
}

// DeleteSCIMUser deletes a user. Harness never answers 404 here: NextGen
// relays a 400 "Token is not valid." and FirstGen a 401 for an id it does not
// know (docs/design/harness-api.md 1.8). On those answers the user is looked up, and a
// user that is gone is reported as ErrNotFound; a real credential problem
// keeps its original error.
func (c *Client) DeleteSCIMUser(ctx context.Context, id string) error {
	_, err := c.do(ctx, c.scim(http.MethodDelete, nil, "Users", id), nil)
	if err == nil {
		return nil
	}
	return deleteFoundGone(err, func() error { _, gerr := c.GetSCIMUser(ctx, id); return gerr })
}

// deleteFoundGone turns a misleading 400/401 from a DELETE into ErrNotFound when
// a follow-up read says the object does not exist.
func deleteFoundGone(err error, read func() error) error {
	apiErr, ok := AsAPIError(err)
	if !ok || (apiErr.Kind != KindUnauthorized && apiErr.Kind != KindValidation) {
		return err
	}
	if rerr := read(); IsNotFound(rerr) {
		apiErr.Kind = KindNotFound
	}
	return err
}
