// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"krls.dev/krls/index/kerneltest"
)

// TestCrateWrappers612 pins the wrapper map on 6.12 for the bindings krls's main diagnostic
// cares most about. Each expectation was read from the 6.12 sources (quoted in the comments);
// the test also checks that the kernel file still calls the binding where the comment says, so
// a tree that moved the call fails loudly instead of silently agreeing.
func TestCrateWrappers612(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	res := IndexCrates(root, nil)
	tests := []struct {
		binding string
		file    string // where the kernel calls bindings::X
		api     string // a wrapper that must be listed
		depth   int
		first   bool // api is the best wrapper
		unsafe  bool
	}{
		// sync/lock.rs: `impl<T, B: Backend> Lock<T, B> { pub fn lock(&self) -> Guard<'_, T, B>
		// { ... unsafe { B::lock(self.state.get()) } ...`; sync/lock/mutex.rs:
		// `pub type Mutex<T> = super::Lock<T, MutexBackend>;` and `unsafe impl super::Backend
		// for MutexBackend { ... unsafe fn lock(ptr) { unsafe { bindings::mutex_lock(ptr) } }`.
		{"mutex_lock", "sync/lock/mutex.rs", "kernel::sync::Mutex::lock", 2, true, false},
		// sync/lock/spinlock.rs: the same through `pub type SpinLock<T> =
		// super::Lock<T, SpinLockBackend>` and `bindings::spin_lock(ptr)`.
		{"spin_lock", "sync/lock/spinlock.rs", "kernel::sync::SpinLock::lock", 2, true, false},
		// print.rs: `macro_rules! pr_info ( ... $crate::print_macro!($crate::print::format_strings::INFO,
		// false, $($arg)*) )`, print_macro! calls `$crate::print::call_printk(...)`, which calls
		// `bindings::_printk`. call_printk and print_macro are #[doc(hidden)], so the pr_* macros
		// (all at depth 3) come first; pr_err is shorter than pr_info, hence not first.
		{"_printk", "print.rs", "kernel::pr_info", 3, false, false},
		// alloc/allocator.rs: `const KREALLOC: Self = Self(bindings::krealloc);`,
		// `unsafe impl Allocator for Kmalloc { unsafe fn realloc(..) { ReallocFunc::KREALLOC.call(..) } }`
		// and alloc.rs: the trait's default `fn alloc(layout, flags) { Self::realloc(None, ..) }`:
		// Kmalloc::alloc is the safe allocator API. KBox::new (`pub type KBox<T> = Box<T,
		// super::allocator::Kmalloc>`; Box::new -> Box::new_uninit -> A::alloc) is deeper.
		{"krealloc", "alloc/allocator.rs", "kernel::alloc::allocator::Kmalloc::alloc", 3, false, false},
		{"krealloc", "alloc/allocator.rs", "kernel::alloc::KBox::new", 5, false, false},
		// sync/arc.rs: `impl<T: ?Sized> Clone for Arc<T> { fn clone(&self) -> Self { ...
		// unsafe { bindings::refcount_inc(self.ptr.as_ref().refcount.get()) }; ...`; `mod arc` is
		// private, `pub use arc::{Arc, ...}` in sync.rs makes it kernel::sync::Arc.
		{"refcount_inc", "sync/arc.rs", "kernel::sync::Arc::clone", 1, true, false},
		// task.rs: `pub fn wake_up(&self) { unsafe { bindings::wake_up_process(self.0.get()) }; }`.
		{"wake_up_process", "task.rs", "kernel::task::Task::wake_up", 1, true, false},
		// workqueue.rs: `impl Queue { pub fn enqueue<W, const ID: u64>(&self, w: W) -> W::EnqueueOutput
		// { ... w.__enqueue(move |work_ptr| { bindings::queue_work_on(...) }) ...`.
		{"queue_work_on", "workqueue.rs", "kernel::workqueue::Queue::enqueue", 1, true, false},
		// rbtree.rs: `pub fn insert(&mut self, node) { match self.raw_entry(..) { ...
		// RawEntry::Vacant(entry) => { entry.insert(node); ...` and the private
		// `impl RawVacantEntry { fn insert(..) { ... bindings::rb_insert_color(..) } }`.
		{"rb_insert_color", "rbtree.rs", "kernel::rbtree::RBTree::insert", 2, true, false},
		// firmware.rs: `impl Drop for Firmware { fn drop(&mut self) { unsafe {
		// bindings::release_firmware(self.as_raw()) }; } }`: dropping a Firmware releases it.
		{"release_firmware", "firmware.rs", "kernel::firmware::Firmware::drop", 1, true, false},
		// net/phy.rs: `impl Device { pub fn read_paged(&mut self, page: u16, regnum: u16) ->
		// Result<u16> { ... bindings::phy_read_paged(phydev, page.into(), regnum.into()) ...`.
		{"phy_read_paged", "net/phy.rs", "kernel::net::phy::Device::read_paged", 1, true, false},
		// task.rs: `macro_rules! current { () => { unsafe { &*$crate::task::Task::current() } } }`
		// and `pub unsafe fn current() -> impl Deref<Target = Task> { ... bindings::get_current() ...`.
		// In 6.12 Task::current is unsafe: the safe API is the current! macro.
		{"get_current", "task.rs", "kernel::current", 2, true, false},
		{"get_current", "task.rs", "kernel::task::Task::current", 1, false, true},
		// page.rs: `fn with_page_mapped(..) { ... bindings::kmap_local_page(self.as_ptr()) ...`
		// is private; with_pointer_into_page (private) calls it, and the public callers are
		// `pub unsafe fn read_raw` / `write_raw` / `fill_zero_raw` /
		// `copy_from_user_slice_raw`: in 6.12 no safe API maps a page, so the best wrapper
		// is an unsafe one (flagged Unsafe).
		{"kmap_local_page", "page.rs", "kernel::page::Page::read_raw", 3, false, true},
		{"kmap_local_page", "page.rs", "kernel::page::Page::write_raw", 3, false, true},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(filepath.Join(root, "rust/kernel", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "bindings::"+tt.binding) {
			t.Errorf("%s no longer names bindings::%s", tt.file, tt.binding)
		}
		ws := res.Wrappers["bindings::"+tt.binding]
		at := -1
		for i, w := range ws {
			if w.API == tt.api {
				at = i
			}
		}
		if at < 0 {
			t.Errorf("%s: %s not listed in %+v", tt.binding, tt.api, ws)
			continue
		}
		w := ws[at]
		if w.Depth != tt.depth || w.Unsafe != tt.unsafe {
			t.Errorf("%s: %s depth %d unsafe %v, want %d %v (via %v)", tt.binding, tt.api, w.Depth, w.Unsafe, tt.depth, tt.unsafe, w.Via)
		}
		if tt.first && at != 0 {
			t.Errorf("%s: %s is #%d, first is %+v", tt.binding, tt.api, at, ws[0])
		}
		if tt.unsafe && tt.first == false {
			// Every safe wrapper comes before the unsafe ones.
			for _, o := range ws[at:] {
				if !o.Unsafe {
					t.Errorf("%s: safe %s after unsafe %s", tt.binding, o.API, tt.api)
				}
			}
		}
		if tt.binding == "_printk" && ws[0].Depth != tt.depth {
			t.Errorf("_printk: best wrapper %+v is not a pr_* macro at depth %d", ws[0], tt.depth)
		}
	}
}

// TestCrateWrappers61 checks the small 6.1 kernel crate. Its print.rs has the same pr_info!
// -> print_macro! -> call_printk -> bindings::_printk chain. Its allocator.rs implements
// GlobalAlloc for a private KernelAllocator calling bindings::krealloc: users allocate with
// the alloc crate's Box/Vec, so no kernel:: API wraps krealloc there. mutex_lock, spin_lock
// and refcount_inc are named nowhere in 6.1's kernel crate (checked by grep below).
func TestCrateWrappers61(t *testing.T) {
	root := kerneltest.Tree(t, "6.1")
	res := IndexCrates(root, nil)
	named := grepBindings(t, filepath.Join(root, "rust/kernel"))
	if !named["_printk"] || !named["krealloc"] {
		t.Fatalf("6.1 kernel crate should name bindings::_printk and bindings::krealloc: %v", named)
	}
	found := false
	for _, w := range res.Wrappers["bindings::_printk"] {
		if w.API == "kernel::pr_info" && w.Depth == 3 && !w.Unsafe {
			found = true
		}
	}
	if !found {
		t.Errorf("_printk: kernel::pr_info missing from %+v", res.Wrappers["bindings::_printk"])
	}
	if ws, ok := res.Wrappers["bindings::krealloc"]; ok {
		t.Errorf("krealloc: no public kernel API should reach it in 6.1, got %+v", ws)
	}
	for _, b := range []string{"mutex_lock", "spin_lock", "refcount_inc"} {
		ws, ok := res.Wrappers["bindings::"+b]
		if ok != named[b] {
			t.Errorf("%s: named in the crate %v, in the map %v (%+v)", b, named[b], ok, ws)
		}
	}
}

var bindingRef = regexp.MustCompile(`\bbindings::(\w+)`)

func grepBindings(t *testing.T, dir string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || !strings.HasSuffix(p, ".rs") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range bindingRef.FindAllStringSubmatch(string(data), -1) {
			out[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCrateItemsOracle compares, file by file, the `pub` items of the index with an
// independent count: a line scan of every file whose module is public all the way from
// lib.rs (found with its own `pub mod` scan), counting lines `pub [unsafe|const|extern ..] fn
// NAME`, `pub struct NAME`, ... that are code (doc comment lines start with /// or //! and
// never match), outside macro_rules! bodies, outside `#[cfg(test)]` items and private inline
// modules, and outside impl blocks of types the file does not declare pub. Documented
// exclusions: items generated by macros are invisible to both.
func TestCrateItemsOracle(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			res := IndexCrates(root, nil)
			oracle := oracleItems(t, root)
			if len(oracle) < 5 {
				t.Fatalf("oracle found only %d public files", len(oracle))
			}
			got := map[string][]int{}
			files := map[string][]string{}
			for _, it := range res.Items {
				if it.Source != SourceKernel || !strings.HasPrefix(it.Sig, "pub ") || it.Kind == KindMod || it.Kind == KindField || it.Kind == KindMacro {
					continue
				}
				if _, ok := oracle[it.Loc.File]; !ok {
					continue
				}
				if files[it.Loc.File] == nil {
					files[it.Loc.File] = readLines(t, filepath.Join(root, it.Loc.File))
				}
				// Items a macro call declares (declare_err!(EPERM, ...)) are checked by
				// TestCrateKernel612, not by this line scan.
				if l := files[it.Loc.File][it.Loc.Start.Line-1]; strings.Contains(l, "!(") && !oraclePubItem.MatchString(l) {
					continue
				}
				got[it.Loc.File] = append(got[it.Loc.File], it.Loc.Start.Line)
			}
			total, match := 0, 0
			for file, want := range oracle {
				g := got[file]
				sort.Ints(g)
				total += len(want)
				missing, extra := diffLines(want, g)
				match += len(want) - len(missing)
				if len(missing)+len(extra) > 0 {
					t.Errorf("%s: lines only in the oracle %v, only in the index %v", file, missing, extra)
				}
			}
			t.Logf("%s: %d public files, %d pub items by the oracle, %d matched by the index", ver, len(oracle), total, match)
		})
	}
}

func diffLines(want, got []int) (missing, extra []int) {
	w := map[int]bool{}
	for _, l := range want {
		w[l] = true
	}
	g := map[int]bool{}
	for _, l := range got {
		g[l] = true
		if !w[l] {
			extra = append(extra, l)
		}
	}
	for _, l := range want {
		if !g[l] {
			missing = append(missing, l)
		}
	}
	return missing, extra
}

var (
	oraclePubItem = regexp.MustCompile(`^\s*pub (unsafe |const |async |extern "C" )*(fn|struct|enum|union|trait|type|const|static) [A-Za-z_]\w*`)
	oraclePubMod  = regexp.MustCompile(`^pub mod (\w+);`)
	oracleImpl    = regexp.MustCompile(`^(unsafe )?impl\b(<[^{]*?>)?\s+([\w:]+::)?(\w+)`)
	oracleForImpl = regexp.MustCompile(`\bfor\s+([\w:]+::)?(\w+)`)
	oracleDecl    = regexp.MustCompile(`^pub (struct|enum|union|type|trait) (\w+)`)
)

// oracleItems returns, for each file whose module is public, the lines of its pub items.
func oracleItems(t *testing.T, root string) map[string][]int {
	t.Helper()
	out := map[string][]int{}
	var walk func(rel string, depth int)
	walk = func(rel string, depth int) {
		if depth > 8 {
			return
		}
		lines := readLines(t, filepath.Join(root, rel))
		out[rel] = oracleFileItems(lines)
		dir := filepath.Dir(rel)
		base := filepath.Base(rel)
		if base != "lib.rs" && base != "mod.rs" {
			dir = filepath.Join(dir, strings.TrimSuffix(base, ".rs"))
		}
		for i, l := range lines {
			m := oraclePubMod.FindStringSubmatch(l)
			if m == nil || i > 0 && strings.Contains(lines[i-1], "#[path") || i > 0 && testCfg(lines[i-1]) {
				continue
			}
			for _, cand := range []string{filepath.Join(dir, m[1]+".rs"), filepath.Join(dir, m[1], "mod.rs")} {
				if _, err := os.Stat(filepath.Join(root, cand)); err == nil {
					walk(filepath.ToSlash(cand), depth+1)
					break
				}
			}
		}
	}
	walk("rust/kernel/lib.rs", 0)
	return out
}

func testCfg(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasPrefix(l, "#[cfg(") && regexp.MustCompile(`\b(test|testlib)\b`).MatchString(l) && !strings.Contains(l, "not(")
}

func oracleFileItems(lines []string) []int {
	declared := map[string]bool{}
	for _, l := range lines {
		if m := oracleDecl.FindStringSubmatch(l); m != nil {
			declared[m[2]] = true
		}
	}
	var out []int
	skipUntil := "" // the closing line of a skipped region
	for i, l := range lines {
		if skipUntil != "" {
			if l == skipUntil {
				skipUntil = ""
			}
			continue
		}
		indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
		trim := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(trim, "macro_rules!"):
			if !strings.HasSuffix(trim, ";") {
				skipUntil = indent + "}"
				if strings.HasSuffix(trim, "(") {
					skipUntil = indent + ");"
				}
			}
			continue
		case strings.HasPrefix(trim, "mod ") && strings.HasSuffix(trim, "{"),
			i > 0 && testCfg(lines[i-1]) && strings.HasSuffix(trim, "{"):
			skipUntil = indent + "}"
			continue
		case indent == "" && oracleImpl.MatchString(l):
			name := oracleImpl.FindStringSubmatch(l)[4]
			if m := oracleForImpl.FindStringSubmatch(l); m != nil {
				name = m[2]
			}
			if !declared[name] && strings.HasSuffix(trim, "{") {
				skipUntil = "}"
			}
			continue
		}
		if oraclePubItem.MatchString(l) && !(i > 0 && testCfg(lines[i-1])) {
			out = append(out, i+1)
		}
	}
	return out
}

func readLines(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// TestCrateKernel612 checks re-exports, docs and cfgs on the real 6.12 crate.
func TestCrateKernel612(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	res := IndexCrates(root, nil)
	ix := &Index{Items: res.Items}
	ix.Finish()
	// The released tree builds: every module file exists and parses.
	for _, p := range res.Problems {
		t.Errorf("problem on a pristine 6.12 tree: %+v", p)
	}

	// No #[path] in 6.12's kernel crate: each file's module follows from its path.
	for _, f := range res.Files {
		want := "macros"
		if rest, ok := strings.CutPrefix(f.Path, "rust/kernel/"); ok {
			rest = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(rest, ".rs"), "/mod"), "lib")
			want = strings.TrimSuffix("kernel::"+strings.ReplaceAll(rest, "/", "::"), "::")
		}
		if f.Module != want {
			t.Errorf("%s: module %q, want %q", f.Path, f.Module, want)
		}
	}
	if len(res.Files) < 40 {
		t.Errorf("only %d files indexed", len(res.Files))
	}
	// prelude.rs: `pub use crate::alloc::{flags::*, Box, KBox, ...}`; alloc.rs:
	// `pub use self::kbox::KBox;`: one item, both paths.
	a, b := ix.Lookup("kernel::prelude::KBox"), ix.Lookup("kernel::alloc::KBox")
	if a == nil || a != b || a.Kind != KindType {
		t.Errorf("KBox: prelude %+v, alloc %+v", a, b)
	}
	// prelude.rs: `pub use macros::{module, ...}`.
	if m := ix.Lookup("kernel::prelude::module"); m == nil || m.Path != "macros::module" || m.Kind != KindMacro {
		t.Errorf("kernel::prelude::module: %+v", m)
	}
	if m := ix.Lookup("kernel::pr_info"); m == nil || m.Kind != KindMacro {
		t.Errorf("kernel::pr_info: %+v", m)
	}
	// error.rs: `pub mod code { macro_rules! declare_err { ... pub const $err: super::Error = ...
	// } declare_err!(EPERM, "Operation not permitted."); ... }`, re-exported by the prelude's
	// `pub use super::error::{code::*, ...}`: one const per declare_err! line.
	declared := regexp.MustCompile(`^\s*declare_err!\((\w+),\s*"([^"]*)"`)
	n := 0
	for _, l := range readLines(t, filepath.Join(root, "rust/kernel/error.rs")) {
		m := declared.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		c := ix.Lookup("kernel::prelude::" + m[1])
		if c == nil || c.Path != "kernel::error::code::"+m[1] || c.Kind != KindConst || c.Doc != m[2] {
			t.Errorf("%s: %+v", m[1], c)
		}
	}
	if n < 20 {
		t.Errorf("only %d declare_err! lines in error.rs", n)
	}
	mutex := ix.Lookup("kernel::sync::Mutex")
	if mutex == nil || mutex.Doc == "" || strings.Contains(mutex.Doc, "///") {
		t.Errorf("kernel::sync::Mutex doc: %+v", mutex)
	}
	if lock := ix.Lookup("kernel::sync::Mutex::lock"); lock == nil || lock.Path != "kernel::sync::lock::Lock::lock" {
		t.Errorf("kernel::sync::Mutex::lock: %+v", lock)
	}
	if ml := ix.Lookup("kernel::sync::lock::mutex::MutexBackend::lock"); ml == nil || ml.Trait != "kernel::sync::lock::Backend" || !ml.Unsafe {
		t.Errorf("MutexBackend::lock: %+v", ml)
	}
	// A cfg'd module, found by grep: `#[cfg(CONFIG_X)]` on the line before `pub mod y;` in lib.rs.
	lines := readLines(t, filepath.Join(root, "rust/kernel/lib.rs"))
	cfgMod := regexp.MustCompile(`^#\[cfg\((CONFIG_\w+)\)\]$`)
	checked := 0
	for i := 0; i+1 < len(lines); i++ {
		m := cfgMod.FindStringSubmatch(lines[i])
		pm := oraclePubMod.FindStringSubmatch(lines[i+1])
		if m == nil || pm == nil {
			continue
		}
		checked++
		mod := ix.Lookup("kernel::" + pm[1])
		if mod == nil || !strings.Contains(mod.Cfg, m[1]) {
			t.Errorf("kernel::%s: want cfg %s, got %+v", pm[1], m[1], mod)
		}
		for _, it := range res.Items {
			if strings.HasPrefix(it.Path, "kernel::"+pm[1]+"::") && !strings.Contains(it.Cfg, m[1]) {
				t.Errorf("%s: cfg %q lacks %s", it.Path, it.Cfg, m[1])
			}
		}
	}
	if checked == 0 {
		t.Error("no cfg'd pub mod found in lib.rs")
	}
	for _, it := range res.Items {
		if markerOutsideCode(it.Doc) {
			t.Errorf("%s: doc keeps comment markers", it.Path)
		}
		if strings.Contains(it.Sig, "\n") || strings.HasSuffix(it.Sig, "{") {
			t.Errorf("%s: sig %q", it.Path, it.Sig)
		}
	}
}

// markerOutsideCode reports a doc line starting with /// or //! outside fenced code blocks
// (examples may contain doc comments of their own).
func markerOutsideCode(doc string) bool {
	fenced := false
	for _, l := range strings.Split(doc, "\n") {
		tl := strings.TrimSpace(l)
		if strings.HasPrefix(tl, "```") {
			fenced = !fenced
			continue
		}
		if !fenced && (strings.HasPrefix(tl, "///") || strings.HasPrefix(tl, "//!")) {
			return true
		}
	}
	return false
}
