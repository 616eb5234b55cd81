package web

import (
	"strconv"
	"unicode/utf8"
)

// barChart is a horizontal bar chart of percentages, drawn by the admin templates as inline SVG.
// It is computed here so that the template only places ready numbers: one row per bar, the
// label above the bar, the value at its end. The SVG is an image (role="img" with a title and
// a description); the page repeats every number in a data table, which is what screen readers
// and keyboard users work with.
type barChart struct {
	ID     string // prefix of the title and description ids
	Title  string
	Desc   string
	Width  int // viewBox width; the SVG scales to the column, down to 320 px
	Height int
	Bars   []chartBar
}

// chartBar is one bar. A suppressed bar is drawn as an empty, dashed outline with a word instead
// of a number: the group is too small to show.
type chartBar struct {
	Label      string
	Value      int // 0–100
	Suppressed bool
	Text       string // the value as shown at the end of the bar ("83 %", or "hidden")
	Y          int    // top of the row
	BarY       int    // top of the bar
	BarWidth   int    // filled width
	TrackWidth int
	TextX      int
	TextY      int
}

// Chart geometry, in viewBox units (close to CSS pixels at 360 px wide screens).
const (
	chartWidth   = 360
	chartRow     = 44 // label line + bar + gap
	chartBarH    = 16
	chartTrack   = 250 // the bar's full length (100 %); the value is written after it
	chartMaxText = 48  // label characters before it is shortened
)

// newBarChart lays out bars for (label, percent, suppressed) triples; hidden is the word shown
// for a suppressed bar.
func newBarChart(id, title, desc, hidden string, items []chartItem) barChart {
	ch := barChart{ID: id, Title: title, Desc: desc, Width: chartWidth, Height: max(len(items), 1)*chartRow + 4}
	for i, it := range items {
		b := chartBar{Label: shorten(it.Label, chartMaxText), Value: min(max(it.Percent, 0), 100), Suppressed: it.Suppressed,
			Y: i*chartRow + 14, BarY: i*chartRow + 20, TrackWidth: chartTrack, TextX: chartTrack + 6, TextY: i*chartRow + 20 + chartBarH - 3}
		if it.Suppressed {
			b.Value, b.Text = 0, hidden
		} else {
			b.BarWidth = b.Value * chartTrack / 100
			b.Text = strconv.Itoa(b.Value) + " %"
		}
		ch.Bars = append(ch.Bars, b)
	}
	return ch
}

// chartItem is one bar's data.
type chartItem struct {
	Label      string
	Percent    int
	Suppressed bool
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…" // the table next to the chart has the whole label
}
