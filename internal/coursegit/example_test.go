package coursegit_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"time"

	"github.com/wachsam/wachsam/internal/coursegit"
)

// Wiring: a Poller keeps the courses current, and a push webhook makes it
// update at once instead of at the next poll.
func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	cfg := coursegit.Config{
		URL:      "https://git.example.org/stadt/kurse.git",
		Branch:   "main",
		Dir:      "/var/lib/wachsam/courses-git",
		Password: "a read-only access token",
	}
	repo := coursegit.Open(cfg)
	poller := coursegit.NewPoller(repo, 5*time.Minute,
		func(ctx context.Context, commit string) {
			// Load and swap in the catalogue from repo.FS() here.
			log.Printf("courses now at %s", commit)
		},
		func(err error) { log.Printf("course update failed, keeping the current courses: %v", err) })
	go poller.Run(ctx)

	const secret = "the webhook secret configured at the git host"
	http.HandleFunc("POST /hooks/courses", func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := coursegit.VerifyWebhook(secret, req.Header.Get, body); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if branch, ok := coursegit.PushedBranch(body); ok && branch == cfg.Branch {
			poller.Trigger() // never blocks; the update runs on the Poller
		}
		w.WriteHeader(http.StatusAccepted) // pings and other events too
	})
}
