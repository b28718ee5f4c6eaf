package client

import (
	"context"
	"maps"
	"net/http"
	"net/url"
)

// ServiceAccount is a NextGen service account (harness-api.md 5).
type ServiceAccount struct {
	Identifier  string            `json:"identifier"`
	Name        string            `json:"name"`
	Email       string            `json:"email"`
	Description string            `json:"description"`
	Tags        map[string]string `json:"tags"`
	// AccountIdentifier is filled in by the client.
	AccountIdentifier string `json:"accountIdentifier"`
	OrgIdentifier     string `json:"orgIdentifier,omitempty"`
	ProjectIdentifier string `json:"projectIdentifier,omitempty"`
}

// Scope is the service account's scope.
func (sa *ServiceAccount) Scope() Scope {
	return Scope{Org: sa.OrgIdentifier, Project: sa.ProjectIdentifier}
}

// serviceAccountAggregate is GET aggregate/{id}'s answer.
type serviceAccountAggregate struct {
	ServiceAccount ServiceAccount `json:"serviceAccount"`
	TokensCount    int            `json:"tokensCount"`
}

const serviceAccountPath = "/ng/api/serviceaccount"

func (c *Client) serviceAccountBody(sa *ServiceAccount) *ServiceAccount {
	body := *sa
	body.AccountIdentifier = c.cfg.AccountID
	body.Tags = tagsOrEmpty(sa.Tags)
	return &body
}

// CreateServiceAccount creates a service account. When an earlier attempt
// of this call may have been applied and the retry answers DUPLICATE_FIELD,
// the account that attempt created is returned instead of an error.
func (c *Client) CreateServiceAccount(ctx context.Context, sa *ServiceAccount) (*ServiceAccount, error) {
	body := c.serviceAccountBody(sa)
	out, err := ngCall[ServiceAccount](ctx, c, c.ng(http.MethodPost, serviceAccountPath, c.ngQuery(sa.Scope()), body))
	if err != nil {
		if uncertainConflict(err) {
			if got, gerr := c.GetServiceAccount(ctx, sa.Scope(), sa.Identifier); gerr == nil &&
				got.Name == body.Name && got.Email == body.Email && got.Description == body.Description && maps.Equal(got.Tags, body.Tags) {
				c.log.Debug(ctx, "service account create was retried after an uncertain failure; adopting the account the first attempt created",
					map[string]any{"identifier": sa.Identifier})
				return got, nil
			}
		}
		return nil, err
	}
	return &out, nil
}

// GetServiceAccount reads a service account. Harness answers a missing one
// with 400 INVALID_ARGUMENT "doesn't exist in scope", returned as
// ErrNotFound.
func (c *Client) GetServiceAccount(ctx context.Context, sc Scope, identifier string) (*ServiceAccount, error) {
	out, err := ngCall[serviceAccountAggregate](ctx, c,
		c.ng(http.MethodGet, serviceAccountPath+"/aggregate/"+url.PathEscape(identifier), c.ngQuery(sc), nil))
	if err != nil {
		return nil, markNotFound(err, "service account", identifier)
	}
	return &out.ServiceAccount, nil
}

// UpdateServiceAccount changes a service account's name, description and
// tags; Harness cannot change its identifier, scope or email.
func (c *Client) UpdateServiceAccount(ctx context.Context, sa *ServiceAccount) (*ServiceAccount, error) {
	out, err := ngCall[ServiceAccount](ctx, c, c.ng(http.MethodPut, serviceAccountPath+"/"+url.PathEscape(sa.Identifier),
		c.ngQuery(sa.Scope()), c.serviceAccountBody(sa)))
	if err != nil {
		return nil, markNotFound(err, "service account", sa.Identifier)
	}
	return &out, nil
}

// DeleteServiceAccount deletes a service account with its API keys and
// tokens. A missing account is an ErrNotFound error.
func (c *Client) DeleteServiceAccount(ctx context.Context, sc Scope, identifier string) error {
	_, err := ngCall[bool](ctx, c, c.ng(http.MethodDelete, serviceAccountPath+"/"+url.PathEscape(identifier), c.ngQuery(sc), nil))
	return markNotFound(err, "service account", identifier)
}
