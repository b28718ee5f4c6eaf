package client

import (
	"context"
	"fmt"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// collect visits every page and returns the rows, stopping after stopAfter
// pages when it is positive.
func collect[T any](stopAfter int, rows *[]T) func([]T) bool {
	pages := 0
	return func(page []T) bool {
		*rows = append(*rows, page...)
		pages++
		return stopAfter > 0 && pages >= stopAfter
	}
}

func TestListSCIMUserPages(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		for i := range 1200 {
			srv.SeedUser(mockserver.UserSpec{Email: fmt.Sprintf("user%04d@example.com", i), DisplayName: "U"})
		}
		var all []SCIMUser
		if err := c.ListSCIMUserPages(t.Context(), "", collect(0, &all)); err != nil || len(all) != 1200 {
			t.Fatalf("listed %d users, %v", len(all), err)
		}
		// NextGen pages until an empty page (its pages may be short while
		// later ones still hold users); FirstGen stops at the short page.
		want := 3
		if mockserver.MustProfile(profile).Generation == mockserver.FirstGen {
			want = 2
		}
		expectCounts(t, srv, "full listing", map[string]int{opSearch: want})

		var first []SCIMUser
		if err := c.ListSCIMUserPages(t.Context(), "", collect(1, &first)); err != nil || len(first) != 1000 {
			t.Fatalf("first page: %d users, %v", len(first), err)
		}
		expectCounts(t, srv, "stopped after one page", map[string]int{opSearch: 1})

		var one []SCIMUser
		if err := c.ListSCIMUserPages(t.Context(), " User0042@Example.com", collect(0, &one)); err != nil ||
			len(one) != 1 || one[0].UserName != "user0042@example.com" {
			t.Fatalf("by user name: %+v, %v", one, err)
		}
		want = 2
		if mockserver.MustProfile(profile).Generation == mockserver.FirstGen {
			want = 1
		}
		expectCounts(t, srv, "by user name", map[string]int{opSearch: want})
	})
}

func TestListSCIMGroupPages(t *testing.T) {
	srv, c, _ := mockClient(t, "nextgen", nil)
	for i := range 3 {
		srv.SeedGroup(mockserver.GroupSpec{Name: fmt.Sprintf("Team %d", i)})
	}
	var all, one []SCIMGroup
	if err := c.ListSCIMGroupPages(t.Context(), "", collect(0, &all)); err != nil || len(all) != 3 {
		t.Fatalf("listed %d groups, %v", len(all), err)
	}
	if err := c.ListSCIMGroupPages(t.Context(), "Team 1", collect(0, &one)); err != nil || len(one) != 1 || one[0].ID != "Team_1" {
		t.Fatalf("by name: %+v, %v", one, err)
	}
	expectCounts(t, srv, "two listings, one page each", map[string]int{"SearchGroups": 2})
}

// NextGen listings page by 100 and keep only the asked-for scope: Harness
// ignores an empty org or project in key and token filters.
func TestListNextGenPages(t *testing.T) {
	f := newNGFixture(t)
	ctx := context.Background()
	for i := range 250 {
		f.mock.SeedServiceAccount(mockserver.ServiceAccount{Identifier: fmt.Sprintf("sa%03d", i), Name: "sa", Email: "sa@example.com"})
	}
	org := mockserver.Scope{Org: "org1"}
	f.mock.SeedServiceAccount(mockserver.ServiceAccount{Identifier: "sa_org", Name: "sa", Email: "sa@example.com", Scope: org})
	f.mock.ResetRequests()
	var sas []ServiceAccount
	if err := f.c.ListServiceAccountPages(ctx, Scope{}, "", collect(0, &sas)); err != nil || len(sas) != 250 {
		t.Fatalf("listed %d service accounts, %v", len(sas), err)
	}
	f.counts(t, map[string]int{mockserver.OpListServiceAccountAggregates: 3})

	for _, sc := range []Scope{{}, {Org: "org1"}} {
		parent := "sa000"
		if sc.Org != "" {
			parent = "sa_org"
		}
		if _, err := f.c.CreateAPIKey(ctx, &APIKey{Identifier: "k1", Name: "k1", APIKeyType: APIKeyTypeServiceAccount,
			ParentIdentifier: parent, OrgIdentifier: sc.Org}); err != nil {
			t.Fatal(err)
		}
		tok := Token{Identifier: "t1", Name: "t1"}
		tok.SetKey(APIKeyRef{Scope: sc, Type: APIKeyTypeServiceAccount, Parent: parent, Identifier: "k1"})
		if _, err := f.c.CreateToken(ctx, &tok); err != nil {
			t.Fatal(err)
		}
	}
	f.mock.ResetRequests()
	var keys []APIKey
	if err := f.c.ListAPIKeyPages(ctx, APIKeyRef{Type: APIKeyTypeServiceAccount, Parent: "sa000"}, "", collect(0, &keys)); err != nil ||
		len(keys) != 1 || keys[0].Identifier != "k1" {
		t.Fatalf("keys: %+v, %v", keys, err)
	}
	var toks []TokenAggregate
	if err := f.c.ListTokenPages(ctx, TokenFilter{Type: APIKeyTypeServiceAccount}, collect(0, &toks)); err != nil ||
		len(toks) != 1 || toks[0].Token.ParentIdentifier != "sa000" {
		t.Fatalf("account-scope tokens: %+v, %v", toks, err)
	}
	toks = nil
	if err := f.c.ListTokenPages(ctx, TokenFilter{Scope: Scope{Org: "org1"}, Type: APIKeyTypeServiceAccount, Parent: "sa_org", APIKey: "k1"},
		collect(0, &toks)); err != nil || len(toks) != 1 || toks[0].Token.OrgIdentifier != "org1" {
		t.Fatalf("org tokens: %+v, %v", toks, err)
	}
	f.counts(t, map[string]int{mockserver.OpListAPIKeyAggregates: 1, mockserver.OpListTokens: 2})
}
