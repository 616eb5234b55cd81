package course

import (
	"testing"
	"time"
)

func TestParseValidity(t *testing.T) {
	tests := []struct {
		in   string
		want Validity
		ok   bool
	}{
		{"12mo", Validity{Months: 12}, true},
		{"24mo", Validity{Months: 24}, true},
		{"365d", Validity{Days: 365}, true},
		{"2y", Validity{Months: 24}, true},
		{"1y6mo", Validity{Months: 18}, true},
		{" 3mo ", Validity{Months: 3}, true},
		{"", Validity{}, false},
		{"0mo", Validity{}, false},
		{"12", Validity{}, false},
		{"12m", Validity{}, false},
		{"mo", Validity{}, false},
		{"-1y", Validity{}, false},
		{"12 mo", Validity{}, false},
		{"999999y", Validity{}, false},
	}
	for _, tt := range tests {
		got, err := ParseValidity(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseValidity(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestValidityAddTo(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.UTC
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, berlin) }
	tests := []struct {
		v        Validity
		from, to time.Time
	}{
		{Validity{}, day(2026, 3, 1), day(2026, 3, 1)},
		{Validity{Months: 12}, day(2026, 3, 15), day(2027, 3, 15)},
		{Validity{Months: 1}, day(2026, 1, 31), day(2026, 2, 28)}, // clamped, not 3 March
		{Validity{Months: 1}, day(2028, 1, 31), day(2028, 2, 29)}, // leap year
		{Validity{Months: 12}, day(2028, 2, 29), day(2029, 2, 28)},
		{Validity{Months: 13}, day(2026, 12, 31), day(2028, 1, 31)},
		{Validity{Days: 365}, day(2026, 1, 1), day(2027, 1, 1)},
		{Validity{Months: 1, Days: 1}, day(2026, 1, 31), day(2026, 3, 1)},
	}
	for _, tt := range tests {
		if got := tt.v.AddTo(tt.from); !got.Equal(tt.to) {
			t.Errorf("%v.AddTo(%v) = %v, want %v", tt.v, tt.from, got, tt.to)
		}
	}
}

func TestValidityString(t *testing.T) {
	for in, want := range map[string]string{"12mo": "12mo", "2y": "24mo", "365d": "365d", "1mo15d": "1mo15d"} {
		v, err := ParseValidity(in)
		if err != nil || v.String() != want {
			t.Errorf("ParseValidity(%q).String() = %q, %v; want %q", in, v.String(), err, want)
		}
	}
	if (Validity{}).String() != "" || !(Validity{}).IsZero() {
		t.Error("zero Validity should print as \"\" and be zero")
	}
}
