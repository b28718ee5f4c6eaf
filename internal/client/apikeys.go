package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// APIKeyType is Harness's ApiKeyType.
type APIKeyType string

// API key types: personal keys (pat. tokens) and service-account keys (sat.
// tokens).
const (
	APIKeyTypeUser           APIKeyType = "USER"
	APIKeyTypeServiceAccount APIKeyType = "SERVICE_ACCOUNT"
)

// DefaultTimeToExpireToken is what Harness fills in when an API key omits
// defaultTimeToExpireToken: 30 days in milliseconds (docs/design/harness-api.md 3.1).
const DefaultTimeToExpireToken int64 = 2592000000

// APIKeyRef names an API key. Harness finds keys by scope, type, parent and
// identifier together, so every call needs all four.
type APIKeyRef struct {
	Scope      Scope
	Type       APIKeyType
	Parent     string
	Identifier string
}

func (r APIKeyRef) String() string {
	return fmt.Sprintf("%q (%s key of %s, %s)", r.Identifier, r.Type, r.Parent, r.Scope)
}

// keyQuery is the query naming a key's parent (docs/design/harness-api.md 3.1).
func (c *Client) keyQuery(r APIKeyRef) url.Values {
	q := c.ngQuery(r.Scope)
	q.Set("apiKeyType", string(r.Type))
	q.Set("parentIdentifier", r.Parent)
	return q
}

// APIKey is a NextGen API key.
type APIKey struct {
	Identifier       string            `json:"identifier"`
	Name             string            `json:"name"`
	Description      string            `json:"description"`
	Tags             map[string]string `json:"tags"`
	APIKeyType       APIKeyType        `json:"apiKeyType"`
	ParentIdentifier string            `json:"parentIdentifier"`
	// DefaultTimeToExpireToken is the lifetime in milliseconds of tokens
	// created without validTo; 0 sends nothing and Harness uses 30 days.
	DefaultTimeToExpireToken int64  `json:"defaultTimeToExpireToken,omitempty"`
	AccountIdentifier        string `json:"accountIdentifier"`
	OrgIdentifier            string `json:"orgIdentifier,omitempty"`
	ProjectIdentifier        string `json:"projectIdentifier,omitempty"`
}

// Ref is the key's APIKeyRef.
func (k *APIKey) Ref() APIKeyRef {
	return APIKeyRef{
		Scope: Scope{Org: k.OrgIdentifier, Project: k.ProjectIdentifier},
		Type:  k.APIKeyType, Parent: k.ParentIdentifier, Identifier: k.Identifier,
	}
}

type apiKeyAggregate struct {
	APIKey      APIKey `json:"apiKey"`
	TokensCount int    `json:"tokensCount"`
}

const apiKeyPath = "/ng/api/apikey"

func (c *Client) apiKeyBody(k *APIKey) *APIKey {
	body := *k
	body.AccountIdentifier = c.cfg.AccountID
	body.Tags = tagsOrEmpty(k.Tags)
	return &body
}

// CreateAPIKey creates an API key. USER keys can only be created by that
// user (docs/design/harness-api.md 3.2). A taken identifier is an ErrConflict error
// (DUPLICATE_FIELD), also after a retry whose earlier attempt may have been
// applied: like a service account, a key carries nothing that proves which
// request made it, so an existing key is never taken over (see
// CreateServiceAccount).
func (c *Client) CreateAPIKey(ctx context.Context, k *APIKey) (*APIKey, error) {
	out, err := ngCall[APIKey](ctx, c, c.ng(http.MethodPost, apiKeyPath, c.ngQuery(Scope{}), c.apiKeyBody(k)))
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetAPIKey reads a key through GET aggregate/{id}. Harness answers a
// missing key with 400 INVALID_ARGUMENT "doesn't exist in scope", returned
// as ErrNotFound (the official provider errors instead, docs/design/harness-api.md 7.3).
func (c *Client) GetAPIKey(ctx context.Context, r APIKeyRef) (*APIKey, error) {
	out, err := ngCall[apiKeyAggregate](ctx, c,
		c.ng(http.MethodGet, apiKeyPath+"/aggregate/"+url.PathEscape(r.Identifier), c.keyQuery(r), nil))
	if err != nil {
		return nil, markNotFound(err, "api key", r.Identifier)
	}
	return &out.APIKey, nil
}

// UpdateAPIKey changes a key's name, description, tags and default token
// lifetime. Harness reads the key's identity from the body; a missing key
// answers 500, which is confirmed with one read and returned as ErrNotFound
// instead of being retried.
func (c *Client) UpdateAPIKey(ctx context.Context, k *APIKey) (*APIKey, error) {
	req := c.ng(http.MethodPut, apiKeyPath+"/"+url.PathEscape(k.Identifier), c.ngQuery(Scope{}), c.apiKeyBody(k))
	req.confirmGone = func(ctx context.Context) error { _, err := c.GetAPIKey(ctx, k.Ref()); return err }
	out, err := ngCall[APIKey](ctx, c, req)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteAPIKey deletes a key and its tokens. A missing key (Harness's 500,
// confirmed with one read) is an ErrNotFound error.
func (c *Client) DeleteAPIKey(ctx context.Context, r APIKeyRef) error {
	req := c.ng(http.MethodDelete, apiKeyPath+"/"+url.PathEscape(r.Identifier), c.keyQuery(r), nil)
	req.confirmGone = func(ctx context.Context) error { _, err := c.GetAPIKey(ctx, r); return err }
	_, err := ngCall[bool](ctx, c, req)
	return err
}
