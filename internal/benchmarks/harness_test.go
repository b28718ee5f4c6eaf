package benchmarks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// plugin is a provider binary built from this module.
type plugin struct {
	bin     string
	address string   // registry address in TF_REATTACH_PROVIDERS
	env     []string // added to the environment of every served process
}

var (
	buildMu  sync.Mutex
	built    = map[string]plugin{}
	buildDir string
)

// buildPlugin builds the main package pkg (relative to the module root)
// once per test binary.
func buildPlugin(tb testing.TB, pkg, address string) plugin {
	tb.Helper()
	return buildPluginTags(tb, pkg, address, "")
}

// buildPluginTags is buildPlugin with build tags (go build -tags).
func buildPluginTags(tb testing.TB, pkg, address, tags string) plugin {
	tb.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := pkg + " " + tags
	if p, ok := built[key]; ok {
		return p
	}
	if buildDir == "" {
		// Not tb.TempDir: every benchmark of the binary shares the
		// builds, and TestMain removes the directory at the end.
		dir, err := os.MkdirTemp("", "harness-bench-bin-") //nolint:usetesting // see above
		if err != nil {
			tb.Fatal(err)
		}
		buildDir = dir
	}
	name := strings.ReplaceAll(strings.Trim(pkg, "./"), "/", "_")
	if name == "" {
		name = "terraform-provider-harness"
	}
	if tags != "" {
		name += "_" + strings.ReplaceAll(tags, ",", "_")
	}
	bin := filepath.Join(buildDir, name+".bin")
	cmd := exec.CommandContext(context.Background(), "go", "build", "-o", bin, "-tags", tags, pkg)
	cmd.Dir = moduleRoot(tb)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building %s: %v\n%s", pkg, err, out)
	}
	p := plugin{bin: bin, address: address}
	built[key] = p
	return p
}

func moduleRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// served is a provider process started in debug mode, which Terraform
// attaches to through TF_REATTACH_PROVIDERS instead of starting it: the
// benchmark owns the process, so it can read its peak memory when it ends.
type served struct {
	cmd      *exec.Cmd
	reattach string
	done     chan struct{}
}

// serve starts p and waits for its reattach configuration.
func (p plugin) serve(tb testing.TB, env ...string) *served {
	tb.Helper()
	cmd := exec.CommandContext(context.Background(), p.bin, "-debug")
	cmd.Env = append(append(os.Environ(), p.env...), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	s := &served{cmd: cmd, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if v, ok := strings.CutPrefix(line, "TF_REATTACH_PROVIDERS='"); ok {
				found <- strings.TrimSuffix(v, "'")
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		close(s.done)
	}()
	select {
	case s.reattach = <-found:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		tb.Fatalf("%s did not print its reattach configuration; stderr:\n%s", p.bin, stderr.String())
	}
	return s
}

// stop interrupts the provider and returns its peak resident memory in
// bytes (0 when it cannot be read).
//
// The peak is VmHWM from /proc/<pid>/status, read while the process still
// runs. Not the rusage Maxrss of the exited child: os/exec starts children
// with vfork and exec, and Linux carries the high-water mark of the mm that
// exec replaces (the benchmark's own, mock and state included) into the
// child's maxrss, so every provider reported the benchmark's size (the same
// 160 MB for this provider and the no-op one).
func (s *served) stop(tb testing.TB) int64 {
	tb.Helper()
	peak := peakRSS(s.cmd.Process.Pid)
	_ = s.cmd.Process.Signal(os.Interrupt)
	// The exit status of an interrupted provider says nothing useful.
	waited := make(chan struct{})
	go func() {
		_ = s.cmd.Wait()
		close(waited)
	}()
	select {
	case <-waited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-waited
	}
	return peak
}

// peakRSS is a live process's VmHWM in bytes, or 0 without /proc.
func peakRSS(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// workdir is a terraform working directory with an empty CLI
// configuration, so nothing is ever downloaded and the user's settings do
// not leak in.
type workdir struct {
	tb  testing.TB
	dir string
	tf  string
	env []string
}

func newWorkdir(tb testing.TB) *workdir {
	tb.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			tb.Skip("the benchmarks run the terraform CLI, which must be on PATH or in TF_ACC_TERRAFORM_PATH; it is never downloaded")
		}
	}
	dir := tb.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(rc, []byte("# empty: benchmarks ignore the user's CLI configuration\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	return &workdir{tb: tb, dir: dir, tf: tf, env: append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_LOG=",
		"HARNESS_PLATFORM_API_KEY=", "HARNESS_ENDPOINT=", "HARNESS_ACCOUNT_ID=")}
}

func (w *workdir) write(name, content string) {
	w.tb.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.tb.Fatal(err)
	}
}

func (w *workdir) path(name string) string { return filepath.Join(w.dir, name) }

// terraform runs the CLI with the providers in reattach (may be empty) and
// returns its wall time and output; exit code 2 of `plan
// -detailed-exitcode` (changes present) is returned as errPlanHasChanges.
func (w *workdir) terraform(reattach string, args ...string) (time.Duration, string, error) {
	w.tb.Helper()
	cmd := exec.CommandContext(context.Background(), w.tf, append(args, "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = w.env
	if reattach != "" {
		cmd.Env = append(cmd.Env, "TF_REATTACH_PROVIDERS="+reattach)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 && len(args) > 0 && args[0] == "plan" {
		err = errPlanHasChanges
	}
	return elapsed, out.String(), err
}

var errPlanHasChanges = errors.New("the plan has changes")

// mustTerraform is terraform that fails the benchmark on any error.
func (w *workdir) mustTerraform(reattach string, args ...string) (time.Duration, string) {
	w.tb.Helper()
	d, out, err := w.terraform(reattach, args...)
	if err != nil {
		w.tb.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out, 60))
	}
	return d, out
}

// tail keeps the last n lines of out.
func tail(out string, n int) string {
	lines := strings.Split(out, "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d lines cut)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
