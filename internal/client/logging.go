package client

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Logger receives one structured debug line per HTTP attempt and an info
// line per rate-limit pause. The provider adapts it to tflog; every field
// value has already been masked.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}

// SecretPattern matches Harness NextGen token secrets: the 4-part
// <pat|sat>.<account>.<tokenId>.<secret> form and the legacy 3-part form
// (docs/design/harness-api.md 4). It has no leading \b on purpose: escaped text puts a
// letter or digit right before a token (JSON's "\nsat.…" and "\u0022sat.…",
// URL-encoded "%22sat.…"), and such a token must still be masked. The price
// is masking the odd identifier such as "compat.a.b" in debug logs.
var SecretPattern = regexp.MustCompile(`(?:pat|sat)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?`)

// secretJSONField matches JSON string members whose name says they hold a
// secret, including Harness's one-shot token answer {"data":"pat...."}.
var secretJSONField = regexp.MustCompile(`(?i)("(?:password|encodedPassword|secret|token|apiKey|api_key|decryptedKey)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

const maxLoggedBody = 4096

// masker removes credentials from everything the client logs.
type masker struct {
	literals []string
}

func newMasker(secrets ...string) *masker {
	m := &masker{}
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		// FirstGen keys are base64 and may hold "+", "/" and "=", which
		// look different once escaped into a URL.
		for _, v := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if !slices.Contains(m.literals, v) {
				m.literals = append(m.literals, v)
			}
		}
	}
	return m
}

// mask replaces configured secrets and anything shaped like a Harness token.
func (m *masker) mask(s string) string {
	for _, lit := range m.literals {
		s = strings.ReplaceAll(s, lit, "***")
	}
	return maskTokens(s)
}

// maskTokens replaces every substring SecretPattern matches, wherever it
// starts. SecretPattern.ReplaceAllString would not do: its leftmost match
// in "sat.pat.<account>.<id>.<secret>" is "sat.pat.<account>.<id>", which
// leaves ".<secret>" behind. Here every "pat."/"sat." is tried and
// overlapping matches are masked as one.
func maskTokens(s string) string {
	// Nothing can match without one of these (the pattern is
	// case-sensitive); most bodies skip the scan.
	if !strings.Contains(s, "pat.") && !strings.Contains(s, "sat.") {
		return s
	}
	var b strings.Builder
	copied, start, end := 0, -1, -1 // [start, end) is the range being masked
	for i := 0; ; i++ {
		j := strings.Index(s[i:], "at.")
		if j < 0 {
			break
		}
		i += j
		if i == 0 || (s[i-1] != 'p' && s[i-1] != 's') {
			continue
		}
		n := tokenLen(s[i-1:])
		if n == 0 {
			continue
		}
		if i-1 > end { // a new range: flush the previous one
			if start >= 0 {
				b.WriteString(s[copied:start])
				b.WriteString("***")
				copied = end
			}
			start = i - 1
		}
		end = max(end, i-1+n)
	}
	if start < 0 {
		return s
	}
	b.WriteString(s[copied:start])
	b.WriteString("***")
	b.WriteString(s[end:])
	return b.String()
}

// tokenLen is the length of the SecretPattern match anchored at the start
// of s, or 0: "pat." or "sat." and then two or three dot-separated segments
// of [A-Za-z0-9_-], as long as possible.
func tokenLen(s string) int {
	if !strings.HasPrefix(s, "pat.") && !strings.HasPrefix(s, "sat.") {
		return 0
	}
	end, parts := 3, 0 // s[3] is the first dot
	for parts < 3 && end < len(s) && s[end] == '.' {
		n := tokenSegmentLen(s[end+1:])
		if n == 0 {
			break
		}
		end += 1 + n
		parts++
	}
	if parts < 2 {
		return 0
	}
	return end
}

func tokenSegmentLen(s string) int {
	for i := 0; i < len(s); i++ {
		if !isTokenByte(s[i]) {
			return i
		}
	}
	return len(s)
}

// isTokenByte reports whether c is in [A-Za-z0-9_-].
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// body masks and truncates a JSON body for logging.
func (m *masker) body(b []byte) string {
	s := m.mask(string(b))
	if mayHoldSecretField(s) {
		s = secretJSONField.ReplaceAllString(s, `$1"***"`)
	}
	if len(s) > maxLoggedBody {
		s = truncateUTF8(s, maxLoggedBody) + "...(truncated)"
	}
	return s
}

// secretFieldWords are what every name secretJSONField matches contains.
var secretFieldWords = []string{"password", "secret", "token", "apikey", "api_key", "decryptedkey"}

// mayHoldSecretField is a cheap pre-check for secretJSONField. It is exact
// for ASCII text; other text always goes to the regexp, whose (?i) also
// folds characters such as U+017F (long s) to ASCII letters.
func mayHoldSecretField(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	lower := strings.ToLower(s)
	for _, w := range secretFieldWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}
