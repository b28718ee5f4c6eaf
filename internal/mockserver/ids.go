package mockserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// newHarnessID is Harness's UUIDGenerator.generateUuid: a random UUID as
// 22 characters of unpadded URL-safe base64 (docs/design/harness-api.md 1.5).
func newHarnessID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newUUID is a canonical random UUID, as Harness uses for correlation ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newMongoID is a 24-hex-character document id (token ids, 4).
func newMongoID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random characters from alphabet.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// identifierFromName is generateHarnessUIFormatIdentifier (980-commons
// .../utils/UuidAndIdentifierUtils.java, lines 41-51, and its
// generateFormattedIdentifier, lines 70-73; docs/design/harness-api.md 2.2):
//
//	name = isBlank(name) ? name : name.trim() with '.' and '-' replaced by '_'
//	if isBlank(name) return ""
//	name = stripAccents(name)
//	return name.trim().replaceAll("^[0-9-$]*", "").replaceAll("[^0-9a-zA-Z_$ ]", "").replaceAll("\\s", "_")
//
// StringUtils.isBlank tests Character.isWhitespace (isJavaWhitespace);
// String.trim removes every character up to U+0020; stripAccents is
// commons-lang3 3.10's (harness-core's WORKSPACE pins it): NFD, Ł and ł to
// L and l, and only \p{InCombiningDiacriticalMarks} (U+0300-U+036F)
// removed, with no recomposition. Java's [0-9] is ASCII only.
func identifierFromName(name string) string {
	if isJavaBlank(name) {
		return ""
	}
	name = strings.ReplaceAll(strings.ReplaceAll(javaTrim(name), ".", "_"), "-", "_")
	if isJavaBlank(name) {
		return ""
	}
	name = javaTrim(commonsStripAccents(name))
	var b strings.Builder
	leading := true
	for _, r := range name {
		if leading && (r == '-' || r == '$' || (r >= '0' && r <= '9')) {
			continue
		}
		leading = false
		switch {
		case r == ' ':
			b.WriteByte('_')
		case r == '_' || r == '$' || r < 0x80 && (unicode.IsDigit(r) || unicode.IsLetter(r)):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// javaTrim is String.trim: it removes leading and trailing characters up to
// U+0020.
func javaTrim(s string) string { return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) }

// isJavaBlank is StringUtils.isBlank: every character (none included) is
// Character.isWhitespace.
func isJavaBlank(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !isJavaWhitespace(r) }) < 0
}

// isJavaWhitespace is Character.isWhitespace: SPACE_SEPARATOR,
// LINE_SEPARATOR or PARAGRAPH_SEPARATOR except the non-breaking U+00A0,
// U+2007 and U+202F, or U+0009-U+000D and U+001C-U+001F.
func isJavaWhitespace(r rune) bool {
	if r >= 0x09 && r <= 0x0d || r >= 0x1c && r <= 0x1f {
		return true
	}
	if r == 0xa0 || r == 0x2007 || r == 0x202f {
		return false
	}
	return unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
}

// commonsStripAccents is StringUtils.stripAccents of commons-lang3 3.10.
func commonsStripAccents(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r >= 0x300 && r <= 0x36f:
		case r == 0x141:
			b.WriteByte('L')
		case r == 0x142:
			b.WriteByte('l')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
