// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"

	"krls.dev/krls/index"
)

const indexUsage = `Usage:
  krls index [--kernel DIR] [--build DIR] [--rebuild] [--json]
      Build or refresh the symbol database of the kernel tree and print what it holds.
  krls index query [--kernel DIR] [--build DIR] [--json] PATH-OR-NAME
      Print one item: its paths, signature, docs and location, and for a binding its C
      helper and the safe kernel:: APIs that wrap it. NAME may be a full path
      (kernel::sync::Mutex, bindings::mutex_lock) or a last segment (mutex_lock).

The database lives in the user's cache folder ($KRLS_CACHE_DIR, else ~/.cache/krls), one file
per tree; it is rebuilt when missing, corrupt or of another format, and refreshed (only the
changed files re-parsed) when a file it read changed. krls never writes inside the kernel tree.

Flags:
`

type treeFlags struct {
	kernel, build, db string
	rebuild, asJSON   bool
}

func (tf *treeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&tf.kernel, "kernel", "", "kernel source tree (default: $KDIR, rust-project.json, or walking up from the current folder)")
	fs.StringVar(&tf.build, "build", "", "O= build tree holding the generated bindings (default: the source tree)")
	fs.StringVar(&tf.db, "db", "", "database file (default: in the user's cache folder)")
	fs.BoolVar(&tf.rebuild, "rebuild", false, "ignore the database and index from scratch")
	fs.BoolVar(&tf.asJSON, "json", false, "print JSON for machines")
}

// openIndex locates the tree and opens its index, as the server and lint do.
func (tf *treeFlags) openIndex(ctx context.Context, file string) (*index.Index, index.Status, error) {
	wd, _ := os.Getwd()
	t, err := index.Locate(index.LocateOptions{Kernel: tf.kernel, Build: tf.build, KDIR: os.Getenv("KDIR"), Workspace: wd, File: file})
	if err != nil {
		return nil, index.Status{}, err
	}
	return index.Open(ctx, t, tf.db, tf.rebuild)
}

func runIndex(ctx context.Context, args []string, stdout, stderr io.Writer, log *zap.Logger) int {
	query := len(args) > 0 && args[0] == "query"
	if query {
		args = args[1:]
	}
	fs := flag.NewFlagSet("krls index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, indexUsage); fs.PrintDefaults() }
	var tf treeFlags
	tf.register(fs)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if query != (fs.NArg() == 1) {
		fs.Usage()
		return 2
	}
	start := time.Now()
	ix, st, err := tf.openIndex(ctx, "")
	if err != nil {
		fmt.Fprintf(stderr, "krls index: %v\n", err)
		return 2
	}
	log.Debug("index opened", zap.String("from", st.From), zap.Duration("took", time.Since(start)))
	if query {
		return printQuery(ix, fs.Arg(0), tf.asJSON, stdout, stderr)
	}
	return printSummary(ix, st, time.Since(start), tf.asJSON, stdout)
}

type summary struct {
	Root          string          `json:"root"`
	Build         string          `json:"build"`
	Version       string          `json:"version"`
	HelpersLayout string          `json:"helpers_layout"`
	Database      string          `json:"database"`
	From          string          `json:"from"`
	Changed       []string        `json:"changed,omitempty"`
	Note          string          `json:"note,omitempty"`
	Millis        float64         `json:"millis"`
	Counts        map[string]int  `json:"counts"`
	Items         int             `json:"items"`
	Helpers       int             `json:"helpers"`
	Wrapped       int             `json:"wrapped_bindings"`
	ModuleMacros  []string        `json:"module_macros"`
	Files         int             `json:"files"`
	Missing       []string        `json:"missing,omitempty"`
	Problems      []index.Problem `json:"problems,omitempty"`
}

func printSummary(ix *index.Index, st index.Status, took time.Duration, asJSON bool, w io.Writer) int {
	s := summary{
		Root: ix.Root, Build: ix.Build, Version: ix.Version, HelpersLayout: ix.HelpersLayout,
		Database: st.DB, From: st.From, Changed: st.Changed, Note: st.Note,
		Millis: float64(took.Microseconds()) / 1000, Counts: ix.Counts(), Items: len(ix.Items),
		Helpers: len(ix.Helpers), Wrapped: len(ix.Wrappers), Files: len(ix.Files),
		Missing: ix.Missing, Problems: ix.Problems,
	}
	for _, m := range ix.Modules {
		s.ModuleMacros = append(s.ModuleMacros, m.Name+"!")
	}
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(s)
		return 0
	}
	fmt.Fprintf(w, "kernel    %s (version %s)\n", s.Root, orDash(s.Version))
	if s.Build != s.Root {
		fmt.Fprintf(w, "build     %s\n", s.Build)
	}
	fmt.Fprintf(w, "database  %s (%s in %.1f ms", s.Database, s.From, s.Millis)
	if len(s.Changed) > 0 {
		fmt.Fprintf(w, "; re-indexed %s", strings.Join(s.Changed, ", "))
	}
	fmt.Fprintln(w, ")")
	if s.Note != "" {
		fmt.Fprintf(w, "          %s\n", s.Note)
	}
	fmt.Fprintf(w, "helpers   %d C helpers (%s)\n", s.Helpers, orDash(s.HelpersLayout))
	fmt.Fprintf(w, "wrappers  %d bindings reached by a safe kernel:: API\n", s.Wrapped)
	fmt.Fprintf(w, "macros    %s\n", strings.Join(s.ModuleMacros, " "))
	fmt.Fprintf(w, "items     %d from %d files\n", s.Items, s.Files)
	keys := make([]string, 0, len(s.Counts))
	for k := range s.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-20s %6d\n", k, s.Counts[k])
	}
	for _, m := range s.Missing {
		fmt.Fprintf(w, "missing   %s\n", m)
	}
	if n := len(s.Problems); n > 0 {
		fmt.Fprintf(w, "problems  %d (files indexed as far as they go)\n", n)
		for i, p := range s.Problems {
			if i == 10 {
				fmt.Fprintf(w, "  ... and %d more (--json lists all)\n", n-10)
				break
			}
			fmt.Fprintf(w, "  %s:%d: %s\n", p.File, p.Line, p.Message)
		}
	}
	return 0
}

type queryResult struct {
	Item     *index.Item     `json:"item"`
	File     string          `json:"file"`
	Helper   *index.Helper   `json:"helper,omitempty"`
	Wrappers []index.Wrapper `json:"wrappers,omitempty"`
}

func printQuery(ix *index.Index, q string, asJSON bool, stdout, stderr io.Writer) int {
	var items []*index.Item
	if it := ix.Lookup(q); it != nil {
		items = []*index.Item{it}
	} else {
		items = ix.ByName(q)
	}
	if len(items) == 0 {
		fmt.Fprintf(stderr, "krls index query: no item %q in the index of %s\n", q, ix.Root)
		return 1
	}
	var res []queryResult
	for _, it := range items {
		r := queryResult{Item: it, File: ix.Abs(it.Loc, it.Generated)}
		if it.Path == "bindings::"+it.Name {
			r.Helper = ix.Helper(it.Name)
			r.Wrappers = ix.WrappersOf(it.Name)
		}
		res = append(res, r)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
		return 0
	}
	for i, r := range res {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		it := r.Item
		fmt.Fprintf(stdout, "%s  (%s %s)\n", it.Path, it.Source, it.Kind)
		for _, a := range it.Aliases {
			fmt.Fprintf(stdout, "  also   %s\n", a)
		}
		fmt.Fprintf(stdout, "  sig    %s\n", it.Sig)
		if it.Cfg != "" {
			fmt.Fprintf(stdout, "  cfg    %s\n", it.Cfg)
		}
		fmt.Fprintf(stdout, "  at     %s:%d:%d\n", r.File, it.Loc.Start.Line, it.Loc.Start.Col+1)
		if h := r.Helper; h != nil {
			fmt.Fprintf(stdout, "  helper %s in %s:%d, wraps %s\n", h.CName, h.Loc.File, h.Loc.Start.Line, h.Wraps)
		}
		if strings.HasPrefix(it.Path, "bindings::") {
			if len(r.Wrappers) == 0 {
				fmt.Fprintln(stdout, "  safe   no safe kernel:: API reaches it")
			}
			for _, w := range r.Wrappers {
				fmt.Fprintf(stdout, "  safe   %s (depth %d)\n", w.API, w.Depth)
			}
		}
		if it.Doc != "" {
			fmt.Fprintf(stdout, "\n%s\n", indent(it.Doc, "    "))
		}
	}
	return 0
}

func indent(s, pfx string) string {
	return pfx + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+pfx)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
