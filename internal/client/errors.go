package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors. Every *APIError matches exactly one of them with errors.Is,
// chosen from the HTTP status and, where Harness's status is misleading, from
// Harness's own error code (see ErrorKind).
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrRateLimited  = errors.New("rate limited")
	ErrValidation   = errors.New("invalid request")
	ErrServer       = errors.New("server error")
	// ErrFirstGenDisabled is Harness refusing FirstGen SCIM on an account
	// migrated to NextGen (CDS_DISABLE_FIRST_GEN_CD): every FirstGen
	// request answers 403 ACCOUNT_MIGRATED_TO_NEXT_GEN. The fix is NextGen
	// SCIM, with the NextGen tenant URL in the identity provider.
	ErrFirstGenDisabled = errors.New("FirstGen is disabled for the account")
)

// ErrorKind classifies an APIError.
type ErrorKind int

// Error kinds, one per sentinel error.
const (
	KindUnknown ErrorKind = iota
	KindNotFound
	KindConflict
	KindUnauthorized
	KindForbidden
	KindRateLimited
	KindValidation
	KindServer
	KindFirstGenDisabled
)

var kindSentinels = map[ErrorKind]error{
	KindNotFound:     ErrNotFound,
	KindConflict:     ErrConflict,
	KindUnauthorized: ErrUnauthorized,
	KindForbidden:    ErrForbidden,
	KindRateLimited:  ErrRateLimited,
	KindValidation:   ErrValidation,
	KindServer:       ErrServer,

	KindFirstGenDisabled: ErrFirstGenDisabled,
}

// FieldError is one entry of a Harness FailureDTO "errors" list.
type FieldError struct {
	FieldID string `json:"fieldId"`
	Error   string `json:"error"`
}

// APIError is a non-2xx answer from Harness, decoded from whichever of
// Harness's error shapes the body used (docs/design/harness-api.md 1.9 and 6.2).
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	// Code is Harness's error code (INVALID_ARGUMENT, DUPLICATE_FIELD, ...),
	// empty for SCIM errors, which carry none.
	Code string
	// Message is Harness's own message: "detail" for SCIM errors, "message"
	// for NextGen ErrorDTO/FailureDTO, the first response message for
	// FirstGen RestResponse bodies.
	Message string
	// SCIMStatus is the numeric "status" of a SCIM error body, which can
	// differ from the HTTP status (POST failures answer 409 with status 404).
	SCIMStatus    int
	FieldErrors   []FieldError
	CorrelationID string
	Kind          ErrorKind
	// Attempts is how many times the request was sent.
	Attempts int
	// Uncertain is true when an earlier attempt failed in a way that leaves
	// open whether Harness applied it (connection dropped, 5xx).
	Uncertain bool
	// Elapsed and Hint are set when the client gave up on an answer it
	// could have retried (retries used up, operation bound reached): how
	// long the call took, and which setting to change.
	Elapsed time.Duration
	Hint    string
	// NextGenTenantURL is set on KindFirstGenDisabled errors: the SCIM
	// tenant URL of the same account on the NextGen API, where an identity
	// provider must point instead.
	NextGenTenantURL string
	// routeMissing marks a 404 that came from something other than Harness
	// (no such route at this endpoint).
	routeMissing bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, fe := range e.FieldErrors {
		if fe.FieldID != "" && !strings.Contains(e.Message, fe.Error) {
			fmt.Fprintf(&b, " (%s: %s)", fe.FieldID, fe.Error)
		}
	}
	switch {
	case e.Hint != "":
		fmt.Fprintf(&b, " (%s; %s)", tried(e.Attempts, e.Elapsed), e.Hint)
	case e.Attempts > 1:
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// Is lets errors.Is(err, ErrNotFound) and friends work on *APIError.
func (e *APIError) Is(target error) bool {
	return kindSentinels[e.Kind] == target
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsFirstGenDisabled reports whether err is Harness refusing FirstGen SCIM
// because the account was migrated to NextGen.
func IsFirstGenDisabled(err error) bool { return errors.Is(err, ErrFirstGenDisabled) }

// IsConflict reports whether err means the object already exists.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }

// AsAPIError returns err as an *APIError when it is one.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// errorBody is the union of every error shape Harness answers with.
type errorBody struct {
	// SCIM error: {"detail":"...","status":404,"schemas":[...Error]}.
	Detail  *string         `json:"detail"`
	Schemas []string        `json:"schemas"`
	Status  json.RawMessage `json:"status"`
	// NextGen ErrorDTO / FailureDTO: {"status":"ERROR","code":"...","message":"..."}.
	Code          string       `json:"code"`
	Message       string       `json:"message"`
	CorrelationID string       `json:"correlationId"`
	Errors        []FieldError `json:"errors"`
	// FirstGen RestResponse: {"responseMessages":[{"code":..,"level":..,"message":..}]}.
	ResponseMessages []struct {
		Code    string `json:"code"`
		Level   string `json:"level"`
		Message string `json:"message"`
	} `json:"responseMessages"`
}

// decodeError builds an APIError from a failed response.
func decodeError(method, path string, status int, header http.Header, body []byte) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		// FirstGen puts its RestResponse in a header on some failures.
		if h := header.Get("X-Harness-Error"); h != "" {
			body = []byte(h)
		}
	}
	recognized := false
	var eb errorBody
	if len(body) > 0 && body[0] == '{' && json.Unmarshal(body, &eb) == nil {
		recognized = true
		switch {
		case eb.Detail != nil || isSCIMError(eb.Schemas):
			if eb.Detail != nil {
				e.Message = *eb.Detail
			}
			e.SCIMStatus = scimStatus(eb.Status)
		case eb.Code != "" || eb.Message != "":
			e.Code = eb.Code
			e.Message = eb.Message
			e.CorrelationID = eb.CorrelationID
			e.FieldErrors = eb.Errors
		case len(eb.ResponseMessages) > 0:
			m := eb.ResponseMessages[0]
			for _, rm := range eb.ResponseMessages {
				if rm.Level == "ERROR" {
					m = rm
					break
				}
			}
			e.Code, e.Message = m.Code, m.Message
		default:
			recognized = false
		}
	}
	switch {
	case !recognized && status == http.StatusTooManyRequests:
		// Google Cloud Armor's HTML page: Harness's gateway limits each
		// API key (docs/design/harness-api.md 6.3).
		e.Message = "too many requests: Harness's gateway rate limit (about 1000 requests per minute per API key)"
	case !recognized && len(body) > 0:
		// A proxy or gateway page (or JSON in no Harness shape): keep a
		// short, single-line excerpt.
		e.Message = "unexpected non-Harness response: " + excerpt(body, 200)
	}
	if strings.TrimSpace(e.Message) == "" {
		// A blank message would leave diagnostics saying nothing; an
		// unknown status has no text either.
		e.Message = http.StatusText(status)
		if e.Message == "" {
			e.Message = fmt.Sprintf("HTTP status %d", status)
		}
	}
	e.Kind = classify(status, e.Code, e.Message)
	if !recognized && len(body) > 0 && status == http.StatusNotFound {
		// Harness answers a missing object with a JSON error or an empty
		// body; any other 404 page means the route itself does not exist at
		// this endpoint. Calling that "not found" would make Terraform drop
		// every object from state and re-create it.
		e.Kind = KindUnknown
		e.routeMissing = true
	}
	return e
}

// excerpt renders b as one line of valid UTF-8 of at most n bytes.
func excerpt(b []byte, n int) string {
	text := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "\uFFFD")), " ")
	if len(text) > n {
		text = truncateUTF8(text, n) + "..."
	}
	return text
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isSCIMError(schemas []string) bool {
	for _, s := range schemas {
		if strings.HasSuffix(s, ":Error") {
			return true
		}
	}
	return false
}

// scimStatus reads a SCIM error status that Harness sends as a number and
// the RFC as a string.
func scimStatus(raw json.RawMessage) int {
	s := strings.Trim(string(raw), `"`)
	n, _ := strconv.Atoi(s)
	return n
}

// classify maps an HTTP status and Harness code to an ErrorKind. Codes win
// over statuses because Harness answers 400 for duplicates and for missing
// objects in the NextGen API-key family (docs/design/harness-api.md 3.2).
func classify(status int, code, message string) ErrorKind {
	switch code {
	case "ACCOUNT_MIGRATED_TO_NEXT_GEN":
		// DisableFirstGenFilter's 403 (400-rest, harness-core 1dcec145).
		return KindFirstGenDisabled
	case "DUPLICATE_FIELD":
		return KindConflict
	case "RESOURCE_NOT_FOUND", "RESOURCE_NOT_FOUND_EXCEPTION", "ENTITY_NOT_FOUND":
		return KindNotFound
	case "INVALID_TOKEN", "EXPIRED_TOKEN":
		return KindUnauthorized
	case "NG_ACCESS_DENIED", "ACCESS_DENIED":
		return KindForbidden
	}
	if status == http.StatusBadRequest && (code == "INVALID_ARGUMENT" || code == "INVALID_REQUEST") {
		lower := strings.ToLower(message)
		switch {
		case strings.Contains(lower, "doesn't exist") || strings.Contains(lower, "does not exist"):
			// "Api key [x] doesn't exist in scope", "Service account
			// with identifier: x doesn't exist" (3.2, 5) and SCIM PATCH's
			// "User does not exist" (1.7) are Harness's 400 for a missing
			// object.
			return KindNotFound
		case strings.Contains(lower, "user not authorized"):
			// FirstGen answers a bad or under-privileged key with 400
			// "Invalid request: User not authorized" (6.2).
			return KindUnauthorized
		}
	}
	switch {
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict || status == http.StatusPreconditionFailed:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status >= 500:
		return KindServer
	case status >= 400:
		return KindValidation
	}
	return KindUnknown
}
