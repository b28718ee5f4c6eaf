package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// recordingLogger keeps every logged line, for secret-leak checks.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %v", msg, fields))
}

func (l *recordingLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	l.Debug(ctx, msg, fields)
}

func (l *recordingLogger) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type ngFixture struct {
	mock  *mockserver.Server
	c     *Client
	log   *recordingLogger
	url   string
	sleep *[]time.Duration
}

func newNGFixture(t *testing.T) *ngFixture {
	t.Helper()
	mock := mockserver.New(mockserver.Options{})
	hs := httptest.NewServer(mock)
	t.Cleanup(hs.Close)
	log := &recordingLogger{}
	c, err := New(Config{Endpoint: hs.URL, AccountID: mock.AccountID(), APIKey: mock.Token(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	// Record the waits instead of sleeping: tests assert there were none
	// where Harness's 500 means "missing".
	var mu sync.Mutex
	sleeps := &[]time.Duration{}
	c.sleepFn = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*sleeps = append(*sleeps, d)
		mu.Unlock()
		return ctx.Err()
	}
	return &ngFixture{mock: mock, c: c, log: log, url: hs.URL, sleep: sleeps}
}

func (f *ngFixture) counts(t *testing.T, want map[string]int) {
	t.Helper()
	if got := mockserver.CountsString(f.mock.Counts()); got != mockserver.CountsString(want) {
		t.Fatalf("requests: got %s, want %s", got, mockserver.CountsString(want))
	}
	f.mock.ResetRequests()
}

var saKeyRef = APIKeyRef{Type: APIKeyTypeServiceAccount, Parent: "sa1", Identifier: "k1"}

func (f *ngFixture) seedKey(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.c.CreateServiceAccount(ctx, &ServiceAccount{Identifier: "sa1", Name: "SA 1", Email: "sa1@service.harness.io"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.CreateAPIKey(ctx, &APIKey{Identifier: "k1", Name: "k1", APIKeyType: APIKeyTypeServiceAccount, ParentIdentifier: "sa1"}); err != nil {
		t.Fatal(err)
	}
	f.mock.ResetRequests()
}

var secretRE = regexp.MustCompile(`^sat\.` + mockserver.DefaultAccountID + `\.[0-9a-f]{24}\.[A-Za-z0-9]{20}$`)

func TestServiceAccountCRUD(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	ctx := context.Background()
	sc := Scope{Org: "org1"}
	sa, err := f.c.CreateServiceAccount(ctx, &ServiceAccount{Identifier: "sa1", Name: "SA", Email: "sa1@service.harness.io", OrgIdentifier: "org1"})
	if err != nil {
		t.Fatal(err)
	}
	if sa.OrgIdentifier != "org1" || sa.Tags == nil {
		t.Fatalf("created %+v", sa)
	}
	sa.Name, sa.Tags = "Renamed", map[string]string{"team": "idp"}
	if _, err := f.c.UpdateServiceAccount(ctx, sa); err != nil {
		t.Fatal(err)
	}
	got, err := f.c.GetServiceAccount(ctx, sc, "sa1")
	if err != nil || got.Name != "Renamed" || got.Tags["team"] != "idp" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := f.c.GetServiceAccount(ctx, Scope{}, "sa1"); !IsNotFound(err) {
		t.Fatalf("a service account in another scope: %v", err)
	}
	if err := f.c.DeleteServiceAccount(ctx, sc, "sa1"); err != nil {
		t.Fatal(err)
	}
	f.mock.ResetRequests()
	if _, err := f.c.UpdateServiceAccount(ctx, sa); !IsNotFound(err) {
		t.Fatalf("update of a deleted account: %v", err)
	}
	if err := f.c.DeleteServiceAccount(ctx, sc, "sa1"); !IsNotFound(err) {
		t.Fatalf("delete of a deleted account: %v", err)
	}
	f.counts(t, map[string]int{mockserver.OpUpdateServiceAccount: 1, mockserver.OpDeleteServiceAccount: 1})
}

// A PUT or DELETE of a missing key is Harness's 500: one read confirms it
// is gone, and nothing is retried or waited for.
func TestAPIKeyMissingIsNotFoundWithoutRetries(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	ctx := context.Background()
	f.mock.RemoveAPIKey(mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "sa1", Identifier: "k1"})

	if _, err := f.c.GetAPIKey(ctx, saKeyRef); !IsNotFound(err) {
		t.Fatalf("get: %v", err)
	}
	_, err := f.c.UpdateAPIKey(ctx, &APIKey{Identifier: "k1", Name: "x", APIKeyType: APIKeyTypeServiceAccount, ParentIdentifier: "sa1"})
	if !IsNotFound(err) {
		t.Fatalf("update: %v", err)
	}
	if err := f.c.DeleteAPIKey(ctx, saKeyRef); !IsNotFound(err) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("delete: %v", err)
	}
	f.counts(t, map[string]int{mockserver.OpGetAPIKey: 3, mockserver.OpUpdateAPIKey: 1, mockserver.OpDeleteAPIKey: 1})
	if len(*f.sleep) != 0 {
		t.Fatalf("waited %v before giving up on a missing key", *f.sleep)
	}
}

// A real 500 on an existing key is still retried after the check.
func TestAPIKeyServerErrorStillRetried(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpUpdateAPIKey, Status: 500, Body: `{"status":"ERROR","code":"UNKNOWN_ERROR","message":"Oops"}`})
	k, err := f.c.UpdateAPIKey(context.Background(), &APIKey{Identifier: "k1", Name: "renamed", APIKeyType: APIKeyTypeServiceAccount,
		ParentIdentifier: "sa1", DefaultTimeToExpireToken: 3600000})
	if err != nil || k.Name != "renamed" || k.DefaultTimeToExpireToken != 3600000 {
		t.Fatalf("update: %+v %v", k, err)
	}
	f.counts(t, map[string]int{mockserver.OpUpdateAPIKey: 2, mockserver.OpGetAPIKey: 1})
	if len(*f.sleep) != 1 {
		t.Fatalf("waits: %v", *f.sleep)
	}
}

func TestAPIKeyUserRuleErrors(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	ctx := context.Background()
	_, err := f.c.CreateAPIKey(ctx, &APIKey{Identifier: "k", Name: "k", APIKeyType: APIKeyTypeUser, ParentIdentifier: "someoneElse"})
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("another user's key: %v", err)
	}
	_, err = f.c.CreateAPIKey(ctx, &APIKey{Identifier: "k", Name: "k", APIKeyType: APIKeyTypeServiceAccount, ParentIdentifier: "nosuchsa"})
	if !IsNotFound(err) || !strings.Contains(err.Error(), "RESOURCE_NOT_FOUND_EXCEPTION") {
		t.Fatalf("missing parent: %v", err)
	}
	for i := range 5 {
		if _, err := f.c.CreateAPIKey(ctx, &APIKey{Identifier: fmt.Sprintf("k%d", i), Name: "k", APIKeyType: APIKeyTypeUser,
			ParentIdentifier: mockserver.AdminUserID}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.c.CreateAPIKey(ctx, &APIKey{Identifier: "k9", Name: "k", APIKeyType: APIKeyTypeUser, ParentIdentifier: mockserver.AdminUserID})
	if !IsLimitReached(err) || IsNotFound(err) {
		t.Fatalf("sixth key: %v", err)
	}
}

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	ctx := context.Background()
	tok := &Token{Identifier: "t1", Name: "t1", Tags: map[string]string{"a": "b"}}
	tok.SetKey(saKeyRef)
	secret, err := f.c.CreateToken(ctx, tok)
	if err != nil || !secretRE.MatchString(secret) {
		t.Fatalf("create: %q %v", secret, err)
	}
	got, err := f.c.GetToken(ctx, saKeyRef, "t1")
	if err != nil || got.Token.Tags["a"] != "b" || got.Token.ValidTo-got.Token.ValidFrom != DefaultTimeToExpireToken {
		t.Fatalf("get: %+v %v", got, err)
	}
	v, err := f.c.ValidateToken(ctx, secret)
	if err != nil || v.Identifier != "t1" {
		t.Fatalf("validate: %+v %v", v, err)
	}

	upd := got.Token
	upd.Name, upd.ValidTo = "renamed", upd.ValidTo-1000
	if _, err := f.c.UpdateToken(ctx, &upd); err != nil {
		t.Fatal(err)
	}
	rotated, err := f.c.RotateToken(ctx, saKeyRef, "t1", f.mock.Now().Add(time.Hour))
	if err != nil || rotated == secret || !secretRE.MatchString(rotated) {
		t.Fatalf("rotate: %v", err)
	}
	rows, err := f.c.ListTokens(ctx, saKeyRef)
	if err != nil || len(rows) != 2 {
		t.Fatalf("list after rotation: %+v %v", rows, err)
	}
	if v, err := f.c.ValidateToken(ctx, secret); err != nil || !strings.HasPrefix(v.Identifier, "rotated_") {
		t.Fatalf("the old secret should belong to the rotated token: %+v %v", v, err)
	}

	if err := f.c.DeleteToken(ctx, saKeyRef, "t1"); err != nil {
		t.Fatal(err)
	}
	f.mock.ResetRequests()
	if _, err := f.c.GetToken(ctx, saKeyRef, "t1"); !IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := f.c.DeleteToken(ctx, saKeyRef, "t1"); !IsNotFound(err) {
		t.Fatalf("delete after delete: %v", err)
	}
	if _, err := f.c.RotateToken(ctx, saKeyRef, "t1", time.Now()); !IsNotFound(err) {
		t.Fatalf("rotate after delete: %v", err)
	}
	if _, err := f.c.UpdateToken(ctx, &upd); !IsNotFound(err) {
		t.Fatalf("update after delete: %v", err)
	}
	f.counts(t, map[string]int{mockserver.OpListTokens: 4, mockserver.OpDeleteToken: 1, mockserver.OpRotateToken: 1, mockserver.OpUpdateToken: 1})
	if len(*f.sleep) != 0 {
		t.Fatalf("waited %v", *f.sleep)
	}
	if _, err := f.c.ValidateToken(ctx, rotated); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("validate a deleted token: %v", err)
	}

	if logs := f.log.all(); strings.Contains(logs, secret) || strings.Contains(logs, rotated) ||
		strings.Contains(logs, f.mock.Token()) || !strings.Contains(logs, "redacted") {
		t.Fatalf("a secret reached the log:\n%s", logs)
	}
}

// The connection drops after Harness created the token: the retry is a
// DUPLICATE_FIELD and the secret is lost. The token carries the validFrom
// marker CreateToken sent, so the client rotates it (never deletes it) and
// returns a working secret; the lost value stops working at once.
func TestCreateTokenRecoversFromDropAfterCommit(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	fault := f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpCreateToken, DropAfterCommit: true})
	tok := &Token{Identifier: "t1", Name: "t1", Description: "for Entra"}
	tok.SetKey(saKeyRef)
	secret, err := f.c.CreateToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	if fault.Fired() != 1 {
		t.Fatal("the fault did not fire")
	}
	f.counts(t, map[string]int{mockserver.OpCreateToken: 2, mockserver.OpListTokens: 1, mockserver.OpRotateToken: 1})
	if tok.ValidFrom != 0 {
		t.Fatalf("ValidFrom = %d after the rotation, want 0 (unknown)", tok.ValidFrom)
	}
	live := 0
	for _, tk := range f.mock.Tokens() {
		if tk.Valid(f.mock.Now()) {
			live++
		}
	}
	if live != 1 {
		t.Fatalf("%d working tokens in Harness, want exactly the returned one", live)
	}
	if _, err := f.c.ValidateToken(context.Background(), secret); err != nil {
		t.Fatalf("the returned secret does not work: %v", err)
	}
}

// The marker CreateToken sends is in the past on Harness's clock, bounded
// by the Date header: a token is valid at once even when the local clock
// is ahead of Harness's.
func TestCreateTokenMarkerIsPastOnHarnessClock(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t) // an answer with a Date header
	// Pretend the local clock runs an hour ahead of Harness's.
	f.c.serverTime.observe(time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), time.Now())
	tok := &Token{Identifier: "t1", Name: "t1"}
	tok.SetKey(saKeyRef)
	secret, err := f.c.CreateToken(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	from := Millis(tok.ValidFrom)
	if lag := time.Since(from); lag < time.Hour+time.Minute || lag > time.Hour+2*time.Minute+2*time.Second {
		t.Fatalf("validFrom is %s before now, want between 61m and 62m", lag)
	}
	if _, err := f.c.ValidateToken(context.Background(), secret); err != nil {
		t.Fatalf("the new token does not work: %v", err)
	}
}

// An uncertain failure followed by a DUPLICATE_FIELD for a token that is
// not the one this create made is left alone and the conflict returned:
// another configuration's token with the same identifier, name and
// validity (the two-workspace case: the token was created with no
// validity set, like the retried create), and one whose name differs.
func TestCreateTokenKeepsForeignDuplicate(t *testing.T) {
	t.Parallel()
	for name, otherName := range map[string]string{"same-request": "t1", "other-name": "someone else"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newNGFixture(t)
			f.seedKey(t)
			ctx := context.Background()
			other := &Token{Identifier: "t1", Name: otherName}
			other.SetKey(saKeyRef)
			otherSecret, err := f.c.CreateToken(ctx, other)
			if err != nil {
				t.Fatal(err)
			}
			f.mock.ResetRequests()
			f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpCreateToken, Status: http.StatusServiceUnavailable})
			tok := &Token{Identifier: "t1", Name: "t1"}
			tok.SetKey(saKeyRef)
			_, err = f.c.CreateToken(ctx, tok)
			if apiErr, ok := AsAPIError(err); !IsConflict(err) || !ok || !apiErr.Uncertain {
				t.Fatalf("want the uncertain duplicate error, got %v", err)
			}
			f.counts(t, map[string]int{mockserver.OpCreateToken: 2, mockserver.OpListTokens: 1})
			if toks := f.mock.Tokens(); len(toks) != 1 || toks[0].Name != otherName {
				t.Fatalf("the other token was touched: %+v", toks)
			}
			if _, err := f.c.ValidateToken(ctx, otherSecret); err != nil {
				t.Fatalf("the other configuration's value stopped working: %v", err)
			}
		})
	}
}

// A service account or key whose create was applied but whose answer was
// lost is not taken over: nothing proves the retry's own attempt made it,
// so the DUPLICATE_FIELD stands (the provider says how to import it) and
// nothing else is requested.
func TestCreateServiceAccountAndKeyNeverAdopt(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	ctx := context.Background()
	f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpCreateServiceAccount, DropAfterCommit: true})
	_, err := f.c.CreateServiceAccount(ctx, &ServiceAccount{Identifier: "sa1", Name: "SA", Email: "sa1@service.harness.io"})
	if apiErr, ok := AsAPIError(err); !IsConflict(err) || !ok || !apiErr.Uncertain {
		t.Fatalf("service account: %v, want the uncertain DUPLICATE_FIELD", err)
	}
	f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpCreateAPIKey, DropAfterCommit: true})
	_, err = f.c.CreateAPIKey(ctx, &APIKey{Identifier: "k1", Name: "k1", APIKeyType: APIKeyTypeServiceAccount, ParentIdentifier: "sa1"})
	if apiErr, ok := AsAPIError(err); !IsConflict(err) || !ok || !apiErr.Uncertain {
		t.Fatalf("key: %v, want the uncertain DUPLICATE_FIELD", err)
	}
	f.counts(t, map[string]int{mockserver.OpCreateServiceAccount: 2, mockserver.OpCreateAPIKey: 2})
	if len(f.mock.ServiceAccounts()) != 1 || len(f.mock.APIKeys()) != 1 {
		t.Fatal("want the one service account and key the first attempts made, untouched")
	}
}

func TestListTokensDropsOtherScopes(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	ctx := context.Background()
	// The same parent, key and token identifiers in two scopes: Harness's
	// account-scope list returns both.
	for _, org := range []string{"", "org1"} {
		if _, err := f.c.CreateServiceAccount(ctx, &ServiceAccount{Identifier: "sa1", Name: "SA", Email: "sa1@service.harness.io", OrgIdentifier: org}); err != nil {
			t.Fatal(err)
		}
		tok := &Token{Identifier: "t1", Name: "t1 " + org}
		tok.SetKey(APIKeyRef{Scope: Scope{Org: org}, Type: APIKeyTypeServiceAccount, Parent: "sa1", Identifier: "k1"})
		if _, err := f.c.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.c.GetToken(ctx, saKeyRef, "t1")
	if err != nil || got.Token.Name != "t1 " {
		t.Fatalf("account-scope token: %+v %v", got, err)
	}
}

// ValidateToken sends the secret as the raw text body, as Harness reads it
// (docs/design/harness-api.md 4), and keeps it out of the logs even when it is not
// shaped like a Harness token.
func TestValidateTokenSendsRawText(t *testing.T) {
	t.Parallel()
	var gotType, gotBody string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotType, gotBody = r.Header.Get("Content-Type"), string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"SUCCESS","data":{"identifier":"t1","apiKeyIdentifier":"k1"}}`)
	}))
	t.Cleanup(hs.Close)
	log := &recordingLogger{}
	c, err := New(Config{Endpoint: hs.URL, AccountID: "acct", APIKey: "pat.acct.000000000000000000000000.admin", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "legacy.unshaped.Secret0123456789"
	v, err := c.ValidateToken(context.Background(), secret)
	if err != nil || v.Identifier != "t1" {
		t.Fatalf("validate: %+v %v", v, err)
	}
	if gotType != "text/plain" || gotBody != secret {
		t.Fatalf("sent Content-Type %q, body %q; want text/plain and the bare secret", gotType, gotBody)
	}
	if logs := log.all(); strings.Contains(logs, "Secret0123456789") || !strings.Contains(logs, "(redacted: the request holds a secret)") {
		t.Fatalf("the secret reached the log or the body was not redacted:\n%s", logs)
	}
}

// Only a 400 that names the object as missing means "gone". Harness's 400
// for a request without an account ("Account detail is not present in the
// request", docs/design/harness-api.md 6.1) must not make a resource drop from state.
func TestNGNotFoundOnlyWhenTheObjectIsNamed(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	ctx := context.Background()
	noAccount := `{"status":"ERROR","code":"INVALID_REQUEST","message":"Account detail is not present in the request","correlationId":"c"}`
	calls := map[string]func() error{
		mockserver.OpGetServiceAccount: func() error { _, err := f.c.GetServiceAccount(ctx, Scope{}, "sa1"); return err },
		mockserver.OpUpdateServiceAccount: func() error {
			_, err := f.c.UpdateServiceAccount(ctx, &ServiceAccount{Identifier: "sa1", Name: "SA 1", Email: "sa1@service.harness.io"})
			return err
		},
		mockserver.OpDeleteServiceAccount: func() error { return f.c.DeleteServiceAccount(ctx, Scope{}, "sa1") },
		mockserver.OpGetAPIKey:            func() error { _, err := f.c.GetAPIKey(ctx, saKeyRef); return err },
	}
	for op, call := range calls {
		f.mock.InjectFault(mockserver.Fault{Op: op, Status: http.StatusBadRequest, Body: noAccount})
		if err := call(); err == nil || IsNotFound(err) {
			t.Errorf("%s answered %q: got %v, want an error that is not ErrNotFound", op, "Account detail is not present", err)
		}
	}
	// Harness's real "missing" answers still are.
	if _, err := f.c.GetServiceAccount(ctx, Scope{}, "nope"); !IsNotFound(err) {
		t.Errorf("missing service account: %v", err)
	}
	if _, err := f.c.GetAPIKey(ctx, APIKeyRef{Type: APIKeyTypeServiceAccount, Parent: "sa1", Identifier: "nope"}); !IsNotFound(err) {
		t.Errorf("missing API key: %v", err)
	}
	if err := f.c.DeleteServiceAccount(ctx, Scope{}, "nope"); !IsNotFound(err) {
		t.Errorf("delete of a missing service account: %v", err)
	}
}

func TestMarkNotFoundNeedsTheObject(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code, msg string
		want      bool
	}{
		{"INVALID_REQUEST", "Account detail is not present in the request", false},
		{"UNKNOWN", "Api key [k1] doesn't exist in scope", true},
		{"UNKNOWN", "Api key [k2] doesn't exist in scope", false},
		{"UNKNOWN", "Service account [sa1] doesn't exist in scope", false},
		{"UNKNOWN", "API key not present in scope for identifier: [k1]", true},
	} {
		err := markNotFound(&APIError{StatusCode: 400, Code: tc.code, Message: tc.msg, Kind: KindValidation}, "api key", "k1")
		if IsNotFound(err) != tc.want {
			t.Errorf("%q: not found = %v, want %v", tc.msg, IsNotFound(err), tc.want)
		}
	}
}

// A token that expired but that Harness has not purged yet (its TTL purge
// lags) still holds its identifier. Creating the token again deletes the
// dead one and succeeds; a live token with that identifier is never
// touched.
func TestCreateTokenReplacesExpiredLeftover(t *testing.T) {
	t.Parallel()
	mock := mockserver.New(mockserver.Options{KeepExpiredTokens: true})
	hs := httptest.NewServer(mock)
	t.Cleanup(hs.Close)
	c, err := New(Config{Endpoint: hs.URL, AccountID: mock.AccountID(), APIKey: mock.Token()})
	if err != nil {
		t.Fatal(err)
	}
	f := &ngFixture{mock: mock, c: c}
	f.seedKey(t)
	ctx := context.Background()
	tok := &Token{Identifier: "t1", Name: "t1"}
	tok.SetKey(saKeyRef)
	if _, err := c.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	key := mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "sa1", Identifier: "k1"}
	if err := mock.UpdateToken(key, "t1", func(t *mockserver.Token) {
		t.ValidFrom, t.ValidTo = time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	}); err != nil {
		t.Fatal(err)
	}
	mock.ResetRequests()
	secret, err := c.CreateToken(ctx, tok)
	if err != nil {
		t.Fatalf("create over an expired leftover: %v", err)
	}
	f.counts(t, map[string]int{mockserver.OpCreateToken: 2, mockserver.OpListTokens: 1, mockserver.OpDeleteToken: 1})
	if got, _ := mock.LookupToken(key, "t1"); mock.TokenValue(got) != secret || !got.Valid(time.Now()) {
		t.Fatal("the new token is not the one in Harness")
	}
	// A live token under the identifier is a real conflict.
	if _, err := c.CreateToken(ctx, tok); !IsConflict(err) {
		t.Fatalf("create over a live token: %v", err)
	}
	f.counts(t, map[string]int{mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1})
}

// tokenListBody is a one-row token list answer whose token carries the
// given validTo and scheduledExpireTime JSON (raw, "null" to leave one out).
func tokenListBody(identifier, validTo, scheduled string) string {
	return fmt.Sprintf(`{"status":"SUCCESS","data":{"totalPages":1,"totalItems":1,"pageItemCount":1,"pageSize":50,"content":[`+
		`{"token":{"identifier":%q,"name":"someone else's","validFrom":1700000000000,"validTo":%s,"scheduledExpireTime":%s,`+
		`"valid":true,"accountIdentifier":%q,"orgIdentifier":null,"projectIdentifier":null,"apiKeyIdentifier":"k1",`+
		`"parentIdentifier":"sa1","apiKeyType":"SERVICE_ACCOUNT","description":"","tags":{}},"expiryAt":0,"createdAt":1700000000000,`+
		`"lastModifiedAt":1700000000000}],"pageIndex":0,"empty":false},"metaData":null,"correlationId":"c"}`,
		identifier, validTo, scheduled, mockserver.DefaultAccountID)
}

// A token whose expiry Harness does not give (validTo zero or missing, a
// scheduledExpireTime of zero or less) has an unknown expiry, which never
// counts as expired: creating a token under its identifier is a plain
// conflict, and the token, which may be live, is never deleted.
func TestCreateTokenKeepsTokenWithUnknownExpiry(t *testing.T) {
	t.Parallel()
	for name, times := range map[string][2]string{
		"validTo zero":              {"0", "null"},
		"validTo missing":           {"null", "null"},
		"scheduledExpireTime zero":  {"0", "0"},
		"scheduledExpireTime below": {"4102444800000", "-1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newNGFixture(t)
			f.seedKey(t)
			ctx := context.Background()
			other := &Token{Identifier: "t1", Name: "someone else"}
			other.SetKey(saKeyRef)
			secret, err := f.c.CreateToken(ctx, other)
			if err != nil {
				t.Fatal(err)
			}
			f.mock.ResetRequests()
			f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpListTokens, Status: http.StatusOK,
				Body: tokenListBody("t1", times[0], times[1])})
			tok := &Token{Identifier: "t1", Name: "mine"}
			tok.SetKey(saKeyRef)
			if _, err := f.c.CreateToken(ctx, tok); !IsConflict(err) {
				t.Fatalf("want the duplicate error, got %v", err)
			}
			f.counts(t, map[string]int{mockserver.OpCreateToken: 1, mockserver.OpListTokens: 1})
			if _, err := f.c.ValidateToken(ctx, secret); err != nil {
				t.Fatalf("the other token was deleted: %v", err)
			}
		})
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	now := time.UnixMilli(1_800_000_000_000)
	ms := func(v int64) *int64 { return &v }
	for _, c := range []struct {
		name      string
		tok       Token
		at        int64 // 0: unknown
		expiredAt bool
	}{
		{"validTo", Token{ValidTo: now.UnixMilli() + 1}, now.UnixMilli() + 1, false},
		{"validTo reached", Token{ValidTo: now.UnixMilli()}, now.UnixMilli(), true},
		{"scheduled before validTo", Token{ValidTo: now.UnixMilli() + 1000, ScheduledExpireTime: ms(now.UnixMilli() - 1)}, now.UnixMilli() - 1, true},
		{"validTo zero", Token{}, 0, false},
		{"validTo negative", Token{ValidTo: -5}, 0, false},
		{"scheduled zero", Token{ValidTo: now.UnixMilli() - 1, ScheduledExpireTime: ms(0)}, 0, false},
	} {
		at, ok := c.tok.ExpiresAt()
		if ok != (c.at != 0) || (ok && at.UnixMilli() != c.at) {
			t.Errorf("%s: ExpiresAt = %v, %v; want %d", c.name, at, ok, c.at)
		}
		if got := c.tok.Expired(now); got != c.expiredAt {
			t.Errorf("%s: Expired = %v, want %v", c.name, got, c.expiredAt)
		}
	}
}
