package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// Unit tests of batchFamily: fake listings and GETs, a real client (its
// write count decides whether a listing may serve).

type fakeObj struct{ ID, Value string }

// fakeFamily is a batchFamily over fakeObj whose listing holds listed and
// whose GET answers any id; it counts both.
type fakeFamily struct {
	fam         batchFamily[fakeObj]
	lists, gets atomic.Int32
	release     chan struct{} // when set, the listing signals started and waits for it
	started     chan struct{}
}

func newFakeFamily(mode batchMode, listed []string, listErr error) *fakeFamily {
	ff := &fakeFamily{}
	ff.fam = batchFamily[fakeObj]{
		name: "fakes", mode: mode,
		id: func(o *fakeObj) string { return o.ID },
		list: func(context.Context, *client.Client) ([]fakeObj, error) {
			ff.lists.Add(1)
			if ff.release != nil {
				close(ff.started)
				<-ff.release
			}
			if listErr != nil {
				return nil, listErr
			}
			rows := make([]fakeObj, len(listed))
			for i, id := range listed {
				rows[i] = fakeObj{ID: id, Value: "listed"}
			}
			return rows, nil
		},
	}
	return ff
}

func (ff *fakeFamily) read(t *testing.T, c *client.Client, id string) *fakeObj {
	t.Helper()
	o, err := ff.fam.read(t.Context(), c, id, func(context.Context) (*fakeObj, error) {
		ff.gets.Add(1)
		return &fakeObj{ID: id, Value: "got"}, nil
	})
	if err != nil || o.ID != id {
		t.Fatalf("read %s: %+v, %v", id, o, err)
	}
	return o
}

// readAll reads ids in parallel, as Terraform does, and returns how many
// were served from the listing.
func (ff *fakeFamily) readAll(t *testing.T, c *client.Client, ids []string) int {
	t.Helper()
	var listed atomic.Int32
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			o, err := ff.fam.read(t.Context(), c, id, func(context.Context) (*fakeObj, error) {
				ff.gets.Add(1)
				return &fakeObj{ID: id, Value: "got"}, nil
			})
			if err != nil || o.ID != id {
				t.Errorf("read %s: %+v, %v", id, o, err)
				return
			}
			if o.Value == "listed" {
				listed.Add(1)
			}
		})
	}
	wg.Wait()
	return int(listed.Load())
}

func testClient(t *testing.T) (*client.Client, *mockserver.Server) {
	t.Helper()
	srv := mockserver.New(mockserver.Options{})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := client.New(client.Config{Endpoint: hs.URL, AccountID: srv.AccountID(), APIKey: srv.Token(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("id%03d", i)
	}
	return out
}

func expectCalls(t *testing.T, ff *fakeFamily, lists, gets int) {
	t.Helper()
	if l, g := int(ff.lists.Load()), int(ff.gets.Load()); l != lists || g != gets {
		t.Fatalf("listings = %d, GETs = %d; want %d and %d", l, g, lists, gets)
	}
}

// auto: the first batchThreshold reads are GETs, the rest wait for one
// listing however many run at once.
func TestBatchAutoListsOnceAfterThreshold(t *testing.T) {
	c, _ := testClient(t)
	all := ids(200)
	ff := newFakeFamily(batchAuto, all, nil)
	served := ff.readAll(t, c, all)
	expectCalls(t, ff, 1, batchThreshold)
	if served != len(all)-batchThreshold {
		t.Fatalf("%d reads served from the listing, want %d", served, len(all)-batchThreshold)
	}
}

// auto: a configuration within the threshold costs exactly its GETs.
func TestBatchAutoSmallConfigurationOnlyGets(t *testing.T) {
	c, _ := testClient(t)
	ff := newFakeFamily(batchAuto, ids(batchThreshold), nil)
	ff.readAll(t, c, ids(batchThreshold))
	expectCalls(t, ff, 0, batchThreshold)
	one := newFakeFamily(batchAuto, ids(1), nil)
	one.read(t, c, "id000")
	expectCalls(t, one, 0, 1)
}

func TestBatchAlwaysAndNever(t *testing.T) {
	c, _ := testClient(t)
	always := newFakeFamily(batchAlways, ids(50), nil)
	if served := always.readAll(t, c, ids(50)); served != 50 {
		t.Fatalf("always: %d served from the listing, want 50", served)
	}
	expectCalls(t, always, 1, 0)
	never := newFakeFamily(batchNever, ids(50), nil)
	if served := never.readAll(t, c, ids(50)); served != 0 {
		t.Fatalf("never: %d served from a listing", served)
	}
	expectCalls(t, never, 0, 50)
}

// An object missing from the listing (hidden, short page, gone) is read by
// id: the listing never decides that an object is gone.
func TestBatchMissingRowIsReadByID(t *testing.T) {
	c, _ := testClient(t)
	all := ids(30)
	ff := newFakeFamily(batchAlways, all[:25], nil)
	if served := ff.readAll(t, c, all); served != 25 {
		t.Fatalf("%d served from the listing, want 25", served)
	}
	expectCalls(t, ff, 1, 5)
}

// A failed listing is tried once; every read waiting for it and every
// later read is a GET.
func TestBatchListingFailureFallsBackToGets(t *testing.T) {
	c, _ := testClient(t)
	ff := newFakeFamily(batchAlways, nil, errors.New("listing broke"))
	if served := ff.readAll(t, c, ids(40)); served != 0 {
		t.Fatalf("%d reads served from a failed listing", served)
	}
	ff.read(t, c, "late")
	expectCalls(t, ff, 1, 41)
}

// Once the instance has started a SCIM write, listings serve nothing: not
// one made before the write (it would not show it), not a new one.
func TestBatchWriteStopsServingListings(t *testing.T) {
	c, _ := testClient(t)
	ff := newFakeFamily(batchAlways, ids(10), nil)
	if o := ff.read(t, c, "id000"); o.Value != "listed" {
		t.Fatalf("first read not served from the listing: %+v", o)
	}
	if _, err := c.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "w@example.com", DisplayName: "W"}); err != nil {
		t.Fatal(err)
	}
	if o := ff.read(t, c, "id001"); o.Value != "got" {
		t.Fatalf("read after a write served from the listing: %+v", o)
	}
	fresh := newFakeFamily(batchAlways, ids(10), nil)
	fresh.readAll(t, c, ids(10))
	expectCalls(t, fresh, 0, 10)
}

// A write that starts while the listing is loading makes the listing
// useless to the reads waiting for it.
func TestBatchWriteDuringListing(t *testing.T) {
	c, _ := testClient(t)
	ff := newFakeFamily(batchAlways, ids(10), nil)
	ff.release, ff.started = make(chan struct{}), make(chan struct{})
	done := make(chan int)
	go func() { done <- ff.readAll(t, c, ids(10)) }()
	<-ff.started
	if _, err := c.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "w@example.com", DisplayName: "W"}); err != nil {
		t.Fatal(err)
	}
	close(ff.release)
	if served := <-done; served != 0 {
		t.Fatalf("%d reads served from a listing overtaken by a write", served)
	}
	expectCalls(t, ff, 1, 10)
}

// A family stops serving listings after a write of its own family only: a
// NextGen write (a service account) turns off the service-account family,
// not the SCIM ones, and a SCIM write the reverse.
func TestBatchWritesOfTheFamilyOnly(t *testing.T) {
	c, _ := testClient(t)
	scim := newFakeFamily(batchAlways, ids(10), nil)
	ng := newFakeFamily(batchAlways, ids(10), nil)
	ng.fam.writes = client.FamilyNextGen
	if _, err := c.CreateServiceAccount(t.Context(), &client.ServiceAccount{Identifier: "w", Name: "W", Email: "w@service.harness.io"}); err != nil {
		t.Fatal(err)
	}
	if o := scim.read(t, c, "id000"); o.Value != "listed" {
		t.Fatalf("a NextGen write stopped the SCIM family's listing: %+v", o)
	}
	if o := ng.read(t, c, "id000"); o.Value != "got" {
		t.Fatalf("a NextGen write left the NextGen family's listing serving: %+v", o)
	}
	if _, err := c.CreateSCIMUser(t.Context(), &client.SCIMUser{UserName: "w@example.com", DisplayName: "W"}); err != nil {
		t.Fatal(err)
	}
	if o := scim.read(t, c, "id001"); o.Value != "got" {
		t.Fatalf("read after a SCIM write served from the listing: %+v", o)
	}
}
