package certificate

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// testCode looks like a real code: 32 characters of lower-case base32.
const testCode = "mfrggzdfmztwq2lknnwg23tpobyxe43u"

func ptr[T any](v T) *T { return &v }

// examples are the certificates every test renders: German and English,
// umlauts and ß everywhere, a very long course title, with and without expiry.
func examples() map[string]PDFData {
	return map[string]PDFData{
		"de": {
			Language:      "de",
			HolderName:    "Jürgen Weiß-Müller",
			CourseTitle:   "Phishing erkennen – „Vorsicht“ bei E-Mails mit Anhängen: Grundlagen der Informationssicherheit für Beschäftigte in Bürgerbüros, Standesämtern, Straßenverkehrsämtern und der Kämmerei",
			Municipality:  "Stadt Großröhrsdorf",
			IssuedAt:      time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC),
			ExpiresAt:     ptr(time.Date(2028, 3, 14, 9, 0, 0, 0, time.UTC)),
			Code:          testCode,
			VerifyURL:     "https://lernen.example.de/verify/" + testCode,
			CourseVersion: "a1b2c3d4",
		},
		"en": {
			Language:      "en",
			HolderName:    "Zoë Straßburger-Öztürk",
			CourseTitle:   "Passwords, Two-Factor Authentication and the Übergabe of Devices",
			Municipality:  "Landkreis Görlitz",
			IssuedAt:      time.Date(2026, 7, 2, 12, 0, 0, 0, time.UTC),
			ExpiresAt:     nil,
			Code:          testCode,
			VerifyURL:     "https://lernen.example.de/verify/" + testCode,
			CourseVersion: "ff00aa11",
		},
	}
}

// expectedTexts lists what a reader must find on the page, in reading order
// within each phrase (phrases themselves may appear in any order).
func expectedTexts(name string, d PDFData) []string {
	common := []string{d.HolderName, d.CourseTitle, d.Municipality, d.CourseVersion}
	switch name {
	case "de":
		return append(common, "Teilnahmebescheinigung", "Hiermit wird bestätigt, dass", "den Kurs",
			"erfolgreich abgeschlossen hat.", "Ausgestellt am", "14.03.2026", "Gültig bis", "14.03.2028",
			"Echtheit prüfen: QR-Code scannen oder Adresse aufrufen", "Prüfcode", "Kursversion")
	case "en":
		return append(common, "Certificate of Completion", "This is to certify that",
			"has successfully completed the course", "Issued on", "2 July 2026", "Valid until", "no expiry",
			"Verify authenticity: scan the QR code or visit the address", "Verification code", "Course version")
	}
	panic(name)
}

func mustRender(t testing.TB, d PDFData) []byte {
	t.Helper()
	b, err := RenderPDF(d)
	if err != nil {
		t.Fatalf("RenderPDF: %v", err)
	}
	return b
}

func TestRenderPDFExamples(t *testing.T) {
	for name, d := range examples() {
		t.Run(name, func(t *testing.T) {
			pdf := mustRender(t, d)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
				t.Fatalf("not a complete PDF: starts %q", pdf[:min(len(pdf), 16)])
			}
			if again := mustRender(t, d); !bytes.Equal(pdf, again) {
				t.Error("two renders of the same data differ")
			}
			dumpForReview(t, name, pdf)

			// Always-running check: inflate the content stream and decode the
			// UTF-16 strings fpdf draws. This sees exactly what is in the file.
			text := collapse(strings.Join(pdfTexts(t, pdf), " "))
			checkTexts(t, "content stream", text, expectedTexts(name, d), d)

			// Metadata: deterministic dates from IssuedAt, in UTC because
			// fpdf writes no zone offset and readers assume UTC.
			wantDate := map[string]string{"de": "D:20260314090000", "en": "D:20260702120000"}[name]
			for _, key := range []string{"/CreationDate", "/ModDate"} {
				if !bytes.Contains(pdf, []byte(key+" ("+wantDate+")")) {
					t.Errorf("%s is not %s", key, wantDate)
				}
			}
			for _, key := range []string{"/Author", "/Creator"} {
				if !bytes.Contains(pdf, []byte(key+" "+pdfTextString("Wachsam"))) {
					t.Errorf("%s is not Wachsam", key)
				}
			}
			if !bytes.Contains(pdf, []byte("/Title "+pdfTextString(textsFor(d.Language).title+" – "+d.HolderName))) {
				t.Error("/Title does not name certificate and holder")
			}

			// What a person (or a screen reader, or an HR system indexing
			// the file) gets: text extraction by a real PDF reader.
			t.Run("pdftotext", func(t *testing.T) {
				bin, err := exec.LookPath("pdftotext")
				if err != nil {
					t.Skip("pdftotext not installed (apt-get install poppler-utils); the content-stream check above still ran")
				}
				f := writeTemp(t, pdf)
				out, err := exec.Command(bin, "-enc", "UTF-8", f, "-").Output()
				if err != nil {
					t.Fatalf("pdftotext: %v", err)
				}
				checkTexts(t, "pdftotext", collapse(string(out)), expectedTexts(name, d), d)
			})
		})
	}
}

func checkTexts(t *testing.T, source, text string, want []string, d PDFData) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, collapse(w)) {
			t.Errorf("%s: missing %q in\n%s", source, w, text)
		}
	}
	// A long URL may be wrapped; compare without spaces.
	if !strings.Contains(strings.ReplaceAll(text, " ", ""), d.VerifyURL) {
		t.Errorf("%s: missing URL %q in\n%s", source, d.VerifyURL, text)
	}
	if code := groupCode(d.Code); !strings.Contains(text, code) {
		t.Errorf("%s: missing code %q in\n%s", source, code, text)
	}
}

// TestRenderPDFExtremeInput feeds what real data may contain: very long
// names and titles, words longer than a line, emoji, scripts the font lacks,
// control characters and broken UTF-8. Nothing may fail, overflow or overlap.
func TestRenderPDFExtremeInput(t *testing.T) {
	long := strings.Repeat("Datenschutzgrundverordnungskonformitätsüberprüfung ", 40)
	cases := map[string]PDFData{
		"long everything": {
			HolderName:    strings.Repeat("Maximiliane-Friederike ", 12),
			CourseTitle:   long,
			Municipality:  strings.Repeat("Verbandsgemeinde Rüdesheim-Großbüllesheim ", 8),
			Code:          strings.Repeat("ABCD", 40),
			VerifyURL:     "https://lernen.example.de/verify/" + strings.Repeat("x", 300),
			CourseVersion: strings.Repeat("f", 80),
		},
		"unbreakable words": {
			HolderName:  strings.Repeat("Ä", 200),
			CourseTitle: strings.Repeat("ß", 3000),
			Code:        "x",
			VerifyURL:   "https://x.example/" + strings.Repeat("y", 600),
		},
		"hostile characters": {
			Language:     "en-GB",
			HolderName:   "Anna 😀 Łukasiewicz 李 \u200dNguyễn\x00\x07\nTab\tbed \xff\xfe",
			CourseTitle:  "Line\r\nbreaks  and\u202eRTL override",
			Municipality: "   ",
			Code:         "abc(def)\\ghi",
			VerifyURL:    "https://lernen.example.de/verify/abc%28def%29",
		},
		"short": {HolderName: "Li", CourseTitle: "IT", Code: "1", VerifyURL: "https://a.de/v/1"},
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			d.IssuedAt = time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
			var trace []drawn
			pdf, err := render(d, renderOptions{trace: &trace})
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			dumpForReview(t, strings.ReplaceAll(name, " ", "-"), pdf)
			if len(pdfTexts(t, pdf)) == 0 {
				t.Fatal("no text in PDF")
			}
			checkLayout(t, trace)
		})
	}
}

// checkLayout asserts that every text line and the QR code lie inside the
// frame, text inside the margins, and that nothing overlaps.
func checkLayout(t *testing.T, trace []drawn) {
	t.Helper()
	const eps = 0.01
	for _, b := range trace {
		if b.x < marginX-eps || b.x+b.w > pageW-marginX+eps || b.y < 15 || b.y+b.h > pageH-15 {
			t.Errorf("%q at x=%.1f..%.1f y=%.1f..%.1f leaves the printable area", b.what, b.x, b.x+b.w, b.y, b.y+b.h)
		}
	}
	for i, a := range trace {
		for _, b := range trace[i+1:] {
			if a.x < b.x+b.w-eps && b.x < a.x+a.w-eps && a.y < b.y+b.h-eps && b.y < a.y+a.h-eps {
				t.Errorf("%q (y=%.1f..%.1f) overlaps %q (y=%.1f..%.1f)", a.what, a.y, a.y+a.h, b.what, b.y, b.y+b.h)
			}
		}
	}
}

func TestRenderPDFValidation(t *testing.T) {
	ok := examples()["de"]
	for name, mutate := range map[string]func(*PDFData){
		"no holder":      func(d *PDFData) { d.HolderName = " " },
		"no title":       func(d *PDFData) { d.CourseTitle = "" },
		"no code":        func(d *PDFData) { d.Code = "" },
		"no URL":         func(d *PDFData) { d.VerifyURL = "" },
		"no issue date":  func(d *PDFData) { d.IssuedAt = time.Time{} },
		"space in URL":   func(d *PDFData) { d.VerifyURL = "https://a.de/v /1" },
		"URL too long":   func(d *PDFData) { d.VerifyURL = "https://a.de/" + strings.Repeat("v", 5000) },
		"bad UTF-8 URL":  func(d *PDFData) { d.VerifyURL = "https://a.de/\xff" },
		"newline in URL": func(d *PDFData) { d.VerifyURL = "https://a.de/\n" },
	} {
		d := ok
		mutate(&d)
		if _, err := RenderPDF(d); err == nil {
			t.Errorf("%s: RenderPDF succeeded, want error", name)
		}
	}
}

// TestDatesInGermanTime: a course finished late on New Year's Eve UTC was
// finished on New Year's Day in Germany, and the certificate must say so.
func TestDatesInGermanTime(t *testing.T) {
	d := examples()["de"]
	d.IssuedAt = time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	d.ExpiresAt = ptr(time.Date(2027, 6, 30, 22, 30, 0, 0, time.UTC)) // 00:30 CEST
	text := strings.Join(pdfTexts(t, mustRender(t, d)), " ")
	for _, want := range []string{"01.01.2027", "01.07.2027"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %s in %s", want, text)
		}
	}
}

func TestLanguageFallback(t *testing.T) {
	for lang, want := range map[string]string{"": "de-DE", "de": "de-DE", "DE-at": "de-DE", "fr": "de-DE", "en": "en", "en-GB": "en", "EN_us": "en"} {
		if got := textsFor(lang).lang; got != want {
			t.Errorf("textsFor(%q) = %s, want %s", lang, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"  Jürgen\n\tWeiß  ": "Jürgen Weiß",
		"a\x00b":             "a b",
		"Zoë 😀":              "Zoë \uFFFD",
		"bad \xff utf8":      "bad \uFFFD utf8",
		"zero\u200bwidth":    "zerowidth",
		"„Anführung“ – ok":   "„Anführung“ – ok",
		"Łódź Øre Çağrı":     "Łódź Øre Çağrı",
		// Go Regular has no Vietnamese or CJK; the gap must stay visible.
		"Nguyễn 李": "Nguy\uFFFDn \uFFFD",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGroupCode(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"abc":       "abc",
		"abcd":      "abcd",
		"abcdefghi": "abcd-efgh-i",
		"ab cd-efg": "abcd-efg",
		"abcd-efgh": "abcd-efgh",
	} {
		if got := groupCode(in); got != want {
			t.Errorf("groupCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQRModulesDecode checks the symbol that drawQR paints, rasterised the
// same way (dark modules on a white quiet zone), with an independent decoder.
func TestQRModulesDecode(t *testing.T) {
	for _, url := range []string{
		"https://a.de/v/1",
		"https://lernen.example.de/verify/" + testCode,
		"https://lernen.musterstadt.example.de/verify/" + strings.Repeat("Zx9-_", 40),
		"https://lernen.example.de/verify/" + strings.ToUpper(testCode),
	} {
		modules, err := qrModules(url)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, rasterize(modules, 6)); got != url {
			t.Errorf("QR decodes to %q, want %q", got, url)
		}
	}
}

// TestQRInPDFDecodes renders the page like a printer would and decodes the
// QR code from the pixels, proving the vector drawing, its orientation and
// its quiet zone are right, not just the matrix.
func TestQRInPDFDecodes(t *testing.T) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm not installed (apt-get install poppler-utils); TestQRModulesDecode still checks the symbol")
	}
	for name, d := range examples() {
		var trace []drawn
		pdf, err := render(d, renderOptions{trace: &trace})
		if err != nil {
			t.Fatal(err)
		}
		var qr drawn
		for _, b := range trace {
			if b.what == "QR code" {
				qr = b
			}
		}
		if qr.w < 30 {
			t.Errorf("%s: QR code is %.1f mm wide, want ≥ 30 mm", name, qr.w)
		}
		const dpi = 150
		px := func(mm float64) int { return int(mm / 25.4 * dpi) }
		out := filepath.Join(t.TempDir(), "page")
		// Crop to the QR code plus a little of its surroundings, as a phone
		// camera would frame it.
		cmd := exec.Command(bin, "-png", "-gray", "-r", fmt.Sprint(dpi), "-singlefile",
			"-x", fmt.Sprint(px(qr.x-5)), "-y", fmt.Sprint(px(qr.y-5)),
			"-W", fmt.Sprint(px(qr.w+10)), "-H", fmt.Sprint(px(qr.h+10)), writeTemp(t, pdf), out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, msg)
		}
		f, err := os.Open(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, img); got != d.VerifyURL {
			t.Errorf("%s: QR in PDF decodes to %q, want %q", name, got, d.VerifyURL)
		}
	}
}

func TestRenderPDFConcurrent(t *testing.T) {
	d := examples()["de"]
	want := mustRender(t, d)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := RenderPDF(d); err != nil || !bytes.Equal(got, want) {
				t.Errorf("concurrent render differs (err %v)", err)
			}
		})
	}
	wg.Wait()
}

func BenchmarkRenderPDF(b *testing.B) {
	d := examples()["de"]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderPDF(d); err != nil {
			b.Fatal(err)
		}
	}
}

// --- helpers ---

func rasterize(modules [][]bool, scale int) image.Image {
	n := len(modules) + 2*qrQuietModules
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range modules {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray((x+qrQuietModules)*scale+dx, (y+qrQuietModules)*scale+dy, color.Gray{})
				}
			}
		}
	}
	return img
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

// pdfTexts returns the strings drawn with Tj in the PDF's content streams,
// in drawing order. fpdf writes UTF-8 fonts' text as escaped UTF-16BE
// literal strings, inside Flate-compressed streams unless compression is off.
func pdfTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	var out []string
	rest := pdf
	for {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("\nendstream"))
		if j < 0 {
			t.Fatal("unterminated stream")
		}
		content := rest[:j]
		rest = rest[j+len("\nendstream"):]
		if zr, err := zlib.NewReader(bytes.NewReader(content)); err == nil {
			if inflated, err := io.ReadAll(zr); err == nil {
				content = inflated
			}
		}
		if bytes.Contains(content, []byte(") Tj")) {
			out = append(out, tjStrings(content)...)
		}
	}
	return out
}

// tjStrings extracts and decodes "(...) Tj" operands.
func tjStrings(content []byte) []string {
	var out []string
	for i := 0; i < len(content); i++ {
		if content[i] != '(' {
			continue
		}
		var s []byte
		j := i + 1
		for ; j < len(content) && content[j] != ')'; j++ {
			if content[j] == '\\' && j+1 < len(content) {
				j++
				if content[j] == 'r' {
					s = append(s, '\r')
					continue
				}
			}
			s = append(s, content[j])
		}
		if !bytes.HasPrefix(content[j:], []byte(") Tj")) {
			continue
		}
		u := make([]uint16, len(s)/2)
		for k := range u {
			u[k] = uint16(s[2*k])<<8 | uint16(s[2*k+1])
		}
		out = append(out, string(utf16.Decode(u)))
		i = j
	}
	return out
}

// pdfTextString is how fpdf writes a UTF-8 metadata string: a literal
// string holding UTF-16BE with byte order mark, with \ ( ) \r escaped.
func pdfTextString(s string) string {
	var b strings.Builder
	b.WriteString("(")
	for _, c := range append([]byte{0xfe, 0xff}, utf16be(s)...) {
		switch c {
		case '\\', '(', ')':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(")")
	return b.String()
}

func utf16be(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func writeTemp(t *testing.T, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "cert.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// dumpForReview writes the PDF to $WACHSAM_CERT_OUT, if set, so that a
// person can look at the certificates the tests render.
func dumpForReview(t *testing.T, name string, pdf []byte) {
	dir := os.Getenv("WACHSAM_CERT_OUT")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}
