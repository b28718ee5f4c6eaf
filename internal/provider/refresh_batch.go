package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/harness-scim/terraform-provider-harness/internal/client"
)

// Batched refresh: Terraform reads every managed object on its own
// (ReadResource once per instance, -parallelism at a time), so a plan of
// 10,000 users would cost 10,000 GETs, ten minutes at Harness's rate limit.
// A batchFamily serves those reads from one paged listing of the family
// instead, within one provider instance.
//
// Why a listing is never older than the current terraform command: the
// cache lives on providerData, which Configure makes anew, and Terraform
// configures a provider instance for every graph walk of every command
// (plan, apply, refresh, import each configure before their first read; a
// plugin served in debug mode, or in process by terraform-plugin-testing,
// gets a ConfigureProvider call per walk and the framework hands the new
// ResourceData to every resource). TestAccBatchedRefreshSeesEveryCommandAfresh
// checks it.
//
// Correctness rules, tested in refresh_batch_test.go (unit) and
// refresh_batch_acc_test.go (against the mock, real terraform):
//   - a row missing from the listing is read with its own GET: Harness's
//     searches leave out objects a GET finds (NextGen hides rows after
//     cutting a page, docs/design/harness-api.md 1.6; users invited in the UI; groups
//     not externally managed), so absence proves nothing;
//   - a listing that fails is given up for the rest of the instance's life:
//     every read falls back to its GET;
//   - once this instance has started a write of the family (SCIM, or
//     NextGen for service accounts), no listing serves a read: a write
//     after (or during) a listing would not be in it. Plans write nothing,
//     so they are unaffected; an apply reads little.
//   - rows are what a GET answers (client.ListSCIMUsersAsReads and
//     ListSCIMGroupsAsReads; a service-account listing holds the DTO its
//     GET answers), so the state built from either is the same.

// batchMode is the batch_refresh setting.
type batchMode string

const (
	batchAuto   batchMode = "auto"
	batchAlways batchMode = "always"
	batchNever  batchMode = "never"
)

// batchThreshold is how many reads of one family an instance sends as
// GETs before batch_refresh = "auto" lists the family: a configuration of
// up to this many objects of a family costs what it did before batching,
// and a larger one costs this many GETs plus the listing (one request per
// 1,000 objects of the account, plus an empty last page in NextGen).
const batchThreshold = 20

// batchFamily serves the reads of one family of objects (SCIM users, SCIM
// groups, the service accounts of one scope) of one provider instance.
type batchFamily[T any] struct {
	name   string // for logs: "SCIM users"
	mode   batchMode
	writes client.Family // whose writes make a listing stale
	list   func(ctx context.Context, c *client.Client) ([]T, error)
	id     func(*T) string

	mu    sync.Mutex
	reads int
	cur   *batchListing[T]
	// off is set when a listing failed or the instance wrote: reads are
	// GETs from then on.
	off bool
}

// batchListing is one listing of a family, shared by every read waiting
// for it.
type batchListing[T any] struct {
	done chan struct{} // closed when rows or err is set
	rows map[string]*T
	err  error
}

// read returns object id, from the family's listing when the mode and the
// reads so far call for one, otherwise (and for an object the listing does
// not hold) from get.
func (f *batchFamily[T]) read(ctx context.Context, c *client.Client, id string, get func(context.Context) (*T, error)) (*T, error) {
	l, run := f.listingFor(c)
	if l == nil {
		return get(ctx)
	}
	if run {
		f.load(ctx, c, l)
	}
	select {
	case <-l.done:
	case <-ctx.Done():
		return get(ctx)
	}
	if l.err != nil || c.WritesStarted(f.writes) != 0 {
		return get(ctx)
	}
	row, ok := l.rows[id]
	if !ok {
		tflog.Debug(ctx, "batched refresh: not in the listing; reading it by id", map[string]any{"family": f.name, "id": id})
		return get(ctx)
	}
	cp := *row
	return &cp, nil
}

// listingFor counts a read and returns the listing that serves it, or nil
// when it is a GET; run is true for the one read that must load the
// listing (the others wait for it).
func (f *batchFamily[T]) listingFor(c *client.Client) (l *batchListing[T], run bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	switch {
	case f.mode == batchNever || f.off:
		return nil, false
	case c.WritesStarted(f.writes) != 0:
		f.off = true
		return nil, false
	case f.cur != nil:
		return f.cur, false
	case f.mode != batchAlways && f.reads <= batchThreshold:
		return nil, false
	}
	f.cur = &batchListing[T]{done: make(chan struct{})}
	return f.cur, true
}

// load lists the family into l.
func (f *batchFamily[T]) load(ctx context.Context, c *client.Client, l *batchListing[T]) {
	defer close(l.done)
	rows, err := f.list(ctx, c)
	if err != nil {
		l.err = err
		f.mu.Lock()
		f.off = true
		f.mu.Unlock()
		tflog.Warn(ctx, "batched refresh: listing failed; reading each object by id instead",
			map[string]any{"family": f.name, "error": err.Error()})
		return
	}
	l.rows = make(map[string]*T, len(rows))
	for i := range rows {
		l.rows[f.id(&rows[i])] = &rows[i]
	}
	tflog.Info(ctx, "batched refresh: listed the family once; its reads in this command are served from the listing",
		map[string]any{"family": f.name, "listed": len(rows)})
}
