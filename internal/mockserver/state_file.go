package mockserver

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// StateFile keeps a Server's store in a file (the standalone command's
// -state): Load reads and validates it; afterwards changes are written
// behind the requests, from one goroutine, coalesced so the file is
// rewritten at most once per interval; Close writes the last changes. Every
// write replaces the file atomically and durably: a temporary file in the
// same directory, fsync, rename over the state file, fsync of the
// directory. A crash (kill -9) therefore leaves either the previous or the
// new state, never a torn file, and loses at most the changes of the last
// interval; temporary files a crash left behind are removed by Load.
type StateFile struct {
	path     string
	interval time.Duration
	logf     func(format string, args ...any)

	srv   *Server
	kick  chan struct{} // a change is waiting; buffered, never blocks
	done  chan struct{} // closed by Close
	ended chan struct{} // closed when the writer goroutine returned
	dirty atomic.Bool   // changes not yet written

	mu        sync.Mutex // serialises writes
	lastWrite time.Time
	lastErr   error
	writes    atomic.Int64
	closeOnce sync.Once
	closeErr  error
}

// StateFileOptions configure a StateFile.
type StateFileOptions struct {
	// Interval is the longest a change waits before it is written (and the
	// shortest time between two writes). Zero means DefaultStateInterval;
	// negative writes after every change, still from the writer goroutine.
	Interval time.Duration
	// Logf reports write failures; the mock keeps serving from memory and
	// retries with the next change. Nil discards them (Close still returns
	// the last one).
	Logf func(format string, args ...any)
}

// DefaultStateInterval is StateFileOptions.Interval's default.
const DefaultStateInterval = 100 * time.Millisecond

// NewStateFile returns a StateFile for path; nothing is read or written
// before Load. Pass its Changed method as Options.OnChange.
func NewStateFile(path string, opts StateFileOptions) *StateFile {
	switch {
	case opts.Interval == 0:
		opts.Interval = DefaultStateInterval
	case opts.Interval < 0:
		opts.Interval = 0
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	return &StateFile{
		path: path, interval: opts.Interval, logf: opts.Logf,
		kick: make(chan struct{}, 1), done: make(chan struct{}), ended: make(chan struct{}),
	}
}

// Path is the state file's path.
func (f *StateFile) Path() string { return f.path }

// Writes is the number of times the file was written.
func (f *StateFile) Writes() int64 { return f.writes.Load() }

// Changed records that the store changed (Options.OnChange). It never
// blocks on the file.
func (f *StateFile) Changed() {
	f.dirty.Store(true)
	select {
	case f.kick <- struct{}{}:
	default: // a write is already pending; it will include this change
	}
}

// Load removes temporary files a crash left next to the state file,
// restores srv from the file when it exists (refusing invalid state with
// the file and field named), checks that the directory is writable, and
// starts the writer. Call it once, before serving.
func (f *StateFile) Load(srv *Server) error {
	if err := f.removeStaleTemps(); err != nil {
		return err
	}
	data, err := os.ReadFile(f.path)
	switch {
	case err == nil:
		if err := srv.Restore(data); err != nil {
			return fmt.Errorf("state file %s: %w", f.path, err)
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := f.checkWritable(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("state file %s: %w", f.path, err)
	}
	f.dirty.Store(false) // what was loaded is what the file holds
	f.srv = srv
	go f.run()
	return nil
}

// run is the writer goroutine.
func (f *StateFile) run() {
	defer close(f.ended)
	for {
		select {
		case <-f.done:
			return
		case <-f.kick:
		}
		f.mu.Lock()
		wait := time.Until(f.lastWrite.Add(f.interval))
		f.mu.Unlock()
		if wait > 0 {
			// Changes arriving now are written together after the wait.
			select {
			case <-f.done:
				return // Close writes them
			case <-time.After(wait):
			}
		}
		_ = f.Flush()
	}
}

// Flush writes pending changes now, durably; it returns the write error.
func (f *StateFile) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.srv == nil || !f.dirty.Swap(false) {
		return nil
	}
	// dirty is cleared before the snapshot, so a change racing with it is
	// written by the next Flush, never lost.
	data, err := f.srv.Snapshot()
	if err == nil {
		err = writeFileAtomic(f.path, data)
	}
	f.lastWrite = time.Now()
	if err != nil {
		f.dirty.Store(true)
		f.lastErr = fmt.Errorf("saving state file %s: %w", f.path, err)
		f.logf("%v", f.lastErr)
		return f.lastErr
	}
	f.lastErr = nil
	f.writes.Add(1)
	return nil
}

// Close stops the writer and writes the last changes, durably. It returns
// the error of that write, or of the last write that failed and was not
// recovered from. Later calls return the same.
func (f *StateFile) Close() error {
	f.closeOnce.Do(func() {
		close(f.done)
		if f.srv != nil {
			<-f.ended
		}
		f.closeErr = f.Flush()
		if f.closeErr == nil {
			f.mu.Lock()
			f.closeErr = f.lastErr
			f.mu.Unlock()
		}
	})
	return f.closeErr
}

// tempPattern names the temporary files of this state file.
func (f *StateFile) tempPattern() string { return "." + filepath.Base(f.path) + ".tmp-*" }

// legacyTempPattern is what earlier versions of the command left behind.
const legacyTempPattern = ".harness-mock-state-*"

// removeStaleTemps deletes temporary files an interrupted write left.
func (f *StateFile) removeStaleTemps() error {
	dir := filepath.Dir(f.path)
	for _, pattern := range []string{f.tempPattern(), legacyTempPattern} {
		stale, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return fmt.Errorf("state file %s: %w", f.path, err)
		}
		for _, name := range stale {
			if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("state file %s: removing the stale temporary file %s: %w", f.path, name, err)
			}
			f.logf("state file %s: removed %s, left by an interrupted write", f.path, name)
		}
	}
	return nil
}

// checkWritable fails early when the state could never be saved.
func (f *StateFile) checkWritable() error {
	tmp, err := os.CreateTemp(filepath.Dir(f.path), f.tempPattern())
	if err != nil {
		return fmt.Errorf("state file %s: cannot write next to it: %w", f.path, err)
	}
	_ = tmp.Close()
	return os.Remove(tmp.Name())
}

// writeFileAtomic replaces path with data: temporary file in the same
// directory, fsync, rename, fsync of the directory (so the rename itself
// survives a power loss). The temporary file is removed on failure.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory. Windows cannot open one for that; there
// the rename is as durable as the platform makes it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
