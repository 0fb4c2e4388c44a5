// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

// versionOracle reads the version from the top Makefile with a regexp of its own.
func versionOracle(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(v string) string {
		m := regexp.MustCompile(`(?m)^` + v + ` = ?(.*)$`).FindStringSubmatch(string(b))
		if m == nil {
			t.Fatalf("oracle: no %s in Makefile", v)
		}
		return strings.TrimSpace(m[1])
	}
	return get("VERSION") + "." + get("PATCHLEVEL") + "." + get("SUBLEVEL") + get("EXTRAVERSION")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLocateReal(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			tree := kerneltest.Tree(t, ver)
			src, build := kerneltest.BuildTree(t, ver)
			version := versionOracle(t, tree)
			if !strings.HasPrefix(version, ver+".") {
				t.Fatalf("oracle version %q for %s", version, ver)
			}
			// A module folder with the rust-project.json `make M=dir rust-analyzer` would
			// write: the kernel's own file, copied (it points at the kernel tree).
			module := t.TempDir()
			pj, err := os.ReadFile(filepath.Join(tree, "rust-project.json"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(module, "rust-project.json"), string(pj))
			writeFile(t, filepath.Join(module, "sub", "my_module.rs"), "")
			objModule := t.TempDir()
			pjo, err := os.ReadFile(filepath.Join(build, "rust-project.json"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(objModule, "rust-project.json"), string(pjo))
			// An O= build folder known only by its `source` link.
			linkOnly := t.TempDir()
			if err := os.Symlink(src, filepath.Join(linkOnly, "source")); err != nil {
				t.Fatal(err)
			}
			noBindings := []string{
				"rust/bindings/bindings_generated.rs: not generated yet (run make LLVM=1 rustavailable prepare, or pass --build DIR)",
				"rust/bindings/bindings_helpers_generated.rs: not generated yet (run make LLVM=1 rustavailable prepare, or pass --build DIR)",
			}
			if _, err := os.Stat(filepath.Join(src, "rust/uapi")); err == nil {
				noBindings = append(noBindings, "rust/uapi/uapi_generated.rs: not generated yet (run make LLVM=1 rustavailable prepare, or pass --build DIR)")
			}
			noBindings = append(noBindings, ".config: not configured yet (run make LLVM=1 menuconfig and enable CONFIG_RUST)")

			for _, tc := range []struct {
				name        string
				opt         LocateOptions
				root, build string
				how         string
				missing     []string
			}{
				{"in-tree --kernel", LocateOptions{Kernel: tree}, tree, tree, "--kernel", nil},
				{"--kernel --build", LocateOptions{Kernel: src, Build: build}, src, build, "--kernel", nil},
				{"--build alone", LocateOptions{Build: build}, src, build, "--build", nil},
				{"--kernel given the build folder", LocateOptions{Kernel: build}, src, build, "--kernel", nil},
				{"KDIR source", LocateOptions{KDIR: tree, Workspace: module}, tree, tree, "KDIR", nil},
				{"KDIR O= build", LocateOptions{KDIR: build}, src, build, "KDIR", nil},
				{"KDIR source link only", LocateOptions{KDIR: linkOnly}, src, linkOnly, "KDIR", []string{
					"rust/bindings/bindings_generated.rs: not generated yet (run make O=" + linkOnly + " LLVM=1 rustavailable prepare)",
					"rust/bindings/bindings_helpers_generated.rs: not generated yet (run make O=" + linkOnly + " LLVM=1 rustavailable prepare)",
				}},
				{"flags beat KDIR", LocateOptions{Kernel: tree, KDIR: build}, tree, tree, "--kernel", nil},
				{"pristine: bindings missing", LocateOptions{Kernel: src}, src, src, "--kernel", noBindings},
				{"module rust-project.json", LocateOptions{Workspace: module}, tree, tree, "rust-project.json", nil},
				{"rust-project.json of a parent", LocateOptions{File: filepath.Join(module, "sub", "my_module.rs")}, tree, tree, "rust-project.json", nil},
				{"O= rust-project.json", LocateOptions{Workspace: objModule}, src, build, "rust-project.json", nil},
				{"in-tree rust-project.json", LocateOptions{File: filepath.Join(tree, "samples/rust/rust_minimal.rs")}, tree, tree, "rust-project.json", nil},
				{"walk-up", LocateOptions{File: filepath.Join(src, "samples/rust/rust_minimal.rs")}, src, src, "walk-up", noBindings},
				{"walk-up from workspace", LocateOptions{Workspace: filepath.Join(src, "drivers/net/phy")}, src, src, "walk-up", noBindings},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got, err := Locate(tc.opt)
					if err != nil {
						t.Fatal(err)
					}
					if tc.name == "KDIR source link only" {
						// no uapi/.config there either: only check the first two hints
						got.Missing = got.Missing[:2]
					}
					want := &Tree{Root: tc.root, Build: tc.build, Version: version, How: tc.how, Missing: tc.missing}
					if d := cmp.Diff(want, got); d != "" {
						t.Errorf("Locate(%+v) (-want +got):\n%s", tc.opt, d)
					}
				})
			}
		})
	}
}

func TestLocateFailures(t *testing.T) {
	tmp := t.TempDir()
	notKernel := filepath.Join(tmp, "notkernel")
	writeFile(t, filepath.Join(notKernel, "Makefile"), "all:\n\techo hi\n")
	badJSON := filepath.Join(tmp, "badjson")
	writeFile(t, filepath.Join(badJSON, "rust-project.json"), "{not json")
	stale := filepath.Join(tmp, "stale")
	writeFile(t, filepath.Join(stale, "rust-project.json"),
		`{"crates":[{"display_name":"kernel","root_module":"/nonexistent/krls/rust/kernel/lib.rs"}]}`)
	noKernelCrate := filepath.Join(tmp, "nokernelcrate")
	writeFile(t, filepath.Join(noKernelCrate, "rust-project.json"), `{"crates":[{"display_name":"foo","root_module":"src/lib.rs"}]}`)
	for _, tc := range []struct {
		name string
		opt  LocateOptions
		want []string // substrings of the error
	}{
		{"nothing", LocateOptions{Workspace: notKernel}, []string{"no kernel tree found", "KDIR is not set",
			"no rust-project.json at or above " + notKernel, "no folder with Kconfig and rust/kernel/lib.rs at or above " + notKernel}},
		{"--kernel missing", LocateOptions{Kernel: filepath.Join(tmp, "nope")}, []string{"--kernel " + filepath.Join(tmp, "nope"), "no such file"}},
		{"--kernel not a kernel", LocateOptions{Kernel: notKernel}, []string{"not a kernel tree"}},
		{"--kernel a file", LocateOptions{Kernel: filepath.Join(notKernel, "Makefile")}, []string{"not a folder"}},
		{"--build without source", LocateOptions{Build: notKernel}, []string{"cannot find its source tree"}},
		{"bad KDIR", LocateOptions{KDIR: notKernel, Workspace: notKernel}, []string{"KDIR=" + notKernel + ": not a kernel tree"}},
		{"bad json", LocateOptions{Workspace: badJSON}, []string{"rust-project.json: not valid JSON"}},
		{"stale json", LocateOptions{Workspace: stale}, []string{"/nonexistent/krls, which does not exist"}},
		{"no kernel crate", LocateOptions{Workspace: noKernelCrate}, []string{"no kernel crate"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Locate(tc.opt)
			if err == nil {
				t.Fatalf("Locate(%+v) = %+v, want an error", tc.opt, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// A symlink loop on the way up neither traps the walk nor hides the tree above it.
func TestLocateSymlinkLoop(t *testing.T) {
	k := t.TempDir()
	writeFile(t, filepath.Join(k, "Makefile"), "VERSION = 6\nPATCHLEVEL = 99\nSUBLEVEL = 0\nEXTRAVERSION = -rc1\n")
	writeFile(t, filepath.Join(k, "Kconfig"), "mainmenu \"x\"\n")
	writeFile(t, filepath.Join(k, "rust/kernel/lib.rs"), "")
	loop := filepath.Join(k, "drivers", "loop")
	if err := os.MkdirAll(filepath.Dir(loop), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	got, err := Locate(LocateOptions{File: filepath.Join(loop, "loop", "x.rs")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Root != k || got.How != "walk-up" || got.Version != "6.99.0-rc1" {
		t.Errorf("got %+v", got)
	}
	// A loop with no tree above: a clean error.
	other := t.TempDir()
	l2 := filepath.Join(other, "l")
	if err := os.Symlink(l2, l2); err != nil {
		t.Fatal(err)
	}
	if _, err := Locate(LocateOptions{File: filepath.Join(l2, "l", "x.rs")}); err == nil || !strings.Contains(err.Error(), "no kernel tree found") {
		t.Errorf("err = %v", err)
	}
}
