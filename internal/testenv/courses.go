package testenv

import (
	"fmt"
	"testing/fstest"
)

// CourseTree is a small course tree for tests: course "basis" (German and English, two
// lessons, an image, a three-question quiz) and the draft course "entwurf". Extra files are
// added or replace defaults; an empty value deletes a file.
func CourseTree(extra map[string]string) fstest.MapFS {
	files := map[string]string{
		"basis/course.md": `---
title: Grundlagen
summary: Das Wichtigste in Kürze.
language: de
duration: 10m
validity: 12mo
tags: [basis]
---

Eine kurze Einführung.
`,
		"basis/course.en.md":    "---\ntitle: Basics\nsummary: The essentials in brief.\nlanguage: en\n---\n\nA short introduction.\n",
		"basis/01-start.md":     "---\ntitle: Der Anfang\nduration: 5m\n---\n\nHallo! ![Ein Schild mit der Aufschrift Stopp](media/stopp.png)\n\nWeiter mit [Teil zwei](02-weiter.md).\n",
		"basis/01-start.en.md":  "---\ntitle: The beginning\n---\n\nHello!\n",
		"basis/02-weiter.md":    "---\ntitle: Es geht weiter\n---\n\nZweiter Teil.\n",
		"basis/media/stopp.png": pngBytes,
		"basis/quiz.md":         quizMarkdown,
		"entwurf/course.md":     "---\ntitle: Entwurf\nsummary: Noch nicht fertig.\nlanguage: de\ndraft: true\n---\n\nEntwurf.\n",
		"entwurf/01-eins.md":    "---\ntitle: Eins\n---\n\nText.\n",
	}
	for k, v := range extra {
		if v == "" {
			delete(files, k)
		} else {
			files[k] = v
		}
	}
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	return fsys
}

// pngBytes is a 1×1 PNG.
var pngBytes = string([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4,
	0x89, 0, 0, 0, 13, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82})

var quizMarkdown = fmt.Sprintf(`---
title: Abschlusstest
pass_mark: 60
max_attempts: %d
---

## Was tun Sie mit einer verdächtigen E-Mail? {#verdacht-melden}

- ( ) Antworten.
  > Antworten bestätigt dem Absender, dass Ihre Adresse aktiv ist.
- (x) Melden.
- ( ) Löschen.

Nur eine Meldung warnt alle.

## Welche Merkmale deuten auf Phishing? {#merkmale}

- [x] Zeitdruck
- [x] Unbekannter Absender
- [ ] Ihre Personalnummer im Betreff

Mehrere Merkmale zusammen sind ein starkes Zeichen.

## Darf die IT nach Ihrem Passwort fragen? {#passwort}

- ( ) Ja.
- (x) Nein.

Niemand Seriöses fragt nach Ihrem Passwort.
`, 3)
