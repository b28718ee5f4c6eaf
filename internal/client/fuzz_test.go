package client

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fuzz targets run their seeds (in code and under testdata/fuzz) with
// every `go test`; `go test -fuzz FuzzX -fuzztime 20s` explores further.

// FuzzParseRetryAfter: any header value gives a wait that is never negative
// nor beyond a day, and a delay-seconds value is read exactly.
func FuzzParseRetryAfter(f *testing.F) {
	for _, v := range []string{"", "0", "7", " 12 ", "-1", "1.5", "+3", "86401", "99999999999999999999",
		"9223372036854775807", "Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT",
		"Wed Oct 21 07:28:00 2015", "Fri, 31 Dec 9999 23:59:59 GMT", "soon"} {
		f.Add(v)
	}
	now := time.Date(2015, 10, 21, 7, 27, 30, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d := parseRetryAfter(v, now)
		if d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %s, negative", v, d)
		}
		secs, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return
		}
		want := time.Duration(min(max(secs, 0), maxRetryAfterSeconds)) * time.Second
		if d != want {
			t.Fatalf("parseRetryAfter(%q) = %s, want %s", v, d, want)
		}
	})
}

// FuzzDecodeError: any status, header and body decode without panicking
// into an error with a non-blank message and a kind that matches the
// status where Harness's code does not override it.
func FuzzDecodeError(f *testing.F) {
	for _, seed := range []struct {
		status int
		header string
		body   string
	}{
		{400, "", `{"status":"ERROR","code":"INVALID_REQUEST","message":"Invalid request: x"}`},
		{400, "", `{"status":"FAILURE","code":"INVALID_REQUEST","message":"","errors":[{"fieldId":"a","error":"b"}]}`},
		{404, "", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"","status":"404"}`},
		{409, "", `{"detail":"   ","status":404}`},
		{400, `{"responseMessages":[{"code":"INVALID_REQUEST","level":"ERROR","message":"User not authorized"}]}`, ""},
		{429, "", `<!doctype html><meta charset="utf-8"><title>429</title>429 Too Many Requests`},
		{404, "", "<html>404</html>"},
		{599, "", ""},
		{0, "", "{"},
		{500, "", `{"message":null,"code":null}`},
		{502, "", "\xff\xfe not utf-8"},
	} {
		f.Add(seed.status, seed.header, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, status int, header string, body []byte) {
		h := http.Header{}
		h.Set("X-Harness-Error", header)
		e := decodeError(http.MethodGet, "/p", status, h, body)
		if strings.TrimSpace(e.Message) == "" {
			t.Fatalf("decodeError(%d, %q, %q): blank message", status, header, body)
		}
		if e.Error() == "" {
			t.Fatal("empty Error()")
		}
		if status == http.StatusTooManyRequests && e.Code == "" && e.Kind != KindRateLimited {
			t.Fatalf("a 429 without a Harness code classified as %v", e.Kind)
		}
	})
}

// FuzzMask: masking leaves nothing SecretPattern matches, a token placed in
// any text loses its secret, and the scanner agrees with the pattern.
func FuzzMask(f *testing.F) {
	for _, seed := range [][2]string{
		{"", ""}, {`"\n`, `"`}, {`\u0022`, `\u0022`}, {"%22", "%22"}, {"sat.", ""}, {"pat.x.", ".y"},
		{"compat.", "_tail"}, {"Bearer ", ""}, {"?t=", "&k=" + fgKey}, {"sat.pat.", "pat.a.b.c"},
	} {
		f.Add(seed[0], seed[1])
	}
	m := newMasker(testKey, fgKey)
	f.Fuzz(func(t *testing.T, prefix, suffix string) {
		for _, s := range []string{prefix + otherToken + suffix, prefix + legacyTok + suffix, prefix + suffix} {
			for _, out := range []string{m.mask(s), m.body([]byte(s))} {
				if loc := SecretPattern.FindStringIndex(out); loc != nil {
					t.Fatalf("mask(%q) = %q still holds %q", s, out, out[loc[0]:loc[1]])
				}
				for _, secret := range []string{"OtherSecret000000000", "LegacySecret00000000"} {
					// The fuzzer may put the secret's text in prefix or
					// suffix itself; only the token's copy must go.
					if strings.Count(out, secret) > strings.Count(prefix+suffix, secret) {
						t.Fatalf("mask(%q) = %q leaks %s", s, out, secret)
					}
				}
			}
		}
		if s := prefix + suffix; len(s) <= 256 {
			for i := range len(s) {
				checkTokenLen(t, s[i:])
			}
		}
	})
}
