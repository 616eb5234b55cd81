// Command wachsam-pprof is cmd/wachsam with net/http/pprof listening on a second address, for
// profiling the server under the benchmark load (bench/run.sh with PROFILE=1). It behaves exactly
// like cmd/wachsam otherwise; the profile endpoint listens on WACHSAM_BENCH_PPROF_ADDR
// (default 127.0.0.1:6060). Never use it in production.
package main

import (
	"context"
	"log"
	"net/http"
	_ "net/http/pprof" //nolint:gosec // benchmark-only binary, bound to localhost
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/wachsam/wachsam/internal/app"
)

func main() {
	addr := os.Getenv("WACHSAM_BENCH_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		runtime.SetMutexProfileFraction(100)
		runtime.SetBlockProfileRate(100_000)                        // one sample per 100µs blocked
		go func() { log.Println(http.ListenAndServe(addr, nil)) }() //nolint:gosec // benchmark-only
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], app.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
