// Package app wires Wachsam together and runs its subcommands: it is the only place that knows
// every package, and the only one main calls.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/wachsam/wachsam/internal/config"
	"github.com/wachsam/wachsam/internal/model"
)

// IO is where a command reads and writes; tests pass buffers.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `Wachsam – security-awareness training for municipalities

Usage:
  wachsam serve [--demo] [--addr host:port]   run the server (--demo: seed the demo municipality)
  wachsam migrate                             apply database migrations and exit
  wachsam tenant create --slug S --name N     create a municipality
  wachsam user create --tenant S --email E --name N --role R [--password-stdin]
                                              create a user (roles: learner, hr, admin, operator;
                                              without --password-stdin a set-password link is printed)
  wachsam user import --tenant S FILE [--dry-run] [--skip-invalid] [--deactivate-missing] [--invite]
                                              import staff from a CSV file (exit 1 if any row is invalid)
  wachsam course validate [--format text|json] DIR
                                              check a course tree; exit 1 on any error
  wachsam token-key                           print a new token-signing key for WACHSAM_TOKEN_KEY
  wachsam obligations check                   check that every obligation points to what it names
                                              (exit 1 if not)
  wachsam obligations rebuild [--tenant S]    recompute obligations from assignments, people and
                                              progress (a repair; all municipalities by default)
  wachsam dev seed --tenant S --users N --courses M [--unit-size K] [--random R]
                                              fill a municipality with made-up staff, assignments
                                              and progress (benchmarks, trying things out)

Configuration comes from WACHSAM_* environment variables; see docs/configuration.md.
`

// Run executes the command in args (without the program name) and returns the exit status.
func Run(ctx context.Context, args []string, io IO) int {
	err := dispatch(ctx, args, io)
	if err == nil {
		return 0
	}
	var exit exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	fmt.Fprintln(io.Stderr, "wachsam: "+oneLine(err))
	return 1
}

// exitError ends a command with a status and no further message (it printed its own).
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func dispatch(ctx context.Context, args []string, io IO) error {
	if len(args) == 0 {
		fmt.Fprint(io.Stderr, usage)
		return exitError{2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, io)
	case "migrate":
		return migrateCmd(ctx, rest, io)
	case "tenant":
		return sub(ctx, "tenant", rest, io, map[string]command{"create": tenantCreate})
	case "user":
		return sub(ctx, "user", rest, io, map[string]command{"create": userCreate, "import": userImport})
	case "course":
		return sub(ctx, "course", rest, io, map[string]command{"validate": courseValidate})
	case "token-key":
		return tokenKey(io)
	case "obligations":
		return sub(ctx, "obligations", rest, io, map[string]command{"check": obligationsCheck, "rebuild": obligationsRebuild})
	case "dev":
		return sub(ctx, "dev", rest, io, map[string]command{"seed": devSeed})
	case "help", "-h", "--help":
		fmt.Fprint(io.Stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q; run `wachsam help` for the list", cmd)
}

type command func(ctx context.Context, args []string, io IO) error

func sub(ctx context.Context, group string, args []string, io IO, cmds map[string]command) error {
	if len(args) == 0 {
		return fmt.Errorf("`wachsam %s` needs a subcommand; run `wachsam help`", group)
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("unknown command `wachsam %s %s`; run `wachsam help`", group, args[0])
	}
	return cmd(ctx, args[1:], io)
}

// parseFlags parses flags wherever they appear among the arguments (Go's flag package stops
// at the first positional one) and returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%s: %w", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// newLogger writes JSON lines to w at the configured level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func loadConfig() (*config.Config, error) { return config.FromEnv() }

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// describe turns a domain error into words for the terminal.
func describe(err error) error {
	var v *model.ValidationError
	if errors.As(err, &v) {
		return errors.New(v.Error())
	}
	return err
}
