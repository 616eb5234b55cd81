// Package e2e drives the learner's pages in a real, headless Chromium against a Wachsam server
// that runs in-process on 127.0.0.1 (its base URL, so certificate links point at it) with the
// embedded starter library. It checks what tests of the handlers cannot see:
//
//   - Journey (German, and for a learner whose language is English): sign in, every lesson,
//     a failed and then a passed quiz with the mouse, the certificate PDF (with pdftotext, when
//     installed: the holder's name and the verification link) and the public verification page;
//   - Keyboard: sign in, start and pass the quiz with Tab, arrow keys, Space and Enter only, with
//     a visible focus (:focus-visible and an outline of 2 px or more, on screen) at every step;
//   - Accessibility: axe-core's WCAG 2.0/2.1 A and AA rules on every learner page (login, its
//     error state, set-password, dashboard, course, lessons, quiz, result, certificates,
//     verification, 404), German and English; no serious or critical violation. Also <html lang>,
//     one rendered h1, a skip link that the first Tab reaches and that moves focus to main,
//     labelled form controls, unique ids, no HTML markup shown as text, tables that stay tables
//     for screen readers on small screens. A planted violation proves axe runs;
//   - Library: every lesson of every starter course in each of its languages at 360 px with axe;
//   - every audited page at 800 and 360 px: no sideways scrolling (WCAG 1.4.10 at 360);
//   - every tab: no request to any host but the test server (DSGVO: no third-party fonts,
//     scripts or trackers), no script error, no console or browser-log error.
//
// Screenshots of every audited page at 1280, 800 and 360 px go to a temporary directory, or to
// WACHSAM_E2E_SCREENSHOTS when that names a directory, for a person to look at.
//
// The suite is skipped unless WACHSAM_E2E=1 or CI=true. When it runs it needs Chromium
// (/usr/bin/chromium, or WACHSAM_CHROMIUM) and axe-core (WACHSAM_AXE_JS, the path of
// axe.min.js); without them it fails rather than skips. To run it:
//
//	apt-get install -y chromium poppler-utils   # poppler-utils is optional (pdftotext)
//	npm install --prefix "$HOME/.cache/wachsam-axe" axe-core@4.14.1
//	WACHSAM_E2E=1 WACHSAM_AXE_JS="$HOME/.cache/wachsam-axe/node_modules/axe-core/axe.min.js" \
//	  go test -count=1 ./internal/e2e/
//
// It takes about 45 s (55 s with -race) on two cores.
package e2e
