package client

import (
	"context"
	"net/http"
	"net/url"
)

// ServiceAccount is a NextGen service account (docs/design/harness-api.md 5).
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

// CreateServiceAccount creates a service account. A taken identifier is
// an ErrConflict error (DUPLICATE_FIELD), also when it answers a retry
// whose earlier attempt may have been applied: a service account carries
// nothing that proves which request made it (ServiceAccountDTO has no field
// the client could mark, and its createdAt cannot be ordered against the
// first attempt with Harness's one-second Date header), so an existing one
// is never taken over; the caller says how to import it.
func (c *Client) CreateServiceAccount(ctx context.Context, sa *ServiceAccount) (*ServiceAccount, error) {
	out, err := ngCall[ServiceAccount](ctx, c, c.ng(http.MethodPost, serviceAccountPath, c.ngQuery(sa.Scope()), c.serviceAccountBody(sa)))
	if err != nil {
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
