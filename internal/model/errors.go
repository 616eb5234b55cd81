package model

import (
	"fmt"
	"sort"
	"strings"
)

// ValidationError lists what is wrong with a request, field by field, in words a user can act on.
type ValidationError struct {
	Fields map[string]string
}

// Invalid starts a ValidationError with one problem.
func Invalid(field, problem string) *ValidationError {
	return &ValidationError{Fields: map[string]string{field: problem}}
}

// Add records another problem; it returns v for chaining.
func (v *ValidationError) Add(field, problem string) *ValidationError {
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	v.Fields[field] = problem
	return v
}

// OrNil returns nil when there is nothing wrong, so callers can `return v.OrNil()`.
func (v *ValidationError) OrNil() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

func (v *ValidationError) Error() string {
	keys := make([]string, 0, len(v.Fields))
	for k := range v.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + v.Fields[k]
	}
	return strings.Join(parts, "; ")
}

// DetailedError is a domain error whose Detail is safe and useful to show to the user; Kind is
// one of the sentinel errors and decides the HTTP status.
type DetailedError struct {
	Kind   error
	Detail string
}

func (e *DetailedError) Error() string { return e.Detail }
func (e *DetailedError) Unwrap() error { return e.Kind }

// Conflict explains why a change clashes with what is stored.
func Conflict(format string, args ...any) error {
	return &DetailedError{Kind: ErrConflict, Detail: fmt.Sprintf(format, args...)}
}

// Forbidden explains what the caller is not allowed to do.
func Forbidden(format string, args ...any) error {
	return &DetailedError{Kind: ErrForbidden, Detail: fmt.Sprintf(format, args...)}
}
