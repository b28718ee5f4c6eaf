package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// mockClient starts the real mock Harness with a profile and returns a
// client of the matching generation whose retry waits are recorded.
func mockClient(t *testing.T, profile string, mod func(*Config)) (*mockserver.Server, *Client, *sleepRecorder) {
	t.Helper()
	p := mockserver.MustProfile(profile)
	srv := mockserver.New(mockserver.Options{Profile: p})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, rec := newTestClient(t, hs.URL, func(cfg *Config) {
		cfg.AccountID, cfg.APIKey, cfg.Generation = srv.AccountID(), srv.Token(), generationOf(p)
		if mod != nil {
			mod(cfg)
		}
	})
	return srv, c, rec
}

func generationOf(p mockserver.Profile) Generation {
	if p.Generation == mockserver.FirstGen {
		return FirstGen
	}
	return NextGen
}

// forEachProfile runs f under every mock profile, in parallel.
func forEachProfile(t *testing.T, f func(t *testing.T, profile string)) {
	for _, name := range mockserver.ProfileNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, name)
		})
	}
}

// expectCounts checks the mock's per-operation request counts exactly and
// empties its request log.
func expectCounts(t *testing.T, srv *mockserver.Server, step string, want map[string]int) {
	t.Helper()
	if got, w := mockserver.CountsString(srv.Counts()), mockserver.CountsString(want); got != w {
		t.Errorf("%s: requests %s, want %s", step, got, w)
	}
	srv.ResetRequests()
}

// importedUsers are the account members created through SCIM.
func importedUsers(srv *mockserver.Server) []mockserver.User {
	var out []mockserver.User
	for _, u := range srv.Users() {
		if u.Imported {
			out = append(out, u)
		}
	}
	return out
}

const (
	opCreate  = mockserver.OpCreateUser
	opGet     = mockserver.OpGetUser
	opSearch  = mockserver.OpSearchUsers
	opReplace = mockserver.OpReplaceUser
	opPatch   = mockserver.OpPatchUser
	opDelete  = mockserver.OpDeleteUser
)

func TestSCIMUserLifecycleAgainstMock(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		p := srv.Profile()
		fg := p.Generation == mockserver.FirstGen
		ctx := t.Context()

		u, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "Alice.Doe@Example.COM", DisplayName: "Alice Doe", ExternalID: "ext-1",
			Name: &SCIMName{GivenName: "Alice", FamilyName: "Doe"}})
		if err != nil {
			t.Fatal(err)
		}
		expectCounts(t, srv, "create", map[string]int{opCreate: 1})
		if len(u.ID) != 22 || u.UserName != "alice.doe@example.com" || u.DisplayName != "Alice Doe" || !u.IsActive() {
			t.Errorf("created %+v", u)
		}
		if wantExt := map[bool]string{false: "ext-1", true: ""}[fg]; u.ExternalID != wantExt {
			t.Errorf("externalId = %q, want %q", u.ExternalID, wantExt)
		}
		wantName := map[string]SCIMName{
			"nextgen":        {GivenName: "Alice", FamilyName: "Doe", Formatted: "Alice, Doe", DisplayName: "Alice Doe"},
			"nextgen-legacy": {DisplayName: "Alice Doe"},
			"firstgen":       {GivenName: "Alice", FamilyName: "Doe"},
		}[profile]
		if u.Name == nil || *u.Name != wantName {
			t.Errorf("name = %+v, want %+v", u.Name, wantName)
		}
		if (u.Meta != nil) != p.NewSCIMStandards {
			t.Errorf("meta = %+v with PL_NEW_SCIM_STANDARDS %v", u.Meta, p.NewSCIMStandards)
		}

		// POST is idempotent by (lower-cased) email: the same user again.
		again, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "alice.doe@example.com", DisplayName: "Alice Doe"})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != u.ID {
			t.Errorf("re-create gave id %s, want %s", again.ID, u.ID)
		}
		if n := len(importedUsers(srv)); n != 1 {
			t.Errorf("%d users after re-create, want 1", n)
		}
		expectCounts(t, srv, "re-create", map[string]int{opCreate: 1})

		got, err := c.GetSCIMUser(ctx, u.ID)
		if err != nil || got.ID != u.ID || got.UserName != u.UserName {
			t.Fatalf("get: %+v, %v", got, err)
		}
		expectCounts(t, srv, "get", map[string]int{opGet: 1})

		_, err = c.GetSCIMUser(ctx, "NoSuchUser000000000000")
		apiErr, ok := AsAPIError(err)
		if !IsNotFound(err) || !ok || apiErr.StatusCode != 404 || apiErr.SCIMStatus != 404 || apiErr.Attempts != 1 {
			t.Errorf("get unknown: %#v", err)
		}
		expectCounts(t, srv, "get unknown", map[string]int{opGet: 1})

		found, err := c.FindSCIMUserByUserName(ctx, "  ALICE.doe@Example.com ")
		if err != nil || found.ID != u.ID {
			t.Fatalf("find mixed case: %+v, %v", found, err)
		}
		expectCounts(t, srv, "find", map[string]int{opSearch: 1})
		_, err = c.FindSCIMUserByUserName(ctx, "nobody@example.com")
		if !IsNotFound(err) || !strings.Contains(err.Error(), "nobody@example.com") {
			t.Errorf("find absent: %v", err)
		}
		expectCounts(t, srv, "find absent", map[string]int{opSearch: 1})

		// No active in the body: sent as active=true, which NextGen with
		// PL_USER_DELETION_V2 needs.
		replaced, err := c.ReplaceSCIMUser(ctx, u.ID, &SCIMUser{UserName: u.UserName, DisplayName: "Alice Smith"})
		if err != nil || replaced == nil || replaced.DisplayName != "Alice Smith" || !replaced.IsActive() {
			t.Fatalf("replace: %+v, %v", replaced, err)
		}
		expectCounts(t, srv, "replace", map[string]int{opReplace: 1})
		_, err = c.ReplaceSCIMUser(ctx, "NoSuchUser000000000000", &SCIMUser{UserName: "x@example.com"})
		if !IsNotFound(err) {
			t.Errorf("replace unknown: %v", err)
		}
		expectCounts(t, srv, "replace unknown", map[string]int{opReplace: 1})

		patched, err := c.PatchSCIMUser(ctx, u.ID, SCIMPatchOp{Op: "replace", Path: "displayName", Value: "Alice P"})
		if err != nil || patched == nil || patched.DisplayName != "Alice P" {
			t.Fatalf("patch: %+v, %v", patched, err)
		}
		expectCounts(t, srv, "patch", map[string]int{opPatch: 1})
		_, err = c.PatchSCIMUser(ctx, "NoSuchUser000000000000", SCIMPatchOp{Op: "replace", Path: "displayName", Value: "x"})
		if !IsNotFound(err) {
			t.Errorf("patch unknown: %v", err)
		}
		expectCounts(t, srv, "patch unknown", map[string]int{opPatch: 1})

		if err := c.DeleteSCIMUser(ctx, u.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		expectCounts(t, srv, "delete", map[string]int{opDelete: 1})
		if _, err := c.GetSCIMUser(ctx, u.ID); !IsNotFound(err) {
			t.Errorf("get after delete: %v", err)
		}
		expectCounts(t, srv, "get after delete", map[string]int{opGet: 1})

		// A second delete: NextGen still knows the person (204); FirstGen
		// deleted it, answers 401, and the confirming GET says not found.
		err = c.DeleteSCIMUser(ctx, u.ID)
		if fg {
			if !IsNotFound(err) {
				t.Errorf("FirstGen second delete: %v", err)
			}
			expectCounts(t, srv, "second delete", map[string]int{opDelete: 1, opGet: 1})
		} else {
			if err != nil {
				t.Errorf("NextGen second delete: %v", err)
			}
			expectCounts(t, srv, "second delete", map[string]int{opDelete: 1})
		}

		err = c.DeleteSCIMUser(ctx, "NeverExisted0000000000")
		if !IsNotFound(err) {
			t.Errorf("delete of an id Harness never knew: %v", err)
		}
		expectCounts(t, srv, "delete never-existing", map[string]int{opDelete: 1, opGet: 1})

		// Harness keeps a NextGen person after DELETE: re-creating brings
		// the same id back. FirstGen deleted it: a new id.
		back, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "alice.doe@example.com", DisplayName: "Alice Doe"})
		if err != nil {
			t.Fatal(err)
		}
		if (back.ID == u.ID) == fg {
			t.Errorf("re-create after delete: id %s, old id %s (FirstGen %v)", back.ID, u.ID, fg)
		}
		expectCounts(t, srv, "re-create after delete", map[string]int{opCreate: 1})

		// A genuinely bad credential stays Unauthorized even though the
		// confirming GET runs.
		_, bad, _ := mockClientFor(t, srv, c, "pat."+srv.AccountID()+".000000000000000000000000.WrongSecret000000000")
		err = bad.DeleteSCIMUser(ctx, back.ID)
		if !errors.Is(err, ErrUnauthorized) || IsNotFound(err) {
			t.Errorf("delete with a bad key: %v", err)
		}
		expectCounts(t, srv, "delete with a bad key", map[string]int{opDelete: 1, opGet: 1})
		if _, err := bad.GetSCIMUser(ctx, back.ID); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("get with a bad key: %v", err)
		}
		expectCounts(t, srv, "get with a bad key", map[string]int{opGet: 1})
		if _, ok := srv.User(back.ID); !ok {
			t.Error("the user vanished after calls with a bad key")
		}
	})
}

// mockClientFor is a second client for the same mock with another key.
func mockClientFor(t *testing.T, srv *mockserver.Server, c *Client, key string) (*mockserver.Server, *Client, *sleepRecorder) {
	t.Helper()
	other, rec := newTestClient(t, c.Endpoint(), func(cfg *Config) {
		cfg.AccountID, cfg.APIKey, cfg.Generation = srv.AccountID(), key, c.Generation()
	})
	return srv, other, rec
}

func TestSCIMDeactivateAgainstMock(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		fg := srv.Profile().Generation == mockserver.FirstGen
		ctx := t.Context()
		for _, how := range []string{"patch", "put"} {
			u, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: how + "@example.com", DisplayName: how})
			if err != nil {
				t.Fatal(err)
			}
			var res *SCIMUser
			inactive := false
			if how == "patch" {
				res, err = c.PatchSCIMUser(ctx, u.ID, SCIMPatchOp{Op: "replace", Path: "active", Value: false})
			} else {
				res, err = c.ReplaceSCIMUser(ctx, u.ID, &SCIMUser{UserName: u.UserName, DisplayName: how, Active: &inactive})
			}
			if err != nil || res != nil {
				t.Fatalf("%s active=false: %+v, %v (want the empty answer)", how, res, err)
			}
			got, err := c.GetSCIMUser(ctx, u.ID)
			if fg {
				if err != nil || got.IsActive() {
					t.Errorf("FirstGen keeps a deactivated user, disabled: %+v, %v", got, err)
				}
			} else if !IsNotFound(err) {
				t.Errorf("NextGen removes a deactivated user: %+v, %v", got, err)
			}
		}
	})
}

func TestSCIMFindPlusAddressed(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		ctx := t.Context()
		for _, email := range []string{"Bob+Tag@Example.com", "100%real@example.com", `odd\slash@example.com`, `"quoted"@example.com`} {
			u, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: email, DisplayName: "Bob"})
			if err != nil {
				t.Fatal(err)
			}
			srv.ResetRequests()
			found, err := c.FindSCIMUserByUserName(ctx, email)
			if err != nil || found.ID != u.ID {
				t.Errorf("find %q: %+v, %v", email, found, err)
			}
			expectCounts(t, srv, "find "+email, map[string]int{opSearch: 1})
		}
		srv.ResetRequests()
		if _, err := c.FindSCIMUserByUserName(ctx, `a eq b@example.com`); err == nil || IsNotFound(err) {
			t.Errorf(`a value containing " eq " must be refused before any request: %v`, err)
		}
		expectCounts(t, srv, "find with eq", map[string]int{})
	})
}

func TestEqFilter(t *testing.T) {
	for in, want := range map[string]string{
		"alice@example.com":      `userName eq "alice@example.com"`,
		"a+b@example.com":        `userName eq "a%2Bb@example.com"`,
		"100%@example.com":       `userName eq "100%25@example.com"`,
		`back\slash@example.com`: `userName eq "back\slash@example.com"`,
		"ünï@example.com":        `userName eq "ünï@example.com"`,
		"":                       `userName eq ""`,
		`a"b`:                    `userName eq "a"b"`,
		"a\nb":                   "userName eq \"a\nb\"",
	} {
		got, err := eqFilter("userName", in)
		if err != nil || got != want {
			t.Errorf("eqFilter(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"Team eq Ops", " eq ", "a eq b eq c"} {
		if _, err := eqFilter("userName", in); err == nil {
			t.Errorf("eqFilter(%q) accepted", in)
		}
	}
}

// TestListSCIMUsersPaging: every user exactly once, with the exact number
// of searches: NextGen pages until an empty page, FirstGen stops at a
// short one.
func TestListSCIMUsersPaging(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		fg := mockserver.MustProfile(profile).Generation == mockserver.FirstGen
		for _, tc := range []struct {
			users, ngSearches, fgSearches int
		}{{0, 1, 1}, {1000, 2, 2}, {2100, 4, 3}} {
			t.Run(fmt.Sprint(tc.users), func(t *testing.T) {
				srv, c, _ := mockClient(t, profile, nil)
				want := map[string]bool{}
				for i := range tc.users {
					want[srv.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%04d@example.com", i), DisplayName: "U"}).ID] = true
				}
				srv.SeedUser(mockserver.UserSpec{Email: "invited@example.com", NotImported: true})
				users, err := c.ListSCIMUsers(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for _, u := range users {
					if seen[u.ID] || !want[u.ID] {
						t.Fatalf("user %s listed twice or not expected", u.ID)
					}
					seen[u.ID] = true
				}
				if len(seen) != tc.users {
					t.Errorf("listed %d users, want %d", len(seen), tc.users)
				}
				searches := tc.ngSearches
				if fg {
					searches = tc.fgSearches
				}
				for i, r := range srv.Requests() {
					if want := fmt.Sprintf("count=1000&startIndex=%d", 1+1000*i); r.Query != want {
						t.Errorf("search %d: query %q, want %q", i+1, r.Query, want)
					}
				}
				expectCounts(t, srv, "list", map[string]int{opSearch: searches})
			})
		}
	})
}

// TestSCIMListAllQueries checks the paging queries scimListAll sends:
// pages of 1000 advancing by the requested count, NextGen ending at an
// empty page.
func TestSCIMListAllQueries(t *testing.T) {
	srv, c, _ := mockClient(t, "nextgen", nil)
	for i := range 1500 {
		srv.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("u%04d@example.com", i)})
	}
	users, err := scimListAll[SCIMUser](t.Context(), c, "Users", "")
	if err != nil || len(users) != 1500 {
		t.Fatalf("listed %d users, %v", len(users), err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Query != "count=1000&startIndex=1" || reqs[1].Query != "count=1000&startIndex=1001" ||
		reqs[2].Query != "count=1000&startIndex=2001" {
		t.Errorf("queries: %+v", reqs)
	}
}

func TestSCIMFaultsAgainstMock(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		ctx := t.Context()
		t.Run("503-then-success", func(t *testing.T) {
			srv, c, rec := mockClient(t, profile, nil)
			f := srv.InjectFault(mockserver.Fault{Op: opCreate, Status: http.StatusServiceUnavailable, Body: "<html>busy</html>",
				Header: http.Header{"Content-Type": {"text/html"}}})
			u, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "a@example.com"})
			if err != nil {
				t.Fatal(err)
			}
			if f.Fired() != 1 || len(rec.recorded()) != 1 || len(importedUsers(srv)) != 1 || importedUsers(srv)[0].ID != u.ID {
				t.Errorf("fired %d waits %d users %+v", f.Fired(), len(rec.recorded()), importedUsers(srv))
			}
			expectCounts(t, srv, "create through a 503", map[string]int{opCreate: 2})
		})
		t.Run("429-retry-after", func(t *testing.T) {
			srv, c, rec := mockClient(t, profile, nil)
			srv.InjectFault(mockserver.Fault{Op: opGet, Status: http.StatusTooManyRequests, Times: 2,
				Header: http.Header{"Retry-After": {"3"}}})
			u := srv.SeedUser(mockserver.UserSpec{Email: "b@example.com"})
			if _, err := c.GetSCIMUser(ctx, u.ID); err != nil {
				t.Fatal(err)
			}
			if w := rec.recorded(); len(w) != 2 || w[0] != 3*time.Second || w[1] != 3*time.Second {
				t.Errorf("waits %v, want [3s 3s]", w)
			}
			expectCounts(t, srv, "get through 429s", map[string]int{opGet: 3})
		})
		t.Run("drop-after-commit", func(t *testing.T) {
			srv, c, rec := mockClient(t, profile, nil)
			f := srv.InjectFault(mockserver.Fault{Op: opCreate, DropAfterCommit: true})
			u, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "Dropped@Example.com", DisplayName: "D"})
			if err != nil {
				t.Fatal(err)
			}
			users := importedUsers(srv)
			if f.Fired() != 1 || len(users) != 1 || users[0].ID != u.ID || len(rec.recorded()) != 1 {
				t.Errorf("fired %d, users %+v, created %s, waits %d", f.Fired(), users, u.ID, len(rec.recorded()))
			}
			expectCounts(t, srv, "create through a dropped answer", map[string]int{opCreate: 2})
		})
	})
}

// TestWrongGeneration: a client of one generation against a Harness that
// serves the other gets the gateway's HTML 404. That must not read as "the
// user is gone" (Terraform would re-create every user), and the error must
// say what to check.
func TestWrongGeneration(t *testing.T) {
	for _, tc := range []struct{ profile, clientGen string }{{"firstgen", "nextgen"}, {"nextgen", "firstgen"}, {"nextgen-legacy", "firstgen"}} {
		t.Run(tc.clientGen+"-client-on-"+tc.profile, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := mockClient(t, tc.profile, func(cfg *Config) { cfg.Generation = Generation(tc.clientGen) })
			u := srv.SeedUser(mockserver.UserSpec{Email: "a@example.com"})
			ctx := t.Context()
			_, getErr := c.GetSCIMUser(ctx, u.ID)
			delErr := c.DeleteSCIMUser(ctx, u.ID)
			_, findErr := c.FindSCIMUserByUserName(ctx, "a@example.com")
			_, listErr := c.ListSCIMUsers(ctx)
			_, patchErr := c.PatchSCIMUser(ctx, u.ID, SCIMPatchOp{Op: "replace", Path: "displayName", Value: "x"})
			for name, err := range map[string]error{"get": getErr, "delete": delErr, "find": findErr, "list": listErr, "patch": patchErr} {
				apiErr, ok := AsAPIError(err)
				if !ok || IsNotFound(err) || apiErr.Kind != KindUnknown || apiErr.StatusCode != 404 {
					t.Errorf("%s: %v (must be a non-not-found 404)", name, err)
					continue
				}
				if !strings.Contains(err.Error(), "scim_generation") || !strings.Contains(err.Error(), "endpoint") {
					t.Errorf("%s: %q does not tell the user to check endpoint and scim_generation", name, err)
				}
			}
			// Five requests, all to routes the mock does not have; the
			// user is untouched.
			expectCounts(t, srv, "wrong generation", map[string]int{"": 5})
			if got, ok := srv.User(u.ID); !ok || !got.Member {
				t.Errorf("user changed: %+v", got)
			}
		})
	}
}

// BenchmarkListSCIMUsers lists 2,100 users (three pages) from the mock.
func BenchmarkListSCIMUsers(b *testing.B) {
	for _, logged := range []bool{false, true} {
		b.Run(fmt.Sprintf("logger=%v", logged), func(b *testing.B) {
			srv := mockserver.New(mockserver.Options{Profile: mockserver.MustProfile("firstgen")})
			hs := httptest.NewServer(srv)
			defer hs.Close()
			for i := range 2100 {
				srv.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%04d@example.com", i), DisplayName: "U"})
			}
			cfg := Config{Endpoint: hs.URL, AccountID: srv.AccountID(), APIKey: srv.Token(), Generation: FirstGen}
			if logged {
				cfg.Logger = &recLogger{}
			}
			c, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if users, err := c.ListSCIMUsers(b.Context()); err != nil || len(users) != 2100 {
					b.Fatalf("%d users, %v", len(users), err)
				}
			}
		})
	}
}

// TestListSCIMUsersNextGenShortPages: NextGen drops users who left the
// account from each page after paging, so a short page is not the last
// one; stopping there (as FirstGen may) would lose users. Harness counts
// such users on a page when PL_USER_DELETION_V2 kept them in the FirstGen
// account because they are in a FirstGen user group (the mock's
// User.InFirstGenUserGroup, which only the nextgen profile honours).
func TestListSCIMUsersNextGenShortPages(t *testing.T) {
	for _, profile := range []string{"nextgen"} {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			srv, c, _ := mockClient(t, profile, nil)
			want := map[string]bool{}
			for i := range 1500 {
				u := srv.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%04d@example.com", i)})
				if i < 1000 && i%2 == 0 {
					_ = srv.UpdateUser(u.ID, func(u *mockserver.User) { u.InFirstGenUserGroup = true })
					srv.RemoveUser(u.ID) // leaves the NextGen account; Harness keeps the person
				} else {
					want[u.ID] = true
				}
			}
			users, err := c.ListSCIMUsers(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, u := range users {
				if seen[u.ID] || !want[u.ID] {
					t.Fatalf("user %s listed twice or not a member", u.ID)
				}
				seen[u.ID] = true
			}
			if len(seen) != len(want) {
				t.Errorf("listed %d users, want %d", len(seen), len(want))
			}
			// 500 users, then 500, then an empty page.
			expectCounts(t, srv, "list", map[string]int{opSearch: 3})
		})
	}
}

// A server that ignores startIndex must not be paged forever.
func TestSCIMListStopsWhenStartIndexIsIgnored(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/scim+json")
		rows := make([]string, SCIMPageSize)
		for i := range rows {
			rows[i] = fmt.Sprintf(`{"id":"u%d","userName":"u%d@example.com"}`, i, i)
		}
		fmt.Fprintf(w, `{"totalResults":%d,"startIndex":0,"itemsPerPage":%d,"Resources":[%s]}`, SCIMPageSize, SCIMPageSize, strings.Join(rows, ","))
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Endpoint: srv.URL, AccountID: "acct", APIKey: "k", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	c.maxPages = 3
	_, err = c.ListSCIMUsers(t.Context())
	if err == nil || !strings.Contains(err.Error(), "does the endpoint honour startIndex") {
		t.Fatalf("err = %v, want the paging guard", err)
	}
	if n.Load() != 3 {
		t.Fatalf("requests = %d, want 3", n.Load())
	}
}
