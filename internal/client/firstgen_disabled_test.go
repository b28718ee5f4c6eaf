package client

import (
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestFirstGenDisabled: on an account migrated to NextGen every FirstGen
// SCIM call fails with ErrFirstGenDisabled (DisableFirstGenFilter's 403
// ACCOUNT_MIGRATED_TO_NEXT_GEN), not ErrForbidden, after one request each
// (a 403 is not retried); NextGen calls keep working.
func TestFirstGenDisabled(t *testing.T) {
	t.Parallel()
	srv := mockserver.New(mockserver.Options{Profile: mockserver.MustProfile("firstgen-disabled")})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := New(Config{Endpoint: hs.URL, AccountID: srv.AccountID(), APIKey: srv.Token(), Generation: FirstGen})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_, errCreate := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "a@example.com", DisplayName: "A"})
	_, errList := c.ListSCIMGroups(ctx)
	for _, err := range []error{errCreate, errList} {
		if !IsFirstGenDisabled(err) || errors.Is(err, ErrForbidden) {
			t.Errorf("err = %v, want ErrFirstGenDisabled", err)
		}
		if apiErr, ok := AsAPIError(err); !ok || apiErr.StatusCode != 403 || apiErr.Message != "Account "+srv.AccountID()+" migrated to NextGen" ||
			apiErr.NextGenTenantURL != hs.URL+"/ng/api/scim/account/"+srv.AccountID() {
			t.Errorf("APIError = %+v", apiErr)
		}
	}
	if got := mockserver.CountsString(srv.Counts()); got != "CreateUser=1 SearchGroups=1" {
		t.Errorf("requests %s", got)
	}
	if _, err := c.GetServiceAccount(ctx, Scope{}, "nope"); !IsNotFound(err) {
		t.Errorf("NextGen on a migrated account: %v", err)
	}
}
