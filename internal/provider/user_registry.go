package provider

import (
	"strings"
	"sync"
)

// userHolders records which harness_scim_user resources of one provider
// instance plan or hold which Harness users in this Terraform command, so
// that two resources sharing one user are caught. Harness's SCIM POST is
// idempotent by email and compares emails case-insensitively (docs/design/harness-api.md
// 1.4), so a second resource whose user_name differs from the first only in
// case silently adopts the first one's user, and the two then fight over
// display_name forever. Like plannedKeys it lives and dies with the
// instance (a field of providerData); the zero value is ready to use and a
// nil *userHolders records nothing.
type userHolders struct {
	mu sync.Mutex
	// planned maps a lower-cased email to the user_name that planned it.
	planned map[string]string
	// held maps a Harness user id to the user_name that created or adopted it.
	held map[string]string
}

// notePlanned records a planned user_name and returns the user_name of
// another resource that planned the same email, or "".
func (h *userHolders) notePlanned(userName string) (other string) {
	if h == nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.planned == nil {
		h.planned = map[string]string{}
	}
	key := strings.ToLower(userName)
	if prev, ok := h.planned[key]; ok {
		return prev
	}
	h.planned[key] = userName
	return ""
}

// noteHeld records that the resource with userName created or adopted the
// user id, and returns the user_name of another resource that already
// did, or "" (the id is then recorded for this one).
func (h *userHolders) noteHeld(id, userName string) (other string, clash bool) {
	if h == nil {
		return "", false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held == nil {
		h.held = map[string]string{}
	}
	if prev, ok := h.held[id]; ok {
		return prev, true
	}
	h.held[id] = userName
	return "", false
}
