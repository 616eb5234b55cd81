package media

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// ErrRangeNotSatisfiable means the Range header asks only for bytes the object does not
// have: answer 416 with "Content-Range: bytes */<size>".
var ErrRangeNotSatisfiable = errors.New("media: range not satisfiable")

// ParseRange interprets a Range request header (RFC 9110 §14.2) for an object of size bytes.
//
// With partial=true the caller answers 206 with bytes [start, start+length) and
// ContentRange(start, length, size). With partial=false it answers 200 with the whole body
// (start=0, length=size). With ErrRangeNotSatisfiable it answers 416.
//
// Only a single byte range is served partially. No header, another unit, a malformed
// header and several ranges all give the whole body: RFC 9110 lets a server ignore Range,
// and a full 200 is what every client copes with, whereas multipart/byteranges is work
// that video players and PDF viewers do not need.
//
// The forms are "bytes=first-last" (last is clamped to the end), "bytes=first-" and
// "bytes=-suffix" (the last suffix bytes, all of them when suffix exceeds size). A range is
// unsatisfiable when first is at or beyond the end, or the suffix is zero. For an empty
// object the only satisfiable form is a non-zero suffix, which yields the whole (empty)
// body, since "bytes 0--1/0" cannot be written.
func ParseRange(header string, size int64) (start, length int64, partial bool, err error) {
	whole := func() (int64, int64, bool, error) { return 0, size, false, nil }

	unit, set, ok := strings.Cut(strings.TrimSpace(header), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return whole()
	}
	// RFC 9110's list syntax allows empty elements ("bytes=0-9, ,"), so drop those before
	// counting ranges.
	var specs []string
	for _, s := range strings.Split(set, ",") {
		if s = strings.TrimSpace(s); s != "" {
			specs = append(specs, s)
		}
	}
	if len(specs) != 1 {
		return whole()
	}

	firstStr, lastStr, ok := strings.Cut(specs[0], "-")
	if !ok {
		return whole()
	}
	if firstStr == "" { // suffix range: the last n bytes
		n, ok := parseDigits(lastStr)
		if !ok {
			return whole()
		}
		if n == 0 {
			return 0, 0, false, ErrRangeNotSatisfiable
		}
		if size == 0 {
			return whole()
		}
		n = min(n, size)
		return size - n, n, true, nil
	}

	first, ok := parseDigits(firstStr)
	if !ok {
		return whole()
	}
	last := int64(math.MaxInt64) // "first-" runs to the end
	if lastStr != "" {
		if last, ok = parseDigits(lastStr); !ok || last < first {
			return whole() // "5-2" is invalid, not unsatisfiable: ignore it
		}
	}
	if first >= size {
		return 0, 0, false, ErrRangeNotSatisfiable
	}
	last = min(last, size-1)
	return first, last - first + 1, true, nil
}

// parseDigits parses a non-empty run of ASCII digits (no sign, no spaces, as the grammar
// says). Values beyond int64 saturate instead of failing: a huge last-pos or suffix then
// clamps to the object like any other too-large number, and a huge first-pos is simply
// beyond the end.
func parseDigits(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil { // only range errors are left after the digit check
		return math.MaxInt64, true
	}
	return n, true
}

// ContentRange formats the Content-Range value of a 206 answer for bytes
// [start, start+length) of an object of size bytes.
func ContentRange(start, length, size int64) string {
	return "bytes " + strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(start+length-1, 10) +
		"/" + strconv.FormatInt(size, 10)
}
