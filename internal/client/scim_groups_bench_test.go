package client

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSCIMGroupClient5000 measures the client against the mock for a
// 5,000-member group: the POST that creates it with its members, the GET
// that refreshes it, and an update as the resource sends it (one PATCH
// swapping 250 members, then one GET).
func BenchmarkSCIMGroupClient5000(b *testing.B) {
	const size, swap = 5000, 250
	ctx := context.Background()
	c, srv := newGroupTestClient(b, "nextgen")
	users := seedGroupUsers(srv, size+swap)

	b.Run("create", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := c.CreateSCIMGroup(ctx, &SCIMGroup{DisplayName: fmt.Sprintf("bench create %d", i), Members: SCIMGroupMembers(users[:size])}); err != nil {
				b.Fatal(err)
			}
		}
	})

	g, err := c.CreateSCIMGroup(ctx, &SCIMGroup{DisplayName: "bench", Members: SCIMGroupMembers(users[:size])})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			got, err := c.GetSCIMGroup(ctx, g.ID)
			if err != nil || len(got.Members) != size {
				b.Fatalf("get: %d members, %v", len(got.Members), err)
			}
		}
	})
	b.Run("patch-swap-250+get", func(b *testing.B) {
		// Alternate between the first and the last 5,000 users so every
		// iteration removes 250 members and adds 250.
		out, in := users[:swap], users[size:]
		for b.Loop() {
			if err := c.PatchSCIMGroup(ctx, g.ID, SCIMGroupPatch{Add: in, Remove: out}); err != nil {
				b.Fatal(err)
			}
			got, err := c.GetSCIMGroup(ctx, g.ID)
			if err != nil || len(got.Members) != size {
				b.Fatalf("after patch: %d members, %v", len(got.Members), err)
			}
			out, in = in, out
		}
	})
}
