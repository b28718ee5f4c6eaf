//go:build !benchprofile

package main

// startProfiling does nothing: release builds never profile. A build with
// -tags benchprofile (the benchmarks' profiling scenario) replaces it, see
// profile_benchprofile.go.
func startProfiling() (stop func()) { return func() {} }
