// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/term"

	"krls.dev/krls/index"
	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/dirent"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/kworld"
	"krls.dev/krls/lsp/lint"
)

const lintUsage = `Usage: krls lint [flags] [PATH...]

Runs the checks the language server publishes (the same registry: docs/checks.md) over Rust
files (.rs), Kconfig files (Kconfig, Kconfig.*) and Kbuild makefiles (Makefile, Kbuild).
PATH is a file or a folder (default: the current folder); folders are walked recursively,
skipping hidden folders and following symbolic links. The kernel tree is found as the server
finds it (--kernel, else $KDIR, else rust-project.json, else the first folder above PATH with
Kconfig and rust/kernel/lib.rs); its persisted index is used, and built when missing or stale.

Flags:
  --kernel DIR          kernel source tree
  --build DIR           O= build tree holding the generated bindings (default: the source tree)
  --format FMT          text (default), json or sarif
  --output FILE         write the report to FILE instead of stdout
  --fail-on LEVEL       exit 1 on a finding at or above LEVEL: error, warning (default) or note
  --enable ID,...       run only these checks
  --disable ID,...      do not run these checks
  --baseline FILE       hide the findings recorded in FILE (report only new ones)
  --write-baseline FILE record the current findings in FILE (the report is still printed;
                        the exit code is 0 unless an error stops the run)
  --jobs N              files linted at once (default: the number of CPUs)
  --list-checks         print the ids, severities and summaries of the checks, and exit

Output: text is one line per finding, PATH:LINE:COL: SEVERITY: MESSAGE [CHECK-ID], with PATH
relative to the current folder (absolute outside it), LINE and COL 1-based, COL counted in
characters (Unicode code points; the same as bytes on ASCII lines). json is one document
(docs/lint-json.md); sarif is SARIF 2.1.0 for GitHub code scanning.

Silence one finding in the source with a reason, on the line or the line above:
  // krls:allow(check-id): why it does not apply here      (Rust)
  # krls:allow(check-id): why it does not apply here       (Kconfig, Makefile, Kbuild)
A krls:allow without a reason silences nothing and is reported (suppression-reason).

Files that cannot be read (dangling symbolic links, folders where a file is expected, symlink
loops, binary or huge files) are reported on stderr (and under "errors" in JSON) and count as
errors: they make the exit code 1, never 2.

Exit status:
  0  no finding at or above --fail-on, and every file was read
  1  findings at or above --fail-on, or files that could not be read
  2  usage error (bad flag, unknown check id, no kernel tree, unreadable baseline) or an
     internal error
`

// lintFlags are the parsed flags of krls lint.
type lintFlags struct {
	kernel, build, format, output, failOn string
	enable, disable, baseline, writeBase  string
	jobs                                  int
	listChecks                            bool
	paths                                 []string
}

func parseLintFlags(args []string, stderr io.Writer) (*lintFlags, error) {
	f := &lintFlags{}
	fs := flag.NewFlagSet("krls lint", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.kernel, "kernel", "", "")
	fs.StringVar(&f.build, "build", "", "")
	fs.StringVar(&f.format, "format", lint.FormatText, "")
	fs.StringVar(&f.output, "output", "", "")
	fs.StringVar(&f.failOn, "fail-on", lint.SeverityWarning, "")
	fs.StringVar(&f.enable, "enable", "", "")
	fs.StringVar(&f.disable, "disable", "", "")
	fs.StringVar(&f.baseline, "baseline", "", "")
	fs.StringVar(&f.writeBase, "write-baseline", "", "")
	fs.IntVar(&f.jobs, "jobs", 0, "")
	fs.BoolVar(&f.listChecks, "list-checks", false, "")
	// Flags may follow the paths (krls lint drivers/ --format json).
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			f.paths = append(f.paths, rest...)
			break
		}
		f.paths = append(f.paths, rest[0])
		args = rest[1:]
	}
	switch f.format {
	case lint.FormatText, lint.FormatJSON, lint.FormatSARIF:
	default:
		return nil, fmt.Errorf("--format %q: want text, json or sarif", f.format)
	}
	if lint.SeverityRank(f.failOn) == 0 {
		return nil, fmt.Errorf("--fail-on %q: want error, warning or note", f.failOn)
	}
	if f.jobs < 0 {
		return nil, fmt.Errorf("--jobs %d: want a positive number", f.jobs)
	}
	return f, nil
}

// enabledChecks turns --enable and --disable into the set of checks to run.
func enabledChecks(all []*check.Check, enable, disable string) (func(string) bool, error) {
	known := map[string]bool{}
	for _, c := range all {
		known[c.ID] = true
	}
	split := func(flagName, s string) (map[string]bool, error) {
		if s == "" {
			return nil, nil
		}
		m := map[string]bool{}
		for _, id := range strings.Split(s, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if !known[id] {
				return nil, fmt.Errorf("--%s: unknown check %q (krls lint --list-checks lists them)", flagName, id)
			}
			m[id] = true
		}
		return m, nil
	}
	en, err := split("enable", enable)
	if err != nil {
		return nil, err
	}
	dis, err := split("disable", disable)
	if err != nil {
		return nil, err
	}
	return func(id string) bool {
		if en != nil && !en[id] {
			return false
		}
		return !dis[id]
	}, nil
}

func runLint(ctx context.Context, args []string, stdout, stderr io.Writer, log *zap.Logger) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Fprint(stdout, lintUsage)
			return 0
		}
		if a == "--" {
			break
		}
	}
	f, err := parseLintFlags(args, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "krls lint: %v\n\n%s", err, lintUsage)
		return 2
	}
	all := check.All()
	if f.listChecks {
		listChecks(stdout, all)
		return 0
	}
	enabled, err := enabledChecks(all, f.enable, f.disable)
	if err != nil {
		fmt.Fprintf(stderr, "krls lint: %v\n", err)
		return 2
	}
	var base *lint.Baseline
	if f.baseline != "" {
		if base, err = lint.ReadBaseline(f.baseline); err != nil {
			fmt.Fprintf(stderr, "krls lint: %v\n", err)
			return 2
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "krls lint: %v\n", err)
		return 2
	}

	tree, err := lintTree(f, wd)
	if err != nil {
		fmt.Fprintf(stderr, "krls lint: %v\n", err)
		return 2
	}
	root := tree.Root
	// The index opens, the Kconfig model loads and lint walks the tree at the same time; the
	// model and the walk read the folders through one snapshot, so each is read once.
	snap, names := lintCaches(tree, log)
	kwc := kworldOf(tree, snap, names, !kworld.NeedsTree(enabled), log)
	type opened struct {
		ix  *index.Index
		err error
	}
	ixc := make(chan opened, 1)
	if needsIndex(all, enabled) {
		go func() {
			ix, err := openIndex(ctx, tree, log)
			ixc <- opened{ix, err}
		}()
	} else {
		ixc <- opened{}
	}
	indexLater := func() (*index.Index, error) {
		o := <-ixc
		if o.err != nil {
			return nil, fmt.Errorf("index of %s: %w", tree.Root, o.err)
		}
		return o.ix, nil
	}
	later := func() any {
		if w := <-kwc; w != nil {
			return w
		}
		return nil
	}

	opts := lint.Options{Paths: f.paths, Dir: wd, Root: root, IndexLater: indexLater, KconfigLater: later,
		Listing: snap, Enabled: enabled, Jobs: f.jobs, Baseline: base}
	var prog *progress
	if file, ok := stderr.(*os.File); ok && term.IsTerminal(int(file.Fd())) {
		prog = &progress{w: stderr}
		opts.Progress = prog.update
	}
	t0 := time.Now()
	res, err := lint.Run(ctx, opts)
	prog.clear()
	if err != nil {
		fmt.Fprintf(stderr, "krls lint: %v\n", err)
		return 2
	}
	log.Debug("lint done", zap.Int("files", res.Files), zap.Int("findings", len(res.Findings)),
		zap.Duration("took", time.Since(t0)))
	folders, foldersRead := snap.Stats()
	kfiles, kfilesRead := names.Stats()
	log.Debug("caches", zap.Int("folders", folders), zap.Int("folders read", foldersRead),
		zap.Int("Kconfig names of files", kfiles), zap.Int("Kconfig files read", kfilesRead))
	if snap.Changed() {
		if err := snap.Save(); err != nil {
			log.Debug("folder snapshot not saved", zap.Error(err))
		}
	}
	if names.Changed() {
		if err := names.Save(); err != nil {
			log.Debug("Kconfig names cache not saved", zap.Error(err))
		}
	}

	for _, e := range res.Errors {
		fmt.Fprintf(stderr, "krls lint: %s: %s\n", e.Path, e.Message)
	}
	rep := &lint.Report{Result: res, Tool: lint.Tool{Name: "krls", Version: version},
		Dir: wd, Root: root, Checks: all}
	var out bytes.Buffer
	if err := rep.Write(&out, f.format); err != nil {
		fmt.Fprintf(stderr, "krls lint: %v\n", err)
		return 2
	}
	if f.output != "" {
		err = os.WriteFile(f.output, out.Bytes(), 0o644)
	} else {
		_, err = stdout.Write(out.Bytes())
	}
	if err != nil {
		fmt.Fprintf(stderr, "krls lint: writing the report: %v\n", err)
		return 2
	}
	if f.format == lint.FormatText || f.output != "" {
		s := res.Summary()
		fmt.Fprintf(stderr, "krls lint: %d files, %d findings (%d errors, %d warnings, %d notes), %d suppressed, %d baselined, %d unreadable\n",
			s.Files, s.Findings, s.Error, s.Warning, s.Note, s.Suppressed, s.Baselined, s.FileErrors)
	}
	if f.writeBase != "" {
		if err := lint.NewBaseline(res.All).Write(f.writeBase); err != nil {
			fmt.Fprintf(stderr, "krls lint: writing the baseline: %v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "krls lint: wrote %d findings to the baseline %s\n", len(res.All), f.writeBase)
		return 0
	}
	if res.Fails(f.failOn) {
		return 1
	}
	return 0
}

func listChecks(w io.Writer, all []*check.Check) {
	cs := append([]*check.Check(nil), all...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
	for _, c := range cs {
		fmt.Fprintf(w, "%-28s %-8s %s\n", c.ID, lint.SeverityName(c.Severity), strings.TrimSpace(c.Summary))
	}
}

// needsIndex reports whether an enabled check needs the index; when none does (say
// `--enable config-unknown`), lint neither opens nor builds it.
func needsIndex(all []*check.Check, enabled func(string) bool) bool {
	for _, c := range all {
		if c.NeedsIndex && enabled(c.ID) {
			return true
		}
	}
	return false
}

// kworldOf loads the Kconfig/Kbuild model of the tree for the Kconfig and Makefile checks,
// on another goroutine; the channel gives nil when it cannot be loaded (those checks then
// find nothing, the others run).
//
// namesOnly loads only the names the Kconfig files define, enough for the checks enabled
// (kworld.NeedsTree).
func kworldOf(tree *index.Tree, snap *dirent.Snapshot, names *kconfig.NamesCache, namesOnly bool, log *zap.Logger) <-chan *kworld.World {
	ch := make(chan *kworld.World, 1)
	go func() {
		build := ""
		if tree.Build != tree.Root {
			build = tree.Build
		}
		t0 := time.Now()
		// The Kconfig files' bytes are not kept: they are read into recycled buffers, and lint
		// reads them again into its own (fresh memory cost more than the second read).
		w, err := kworld.LoadWith(tree.Root, build, kworld.LoadOptions{Listing: snap,
			NamesOnly: namesOnly, NamesCache: names})
		if err != nil {
			log.Warn("no Kconfig model: the Kconfig and Makefile checks find less", zap.Error(err))
			w = nil
		}
		log.Debug("kconfig model", zap.Duration("took", time.Since(t0)))
		ch <- w
	}()
	return ch
}

// lintCaches loads what the last run saved beside the index database
// (<cache>/krls/<hash>.*): the folder listings (.dirs), so that folders unchanged since are
// not read again, and the names the Kconfig files define (.kcnames), for the runs that need
// no more of them. Without a cache folder, both are only this run's.
func lintCaches(tree *index.Tree, log *zap.Logger) (*dirent.Snapshot, *kconfig.NamesCache) {
	p, err := index.CachePath(tree.Root, tree.Build)
	if err != nil {
		return dirent.NewSnapshot(), nil
	}
	base := strings.TrimSuffix(p, ".idx")
	snap, err := dirent.LoadSnapshot(base + ".dirs")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Debug("folder snapshot", zap.Error(err))
	}
	names, err := kconfig.LoadNamesCache(base + ".kcnames")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Debug("Kconfig names cache", zap.Error(err))
	}
	return snap, names
}

// lintTree finds the kernel tree as the server does.
func lintTree(f *lintFlags, wd string) (*index.Tree, error) {
	for _, d := range []struct{ flag, dir string }{{"--kernel", f.kernel}, {"--build", f.build}} {
		if d.dir == "" {
			continue
		}
		st, err := os.Stat(d.dir)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%s %s: no such folder", d.flag, d.dir)
		}
	}
	first := wd
	if len(f.paths) > 0 {
		first = f.paths[0]
		if !filepath.IsAbs(first) {
			first = filepath.Join(wd, first)
		}
	}
	tree, err := index.Locate(index.LocateOptions{Kernel: f.kernel, Build: f.build,
		KDIR: os.Getenv("KDIR"), Workspace: wd, File: first})
	if err != nil {
		return nil, fmt.Errorf("no kernel tree: %v (pass --kernel DIR, or set KDIR)", err)
	}
	if tree == nil {
		return nil, errors.New("no kernel tree found above " + first + " (pass --kernel DIR, or set KDIR)")
	}
	return tree, nil
}

// openIndex loads the persisted index of the tree, building (or refreshing) and saving it
// when it is missing or stale: the same database the server and `krls index` use.
func openIndex(ctx context.Context, tree *index.Tree, log *zap.Logger) (*index.Index, error) {
	t0 := time.Now()
	ix, st, err := index.Open(ctx, tree, "", false)
	if err != nil {
		return nil, err
	}
	log.Debug("index", zap.String("from", st.From), zap.String("db", st.DB), zap.String("note", st.Note),
		zap.Int("changed", len(st.Changed)), zap.Duration("took", time.Since(t0)))
	if len(ix.Missing) > 0 {
		log.Info("the tree lacks parts; the checks that need them find less (--log-level debug lists them)",
			zap.Int("missing", len(ix.Missing)))
		for _, m := range ix.Missing {
			log.Debug("missing", zap.String("part", m))
		}
	}
	return ix, nil
}

// progress draws "krls lint: N/M files" on a terminal, at most ten times a second.
type progress struct {
	w     io.Writer
	now   func() time.Time // time.Now; tests set a fake clock
	mu    sync.Mutex
	last  time.Time
	shown bool
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	if t := now(); done == total || !p.shown || t.Sub(p.last) >= 100*time.Millisecond {
		p.last = t
		fmt.Fprintf(p.w, "\rkrls lint: %d/%d files", done, total)
		p.shown = true
	}
}

func (p *progress) clear() {
	if p == nil || !p.shown {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
