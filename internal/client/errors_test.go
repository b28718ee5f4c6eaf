package client

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// htmlGatewayPage is a multi-line proxy page of well over 200 bytes with a
// multi-byte character where the excerpt is cut.
var htmlGatewayPage = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n  <center><h1>502 Bad Gateway</h1></center>\n" +
	"  <p>" + strings.Repeat("x", 94) + "ééééé</p>\n</body>\n</html>\n"

// TestDecodeErrorShapes decodes every error shape of docs/design/harness-api.md 1.9
// and 6.2.
const gatewayRateLimit = "too many requests: Harness's gateway rate limit (about 1000 requests per minute per API key)"

func TestDecodeErrorShapes(t *testing.T) {
	restHeader := `{"metaData":{},"resource":null,"responseMessages":[{"code":"INVALID_REQUEST","level":"ERROR",` +
		`"message":"Invalid request: User not authorized","exception":null,"failureTypes":[]}]}`
	for _, tc := range []struct {
		name       string
		status     int
		header     http.Header
		body       string
		kind       ErrorKind
		code       string
		message    string
		scimStatus int
		fields     int
	}{
		{
			name: "scim-404-numeric-status", status: 404,
			body: `{"id":null,"externalId":null,"meta":null,"detail":"User does not exist in NG","status":404,` +
				`"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`,
			kind: KindNotFound, message: "User does not exist in NG", scimStatus: 404,
		},
		{
			name: "scim-409-body-status-404", status: 409,
			body: `{"id":null,"externalId":null,"meta":null,"detail":"Failed to create user","status":404,` +
				`"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`,
			kind: KindConflict, message: "Failed to create user", scimStatus: 404,
		},
		{
			name: "scim-412-group-put", status: 412,
			body: `{"id":null,"externalId":null,"meta":null,"detail":"Update failed","status":404,` +
				`"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`,
			kind: KindConflict, message: "Update failed", scimStatus: 404,
		},
		{
			name: "scim-string-status", status: 404,
			body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Group does not exist","status":"404"}`,
			kind: KindNotFound, message: "Group does not exist", scimStatus: 404,
		},
		{
			name: "scim-null-detail", status: 404,
			body: `{"id":null,"externalId":null,"meta":null,"detail":null,"status":404,` +
				`"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"]}`,
			kind: KindNotFound, message: "Not Found", scimStatus: 404,
		},
		{
			name: "ng-invalid-token", status: 401,
			body: `{"status":"ERROR","code":"INVALID_TOKEN","message":"Token is not valid.","correlationId":"c-1",` +
				`"detailedMessage":null,"responseMessages":[{"code":"INVALID_TOKEN","level":"ERROR","message":"Token is not valid.",` +
				`"exception":null,"failureTypes":[]}],"metadata":null}`,
			kind: KindUnauthorized, code: "INVALID_TOKEN", message: "Token is not valid.",
		},
		{
			name: "ng-expired-token", status: 401,
			body: `{"status":"ERROR","code":"EXPIRED_TOKEN","message":"Token expired.","correlationId":"c-2"}`,
			kind: KindUnauthorized, code: "EXPIRED_TOKEN", message: "Token expired.",
		},
		{
			name: "ng-access-denied", status: 403,
			body: `{"status":"ERROR","code":"NG_ACCESS_DENIED","message":"\"User not Authorized: Token needs to have ` +
				`core_user_manage permission on account: acct to perform SCIM user action\"","correlationId":"c-3"}`,
			kind: KindForbidden, code: "NG_ACCESS_DENIED",
			message: `"User not Authorized: Token needs to have core_user_manage permission on account: acct to perform SCIM user action"`,
		},
		{
			name: "ng-invalid-argument-doesnt-exist", status: 400,
			body: `{"status":"ERROR","code":"INVALID_ARGUMENT","message":"Invalid argument(s): Api key [k1] doesn't exist in scope",` +
				`"correlationId":"c-4"}`,
			kind: KindNotFound, code: "INVALID_ARGUMENT", message: "Invalid argument(s): Api key [k1] doesn't exist in scope",
		},
		{
			name: "ng-invalid-argument-other", status: 400,
			body: `{"status":"ERROR","code":"INVALID_ARGUMENT","message":"Invalid argument(s): No user identifier present in context"}`,
			kind: KindValidation, code: "INVALID_ARGUMENT", message: "Invalid argument(s): No user identifier present in context",
		},
		{
			name: "ng-patch-user-does-not-exist", status: 400,
			body: `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: User does not exist"}`,
			kind: KindNotFound, code: "INVALID_REQUEST", message: "Invalid request: User does not exist",
		},
		{
			name: "ng-delete-unknown-user-token-not-valid", status: 400,
			body: `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: Token is not valid."}`,
			kind: KindValidation, code: "INVALID_REQUEST", message: "Invalid request: Token is not valid.",
		},
		{
			name: "ng-duplicate-field", status: 400,
			body: `{"status":"ERROR","code":"DUPLICATE_FIELD","message":"Try using different Key name, [k1] already exists"}`,
			kind: KindConflict, code: "DUPLICATE_FIELD", message: "Try using different Key name, [k1] already exists",
		},
		{
			name: "ng-unknown-error", status: 500,
			body: `{"status":"ERROR","code":"UNKNOWN_ERROR","message":"Oops, something went wrong on our end. Please contact Harness Support."}`,
			kind: KindServer, code: "UNKNOWN_ERROR", message: "Oops, something went wrong on our end. Please contact Harness Support.",
		},
		{
			name: "ng-entity-not-found", status: 404,
			body: `{"status":"ERROR","code":"ENTITY_NOT_FOUND","message":"Entity not found"}`,
			kind: KindNotFound, code: "ENTITY_NOT_FOUND", message: "Entity not found",
		},
		{
			name: "failure-dto-field-errors", status: 400,
			body: `{"status":"FAILURE","code":"INVALID_REQUEST","message":"identifier: can be 128 characters long","correlationId":"c-5",` +
				`"errors":[{"fieldId":"identifier","error":"can be 128 characters long"},{"fieldId":"name","error":"must not be blank"}]}`,
			kind: KindValidation, code: "INVALID_REQUEST", message: "identifier: can be 128 characters long", fields: 2,
		},
		{
			name: "failure-dto-resource-not-found", status: 400,
			body: `{"status":"FAILURE","code":"RESOURCE_NOT_FOUND_EXCEPTION","message":"Service account with identifier [sa1] ` +
				`is not found in the given scope","correlationId":"c-6","errors":[]}`,
			kind: KindNotFound, code: "RESOURCE_NOT_FOUND_EXCEPTION",
			message: "Service account with identifier [sa1] is not found in the given scope",
		},
		{
			name: "fg-rest-response-body", status: 400, body: restHeader,
			kind: KindUnauthorized, code: "INVALID_REQUEST", message: "Invalid request: User not authorized",
		},
		{
			name: "fg-rest-response-header-only", status: 400, header: http.Header{"X-Harness-Error": {restHeader}},
			kind: KindUnauthorized, code: "INVALID_REQUEST", message: "Invalid request: User not authorized",
		},
		{
			name: "fg-rest-response-invalid-token", status: 401,
			body: `{"metaData":{},"resource":null,"responseMessages":[{"code":"INVALID_TOKEN","level":"ERROR","message":"Token is not valid."}]}`,
			kind: KindUnauthorized, code: "INVALID_TOKEN", message: "Token is not valid.",
		},
		{
			name: "fg-rest-response-picks-error-level", status: 400,
			body: `{"metaData":{},"responseMessages":[{"code":"DEFAULT","level":"INFO","message":"fyi"},` +
				`{"code":"INVALID_ARGUMENT","level":"ERROR","message":"Invalid argument(s): name"}]}`,
			kind: KindValidation, code: "INVALID_ARGUMENT", message: "Invalid argument(s): name",
		},
		{name: "empty-404", status: 404, kind: KindNotFound, message: "Not Found"},
		{name: "empty-404-whitespace", status: 404, body: " \n", kind: KindNotFound, message: "Not Found"},
		{name: "empty-429", status: 429, kind: KindRateLimited, message: gatewayRateLimit},
		{
			name: "cloud-armor-429", status: 429, kind: KindRateLimited, message: gatewayRateLimit,
			body: `<!doctype html><meta charset="utf-8"><meta name=viewport content="width=device-width, initial-scale=1"><title>429</title>429 Too Many Requests`,
		},
		{name: "empty-unknown-status", status: 599, kind: KindServer, message: "HTTP status 599"},
		{
			name: "blank-scim-detail", status: 409, body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":" ","status":"409"}`,
			kind: KindConflict, message: "Conflict", scimStatus: 409,
		},
		{name: "empty-503", status: 503, kind: KindServer, message: "Service Unavailable"},
		{name: "empty-401", status: 401, kind: KindUnauthorized, message: "Unauthorized"},
		{
			name: "html-502", status: 502, body: htmlGatewayPage, kind: KindServer,
			message: "unexpected non-Harness response: <html> <head><title>502 Bad Gateway</title></head> <body> " +
				"<center><h1>502 Bad Gateway</h1></center> <p>" + strings.Repeat("x", 94) + "é...",
		},
		{
			name: "html-404-is-not-not-found", status: 404, body: "<html><body><h1>404 Not Found</h1></body></html>\n",
			kind: KindUnknown, message: "unexpected non-Harness response: <html><body><h1>404 Not Found</h1></body></html>",
		},
		{
			name: "foreign-json-404", status: 404, body: `{"timestamp":"2024-01-01","error":"Not Found","path":"/x"}`,
			kind: KindUnknown, message: `unexpected non-Harness response: {"timestamp":"2024-01-01","error":"Not Found","path":"/x"}`,
		},
		{
			name: "broken-json-500", status: 500, body: `{"status":"ERROR",`,
			kind: KindServer, message: `unexpected non-Harness response: {"status":"ERROR",`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := decodeError(http.MethodPost, "/p", tc.status, tc.header, []byte(tc.body))
			if e.Kind != tc.kind || e.StatusCode != tc.status || e.Code != tc.code || e.Message != tc.message ||
				e.SCIMStatus != tc.scimStatus || len(e.FieldErrors) != tc.fields {
				t.Errorf("got Kind %v Status %d Code %q Message %q SCIMStatus %d fields %d\nwant Kind %v Status %d Code %q Message %q SCIMStatus %d fields %d",
					e.Kind, e.StatusCode, e.Code, e.Message, e.SCIMStatus, len(e.FieldErrors),
					tc.kind, tc.status, tc.code, tc.message, tc.scimStatus, tc.fields)
			}
			if !utf8.ValidString(e.Message) || strings.Contains(e.Message, "\n") {
				t.Errorf("message is not a single line of UTF-8: %q", e.Message)
			}
			if e.Method != http.MethodPost || e.Path != "/p" {
				t.Errorf("Method/Path = %s %s", e.Method, e.Path)
			}
		})
	}
}

func TestDecodeErrorCorrelationAndFields(t *testing.T) {
	e := decodeError("POST", "/ng/api/apikey", 400, nil, []byte(`{"status":"FAILURE","code":"INVALID_REQUEST",`+
		`"message":"identifier: can be 128 characters long","correlationId":"corr-9",`+
		`"errors":[{"fieldId":"identifier","error":"can be 128 characters long"},{"fieldId":"name","error":"must not be blank"}]}`))
	e.Attempts = 3
	if e.CorrelationID != "corr-9" {
		t.Errorf("CorrelationID = %q", e.CorrelationID)
	}
	want := "POST /ng/api/apikey: HTTP 400 INVALID_REQUEST: identifier: can be 128 characters long (name: must not be blank) (after 3 attempts)"
	if e.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}
	e = decodeError("GET", "/x", 404, nil, nil)
	if e.Error() != "GET /x: HTTP 404: Not Found" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestErrorsIsSentinels(t *testing.T) {
	sentinels := []error{ErrNotFound, ErrConflict, ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrValidation, ErrServer,
		ErrFirstGenDisabled}
	kinds := []ErrorKind{KindNotFound, KindConflict, KindUnauthorized, KindForbidden, KindRateLimited, KindValidation, KindServer,
		KindFirstGenDisabled}
	for i, k := range kinds {
		err := fmt.Errorf("reading: %w", &APIError{Kind: k, StatusCode: 400})
		for j, s := range sentinels {
			if got := errors.Is(err, s); got != (i == j) {
				t.Errorf("errors.Is(kind %d, %v) = %v", k, s, got)
			}
		}
		if IsNotFound(err) != (k == KindNotFound) || IsConflict(err) != (k == KindConflict) {
			t.Errorf("kind %d: IsNotFound %v IsConflict %v", k, IsNotFound(err), IsConflict(err))
		}
		if apiErr, ok := AsAPIError(err); !ok || apiErr.Kind != k {
			t.Errorf("AsAPIError(kind %d) = %v, %v", k, apiErr, ok)
		}
	}
	unknown := &APIError{Kind: KindUnknown}
	for _, s := range sentinels {
		if errors.Is(unknown, s) {
			t.Errorf("KindUnknown matches %v", s)
		}
	}
	if IsNotFound(nil) || IsNotFound(errors.New("not found")) {
		t.Error("IsNotFound matches a nil or plain error")
	}
	if _, ok := AsAPIError(errors.New("x")); ok {
		t.Error("AsAPIError accepted a plain error")
	}
	if len(kindSentinels) != len(sentinels) {
		t.Errorf("kindSentinels has %d entries, the test knows %d", len(kindSentinels), len(sentinels))
	}
}

// TestNonHarness404ThroughDo: a 404 page that is not Harness's means the
// route does not exist at this endpoint; it must not read as ErrNotFound,
// and the message says what to check.
func TestNonHarness404ThroughDo(t *testing.T) {
	srv := newScriptServer(t, step{status: 404, header: http.Header{"Content-Type": {"text/html"}},
		body: "<html><body><h1>404 Not Found</h1></body></html>\n"})
	c, _ := newTestClient(t, srv.URL, nil)
	_, err := c.GetSCIMUser(t.Context(), "u1")
	if err == nil || IsNotFound(err) {
		t.Fatalf("SCIM GET on a missing route: err = %v, must not be ErrNotFound", err)
	}
	for _, want := range []string{"endpoint", "scim_generation", "/ng/api/scim", "404 Not Found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	err = c.DeleteSCIMUser(t.Context(), "u1")
	if err == nil || IsNotFound(err) {
		t.Fatalf("SCIM DELETE on a missing route: err = %v, must not be ErrNotFound", err)
	}
	_, err = c.do(t.Context(), &request{method: http.MethodGet, path: "/ng/api/apikey/k1", auth: authAPIKey}, nil)
	if err == nil || IsNotFound(err) || !strings.Contains(err.Error(), "check the provider's endpoint") ||
		strings.Contains(err.Error(), "scim_generation") {
		t.Errorf("NG REST GET on a missing route: err = %v", err)
	}
	// GET, DELETE (no confirming GET: the 404 is not a misleading
	// Harness answer) and the REST GET; 404s are never retried.
	if srv.requests() != 3 {
		t.Errorf("server saw %d requests, want 3", srv.requests())
	}
}

func TestTruncateUTF8(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abc", 3, "abc"}, {"abcd", 3, "abc"}, {"aé", 2, "a"}, {"aé", 3, "aé"}, {"日本", 4, "日"}, {"日本", 0, ""},
	} {
		if got := truncateUTF8(tc.s, tc.n); got != tc.want {
			t.Errorf("truncateUTF8(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
	if got := excerpt([]byte("a\xffb  \n c"), 100); got != "a\uFFFDb c" {
		t.Errorf("excerpt of invalid UTF-8 = %q", got)
	}
}
