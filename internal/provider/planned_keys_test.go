package provider

import (
	"runtime"
	"testing"
	"weak"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// The keys a provider instance planned are its own, and they go away with
// it: Terraform configures a new instance for every command, so anything
// that outlived it would grow for as long as the process serves commands.
func TestPlannedKeysBelongToTheProviderInstance(t *testing.T) {
	ref := client.APIKeyRef{Type: client.APIKeyTypeServiceAccount, Parent: "sa", Identifier: "k"}
	d, other := &providerData{}, &providerData{}
	d.plannedKeys().notePlanned(ref)
	if !d.plannedKeys().plannedNotCreated(ref) {
		t.Fatal("a planned key is not recorded")
	}
	if other.plannedKeys().plannedNotCreated(ref) {
		t.Fatal("another provider instance sees the planned key")
	}
	d.plannedKeys().noteCreated(ref)
	d.plannedKeys().notePlanned(ref) // a later plan of the same key in the same command
	if d.plannedKeys().plannedNotCreated(ref) {
		t.Fatal("a created key still counts as only planned")
	}
	var unconfigured *providerData
	unconfigured.plannedKeys().notePlanned(ref)
	unconfigured.plannedKeys().noteCreated(ref)
	if unconfigured.plannedKeys().plannedNotCreated(ref) {
		t.Fatal("an unconfigured provider has planned keys")
	}

	gone := func() weak.Pointer[providerData] {
		d := &providerData{}
		d.plannedKeys().notePlanned(ref)
		return weak.Make(d)
	}()
	runtime.GC()
	if gone.Value() != nil {
		t.Fatal("a provider instance nothing uses any more is still reachable: its planned keys keep it alive")
	}
}
