// Package frontend holds the server-rendered pages' templates, static files (CSS, icons) and
// message catalogues, embedded in the binary. Nothing here is loaded from another host.
package frontend

import "embed"

// Templates are the html/template files; layout.html wraps every page.
//
//go:embed templates/*.html
var Templates embed.FS

// Static files are served under /static/.
//
//go:embed static
var Static embed.FS

// Messages are the message catalogues, one JSON file per language.
//
//go:embed i18n/*.json
var Messages embed.FS

// Mail holds the e-mail templates: <kind>.<lang>.tmpl, each with a subject, a plain-text and an
// HTML part, and layout.html.tmpl around every HTML part.
//
//go:embed mail/*.tmpl
var Mail embed.FS
