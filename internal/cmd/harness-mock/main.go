// Command harness-mock serves the mock Harness (SCIM users and groups,
// NextGen API keys, tokens and service accounts) on a loopback address, so
// Terraform modules can be tested without a Harness account.
//
// It prints its base URL, the value for the provider's endpoint, as the
// first line on stdout and logs one line per request on stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
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

// config is what the flags ask for.
type config struct {
	listen        string
	opts          mockserver.Options
	state         string
	stateInterval time.Duration
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("harness-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config{}
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:0", "address to listen on (host:port; port 0 picks a free port)")
	account := fs.String("account-id", mockserver.DefaultAccountID, "Harness account identifier to serve")
	var tokens, readOnly stringList
	fs.Var(&tokens, "token", "admin API token to accept (repeatable; default "+mockserver.DefaultToken+")")
	fs.Var(&readOnly, "read-only-token", "API token that may only read (repeatable)")
	profile := fs.String("profile", mockserver.DefaultProfile, "account profile: "+strings.Join(mockserver.AllProfileNames(), ", "))
	fs.StringVar(&cfg.state, "state", "", "file to load state from and save changes to (written behind the requests, atomically, and on exit)")
	fs.DurationVar(&cfg.stateInterval, "state-interval", mockserver.DefaultStateInterval,
		"with -state: the longest a change waits before it is written; changes within it are written together")
	allowRemote := fs.Bool("allow-non-loopback", false, "allow listening on a non-loopback address (the mock has no TLS)")
	quiet := fs.Bool("quiet", false, "do not log requests")
	var gw gatewayFlags
	gw.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: harness-mock [flags]\n\nA mock Harness for testing Terraform configurations. Profiles:\n")
		for _, n := range mockserver.AllProfileNames() {
			fmt.Fprintf(stderr, "  %-16s %s\n", n, mockserver.MustProfile(n).Description)
		}
		fmt.Fprintf(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	prof, err := mockserver.LookupProfile(*profile)
	if err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(cfg.listen)
	if err != nil {
		return nil, fmt.Errorf("-listen %q: %w", cfg.listen, err)
	}
	if !*allowRemote && !client.IsLoopbackHost(host) {
		return nil, fmt.Errorf("-listen %q is not a loopback address; pass -allow-non-loopback to expose the mock (it speaks plain HTTP)", cfg.listen)
	}
	cfg.opts = mockserver.Options{AccountID: *account, Tokens: tokens, ReadOnlyTokens: readOnly, Profile: prof}
	if err := gw.apply(&cfg.opts); err != nil {
		return nil, err
	}
	if !*quiet {
		cfg.opts.LogWriter = stderr
	}
	return cfg, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	opts := cfg.opts
	var sf *mockserver.StateFile
	if cfg.state != "" {
		sf = newStateFile(cfg.state, cfg.stateInterval, stderr)
		opts.OnChange = sf.Changed
	}
	srv := mockserver.New(opts)
	if sf != nil {
		if err := sf.Load(srv); err != nil {
			return err
		}
		// On every return, including a failed listen, write what changed
		// (the normal return below reports Close's error itself).
		defer func() { _ = sf.Close() }()
	}
	// Catch SIGINT and SIGTERM before the base URL is printed, so a
	// signal sent once the mock is up always ends in a clean shutdown.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.listen)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, base)
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	fmt.Fprintf(stderr, "harness-mock: profile %s, account %s, token %s\n", srv.Profile().Name, srv.AccountID(), srv.Token())
	fmt.Fprintf(stderr, "harness-mock: export HARNESS_ENDPOINT=%s HARNESS_ACCOUNT_ID=%s HARNESS_PLATFORM_API_KEY=%s\n", base, srv.AccountID(), srv.Token())
	fmt.Fprint(stderr, describeGateway(opts))
	if err := serve(ctx, ln, srv); err != nil {
		return err
	}
	fmt.Fprint(stderr, summary(srv))
	if sf != nil {
		// The last changes are written and fsynced before the command
		// exits; a failure is the command's error.
		return sf.Close()
	}
	return nil
}

// newStateFile is the -state file, logging write failures on stderr.
func newStateFile(path string, interval time.Duration, stderr io.Writer) *mockserver.StateFile {
	return mockserver.NewStateFile(path, mockserver.StateFileOptions{Interval: interval, Logf: func(format string, args ...any) {
		fmt.Fprintf(stderr, "harness-mock: "+format+"\n", args...)
	}})
}

// serve serves srv on ln until ctx ends (SIGINT, SIGTERM), then shuts
// down gracefully: requests in flight finish within 5 seconds.
func serve(ctx context.Context, ln net.Listener, srv http.Handler) error {
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
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
	return nil
}
