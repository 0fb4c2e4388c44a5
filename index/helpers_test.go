// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/index/kerneltest"
)

// Oracles for the real trees, independent of the lexer: a definition is a line-leading
// declaration ending in `rust_helper_X(`, the same regexp the task gives (EXPORT_SYMBOL_GPL(...)
// lines have `rust_helper_X)` and do not match).
var (
	helperDefRE = regexp.MustCompile(`rust_helper_(\w+)\s*\(`)
	linkNameRE  = regexp.MustCompile(`#\[link_name="rust_helper_(\w+)"\]`)
	constDefRE  = regexp.MustCompile(`RUST_CONST_HELPER_(\w+)\s*=`)
)

func oracleHelpers(t *testing.T, root string, files []string) []string {
	t.Helper()
	var names []string
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range helperDefRE.FindAllStringSubmatch(string(b), -1) {
			names = append(names, m[1])
		}
	}
	sort.Strings(names)
	return names
}

func helperNames(hs []Helper, consts bool) []string {
	var names []string
	for _, h := range hs {
		if h.Const == consts {
			names = append(names, h.Name)
		}
	}
	sort.Strings(names)
	return names
}

func TestParseHelpersReal(t *testing.T) {
	for _, tc := range []struct {
		ver, layout, mutexFile string
		cFiles                 func(root string) []string
	}{
		{"6.12", "helpers/", "rust/helpers/mutex.c", func(root string) []string {
			m, _ := filepath.Glob(filepath.Join(root, "rust/helpers/*.c"))
			for i := range m {
				m[i], _ = filepath.Rel(root, m[i])
			}
			return m
		}},
		{"6.1", "helpers.c", "", func(string) []string { return []string{"rust/helpers.c"} }},
	} {
		t.Run(tc.ver, func(t *testing.T) {
			root := kerneltest.Tree(t, tc.ver)
			hs, layout, files, problems := ParseHelpers(root)
			if layout != tc.layout {
				t.Errorf("layout = %q, want %q", layout, tc.layout)
			}
			if len(problems) > 0 {
				t.Errorf("problems: %v", problems)
			}
			cFiles := tc.cFiles(root)
			want := oracleHelpers(t, root, cFiles)
			if len(want) == 0 {
				t.Fatal("oracle found no helper: wrong tree?")
			}
			if d := cmp.Diff(want, helperNames(hs, false)); d != "" {
				t.Errorf("helper definitions (-regexp +parsed):\n%s", d)
			}
			for _, f := range cFiles {
				if !slices.Contains(files, f) {
					t.Errorf("files does not list %s: %v", f, files)
				}
			}

			// bindgen's view: every helper is bindings::X in bindings_helpers_generated.rs.
			gen, err := os.ReadFile(filepath.Join(root, "rust/bindings/bindings_helpers_generated.rs"))
			if err != nil {
				t.Fatal(err)
			}
			var linked []string
			for _, m := range linkNameRE.FindAllStringSubmatch(string(gen), -1) {
				linked = append(linked, m[1])
			}
			sort.Strings(linked)
			if d := cmp.Diff(linked, helperNames(hs, false)); d != "" {
				t.Errorf("helpers vs #[link_name] items of bindings_helpers_generated.rs (-generated +parsed):\n%s", d)
			}

			// RUST_CONST_HELPER_X (6.7 on): compare with a grep of bindings_helper.h.
			bh, err := os.ReadFile(filepath.Join(root, "rust/bindings/bindings_helper.h"))
			if err != nil {
				t.Fatal(err)
			}
			var consts []string
			for _, m := range constDefRE.FindAllStringSubmatch(string(bh), -1) {
				consts = append(consts, m[1])
			}
			sort.Strings(consts)
			if d := cmp.Diff(consts, helperNames(hs, true)); d != "" {
				t.Errorf("RUST_CONST_HELPER constants (-grep +parsed):\n%s", d)
			}

			for _, h := range hs {
				if h.Binding != "bindings::"+h.Name || h.Wraps == "" || h.Sig == "" || h.Return == "" {
					t.Errorf("incomplete helper %+v", h)
				}
				// Loc points at the name.
				b, err := os.ReadFile(filepath.Join(root, h.Loc.File))
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(string(b), "\n")
				if h.Loc.Start.Line < 1 || h.Loc.Start.Line > len(lines) ||
					!strings.HasPrefix(lines[h.Loc.Start.Line-1][h.Loc.Start.Col:], h.CName) {
					t.Errorf("%s: Loc %+v does not point at %s", h.Name, h.Loc, h.CName)
				}
			}

			// Spot checks, positions from a line search of the file.
			byName := map[string]Helper{}
			for _, h := range hs {
				byName[h.Name] = h
			}
			check := func(name, wraps, file, ret string) {
				t.Helper()
				h, ok := byName[name]
				if !ok {
					t.Errorf("no helper %s", name)
					return
				}
				b, _ := os.ReadFile(filepath.Join(root, file))
				line := 0
				for i, l := range strings.Split(string(b), "\n") {
					if strings.Contains(l, "rust_helper_"+name+"(") {
						line = i + 1
						break
					}
				}
				if h.Wraps != wraps || h.Loc.File != file || h.Loc.Start.Line != line || h.Return != ret {
					t.Errorf("%s = wraps %q at %s:%d returning %q; want %q at %s:%d returning %q",
						name, h.Wraps, h.Loc.File, h.Loc.Start.Line, h.Return, wraps, file, line, ret)
				}
			}
			if tc.ver == "6.12" {
				check("mutex_lock", "mutex_lock", "rust/helpers/mutex.c", "void")
				check("ERR_PTR", "ERR_PTR", "rust/helpers/err.c", "void *")
				check("krealloc", "krealloc", "rust/helpers/slab.c", "void *")
				check("get_current", "current", "rust/helpers/task.c", "struct task_struct *")
				check("__spin_lock_init", "__spin_lock_init", "rust/helpers/spinlock.c", "void")
				check("spin_lock", "spin_lock", "rust/helpers/spinlock.c", "void")
				check("BUG", "BUG", "rust/helpers/bug.c", "void")
				k := byName["GFP_KERNEL"]
				if !k.Const || k.Wraps != "GFP_KERNEL" || k.Binding != "bindings::GFP_KERNEL" || k.Return != "gfp_t" {
					t.Errorf("GFP_KERNEL = %+v", k)
				}
			} else {
				check("BUG", "BUG", "rust/helpers.c", "void")
			}
		})
	}
}

// TestParseHelpersFixtures runs the txtar trees of testdata/helpers: each archive is a tree, and
// its "want" file lists one helper a line as `Name wraps Wraps ret Return at File:Line`.
func TestParseHelpersFixtures(t *testing.T) {
	paths, _ := filepath.Glob("testdata/helpers/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			var want, wantLayout, wantProblems string
			for _, f := range ar.Files {
				switch f.Name {
				case "want":
					want = string(f.Data)
					continue
				case "layout":
					wantLayout = strings.TrimSpace(string(f.Data))
					continue
				case "problems":
					wantProblems = string(f.Data)
					continue
				}
				dst := filepath.Join(root, f.Name)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			hs, layout, _, problems := ParseHelpers(root)
			var got strings.Builder
			for _, h := range hs {
				kind := "fn"
				if h.Const {
					kind = "const"
				}
				got.WriteString(kind + " " + h.Name + " wraps " + h.Wraps + " ret " + h.Return + " at " +
					h.Loc.File + ":" + strconv.Itoa(h.Loc.Start.Line) + "\n  " + h.Sig + "\n")
			}
			if d := cmp.Diff(want, got.String()); d != "" {
				t.Errorf("helpers (-want +got):\n%s", d)
			}
			if layout != wantLayout {
				t.Errorf("layout = %q, want %q", layout, wantLayout)
			}
			var gotProblems strings.Builder
			for _, pr := range problems {
				gotProblems.WriteString(pr.File + ":" + strconv.Itoa(pr.Line) + ": " + pr.Message + "\n")
			}
			if d := cmp.Diff(wantProblems, gotProblems.String()); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

func TestHelpersNoTree(t *testing.T) {
	hs, layout, files, problems := ParseHelpers(t.TempDir())
	if hs != nil || layout != "" || files != nil || problems != nil {
		t.Errorf("empty dir: %v %q %v %v", hs, layout, files, problems)
	}
}

func FuzzParseHelpers(f *testing.F) {
	f.Add([]byte("void rust_helper_x(int a)\n{\n\treturn x(a);\n}\n"))
	f.Add([]byte("__noreturn void rust_helper_BUG(void)\n{\n\tBUG();\n}\nEXPORT_SYMBOL_GPL(rust_helper_BUG);\n"))
	f.Add([]byte("void * __must_check __realloc_size(2)\nrust_helper_krealloc(const void *objp, size_t n, gfp_t f)\n{ return krealloc(objp, n, f); }"))
	f.Add([]byte("#include \"helpers.c\"\nint rust_helper_(\n{{{"))
	f.Add([]byte("/* unterminated rust_helper_x( { "))
	f.Fuzz(func(t *testing.T, src []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "rust", "helpers")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "helpers.c"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		hs, _, _, _ := ParseHelpers(root)
		for _, h := range hs {
			if !strings.HasPrefix(h.CName, "rust_helper_") && !h.Const || h.Loc.Start.Line < 1 {
				t.Errorf("bad helper %+v", h)
			}
		}
	})
}

func BenchmarkParseHelpers(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		ParseHelpers(root)
	}
}
