package provider

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Private state keys of harness_api_key_token. Their names and encodings
// are part of the state format: states written by earlier versions must
// read the same.
const (
	privateValueStale      = "value_stale"      // "true" or absent
	privateValidityPending = "validity_pending" // "true" or absent
	privateRotated         = "rotated"          // JSON array of strings, absent when empty
	privateRotationPending = "rotation_pending" // JSON array of epoch milliseconds, absent when empty
	privateCheckedAt       = "checked_at"       // epoch milliseconds
)

// tokenPrivate is the private state of harness_api_key_token. A CRUD call
// loads it once from its request and saves it once into its response.
type tokenPrivate struct {
	// valueStale marks a token whose stored value no longer belongs to it
	// because it was rotated outside Terraform.
	valueStale bool
	// validityPending marks a token that was rotated with lifetime set but
	// whose new value did not get its own valid_to yet (the PUT after the
	// rotation failed): the next apply makes that PUT instead of rotating
	// again.
	validityPending bool
	// rotated lists the identifiers Harness gave the values this resource
	// rotated out ("rotated_…") while they still work, so that destroying
	// the token deletes them too.
	rotated []string
	// rotationPending lists the rotateTimestamp of each rotation whose
	// rotated-out value is not in rotated yet, because the list that finds
	// it after the rotation failed. The next Read or Delete resolves it
	// with the list it makes.
	rotationPending []int64
	// checkedAt is when the token was last read from (or written to)
	// Harness: the clock of the rotate_before_expiry check (see
	// ModifyPlan). Zero for state written before the key existed.
	checkedAt time.Time
}

// privateReader and privateWriter are the framework's private state data,
// whose type is internal to the framework.
type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// loadTokenPrivate reads the private state; a key that is missing or
// unreadable reads as its zero value.
func loadTokenPrivate(ctx context.Context, p privateReader) tokenPrivate {
	get := func(key string) []byte {
		raw, diags := p.GetKey(ctx, key)
		if diags.HasError() {
			return nil
		}
		return raw
	}
	t := tokenPrivate{
		valueStale:      len(get(privateValueStale)) > 0,
		validityPending: len(get(privateValidityPending)) > 0,
	}
	if raw := get(privateRotated); len(raw) > 0 && json.Unmarshal(raw, &t.rotated) != nil {
		t.rotated = nil
	}
	if raw := get(privateRotationPending); len(raw) > 0 && json.Unmarshal(raw, &t.rotationPending) != nil {
		t.rotationPending = nil
	}
	if ms, err := strconv.ParseInt(string(get(privateCheckedAt)), 10, 64); err == nil {
		t.checkedAt = time.UnixMilli(ms)
	}
	return t
}

// save writes every key of the private state.
func (t *tokenPrivate) save(ctx context.Context, p privateWriter) diag.Diagnostics {
	var diags diag.Diagnostics
	flag := func(on bool) []byte {
		if on {
			return []byte("true")
		}
		return nil
	}
	diags.Append(p.SetKey(ctx, privateValueStale, flag(t.valueStale))...)
	diags.Append(p.SetKey(ctx, privateValidityPending, flag(t.validityPending))...)
	diags.Append(setPrivateList(ctx, p, privateRotated, t.rotated)...)
	diags.Append(setPrivateList(ctx, p, privateRotationPending, t.rotationPending)...)
	var checked []byte
	if !t.checkedAt.IsZero() {
		checked = []byte(strconv.FormatInt(t.checkedAt.UnixMilli(), 10))
	}
	diags.Append(p.SetKey(ctx, privateCheckedAt, checked)...)
	return diags
}

// setPrivateList writes a private key as a JSON array; an empty list
// removes the key.
func setPrivateList[T any](ctx context.Context, p privateWriter, key string, list []T) diag.Diagnostics {
	if len(list) == 0 {
		return p.SetKey(ctx, key, nil)
	}
	raw, err := json.Marshal(list)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record rotated token values", err.Error())
		return diags
	}
	return p.SetKey(ctx, key, raw)
}
