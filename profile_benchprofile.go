//go:build benchprofile

package main

import (
	"log"
	"os"
	"runtime"
	"runtime/pprof"
)

// Profiles a benchprofile build writes, from start to the end of Serve (in
// debug mode, until SIGINT): the CPU profile, and the heap profile at the
// end (its alloc_space shows every allocation of the run).
const (
	envCPUProfile = "HARNESS_PROVIDER_CPUPROFILE"
	envMemProfile = "HARNESS_PROVIDER_MEMPROFILE"
)

// startProfiling starts the profiles whose environment variables are set.
// Only the benchmarks build with this file (go build -tags benchprofile):
// it is in no release build.
func startProfiling() (stop func()) {
	stopCPU := func() {}
	if path := os.Getenv(envCPUProfile); path != "" {
		f := create(envCPUProfile, path)
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatalf("%s: %v", envCPUProfile, err)
		}
		stopCPU = func() {
			pprof.StopCPUProfile()
			closeFile(envCPUProfile, f)
		}
	}
	return func() {
		stopCPU()
		if path := os.Getenv(envMemProfile); path != "" {
			f := create(envMemProfile, path)
			runtime.GC()
			if err := pprof.WriteHeapProfile(f); err != nil {
				log.Printf("%s: %v", envMemProfile, err)
			}
			closeFile(envMemProfile, f)
		}
	}
}

func create(env, path string) *os.File {
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("%s: %v", env, err)
	}
	return f
}

func closeFile(env string, f *os.File) {
	if err := f.Close(); err != nil {
		log.Printf("%s: %v", env, err)
	}
}
