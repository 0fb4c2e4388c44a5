// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"krls.dev/krls/index/kerneltest"
)

// buildHelperDefRE finds the definitions of C helpers (not EXPORT_SYMBOL lines or calls).
var buildHelperDefRE = regexp.MustCompile(`(?m)^[A-Za-z_][\w \t*]*\brust_helper_(\w+)\s*\(`)

// helperNames is an oracle independent of ParseHelpers: a regexp over the C files.
func oracleHelperNames(t *testing.T, root string) map[string]bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "rust", "helpers", "*.c"))
	files = append(files, filepath.Join(root, "rust", "helpers.c"))
	names := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, m := range buildHelperDefRE.FindAllStringSubmatch(string(data), -1) {
			names[m[1]] = true
		}
	}
	if len(names) == 0 {
		t.Fatalf("oracle found no helpers under %s", root)
	}
	return names
}

func mustLocate(t *testing.T, o LocateOptions) *Tree {
	t.Helper()
	tr, err := Locate(o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestBuildInTree(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			ix, err := Build(context.Background(), mustLocate(t, LocateOptions{Kernel: root}), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(ix.Missing) != 0 {
				t.Errorf("in-tree build with generated files reports missing parts: %q", ix.Missing)
			}
			if !strings.HasPrefix(ix.Version, ver+".") {
				t.Errorf("Version = %q, want %s.x", ix.Version, ver)
			}
			// Every extern fn of the bindgen output is indexed (oracle: `pub fn` lines (any qualifiers)).
			data, err := os.ReadFile(filepath.Join(root, "rust/bindings/bindings_generated.rs"))
			if err != nil {
				t.Fatal(err)
			}
			want := len(regexp.MustCompile(`(?m)^\s+pub (?:const )?(?:unsafe )?fn \w+[(<]`).FindAll(data, -1))
			got := ix.Counts()["bindings/fn"] + ix.Counts()["bindings/method"]
			if got != want {
				t.Errorf("bindings fns+methods = %d, the file has %d `pub fn` lines (any qualifiers)", got, want)
			}
			// Every C helper reaches Rust as bindings::X.
			for name := range oracleHelperNames(t, root) {
				if ix.Binding(name) == nil {
					t.Errorf("bindings::%s (a rust_helper_ in the C files) is not indexed", name)
				}
				if ix.Helper(name) == nil {
					t.Errorf("helper %s not indexed", name)
				}
			}
			// The wrapper of the best-known binding. 6.1's kernel crate has no sync module
			// (rust/kernel/ holds allocator, error, print, str): nothing safe reaches mutex_lock.
			ws := ix.WrappersOf("mutex_lock")
			if ver == "6.1" {
				if len(ws) != 0 {
					t.Errorf("6.1: WrappersOf(mutex_lock) = %v, want none", ws)
				}
			} else if len(ws) == 0 || ws[0].API != "kernel::sync::Mutex::lock" {
				t.Errorf("WrappersOf(mutex_lock) = %v, want kernel::sync::Mutex::lock first", ws)
			}
			if len(ix.WrappersOf("_printk")) == 0 {
				t.Error("nothing wraps _printk, but pr_info! does in every kernel")
			}
			if ix.Module("module") == nil {
				t.Error("no module! schema")
			}
		})
	}
}

// A tree with no build yet is indexed as far as it goes: the C helpers alone give bindings::X.
func TestBuildPristine(t *testing.T) {
	src, _ := kerneltest.BuildTree(t, "6.12")
	ix, err := Build(context.Background(), mustLocate(t, LocateOptions{Kernel: src}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !containsPrefix(ix.Missing, "rust/bindings/bindings_generated.rs") {
		t.Errorf("Missing = %q, want the bindgen output named", ix.Missing)
	}
	if n := ix.Counts()["bindings/struct"]; n != 0 {
		t.Errorf("%d bindings structs in a tree without bindgen output", n)
	}
	for name := range oracleHelperNames(t, src) {
		it := ix.Binding(name)
		if it == nil {
			t.Errorf("bindings::%s missing: the helper files alone must yield it", name)
			continue
		}
		if it.Source != SourceHelpers || it.Generated {
			t.Errorf("bindings::%s: source %s generated %v, want helpers from the C file", name, it.Source, it.Generated)
		}
	}
	if ix.Lookup("kernel::sync::Mutex") == nil {
		t.Error("the kernel crate is not indexed in a pristine tree")
	}
}

// An O= build keeps the generated files in the build tree; locations point there.
func TestBuildObjTree(t *testing.T) {
	src, obj := kerneltest.BuildTree(t, "6.12")
	ix, err := Build(context.Background(), mustLocate(t, LocateOptions{Kernel: src, Build: obj}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Missing) != 0 {
		t.Errorf("Missing = %q", ix.Missing)
	}
	it := ix.Binding("__kmalloc_noprof")
	if it == nil {
		t.Fatal("bindings::__kmalloc_noprof not indexed from the build tree")
	}
	abs := ix.Abs(it.Loc, it.Generated)
	if !strings.HasPrefix(abs, obj) {
		t.Errorf("binding located at %s, want under the build tree %s", abs, obj)
	}
	if k := ix.Lookup("kernel::sync::Mutex"); k == nil || !strings.HasPrefix(ix.Abs(k.Loc, k.Generated), src) {
		t.Errorf("kernel::sync::Mutex not located in the source tree")
	}
}

// Open loads the database when nothing changed, re-parses only the changed file when one did,
// and the refreshed index equals a fresh build of the changed tree.
func TestOpenRefresh(t *testing.T) {
	orig := kerneltest.Tree(t, "6.12")
	root := t.TempDir()
	// A private copy of what the index reads, so the test can edit it.
	for _, p := range []string{"Makefile", "Kconfig", "rust"} {
		copyTree(t, filepath.Join(orig, p), filepath.Join(root, p))
	}
	db := filepath.Join(t.TempDir(), "ix.db")
	tr := mustLocate(t, LocateOptions{Kernel: root})
	ctx := context.Background()

	ix1, st, err := Open(ctx, tr, db, false)
	if err != nil || st.From != "built" {
		t.Fatalf("first Open: %v, from %q", err, st.From)
	}
	ix2, st, err := Open(ctx, tr, db, false)
	if err != nil || st.From != "database" {
		t.Fatalf("second Open: %v, from %q (%s)", err, st.From, st.Note)
	}
	if diff := cmp.Diff(len(ix1.Items), len(ix2.Items)); diff != "" {
		t.Errorf("loaded index differs: %s", diff)
	}

	// Add a documented public function to rust/kernel/task.rs.
	task := filepath.Join(root, "rust/kernel/task.rs")
	data, err := os.ReadFile(task)
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "\n/// Added by the refresh test.\npub fn krls_refresh_probe() -> u32 {\n    // SAFETY: nothing.\n    unsafe { bindings::get_current() as u32 }\n}\n"...)
	if err := os.WriteFile(task, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ix3, st, err := Open(ctx, tr, db, false)
	if err != nil || st.From != "refreshed" {
		t.Fatalf("Open after an edit: %v, from %q", err, st.From)
	}
	if diff := cmp.Diff([]string{"rust/kernel/task.rs"}, st.Changed); diff != "" {
		t.Errorf("changed files (-want +got):\n%s", diff)
	}
	probe := ix3.Lookup("kernel::task::krls_refresh_probe")
	if probe == nil || !strings.Contains(probe.Doc, "refresh test") {
		t.Fatalf("the added function is not in the refreshed index: %+v", probe)
	}
	fresh, err := Build(ctx, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := []cmp.Option{cmpopts.IgnoreUnexported(Index{}), cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Index{}, "CrateFiles")}
	if diff := cmp.Diff(fresh, ix3, opts...); diff != "" {
		t.Errorf("refreshed index differs from a fresh build (-fresh +refreshed):\n%.3000s", diff)
	}

	// A corrupt database is never trusted: rebuilt, with the reason.
	if err := os.WriteFile(db, []byte("KRLSIDX\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, st, err = Open(ctx, tr, db, false)
	if err != nil || st.From != "built" || st.Note == "" {
		t.Errorf("Open of a corrupt database: %v, from %q, note %q", err, st.From, st.Note)
	}
}

func containsPrefix(list []string, pfx string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, pfx) {
			return true
		}
	}
	return false
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if info.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Bad generated files are reported and skipped; the rest of the tree is still indexed and
// nothing is written inside the tree.
func TestBuildBadInput(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"Makefile":                            "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\nEXTRAVERSION =\n",
		"Kconfig":                             "mainmenu \"test\"\n",
		"rust/kernel/lib.rs":                  "//! The kernel crate.\n#![no_std]\n/// A documented function.\npub fn f() {}\n",
		"rust/helpers/helpers.c":              "#include \"mutex.c\"\n",
		"rust/helpers/mutex.c":                "void rust_helper_mutex_lock(struct mutex *lock)\n{\n\tmutex_lock(lock);\n}\n",
		"rust/bindings/bindings_generated.rs": "\x00\x01\x02ELF binary\x00",
		"rust/uapi/uapi_generated.rs/README":  "a folder where a file should be",
	}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A sparse file larger than the indexer reads.
	huge, err := os.Create(filepath.Join(root, "rust/bindings/bindings_helpers_generated.rs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := huge.Truncate(maxGenerated + 1); err != nil {
		t.Fatal(err)
	}
	huge.Close()
	before := listTree(t, root)

	ix, err := Build(context.Background(), mustLocate(t, LocateOptions{Kernel: root}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range ix.Problems {
		msgs = append(msgs, p.File+": "+p.Message)
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"bindings_generated.rs: binary file", "bindings_helpers_generated.rs", "larger than", "uapi_generated.rs", "not a regular file"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if ix.Lookup("kernel::f") == nil {
		t.Error("kernel::f not indexed beside the bad files")
	}
	if it := ix.Binding("mutex_lock"); it == nil || it.Source != SourceHelpers {
		t.Errorf("bindings::mutex_lock from the C helper = %+v", it)
	}
	if diff := cmp.Diff(before, listTree(t, root)); diff != "" {
		t.Errorf("Build wrote inside the tree (-before +after):\n%s", diff)
	}
}

func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %d %v", p, info.Size(), info.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
