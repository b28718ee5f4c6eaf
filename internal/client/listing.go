package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page-by-page listings for callers that stream what they find and may
// stop early (list resources): visit gets each page as it arrives and
// returns true to stop. They page to the end the way the whole-list
// functions do: SCIM pages by startIndex until an empty page (a short page
// ends a FirstGen user listing and any group listing, but not a NextGen
// user listing, whose pages lose the rows NextGen hides, docs/design/harness-api.md
// 1.6), NextGen PageResponses by pageIndex until the last page. Every page
// is one request through the same client, retried and paced like any
// other.

// ListSCIMUserPages visits the SCIM users of the account, page by page:
// every user created or updated through SCIM, or with userName set only
// the one with that email (Harness's search, usually one request).
func (c *Client) ListSCIMUserPages(ctx context.Context, userName string, visit func([]SCIMUser) bool) error {
	filter := ""
	if userName != "" {
		var err error
		if filter, err = eqFilter("userName", strings.ToLower(strings.TrimSpace(userName))); err != nil {
			return err
		}
	}
	return scimPages(ctx, c, "Users", filter, c.cfg.Generation == FirstGen, visit)
}

// ListSCIMGroupPages visits the SCIM groups of the account, page by page,
// or with displayName set those with exactly that name. Groups listed once
// per scope (harnessScopes) share an id; callers drop repeats.
func (c *Client) ListSCIMGroupPages(ctx context.Context, displayName string, visit func([]SCIMGroup) bool) error {
	filter := ""
	if displayName != "" {
		var err error
		if filter, err = eqFilter("displayName", displayName); err != nil {
			return err
		}
	}
	return scimPages(ctx, c, "Groups", filter, true, visit)
}

// ListServiceAccountPages visits the service accounts of exactly one
// scope, page by page; search matches names and identifiers (Harness's
// searchTerm).
func (c *Client) ListServiceAccountPages(ctx context.Context, sc Scope, search string, visit func([]ServiceAccount) bool) error {
	q := c.ngQuery(sc)
	if search != "" {
		q.Set("searchTerm", search)
	}
	return ngPages(ctx, c, serviceAccountPath+"/aggregate", q, func(rows []serviceAccountAggregate) bool {
		page := make([]ServiceAccount, 0, len(rows))
		for _, r := range rows {
			if r.ServiceAccount.Scope() == sc {
				page = append(page, r.ServiceAccount)
			}
		}
		return visit(page)
	})
}

// ListAPIKeyPages visits the API keys of one parent (parent.Identifier is
// ignored) in exactly its scope, page by page; search matches names and
// identifiers. Harness needs the key type and parent to list keys
// (docs/design/harness-api.md 3.1) and ignores an empty org or project, so keys of
// other scopes are dropped here.
func (c *Client) ListAPIKeyPages(ctx context.Context, parent APIKeyRef, search string, visit func([]APIKey) bool) error {
	q := c.keyQuery(parent)
	if search != "" {
		q.Set("searchTerm", search)
	}
	return ngPages(ctx, c, apiKeyPath+"/aggregate", q, func(rows []apiKeyAggregate) bool {
		page := make([]APIKey, 0, len(rows))
		for _, r := range rows {
			if r.APIKey.Ref().Scope == parent.Scope {
				page = append(page, r.APIKey)
			}
		}
		return visit(page)
	})
}

// TokenFilter selects tokens: a key type (required by Harness) in exactly
// one scope, optionally of one parent and one key (a key needs its
// parent, docs/design/harness-api.md 4), and a searchTerm on names and identifiers.
type TokenFilter struct {
	Scope  Scope
	Type   APIKeyType
	Parent string
	APIKey string
	Search string
}

// ListTokenPages visits the tokens a filter selects, rotated-out values
// included, page by page. Harness ignores an empty org or project here, so
// tokens of other scopes are dropped.
func (c *Client) ListTokenPages(ctx context.Context, f TokenFilter, visit func([]TokenAggregate) bool) error {
	q := c.ngQuery(f.Scope)
	q.Set("apiKeyType", string(f.Type))
	for k, v := range map[string]string{"parentIdentifier": f.Parent, "apiKeyIdentifier": f.APIKey, "searchTerm": f.Search} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return ngPages(ctx, c, tokenPath+"/aggregate", q, func(rows []TokenAggregate) bool {
		page := rows[:0]
		for _, r := range rows {
			if r.Token.KeyRef().Scope == f.Scope {
				page = append(page, r)
			}
		}
		return visit(page)
	})
}

// ngPages feeds each page of a NextGen PageResponse route to visit until
// visit returns true or the last page was read.
func ngPages[T any](ctx context.Context, c *Client, path string, q url.Values, visit func([]T) bool) error {
	for page := 0; ; page++ {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("pageIndex", strconv.Itoa(page))
		pq.Set("pageSize", strconv.Itoa(ngPageSize))
		p, err := ngCall[ngPage[T]](ctx, c, c.ng(http.MethodGet, path, pq, nil))
		if err != nil {
			return err
		}
		if visit(p.Content) || len(p.Content) == 0 || page+1 >= p.TotalPages {
			return nil
		}
	}
}
