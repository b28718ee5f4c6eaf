package mockserver

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging, NextGen (pageIndex/pageSize) and SCIM (startIndex/count), with the
// answers Harness gives to hostile values. Every computation is done in
// int64 on values that fit a Java int, so nothing here can overflow or
// slice out of range.

// javaInt reads a query parameter the way Jersey converts it to a Java int
// or Integer: absent or blank is "not given"; anything that is not a
// decimal in the int range (a letter, 2^31, 184467440737095516) fails the
// conversion (Jersey's ParamException.QueryParamException). Guessed: Jersey
// does not trim the value before Integer.valueOf. Not modelled: Java's
// Integer.parseInt also takes non-ASCII decimal digits ("١").
func javaInt(q url.Values, name string) (v int64, given, ok bool) {
	raw := q.Get(name)
	if strings.TrimSpace(raw) == "" {
		return 0, false, true
	}
	n, err := strconv.ParseInt(raw, 10, 32)
	if err != nil {
		return 0, true, false
	}
	return n, true, true
}

// writeParamException answers a query parameter Jersey could not convert.
// Guessed: ParamException is a WebApplicationException without an entity,
// so the registered ExceptionMapper<Throwable> answers it: NextGen's
// GenericExceptionMapperV2 (HTTP 500 UNKNOWN_ERROR, as for any non-Wings
// exception, docs/design/harness-api.md 6.2) and FirstGen's GenericExceptionMapper
// (HTTP 500 RestResponse DEFAULT_ERROR_CODE; ParamException is not a
// ClientErrorException).
func (s *Server) writeParamException(w http.ResponseWriter, ng bool) {
	if ng || s.opts.Profile.Generation == NextGen {
		writeUnknownError(w)
		return
	}
	writeDefaultError(w)
}

// ---- NextGen ----

// pageResponse is NextGen's PageResponse (docs/design/harness-api.md 3.1).
type pageResponse struct {
	TotalPages    int64   `json:"totalPages"`
	TotalItems    int64   `json:"totalItems"`
	PageItemCount int64   `json:"pageItemCount"`
	PageSize      int64   `json:"pageSize"`
	Content       []any   `json:"content"`
	PageIndex     int64   `json:"pageIndex"`
	Empty         bool    `json:"empty"`
	PageToken     *string `json:"pageToken"`
}

// ngPageParams reads pageIndex (default 0) and pageSize (default 50) as the
// aggregate resources do [code: io.harness.ng.beans.PageRequest,
// PageUtils.getPageRequest]. ok is false when Harness answers 500:
//   - a value Jersey cannot convert to an int (see javaInt);
//   - pageIndex < 0 or pageSize < 1: Spring's PageRequest.of throws
//     IllegalArgumentException, which GenericExceptionMapperV2 answers with
//     500 UNKNOWN_ERROR (derived).
//
// PageRequest declares @Max(100) on pageSize, but ServiceAccountResource,
// ApiKeyResource and TokenResource take `@BeanParam PageRequest` without
// @Valid (UserGroupResource and UserResource add it), so bean validation
// never runs there and larger pages are served (derived).
func ngPageParams(q url.Values) (index, size int64, ok bool) {
	index, _, okIndex := javaInt(q, "pageIndex")
	size, given, okSize := javaInt(q, "pageSize")
	if !given {
		size = 50
	}
	if !okIndex || !okSize || index < 0 || size < 1 {
		return 0, 0, false
	}
	return index, size, true
}

// ngPage slices rows for pageIndex and pageSize. The offset is computed in
// int64 (at most (2^31-1)^2, far from overflow) and compared before
// slicing. Guessed: an offset past the end is an empty page with the true
// totals (Spring's PageableExecutionUtils); Mongo's int cast of very large
// skips is not modelled.
func ngPage(rows []any, index, size int64) pageResponse {
	total := int64(len(rows))
	content := []any{}
	if offset := index * size; offset < total {
		end := min(offset+size, total)
		content = append(content, rows[offset:end]...)
	}
	return pageResponse{
		TotalPages: total/size + min(total%size, 1), TotalItems: total, PageItemCount: int64(len(content)),
		PageSize: size, Content: content, PageIndex: index, Empty: len(content) == 0,
	}
}

// writeNGPage answers a page of rows as a ResponseDTO, or Harness's 500 for
// paging parameters it cannot use (ngPageParams). Pages larger than 100
// are served: PageRequest's @Max(100) is not validated on these resources
// (see ngPageParams); the client never asks for more than 100 rows, so a
// Harness that did enforce it serves the provider too.
func writeNGPage(w http.ResponseWriter, r *http.Request, rows []any) {
	index, size, ok := ngPageParams(r.URL.Query())
	if !ok {
		writeUnknownError(w)
		return
	}
	writeNGData(w, ngPage(rows, index, size))
}

// ---- SCIM ----

// scimListOut is a SCIM ListResponse.
type scimListOut struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	Resources    []any    `json:"Resources"`
	StartIndex   int64    `json:"startIndex"`
	ItemsPerPage int64    `json:"itemsPerPage"`
}

// scimPaging is how a SCIM search turns startIndex and count into a skip
// and a limit (docs/design/harness-api.md 1.6): startIndex defaults to 0, N != 0 skips
// N-1 rows (computed on a Java Integer, so -2^31 wraps to a skip of
// 2^31-1); count defaults to 20 [code: ScimUserServiceImpl.searchUser,
// NGScimGroupServiceImpl.searchGroup, ScimGroupServiceImpl.searchGroup].
type scimPaging struct {
	start, count int64 // as echoed in the answer
	skip, limit  int64 // limit < 0 means no limit
}

// scimPageParams reads startIndex and count; ok is false when Jersey cannot
// convert one of them (javaInt).
func scimPageParams(q url.Values) (p scimPaging, ok bool) {
	start, _, okStart := javaInt(q, "startIndex")
	count, given, okCount := javaInt(q, "count")
	if !okStart || !okCount {
		return p, false
	}
	if !given {
		count = 20
	}
	p = scimPaging{start: start, count: count, limit: count}
	if start != 0 {
		p.skip = start - 1
		if p.skip < math.MinInt32 {
			p.skip = math.MaxInt32 // Java's Integer overflow
		}
	}
	return p, true
}

// morphiaLimits applies Morphia FindOptions.skip/limit semantics (users in
// both generations, FirstGen groups): the Mongo driver treats limit 0 as no
// limit and a negative limit -n as a single batch of n rows; a negative skip
// makes Mongo fail the query (derived from the driver's documented
// semantics). ok is false for the failing query.
func (p scimPaging) morphiaLimits() (scimPaging, bool) {
	switch {
	case p.skip < 0:
		return p, false
	case p.count == 0:
		p.limit = -1
	case p.count < 0:
		p.limit = -p.count
	}
	return p, true
}

// springLimits applies Spring Data MongoDB Query.skip/limit semantics
// (NextGen groups, UserGroupRepositoryCustomImpl.findAll(criteria, skip,
// limit)): a skip or limit that is not positive is not applied (derived from
// Spring Data's QueryCursorPreparer, which is not in harness-core).
func (p scimPaging) springLimits() scimPaging {
	p.skip = max(p.skip, 0)
	if p.count <= 0 {
		p.limit = -1
	}
	return p
}

// slice returns the rows the skip and limit select.
func (p scimPaging) slice(rows []any) []any {
	total := int64(len(rows))
	from := min(max(p.skip, 0), total)
	to := total
	if p.limit >= 0 {
		to = min(from+p.limit, total)
	}
	return rows[from:to]
}

// scimSearchPage pages a SCIM search result. spring selects NextGen group
// semantics (springLimits), otherwise Morphia's. It answers the error and
// returns false when Harness fails the search: an unconvertible parameter
// (writeParamException) or a negative skip, which the resource's catch
// turns into a 404 ScimError (guessed detail: Mongo's message).
func (s *Server) scimSearchPage(w http.ResponseWriter, r *http.Request, rows []any, spring bool) (scimListOut, bool) {
	p, ok := scimPageParams(r.URL.Query())
	if !ok {
		s.writeParamException(w, false)
		return scimListOut{}, false
	}
	if spring {
		p = p.springLimits()
	} else if p, ok = p.morphiaLimits(); !ok {
		s.writeSCIMError(w, r, http.StatusNotFound, fmt.Sprintf(
			"Query failed with error code 2 and error message 'skip value must be non-negative, but received: %d'", p.skip))
		return scimListOut{}, false
	}
	page := append([]any{}, p.slice(rows)...)
	return scimListOut{
		Schemas: []string{schemaListResponse}, TotalResults: len(page), Resources: page,
		StartIndex: p.start, ItemsPerPage: p.count,
	}, true
}
