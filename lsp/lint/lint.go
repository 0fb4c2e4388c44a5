// SPDX-License-Identifier: GPL-2.0-only

// Package lint is the driver of `krls lint`: it walks the files and folders it is given, runs
// the checks of the one registry (package check, the checks the language server publishes) on
// every Rust file, Kconfig file and Kbuild makefile, applies the suppressions written in the
// sources and a baseline of known findings, and writes the findings as text, JSON or SARIF.
//
// The driver holds no check of its own: it reads files, calls check.Run and formats what comes
// back, so the command and the editor can never disagree about a finding. Positions come out
// as 1-based lines and 1-based columns counted in characters (Unicode code points) in every
// format.
//
// Problems with the files themselves (a dangling symbolic link, a folder where a file is
// expected, a symlink loop, a binary or huge file) are collected as FileErrors beside the
// findings and never stop the run: the command reports them and counts each as an
// error-level problem, so a CI job cannot pass while skipping a file it was asked to read.
package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"krls.dev/krls/index"
	direntpkg "krls.dev/krls/kconfig/dirent"
	"krls.dev/krls/lsp/check"
)

// The severities of findings, as lint prints them (SARIF levels).
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityNote    = "note"
)

// SeverityRank orders severities: error 3, warning 2, note 1, anything else 0.
func SeverityRank(s string) int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityNote:
		return 1
	}
	return 0
}

// Options says what to lint and how.
type Options struct {
	// Paths are files and folders, absolute or relative to Dir. Empty means Dir.
	Paths []string
	// Dir is the working folder: printed paths are relative to it, and it is the SARIF
	// %SRCROOT%. Empty means the current folder.
	Dir string
	// Root is the kernel source tree (the SARIF KERNELROOT); Index is its index (nil: the
	// checks that need it find nothing).
	Root  string
	Index *index.Index
	// Kconfig is the Kconfig/Kbuild model of the tree (a *kworld.World), handed to the checks
	// as check.Context.Kconfig; nil: the checks that need it find nothing.
	Kconfig any
	// KconfigLater, when set, is called once the files are listed and before any is checked,
	// and its result replaces Kconfig: the caller loads the Kconfig model while lint walks
	// the tree.
	KconfigLater func() any
	// IndexLater, when set, is called once the files are listed and before any is checked,
	// and its index replaces Index: the caller opens the index while lint walks the tree. Its
	// error ends the run.
	IndexLater func() (*index.Index, error)
	// Listing, when set, is the folder snapshot the walk reads through: a caller that loads
	// the Kconfig model with the same snapshot (kworld.LoadOptions.Listing) has every folder
	// of the tree read once. nil: the walk reads the disk.
	Listing *direntpkg.Snapshot
	// Enabled tells which checks run; nil runs them all.
	Enabled func(id string) bool
	// Jobs is the number of files linted at once; 0 means the number of CPUs.
	Jobs int
	// Baseline hides the findings it holds (nil: none).
	Baseline *Baseline
	// Progress, when set, is called after each file with the files done and the total.
	Progress func(done, total int)
}

// Finding is one finding as lint reports it.
type Finding struct {
	Check    string `json:"check"`
	Severity string `json:"severity"` // error, warning or note
	// Path is the file as printed: relative to the working folder when inside it, else absolute.
	Path    string `json:"path"`
	Line    int    `json:"line"` // 1-based
	Col     int    `json:"col"`  // 1-based, in characters
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"` // exclusive
	Message string `json:"message"`
	Fixes   []Fix  `json:"fixes,omitempty"`
	// Fingerprint identifies the finding across unrelated edits (see fingerprint); baselines
	// and SARIF partialFingerprints use it.
	Fingerprint string `json:"fingerprint"`
	// URI and BaseID place the file for SARIF: URI is relative to the base ("SRCROOT", the
	// working folder, or "KERNELROOT", the kernel tree), or an absolute file URI when BaseID
	// is empty.
	URI    string `json:"-"`
	BaseID string `json:"-"`
}

// Fix is a code action of a finding.
type Fix struct {
	Title     string `json:"title"`
	Preferred bool   `json:"preferred,omitempty"`
	Edits     []Edit `json:"edits"`
	// DocURL is set on the fixes that open documentation instead of editing.
	DocURL string `json:"doc_url,omitempty"`
}

// Edit replaces a range of a file by NewText. The range is in the same units as Finding.
type Edit struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"`
	NewText string `json:"new_text"`
	URI     string `json:"-"`
	BaseID  string `json:"-"`
}

// Result is what one run found.
type Result struct {
	Findings []Finding   // sorted by path, line, column, check
	Errors   []FileError // files that could not be read, sorted by path
	Files    int         // files linted
	// Suppressed counts the findings silenced by krls:allow comments, Baselined those
	// hidden by the baseline.
	Suppressed int
	Baselined  int
	// Generated counts the bindgen outputs skipped (see isGenerated).
	Generated int
	// All holds every finding before the baseline was applied (for --write-baseline).
	All []Finding
}

// Count returns the number of findings of each severity, and the file errors under "error".
func (r *Result) Count() map[string]int {
	m := map[string]int{SeverityError: 0, SeverityWarning: 0, SeverityNote: 0}
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}

// Fails reports whether the run has a finding at or above severity failOn, or a file error.
func (r *Result) Fails(failOn string) bool {
	if len(r.Errors) > 0 {
		return true
	}
	min := SeverityRank(failOn)
	for _, f := range r.Findings {
		if SeverityRank(f.Severity) >= min {
			return true
		}
	}
	return false
}

// Run lints the files under opts.Paths.
func Run(ctx context.Context, opts Options) (*Result, error) {
	dir := opts.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		dir = wd
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root := ""
	if opts.Root != "" {
		if root, err = filepath.Abs(opts.Root); err != nil {
			return nil, err
		}
	}
	pl := &placer{dir: dir, root: root}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	abs := make([]string, len(paths))
	for i, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		abs[i] = filepath.Clean(p)
	}
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	files, errs := collect(abs, pl.print, jobs, opts.Listing)
	if opts.IndexLater != nil {
		if opts.Index, err = opts.IndexLater(); err != nil {
			return nil, err
		}
	}
	if opts.KconfigLater != nil {
		opts.Kconfig = opts.KconfigLater()
	}
	enabled := opts.Enabled
	if enabled == nil {
		enabled = func(string) bool { return true }
	}

	// The languages some enabled check runs on: files of the others are not even read
	// (`--enable config-unknown` reads no Kconfig file).
	langs := map[string]bool{}
	for _, c := range check.All() {
		if enabled(c.ID) {
			for _, l := range c.Langs {
				langs[l] = true
			}
		}
	}

	type out struct {
		findings   []Finding
		suppressed int
		generated  bool
		err        string
	}
	outs := make([]out, len(files))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < jobs && w < len(files); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				o := &outs[i]
				if !langs[files[i].lang] {
					if opts.Progress != nil {
						opts.Progress(int(done.Add(1)), len(files))
					}
					continue
				}
				o.findings, o.suppressed, o.generated, o.err = lintFile(files[i], opts.Index, opts.Kconfig, root, pl, enabled)
				if opts.Progress != nil {
					opts.Progress(int(done.Add(1)), len(files))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	res := &Result{Files: len(files), Errors: errs}
	for i, o := range outs {
		if o.err != "" {
			res.Errors = append(res.Errors, FileError{Path: pl.print(files[i].abs), Message: o.err})
			res.Files--
			continue
		}
		if o.generated {
			res.Generated++
			res.Files--
			continue
		}
		res.Suppressed += o.suppressed
		res.All = append(res.All, o.findings...)
	}
	sort.SliceStable(res.Errors, func(i, j int) bool { return res.Errors[i].Path < res.Errors[j].Path })
	sortFindings(res.All)
	for _, f := range res.All {
		if opts.Baseline.Has(f.Fingerprint) {
			res.Baselined++
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	if res.Findings == nil {
		res.Findings = []Finding{}
	}
	return res, nil
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Check < b.Check
	})
}

// lintFile runs the checks on one file. It recovers a panicking check so one bad file cannot
// end the run; the panic becomes a file error naming the check's input.
func lintFile(f file, ix *index.Index, kc any, root string, pl *placer, enabled func(string) bool) (fs []Finding, suppressed int, generated bool, errMsg string) {
	// The bytes are read into a recycled buffer: nothing the checks return points into them
	// (findings hold their own strings), and a whole-tree run then touches a few buffers' worth
	// of fresh memory instead of every file's.
	bp := readBufs.Get().(*[]byte)
	text, err := readFile(f.abs, *bp)
	defer func() {
		if cap(text) <= maxPooled && cap(text) > cap(*bp) {
			*bp = text[:0]
		}
		readBufs.Put(bp)
	}()
	if err == errSkipped {
		return nil, 0, true, ""
	}
	if err != nil {
		return nil, 0, false, err.Error()
	}
	if isGenerated(text) {
		return nil, 0, true, ""
	}
	defer func() {
		if r := recover(); r != nil {
			fs, suppressed, errMsg = nil, 0, fmt.Sprintf("internal error while checking this file: %v", r)
		}
	}()
	cx := &check.Context{Index: ix, Path: f.abs, Rel: pl.rel(f.abs), Lang: f.lang, Text: text, Kconfig: kc}
	raw := check.Run(cx, enabled)
	if len(raw) == 0 {
		return nil, 0, false, "" // most files: no line table needed
	}
	ls := newLines(text)
	dirs := parseDirectives(text, f.lang, ls)
	others := map[string]*lines{}
	linesOf := func(p string) *lines {
		if p == "" || p == f.abs {
			return ls
		}
		if l, ok := others[p]; ok {
			return l
		}
		b, _ := os.ReadFile(p)
		others[p] = newLines(b)
		return others[p]
	}
	for _, r := range raw {
		p := resolve(r.Path, f.abs, root)
		l := linesOf(p)
		line, col := l.pos(r.Range.Start)
		if p == f.abs && suppressedBy(dirs, r.Check, line) {
			suppressed++
			continue
		}
		endLine, endCol := l.pos(r.Range.End)
		uri, base := pl.uri(p)
		out := Finding{Check: r.Check, Severity: SeverityName(r.Severity), Path: pl.print(p),
			Line: line, Col: col, EndLine: endLine, EndCol: endCol, Message: r.Message,
			URI: uri, BaseID: base}
		for _, x := range r.Fixes {
			fx := Fix{Title: x.Title, Preferred: x.Preferred, DocURL: x.DocURL, Edits: []Edit{}}
			for _, e := range x.Edits {
				ep := resolve(e.Path, f.abs, root)
				el := linesOf(ep)
				sl, sc := el.pos(e.Range.Start)
				xl, xc := el.pos(e.Range.End)
				eu, eb := pl.uri(ep)
				fx.Edits = append(fx.Edits, Edit{Path: pl.print(ep), Line: sl, Col: sc, EndLine: xl,
					EndCol: xc, NewText: e.NewText, URI: eu, BaseID: eb})
			}
			out.Fixes = append(out.Fixes, fx)
		}
		fs = append(fs, out)
	}
	sortFindings(fs)
	setFingerprints(fs, ls)
	return fs, suppressed, false, ""
}

// readBufs recycles the buffers lintFile reads files into; buffers over maxPooled are dropped.
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooled = 4 << 20

// isGenerated reports a file bindgen wrote (rust/bindings/bindings_generated.rs,
// bindings_helpers_generated.rs, rust/uapi/uapi_generated.rs of a built tree): its first line
// is "/* automatically generated by rust-bindgen VERSION */". Nobody writes these files, and
// the kernel exempts them from its own lints (rust/bindings/lib.rs wraps the include! in
// #[allow(clippy::undocumented_unsafe_blocks)] and more), so lint skips them and counts them.
func isGenerated(text []byte) bool {
	first, _, _ := strings.Cut(string(text[:min(len(text), 200)]), "\n")
	return strings.Contains(first, "automatically generated by rust-bindgen")
}

func suppressedBy(dirs []directive, id string, line int) bool {
	for i := range dirs {
		if dirs[i].suppresses(id, line) {
			return true
		}
	}
	return false
}

// resolve makes a finding's path absolute: empty is the linted file, relative is under root.
func resolve(p, self, root string) string {
	switch {
	case p == "":
		return self
	case filepath.IsAbs(p):
		return filepath.Clean(p)
	case root != "":
		return filepath.Join(root, filepath.FromSlash(p))
	}
	return filepath.Join(filepath.Dir(self), filepath.FromSlash(p))
}

// placer turns absolute paths into the paths lint prints and the SARIF URIs.
type placer struct{ dir, root string }

// under returns p relative to base (slash-separated) when p is inside base.
func under(base, p string) (string, bool) {
	if base == "" {
		return "", false
	}
	r, err := filepath.Rel(base, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// print returns the path printed for p: relative to the working folder when inside it,
// else absolute.
func (pl *placer) print(p string) string {
	if r, ok := under(pl.dir, p); ok {
		return r
	}
	return filepath.ToSlash(p)
}

// rel returns p relative to the kernel tree, or "" outside it: the Context.Rel of the checks.
func (pl *placer) rel(p string) string {
	r, _ := under(pl.root, p)
	return r
}

// uri returns the SARIF URI of p and its base id.
func (pl *placer) uri(p string) (string, string) {
	if r, ok := under(pl.dir, p); ok {
		return escapeURI(r), "SRCROOT"
	}
	if r, ok := under(pl.root, p); ok {
		return escapeURI(r), "KERNELROOT"
	}
	return fileURI(p), ""
}
