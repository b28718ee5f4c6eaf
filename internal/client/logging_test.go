package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

type logEntry struct {
	level  string
	msg    string
	fields map[string]any
}

// recLogger records what the client logs.
type recLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *recLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("debug", msg, fields)
}

func (l *recLogger) Info(_ context.Context, msg string, fields map[string]any) {
	l.add("info", msg, fields)
}

func (l *recLogger) add(level, msg string, fields map[string]any) {
	cp := make(map[string]any, len(fields))
	for k, v := range fields {
		cp[k] = v
	}
	l.mu.Lock()
	l.entries = append(l.entries, logEntry{level, msg, cp})
	l.mu.Unlock()
}

// infos returns the info-level entries.
func (l *recLogger) infos() []logEntry {
	var out []logEntry
	for _, e := range l.all() {
		if e.level == "info" {
			out = append(out, e)
		}
	}
	return out
}

func (l *recLogger) all() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.entries...)
}

func (l *recLogger) count(msg string) int {
	n := 0
	for _, e := range l.all() {
		if e.msg == msg {
			n++
		}
	}
	return n
}

// text renders every message and field for substring checks.
func (l *recLogger) text() string {
	var b strings.Builder
	for _, e := range l.all() {
		keys := make([]string, 0, len(e.fields))
		for k := range e.fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(e.msg)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%v", k, e.fields[k])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// field returns the values a field took across all entries.
func (l *recLogger) field(name string) []string {
	var out []string
	for _, e := range l.all() {
		if v, ok := e.fields[name]; ok {
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}

// A FirstGen-style key (not token-shaped) and two NextGen tokens.
const (
	fgKey      = "Zm9vYmFy+OjpiYXpx/dXhGaXJzdEdlbktleQ=="
	otherToken = "sat.acct0000000000000000AB.abcdefabcdefabcdefabcdef.OtherSecret000000000"
	legacyTok  = "pat.0123456789abcdef01234567.LegacySecret00000000"
)

func assertNoSecrets(t *testing.T, where, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		for _, v := range []string{sec, url.QueryEscape(sec), url.PathEscape(sec)} {
			if strings.Contains(s, v) {
				t.Errorf("%s contains secret %q:\n%s", where, v, s)
			}
		}
	}
	for _, part := range []string{"TestSecret", "OtherSecret", "LegacySecret", "hunter2", "s3cr3t-value", "opaque-secret"} {
		if strings.Contains(s, part) {
			t.Errorf("%s contains secret part %q:\n%s", where, part, s)
		}
	}
}

// TestLogsNeverHoldSecrets sends secrets in request bodies, response
// bodies, URLs and error messages and checks the Logger never sees them.
func TestLogsNeverHoldSecrets(t *testing.T) {
	for _, key := range []string{testKey, fgKey} {
		t.Run(key[:8], func(t *testing.T) {
			echo := `{"echo":"` + key + `","other":"` + otherToken + `","legacy":"` + legacyTok +
				`","password":"hunter2","apiKey":"s3cr3t-value","nested":{"token" : "opaque-secret"},"marker":"visible-marker"}`
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Query().Get("mode") {
				case "error":
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"status":"ERROR","code":"INVALID_REQUEST","message":"bad key `+key+` and `+otherToken+`"}`)
				case "retry":
					w.WriteHeader(http.StatusServiceUnavailable)
					_, _ = io.WriteString(w, echo)
				default:
					_, _ = io.WriteString(w, echo)
				}
			}))
			defer srv.Close()
			log := &recLogger{}
			c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.APIKey = key; cfg.Logger = log; cfg.MaxRetries = 1 })
			ctx := t.Context()
			body := map[string]any{"key": key, "token": otherToken, "legacy": legacyTok, "password": "hunter2",
				"note": "visible-marker " + key}
			q := url.Values{"validate": {otherToken}, "k": {key}}

			if _, err := c.do(ctx, &request{method: http.MethodPost, path: "/ng/api/token/" + legacyTok, query: q, body: body, auth: authAPIKey}, nil); err != nil {
				t.Fatal(err)
			}
			q.Set("mode", "error")
			_, err := c.do(ctx, &request{method: http.MethodPost, path: "/x", query: q, body: body, auth: authAPIKey}, nil)
			if err == nil {
				t.Fatal("no error")
			}
			assertNoSecrets(t, "APIError", err.Error(), key, otherToken)
			if !strings.Contains(err.Error(), "bad key ***") {
				t.Errorf("APIError message lost its non-secret text: %v", err)
			}
			q.Set("mode", "retry")
			if _, err := c.do(ctx, &request{method: http.MethodPut, path: "/y", query: q, body: body, scim: true}, nil); err == nil {
				t.Fatal("no error from 503")
			}

			// A connection error whose text carries the URL (and so the
			// secrets in its query).
			dead := httptest.NewServer(http.NotFoundHandler())
			deadURL := dead.URL
			dead.Close()
			dc, _ := newTestClient(t, deadURL, func(cfg *Config) { cfg.APIKey = key; cfg.Logger = log; cfg.MaxRetries = 1 })
			_, err = dc.do(ctx, &request{method: http.MethodGet, path: "/z", query: url.Values{"t": {otherToken}, "k": {key}}}, nil)
			if err == nil {
				t.Fatal("no error from a closed listener")
			}

			text := log.text()
			assertNoSecrets(t, "log", text, key, otherToken, legacyTok)
			// The logs still carry what is not secret.
			for _, want := range []string{"visible-marker", "/ng/api/token/***", "retrying Harness API request", "Harness API request failed", "reason="} {
				if !strings.Contains(text, want) {
					t.Errorf("log lacks %q:\n%s", want, text)
				}
			}
			for _, f := range log.field("response_body") {
				if strings.Contains(f, "echo") && (!strings.Contains(f, `"password":"***"`) ||
					!strings.Contains(f, `"apiKey":"***"`) || !strings.Contains(f, `"token" : "***"`)) {
					t.Errorf("secret-named fields not blanked: %s", f)
				}
			}
			if n := len(log.field("reason")); n != 2 {
				t.Errorf("%d retry reasons logged, want 2", n)
			}
		})
	}
}

// TestSecretResponseRedacted: a response that holds a secret is not logged
// at all on success (even when it is not token-shaped), but failures are.
func TestSecretResponseRedacted(t *testing.T) {
	fail := false
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f := fail
		mu.Unlock()
		if f {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: Maximum limit has reached"}`)
			return
		}
		_, _ = io.WriteString(w, `{"status":"SUCCESS","data":"opaque-secret-123"}`)
	}))
	defer srv.Close()
	log := &recLogger{}
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = log })
	var out struct {
		Data string `json:"data"`
	}
	if _, err := c.do(t.Context(), &request{method: http.MethodPost, path: "/ng/api/token", auth: authAPIKey, secretResponse: true}, &out); err != nil {
		t.Fatal(err)
	}
	if out.Data != "opaque-secret-123" {
		t.Errorf("caller did not get the secret: %q", out.Data)
	}
	bodies := log.field("response_body")
	if len(bodies) != 1 || bodies[0] != "(redacted: the response holds a secret)" {
		t.Errorf("response_body = %q", bodies)
	}
	assertNoSecrets(t, "log", log.text())

	mu.Lock()
	fail = true
	mu.Unlock()
	if _, err := c.do(t.Context(), &request{method: http.MethodPost, path: "/ng/api/token", auth: authAPIKey, secretResponse: true}, &out); err == nil {
		t.Fatal("no error")
	}
	bodies = log.field("response_body")
	if len(bodies) != 2 || !strings.Contains(bodies[1], "Maximum limit has reached") {
		t.Errorf("an error answer should be logged: %q", bodies)
	}
}

func TestLoggedBodyTruncated(t *testing.T) {
	big := `{"data":"` + strings.Repeat("é", 3000) + `"}` // 6 KB, a multi-byte rune on the 4 KiB boundary
	srv := newScriptServer(t, step{status: 200, body: big})
	log := &recLogger{}
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = log })
	if _, err := c.do(t.Context(), &request{method: http.MethodPost, path: "/p", body: map[string]string{"x": strings.Repeat("a", 5000)}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"request_body", "response_body"} {
		vals := log.field(name)
		if len(vals) != 1 {
			t.Fatalf("%s logged %d times", name, len(vals))
		}
		v := vals[0]
		if !strings.HasSuffix(v, "...(truncated)") || len(v) > maxLoggedBody+len("...(truncated)") || len(v) < maxLoggedBody-4 {
			t.Errorf("%s: %d bytes, suffix %q", name, len(v), v[max(0, len(v)-20):])
		}
		if !utf8.ValidString(v) {
			t.Errorf("%s truncated inside a character", name)
		}
	}
	// Short bodies are logged whole.
	if got := (&masker{}).body([]byte(`{"a":1}`)); got != `{"a":1}` {
		t.Errorf("short body = %q", got)
	}
}

func TestMasker(t *testing.T) {
	m := newMasker("abc", "", fgKey) // too-short literals are ignored, not masked everywhere
	for in, want := range map[string]string{
		"x " + fgKey + " y":                     "x *** y",
		"?k=" + url.QueryEscape(fgKey) + "&x=1": "?k=***&x=1",
		"/keys/" + url.PathEscape(fgKey):        "/keys/***",
		"Bearer " + testKey:                     "Bearer ***",
		"t=" + legacyTok + "&u=1":               "t=***&u=1",
		"abc abcdef":                            "abc abcdef",
		"pattern.of.words and sat.x.y.z":        "pattern.of.words and ***",
		`{"data":"` + otherToken + `"}`:         `{"data":"***"}`,
		"pat.only-two":                          "pat.only-two",
		"/Users/" + otherToken + "/x":           "/Users/***/x",
	} {
		if got := m.mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
	body := m.body([]byte(`{"Password":"p\"q","encodedPassword":"e","secret":"s","decryptedKey":"d","api_key":"k","name":"keep"}`))
	want := `{"Password":"***","encodedPassword":"***","secret":"***","decryptedKey":"***","api_key":"***","name":"keep"}`
	if body != want {
		t.Errorf("body = %s\nwant   %s", body, want)
	}
	// The pre-checks that skip the regexps must not skip a match: every
	// field name alone, in odd case, and a Unicode case-folded one.
	for _, name := range []string{"PASSWORD", "EncodedPassword", "Secret", "TOKEN", "apiKEY", "API_KEY", "DecryptedKey", "paſſword", "apiKey"} {
		in := `{"` + name + `":"v1"}`
		if got := m.body([]byte(in)); got != `{"`+name+`":"***"}` {
			t.Errorf("body(%s) = %s", in, got)
		}
	}
	if got := m.body([]byte(`{"name":"pat.a.b"}`)); got != `{"name":"***"}` {
		t.Errorf("token in a body: %s", got)
	}
}

// TestMaskerEscapedTokens: a token right after a letter, digit or
// underscore is still a token. Escaping puts one there: JSON escapes
// ("\n", "\u0022", a doubly escaped "\\u0022"), URL encoding ("%22",
// "%0A", "%2F", "%3D"), and text glued to a prefix ("Bearer_", "x-api-key:").
func TestMaskerEscapedTokens(t *testing.T) {
	m := newMasker(testKey) // the literal covers testKey; the others need the pattern
	for _, tok := range []string{otherToken, legacyTok} {
		for _, prefix := range []string{`\n`, `\t`, `\r`, `\u0022`, `\\u0022`, `\"`, `%22`, `%0A`, `%2F`, `%3D`, `%2522`,
			"_", "0", "x", "Bearer", "Bearer_", "x-api-key:", "sat.", "pat.", "compat.", "sat.pat.", "pat.x."} {
			for _, suffix := range []string{"", `\n`, `\u0022`, `%22`, `"`, "&x=1", "."} {
				in := `{"message":"token ` + prefix + tok + suffix + ` rejected"}`
				out := m.mask(in)
				assertNoSecrets(t, "mask("+in+")", out)
				if SecretPattern.MatchString(out) {
					t.Errorf("mask(%s) = %s still matches SecretPattern", in, out)
				}
				if !strings.HasPrefix(out, `{"message":"token `) || !strings.HasSuffix(out, ` rejected"}`) {
					t.Errorf("mask(%s) = %s lost the text around the token", in, out)
				}
			}
		}
	}
	// The escaped forms from issue 11, whole.
	for in, want := range map[string]string{
		`"detail":"bad\nsat.acct.tok.secret"`:        `"detail":"bad\n***"`,
		`"detail":"\u0022sat.acct.tok.secret\u0022"`: `"detail":"\u0022***\u0022"`,
		`/x?t=%22sat.acct.tok.secret%22`:             `/x?t=%22***%22`,
		`sat.pat.acct.tok.secret`:                    `***`,
		`pattern.of.words pat.x`:                     `pattern.of.words pat.x`,
	} {
		if got := m.mask(in); got != want {
			t.Errorf("mask(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestTokenLenMatchesPattern: the hand-written scanner and SecretPattern
// agree on where a token anchored at a position ends.
func TestTokenLenMatchesPattern(t *testing.T) {
	for _, s := range []string{"pat.a.b", "sat.a.b.c", "sat.a.b.c.d", "pat.a", "pat.a.", "pat.a.b.", "pat..b.c", "sat.a-b_c.D9.e!",
		"pat.a.b.c", "xpat.a.b", "pat.", "sat.a.b%2Ec", otherToken, legacyTok + "/x"} {
		checkTokenLen(t, s)
	}
}

var anchoredSecretPattern = regexp.MustCompile(`^(?:` + SecretPattern.String() + `)`)

func checkTokenLen(t *testing.T, s string) {
	t.Helper()
	want := len(anchoredSecretPattern.FindString(s))
	if got := tokenLen(s); got != want {
		t.Errorf("tokenLen(%q) = %d, SecretPattern matches %d bytes", s, got, want)
	}
}

// BenchmarkMaskBody measures masking one 1,000-user SCIM page for the log.
func BenchmarkMaskBody(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"Resources":[`)
	for i := range 1000 {
		fmt.Fprintf(&sb, `{"id":"user%018d","userName":"user%d@example.com","displayName":"User %d","active":true,"name":{"givenName":"U","familyName":"S"}},`, i, i, i)
	}
	sb.WriteString(`{}]}`)
	body := []byte(sb.String())
	m := newMasker(testKey)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for range b.N {
		_ = m.body(body)
	}
}

// BenchmarkMaskTokens compares the token scanner with the regexp it
// replaces on a 1,000-row token listing, where the fast path cannot help.
func BenchmarkMaskTokens(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, `{"identifier":"t%d","name":"tok %d","value":"sat.acct0000000000000000AB.%024d.Secret%014d"},`, i, i, i, i)
	}
	body := sb.String()
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for range b.N {
			_ = maskTokens(body)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for range b.N {
			_ = SecretPattern.ReplaceAllString(body, "***")
		}
	})
}
