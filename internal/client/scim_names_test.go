package client

import (
	"errors"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestSCIMUserNameProblem: bodies whose names Harness cannot build are
// refused before any request, and the rule matches the mock, which mimics
// NGScimUserServiceImpl and ScimUserServiceImpl: with the check bypassed,
// the mock fails the same bodies.
func TestSCIMUserNameProblem(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		ctx := t.Context()
		for _, tc := range []struct {
			u      SCIMUser
			create bool
		}{
			{SCIMUser{UserName: "g@example.com", DisplayName: "G", Name: &SCIMName{GivenName: "Gi"}}, true},
			{SCIMUser{UserName: "h@example.com", Name: &SCIMName{GivenName: "Hi"}}, true},
			{SCIMUser{UserName: "i@example.com", Name: &SCIMName{FamilyName: "Fa"}}, true},
			{SCIMUser{UserName: "j@example.com", Name: &SCIMName{FamilyName: "Fa"}}, false},
		} {
			srv.ResetRequests()
			var err error
			if tc.create {
				_, err = c.CreateSCIMUser(ctx, &tc.u)
			} else {
				_, err = c.ReplaceSCIMUser(ctx, "someid", &tc.u)
			}
			if !errors.Is(err, ErrValidation) || tc.u.NameProblem(tc.create) == "" {
				t.Errorf("%+v: %v", tc.u.Name, err)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%+v: %d requests for a refused body", tc.u.Name, n)
			}
			if tc.create {
				// The same body sent anyway: Harness's 409, as a validation error.
				body := tc.u
				var out SCIMUser
				_, err := c.do(ctx, c.scim("POST", &body, "Users"), &out)
				if apiErr, ok := AsAPIError(err); !ok || apiErr.StatusCode != 409 {
					t.Errorf("%+v sent anyway: %v", tc.u.Name, err)
				}
			}
		}
		// Fine: both parts, or only a family name next to a displayName.
		for _, u := range []SCIMUser{
			{UserName: "k@example.com", DisplayName: "K", Name: &SCIMName{GivenName: "Ka", FamilyName: "Ke"}},
			{UserName: "l@example.com", DisplayName: "L", Name: &SCIMName{FamilyName: "Le"}},
			{UserName: "m@example.com", Name: &SCIMName{GivenName: "Ma", FamilyName: "Me"}},
		} {
			if _, err := c.CreateSCIMUser(ctx, &u); err != nil {
				t.Errorf("%+v: %v", u.Name, err)
			}
		}
		// A replace with a displayName may carry a given name alone.
		u, _ := c.FindSCIMUserByUserName(ctx, "k@example.com")
		if _, err := c.ReplaceSCIMUser(ctx, u.ID, &SCIMUser{UserName: "k@example.com", DisplayName: "K", Name: &SCIMName{GivenName: "Kb"}}); err != nil {
			t.Errorf("replace with a given name alone: %v", err)
		}
	})
}

// TestCreateSCIMUserRefusalIsValidation: every create failure is Harness's
// 409, and none of them means the user exists (the create is idempotent),
// so it reads as ErrValidation: here FirstGen refusing a userName that is
// not an email (INVALID_EMAIL), which NextGen accepts.
func TestCreateSCIMUserRefusalIsValidation(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		_, c, _ := mockClient(t, profile, nil)
		u, err := c.CreateSCIMUser(t.Context(), &SCIMUser{UserName: "UserName123", DisplayName: "U"})
		if mockserver.MustProfile(profile).Generation == mockserver.FirstGen {
			if !errors.Is(err, ErrValidation) || IsConflict(err) {
				t.Errorf("FirstGen: %v", err)
			}
			return
		}
		if err != nil || u.UserName != "username123" {
			t.Errorf("NextGen: %+v, %v", u, err)
		}
	})
}
