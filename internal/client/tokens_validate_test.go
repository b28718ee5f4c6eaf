package client

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestValidateTokenRefusals: Harness answers a secret that does not check
// out with a 400 naming the failed check (TokenValidationHelper), which
// ValidateToken reports as ErrUnauthorized; other 400s keep their kind.
func TestValidateTokenRefusals(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	ctx := context.Background()
	for _, secret := range []string{"", "not-a-token", "sat." + f.mock.AccountID() + ".ffffffffffffffffffffffff.nope"} {
		if _, err := f.c.ValidateToken(ctx, secret); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("ValidateToken(%q) = %v, want ErrUnauthorized", secret, err)
		}
	}
	f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpValidateToken, Status: http.StatusBadRequest,
		Body: `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: Account detail is not present in the request"}`})
	if _, err := f.c.ValidateToken(ctx, "x"); errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrValidation) {
		t.Errorf("a 400 that is not a token refusal: %v", err)
	}
}
