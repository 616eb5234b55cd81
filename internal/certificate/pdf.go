// PDF rendering of certificates. A certificate is handed to HR and
// auditors, usually printed and filed, so it is laid out as a plain official
// document: the municipality as issuer, who completed which course, when it
// was issued and until when it is valid, and a QR code plus a printed address
// and code with which anyone can check its authenticity online.

package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // dates must come out right even on hosts without a zoneinfo database
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// PDFData is everything printed on a certificate.
type PDFData struct {
	Language      string     // "de" or "en": all fixed texts in that language (German default)
	HolderName    string     // the person who completed the course
	CourseTitle   string     // the course's title in Language
	Municipality  string     // e.g. "Stadt Musterstadt"; printed as the issuer; may be empty
	IssuedAt      time.Time  // when the certificate was issued; required
	ExpiresAt     *time.Time // nil = no expiry
	Code          string     // the verification code (long random string)
	VerifyURL     string     // e.g. https://lernen.example.de/verify/<code>; encoded in the QR code and printed
	CourseVersion string     // short content hash, printed small; may be empty
}

// Page geometry in millimetres (A4 portrait).
const (
	pageW   = 210.0
	pageH   = 297.0
	marginX = 25.0 // text never comes closer to the paper edge than this
	textW   = pageW - 2*marginX
	centerX = pageW / 2

	// qrSymbolMM is the printed size of the QR symbol without its quiet zone.
	// 32 mm keeps modules at ≥ 0.5 mm, which phone cameras read reliably off
	// paper, for URLs up to about 280 characters (version 12 at level M),
	// and keeps the symbol above the 30 mm minimum we aim for.
	qrSymbolMM = 32.0
	// qrQuietModules is the white border ISO/IEC 18004 requires around the
	// symbol. It is drawn explicitly (not left to the page's white) so that
	// it stays intact on coloured paper or if a background is ever added.
	qrQuietModules = 4
)

// Colours: a dark blue for structure and headings, near-black for the body,
// grey for labels. Few colours keep it sober and readable in greyscale copies.
var (
	colAccent = [3]int{22, 54, 92}
	colBody   = [3]int{33, 37, 41}
	colMuted  = [3]int{96, 104, 112}
)

// Font family names registered with fpdf.
const (
	famSans = "GoSans"
)

// texts holds the fixed wording of one language.
type texts struct {
	lang        string // PDF /Lang, for screen readers
	title       string
	certify     string
	course      string
	completed   string
	issuedAt    string
	validUntil  string
	noExpiry    string
	verifyHint  string
	codeLabel   string
	versionLbl  string
	subject     string
	formatDate  func(time.Time) string
	issuerLabel string
}

var germanMonths = [...]string{"", "Januar", "Februar", "März", "April", "Mai", "Juni",
	"Juli", "August", "September", "Oktober", "November", "Dezember"}

var textsDE = texts{
	lang:        "de-DE",
	title:       "Teilnahmebescheinigung",
	certify:     "Hiermit wird bestätigt, dass",
	course:      "den Kurs",
	completed:   "erfolgreich abgeschlossen hat.",
	issuedAt:    "Ausgestellt am",
	validUntil:  "Gültig bis",
	noExpiry:    "unbefristet",
	verifyHint:  "Echtheit prüfen: QR-Code scannen oder Adresse aufrufen",
	codeLabel:   "Prüfcode",
	versionLbl:  "Kursversion",
	subject:     "Teilnahmebescheinigung",
	formatDate:  func(t time.Time) string { return t.Format("02.01.2006") },
	issuerLabel: "Ausstellende Stelle",
}

var textsEN = texts{
	lang:        "en",
	title:       "Certificate of Completion",
	certify:     "This is to certify that",
	course:      "has successfully completed the course",
	completed:   "",
	issuedAt:    "Issued on",
	validUntil:  "Valid until",
	noExpiry:    "no expiry",
	verifyHint:  "Verify authenticity: scan the QR code or visit the address",
	codeLabel:   "Verification code",
	versionLbl:  "Course version",
	subject:     "Certificate of completion",
	formatDate:  func(t time.Time) string { return t.Format("2 January 2006") },
	issuerLabel: "Issued by",
}

// textsFor picks the wording; anything that is not English gets German,
// because the platform's users are German municipalities.
func textsFor(lang string) texts {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return textsEN
	}
	return textsDE
}

// shared holds what is prepared once per process rather than per certificate.
var shared struct {
	once    sync.Once
	berlin  *time.Location
	regular *sfnt.Font // only used to ask which characters the font can draw
}

func initShared() {
	shared.once.Do(func() {
		// Certificates are for German municipalities: a completion at
		// 23:30 UTC on 31 December happened on 1 January in Germany, and the
		// printed date must say so whatever zone the caller's time is in.
		loc, err := time.LoadLocation("Europe/Berlin")
		if err != nil { // cannot happen with time/tzdata linked in
			loc = time.UTC
		}
		shared.berlin = loc
		// sfnt parses lazily, so this is cheap; a nil font just disables the
		// coverage check below instead of failing every render.
		if f, err := sfnt.Parse(goregular.TTF); err == nil {
			shared.regular = f
		}
	})
}

// renderOptions are knobs for tests only; RenderPDF always uses the defaults.
type renderOptions struct {
	trace *[]drawn // if set, receives every text line and the QR code drawn
}

// drawn is the box of something placed on the page, in mm from the top left.
// Tests use it to prove that nothing leaves the page or overlaps.
type drawn struct {
	what       string
	x, y, w, h float64
}

// RenderPDF returns an A4 certificate as PDF bytes.
//
// The output depends only on d: the same input gives byte-identical PDFs,
// so a certificate can be re-rendered on demand instead of being stored.
// Dates are printed in German time (Europe/Berlin).
func RenderPDF(d PDFData) ([]byte, error) {
	return render(d, renderOptions{})
}

func render(d PDFData, opt renderOptions) (out []byte, err error) {
	initShared()
	if err := validate(d); err != nil {
		return nil, err
	}
	// fpdf panics on some malformed input (it indexes width tables by rune
	// without bounds checks). Input is sanitised below, but a certificate
	// download must never take the server down, so turn leftovers into errors.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("certificate: render PDF: %v", r)
		}
	}()

	tx := textsFor(d.Language)
	issued := d.IssuedAt.In(shared.berlin)

	modules, err := qrModules(d.VerifyURL)
	if err != nil {
		return nil, err
	}

	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(true)
	// fpdf iterates maps when writing fonts and images; sorting makes the
	// object order, and thus the bytes, reproducible.
	pdf.SetCatalogSort(true)
	// fpdf writes these dates without a zone offset, which PDF readers take
	// as UTC, so UTC is what keeps them true. Derived from IssuedAt rather
	// than the clock so that re-rendering gives identical bytes.
	pdf.SetCreationDate(d.IssuedAt.UTC())
	pdf.SetModificationDate(d.IssuedAt.UTC())
	pdf.SetTitle(tx.title+" – "+clean(d.HolderName), true)
	pdf.SetSubject(tx.subject+": "+clean(d.CourseTitle), true)
	pdf.SetAuthor("Wachsam", true)
	pdf.SetCreator("Wachsam", true)
	pdf.SetProducer("Wachsam", true)
	pdf.SetLang(tx.lang)
	pdf.SetAutoPageBreak(false, 0) // one page by design; overflow is prevented by fitting
	pdf.SetMargins(marginX, 0, marginX)
	pdf.SetCellMargin(0)
	// fpdf keeps parsed fonts per document and offers no way to share them,
	// so the TTFs are parsed here each time; the bytes themselves are
	// package-level (gofont) and the cost is measured in BenchmarkRenderPDF.
	pdf.AddUTF8FontFromBytes(famSans, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(famSans, "B", gobold.TTF)
	pdf.AddPage()

	l := layout{pdf: pdf, trace: opt.trace}
	l.draw(d, tx, issued, modules)

	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("certificate: render PDF: %w", err)
	}
	var buf bytes.Buffer
	buf.Grow(64 << 10)
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("certificate: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// qrModules encodes url as a QR symbol without quiet zone; true is dark.
// Level M (15 % recovery) is the usual choice for print: it survives a
// stamp or a crease while keeping modules large enough at 32 mm.
func qrModules(url string) ([][]bool, error) {
	qr, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("certificate: QR code for verify URL: %w", err)
	}
	qr.DisableBorder = true // the quiet zone is drawn by drawQR
	return qr.Bitmap(), nil
}

// validate rejects data that would produce a certificate nobody can use.
func validate(d PDFData) error {
	var missing []string
	if strings.TrimSpace(d.HolderName) == "" {
		missing = append(missing, "HolderName")
	}
	if strings.TrimSpace(d.CourseTitle) == "" {
		missing = append(missing, "CourseTitle")
	}
	if strings.TrimSpace(d.Code) == "" {
		missing = append(missing, "Code")
	}
	if strings.TrimSpace(d.VerifyURL) == "" {
		missing = append(missing, "VerifyURL")
	}
	if d.IssuedAt.IsZero() {
		missing = append(missing, "IssuedAt")
	}
	if len(missing) > 0 {
		return fmt.Errorf("certificate: missing %s", strings.Join(missing, ", "))
	}
	if !utf8.ValidString(d.VerifyURL) || strings.ContainsFunc(d.VerifyURL, unicode.IsSpace) {
		// The URL is printed and encoded verbatim; whitespace would break
		// both, and cleaning it silently would point the QR code elsewhere.
		return errors.New("certificate: VerifyURL contains whitespace or invalid UTF-8")
	}
	return nil
}

// clean makes user-supplied text safe to print: control characters and
// runs of whitespace (including newlines) become single spaces, and invalid
// UTF-8 and characters the embedded font cannot draw, or that fpdf cannot
// encode (outside the Basic Multilingual Plane, e.g. emoji), become U+FFFD
// "�". That sign says "a character is missing here" to the reader, which an
// empty box, a "?" or a garbled PDF string would not.
//
// Go Regular covers Latin-1, Latin Extended-A (Turkish, Polish, Czech, …),
// basic Greek and Cyrillic, but not e.g. Vietnamese letters such as "ễ".
func clean(s string) string {
	initShared()
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	var sb sfnt.Buffer
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r): // zero-width joiners, bidi marks: invisible, unsupported
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r > 0xFFFF || !hasGlyph(&sb, r) {
			r = unicode.ReplacementChar
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasGlyph reports whether Go Regular has a glyph for r. Go Bold covers the
// same characters, so one check serves both.
func hasGlyph(b *sfnt.Buffer, r rune) bool {
	if r < 0x80 || shared.regular == nil {
		return true
	}
	gi, err := shared.regular.GlyphIndex(b, r)
	return err == nil && gi != 0
}

// groupCode splits the verification code into blocks of four, joined by
// hyphens ("abcd-efgh-…"), so it can be read out and typed from paper
// without losing one's place. Codes are case-insensitive base32 and the
// verifier drops spaces and hyphens, so any existing ones are removed first
// rather than doubled. Kept local instead of calling the package's Group so
// that rendering does not change when code handling does.
func groupCode(code string) string {
	var b strings.Builder
	n := 0
	for _, r := range code {
		if unicode.IsSpace(r) || r == '-' {
			continue
		}
		if n > 0 && n%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// layout draws the page top to bottom. y values are baselines in mm.
type layout struct {
	pdf   *fpdf.Fpdf
	trace *[]drawn
}

func (l layout) color(c [3]int) { l.pdf.SetTextColor(c[0], c[1], c[2]) }

// text prints s with its left end at x and its baseline at y. All text goes
// through here so that tests can trace it.
func (l layout) text(x, y float64, s string) {
	l.pdf.Text(x, y, s)
	if l.trace != nil {
		size, _ := l.pdf.GetFontSize() // pt
		em := size * 25.4 / 72
		// Box from accent height to descender, generous enough to catch
		// real collisions without flagging normally spaced lines.
		*l.trace = append(*l.trace, drawn{what: s, x: x, y: y - 0.9*em, w: l.pdf.GetStringWidth(s), h: 1.1 * em})
	}
}

// centered prints one line centred on the page with its baseline at y.
func (l layout) centered(y float64, s string) {
	l.text(centerX-l.pdf.GetStringWidth(s)/2, y, s)
}

// fitted is text broken into lines at a font size that fits the width.
type fitted struct {
	lines []string
	size  float64 // pt
}

// lineHeight returns the baseline-to-baseline distance in mm.
func (f fitted) lineHeight() float64 { return f.size * 1.25 * 25.4 / 72 }

// height returns the block height in mm from the first line's top to the
// last baseline, which is what the vertical layout stacks.
func (f fitted) height() float64 {
	if len(f.lines) == 0 {
		return 0
	}
	return f.size*0.75*25.4/72 + float64(len(f.lines)-1)*f.lineHeight()
}

// fit finds the largest size between maxPt and minPt at which s fits in
// maxLines lines of width w. Shrinking is preferred over wrapping a short
// text, but a long text wraps before it gets small; if even minPt needs more
// lines, the text is cut with an ellipsis so it can never leave the page.
func (l layout) fit(s, style string, maxPt, minPt float64, w float64, maxLines int) fitted {
	for lines := 1; lines <= maxLines; lines++ {
		// Before using another line, shrink only to three quarters of the
		// preferred size: a slightly long name stays on one line, a very
		// long one wraps instead of becoming tiny. The last allowed line
		// count may go down to minPt.
		floor := max(minPt, maxPt*0.75)
		if lines == maxLines {
			floor = minPt
		}
		for pt := maxPt; pt >= floor; pt -= 0.5 {
			l.pdf.SetFont(famSans, style, pt)
			ls := l.wrap(s, w)
			if len(ls) <= lines {
				return fitted{lines: ls, size: pt}
			}
		}
	}
	l.pdf.SetFont(famSans, style, minPt)
	ls := l.wrap(s, w)[:maxLines]
	last := strings.TrimRight(ls[maxLines-1], " ")
	for last != "" && l.pdf.GetStringWidth(last+" …") > w {
		_, size := utf8.DecodeLastRuneInString(last)
		last = last[:len(last)-size]
	}
	ls[maxLines-1] = strings.TrimRight(last, " ") + " …"
	return fitted{lines: ls, size: minPt}
}

// wrap breaks s at spaces (or anywhere, for words longer than a line) so
// that no line is wider than w at the current font.
func (l layout) wrap(s string, w float64) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		cand := word
		if cur != "" {
			cand = cur + " " + word
		}
		if l.pdf.GetStringWidth(cand) <= w {
			cur = cand
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		// A single word wider than the line (a URL, a compound noun without
		// spaces) is broken by character.
		cur = ""
		for _, r := range word {
			if cur != "" && l.pdf.GetStringWidth(cur+string(r)) > w {
				lines = append(lines, cur)
				cur = ""
			}
			cur += string(r)
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// block prints fitted lines centred, the first baseline at y + ascent, and
// returns the y below the block.
func (l layout) block(y float64, f fitted, style string) float64 {
	l.pdf.SetFont(famSans, style, f.size)
	base := y + f.size*0.75*25.4/72
	for i, s := range f.lines {
		l.centered(base+float64(i)*f.lineHeight(), s)
	}
	return y + f.height()
}

func (l layout) draw(d PDFData, tx texts, issued time.Time, modules [][]bool) {
	pdf := l.pdf
	name := clean(d.HolderName)
	title := clean(d.CourseTitle)
	muni := clean(d.Municipality)

	// Frame: a heavy and a hairline rule, the classic look of a printed
	// certificate, kept well inside the printable area of office printers.
	pdf.SetDrawColor(colAccent[0], colAccent[1], colAccent[2])
	pdf.SetLineWidth(0.8)
	pdf.Rect(10, 10, pageW-20, pageH-20, "D")
	pdf.SetLineWidth(0.2)
	pdf.Rect(12.5, 12.5, pageW-25, pageH-25, "D")

	// Header: the issuing municipality.
	y := 26.0
	if muni != "" {
		l.color(colMuted)
		pdf.SetFont(famSans, "", 9)
		l.centered(y, tx.issuerLabel)
		y += 3
		l.color(colAccent)
		y = l.block(y, l.fit(muni, "B", 16, 10, textW, 2), "B")
		// A short rule sets the issuer apart from the title; without an
		// issuer it would float alone, so it goes with it.
		pdf.SetLineWidth(0.3)
		pdf.Line(centerX-30, y+5, centerX+30, y+5)
	}

	// Title.
	l.color(colAccent)
	l.block(62, l.fit(tx.title, "B", 30, 18, textW, 1), "B")

	// Body: the sentence "X has completed course Y", its parts stacked and
	// centred. The block is centred vertically between title and details so
	// short and long texts both look balanced.
	body := []struct {
		f     fitted
		style string
		col   [3]int
		gap   float64 // space above, mm
	}{
		{l.fit(tx.certify, "", 13, 10, textW, 2), "", colBody, 0},
		{l.fit(name, "B", 26, 14, textW, 2), "B", colAccent, 7},
		{l.fit(tx.course, "", 13, 10, textW, 2), "", colBody, 7},
		{l.fit(title, "B", 18, 11, textW, 5), "B", colBody, 5},
	}
	if tx.completed != "" {
		body = append(body, struct {
			f     fitted
			style string
			col   [3]int
			gap   float64
		}{l.fit(tx.completed, "", 13, 10, textW, 2), "", colBody, 5})
	}
	const bodyTop, bodyBottom = 82.0, 190.0
	total := 0.0
	for _, b := range body {
		total += b.gap + b.f.height()
	}
	y = bodyTop + max(0, (bodyBottom-bodyTop-total)/2)
	for _, b := range body {
		l.color(b.col)
		y = l.block(y+b.gap, b.f, b.style)
	}

	// Details: issue and expiry date side by side, label over value.
	until := tx.noExpiry
	if d.ExpiresAt != nil {
		until = tx.formatDate(d.ExpiresAt.In(shared.berlin))
	}
	for i, col := range [][2]string{{tx.issuedAt, tx.formatDate(issued)}, {tx.validUntil, until}} {
		x := centerX + float64(2*i-1)*35 // column centres 35 mm left and right of the middle
		pdf.SetFont(famSans, "", 9)
		l.color(colMuted)
		l.text(x-pdf.GetStringWidth(col[0])/2, 204, col[0])
		pdf.SetFont(famSans, "B", 13)
		l.color(colBody)
		l.text(x-pdf.GetStringWidth(col[1])/2, 210.5, col[1])
	}

	// Verification: hint, QR code, address, code.
	pdf.SetDrawColor(colMuted[0], colMuted[1], colMuted[2])
	pdf.SetLineWidth(0.2)
	pdf.Line(marginX, 220, pageW-marginX, 220)
	l.color(colBody)
	pdf.SetFont(famSans, "B", 9.5)
	l.centered(227, tx.verifyHint)
	qrBottom := l.drawQR(centerX, 230, modules)

	l.color(colBody)
	url := l.fit(clean(d.VerifyURL), "", 9, 6.5, textW, 2)
	y = l.block(qrBottom+1.5, url, "")

	l.color(colMuted)
	info := tx.codeLabel + ": " + groupCode(clean(d.Code))
	if v := clean(d.CourseVersion); v != "" {
		info += "  ·  " + tx.versionLbl + ": " + v
	}
	l.block(y+1.8, l.fit(info, "", 8, 6, textW, 2), "")
}

// drawQR draws the symbol as vector rectangles centred at cx with its
// quiet zone's top edge at top, and returns the quiet zone's bottom edge.
// Vectors rather than an embedded PNG keep the edges sharp at any print
// resolution and avoid viewers smoothing the scaled-up bitmap.
func (l layout) drawQR(cx, top float64, modules [][]bool) float64 {
	pdf := l.pdf
	n := len(modules)
	m := qrSymbolMM / float64(n)
	outer := float64(n+2*qrQuietModules) * m
	x0 := cx - outer/2
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x0, top, outer, outer, "F")

	// One path of many rectangles, filled once: each row's dark runs become
	// one rectangle. A single fill avoids the hairline seams some viewers
	// show between separately filled adjacent shapes.
	ox, oy := x0+qrQuietModules*m, top+qrQuietModules*m
	pdf.SetFillColor(0, 0, 0)
	for y, row := range modules {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < n && row[x] {
				x++
			}
			x1, y1 := ox+float64(start)*m, oy+float64(y)*m
			x2, y2 := ox+float64(x)*m, oy+float64(y+1)*m
			pdf.MoveTo(x1, y1)
			pdf.LineTo(x2, y1)
			pdf.LineTo(x2, y2)
			pdf.LineTo(x1, y2)
			pdf.ClosePath()
		}
	}
	pdf.DrawPath("F")
	if l.trace != nil {
		*l.trace = append(*l.trace, drawn{what: "QR code", x: x0, y: top, w: outer, h: outer})
	}
	return top + outer
}
