package mockserver

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestRestoreRefusesInvalidState: a state the handlers cannot serve is
// refused with the field named, and the running store is kept. Before,
// `"users":{"x":null}` was accepted and every user request then panicked
// (issue 11 item 2).
func TestRestoreRefusesInvalidState(t *testing.T) {
	const sa = `"/ /sa1":{"identifier":"sa1","name":"SA","email":"sa1@sa.example.com","seq":3}`
	const key = `"/ /SERVICE_ACCOUNT/sa1/k1":{"identifier":"k1","apiKeyType":"SERVICE_ACCOUNT","parentIdentifier":"sa1","seq":4}`
	for _, tc := range []struct {
		name, state string
		want        []string
	}{
		{"null user", `{"users":{"x":null}}`, []string{`users["x"]: is null`}},
		{"user id", `{"users":{"x":{"id":"y","email":"a@example.com"}}}`, []string{`users["x"].id: is "y", not the key "x"`}},
		{"missing id", `{"users":{"x":{"email":"a@example.com"}}}`, []string{`users["x"].id: is missing`}},
		{"email", `{"users":{"x":{"id":"x","email":"A@example.com"}}}`, []string{`users["x"].email: "A@example.com" is not a lower-case email address`}},
		{"duplicate email", `{"users":{"x":{"id":"x","email":"a@example.com"},"y":{"id":"y","email":"a@example.com"}}}`,
			[]string{`users["y"].email: "a@example.com" is also the email of users["x"]`}},
		{"null group", `{"groups":{"g":null}}`, []string{`groups["g"]: is null`}},
		{"group members", `{"users":{"x":{"id":"x","email":"a@example.com"}},"groups":{"g":{"id":"g","name":"G","members":["x","nobody","x"]}}}`,
			[]string{`groups["g"].members[1]: user "nobody" does not exist`, `groups["g"].members[2]: user "x" is listed twice`}},
		{"group name", `{"groups":{"g":{"id":"g"}}}`, []string{`groups["g"].name: is missing`}},
		{"service account key", `{"serviceAccounts":{"sa1":{"identifier":"sa1","name":"SA"}}}`,
			[]string{`serviceAccounts["sa1"]: the key does not match its identifier and scope (want the key "//sa1")`}},
		{"service account identifier", `{"serviceAccounts":{"//1x":{"identifier":"1x"}}}`, []string{`serviceAccounts["//1x"].identifier: "1x" can be 128`}},
		{"dangling key parent", `{"apiKeys":{"//SERVICE_ACCOUNT/ghost/k1":{"identifier":"k1","apiKeyType":"SERVICE_ACCOUNT","parentIdentifier":"ghost"}}}`,
			[]string{`apiKeys["//SERVICE_ACCOUNT/ghost/k1"].parentIdentifier: service account "ghost" does not exist in account`}},
		{"key type", `{"apiKeys":{"k":{"identifier":"k1","apiKeyType":"ROBOT"}}}`, []string{`apiKeys["k"].apiKeyType: "ROBOT" is not USER or SERVICE_ACCOUNT`}},
		{"dangling token key", `{"tokens":{"t":{"id":"t","identifier":"t1","apiKeyIdentifier":"k9","apiKeyType":"USER","parentIdentifier":"u","secret":"s"}}}`,
			[]string{`tokens["t"].apiKeyIdentifier: no API key USER key k9 of u in account`}},
		{"token secret", `{"serviceAccounts":{` + strings.ReplaceAll(sa, " ", "") + `},"apiKeys":{` + strings.ReplaceAll(key, " ", "") + `},` +
			`"tokens":{"t":{"id":"t","identifier":"t1","apiKeyIdentifier":"k1","apiKeyType":"SERVICE_ACCOUNT","parentIdentifier":"sa1"}}}`,
			[]string{`tokens["t"].secret: is missing`}},
		{"unknown collection", `{"user":{}}`, []string{`json: unknown field "user"`}},
		{"syntax", "{\n  \"users\": {,}\n}", []string{`line 2, column 13: invalid character ','`}},
		{"type", "{\"users\":{\"x\":{\"id\":\"x\",\n\"seq\":\"one\"}}}", []string{`line 2, column 11: users.seq: cannot use a JSON string as int64`}},
		{"empty", ``, []string{`the file is empty or truncated`}},
		{"trailing data", `{}{}`, []string{`unexpected data after the JSON object`}},
	} {
		s := New(Options{})
		keep := s.SeedUser(UserSpec{Email: "keep@example.com"})
		err := s.Restore([]byte(tc.state))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\nlacks %q", tc.name, err, w)
			}
		}
		if _, ok := s.User(keep.ID); !ok {
			t.Errorf("%s: a refused state replaced the store", tc.name)
		}
	}
}

// TestRestoreListsEveryProblem: one error names every problem (bounded),
// so a hand-edited file is fixed in one pass.
func TestRestoreListsEveryProblem(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"users":{`)
	for i := range 25 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"u` + string(rune('a'+i)) + `":null`)
	}
	b.WriteString(`}}`)
	err := New(Options{}).Restore([]byte(b.String()))
	var se *StateError
	if !errors.As(err, &se) || len(se.Problems) != 25 {
		t.Fatalf("got %v", err)
	}
	if msg := err.Error(); strings.Count(msg, "is null") != maxStateProblems || !strings.Contains(msg, "(and 5 more)") {
		t.Errorf("message:\n%s", msg)
	}
}

// TestRestoreNumbersHandWrittenState: entities without a sequence number
// (a hand-written file) are numbered after the highest, in key order, and
// new objects continue from there.
func TestRestoreNumbersHandWrittenState(t *testing.T) {
	s := New(Options{})
	err := s.Restore([]byte(`{"users":{"b":{"id":"b","email":"b@example.com","member":true,"imported":true},` +
		`"a":{"id":"a","email":"a@example.com","member":true,"imported":true},` +
		`"c":{"id":"c","email":"c@example.com","member":true,"imported":true,"seq":7}}}`))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.User("a")
	b, _ := s.User("b")
	if a.Seq != 8 || b.Seq != 9 {
		t.Errorf("seq a=%d b=%d, want 8 and 9", a.Seq, b.Seq)
	}
	if d := s.SeedUser(UserSpec{Email: "d@example.com"}); d.Seq <= 9 {
		t.Errorf("new user seq %d", d.Seq)
	}
	hs := newTestServer(t, "nextgen", nil)
	if err := hs.Restore([]byte(`{"users":{"x":{"id":"x","email":"x@example.com","member":true,"imported":true}}}`)); err != nil {
		t.Fatal(err)
	}
	if a := hs.call(http.MethodGet, hs.base()+"/Users", ""); a.status != 200 || !strings.Contains(a.body, `"id":"x"`) {
		t.Errorf("restored user not served: %d %s", a.status, a.body)
	}
}
