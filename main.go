package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/harness-scim/terraform-provider-harness/internal/provider"
)

// Generate docs with `make docs` (tfplugindocs needs the terraform CLI).

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	provider.QuietFrameworkLogs()
	tightenGC()
	stopProfiling := startProfiling()
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.RegistryAddress,
		Debug:   debug,
	})
	stopProfiling()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// tightenGC runs the garbage collector at GOGC=50 unless GOGC is set. The
// provider's heap is mostly short-lived copies of the values of one
// request (configuration, prior state, plan), so the default GOGC=100
// lets its peak grow to about twice what it holds: a 10,000-user
// harness_scim_directory apply peaked at 314 MB, and 243 MB at 50 (import:
// 250 and 162 MB), for a few seconds more of provider CPU in a command
// whose time is Terraform's.
func tightenGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(50)
	}
}
