package report

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/wachsam/wachsam/internal/model"
)

var pdfWords = map[string]map[string]string{
	"de": {
		"title": "Pflichtschulung: Stand der Teilnahme", "course": "Kurs", "tenant": "Kommune", "as_of": "Stand",
		"min":        "Gruppen mit weniger als %d Personen werden nicht ausgewiesen (Mindestgruppengröße); auch die Gesamtzeile lässt keine Rückschlüsse auf sie zu.",
		"suppressed": "zu kleine Gruppe", "page": "Seite %d von {nb}", "rate": "Quote",
		"legend": "Balken: abgeschlossen (dunkel), in Bearbeitung (mittel), überfällig (schraffiert), offen (hell).",
	},
	"en": {
		"title": "Mandatory training: participation", "course": "Course", "tenant": "Municipality", "as_of": "As of",
		"min":        "Groups of fewer than %d people are not shown (minimum group size); the total does not reveal them either.",
		"suppressed": "group too small", "page": "Page %d of {nb}", "rate": "Rate",
		"legend": "Bars: completed (dark), in progress (medium), overdue (hatched), open (light).",
	},
}

// WritePDF writes the compliance table as an A4 summary for files and meetings: the table of
// the CSV and XLSX exports plus a bar per org unit, with the same suppression.
func WritePDF(w io.Writer, rep Compliance, tenantName, lang string) error {
	if _, ok := pdfWords[lang]; !ok {
		lang = "de"
	}
	words := pdfWords[lang]
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(words["title"]+" – "+rep.CourseTitle, true)
	pdf.SetCreator("Wachsam", true)
	pdf.SetLang(lang)
	pdf.AddUTF8FontFromBytes("sans", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("sans", "B", gobold.TTF)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("sans", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 5, fmt.Sprintf(words["page"], pdf.PageNo()), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("sans", "B", 16)
	pdf.MultiCell(0, 8, words["title"], "", "L", false)
	pdf.SetFont("sans", "", 10)
	generated := rep.GeneratedAt
	if generated.IsZero() {
		generated = time.Now()
	}
	date := generated.In(model.Berlin).Format("02.01.2006 15:04")
	if lang == "en" {
		date = generated.In(model.Berlin).Format("2 January 2006, 15:04")
	}
	for _, kv := range [][2]string{{words["tenant"], tenantName}, {words["course"], rep.CourseTitle}, {words["as_of"], date}} {
		pdf.SetFont("sans", "B", 10)
		pdf.CellFormat(30, 6, kv[0]+":", "", 0, "L", false, 0, "")
		pdf.SetFont("sans", "", 10)
		pdf.MultiCell(0, 6, kv[1], "", "L", false)
	}
	pdf.Ln(3)

	rows := table(rep, lang)
	// Columns: unit, assigned, completed, in progress, overdue, rate, and the bar instead of the
	// "suppressed" column (a suppressed row says so in its bar cell).
	widths := []float64{44, 22, 24, 24, 18, 16, 32}
	heads := append(append([]string{}, rows[0][:6]...), "")
	pdf.SetFont("sans", "B", 8)
	pdf.SetFillColor(230, 236, 243)
	for i, h := range heads {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 7, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	lines := append(append([]Row{}, rep.Rows...), rep.Total)
	for i, cells := range rows[1:] {
		r := lines[i]
		last := i == len(rows)-2
		style := ""
		if last {
			style = "B"
		}
		pdf.SetFont("sans", style, 8)
		border := ""
		if last {
			border = "T"
		}
		h := 6.0
		for c := 0; c < 6; c++ {
			align := "R"
			if c == 0 {
				align = "L"
			}
			pdf.CellFormat(widths[c], h, cells[c], border, 0, align, false, 0, "")
		}
		x, y := pdf.GetXY()
		if r.Suppressed {
			pdf.SetFont("sans", "", 7)
			pdf.SetTextColor(90, 90, 90)
			pdf.CellFormat(widths[6], h, words["suppressed"], border, 0, "L", false, 0, "")
			pdf.SetTextColor(0, 0, 0)
		} else {
			pdf.CellFormat(widths[6], h, "", border, 0, "L", false, 0, "")
			drawBar(pdf, x+1, y+1.3, widths[6]-2, h-2.6, r)
		}
		pdf.Ln(-1)
	}
	pdf.Ln(4)
	pdf.SetFont("sans", "", 8)
	pdf.SetTextColor(60, 60, 60)
	pdf.MultiCell(0, 4.5, fmt.Sprintf(words["min"], rep.MinGroupSize), "", "L", false)
	pdf.MultiCell(0, 4.5, words["legend"], "", "L", false)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report pdf: %w", err)
	}
	return pdf.Output(w)
}

// drawBar draws the shares of a row as one stacked bar: completed, in progress, overdue
// (hatched, so the bar reads in greyscale print too) and open.
func drawBar(pdf *fpdf.Fpdf, x, y, width, height float64, r Row) {
	if r.Assigned == 0 {
		return
	}
	open := r.Assigned - r.Completed - r.InProgress - r.Overdue
	parts := []struct {
		n       int
		rgb     [3]int
		hatched bool
	}{{r.Completed, [3]int{11, 79, 138}, false}, {r.InProgress, [3]int{93, 145, 196}, false}, {r.Overdue, [3]int{255, 255, 255}, true}, {max(open, 0), [3]int{214, 224, 235}, false}}
	at := x
	for _, p := range parts {
		w := width * float64(p.n) / float64(r.Assigned)
		if w <= 0 {
			continue
		}
		pdf.SetFillColor(p.rgb[0], p.rgb[1], p.rgb[2])
		pdf.SetDrawColor(40, 40, 40)
		pdf.Rect(at, y, w, height, "FD")
		if p.hatched {
			pdf.ClipRect(at, y, w, height, false)
			pdf.SetLineWidth(0.2)
			for hx := at - height; hx < at+w; hx += 1.2 {
				pdf.Line(hx, y+height, hx+height, y)
			}
			pdf.ClipEnd()
		}
		at += w
	}
	pdf.SetLineWidth(0.2)
}
