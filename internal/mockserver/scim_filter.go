package mockserver

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// parseSCIMFilter is Harness's SCIM filter parsing, step by step as the
// Java does it (docs/design/harness-api.md 1.6) [code: ScimUserServiceImpl.searchUser,
// NGScimGroupServiceImpl.searchGroup, ScimGroupServiceImpl.searchGroup]:
//
//	filter = URLDecoder.decode(filter, "UTF-8");
//	String[] split = filter.split(" eq ");
//	String operand = split[1];
//	searchQuery = operand.substring(1, operand.length() - 1);
//
// inside a try whose catch logs and leaves searchQuery null; the searches
// then filter only when StringUtils.isNotEmpty(searchQuery). So the value is
// what lies between the first and the second " eq " (not everything after
// the first), minus its first and last UTF-16 code unit; and every failure
// (an invalid % escape, no " eq ", an operand shorter than two units) and
// an empty value mean no filter at all: every row is listed. The attribute
// name is ignored. ok is false when there is no filter.
func parseSCIMFilter(raw string) (value string, ok bool) {
	if raw == "" {
		return "", false
	}
	dec, err := javaURLDecode(raw)
	if err != nil {
		return "", false
	}
	parts := javaSplit(dec, " eq ")
	if len(parts) < 2 {
		return "", false // split[1]: ArrayIndexOutOfBoundsException
	}
	units := utf16.Encode([]rune(parts[1]))
	if len(units) < 2 {
		return "", false // substring(1, length-1): StringIndexOutOfBoundsException
	}
	value = string(utf16.Decode(units[1 : len(units)-1]))
	return value, value != ""
}

// javaSplit is String.split with a literal separator: trailing empty
// strings are removed.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 1 && parts[0] == "" && s != "" {
		return nil // every part was empty ("eq" separators only)
	}
	return parts
}

var errURLDecode = errors.New("URLDecoder: illegal escape")

// javaURLDecode is java.net.URLDecoder.decode(s, "UTF-8"): "+" is a space;
// "%" takes the next two characters through Integer.parseInt(x, 16), which
// also accepts a sign ("%+1" is byte 1, "%-1" fails as negative); a run of
// escapes is decoded as UTF-8 with malformed bytes replaced by U+FFFD.
// A "%" without two characters after it fails.
func javaURLDecode(s string) (string, error) {
	var out strings.Builder
	var bytes []byte
	flush := func() {
		for len(bytes) > 0 {
			r, size := utf8.DecodeRune(bytes)
			out.WriteRune(r) // utf8.RuneError is U+FFFD, as Java's decoder
			bytes = bytes[size:]
		}
	}
	for i := 0; i < len(s); {
		switch s[i] {
		case '%':
			if i+3 > len(s) {
				return "", errURLDecode
			}
			v, err := strconv.ParseInt(s[i+1:i+3], 16, 32)
			if err != nil || v < 0 {
				return "", errURLDecode
			}
			bytes = append(bytes, byte(v))
			i += 3
			continue
		case '+':
			flush()
			out.WriteByte(' ')
		default:
			flush()
			out.WriteByte(s[i])
		}
		i++
	}
	flush()
	return out.String(), nil
}
