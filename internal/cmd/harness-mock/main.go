// Command harness-mock serves the mock Harness (SCIM users and groups,
// NextGen API keys, tokens and service accounts) on a loopback address, so
// Terraform modules can be tested without a Harness account.
//
// It prints its base URL, the value for the provider's endpoint, as the
// first line on stdout and logs one line per request on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
	"github.com/harness-scim/terraform-provider-harness/internal/mockserver"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "harness-mock:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("harness-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (host:port; port 0 picks a free port)")
	account := fs.String("account-id", mockserver.DefaultAccountID, "Harness account identifier to serve")
	var tokens, readOnly stringList
	fs.Var(&tokens, "token", "admin API token to accept (repeatable; default "+mockserver.DefaultToken+")")
	fs.Var(&readOnly, "read-only-token", "API token that may only read (repeatable)")
	profile := fs.String("profile", mockserver.DefaultProfile, "account profile: "+strings.Join(mockserver.AllProfileNames(), ", "))
	state := fs.String("state", "", "file to load state from and save it to after every change")
	allowRemote := fs.Bool("allow-non-loopback", false, "allow listening on a non-loopback address (the mock has no TLS)")
	quiet := fs.Bool("quiet", false, "do not log requests")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: harness-mock [flags]\n\nA mock Harness for testing Terraform configurations. Profiles:\n")
		for _, n := range mockserver.AllProfileNames() {
			fmt.Fprintf(stderr, "  %-16s %s\n", n, mockserver.MustProfile(n).Description)
		}
		fmt.Fprintf(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	prof, err := mockserver.LookupProfile(*profile)
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", *listen, err)
	}
	if !*allowRemote && !client.IsLoopbackHost(host) {
		return fmt.Errorf("-listen %q is not a loopback address; pass -allow-non-loopback to expose the mock (it speaks plain HTTP)", *listen)
	}

	var saveMu sync.Mutex
	var srv *mockserver.Server
	var saveErr error
	opts := mockserver.Options{AccountID: *account, Tokens: tokens, ReadOnlyTokens: readOnly, Profile: prof}
	if !*quiet {
		opts.LogWriter = stderr
	}
	if *state != "" {
		opts.OnChange = func() {
			saveMu.Lock()
			defer saveMu.Unlock()
			if err := saveState(srv, *state); err != nil && saveErr == nil {
				saveErr = err
				fmt.Fprintln(stderr, "harness-mock: saving state:", err)
			}
		}
	}
	srv = mockserver.New(opts)
	if *state != "" {
		data, err := os.ReadFile(*state)
		switch {
		case err == nil:
			if err := srv.Restore(data); err != nil {
				return err
			}
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
	}

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, base)
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	fmt.Fprintf(stderr, "harness-mock: profile %s, account %s, token %s\n", prof.Name, srv.AccountID(), srv.Token())
	fmt.Fprintf(stderr, "harness-mock: export HARNESS_ENDPOINT=%s HARNESS_ACCOUNT_ID=%s HARNESS_PLATFORM_API_KEY=%s\n", base, srv.AccountID(), srv.Token())

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	if *state != "" {
		saveMu.Lock()
		defer saveMu.Unlock()
		return saveState(srv, *state)
	}
	return nil
}

// saveState writes the snapshot atomically.
func saveState(srv *mockserver.Server, path string) error {
	data, err := srv.Snapshot()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".harness-mock-state-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
