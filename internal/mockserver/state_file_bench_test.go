package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkStatePersistence measures requests per second (the req/s
// metric) of a mock served over loopback HTTP to 4 concurrent clients,
// every request a change (a SCIM PATCH of a user's displayName; 200 users
// and 20 groups in the store):
//
//   - memory: no -state;
//   - sync-rewrite: what harness-mock did before, kept here for
//     comparison: the whole file rewritten (temp file and rename, no
//     fsync) inside OnChange, after every change;
//   - state: StateFile, written behind the requests, at most every
//     DefaultStateInterval, with fsync.
//
// Run: go test -run '^$' -bench BenchmarkStatePersistence ./internal/mockserver
func BenchmarkStatePersistence(b *testing.B) {
	b.Run("memory", func(b *testing.B) {
		benchPatchUsers(b, New(Options{}))
	})
	b.Run("sync-rewrite", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "state.json")
		var mu sync.Mutex
		var srv *Server
		srv = New(Options{OnChange: func() {
			mu.Lock()
			defer mu.Unlock()
			if err := oldSaveState(srv, path); err != nil {
				b.Error(err)
			}
		}})
		benchPatchUsers(b, srv)
	})
	b.Run("state", func(b *testing.B) {
		sf := NewStateFile(filepath.Join(b.TempDir(), "state.json"), StateFileOptions{})
		srv := New(Options{OnChange: sf.Changed})
		if err := sf.Load(srv); err != nil {
			b.Fatal(err)
		}
		benchPatchUsers(b, srv)
		if err := sf.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sf.Writes()), "writes")
	})
}

// oldSaveState is harness-mock's saveState before StateFile.
func oldSaveState(srv *Server, path string) error {
	data, err := srv.Snapshot()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".harness-mock-state-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func benchPatchUsers(b *testing.B, srv *Server) {
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = srv.SeedUser(UserSpec{Email: fmt.Sprintf("bench%d@example.com", i), DisplayName: "B"}).ID
	}
	for g := range 20 {
		srv.SeedGroup(GroupSpec{Name: fmt.Sprintf("bench group %d", g), Members: ids[g*10 : g*10+10]})
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	base := hs.URL + "/ng/api/scim/account/" + srv.AccountID() + "/Users/"
	var n atomic.Int64
	start := time.Now()
	b.SetParallelism(2) // 2 x GOMAXPROCS clients
	b.RunParallel(func(pb *testing.PB) {
		cl := hs.Client()
		for pb.Next() {
			i := n.Add(1)
			body := fmt.Sprintf(`{"schemas":["%s"],"Operations":[{"op":"replace","path":"displayName","value":"N%d"}]}`, schemaPatchOp, i)
			req, _ := http.NewRequest(http.MethodPatch, base+ids[int(i)%len(ids)], bytes.NewReader([]byte(body)))
			req.Header.Set("Authorization", "Bearer "+srv.Token())
			req.Header.Set("Content-Type", "application/scim+json")
			resp, err := cl.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "req/s")
}
