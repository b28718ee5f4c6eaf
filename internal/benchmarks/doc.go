// Package benchmarks measures the provider with the real terraform CLI
// against the mock Harness, side by side in the same run with Terraform
// core's own cost (the same number of terraform_data objects) and the plugin
// floor (a no-op terraform-plugin-framework provider, ./noopprovider). It
// reports wall time, Harness requests, 429 answers and the provider's peak
// memory as a table. `make bench` runs it; `make test` does not.
package benchmarks
