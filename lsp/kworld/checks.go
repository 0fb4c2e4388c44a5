// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/dirent"
	"krls.dev/krls/kconfig/kbuild"
	"krls.dev/krls/lsp/check"
)

func init() {
	for _, c := range checks {
		check.Register(c)
	}
}

const (
	kbuildDoc  = "Documentation/kbuild/makefiles.rst"
	kconfigDoc = "Documentation/kbuild/kconfig-language.rst"
)

var checks = []*check.Check{
	{
		ID: "kconfig-syntax", Name: "Kconfig syntax error", Severity: check.Error, Langs: []string{LangKconfig},
		Summary: "A line scripts/kconfig/parser.y rejects.",
		Why:     "conf stops at the first syntax error of any Kconfig file, so no configuration (and no build) is possible until it is fixed. krls reports every error of the file, each at its line.",
		Source:  kconfigDoc + ", scripts/kconfig/parser.y",
		Example: "config FOO\n\ttristate \"Foo\"\n\tdepends RUST\n", FixExample: "config FOO\n\ttristate \"Foo\"\n\tdepends on RUST\n",
		Run: runSyntax,
	},
	{
		ID: "config-unknown", Name: "Unknown CONFIG option", Severity: check.Warning, Langs: []string{LangRust, LangMakefile}, TextOnly: true,
		Summary: "A CONFIG_ name no Kconfig file of the tree defines, of any architecture.",
		Why:     "An option no Kconfig file defines is never set: a `#[cfg(CONFIG_X)]` item is silently compiled out and an `obj-$(CONFIG_X)` line builds nothing. It is usually a typo or an option that was renamed or removed. Names defined only by another architecture's Kconfig are known and not reported.",
		Source:  kconfigDoc,
		Example: "#[cfg(CONFIG_RUST_DEBUG_ASSERTONS)]\nfn check() {}", FixExample: "#[cfg(CONFIG_RUST_DEBUG_ASSERTIONS)]\nfn check() {}",
		Run: runUnknown,
	},
	{
		ID: "module-not-built", Name: "Rust module no Makefile builds", Severity: check.Warning, Langs: []string{LangRust}, TextOnly: true,
		Summary: "A file declaring a module that no line of its folder's Kbuild file or Makefile builds.",
		Why:     "Kbuild builds only the objects the folder's Makefile names (`obj-$(CONFIG_X) += foo.o`, directly or through a composite `bar-y := foo.o`). Without such a line the module is never compiled, and rust-analyzer does not say so. The fix adds the Makefile line and a Kconfig entry in the style of the folder; in an out-of-tree module's folder, an `obj-m += foo.o` line.",
		Source:  kbuildDoc,
		Example: "// samples/rust/rust_new.rs, no line in samples/rust/Makefile\nmodule! {\n    type: New,\n    name: \"rust_new\",\n    license: \"GPL\",\n}", FixExample: "// samples/rust/Makefile: obj-$(CONFIG_SAMPLE_RUST_NEW) += rust_new.o\n// samples/rust/Kconfig: config SAMPLE_RUST_NEW, tristate, help \"the module will be called rust_new.\"\nmodule! {\n    type: New,\n    name: \"rust_new\",\n    license: \"GPL\",\n}",
		Run: runNotBuilt,
	},
	{
		ID: "object-no-source", Name: "Makefile object without a source", Severity: check.Error, Langs: []string{LangMakefile},
		Summary: "An object whose source (foo.c, foo.rs, foo.S), composite (foo-y, foo-objs) or folder does not exist.",
		Why:     "Kbuild fails with \"No rule to make target\" when the option is on. Reported only where krls can be sure: when the folder holds C or assembly sources (a complete tree), or when it holds Rust sources only and this is the one object of the Makefile without a source (a subset of the tree, such as a Rust-only checkout, lacks the C files of the other objects; then nothing is reported). Objects a rule of the Makefile makes (a pattern or explicit rule, a generated source), objects moved to another folder by `$(addprefix)`, and the objects of a composite that no line builds (dead lines, which break nothing) are not reported.",
		Source:  kbuildDoc,
		Example: "obj-$(CONFIG_SAMPLE_RUST_MINIMAL) += rust_minmal.o", FixExample: "obj-$(CONFIG_SAMPLE_RUST_MINIMAL) += rust_minimal.o",
		Run: runNoSource,
	},
	{
		ID: "kconfig-rust-dep", Name: "Option builds Rust code without depending on RUST", Severity: check.Warning, Langs: []string{LangKconfig},
		Summary: "A config entry that builds a .rs file while neither it nor the other gates of that object depend on RUST.",
		Why:     "With RUST off the option can still be enabled, and the build then fails compiling the Rust object. The dependency may come from the entry's `depends on`, an enclosing `if`/`menu`, a `menuconfig` it sits under, or another gate of the object (an `ifdef CONFIG_X_RUST` around the Makefile line).",
		Source:  "Documentation/rust/quick-start.rst, " + kconfigDoc,
		Example: "config SAMPLE_RUST_FOO\n\ttristate \"Foo\"\n", FixExample: "config SAMPLE_RUST_FOO\n\ttristate \"Foo\"\n\tdepends on RUST\n",
		Run: runRustDep,
	},
	{
		ID: "kconfig-module-name", Name: "Help names another module", Severity: check.Warning, Langs: []string{LangKconfig},
		Summary: "The help says \"the module will be called X\" while the Makefile line of the option builds another object.",
		Why:     "The module name is the object's name on the `obj-$(CONFIG_X)` line (a composite's name when it is one). A help text naming another one sends users to `modprobe` a module that does not exist. Only entries building Rust objects are checked: a real tree holds some thirty stale help texts of C drivers, not the business of a Rust module author.",
		Source:  kbuildDoc,
		Example: "\t  the module will be called rust_minimal_sample.", FixExample: "\t  the module will be called rust_minimal.",
		Run: runModuleName,
	},
	{
		ID: "module-name-mismatch", Name: "module! name differs from the object", Severity: check.Info, Langs: []string{LangRust}, TextOnly: true,
		Summary: "The `name` of the module macro is not the module Kbuild builds (the object's or composite's name).",
		Why:     "`modprobe`, `lsmod` and KBUILD_MODNAME use the name Kbuild derives from the Makefile, while the macro's `name` prefixes the module's parameters and `.modinfo` when built in. Different names confuse users and break `name.param=` on the kernel command line.",
		Source:  kbuildDoc + ", rust/macros/module.rs",
		Example: "// obj-$(CONFIG_X) += qt2025.o\nmodule_phy_driver! {\n    name: \"qt2025_phy\",\n}", FixExample: "module_phy_driver! {\n    name: \"qt2025\",\n}",
		Run: runNameMismatch,
	},
}

// userspace reports whether a file of the tree belongs to tools/, built by its own Makefiles
// for user space: their CONFIG_FLAGS, CONFIG_LIBS (tools/lib/traceevent of 6.1) are make
// variables, not Kconfig options.
func userspace(rel string) bool { return strings.HasPrefix(rel, "tools/") }

func worldOf(ctx *check.Context) *World {
	w, _ := ctx.Kconfig.(*World)
	return w
}

func rangeOf(ls []int, n int, r kconfig.Range) check.Range {
	s := offsetOf(ls, r.Start, n)
	e := offsetOf(ls, r.End, n)
	if e < s {
		e = s
	}
	return check.Range{Start: s, End: e}
}

func runSyntax(ctx *check.Context) []check.Finding {
	_, errs := worldOf(ctx).parseKconfig(ctx.Path, ctx.Text)
	if len(errs) == 0 {
		return nil // the line table of 1,800 clean files cost more than the check
	}
	ls := lineStarts(ctx.Text)
	var out []check.Finding
	for _, e := range errs {
		f := check.Finding{Range: rangeOf(ls, len(ctx.Text), e.Range), Message: e.Msg}
		if e.Warning {
			f.Severity = check.Warning
		}
		out = append(out, f)
	}
	return out
}

func runUnknown(ctx *check.Context) []check.Finding {
	w := worldOf(ctx)
	if w == nil {
		return nil
	}
	var uses []Use
	if ctx.Lang == LangRust {
		uses = RustUses(ctx.Text)
	} else if !userspace(w.Rel(ctx.Path)) {
		uses = MakefileUses(ctx.Text)
	}
	var out []check.Finding
	for _, u := range uses {
		if w.Known(u.Name) {
			continue
		}
		out = append(out, check.Finding{Range: check.Range{Start: u.Start, End: u.End},
			Message: fmt.Sprintf("CONFIG_%s is defined in no Kconfig file of this tree", u.Name)})
	}
	return out
}

// moduleMacro finds a module declaration at the start of a line: module!, module_*_driver!.
var moduleMacro = regexp.MustCompile(`(?m)^[ \t]*(?:kernel::)?(module|module_[a-z0-9_]+_driver)!\s*\{`)

// moduleNameKey finds the name key of a module macro with its string (byte strings on 6.1).
var moduleNameKey = regexp.MustCompile(`(?m)^\s*name:\s*b?"([^"\\]*)"`)

// rustModule returns the range of the module macro name and the name value's range (Start ==
// End when absent); ok is false when the file declares no module.
func rustModule(text []byte) (macro check.Range, name string, nameR check.Range, ok bool) {
	m := moduleMacro.FindSubmatchIndex(text)
	if m == nil {
		return
	}
	macro = check.Range{Start: m[2], End: m[3]}
	end := closeBrace(text, m[1])
	if n := moduleNameKey.FindSubmatchIndex(text[m[1]:end]); n != nil {
		name = string(text[m[1]+n[2] : m[1]+n[3]])
		nameR = check.Range{Start: m[1] + n[2], End: m[1] + n[3]}
	}
	return macro, name, nameR, true
}

func closeBrace(text []byte, from int) int {
	depth := 1
	for i := from; i < len(text); i++ {
		switch text[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(text)
}

// inScope reports whether a Rust file is a module source the Kbuild checks apply to: in the
// tree outside rust/ (the kernel crate and its macros are built by rust/Makefile rules, not
// obj- lines), scripts/, tools/ and Documentation/; or outside the tree (an out-of-tree
// module's folder, with its own Kbuild file).
func inScope(w *World, path string) (string, bool) {
	rel := w.Rel(path)
	if rel == "" {
		return "", true
	}
	if strings.HasPrefix(rel, "rust/") || strings.HasPrefix(rel, "scripts/") || strings.HasPrefix(rel, "Documentation/") || strings.HasPrefix(rel, "tools/") {
		return rel, false
	}
	return rel, true
}

func runNotBuilt(ctx *check.Context) []check.Finding {
	w := worldOf(ctx)
	if w == nil {
		return nil
	}
	if _, ok := inScope(w, ctx.Path); !ok {
		return nil
	}
	macro, _, _, ok := rustModule(ctx.Text)
	if !ok {
		return nil
	}
	dir := filepath.Dir(ctx.Path)
	if mk, _ := w.Makefile(dir); mk == nil || !hasObjLines(mk) {
		return nil // no Kbuild file: not a folder Kbuild descends into
	}
	if w.Object(ctx.Path) != nil {
		return nil
	}
	base := filepath.Base(ctx.Path)
	obj := strings.TrimSuffix(base, ".rs") + ".o"
	f := check.Finding{Range: macro,
		Message: fmt.Sprintf("no line of %s builds %s: the module is never compiled", w.Rel(filepath.Join(dir, "Makefile")), obj)}
	if fix := w.addModuleFix(ctx.Path); fix != nil {
		f.Fixes = []check.Fix{*fix}
	}
	return []check.Finding{f}
}

// hasObjLines reports whether a Makefile is a Kbuild one: it has obj- lines.
func hasObjLines(mk *kbuild.Makefile) bool {
	for _, a := range mk.Assigns {
		if a.Kind == kbuild.VarObj {
			return true
		}
	}
	return false
}

// objectWord is an object named by an obj-/lib-/composite line.
type objectWord struct {
	word   kbuild.Word
	assign *kbuild.Assign
}

func objectWords(mk *kbuild.Makefile) []objectWord {
	var out []objectWord
	for _, a := range mk.Assigns {
		if a.Kind != kbuild.VarObj && a.Kind != kbuild.VarComposite && a.Kind != kbuild.VarLib {
			continue
		}
		for _, wd := range a.Words {
			if strings.HasSuffix(wd.Text, ".o") && !strings.ContainsAny(wd.Text, "$%()") {
				out = append(out, objectWord{wd, a})
			}
		}
	}
	return out
}

// sourceExt are the extensions of the files Kbuild compiles into an object.
var sourceExt = map[string]bool{".c": true, ".S": true, ".s": true, ".rs": true}

// addprefix finds `$(addprefix DIR,$(VAR))`: the objects listed in VAR live in DIR, relative to
// the folder (arm64's kvm/hyp/nvhe: `lib-objs := $(addprefix ../../../lib/, $(lib-objs))`;
// scripts/dtc: `libfdt = $(addprefix libfdt/,$(libfdt-objs))`).
var addprefix = regexp.MustCompile(`\$\(addprefix\s+([^,$()\s]+)\s*,\s*\$\(([^()\s]+)\)\s*\)`)

// prefixedSource reports whether an object's source is in a folder $(addprefix) moves the
// object's variable into.
func prefixedSource(ls listings, dir string, text []byte, ow objectWord) bool {
	if !bytes.Contains(text, []byte("addprefix")) {
		return false
	}
	stem := strings.TrimSuffix(ow.word.Text, ".o")
	for _, m := range addprefix.FindAllSubmatch(text, -1) {
		if string(m[2]) != ow.assign.Var {
			continue
		}
		base := filepath.Join(dir, string(m[1]))
		for ext := range sourceExt {
			if found, isDir := ls.lookup(filepath.Join(base, stem+ext)); found && !isDir {
				return true
			}
		}
	}
	return false
}

// ruleTarget reports whether an explicit rule of the Makefile makes the object or its source:
// a line, not a recipe, whose targets (before a `:` that is not `:=`) name stem.o, stem.c or
// stem.S, also through $(obj)/ and $(addprefix): arch/alpha/lib builds __divqu.o and three
// more from divide.S with `$(addprefix $(obj)/,__divqu.o __remqu.o ...): $(src)/divide.S`.
func ruleTarget(text []byte, stem string) bool {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if len(line) == 0 || line[0] == '\t' || line[0] == '#' {
			continue
		}
		i := bytes.IndexByte(line, ':')
		if i < 0 || i+1 < len(line) && (line[i+1] == '=' || line[i+1] == ':') || bytes.IndexByte(line[:i], '=') >= 0 {
			continue
		}
		for _, w := range bytes.FieldsFunc(line[:i], func(r rune) bool {
			return r == ' ' || r == '\t' || r == ',' || r == '(' || r == ')' || r == '/'
		}) {
			if base, ext, ok := strings.Cut(string(w), "."); ok && base == stem && (ext == "o" || sourceExt["."+ext]) {
				return true
			}
		}
	}
	return false
}

// patternRule finds the targets of pattern rules, e.g. `$(obj)/lib-%.o: $(srctree)/lib/%.c`.
var patternRule = regexp.MustCompile(`(?m)^([^\s:#=]*%[^\s:#=]*)\s*:`)

// hasSource reports whether an object of dir has something to build it from: a source file
// (also relative to the folders above, for the Kbuild fragments a parent includes, as
// nouveau's nvkm/*/Kbuild), a composite, a folder, or a rule of the Makefile (a pattern rule,
// a generated $(obj)/foo.c). Objects with a second extension (foo.dtbo.o, x509.asn1.o) and
// paths into folders that do not exist (xe's i915-display/, built by a pattern rule from
// another folder) come from rules too.
func hasSource(ls listings, dir string, mk *kbuild.Makefile, text []byte, obj string) bool {
	stem := strings.TrimSuffix(obj, ".o")
	if strings.Contains(filepath.Base(stem), ".") {
		return true
	}
	if d := filepath.Dir(stem); d != "." {
		if found, isDir := ls.lookup(filepath.Join(dir, d)); !found || !isDir {
			return true
		}
	}
	exists := func(base string) bool {
		for _, ext := range []string{".c", ".rs", ".S", ".s"} {
			if found, isDir := ls.lookup(filepath.Join(base, stem+ext)); found && !isDir {
				return true
			}
		}
		found, isDir := ls.lookup(filepath.Join(base, stem))
		return found && isDir
	}
	if exists(dir) {
		return true
	}
	if strings.Contains(stem, "/") {
		for d := filepath.Dir(dir); d != filepath.Dir(d); d = filepath.Dir(d) {
			if exists(d) {
				return true
			}
		}
	}
	name := filepath.Base(stem)
	composite := func(mk *kbuild.Makefile) bool {
		for _, a := range mk.Assigns {
			if a.Kind == kbuild.VarComposite && (a.Base == stem || a.Base == name) {
				return true
			}
		}
		return false
	}
	if composite(mk) || regexp.MustCompile(`(?m)^\s*`+regexp.QuoteMeta(name)+`-(?:y|m|objs|\$[({])`).Match(text) {
		return true
	}
	// Composites of the fragments the Makefile includes (i915's `include $(src)/gvt/Makefile`).
	for _, inc := range mk.Includes {
		p := strings.NewReplacer("$(src)", dir, "$(srctree)/$(src)", dir).Replace(inc.Path)
		if strings.Contains(p, "$") {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if b, err := readSmall(p); err == nil {
			if m, _ := kbuild.Parse(p, b); m != nil && composite(m) {
				return true
			}
		}
	}
	// A source of another kind a rule turns into C (drivers/video/logo: %.c from %.ppm).
	if ms, _ := filepath.Glob(filepath.Join(dir, globEscape(stem)+".*")); len(ms) > 0 {
		return true
	}
	for _, m := range patternRule.FindAllSubmatch(text, -1) {
		pat := strings.TrimPrefix(string(m[1]), "$(obj)/")
		pre, suf, _ := strings.Cut(pat, "%")
		if strings.HasPrefix(obj, pre) && strings.HasSuffix(obj, suf) || strings.HasPrefix(name+".o", pre) && strings.HasSuffix(name+".o", suf) {
			return true
		}
		// A rule writing the sources of a family of objects (x86's vdso:
		// `$(obj)/vdso-image-%.c: ...`). A bare `%.c` rule makes C from files of another kind
		// (video/logo's .pbm), looked for above.
		if pre != "" && strings.HasPrefix(name, pre) && len(name) > len(pre) && sourceExt[suf] {
			return true
		}
	}
	// A generated source: a rule writes $(obj)/foo.c, or the Makefile names foo.c/foo.S.
	s := string(text)
	return strings.Contains(s, "$(obj)/"+name+".") || strings.Contains(s, name+".c") ||
		strings.Contains(s, name+".S") || strings.Contains(s, name+".rs") || strings.Contains(s, name+".o:")
}

// listings memoizes the folder listings of one check run: a Makefile's objects are looked up
// in its folder's listing (and its parents' and subfolders') instead of by a stat per name
// and extension, which cost a system call for each of the thousands of objects of a tree.
// Folders are read through snap (the World's snapshot in krls lint; nil reads the disk). A
// folder that cannot be listed maps to nil and its names are looked up with os.Stat.
type listings struct {
	snap *dirent.Snapshot
	m    map[string]map[string]fs.FileMode
}

func newListings(snap *dirent.Snapshot) listings {
	return listings{snap: snap, m: map[string]map[string]fs.FileMode{}}
}

// entries returns the entries of dir by name, nil when it cannot be listed.
func (l listings) entries(dir string) map[string]fs.FileMode {
	if m, ok := l.m[dir]; ok {
		return m
	}
	m := map[string]fs.FileMode{}
	if err := l.snap.Read(dir, func(name []byte, typ fs.FileMode) { m[string(name)] = typ }); err != nil {
		m = nil
	}
	l.m[dir] = m
	return m
}

// lookup says whether p exists and is a folder, following symbolic links as os.Stat does.
func (l listings) lookup(p string) (found, isDir bool) {
	dir, name := filepath.Dir(p), filepath.Base(p)
	m := l.entries(dir)
	if m == nil || name == "." || name == ".." || name == string(filepath.Separator) {
		st, err := os.Stat(p)
		return err == nil, err == nil && st.IsDir()
	}
	typ, ok := m[name]
	switch {
	case !ok:
		return false, false
	case typ&fs.ModeSymlink != 0:
		st, err := os.Stat(p)
		return err == nil, err == nil && st.IsDir()
	}
	return true, typ.IsDir()
}

func globEscape(s string) string {
	return strings.NewReplacer("*", "\\*", "?", "\\?", "[", "\\[", "\\", "\\\\").Replace(s)
}

func runNoSource(ctx *check.Context) []check.Finding {
	dir := filepath.Dir(ctx.Path)
	lst := newListings(worldOf(ctx).snapshot())
	ents := lst.entries(dir)
	if ents == nil {
		return nil
	}
	var hasC, hasRust bool
	for name := range ents {
		switch filepath.Ext(name) {
		case ".c", ".S":
			hasC = true
		case ".rs":
			hasRust = true
		}
	}
	if !hasC && !hasRust {
		return nil // see below: nothing is reported, so nothing is looked up
	}
	mk, _ := kbuild.Parse(ctx.Path, ctx.Text)
	if mk == nil {
		return nil
	}
	var ls []int // made for the first finding: most Makefiles have none
	var missing []check.Finding
	for _, ow := range objectWords(mk) {
		if ow.assign.Kind == kbuild.VarComposite && !bytes.Contains(ctx.Text, []byte(ow.assign.Base+".o")) {
			// A composite no line builds (sound/soc/tegra's snd-soc-tegra-utils-y): its
			// objects are never compiled, and a missing source breaks nothing.
			continue
		}
		if hasSource(lst, dir, mk, ctx.Text, ow.word.Text) || prefixedSource(lst, dir, ctx.Text, ow) ||
			ruleTarget(ctx.Text, strings.TrimSuffix(ow.word.Text, ".o")) {
			continue
		}
		if ls == nil {
			ls = lineStarts(ctx.Text)
		}
		if !hasC && len(missing) == 1 {
			return nil // a second one: a subset of the tree, reported nothing (below)
		}
		missing = append(missing, check.Finding{Range: rangeOf(ls, len(ctx.Text), ow.word.Range),
			Message: fmt.Sprintf("%s has no source: no %s.c, %s.rs, %s.S, composite or folder", ow.word.Text,
				strings.TrimSuffix(ow.word.Text, ".o"), strings.TrimSuffix(ow.word.Text, ".o"), strings.TrimSuffix(ow.word.Text, ".o"))})
	}
	switch {
	case hasC:
		return missing
	case hasRust && len(missing) == 1:
		return missing
	}
	return nil
}

// configEntries returns the config/menuconfig nodes of a parsed Kconfig text.
func configEntries(f *kconfig.File) []*kconfig.Node {
	var out []*kconfig.Node
	f.Walk(func(n *kconfig.Node) bool {
		if n.Kind == kconfig.KindConfig || n.Kind == kconfig.KindMenuconfig {
			out = append(out, n)
		}
		return true
	})
	return out
}

// rustObject is a Rust source of a folder that a Makefile builds, with the symbols gating it.
type rustObject struct {
	src    string
	module string
	gates  []string
}

// rustObjects returns the built .rs files of dir.
func (w *World) rustObjects(dir string) []rustObject {
	var objs []rustObject
	for _, name := range w.rustFiles(dir) {
		o := w.Object(filepath.Join(dir, name))
		if o == nil || o.Hostprog {
			continue
		}
		var gs []string
		for _, g := range append(append([]kbuild.Gate{}, o.Gates...), o.DirGates...) {
			if !g.Negated {
				gs = append(gs, g.Symbol)
			}
		}
		objs = append(objs, rustObject{name, strings.TrimSuffix(o.Module, ".o"), gs})
	}
	return objs
}

// rustFiles returns the names of the .rs entries of dir that are not folders, in order. The
// listing is kept while the folder's modification time stays the same (an entry added,
// removed or renamed changes it): the Kconfig checks ask for it for every Kconfig file, and
// most folders of a tree have no Rust file.
func (w *World) rustFiles(dir string) []string {
	if w.snap != nil {
		names, _ := rustNames(w.snap, dir)
		return names
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil
	}
	if w.listings != nil {
		w.listingsMu.Lock()
		l, ok := w.listings[dir]
		w.listingsMu.Unlock()
		if ok && l.mtime.Equal(st.ModTime()) {
			return l.rust
		}
	}
	names, err := rustNames(nil, dir)
	if err != nil {
		return nil
	}
	if w.listings != nil && !kbuild.Racy(st.ModTime()) {
		w.listingsMu.Lock()
		w.listings[dir] = rustListing{st.ModTime(), names}
		w.listingsMu.Unlock()
	}
	return names
}

// readRustNames is rustNames with os.ReadDir: the portable version, and the oracle of the
// Linux one in the tests.
func readRustNames(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && filepath.Ext(e.Name()) == ".rs" {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

func (o rustObject) gatedBy(name string) bool {
	for _, g := range o.gates {
		if g == name {
			return true
		}
	}
	return false
}

// rustEntries gives the Kconfig checks of Rust objects what they share: the World, the Rust
// objects the folder's Makefile builds, the config entries of the checked Kconfig file and
// its line table. entries is nil when there is nothing to check (no World, no Rust object,
// no entry).
func rustEntries(ctx *check.Context) (w *World, objs []rustObject, entries []*kconfig.Node, ls []int) {
	if w = worldOf(ctx); w == nil {
		return nil, nil, nil, nil
	}
	if objs = w.rustObjects(filepath.Dir(ctx.Path)); len(objs) == 0 {
		return nil, nil, nil, nil
	}
	f, _ := w.parseKconfig(ctx.Path, ctx.Text)
	if entries = configEntries(f); entries == nil {
		return nil, nil, nil, nil
	}
	return w, objs, entries, lineStarts(ctx.Text)
}

func runRustDep(ctx *check.Context) []check.Finding {
	w, objs, entries, ls := rustEntries(ctx)
	if entries == nil {
		return nil
	}
	needs := func(s string) bool {
		if s == "RUST" {
			return true
		}
		_, ok := w.Tree.DependsOn(s, "RUST")
		return ok
	}
	var out []check.Finding
	for _, n := range entries {
		for _, o := range objs {
			if !o.gatedBy(n.Name) {
				continue
			}
			ok := false
			for _, g := range o.gates {
				ok = ok || needs(g)
			}
			if !ok {
				out = append(out, check.Finding{Range: rangeOf(ls, len(ctx.Text), n.NameRange),
					Message: fmt.Sprintf("%s builds %s but does not depend on RUST", n.Name, o.src)})
				break
			}
		}
	}
	return out
}

// runModuleName compares the module a help text names with the modules of the Rust objects the
// entry's symbol gates. C objects are left out: krls is for Rust modules, and a real tree has
// some thirty stale C help texts (input-core called "input", ti_cpsw called "cpsw"…) that are
// not the Rust author's business.
func runModuleName(ctx *check.Context) []check.Finding {
	_, objs, entries, ls := rustEntries(ctx)
	if entries == nil {
		return nil
	}
	var out []check.Finding
	for _, n := range entries {
		if n.Help == nil {
			continue
		}
		called, r, ok := kconfig.ModuleName(n.Help)
		if !ok {
			continue
		}
		var names []string
		for _, o := range objs {
			if o.gatedBy(n.Name) && o.module != "" {
				names = append(names, o.module)
			}
		}
		match := len(names) == 0
		for _, m := range names {
			match = match || strings.ReplaceAll(m, "-", "_") == strings.ReplaceAll(called, "-", "_")
		}
		if !match {
			out = append(out, check.Finding{Range: rangeOf(ls, len(ctx.Text), r),
				Message: fmt.Sprintf("Kbuild builds %s for %s, not %s", strings.Join(uniqStrings(names), ", "), n.Name, called)})
		}
	}
	return out
}

func mkPath(dir string, mk *kbuild.Makefile) string {
	if filepath.IsAbs(mk.Path) {
		return mk.Path
	}
	return filepath.Join(dir, filepath.Base(mk.Path))
}

func runNameMismatch(ctx *check.Context) []check.Finding {
	w := worldOf(ctx)
	if w == nil {
		return nil
	}
	if _, ok := inScope(w, ctx.Path); !ok {
		return nil
	}
	_, name, r, ok := rustModule(ctx.Text)
	if !ok || name == "" {
		return nil
	}
	o := w.Object(ctx.Path)
	if o == nil || o.Module == "" || o.Hostprog {
		return nil
	}
	mod := strings.TrimSuffix(o.Module, ".o")
	if strings.ReplaceAll(mod, "-", "_") == strings.ReplaceAll(name, "-", "_") {
		return nil
	}
	return []check.Finding{{Range: r, Message: fmt.Sprintf("Kbuild builds this file into module %s (%s), but module! names it %s", mod, filepath.Base(mkPath(filepath.Dir(ctx.Path), &kbuild.Makefile{Path: o.Makefile})), name)}}
}
