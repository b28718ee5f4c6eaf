package provider

import (
	"sync"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// plannedKeys records which API keys the harness_api_key resources of one
// provider instance planned (or created) in this Terraform command.
// Configure makes one instance per provider block and command, and
// Terraform plans a key before opening an ephemeral token that refers to
// it. It is how the ephemeral harness_api_key_token tells "the key will be
// created by this apply" from "there is no such key": Terraform opens
// ephemeral resources the same way while planning and while applying and
// does not say which it is doing. The record lives and dies with the
// instance (it is a field of providerData, never a global).
//
// The zero value is ready to use; a nil *plannedKeys records nothing.
type plannedKeys struct {
	mu     sync.Mutex
	stages map[client.APIKeyRef]keyStage
}

type keyStage int

const (
	keyPlanned keyStage = iota + 1
	keyCreated
	// keyExists is a key a read found in Harness.
	keyExists
)

// set records a key's stage; with onlyIfNew it keeps a stage already
// recorded.
func (k *plannedKeys) set(ref client.APIKeyRef, stage keyStage, onlyIfNew bool) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stages == nil {
		k.stages = map[client.APIKeyRef]keyStage{}
	}
	if _, ok := k.stages[ref]; ok && onlyIfNew {
		return
	}
	k.stages[ref] = stage
}

// notePlanned records a key a harness_api_key plan includes, unless its
// creation was already recorded.
func (k *plannedKeys) notePlanned(ref client.APIKeyRef) { k.set(ref, keyPlanned, true) }

// noteCreated records a key harness_api_key just created.
func (k *plannedKeys) noteCreated(ref client.APIKeyRef) { k.set(ref, keyCreated, false) }

// noteExists records a key a read found in Harness, unless its creation
// was recorded.
func (k *plannedKeys) noteExists(ref client.APIKeyRef) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stages == nil {
		k.stages = map[client.APIKeyRef]keyStage{}
	}
	if k.stages[ref] != keyCreated {
		k.stages[ref] = keyExists
	}
}

// known reports whether the key was created or found in this run.
func (k *plannedKeys) known(ref client.APIKeyRef) bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.stages[ref] == keyCreated || k.stages[ref] == keyExists
}

// plannedNotCreated reports whether the key was planned but not created:
// only then may a missing key still appear later in this run.
func (k *plannedKeys) plannedNotCreated(ref client.APIKeyRef) bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.stages[ref] == keyPlanned
}
