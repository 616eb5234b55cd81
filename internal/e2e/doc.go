// Package e2e drives the learner's pages in a real, headless Chromium against a Wachsam server
// that runs in-process on 127.0.0.1 with the embedded starter library. It checks what unit tests
// of the templates cannot see:
//
//   - the whole journey with the mouse: sign in, lessons, a failed and a passed quiz, the
//     certificate PDF and its public verification page;
//   - the same quiz with the keyboard only, with a visible focus at every step;
//   - accessibility (WCAG 2.1 A and AA) of every learner page with axe-core, in German and
//     English, plus: <html lang>, one h1, a working skip link, labelled form controls;
//   - no horizontal scrolling at 360 px;
//   - no request to any host but the test server (DSGVO: no third-party fonts, scripts, …).
//
// Screenshots of every page at 1280 and 360 px go to a temporary directory, or to
// WACHSAM_E2E_SCREENSHOTS when that names a directory, for a person to look at.
//
// The suite is skipped unless WACHSAM_E2E=1 or CI=true. When it runs it needs Chromium
// (/usr/bin/chromium, or WACHSAM_CHROMIUM) and axe-core (WACHSAM_AXE_JS, the path of
// axe.min.js); without them it fails rather than skips. To run it:
//
//	apt-get install -y chromium poppler-utils   # poppler-utils is optional (pdftotext)
//	npm install --prefix "$HOME/.cache/wachsam-axe" axe-core@4
//	WACHSAM_E2E=1 WACHSAM_AXE_JS="$HOME/.cache/wachsam-axe/node_modules/axe-core/axe.min.js" \
//	  go test -count=1 ./internal/e2e/
package e2e
