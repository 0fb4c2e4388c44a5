// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// TestCrateFixtures runs the txtar fixtures testdata/crate_*.txtar: each holds a tiny fake
// tree and a "want" file of assertions, one a line:
//
//	item PATH KIND [aliases=A,B] [cfg=C] [trait=T]   the item exists (aliases: all of them)
//	noitem PATH                                      no item has that path or alias
//	doc PATH "text" / sig PATH "text"                the item's Doc / Sig (Go-quoted)
//	unsafe PATH                                      the item is unsafe
//	problem FILE TEXT                                a problem of FILE contains TEXT
//	noproblem FILE TEXT                              no problem of FILE contains TEXT
//	wrapper X API DEPTH [VIA,...]                    bindings::X lists API at DEPTH (via VIA)
//	nowrapper X                                      bindings::X has no entry
//	notwrapper X API                                 API is not among bindings::X's wrappers
//	first X API                                      API is bindings::X's best wrapper
//	unsafe-last X API                                API is listed, unsafe, after every safe one
func TestCrateFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/crate_*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			var want string
			for _, f := range ar.Files {
				if f.Name == "want" {
					want = string(f.Data)
					continue
				}
				p := filepath.Join(root, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := IndexCrates(root, nil)
			checkWant(t, res, want)
			// A second run reusing every file must give the same result.
			prev := map[string]*CrateFile{}
			for _, f := range res.Files {
				prev[f.Path] = f
			}
			again := IndexCrates(root, prev)
			if diff := cmp.Diff(res.Items, again.Items); diff != "" {
				t.Errorf("reindex with reused files differs (-first +second):\n%s", diff)
			}
		})
	}
}

func checkWant(t *testing.T, res *CrateResult, want string) {
	t.Helper()
	ix := &Index{Items: append([]Item(nil), res.Items...), Wrappers: res.Wrappers}
	ix.Finish()
	for _, line := range strings.Split(want, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		verb, rest, _ := strings.Cut(line, " ")
		f := strings.Fields(rest)
		switch verb {
		case "item":
			it := ix.Lookup(f[0])
			if it == nil {
				t.Errorf("%s: no item", line)
				continue
			}
			if it.Path != f[0] {
				t.Errorf("%s: found as alias of %s", line, it.Path)
			}
			if string(it.Kind) != f[1] {
				t.Errorf("%s: kind %s", line, it.Kind)
			}
			for _, opt := range f[2:] {
				k, v, _ := strings.Cut(opt, "=")
				var got string
				switch k {
				case "aliases":
					got = strings.Join(it.Aliases, ",")
				case "cfg":
					got, v = it.Cfg, normCfg(v)
				case "trait":
					got = it.Trait
				}
				if got != v {
					t.Errorf("%s: %s = %q", line, k, got)
				}
			}
		case "noitem":
			if it := ix.Lookup(f[0]); it != nil {
				t.Errorf("%s: found %s (%s)", line, it.Path, it.Kind)
			}
		case "doc", "sig":
			path, q, _ := strings.Cut(rest, " ")
			wantText, err := strconv.Unquote(q)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			it := ix.Lookup(path)
			if it == nil {
				t.Errorf("%s: no item", line)
				continue
			}
			got := it.Doc
			if verb == "sig" {
				got = it.Sig
			}
			if diff := cmp.Diff(wantText, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", line, diff)
			}
		case "unsafe":
			if it := ix.Lookup(f[0]); it == nil || !it.Unsafe {
				t.Errorf("%s: %+v", line, it)
			}
		case "problem":
			file, text, _ := strings.Cut(rest, " ")
			found := false
			for _, p := range res.Problems {
				if p.File == file && strings.Contains(p.Message, text) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: problems are %+v", line, res.Problems)
			}
		case "noproblem":
			file, text, _ := strings.Cut(rest, " ")
			for _, p := range res.Problems {
				if p.File == file && strings.Contains(p.Message, text) {
					t.Errorf("%s: %+v", line, p)
				}
			}
		case "wrapper":
			ws := res.Wrappers["bindings::"+f[0]]
			var got *Wrapper
			for i := range ws {
				if ws[i].API == f[1] {
					got = &ws[i]
				}
			}
			if got == nil {
				t.Errorf("%s: wrappers are %+v", line, ws)
				continue
			}
			if d, _ := strconv.Atoi(f[2]); got.Depth != d {
				t.Errorf("%s: depth %d", line, got.Depth)
			}
			if len(f) > 3 {
				if diff := cmp.Diff(strings.Split(f[3], ","), got.Via); diff != "" {
					t.Errorf("%s: via (-want +got):\n%s", line, diff)
				}
			}
		case "notwrapper":
			for _, w := range res.Wrappers["bindings::"+f[0]] {
				if w.API == f[1] {
					t.Errorf("%s: listed as %+v", line, w)
				}
			}
		case "nowrapper":
			if ws, ok := res.Wrappers["bindings::"+f[0]]; ok {
				t.Errorf("%s: %+v", line, ws)
			}
		case "first":
			ws := res.Wrappers["bindings::"+f[0]]
			if len(ws) == 0 || ws[0].API != f[1] {
				t.Errorf("%s: wrappers are %+v", line, ws)
			}
		case "unsafe-last":
			ws := res.Wrappers["bindings::"+f[0]]
			at := -1
			for i := range ws {
				if ws[i].API == f[1] {
					at = i
				}
			}
			if at < 0 || !ws[at].Unsafe {
				t.Errorf("%s: wrappers are %+v", line, ws)
				continue
			}
			for _, w := range ws[at:] {
				if !w.Unsafe {
					t.Errorf("%s: safe %s after it", line, w.API)
				}
			}
		default:
			t.Fatalf("bad want line %q", line)
		}
	}
}

// TestCrateBadInput: a binary module file, a symlink loop, a #[path] leaving the tree and a
// module cycle are reported and skipped; the rest of the crate is indexed.
func TestCrateBadInput(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "rust", "kernel")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("lib.rs", `pub mod bin;
pub mod looped;
#[path = "../../../outside.rs"]
pub mod escape;
#[path = "lib.rs"]
pub mod again;
pub fn survivor() {}
`)
	write("bin.rs", "pub fn x() {}\x00\x01\x02")
	if err := os.Symlink("looped.rs", filepath.Join(dir, "looped.rs")); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := os.WriteFile(filepath.Join(root, "outside.rs"), []byte("pub fn leaked() {}"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := IndexCrates(root, nil)
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.Message)
	}
	want := []string{
		"module kernel::bin: rust/kernel/bin.rs is not a text file",
		"module kernel::looped: file not found (tried rust/kernel/looped.rs, rust/kernel/looped/mod.rs)",
		"module kernel::escape: file not found (tried ../outside.rs, outside the tree)",
		"module kernel::again: file rust/kernel/lib.rs is already a module",
		"module macros: file not found: rust/macros/lib.rs",
	}
	sort.Strings(got)
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	ix := &Index{Items: res.Items}
	ix.Finish()
	if ix.Lookup("kernel::survivor") == nil || ix.Lookup("kernel::escape::leaked") != nil || ix.Lookup("kernel::bin::x") != nil {
		t.Errorf("items: %+v", res.Items)
	}
}

// TestCrateFileReuse: CrateFiles survive a gob round trip (the persisted index) and a file
// whose hash matches is taken from prev without being parsed again.
func TestCrateFileReuse(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/crate_calls.txtar")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, f := range ar.Files {
		if f.Name == "want" {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	first := IndexCrates(root, nil)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(first.Files); err != nil {
		t.Fatal(err)
	}
	var files []*CrateFile
	if err := gob.NewDecoder(&buf).Decode(&files); err != nil {
		t.Fatal(err)
	}
	prev := map[string]*CrateFile{}
	for _, f := range files {
		prev[f.Path] = f
	}
	again := IndexCrates(root, prev)
	if diff := cmp.Diff(first.Items, again.Items); diff != "" {
		t.Errorf("items after a gob round trip (-first +again):\n%s", diff)
	}
	if diff := cmp.Diff(first.Wrappers, again.Wrappers); diff != "" {
		t.Errorf("wrappers after a gob round trip (-first +again):\n%s", diff)
	}
	// A reused file is not read again: rename an item in prev, keep the hash.
	task := prev["rust/kernel/task.rs"]
	for i := range task.Items {
		if task.Items[i].Name == "Task" {
			task.Items[i].Name = "FromPrev"
		}
	}
	ix := &Index{Items: IndexCrates(root, prev).Items}
	ix.Finish()
	if ix.Lookup("kernel::task::FromPrev") == nil {
		t.Error("task.rs was parsed again despite a matching hash")
	}
	// A stale hash forces a parse.
	task.Hash = "stale"
	ix = &Index{Items: IndexCrates(root, prev).Items}
	ix.Finish()
	if ix.Lookup("kernel::task::Task") == nil || ix.Lookup("kernel::task::FromPrev") != nil {
		t.Error("task.rs with a stale hash was not parsed again")
	}
}
