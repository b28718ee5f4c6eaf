package client

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// identifierCharset is what generateHarnessUIFormatIdentifier can output.
var identifierCharset = regexp.MustCompile(`^[0-9A-Za-z_$]*$`)

// FuzzGroupIdentifier: the client's GroupIdentifier and the mock's
// derivation (a NextGen POST /Groups) agree for every display name: the
// mock creates the group under exactly the id the client predicts, and
// refuses the name when the client predicts no id or one Harness's
// identifier validator refuses (GroupIdentifierProblem). Derived ids only use
// the identifier charset and are never longer than the name.
func FuzzGroupIdentifier(f *testing.F) {
	for _, seed := range []string{
		"Engineering", "  Team - Ops.2024 ", "Équipe été", "123 Numbers", "$money", "-lead", "#1abc",
		"Łódź", "\u0301 1abc", "a\u00a0b", "\u00a0 1x", "日本語", "٣1abc", "", "   ", "\x01 x", "Team eq Ops",
		"emoji 😀 group", "tab\tand\nnewline", "a$b_c", strings.Repeat("long ", 60), "\xff\xfe",
		"Łódź team", "\u20d0 1abc", "\u2003 \u2003", "\x01\u2003 \u2003\x01", "\x1c1x", "Kelvin \u212a",
	} {
		f.Add(seed)
	}
	mock := mockserver.New(mockserver.Options{Profile: mockserver.MustProfile("nextgen")})
	path := SCIMBasePath(NextGen, mock.AccountID()) + "/Groups"
	f.Fuzz(func(t *testing.T, name string) {
		mock.ResetRequests() // the request log would grow with every execution
		body, err := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": name})
		if err != nil {
			t.Fatal(err)
		}
		// JSON carries valid UTF-8 only: compare on the name the mock reads.
		var sent struct{ DisplayName string }
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatal(err)
		}
		id := GroupIdentifier(sent.DisplayName)
		if !identifierCharset.MatchString(id) || len(id) > len(sent.DisplayName) {
			t.Fatalf("GroupIdentifier(%q) = %q", sent.DisplayName, id)
		}
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+mock.Token())
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		mock.ServeHTTP(rec, req)
		var got struct{ ID string }
		_ = json.Unmarshal(rec.Body.Bytes(), &got)
		_, problem := GroupIdentifierProblem(sent.DisplayName)
		switch {
		case strings.TrimSpace(sent.DisplayName) == "" || id == "" || problem != "":
			// Harness refuses the name (no id, or one its identifier
			// validator refuses): so must the mock.
			if rec.Code != http.StatusConflict {
				t.Fatalf("name %q (client id %q, %q): the mock answered %d %s, want 409", sent.DisplayName, id, problem, rec.Code, rec.Body)
			}
		case rec.Code != http.StatusCreated || got.ID != id:
			t.Fatalf("name %q: the mock answered %d with id %q, the client derives %q", sent.DisplayName, rec.Code, got.ID, id)
		default:
			mock.DeleteGroup(id)
		}
		if mock.PanicCount() != 0 {
			t.Fatal("the mock panicked")
		}
	})
}
