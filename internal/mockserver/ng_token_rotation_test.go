package mockserver

import (
	"strings"
	"testing"
	"time"
)

// TestNGRotationAtTokenLimit pins TokenServiceImpl.rotateToken (harness-core
// 1dcec145, lines 253-280): the old token is renamed and committed first,
// then the new one is created through createToken, whose validateTokenLimit
// (lines 185-196) counts the renamed token. On a full key the rotation
// answers 400 "Maximum limit has reached" and the original identifier is
// gone; the renamed token keeps working until its scheduled expiry.
func TestNGRotationAtTokenLimit(t *testing.T) {
	t.Parallel()
	h := newNGHarness(t)
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	q := tokenQuery(KindServiceAccount, "sa1", "k1")
	key := APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}
	secrets := map[string]string{}
	for _, id := range []string{"t1", "o1", "o2", "o3"} {
		a := h.call("POST", "/ng/api/token", nil, tokenBody(id, "k1", KindServiceAccount, "sa1"))
		h.expect(a, 200, "", "")
		secrets[id] = a.str("data")
	}
	rotate := func(grace time.Duration) ngAnswer {
		return h.call("POST", "/ng/api/token/rotate/t1", withQ(q, "rotateTimestamp", itoa(h.srv.Now().Add(grace).UnixMilli())), nil)
	}

	// Four tokens: the first rotation fits (the renamed one is the fifth).
	a := rotate(time.Hour)
	h.expect(a, 200, "", "")
	second := a.str("data")
	if n := len(h.srv.Tokens()); n != 5 {
		t.Fatalf("%d tokens after the first rotation, want 5", n)
	}

	// A second rotation within the grace period: the key is full.
	h.expect(rotate(time.Hour), 400, "INVALID_REQUEST", "Invalid request: Maximum limit has reached")
	if _, ok := h.srv.LookupToken(key, "t1"); ok {
		t.Fatal("the failed rotation kept the original identifier; Harness renames before it checks the limit")
	}
	var rotated []Token
	for _, tok := range h.srv.Tokens() {
		if strings.HasPrefix(tok.Identifier, "rotated_") {
			rotated = append(rotated, tok)
		}
	}
	if len(rotated) != 2 || len(h.srv.Tokens()) != 5 {
		t.Fatalf("after the failed rotation: %d tokens, rotated-out %+v", len(h.srv.Tokens()), rotated)
	}
	// Both earlier secrets keep working until their scheduled expiry...
	if h.scim(secrets["t1"]) != 200 || h.scim(second) != 200 {
		t.Fatal("a rotated-out secret stopped working before its scheduled expiry")
	}
	// ...and re-creating the identifier is refused while they count.
	h.expect(h.call("POST", "/ng/api/token", nil, tokenBody("t1", "k1", KindServiceAccount, "sa1")), 400,
		"INVALID_REQUEST", "Maximum limit has reached")

	// Past the grace period the TTL purge frees the room.
	h.srv.AdvanceTime(time.Hour + time.Second)
	if h.scim(second) != 401 {
		t.Fatal("a rotated-out secret works past its scheduled expiry")
	}
	h.expect(h.call("POST", "/ng/api/token", nil, tokenBody("t1", "k1", KindServiceAccount, "sa1")), 200, "", "")
	if n := len(h.srv.Tokens()); n != 4 {
		t.Fatalf("%d tokens after the purge and re-create, want 4", n)
	}
}

// TestNGRotationRevalidates pins that rotation goes through createToken's
// other checks too, after the rename: an old token whose validTo passed
// (kept by a lagging purge) fails validateTokenExpiryTime and loses its
// identifier the same way.
func TestNGRotationRevalidates(t *testing.T) {
	t.Parallel()
	h := newNGHarnessFor(t, New(Options{KeepExpiredTokens: true}))
	h.srv.SeedServiceAccount(ServiceAccount{Identifier: "sa1", Name: "sa1", Email: "sa1@service.harness.io"})
	body := tokenBody("t1", "k1", KindServiceAccount, "sa1")
	body["validTo"] = h.srv.Now().Add(time.Minute).UnixMilli()
	h.expect(h.call("POST", "/ng/api/token", nil, body), 200, "", "")
	h.srv.AdvanceTime(2 * time.Minute)
	q := withQ(tokenQuery(KindServiceAccount, "sa1", "k1"), "rotateTimestamp", itoa(h.srv.Now().Add(time.Hour).UnixMilli()))
	h.expect(h.call("POST", "/ng/api/token/rotate/t1", q, nil), 400, "INVALID_REQUEST",
		"Token's validTo cannot be set before current time TokenDTO: [TokenDTO(identifier=t1, name=t1,")
	if _, ok := h.srv.LookupToken(APIKeyRef{Type: KindServiceAccount, Parent: "sa1", Identifier: "k1"}, "t1"); ok {
		t.Fatal("the identifier survived a rotation that failed after the rename")
	}
}
