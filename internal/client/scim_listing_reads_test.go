package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// seedListingShapes adds users of every shape the name rules tell apart,
// one that left the account and one invited in the UI, and two groups.
func seedListingShapes(srv *mockserver.Server) []string {
	specs := []mockserver.UserSpec{
		{Email: "plain@example.com", DisplayName: "Plain"},
		{Email: "named@example.com", DisplayName: "Named Person", GivenName: "Named", FamilyName: "Person"},
		{Email: "given@example.com", DisplayName: "Given Only", GivenName: "Given"},
		{Email: "external@example.com", DisplayName: "External", ExternalID: "00u-external"},
		{Email: "invited@example.com", DisplayName: "Invited", NotImported: true},
	}
	var ids []string
	for _, s := range specs {
		ids = append(ids, srv.SeedUser(s).ID)
	}
	gone := srv.SeedUser(mockserver.UserSpec{Email: "gone@example.com", DisplayName: "Gone"})
	srv.RemoveUser(gone.ID)
	srv.SeedGroup(mockserver.GroupSpec{Name: "Readers", Members: ids[:3]})
	srv.SeedGroup(mockserver.GroupSpec{Name: "Empty"})
	srv.SeedGroup(mockserver.GroupSpec{Name: "UI made", NotExternallyManaged: true, Members: ids[:1]})
	return append(ids, gone.ID)
}

// A listed user is exactly what a GET of it answers, under every profile:
// the batched refresh builds state from either.
func TestListSCIMUsersAsReadsEqualGets(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		seedListingShapes(srv)
		ctx := t.Context()
		listed, err := c.ListSCIMUsersAsReads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The SCIM-created members only: not the invited user, not the one
		// who left, not the admin.
		if len(listed) != 4 {
			t.Fatalf("listed %d users, want 4: %+v", len(listed), listed)
		}
		for _, row := range listed {
			got, err := c.GetSCIMUser(ctx, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&row, got) {
				t.Errorf("user %s: listed as\n%+v\nGET answers\n%+v", row.UserName, row, *got)
			}
		}
		// Without the normalisation the NextGen rows would differ.
		raw, err := c.ListSCIMUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		differs := !reflect.DeepEqual(raw, listed)
		if ng := srv.Profile().Generation == mockserver.NextGen; differs != ng {
			t.Errorf("raw listing differs from the reads: %v, want %v (NextGen search rows carry FirstGen names)", differs, ng)
		}
	})
}

// NextGen group rows are GET answers; FirstGen's are not (no members), so
// they are refused without a request.
func TestListSCIMGroupsAsReads(t *testing.T) {
	forEachProfile(t, func(t *testing.T, profile string) {
		srv, c, _ := mockClient(t, profile, nil)
		seedListingShapes(srv)
		ctx := t.Context()
		srv.ResetRequests()
		listed, err := c.ListSCIMGroupsAsReads(ctx)
		if srv.Profile().Generation == mockserver.FirstGen {
			if !errors.Is(err, ErrListingNotARead) || c.SCIMGroupListingsAreReads() {
				t.Fatalf("FirstGen: err = %v, want ErrListingNotARead", err)
			}
			expectCounts(t, srv, "firstgen", nil)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		expectCounts(t, srv, "list", map[string]int{mockserver.OpSearchGroups: 1})
		if len(listed) != 2 {
			t.Fatalf("listed %d groups, want the 2 SCIM-managed ones: %+v", len(listed), listed)
		}
		for _, row := range listed {
			got, err := c.GetSCIMGroup(ctx, row.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&row, got) {
				t.Errorf("group %s: listed as\n%+v\nGET answers\n%+v", row.DisplayName, row, *got)
			}
		}
	})
}

// A group Harness lists once per scope is left out: which copy a GET
// answers is not in the listing.
func TestListSCIMGroupsAsReadsSkipsGroupsListedTwice(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		if r.URL.Query().Get("startIndex") != "1" {
			fmt.Fprint(w, `{"totalResults":0,"Resources":[]}`)
			return
		}
		fmt.Fprint(w, `{"totalResults":3,"Resources":[`+
			`{"id":"scoped","displayName":"Scoped","members":[{"value":"u1"}]},`+
			`{"id":"single","displayName":"Single","members":[]},`+
			`{"id":"scoped","displayName":"Scoped","members":[{"value":"u2"}]}]}`)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{Endpoint: srv.URL, AccountID: "acct", APIKey: "k", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	groups, err := c.ListSCIMGroupsAsReads(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].ID != "single" {
		t.Fatalf("groups = %+v, want only the group listed once", groups)
	}
}

// WritesStarted counts every request but GETs, per family, once per
// call whatever its retries, and whether or not it succeeded.
func TestWritesStarted(t *testing.T) {
	srv, c, _ := mockClient(t, "nextgen", nil)
	ctx := t.Context()
	u, err := c.CreateSCIMUser(ctx, &SCIMUser{UserName: "w@example.com", DisplayName: "W"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSCIMUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListSCIMUsers(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.WritesStarted(FamilySCIM); got != 1 {
		t.Fatalf("SCIM writes after a create and two reads = %d, want 1", got)
	}
	srv.InjectFault(mockserver.Fault{Op: mockserver.OpPatchUser, Status: http.StatusServiceUnavailable, Times: 2})
	if _, err := c.PatchSCIMUser(ctx, u.ID, SCIMPatchOp{Op: "replace", Path: "displayName", Value: "W2"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSCIMUser(ctx, "NoSuchUser000000000000"); err == nil {
		t.Fatal("deleting an unknown user succeeded")
	}
	if got := c.WritesStarted(FamilySCIM); got != 3 {
		t.Fatalf("SCIM writes = %d, want 3 (a retried PATCH counts once, a failed DELETE counts)", got)
	}
	if got := c.WritesStarted(FamilyNextGen); got != 0 {
		t.Fatalf("NextGen writes = %d, want 0", got)
	}
}
