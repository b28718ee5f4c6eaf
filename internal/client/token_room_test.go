package client

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

// seedTokens creates tokens on saKeyRef.
func (f *ngFixture) seedTokens(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		tok := &Token{Identifier: id, Name: id}
		tok.SetKey(saKeyRef)
		if _, err := f.c.CreateToken(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	f.mock.ResetRequests()
}

// TestTokenRoomAndRotationLimit: the mock mimics TokenServiceImpl.
// rotateToken, which renames before it checks the limit. TokenRoom tells,
// in one request, whether a rotation fits; two rotations within the grace
// period on a key holding three other tokens: the first fits, the second
// does not, and forcing it loses the identifier, which the error explains.
func TestTokenRoomAndRotationLimit(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	f.seedTokens(t, "t1", "o1", "o2", "o3")
	ctx := context.Background()
	grace := time.Now().Add(time.Hour)

	room, err := f.c.TokenRoom(ctx, saKeyRef)
	f.counts(t, map[string]int{mockserver.OpListTokens: 1})
	if err != nil || room.Free() != 1 || !room.CanRotate() || len(room.RotatedOut()) != 0 {
		t.Fatalf("room before: %+v, %v", room, err)
	}
	if _, err := f.c.RotateToken(ctx, saKeyRef, "t1", grace); err != nil {
		t.Fatal(err)
	}
	room, _ = f.c.TokenRoom(ctx, saKeyRef)
	rotated := room.RotatedOut()
	if room.Free() != 0 || room.CanRotate() || len(rotated) != 1 || *rotated[0].Token.ScheduledExpireTime != grace.UnixMilli() ||
		!strings.HasPrefix(rotated[0].Token.Identifier, "rotated_") {
		t.Fatalf("room after one rotation: %s", room)
	}
	if s := room.String(); !strings.Contains(s, "holds 5 of its 5 tokens") || !strings.Contains(s, "replaced by a rotation") {
		t.Errorf("room description: %s", s)
	}

	// Forcing the second rotation: Harness's 400 after the rename.
	f.mock.ResetRequests()
	_, err = f.c.RotateToken(ctx, saKeyRef, "t1", grace)
	if !IsLimitReached(err) || !strings.Contains(err.Error(), `the key no longer has a token "t1"`) {
		t.Fatalf("rotation on a full key: %v", err)
	}
	f.counts(t, map[string]int{mockserver.OpRotateToken: 1})
	if _, err := f.c.GetToken(ctx, saKeyRef, "t1"); !IsNotFound(err) {
		t.Fatalf("t1 after the failed rotation: %v", err)
	}
	room, _ = f.c.TokenRoom(ctx, saKeyRef)
	if len(room.RotatedOut()) != 2 || room.Free() != 0 {
		t.Fatalf("room after the failed rotation: %s", room)
	}
}

// TestTokenRoomLimitFromConfig: Config.TokenLimit stands in for an
// account whose limit Harness support raised.
func TestTokenRoomLimitFromConfig(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	f.seedTokens(t, "t1")
	c, err := New(Config{Endpoint: f.url, AccountID: f.mock.AccountID(), APIKey: f.mock.Token(), TokenLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if room, err := c.TokenRoom(context.Background(), saKeyRef); err != nil || room.Limit != 10 || room.Free() != 9 {
		t.Fatalf("room %+v, %v", room, err)
	}
	if room, _ := f.c.TokenRoom(context.Background(), saKeyRef); room.Limit != DefaultTokenLimit {
		t.Fatalf("default limit %d", room.Limit)
	}
}

// TestRotationRetryNeedsRoom: a rotation whose answer is lost after Harness
// applied it (DropAfterCommit) is retried only when the key has room for
// a second rotation; otherwise the retry would lose the identifier, so it
// is not sent and the error says the new value may be lost.
func TestRotationRetryNeedsRoom(t *testing.T) {
	t.Parallel()
	for name, others := range map[string][]string{"room": {"o1", "o2"}, "full": {"o1", "o2", "o3"}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newNGFixture(t)
			f.seedKey(t)
			f.seedTokens(t, append([]string{"t1"}, others...)...)
			f.mock.InjectFault(mockserver.Fault{Op: mockserver.OpRotateToken, DropAfterCommit: true})
			secret, err := f.c.RotateToken(context.Background(), saKeyRef, "t1", time.Now().Add(time.Hour))
			if name == "room" {
				if err != nil || !secretRE.MatchString(secret) {
					t.Fatalf("retry with room: %q, %v", secret, err)
				}
				f.counts(t, map[string]int{mockserver.OpRotateToken: 2, mockserver.OpListTokens: 1})
				return
			}
			if err == nil || !strings.Contains(err.Error(), "not retried") || !strings.Contains(err.Error(), "holds 5 of its 5 tokens") {
				t.Fatalf("retry on a full key: %v", err)
			}
			f.counts(t, map[string]int{mockserver.OpRotateToken: 1, mockserver.OpListTokens: 1})
			if _, err := f.c.GetToken(context.Background(), saKeyRef, "t1"); err != nil {
				t.Fatalf("the identifier was lost: %v", err)
			}
		})
	}
}

// TestListTokensPages: Harness caps pages at 100 rows (PageRequest's
// @Max(100)) and sorts tokens newest change first; a key holding more
// tokens than one page (here minted out of band, past the limit) is listed
// completely, each token once, in two requests of 100 rows.
func TestListTokensPages(t *testing.T) {
	t.Parallel()
	f := newNGFixture(t)
	f.seedKey(t)
	key := mockserver.APIKeyRef{Type: mockserver.KindServiceAccount, Parent: "sa1", Identifier: "k1"}
	for i := range 150 {
		if _, err := f.mock.MintToken(mockserver.TokenSpec{Key: key, Identifier: "t" + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	f.mock.ResetRequests()
	rows, err := f.c.ListTokens(context.Background(), saKeyRef)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Token.Identifier] = true
	}
	if len(rows) != 150 || len(seen) != 150 {
		t.Fatalf("%d rows, %d distinct, want 150", len(rows), len(seen))
	}
	for _, r := range f.mock.Requests() {
		if q, _ := url.ParseQuery(r.Query); q.Get("pageSize") != "100" {
			t.Errorf("%s %s?%s: pageSize is not 100", r.Method, r.Path, r.Query)
		}
	}
	f.counts(t, map[string]int{mockserver.OpListTokens: 2})
}
