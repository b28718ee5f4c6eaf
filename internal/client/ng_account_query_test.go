package client

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// TestEveryNextGenCallSendsAccountInQuery: the NextGen resources read the
// account from the accountIdentifier query parameter (@NotNull or
// @NotBlank on every route but the API-key PUT, which reads the body), and
// NextGenAuthenticationFilter never reads the body. Every NextGen request
// the client makes, follow-up reads included, carries it.
func TestEveryNextGenCallSendsAccountInQuery(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	ctx := context.Background()
	sa := &ServiceAccount{Identifier: "sa1", Name: "SA", Email: "sa1@service.harness.io"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.c.CreateServiceAccount(ctx, sa)
	must(err)
	_, err = f.c.GetServiceAccount(ctx, Scope{}, "sa1")
	must(err)
	sa.Name = "SA 2"
	_, err = f.c.UpdateServiceAccount(ctx, sa)
	must(err)
	key := &APIKey{Identifier: "k1", Name: "k1", APIKeyType: APIKeyTypeServiceAccount, ParentIdentifier: "sa1"}
	_, err = f.c.CreateAPIKey(ctx, key)
	must(err)
	_, err = f.c.GetAPIKey(ctx, saKeyRef)
	must(err)
	_, err = f.c.UpdateAPIKey(ctx, key)
	must(err)
	tok := &Token{Identifier: "t1", Name: "t1"}
	tok.SetKey(saKeyRef)
	secret, err := f.c.CreateToken(ctx, tok)
	must(err)
	got, err := f.c.GetToken(ctx, saKeyRef, "t1")
	must(err)
	_, err = f.c.UpdateToken(ctx, &got.Token)
	must(err)
	_, err = f.c.ValidateToken(ctx, secret)
	must(err)
	_, err = f.c.TokenRoom(ctx, saKeyRef)
	must(err)
	_, err = f.c.RotateToken(ctx, saKeyRef, "t1", time.Now().Add(time.Hour))
	must(err)
	must(f.c.DeleteToken(ctx, saKeyRef, "t1"))
	// Missing objects: Harness's 500 and the follow-up read.
	if _, err := f.c.UpdateAPIKey(ctx, &APIKey{Identifier: "nope", Name: "n", APIKeyType: APIKeyTypeServiceAccount, ParentIdentifier: "sa1"}); !IsNotFound(err) {
		t.Fatalf("update of a missing key: %v", err)
	}
	if err := f.c.DeleteToken(ctx, saKeyRef, "nope"); !IsNotFound(err) {
		t.Fatalf("delete of a missing token: %v", err)
	}
	must(f.c.DeleteAPIKey(ctx, saKeyRef))
	must(f.c.DeleteServiceAccount(ctx, Scope{}, "sa1"))

	ops := map[string]bool{}
	for _, r := range f.mock.Requests() {
		if !strings.HasPrefix(r.Path, "/ng/api/") || strings.HasPrefix(r.Path, "/ng/api/scim/") {
			continue
		}
		ops[r.Op] = true
		if q, _ := url.ParseQuery(r.Query); q.Get("accountIdentifier") != f.mock.AccountID() {
			t.Errorf("%s %s?%s (%s) lacks accountIdentifier=%s", r.Method, r.Path, r.Query, r.Op, f.mock.AccountID())
		}
	}
	for _, op := range []string{
		mockserver.OpCreateServiceAccount, mockserver.OpGetServiceAccount, mockserver.OpUpdateServiceAccount,
		mockserver.OpDeleteServiceAccount, mockserver.OpCreateAPIKey, mockserver.OpGetAPIKey, mockserver.OpUpdateAPIKey,
		mockserver.OpDeleteAPIKey, mockserver.OpCreateToken, mockserver.OpListTokens, mockserver.OpUpdateToken,
		mockserver.OpDeleteToken, mockserver.OpRotateToken, mockserver.OpValidateToken,
	} {
		if !ops[op] {
			t.Errorf("the test did not exercise %s", op)
		}
	}
}
