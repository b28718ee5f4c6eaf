package client

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Logger receives one structured debug line per HTTP attempt. The provider
// adapts it to tflog; every field value has already been masked.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}

// SecretPattern matches Harness NextGen token secrets: the 4-part
// <pat|sat>.<account>.<tokenId>.<secret> form and the legacy 3-part form
// (harness-api.md 4).
var SecretPattern = regexp.MustCompile(`\b(?:pat|sat)\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?`)

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
	// The regexp is slow on large bodies; it cannot match without one of
	// these (it is case-sensitive).
	if !strings.Contains(s, "pat.") && !strings.Contains(s, "sat.") {
		return s
	}
	return SecretPattern.ReplaceAllString(s, "***")
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
