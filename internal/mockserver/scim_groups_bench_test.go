package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMockPatchGroup5000 measures the mock's PATCH handler alone (no
// network) on a 5,000-member group, swapping 250 members per request.
func BenchmarkMockPatchGroup5000(b *testing.B) {
	const size, swap = 5000, 250
	srv := New(Options{})
	ids := make([]string, size+swap)
	for i := range ids {
		ids[i] = srv.SeedUser(UserSpec{Email: fmt.Sprintf("b%d@example.com", i)}).ID
	}
	g := srv.SeedGroup(GroupSpec{Name: "Bench", Members: ids[:size]})
	body := func(add, remove []string) []byte {
		data, _ := json.Marshal(patchBody(
			map[string]any{"op": "Add", "path": "members", "value": valueList(add...)},
			map[string]any{"op": "Remove", "path": "members", "value": valueList(remove...)},
		))
		return data
	}
	bodies := [2][]byte{body(ids[size:], ids[:swap]), body(ids[:swap], ids[size:])}
	path := "/ng/api/scim/account/" + srv.AccountID() + "/Groups/" + g.ID
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPatch, path, bytes.NewReader(bodies[i%2]))
		req.Header.Set("Authorization", "Bearer "+srv.Token())
		req.Header.Set("Content-Type", "application/scim+json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			b.Fatalf("PATCH: %d %s", rec.Code, rec.Body)
		}
		i++
	}
	if got, _ := srv.Group(g.ID); len(got.Members) != size {
		b.Fatalf("group has %d members", len(got.Members))
	}
}
