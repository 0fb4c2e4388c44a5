// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// LocateOptions says where to look for the kernel tree.
type LocateOptions struct {
	// Kernel and Build are the --kernel and --build flags: the source tree, and the O= build
	// tree holding the generated bindings.
	Kernel, Build string
	// KDIR is the KDIR environment variable of an out-of-tree module's Makefile.
	KDIR string
	// Workspace is the editor's root folder, or the working directory.
	Workspace string
	// File is a file being edited; may be "".
	File string
}

// Tree is a located kernel tree.
type Tree struct {
	Root    string // absolute source tree
	Build   string // absolute build tree; == Root for in-tree builds
	Version string // "6.12.117" from the top Makefile, "" if unknown
	// How says which rule found the tree: "--kernel", "--build", "KDIR", "rust-project.json"
	// or "walk-up".
	How string
	// Missing lists the absent parts, each with a hint to produce it.
	Missing []string
}

// Locate finds the kernel tree, trying in order: the --kernel/--build flags, KDIR, the
// rust-project.json of the workspace (or of a parent folder) written by `make rust-analyzer`
// or `make M=dir rust-analyzer`, and the folders above File (or Workspace) for one holding
// Kconfig and rust/kernel/lib.rs. A build tree given where a source tree is expected is
// followed to its source through its Makefile (`include /src/Makefile`, scripts/mkmakefile)
// or its `source` symlink. Missing generated files are listed in Tree.Missing, not errors;
// the error says what was tried when no tree is found at all.
func Locate(o LocateOptions) (*Tree, error) {
	var tried []string
	switch {
	case o.Kernel != "":
		root, build, err := locateDir(o.Kernel)
		if err != nil {
			return nil, fmt.Errorf("--kernel %s: %w", o.Kernel, err)
		}
		if o.Build != "" {
			b, err := locateBuild(o.Build)
			if err != nil {
				return nil, fmt.Errorf("--build %s: %w", o.Build, err)
			}
			build = b
		}
		return newTree(root, build, "--kernel", o.Build != ""), nil
	case o.Build != "":
		b, err := locateBuild(o.Build)
		if err != nil {
			return nil, fmt.Errorf("--build %s: %w", o.Build, err)
		}
		root := locateSourceOf(b)
		if root == "" {
			if locIsSource(b) {
				root = b
			} else {
				return nil, fmt.Errorf("--build %s: cannot find its source tree (no `include .../Makefile` in its Makefile, no `source` link); pass --kernel too", o.Build)
			}
		}
		return newTree(root, b, "--build", true), nil
	}
	if o.KDIR != "" {
		root, build, err := locateDir(o.KDIR)
		if err == nil {
			return newTree(root, build, "KDIR", root != build), nil
		}
		tried = append(tried, fmt.Sprintf("KDIR=%s: %v", o.KDIR, err))
	} else {
		tried = append(tried, "KDIR is not set")
	}

	starts := locateStarts(o)
	if len(starts) == 0 {
		tried = append(tried, "no workspace folder or file to start from")
	}
	for _, dir := range starts {
		t, why := locateProject(dir)
		if t != nil {
			return t, nil
		}
		tried = append(tried, why)
	}
	for _, dir := range starts {
		if root := locateWalkUp(dir); root != "" {
			return newTree(root, root, "walk-up", false), nil
		}
		tried = append(tried, "no folder with Kconfig and rust/kernel/lib.rs at or above "+dir)
	}
	return nil, errors.New("no kernel tree found: pass --kernel DIR (and --build DIR for an O= build) or set KDIR; tried: " +
		strings.Join(tried, "; "))
}

// locateStarts returns the absolute folders to search from: File's folder, then Workspace.
func locateStarts(o LocateOptions) []string {
	var out []string
	add := func(p string) {
		if p == "" {
			return
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return
		}
		for _, x := range out {
			if x == a {
				return
			}
		}
		out = append(out, a)
	}
	if o.File != "" {
		add(filepath.Dir(o.File))
	}
	add(o.Workspace)
	return out
}

// locateDir takes a folder that should be a kernel: a source tree (build = root) or an O=
// build tree (root found from it).
func locateDir(dir string) (root, build string, err error) {
	a, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if !locIsDir(a) {
		if _, err := os.Stat(a); err != nil {
			return "", "", err
		}
		return "", "", errors.New("not a folder")
	}
	if locIsSource(a) {
		return a, a, nil
	}
	if src := locateSourceOf(a); src != "" {
		return src, a, nil
	}
	return "", "", errors.New("not a kernel tree (no top Makefile with VERSION and PATCHLEVEL, " +
		"nor an O= build folder whose Makefile includes one)")
}

func locateBuild(dir string) (string, error) {
	a, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if !locIsDir(a) {
		if _, err := os.Stat(a); err != nil {
			return "", err
		}
		return "", errors.New("not a folder")
	}
	return a, nil
}

var (
	locVersionRE = regexp.MustCompile(`^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\s*=\s*(\S*)`)
	// scripts/mkmakefile writes `include /abs/src/Makefile`; older ones `MAKEARGS := -C /abs/src`.
	locIncludeRE = regexp.MustCompile(`^\s*(?:include\s+(\S+)/Makefile|MAKEARGS\s*:=\s*-C\s+(\S+))`)
)

// locMakefileVars reads the version variables of a top Makefile (the first 64 lines).
func locMakefileVars(dir string) map[string]string {
	f, err := os.Open(filepath.Join(dir, "Makefile"))
	if err != nil {
		return nil
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 0; n < 64 && sc.Scan(); n++ {
		if m := locVersionRE.FindStringSubmatch(sc.Text()); m != nil {
			if _, dup := vars[m[1]]; !dup {
				vars[m[1]] = m[2]
			}
		}
	}
	return vars
}

// locIsSource reports whether dir is the top of a kernel source tree.
func locIsSource(dir string) bool {
	v := locMakefileVars(dir)
	_, ok1 := v["VERSION"]
	_, ok2 := v["PATCHLEVEL"]
	return ok1 && ok2
}

// locateSourceOf returns the source tree of an O= build tree, or "".
func locateSourceOf(build string) string {
	if f, err := os.Open(filepath.Join(build, "Makefile")); err == nil {
		sc := bufio.NewScanner(f)
		for n := 0; n < 32 && sc.Scan(); n++ {
			m := locIncludeRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			p := m[1] + m[2]
			if !filepath.IsAbs(p) {
				p = filepath.Join(build, p)
			}
			if p = filepath.Clean(p); p != build && locIsSource(p) {
				f.Close()
				return p
			}
		}
		f.Close()
	}
	if p, err := filepath.EvalSymlinks(filepath.Join(build, "source")); err == nil && p != build && locIsSource(p) {
		return p
	}
	return ""
}

func newTree(root, build, how string, explicitBuild bool) *Tree {
	t := &Tree{Root: root, Build: build, How: how}
	if v := locMakefileVars(root); v != nil && v["VERSION"] != "" {
		t.Version = v["VERSION"] + "." + v["PATCHLEVEL"]
		if v["SUBLEVEL"] != "" {
			t.Version += "." + v["SUBLEVEL"]
		}
		t.Version += v["EXTRAVERSION"]
	}
	hint := "run make LLVM=1 rustavailable prepare, or pass --build DIR"
	if build != root || explicitBuild {
		hint = "run make O=" + build + " LLVM=1 rustavailable prepare"
	}
	if !locIsFile(filepath.Join(root, "rust/kernel/lib.rs")) {
		t.Missing = append(t.Missing, "rust/kernel/lib.rs: not in the source tree (a kernel without Rust support, older than 6.1?)")
	}
	gen := []string{"rust/bindings/bindings_generated.rs", "rust/bindings/bindings_helpers_generated.rs"}
	if locIsDir(filepath.Join(root, "rust/uapi")) {
		gen = append(gen, "rust/uapi/uapi_generated.rs")
	}
	for _, g := range gen {
		if !locIsFile(filepath.Join(build, g)) {
			t.Missing = append(t.Missing, g+": not generated yet ("+hint+")")
		}
	}
	if !locIsFile(filepath.Join(build, ".config")) {
		t.Missing = append(t.Missing, ".config: not configured yet (run make LLVM=1 menuconfig and enable CONFIG_RUST)")
	}
	return t
}

// maxProjectJSON bounds rust-project.json; 6.12's is 1.4 MB.
const maxProjectJSON = 64 << 20

// locateProject looks for rust-project.json in dir and its parents, and derives the tree from
// the kernel crate it describes. The second result says why nothing was found.
func locateProject(dir string) (*Tree, string) {
	for d := dir; ; {
		p := filepath.Join(d, "rust-project.json")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			if st.Size() > maxProjectJSON {
				return nil, p + ": too large"
			}
			t, err := locateFromProject(p)
			if err != nil {
				return nil, p + ": " + err.Error()
			}
			return t, ""
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil, "no rust-project.json at or above " + dir
		}
		d = parent
	}
}

type locProject struct {
	Crates []struct {
		DisplayName    string            `json:"display_name"`
		RootModule     string            `json:"root_module"`
		Env            map[string]string `json:"env"`
		ProcMacroDylib string            `json:"proc_macro_dylib_path"`
		Source         *struct {
			IncludeDirs []string `json:"include_dirs"`
		} `json:"source"`
	} `json:"crates"`
}

// locateFromProject derives Root from the kernel crate's root_module (<src>/rust/kernel/lib.rs)
// and Build from the OBJTREE env of the kernel or bindings crate (scripts/generate_rust_analyzer.py),
// else from their include_dirs (<obj>/rust), else from the macros crate's
// proc_macro_dylib_path (<obj>/rust/libmacros.so), else Root.
func locateFromProject(path string) (*Tree, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pj locProject
	if err := json.Unmarshal(b, &pj); err != nil {
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	base := filepath.Dir(path)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return filepath.Clean(p)
		}
		return filepath.Join(base, p)
	}
	var root, build string
	for _, c := range pj.Crates {
		rm := filepath.ToSlash(abs(c.RootModule))
		if strings.HasSuffix(rm, "/rust/kernel/lib.rs") && (c.DisplayName == "kernel" || root == "") {
			root = filepath.FromSlash(strings.TrimSuffix(rm, "/rust/kernel/lib.rs"))
		}
	}
	if root == "" {
		return nil, errors.New("no kernel crate (root_module .../rust/kernel/lib.rs)")
	}
	for _, c := range pj.Crates {
		if c.DisplayName != "kernel" && c.DisplayName != "bindings" {
			continue
		}
		if o := c.Env["OBJTREE"]; o != "" && build == "" {
			build = abs(o)
		}
		if c.Source != nil && build == "" {
			for _, inc := range c.Source.IncludeDirs {
				inc = abs(inc)
				if filepath.Base(inc) == "rust" && filepath.Dir(inc) != root {
					build = filepath.Dir(inc)
				}
			}
		}
	}
	if build == "" {
		for _, c := range pj.Crates {
			if d := filepath.ToSlash(abs(c.ProcMacroDylib)); c.DisplayName == "macros" && strings.HasSuffix(d, "/rust/libmacros.so") {
				build = filepath.FromSlash(strings.TrimSuffix(d, "/rust/libmacros.so"))
			}
		}
	}
	if build == "" {
		build = root
	}
	if !locIsDir(root) {
		return nil, fmt.Errorf("its kernel crate points at %s, which does not exist (stale file? rerun make rust-analyzer)", root)
	}
	if !locIsDir(build) {
		build = root
	}
	return newTree(root, build, "rust-project.json", build != root), nil
}

// locateWalkUp returns the first folder at or above dir holding Kconfig and rust/kernel/lib.rs.
// The walk is lexical (filepath.Dir), so a symlink loop on the way cannot trap it; a stat that
// fails (ELOOP, EACCES) just means "not here".
func locateWalkUp(dir string) string {
	for d := dir; ; {
		if locIsFile(filepath.Join(d, "Kconfig")) && locIsFile(filepath.Join(d, "rust", "kernel", "lib.rs")) {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

func locIsDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func locIsFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
