package mockserver

import (
	"math"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pagingSeeds are hostile and ordinary paging values (issue 11).
var pagingSeeds = [][2]string{
	{"", ""}, {"0", "50"}, {"1", "2"}, {"184467440737095516", "100"}, {"0", "9223372036854775807"},
	{"2147483647", "2147483647"}, {"-1", "10"}, {"0", "0"}, {"0", "-5"}, {"-2147483648", "-2147483648"},
	{"+3", "+7"}, {"x", "y"}, {" 1", "1 "}, {"2147483648", "1"},
}

// javaDecimal is what Integer.parseInt accepts: one optional sign, digits.
var javaDecimal = regexp.MustCompile(`^[+-]?[0-9]+$`)

// javaIntRef is the reference for a Java int query parameter: blank is
// absent, anything else must be a decimal in [-2^31, 2^31).
func javaIntRef(s string) (v int64, given, ok bool) {
	if strings.TrimSpace(s) == "" {
		return 0, false, true
	}
	if !javaDecimal.MatchString(s) {
		return 0, true, false
	}
	b, _ := new(big.Int).SetString(strings.TrimPrefix(s, "+"), 10)
	if b.Cmp(big.NewInt(math.MinInt32)) < 0 || b.Cmp(big.NewInt(math.MaxInt32)) > 0 {
		return 0, true, false
	}
	return b.Int64(), true, true
}

func intRows(n int) []any {
	rows := make([]any, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// FuzzNGPaging: pageIndex and pageSize never panic; a page is the exact
// contiguous slice index*size (computed with big integers) holds, never
// more than pageSize rows, with consistent totals; a client paging with
// that size from index 0 sees every row once and stops; the aggregate
// route answers 200 or Harness's 500, never a dropped connection.
func FuzzNGPaging(f *testing.F) {
	for _, s := range pagingSeeds {
		f.Add(s[0], s[1], uint16(7))
	}
	h := New(Options{})
	for _, id := range []string{"sa1", "sa2", "sa3"} {
		h.SeedServiceAccount(ServiceAccount{Identifier: id, Name: id, Email: id + "@sa.example.com"})
	}
	f.Fuzz(func(t *testing.T, pageIndex, pageSize string, n uint16) {
		h.ResetRequests() // the request log would grow with every execution
		rows := intRows(int(n % 100))
		q := url.Values{"pageIndex": {pageIndex}, "pageSize": {pageSize}}
		index, size, ok := ngPageParams(q)
		wantIndex, _, okIndex := javaIntRef(pageIndex)
		wantSize, sizeGiven, okSize := javaIntRef(pageSize)
		if !sizeGiven {
			wantSize = 50
		}
		wantOK := okIndex && okSize && wantIndex >= 0 && wantSize >= 1
		if ok != wantOK || (ok && (index != wantIndex || size != wantSize)) {
			t.Fatalf("ngPageParams(%q, %q) = %d, %d, %v; want %d, %d, %v", pageIndex, pageSize, index, size, ok, wantIndex, wantSize, wantOK)
		}
		if ok {
			checkNGPage(t, rows, index, size)
			checkNGPagingEnds(t, rows, size)
		}
		status := getStatus(h, "/ng/api/serviceaccount/aggregate?accountIdentifier="+h.AccountID()+"&"+q.Encode(), "x-api-key")
		if (ok && status != http.StatusOK) || (!ok && status != http.StatusInternalServerError) || h.PanicCount() != 0 {
			t.Fatalf("aggregate with %s: %d (panics %d)", q.Encode(), status, h.PanicCount())
		}
	})
}

func checkNGPage(t *testing.T, rows []any, index, size int64) {
	t.Helper()
	p := ngPage(rows, index, size)
	total := big.NewInt(int64(len(rows)))
	offset := new(big.Int).Mul(big.NewInt(index), big.NewInt(size))
	from, to := 0, 0
	if offset.Cmp(total) < 0 {
		from = int(offset.Int64())
		to = min(from+int(min(size, int64(len(rows)))), len(rows))
	}
	pages := new(big.Int).Div(new(big.Int).Add(total, big.NewInt(size-1)), big.NewInt(size))
	if len(p.Content) != to-from || int64(len(p.Content)) > size || p.PageItemCount != int64(to-from) ||
		p.TotalItems != int64(len(rows)) || p.TotalPages != pages.Int64() || p.Empty != (to == from) || p.PageIndex != index || p.PageSize != size {
		t.Fatalf("page %d of %d over %d rows: %+v, want rows [%d:%d] of %d pages", index, size, len(rows), p, from, to, pages)
	}
	for i, v := range p.Content {
		if v != rows[from+i] {
			t.Fatalf("page %d of %d: row %d is %v, want %v", index, size, i, v, rows[from+i])
		}
	}
}

// checkNGPagingEnds plays the provider's pager: next page until one is
// empty or the last page was served.
func checkNGPagingEnds(t *testing.T, rows []any, size int64) {
	t.Helper()
	seen := 0
	for index := int64(0); ; index++ {
		if index > int64(len(rows))+1 {
			t.Fatalf("paging %d rows by %d did not end", len(rows), size)
		}
		p := ngPage(rows, index, size)
		seen += len(p.Content)
		if p.Empty || index+1 >= p.TotalPages {
			break
		}
	}
	if seen != len(rows) {
		t.Fatalf("paging %d rows by %d saw %d", len(rows), size, seen)
	}
}

// FuzzSCIMPaging: startIndex and count never panic and are read as Java
// Integers; a page is a contiguous slice starting at the skip, never longer
// than the count asks (|count| for Morphia's negative count; count 0 is
// Mongo's "no limit"); a client paging with a positive count from
// startIndex 1 sees every row once and stops; the search route answers 200,
// a 404 ScimError or Harness's 500.
func FuzzSCIMPaging(f *testing.F) {
	for _, s := range pagingSeeds {
		f.Add(s[0], s[1], uint16(7), false)
		f.Add(s[0], s[1], uint16(7), true)
	}
	srv := New(Options{})
	for _, e := range []string{"a", "b", "c"} {
		srv.SeedUser(UserSpec{Email: e + "@example.com"})
	}
	f.Fuzz(func(t *testing.T, startIndex, count string, n uint16, spring bool) {
		srv.ResetRequests() // the request log would grow with every execution
		rows := intRows(int(n % 100))
		q := url.Values{"startIndex": {startIndex}, "count": {count}}
		p, ok := scimPageParams(q)
		_, _, okStart := javaIntRef(startIndex)
		_, _, okCount := javaIntRef(count)
		if ok != (okStart && okCount) {
			t.Fatalf("scimPageParams(%q, %q) ok = %v", startIndex, count, ok)
		}
		if ok {
			checkSCIMSlice(t, rows, p, spring)
			if p.count > 0 {
				checkSCIMPagingEnds(t, rows, p.count)
			}
		}
		status := getStatus(srv, "/ng/api/scim/account/"+srv.AccountID()+"/Users?"+q.Encode(), "Authorization")
		if status != http.StatusOK && status != http.StatusNotFound && status != http.StatusInternalServerError || srv.PanicCount() != 0 {
			t.Fatalf("search with %s: %d (panics %d)", q.Encode(), status, srv.PanicCount())
		}
	})
}

func checkSCIMSlice(t *testing.T, rows []any, p scimPaging, spring bool) {
	t.Helper()
	limited := p.springLimits()
	if !spring {
		var ok bool
		if limited, ok = p.morphiaLimits(); !ok {
			if p.skip >= 0 {
				t.Fatalf("%+v: Morphia refused a skip that is not negative", p)
			}
			return
		}
	}
	page := limited.slice(rows)
	from := int(min(max(limited.skip, 0), int64(len(rows))))
	var bound int64 = math.MaxInt64
	switch {
	case p.count > 0:
		bound = p.count
	case p.count < 0 && !spring:
		bound = -p.count
	}
	if int64(len(page)) > bound || (bound == math.MaxInt64 && len(page) != len(rows)-from) {
		t.Fatalf("%+v (spring %v) over %d rows: %d rows", p, spring, len(rows), len(page))
	}
	for i, v := range page {
		if v != rows[from+i] {
			t.Fatalf("%+v: row %d is %v, want %v", p, i, v, rows[from+i])
		}
	}
}

// checkSCIMPagingEnds plays the provider's SCIM pager: startIndex 1, then
// advance by count until a page is empty.
func checkSCIMPagingEnds(t *testing.T, rows []any, count int64) {
	t.Helper()
	seen := 0
	for start, pages := int64(1), 0; ; start += count {
		if pages++; pages > len(rows)+2 {
			t.Fatalf("paging %d rows by %d did not end", len(rows), count)
		}
		q := url.Values{"startIndex": {strconv.FormatInt(start, 10)}, "count": {strconv.FormatInt(count, 10)}}
		p, ok := scimPageParams(q)
		if !ok {
			break // past 2^31: Harness answers 500, the pager stops
		}
		p, _ = p.morphiaLimits()
		page := p.slice(rows)
		if len(page) == 0 {
			break
		}
		seen += len(page)
	}
	if seen != len(rows) {
		t.Fatalf("paging %d rows by %d saw %d", len(rows), count, seen)
	}
}

func getStatus(srv *Server, target, auth string) int {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if auth == "x-api-key" {
		req.Header.Set("x-api-key", srv.Token())
	} else {
		req.Header.Set("Authorization", "Bearer "+srv.Token())
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec.Code
}
