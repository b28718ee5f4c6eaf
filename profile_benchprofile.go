//go:build benchprofile

package main

import (
	"log"
	"os"
	"runtime/pprof"
)

// envCPUProfile names the file a benchprofile build writes its CPU profile
// to, from start to the end of Serve (in debug mode, until SIGINT).
const envCPUProfile = "HARNESS_PROVIDER_CPUPROFILE"

// startProfiling starts a CPU profile when envCPUProfile is set. Only the
// benchmarks build with this file (go build -tags benchprofile): it is in
// no release build.
func startProfiling() (stop func()) {
	path := os.Getenv(envCPUProfile)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("%s: %v", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatalf("%s: %v", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Printf("%s: %v", envCPUProfile, err)
		}
	}
}
