package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The load test: 32 concurrent clients send a fixed number of requests, a
// realistic mix (SCIM users and groups, NextGen service accounts, keys and
// tokens, hostile paging), to an in-process mock that persists to a state
// file. Every request must get an HTTP answer with a status Harness would
// give, the mock must not panic, its request log must hold every request,
// and at the end the store must be consistent with what the clients did
// and with the state file.

const (
	loadClients   = 32
	loadPerClient = 50
)

// hostilePaging are issue 11's paging values and their relatives.
var hostilePaging = []string{
	"pageIndex=184467440737095516&pageSize=100", "pageSize=9223372036854775807", "pageIndex=2147483647&pageSize=2147483647",
	"pageIndex=-1", "pageSize=0", "startIndex=-2147483648&count=2147483647", "startIndex=-5", "count=-3", "count=x",
}

// loadClient is one client with its own model of what it created.
type loadClient struct {
	n      int
	srv    *Server
	url    string
	http   *http.Client
	rnd    *rand.Rand
	alive  map[string]string   // own user id -> email, account members
	groups map[string][]string // own group id -> member ids (own users)
	keys   map[string][]string // own API key -> its tokens
	seq    int
	sent   map[string]int // requests per operation
	errs   []string
}

// send makes one request and checks its status is one of ok. It returns
// the body, or nil when the request failed.
func (c *loadClient) send(op, method, path string, body any, ok ...int) []byte {
	c.sent[op]++
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, c.url+path, rd)
	if strings.HasPrefix(path, "/ng/api/scim/") {
		req.Header.Set("Authorization", "Bearer "+c.srv.Token())
	} else {
		req.Header.Set("x-api-key", c.srv.Token())
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.errs = append(c.errs, fmt.Sprintf("%s %s: no answer: %v", method, path, err))
		return nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.errs = append(c.errs, fmt.Sprintf("%s %s: answer cut: %v", method, path, err))
		return nil
	}
	if !slices.Contains(ok, resp.StatusCode) {
		c.errs = append(c.errs, fmt.Sprintf("%s %s: %d %s", method, path, resp.StatusCode, data))
		return nil
	}
	return data
}

func (c *loadClient) scim(path string) string {
	return "/ng/api/scim/account/" + c.srv.AccountID() + path
}

func (c *loadClient) ng(path string, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	q.Set("accountIdentifier", c.srv.AccountID())
	return path + "?" + q.Encode()
}

func (c *loadClient) sa() string { return fmt.Sprintf("load_sa_%d", c.n) }

func (c *loadClient) pick(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[c.rnd.IntN(len(keys))]
}

// step sends one request of a weighted mix.
func (c *loadClient) step() {
	c.seq++
	switch r := c.rnd.IntN(100); {
	case r < 15:
		c.createUser()
	case r < 22:
		c.createSharedUser()
	case r < 30:
		c.getUser()
	case r < 38:
		c.searchUser()
	case r < 46:
		c.patchUser()
	case r < 52:
		c.deleteUser()
	case r < 57:
		c.createGroup()
	case r < 65:
		c.patchGroup()
	case r < 72:
		c.createKeyOrToken()
	case r < 78:
		c.deleteKeyOrToken()
	case r < 86:
		c.listNG()
	case r < 92:
		c.deleteShared()
	default:
		c.hostilePaging()
	}
}

func (c *loadClient) createUser() {
	email := fmt.Sprintf("c%d-%d@load.example.com", c.n, c.seq)
	var u struct{ ID string }
	if data := c.send(OpCreateUser, "POST", c.scim("/Users"), map[string]any{"userName": email, "displayName": "Load"}, 201); data != nil {
		_ = json.Unmarshal(data, &u)
		c.alive[u.ID] = email
	}
}

// createSharedUser races the other clients on a few emails.
func (c *loadClient) createSharedUser() {
	email := fmt.Sprintf("shared%d@load.example.com", c.rnd.IntN(4))
	c.send(OpCreateUser, "POST", c.scim("/Users"), map[string]any{"userName": email}, 201)
}

func (c *loadClient) deleteShared() {
	u, ok := c.srv.UserByEmail(fmt.Sprintf("shared%d@load.example.com", c.rnd.IntN(4)))
	if !ok {
		c.createSharedUser()
		return
	}
	c.send(OpDeleteUser, "DELETE", c.scim("/Users/"+u.ID), nil, 204)
}

func (c *loadClient) getUser() {
	if id := c.pick(c.alive); id != "" {
		c.send(OpGetUser, "GET", c.scim("/Users/"+id), nil, 200)
		return
	}
	c.createUser()
}

func (c *loadClient) searchUser() {
	email := c.alive[c.pick(c.alive)]
	if email == "" {
		email = "shared0@load.example.com"
	}
	c.send(OpSearchUsers, "GET", c.scim("/Users?filter="+url.QueryEscape(`userName eq "`+email+`"`)), nil, 200)
}

func (c *loadClient) patchUser() {
	id := c.pick(c.alive)
	if id == "" {
		c.createUser()
		return
	}
	c.send(OpPatchUser, "PATCH", c.scim("/Users/"+id), patchBodyOf(
		map[string]any{"op": "replace", "path": "displayName", "value": fmt.Sprintf("Load %d", c.seq)}), 200)
}

func (c *loadClient) deleteUser() {
	id := c.pick(c.alive)
	if id == "" {
		c.createUser()
		return
	}
	if c.send(OpDeleteUser, "DELETE", c.scim("/Users/"+id), nil, 204) != nil {
		delete(c.alive, id)
		for g, members := range c.groups {
			c.groups[g] = slices.DeleteFunc(members, func(m string) bool { return m == id })
		}
	}
}

func patchBodyOf(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{schemaPatchOp}, "Operations": ops}
}

func valuesOf(ids ...string) []map[string]string {
	out := make([]map[string]string, len(ids))
	for i, id := range ids {
		out[i] = map[string]string{"value": id}
	}
	return out
}

func (c *loadClient) createGroup() {
	var members []string
	for range c.rnd.IntN(4) {
		if id := c.pick(c.alive); id != "" && !slices.Contains(members, id) {
			members = append(members, id)
		}
	}
	body := map[string]any{"schemas": []string{schemaGroup}, "displayName": fmt.Sprintf("Load %d-%d", c.n, c.seq), "members": valuesOf(members...)}
	var g struct{ ID string }
	if data := c.send(OpCreateGroup, "POST", c.scim("/Groups"), body, 201); data != nil {
		_ = json.Unmarshal(data, &g)
		c.groups[g.ID] = members
	}
}

// patchGroup removes a member and adds it back in one PATCH (the case the
// mock once stored twice), adds one user and removes another.
func (c *loadClient) patchGroup() {
	var ids []string
	for id := range c.groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		c.createGroup()
		return
	}
	g := ids[c.rnd.IntN(len(ids))]
	members := c.groups[g]
	var ops []map[string]any
	if len(members) > 0 {
		m := members[c.rnd.IntN(len(members))]
		ops = append(ops, map[string]any{"op": "remove", "path": "members", "value": valuesOf(m)},
			map[string]any{"op": "add", "path": "members", "value": valuesOf(m)})
	}
	if add := c.pick(c.alive); add != "" {
		ops = append(ops, map[string]any{"op": "add", "path": "members", "value": valuesOf(add)})
		if !slices.Contains(members, add) {
			members = append(members, add)
		}
	}
	if len(members) > 1 && c.rnd.IntN(2) == 0 {
		drop := members[0]
		ops = append(ops, map[string]any{"op": "remove", "path": `members[value eq "` + drop + `"]`})
		members = members[1:]
	}
	if len(ops) == 0 {
		c.createUser()
		return
	}
	if c.send(OpPatchGroup, "PATCH", c.scim("/Groups/"+g), patchBodyOf(ops...), 204) != nil {
		c.groups[g] = members
	}
}

func (c *loadClient) keyRefQuery(key string) url.Values {
	q := url.Values{"apiKeyType": {KindServiceAccount}, "parentIdentifier": {c.sa()}}
	if key != "" {
		q.Set("apiKeyIdentifier", key)
	}
	return q
}

func (c *loadClient) randomKey() string {
	keys := make([]string, 0, len(c.keys))
	for k := range c.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[c.rnd.IntN(len(keys))]
}

// createKeyOrToken stays within Harness's limits (5 keys per parent, 5
// tokens per key) most of the time and expects its 400 beyond them.
func (c *loadClient) createKeyOrToken() {
	key := c.randomKey()
	if key == "" || c.rnd.IntN(3) == 0 {
		id := fmt.Sprintf("k%d", c.seq)
		body := map[string]any{"identifier": id, "name": id, "apiKeyType": KindServiceAccount, "parentIdentifier": c.sa(), "accountIdentifier": c.srv.AccountID()}
		if len(c.keys) >= APIKeyLimit {
			c.send(OpCreateAPIKey, "POST", c.ng("/ng/api/apikey", nil), body, 400)
		} else if c.send(OpCreateAPIKey, "POST", c.ng("/ng/api/apikey", nil), body, 200) != nil {
			c.keys[id] = nil
		}
		return
	}
	id := fmt.Sprintf("t%d", c.seq)
	body := map[string]any{"identifier": id, "name": id, "apiKeyIdentifier": key, "apiKeyType": KindServiceAccount,
		"parentIdentifier": c.sa(), "accountIdentifier": c.srv.AccountID()}
	if len(c.keys[key]) >= TokenLimit {
		c.send(OpCreateToken, "POST", c.ng("/ng/api/token", nil), body, 400)
	} else if c.send(OpCreateToken, "POST", c.ng("/ng/api/token", nil), body, 200) != nil {
		c.keys[key] = append(c.keys[key], id)
	}
}

func (c *loadClient) deleteKeyOrToken() {
	key := c.randomKey()
	switch {
	case key == "":
		c.createKeyOrToken()
	case len(c.keys[key]) > 0:
		tokens := c.keys[key]
		tok := tokens[c.rnd.IntN(len(tokens))]
		if c.send(OpDeleteToken, "DELETE", c.ng("/ng/api/token/"+tok, c.keyRefQuery(key)), nil, 200) != nil {
			c.keys[key] = slices.DeleteFunc(tokens, func(t string) bool { return t == tok })
		}
	default:
		if c.send(OpDeleteAPIKey, "DELETE", c.ng("/ng/api/apikey/"+key, c.keyRefQuery("")), nil, 200) != nil {
			delete(c.keys, key)
		}
	}
}

func (c *loadClient) listNG() {
	switch c.rnd.IntN(3) {
	case 0:
		c.send(OpListServiceAccountAggregates, "GET", c.ng("/ng/api/serviceaccount/aggregate", nil), nil, 200)
	case 1:
		c.send(OpListAPIKeyAggregates, "GET", c.ng("/ng/api/apikey/aggregate", c.keyRefQuery("")), nil, 200)
	default:
		c.send(OpListTokens, "GET", c.ng("/ng/api/token/aggregate", c.keyRefQuery(c.randomKey())), nil, 200)
	}
}

func (c *loadClient) hostilePaging() {
	paging := hostilePaging[c.rnd.IntN(len(hostilePaging))]
	switch c.rnd.IntN(3) {
	case 0:
		c.send(OpListServiceAccountAggregates, "GET", c.ng("/ng/api/serviceaccount/aggregate", nil)+"&"+paging, nil, 200, 500)
	case 1:
		c.send(OpSearchUsers, "GET", c.scim("/Users?"+paging), nil, 200, 404, 500)
	default:
		c.send(OpSearchGroups, "GET", c.scim("/Groups?"+paging), nil, 200, 404, 500)
	}
}

// TestLoad runs the clients and checks the mock against their models.
func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	sf := NewStateFile(path, StateFileOptions{Interval: 5 * time.Millisecond})
	srv := New(Options{OnChange: sf.Changed})
	if err := sf.Load(srv); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	transport := &http.Transport{MaxIdleConnsPerHost: loadClients}
	defer transport.CloseIdleConnections()

	clients := make([]*loadClient, loadClients)
	var wg sync.WaitGroup
	for n := range clients {
		c := &loadClient{n: n, srv: srv, url: hs.URL, http: &http.Client{Transport: transport, Timeout: time.Minute},
			rnd: rand.New(rand.NewPCG(uint64(n), 11)), alive: map[string]string{}, groups: map[string][]string{},
			keys: map[string][]string{}, sent: map[string]int{}}
		clients[n] = c
		wg.Go(func() {
			c.send(OpCreateServiceAccount, "POST", c.ng("/ng/api/serviceaccount", nil), map[string]any{"identifier": c.sa(), "name": c.sa(),
				"email": c.sa() + "@service.harness.io", "accountIdentifier": srv.AccountID()}, 200)
			for range loadPerClient - 1 {
				c.step()
			}
		})
	}
	wg.Wait()
	if err := sf.Close(); err != nil {
		t.Fatal(err)
	}

	sent := map[string]int{}
	total := 0
	for _, c := range clients {
		for _, e := range c.errs[:min(len(c.errs), 3)] {
			t.Errorf("client %d: %s", c.n, e)
		}
		for op, k := range c.sent {
			sent[op] += k
			total += k
		}
	}
	if total != loadClients*loadPerClient {
		t.Fatalf("sent %d requests, want %d", total, loadClients*loadPerClient)
	}
	if n := srv.PanicCount(); n != 0 {
		t.Errorf("%d panics under load", n)
	}
	if got := srv.Counts(); len(srv.Requests()) != total || CountsString(got) != CountsString(sent) {
		t.Errorf("the mock logged %d requests %s, the clients sent %d %s", len(srv.Requests()), CountsString(got), total, CountsString(sent))
	}
	checkLoadStore(t, srv, clients)
	checkStateFileMatches(t, srv, path)
	t.Logf("%d requests: %s", total, CountsString(sent))
}

// checkLoadStore: no duplicate users by email, no duplicate or unknown
// group members, and each client's users, groups, keys and tokens are
// exactly what it made and did not delete.
func checkLoadStore(t *testing.T, srv *Server, clients []*loadClient) {
	t.Helper()
	checkStore(t, srv)
	members := map[string]bool{}
	for _, u := range srv.Users() {
		members[u.ID] = true
	}
	for _, c := range clients {
		prefix := fmt.Sprintf("c%d-", c.n)
		for _, u := range srv.Users() {
			if strings.HasPrefix(u.Email, prefix) && c.alive[u.ID] != u.Email {
				t.Errorf("client %d: member %s (%s) should not be in the account", c.n, u.ID, u.Email)
			}
		}
		for id, email := range c.alive {
			if !members[id] {
				t.Errorf("client %d: user %s (%s) is missing", c.n, id, email)
			}
		}
		for id, want := range c.groups {
			g, ok := srv.Group(id)
			if !ok || !sameSet(g.Members, want) {
				t.Errorf("client %d: group %s has %v, want %v", c.n, id, g.Members, want)
			}
		}
		checkLoadKeys(t, srv, c)
	}
}

func checkLoadKeys(t *testing.T, srv *Server, c *loadClient) {
	t.Helper()
	got := map[string][]string{}
	for _, k := range srv.APIKeys() {
		if k.Parent == c.sa() {
			got[k.Identifier] = []string{}
		}
	}
	for _, tok := range srv.Tokens() {
		if tok.Parent == c.sa() {
			got[tok.APIKey] = append(got[tok.APIKey], tok.Identifier)
		}
	}
	if len(got) != len(c.keys) || len(got) > APIKeyLimit {
		t.Errorf("client %d: keys %v, want %v", c.n, got, c.keys)
	}
	for k, tokens := range c.keys {
		if !sameSet(got[k], tokens) || len(got[k]) > TokenLimit {
			t.Errorf("client %d: key %s has tokens %v, want %v", c.n, k, got[k], tokens)
		}
	}
}

// checkStateFileMatches: the state file written behind the load restores
// to the live store.
func checkStateFileMatches(t *testing.T, srv *Server, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	restored := New(Options{})
	if err := restored.Restore(data); err != nil {
		t.Fatal(err)
	}
	live, _ := srv.Snapshot()
	again, _ := restored.Snapshot()
	if !bytes.Equal(live, again) {
		t.Errorf("the state file does not hold the final store (%d bytes, live %d)", len(again), len(live))
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
