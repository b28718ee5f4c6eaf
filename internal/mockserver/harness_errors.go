package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Media types.
const (
	ctJSON = "application/json"
	ctSCIM = "application/scim+json"
)

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err) // the mock only marshals its own types
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeEmpty answers with a status and no body.
func writeEmpty(w http.ResponseWriter, status int) { w.WriteHeader(status) }

// scimError is Harness's ScimError: status is a number and id, externalId
// and meta are always present as null (docs/design/harness-api.md 1.9).
type scimError struct {
	ID         *string  `json:"id"`
	ExternalID *string  `json:"externalId"`
	Meta       *string  `json:"meta"`
	Detail     *string  `json:"detail"`
	Status     int      `json:"status"`
	Schemas    []string `json:"schemas"`
}

const schemaError = "urn:ietf:params:scim:api:messages:2.0:Error"

// writeSCIMError writes a ScimError. Its body status is 404 whatever the
// HTTP status: Harness answers failed creates with HTTP 409 and failed group
// PUTs with HTTP 412, both carrying status 404 (docs/design/harness-api.md 1.9).
func (s *Server) writeSCIMError(w http.ResponseWriter, r *http.Request, httpStatus int, detail string) {
	var d *string
	if detail != "" {
		d = &detail
	}
	s.writeSCIM(w, r, httpStatus, scimError{Detail: d, Status: http.StatusNotFound, Schemas: []string{schemaError}})
}

// writeSCIM writes a SCIM answer. FirstGen answers only
// application/scim+json; NextGen follows the Accept header (1.1).
func (s *Server) writeSCIM(w http.ResponseWriter, r *http.Request, status int, v any) {
	writeJSON(w, status, s.scimContentType(r), v)
}

// scimContentType is the media type of a SCIM answer: FirstGen's resources
// produce only application/scim+json; NextGen's (NGScimUserResource,
// NGScimGroupResource, NGScimStaticResource) produce both and the mock
// answers application/scim+json when the Accept header names it.
func (s *Server) scimContentType(r *http.Request) string {
	if s.opts.Profile.Generation == NextGen && !strings.Contains(r.Header.Get("Accept"), ctSCIM) {
		return ctJSON
	}
	return ctSCIM
}

type responseMessage struct {
	Code         string   `json:"code"`
	Level        string   `json:"level"`
	Message      string   `json:"message"`
	Exception    *string  `json:"exception"`
	FailureTypes []string `json:"failureTypes"`
}

// errorDTO is NextGen's ErrorDTO (docs/design/harness-api.md 6.2).
type errorDTO struct {
	Status           string            `json:"status"`
	Code             string            `json:"code"`
	Message          string            `json:"message"`
	CorrelationID    string            `json:"correlationId"`
	DetailedMessage  *string           `json:"detailedMessage"`
	ResponseMessages []responseMessage `json:"responseMessages"`
	Metadata         *string           `json:"metadata"`
}

// writeNGError writes an ErrorDTO.
func writeNGError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, ctJSON, errorDTO{
		Status: "ERROR", Code: code, Message: message, CorrelationID: newUUID(),
		ResponseMessages: []responseMessage{{Code: code, Level: "ERROR", Message: message, FailureTypes: []string{}}},
	})
}

// Harness's fixed messages (response_messages.properties).
const (
	msgInvalidToken = "Token is not valid."
	msgUnknownError = "Oops, something went wrong on our end. Please contact Harness Support."
)

func writeInvalidToken(w http.ResponseWriter) {
	writeNGError(w, http.StatusUnauthorized, "INVALID_TOKEN", msgInvalidToken)
}

// writeUnknownError is what any non-Wings exception (NPE, checkState)
// becomes: HTTP 500 UNKNOWN_ERROR.
func writeUnknownError(w http.ResponseWriter) {
	writeNGError(w, http.StatusInternalServerError, "UNKNOWN_ERROR", msgUnknownError)
}

type fieldError struct {
	FieldID string `json:"fieldId"`
	Error   string `json:"error"`
}

// failureDTO is NextGen's FailureDTO, used for bean-validation failures.
type failureDTO struct {
	Status        string       `json:"status"`
	Code          string       `json:"code"`
	Message       string       `json:"message"`
	CorrelationID string       `json:"correlationId"`
	Errors        []fieldError `json:"errors"`
}

func writeNGFailure(w http.ResponseWriter, status int, code, message string, errs ...fieldError) {
	if errs == nil {
		errs = []fieldError{}
	}
	writeJSON(w, status, ctJSON, failureDTO{Status: "FAILURE", Code: code, Message: message, CorrelationID: newUUID(), Errors: errs})
}

// restResponse is FirstGen's RestResponse.
type restResponse struct {
	MetaData         map[string]any    `json:"metaData"`
	Resource         any               `json:"resource"`
	ResponseMessages []responseMessage `json:"responseMessages"`
}

// writeRestError writes a FirstGen RestResponse error, also in the
// X-Harness-Error header as FirstGen does on auth failures.
func writeRestError(w http.ResponseWriter, status int, code, message string) {
	body := restResponse{
		MetaData:         map[string]any{},
		ResponseMessages: []responseMessage{{Code: code, Level: "ERROR", Message: message, FailureTypes: []string{}}},
	}
	data, _ := json.Marshal(body)
	w.Header().Set("X-Harness-Error", string(data))
	writeJSON(w, status, ctJSON, body)
}

// ngEnvelope is NextGen's ResponseDTO success envelope (docs/design/harness-api.md 3.2).
type ngEnvelope struct {
	Status        string `json:"status"`
	Data          any    `json:"data"`
	MetaData      any    `json:"metaData"`
	CorrelationID string `json:"correlationId"`
}

func writeNGData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, ctJSON, ngEnvelope{Status: "SUCCESS", Data: data, CorrelationID: newUUID()})
}

// msgDefaultError is DEFAULT_ERROR_CODE in response_messages.properties.
const msgDefaultError = "An error has occurred. Please contact the Harness support team."

// writeDefaultError is FirstGen's GenericExceptionMapper.getDefaultResponse:
// HTTP 500 with a RestResponse carrying DEFAULT_ERROR_CODE.
func writeDefaultError(w http.ResponseWriter) {
	writeJSON(w, http.StatusInternalServerError, ctJSON, restResponse{
		MetaData: map[string]any{},
		ResponseMessages: []responseMessage{{
			Code: "DEFAULT_ERROR_CODE", Level: "ERROR", Message: msgDefaultError, FailureTypes: []string{},
		}},
	})
}

// writeInvalidRequest writes a 400 INVALID_REQUEST in the error shape of
// the API generation serving the request: FirstGen's RestResponse when fg,
// else NextGen's ErrorDTO. SCIM handlers pass s.firstGen().
func writeInvalidRequest(w http.ResponseWriter, fg bool, message string) {
	if fg {
		writeRestError(w, http.StatusBadRequest, "INVALID_REQUEST", message)
		return
	}
	writeNGError(w, http.StatusBadRequest, "INVALID_REQUEST", message)
}
