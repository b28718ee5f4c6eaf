package mockserver

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

// tokenIDs lists the identifiers of one page of the token list.
func (h *ngHarness) tokenIDs(q url.Values) []string {
	h.t.Helper()
	a := h.call("GET", "/ng/api/token/aggregate", q, nil)
	h.expect(a, 200, "", "")
	var ids []string
	content, _ := a.data()["content"].([]any)
	for _, row := range content {
		tok, _ := row.(map[string]any)["token"].(map[string]any)
		ids = append(ids, tok["identifier"].(string))
	}
	return ids
}

// TestNGTokenListOrder pins TokenResource.listAggregatedTokens (harness-core
// 1dcec145, lines 249-253): without sortOrders, rows are sorted by
// lastModifiedAt, newest first, so an update or a rotation moves a token to
// the front.
func TestNGTokenListOrder(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	for _, id := range []string{"t1", "t2", "t3"} {
		h.expect(h.call("POST", "/ng/api/token", nil, tokenBody(id, "k1", KindServiceAccount, "sa1")), 200, "", "")
		h.srv.AdvanceTime(time.Second)
	}
	q := tokenQuery(KindServiceAccount, "sa1", "k1")
	if got := fmt.Sprint(h.tokenIDs(q)); got != "[t3 t2 t1]" {
		t.Fatalf("order %s, want newest first", got)
	}
	t1, _ := h.srv.LookupToken(APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}, "t1")
	upd := tokenBody("t1", "k1", KindServiceAccount, "sa1")
	upd["validFrom"], upd["validTo"] = t1.ValidFrom.UnixMilli(), t1.ValidTo.UnixMilli()
	h.expect(h.call("PUT", "/ng/api/token/t1", nil, upd), 200, "", "")
	if got := fmt.Sprint(h.tokenIDs(q)); got != "[t1 t3 t2]" {
		t.Fatalf("order after updating t1: %s", got)
	}
}

// TestNGPageSize pins PageRequest (970-ng-commons .../ng/beans/
// PageRequest.java): pageSize defaults to 50 and declares @Max(100), which
// these resources do not validate (see ngPageParams); PageRequest.of
// refuses a size below 1.
// Pages are cut after sorting, so paging through more than one page sees
// every row once while nothing changes.
func TestNGPageSize(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	key := APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	for i := range 150 {
		// Out of band: MintToken ignores the token limit.
		if _, err := h.srv.MintToken(TokenSpec{Key: key, Identifier: fmt.Sprintf("t%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	q := tokenQuery(KindServiceAccount, "sa1", "k1")
	if n := len(h.tokenIDs(q)); n != 50 {
		t.Fatalf("default page holds %d rows, want 50", n)
	}
	// PageRequest's @Max(100) is not validated on these resources (no
	// @Valid on the bean param): a bigger page is served.
	if n := len(h.tokenIDs(withQ(q, "pageSize", "101"))); n != 101 {
		t.Fatalf("pageSize=101 holds %d rows, want 101", n)
	}
	h.expect(h.call("GET", "/ng/api/token/aggregate", withQ(q, "pageSize", "0"), nil), 500, "UNKNOWN_ERROR", "")
	seen := map[string]bool{}
	for page := range 2 {
		pq := withQ(withQ(q, "pageSize", "100"), "pageIndex", fmt.Sprint(page))
		for _, id := range h.tokenIDs(pq) {
			if seen[id] {
				t.Fatalf("%s listed twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 150 {
		t.Fatalf("two pages of 100 listed %d of 150 tokens", len(seen))
	}
}
