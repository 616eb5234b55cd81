// Command wachsam is the whole of Wachsam in one binary: server, migrations and admin tools.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wachsam/wachsam/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], app.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
