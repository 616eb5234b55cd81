// Command holdconns is the connection-memory benchmark behind bench/memory.sh: it opens -n TCP
// connections to the server, sends one keep-alive HTTP/1.1 request on each (with an optional
// Cookie header, so it can be a signed-in page), reads the whole answer and keeps every
// connection open. When all are open it prints "READY ..." on stdout and holds them until it
// reads a line (or EOF) on stdin, or -hold passes; then it checks that the server has not closed
// any connection and prints a RESULT line.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "server host:port")
	path := flag.String("path", "/healthz", "path of the one request sent on each connection")
	cookie := flag.String("cookie", "", "Cookie header to send")
	n := flag.Int("n", 2000, "connections")
	conc := flag.Int("concurrency", 100, "connections being opened at the same time")
	hold := flag.Duration("hold", 60*time.Second, "longest time to hold the connections")
	flag.Parse()

	req := "GET " + *path + " HTTP/1.1\r\nHost: " + *addr + "\r\nConnection: keep-alive\r\nUser-Agent: wachsam-bench-holdconns\r\n"
	if *cookie != "" {
		req += "Cookie: " + *cookie + "\r\n"
	}
	req += "\r\n"

	conns := make([]net.Conn, *n)
	statuses := map[string]int{}
	var mu sync.Mutex
	sem := make(chan struct{}, *conc)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			status := "error"
			c, err := net.DialTimeout("tcp", *addr, 30*time.Second)
			if err == nil {
				status, err = oneRequest(c, req)
				if err != nil {
					status = "error: " + err.Error()
				}
				conns[i] = c
			} else {
				status = "dial error: " + err.Error()
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	open := 0
	for _, c := range conns {
		if c != nil {
			open++
		}
	}
	fmt.Printf("READY open=%d seconds=%.2f statuses=%s\n", open, time.Since(t0).Seconds(), statusString(statuses))

	done := make(chan struct{})
	go func() {
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(*hold):
	}

	// A connection the server closed reads EOF at once; an open one times out.
	alive := 0
	for _, c := range conns {
		if c == nil {
			continue
		}
		_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
		var b [1]byte
		_, err := c.Read(b[:])
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			alive++
		}
		c.Close()
	}
	fmt.Printf("RESULT conns_requested=%d conns_opened=%d conns_alive_at_end=%d statuses=%s\n", *n, open, alive, statusString(statuses))
	if open != *n || alive != *n || statuses["200"] != *n {
		os.Exit(1)
	}
}

// oneRequest sends req and reads the complete response, leaving the connection usable.
func oneRequest(c net.Conn, req string) (string, error) {
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	defer c.SetDeadline(time.Time{}) //nolint:errcheck // best effort
	if _, err := io.WriteString(c, req); err != nil {
		return "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return "", err
	}
	if resp.Close {
		return "", fmt.Errorf("server answered Connection: close")
	}
	return fmt.Sprint(resp.StatusCode), nil
}

func statusString(m map[string]int) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, strings.ReplaceAll(k, " ", "_")+":"+fmt.Sprint(v))
	}
	return strings.Join(parts, ",")
}
