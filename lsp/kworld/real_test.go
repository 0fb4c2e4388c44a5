// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/check"
)

var (
	worldsMu sync.Mutex
	worlds   = map[string]*World{}
)

// realWorld loads the World of a real tree once per test binary.
func realWorld(t *testing.T, ver string) *World {
	t.Helper()
	root := kerneltest.Tree(t, ver)
	worldsMu.Lock()
	defer worldsMu.Unlock()
	if w := worlds[root]; w != nil {
		return w
	}
	w, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	worlds[root] = w
	return w
}

func langOf(name string) string {
	switch {
	case strings.HasSuffix(name, ".rs"):
		return LangRust
	case name == "Kconfig" || strings.HasPrefix(name, "Kconfig."):
		return LangKconfig
	case isMakefileName(name):
		return LangMakefile
	}
	return ""
}

// kworldChecks are the IDs this package registers.
func kworldChecks() map[string]bool {
	m := map[string]bool{}
	for _, c := range checks {
		m[c.ID] = true
	}
	return m
}

// runAll runs this package's checks over every .rs, Kconfig and Makefile under dirs of w and
// returns "check rel:line message" lines.
func runAll(t *testing.T, w *World, dirs ...string) []string {
	t.Helper()
	ids := kworldChecks()
	var out []string
	for _, d := range dirs {
		err := filepath.WalkDir(w.Abs(d), func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			lang := langOf(e.Name())
			if lang == "" {
				return nil
			}
			text, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			ctx := &check.Context{Path: p, Rel: w.Rel(p), Lang: lang, Text: text, Kconfig: w}
			ls := lineStarts(text)
			for _, f := range check.Run(ctx, func(id string) bool { return ids[id] }) {
				line, _ := posOf(ls, f.Range.Start)
				out = append(out, fmt.Sprintf("%s %s:%d %s", f.Check, w.Rel(p), line, f.Message))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(out)
	return out
}

func TestRealTreeFindings(t *testing.T) {
	for _, tc := range []struct {
		ver  string
		want []string
	}{
		// The whole tree (every .rs, Kconfig and Makefile of the corpus, tools/ included).
		// 6.12: both PHY drivers name their module after the driver while Kbuild names it after
		// the object (drivers/net/phy/Makefile: qt2025.o, ax88796b_rust.o), so `modprobe
		// qt2025_phy` finds nothing: true findings of module-name-mismatch (an Info). Nothing
		// else: every Rust object has a Makefile line, a source and a RUST dependency (through
		// RUST_PHYLIB_ABSTRACTIONS, `if SAMPLES_RUST`, or `depends on RUST`), and every CONFIG_
		// in a cfg or Makefile is defined somewhere.
		{"6.12", []string{
			"module-name-mismatch drivers/net/phy/ax88796b_rust.rs:21 Kbuild builds this file into module ax88796b_rust (Makefile), but module! names it rust_asix_phy",
			"module-name-mismatch drivers/net/phy/qt2025.rs:28 Kbuild builds this file into module qt2025 (Makefile), but module! names it qt2025_phy",
		}},
		// 6.1 has only samples/rust (module names match) and no Rust drivers; the CONFIG_FLAGS
		// of tools/lib/traceevent's Makefiles are user-space make variables (not checked).
		{"6.1", nil},
	} {
		t.Run(tc.ver, func(t *testing.T) {
			w := realWorld(t, tc.ver)
			got := runAll(t, w, ".")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBuildDirConfig: with an O= build tree the World reads the build's .config (the pristine
// source tree has none).
func TestBuildDirConfig(t *testing.T) {
	src, build := kerneltest.BuildTree(t, "6.12")
	if _, err := os.Stat(filepath.Join(build, ".config")); err != nil {
		t.Skip("build tree without .config")
	}
	w, err := Load(src, build)
	if err != nil {
		t.Fatal(err)
	}
	if w.ConfigPath != filepath.Join(build, ".config") || w.Config == nil {
		t.Fatalf("config %q", w.ConfigPath)
	}
	want := dotConfigValue(t, &World{Root: build}, "RUST")
	if got := w.Config.Values["RUST"]; got != want || want == "" {
		t.Errorf("CONFIG_RUST=%q, the build's .config says %q", got, want)
	}
}
