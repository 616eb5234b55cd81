package staffimport

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings Parse reports in Parsed.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingWindows1252 = "windows-1252"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decode turns the file into UTF-8 text. Excel's "CSV UTF-8" writes a BOM; its plain "CSV"
// writes Windows-1252, where "ü" is the single byte 0xFC. Bytes that are not valid UTF-8 are
// the tell: real Windows-1252 text with umlauts is practically never valid UTF-8.
func decode(data []byte) (text, encoding string, err error) {
	if err := sniffBinary(data); err != nil {
		return "", "", err
	}
	encoding = EncodingUTF8
	if bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
		encoding = EncodingUTF8BOM
	}
	if utf8.Valid(data) {
		return string(data), encoding, nil
	}
	// A file that is partly UTF-8 and partly not (rows pasted together from two exports) would
	// come out with garbled umlauts whichever way it is read; names on certificates must not.
	badLine, multibyte := scanUTF8(data)
	if encoding == EncodingUTF8BOM || multibyte {
		return "", "", fileError(badLine, FileErrMixedEncodings)
	}
	// Every byte has a Windows-1252 reading (the five unassigned ones become U+FFFD, which the
	// row checks report), so this cannot fail.
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", fileError(0, FileErrNotWindows1252)
	}
	return string(out), EncodingWindows1252, nil
}

// sniffBinary recognises the files HR most often uploads by mistake instead of a CSV export.
func sniffBinary(data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return fileError(0, FileErrXLSX)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return fileError(0, FileErrXLS)
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		return fileError(0, FileErrUTF16)
	case bytes.IndexByte(data, 0) >= 0:
		return fileError(0, FileErrBinary)
	}
	return nil
}

// scanUTF8 returns the line of the first byte that is not UTF-8 (0 if none) and whether the
// data also holds well-formed multi-byte UTF-8 sequences.
func scanUTF8(data []byte) (badLine int, multibyte bool) {
	line := 1
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				line++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			if badLine == 0 {
				badLine = line
			}
			i++
			continue
		}
		multibyte = true
		i += size
	}
	return badLine, multibyte
}
