// Package courses is the starter course library, compiled into the binary so that a fresh
// `wachsam serve` has courses to offer. Operators replace it with WACHSAM_COURSES_DIR or
// WACHSAM_COURSES_GIT; docs/course-format.md describes the format.
package courses

import "embed"

// FS holds one directory per course.
//
//go:embed */*.md */media
var FS embed.FS
