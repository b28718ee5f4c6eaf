package mockserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// newHarnessID is Harness's UUIDGenerator.generateUuid: a random UUID as
// 22 characters of unpadded URL-safe base64 (harness-api.md 1.5).
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
// .../utils/UuidAndIdentifierUtils.java, lines 41-73; harness-api.md 2.2):
// trim; '.' and '-' become '_'; strip accents; drop leading digits, '-' and
// '$'; delete characters outside [0-9A-Za-z_$ ]; spaces become '_'. Java's
// String.trim removes only characters up to U+0020, so a leading no-break
// space keeps the digits after it in place (they are not leading then).
// StringUtils.stripAccents is approximated by removing nonspacing marks.
func identifierFromName(name string) string {
	s := javaTrim(name)
	s = strings.NewReplacer(".", "_", "-", "_").Replace(s)
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	s = strings.TrimLeftFunc(javaTrim(s), func(r rune) bool { return r >= '0' && r <= '9' || r == '-' || r == '$' })
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == '_', r == '$':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('_')
		}
	}
	return b.String()
}

// javaTrim is String.trim: it removes leading and trailing characters up to
// U+0020.
func javaTrim(s string) string { return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' }) }
