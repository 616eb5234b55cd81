// Package migrations holds the SQL schema, one folder per dialect, embedded in the binary.
// Migrations are append-only: never edit a file that has shipped, add a new one.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Postgres returns the PostgreSQL migrations.
func Postgres() fs.FS { return mustSub("postgres") }

// SQLite returns the SQLite migrations.
func SQLite() fs.FS { return mustSub("sqlite") }

// mustSub gives each dialect its own root, because bun's Discover walks recursively and would
// otherwise merge both dialects' files that share an ID.
func mustSub(dir string) fs.FS {
	sub, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the directories are compiled in; this cannot fail at run time
	}
	return sub
}
