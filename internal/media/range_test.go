package media

import (
	"errors"
	"testing"
)

func TestParseRange(t *testing.T) {
	const huge = "99999999999999999999999" // beyond int64
	type want struct {
		start, length int64
		partial       bool
		unsatisfiable bool
	}
	whole := func(size int64) want { return want{0, size, false, false} }
	part := func(start, length int64) want { return want{start, length, true, false} }
	unsat := want{unsatisfiable: true}

	for _, tc := range []struct {
		name   string
		header string
		size   int64
		want   want
	}{
		// No or unusable header: the whole body.
		{"empty", "", 1000, whole(1000)},
		{"blank", "   ", 1000, whole(1000)},
		{"no equals", "bytes 0-10", 1000, whole(1000)},
		{"other unit", "items=0-10", 1000, whole(1000)},
		{"no spec", "bytes=", 1000, whole(1000)},
		{"only commas", "bytes=, ,", 1000, whole(1000)},
		{"no dash", "bytes=500", 1000, whole(1000)},
		{"bare dash", "bytes=-", 1000, whole(1000)},
		{"letters", "bytes=a-b", 1000, whole(1000)},
		{"negative first", "bytes=-5-10", 1000, whole(1000)},
		{"plus sign", "bytes=+5-10", 1000, whole(1000)},
		{"double dash suffix", "bytes=--5", 1000, whole(1000)},
		{"space inside", "bytes=0 -10", 1000, whole(1000)},
		{"last before first", "bytes=500-499", 1000, whole(1000)},
		{"last before first beyond size", "bytes=5000-10", 1000, whole(1000)},
		{"two dashes", "bytes=1-2-3", 1000, whole(1000)},
		{"hex", "bytes=0x10-20", 1000, whole(1000)},

		// Multiple ranges: whole body, not multipart/byteranges.
		{"two ranges", "bytes=0-10,20-30", 1000, whole(1000)},
		{"two ranges one unsatisfiable", "bytes=0-10,5000-", 1000, whole(1000)},
		{"two unsatisfiable ranges", "bytes=5000-,6000-", 1000, whole(1000)},

		// first-last.
		{"first 500", "bytes=0-499", 1000, part(0, 500)},
		{"second 500", "bytes=500-999", 1000, part(500, 500)},
		{"single byte", "bytes=0-0", 1000, part(0, 1)},
		{"last byte", "bytes=999-999", 1000, part(999, 1)},
		{"whole as range", "bytes=0-999", 1000, part(0, 1000)},
		{"end beyond size clamps", "bytes=500-5000", 1000, part(500, 500)},
		{"huge end clamps", "bytes=10-" + huge, 1000, part(10, 990)},
		{"leading zeros", "bytes=0010-0019", 1000, part(10, 10)},
		{"unit case-insensitive", "Bytes=0-9", 1000, part(0, 10)},
		{"surrounding space", "  bytes=0-9  ", 1000, part(0, 10)},
		{"empty list elements", "bytes=, 0-9 ,", 1000, part(0, 10)},
		{"start at size", "bytes=1000-1000", 1000, unsat},
		{"start beyond size", "bytes=2000-3000", 1000, unsat},
		{"huge start", "bytes=" + huge + "-", 1000, unsat},

		// first-.
		{"open ended", "bytes=500-", 1000, part(500, 500)},
		{"open ended from 0", "bytes=0-", 1000, part(0, 1000)},
		{"open ended last byte", "bytes=999-", 1000, part(999, 1)},
		{"open ended at size", "bytes=1000-", 1000, unsat},
		{"open ended beyond size", "bytes=1001-", 1000, unsat},

		// -suffix.
		{"suffix", "bytes=-500", 1000, part(500, 500)},
		{"suffix one", "bytes=-1", 1000, part(999, 1)},
		{"suffix equal to size", "bytes=-1000", 1000, part(0, 1000)},
		{"suffix longer than size", "bytes=-5000", 1000, part(0, 1000)},
		{"huge suffix", "bytes=-" + huge, 1000, part(0, 1000)},
		{"zero suffix", "bytes=-0", 1000, unsat},

		// Zero-size object.
		{"zero size no header", "", 0, whole(0)},
		{"zero size first-last", "bytes=0-0", 0, unsat},
		{"zero size open ended", "bytes=0-", 0, unsat},
		{"zero size suffix", "bytes=-500", 0, whole(0)},
		{"zero size zero suffix", "bytes=-0", 0, unsat},
		{"zero size malformed", "bytes=x", 0, whole(0)},

		// One-byte object.
		{"one byte first", "bytes=0-0", 1, part(0, 1)},
		{"one byte suffix", "bytes=-1", 1, part(0, 1)},
		{"one byte beyond", "bytes=1-", 1, unsat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, length, partial, err := ParseRange(tc.header, tc.size)
			if tc.want.unsatisfiable {
				if !errors.Is(err, ErrRangeNotSatisfiable) || partial {
					t.Fatalf("ParseRange(%q, %d) = %d, %d, %v, %v; want ErrRangeNotSatisfiable",
						tc.header, tc.size, start, length, partial, err)
				}
				return
			}
			got := want{start, length, partial, false}
			if err != nil || got != tc.want {
				t.Fatalf("ParseRange(%q, %d) = %d, %d, %v, %v; want %d, %d, %v, nil",
					tc.header, tc.size, start, length, partial, err, tc.want.start, tc.want.length, tc.want.partial)
			}
			if partial && (start < 0 || length < 1 || start+length > tc.size) {
				t.Fatalf("range [%d, %d) outside object of %d bytes", start, start+length, tc.size)
			}
		})
	}
}

func TestContentRange(t *testing.T) {
	for _, tc := range []struct {
		start, length, size int64
		want                string
	}{
		{0, 500, 1000, "bytes 0-499/1000"},
		{500, 500, 1000, "bytes 500-999/1000"},
		{999, 1, 1000, "bytes 999-999/1000"},
	} {
		if got := ContentRange(tc.start, tc.length, tc.size); got != tc.want {
			t.Errorf("ContentRange(%d, %d, %d) = %q; want %q", tc.start, tc.length, tc.size, got, tc.want)
		}
	}
}
