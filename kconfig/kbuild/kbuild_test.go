// SPDX-License-Identifier: GPL-2.0-only

package kbuild_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/kbuild"
)

func pos(l, c int) kconfig.Pos { return kconfig.Pos{Line: l, Col: c} }

func rng(l1, c1, l2, c2 int) kconfig.Range {
	return kconfig.Range{Start: pos(l1, c1), End: pos(l2, c2)}
}

const blockMakefile = `# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_BLK_DEV_NULL_BLK)	+= null_blk/
obj-$(CONFIG_BLK_DEV_RUST_NULL) += rnull_mod.o
rnull_mod-y := rnull.o
libphy-y := phy.o phy-c45.o \
	    linkmode.o
ifdef CONFIG_PHYLIB
libphy-y += $(mdio-bus-y)
else ifeq ($(CONFIG_X),y)
	obj-y += in_else_if.o
else
obj-$(CONFIG_MDIO_DEVICE) += mdio-bus.o
endif
ifneq ($(CONFIG_RUST),)
  kasan_test-objs += kasan_test_rust.o
endif
ifeq ($(CONFIG_RUST),)
obj-y += no_rust.o
endif
ifndef CONFIG_Y
obj-m += outside.o # comment
endif
CFLAGS_rnull.o := -DDEBUG
hostprogs-always-y := single
subdir-$(CONFIG_SAMPLES) += rust
foo.o: bar.h
	obj-y += recipe_not_assignment.o
define TEMPLATE
obj-y += in_define.o
endef
export KDIR ?= /lib/modules/$(shell uname -r)/build
-include extra.mk
`

func TestParseAssigns(t *testing.T) {
	m, errs := kbuild.Parse("drivers/block/Makefile", []byte(blockMakefile))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	type row struct {
		Line               int
		Var, Op            string
		Words              []string
		Kind, Base, Suffix string
		Config             string
		Conds              []string
	}
	var got []row
	for _, a := range m.Assigns {
		r := row{Line: a.Range.Start.Line, Var: a.Var, Op: a.Op, Kind: a.Kind.String(), Base: a.Base, Suffix: a.Suffix, Config: a.Config}
		for _, w := range a.Words {
			r.Words = append(r.Words, w.Text)
		}
		for _, c := range a.Conds {
			s := c.Cond.Keyword + " " + c.Cond.Arg
			if c.Else {
				s = "else of " + s
			}
			r.Conds = append(r.Conds, s)
		}
		got = append(got, r)
	}
	want := []row{
		{2, "obj-$(CONFIG_BLK_DEV_NULL_BLK)", "+=", []string{"null_blk/"}, "obj", "obj", "$(CONFIG_BLK_DEV_NULL_BLK)", "BLK_DEV_NULL_BLK", nil},
		{3, "obj-$(CONFIG_BLK_DEV_RUST_NULL)", "+=", []string{"rnull_mod.o"}, "obj", "obj", "$(CONFIG_BLK_DEV_RUST_NULL)", "BLK_DEV_RUST_NULL", nil},
		{4, "rnull_mod-y", ":=", []string{"rnull.o"}, "composite", "rnull_mod", "y", "", nil},
		{5, "libphy-y", ":=", []string{"phy.o", "phy-c45.o", "linkmode.o"}, "composite", "libphy", "y", "", nil},
		{8, "libphy-y", "+=", []string{"$(mdio-bus-y)"}, "composite", "libphy", "y", "", []string{"ifdef CONFIG_PHYLIB"}},
		{10, "obj-y", "+=", []string{"in_else_if.o"}, "obj", "obj", "y", "", []string{"else of ifdef CONFIG_PHYLIB", "ifeq ($(CONFIG_X),y)"}},
		{12, "obj-$(CONFIG_MDIO_DEVICE)", "+=", []string{"mdio-bus.o"}, "obj", "obj", "$(CONFIG_MDIO_DEVICE)", "MDIO_DEVICE", []string{"else of ifdef CONFIG_PHYLIB", "else of ifeq ($(CONFIG_X),y)"}},
		{15, "kasan_test-objs", "+=", []string{"kasan_test_rust.o"}, "composite", "kasan_test", "objs", "", []string{"ifneq ($(CONFIG_RUST),)"}},
		{18, "obj-y", "+=", []string{"no_rust.o"}, "obj", "obj", "y", "", []string{"ifeq ($(CONFIG_RUST),)"}},
		{21, "obj-m", "+=", []string{"outside.o"}, "obj", "obj", "m", "", []string{"ifndef CONFIG_Y"}},
		{23, "CFLAGS_rnull.o", ":=", []string{"-DDEBUG"}, "flags", "CFLAGS_rnull.o", "", "", nil},
		{24, "hostprogs-always-y", ":=", []string{"single"}, "hostprogs", "hostprogs-always", "y", "", nil},
		{25, "subdir-$(CONFIG_SAMPLES)", "+=", []string{"rust"}, "subdir", "subdir", "$(CONFIG_SAMPLES)", "SAMPLES", nil},
		{31, "KDIR", "?=", []string{"/lib/modules/$(shell uname -r)/build"}, "other", "KDIR", "", "", nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assignments (-want +got):\n%s", diff)
	}
	// Ranges of names, including a word on a continuation line.
	a := m.Assigns[1]
	if a.VarRange != rng(3, 0, 3, 31) || a.ConfigRange != rng(3, 6, 3, 30) || a.Words[0].Range != rng(3, 35, 3, 46) {
		t.Errorf("obj line ranges: var %v config %v word %v", a.VarRange, a.ConfigRange, a.Words[0].Range)
	}
	if w := m.Assigns[3].Words[2]; w.Range != rng(6, 5, 6, 15) {
		t.Errorf("continued word range %v, want 6:5-6:15", w.Range)
	}
	if m.Assigns[3].Range != rng(5, 0, 6, 15) {
		t.Errorf("continued assignment range %v", m.Assigns[3].Range)
	}
	if got := m.KDIR(); got != "/lib/modules/$(shell uname -r)/build" {
		t.Errorf("KDIR = %q", got)
	}
	if len(m.Includes) != 1 || m.Includes[0].Path != "extra.mk" {
		t.Errorf("includes: %+v", m.Includes)
	}
	// Condition polarity.
	pol := map[string]string{}
	for _, c := range m.Conds {
		pol[c.Keyword+" "+c.Arg] = fmt.Sprintf("%v/%v", c.Positive, c.Negative)
	}
	wantPol := map[string]string{
		"ifdef CONFIG_PHYLIB": "true/false", "ifeq ($(CONFIG_X),y)": "true/false",
		"ifneq ($(CONFIG_RUST),)": "true/false", "ifeq ($(CONFIG_RUST),)": "false/true",
		"ifndef CONFIG_Y": "false/true",
	}
	if diff := cmp.Diff(wantPol, pol); diff != "" {
		t.Errorf("polarity (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	_, errs := kbuild.Parse("Makefile", []byte("ifdef CONFIG_A\nobj-y += a.o\nelse\nendif\nendif\nelse\nifeq ($(X),)\n"))
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%v %s", e.Range, e.Msg))
	}
	want := []string{"5:0-5:5 endif without if", "6:0-6:4 else without if", "7:0-7:12 missing endif for this ifeq"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestObject(t *testing.T) {
	m, _ := kbuild.Parse("Makefile", []byte(blockMakefile+`
sfp-obj-$(CONFIG_SFP) += sfp-bus.o
obj-y += $(sfp-obj-y) $(sfp-obj-m)
drm-$(CONFIG_DRM_PANIC_SCREEN_QR_CODE) += drm_panic_qr.o
obj-$(CONFIG_DRM) += drm.o
`))
	type res struct {
		Module   string
		Lines    []int
		Mentions []int
		Symbols  []string
		Negated  []string
		Builtin  bool
		Hostprog bool
	}
	get := func(file string) *res {
		o := m.Object(file)
		if o == nil {
			return nil
		}
		r := &res{Module: o.Module, Symbols: o.Symbols(), Builtin: o.Builtin, Hostprog: o.Hostprog}
		for _, a := range o.Lines {
			r.Lines = append(r.Lines, a.Range.Start.Line)
		}
		for _, a := range o.Mentions {
			r.Mentions = append(r.Mentions, a.Range.Start.Line)
		}
		for _, g := range o.Gates {
			if g.Negated {
				r.Negated = append(r.Negated, g.Symbol)
			}
		}
		return r
	}
	tests := []struct {
		file string
		want *res
	}{
		{"rnull.rs", &res{Module: "rnull_mod", Lines: []int{4, 3}, Mentions: []int{4, 23}, Symbols: []string{"BLK_DEV_RUST_NULL"}}},
		{"kasan_test_rust.rs", &res{Module: "kasan_test", Lines: []int{15}, Mentions: []int{15}, Symbols: []string{"RUST"}}},
		{"no_rust.c", &res{Module: "no_rust", Lines: []int{18}, Mentions: []int{18}, Negated: []string{"RUST"}, Builtin: true}},
		{"mdio-bus.c", &res{Module: "mdio-bus", Lines: []int{12}, Mentions: []int{12}, Symbols: []string{"MDIO_DEVICE"}, Negated: []string{"PHYLIB", "X"}}},
		{"sfp-bus.c", &res{Module: "sfp-bus", Lines: []int{34, 35}, Mentions: []int{34}, Symbols: []string{"SFP"}, Builtin: true}},
		{"drm_panic_qr.rs", &res{Module: "drm", Lines: []int{36, 37}, Mentions: []int{36}, Symbols: []string{"DRM_PANIC_SCREEN_QR_CODE", "DRM"}}},
		{"single.rs", &res{Module: "single", Lines: []int{24}, Mentions: []int{24}, Hostprog: true}},
		{"in_define.c", nil},
		{"recipe_not_assignment.c", nil},
		{"absent.rs", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, get(tt.file)); diff != "" {
			t.Errorf("Object(%s) (-want +got):\n%s", tt.file, diff)
		}
	}
	var lines []int
	for _, a := range m.AssignsOf("CONFIG_RUST") {
		lines = append(lines, a.Range.Start.Line)
	}
	if diff := cmp.Diff([]int{15, 18}, lines); diff != "" {
		t.Errorf("AssignsOf(RUST) (-want +got):\n%s", diff)
	}
}

func TestReadMakefileAndSourceFor(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An out-of-tree module: Kbuild has the obj-m line, the Makefile calls the kernel's.
	write("Kbuild", "obj-m += hello.o\n")
	write("Makefile", "KDIR ?= /lib/modules/`uname -r`/build\ndefault:\n\t$(MAKE) -C $(KDIR) M=$$PWD\n")
	write("hello.rs", "// SPDX-License-Identifier: GPL-2.0\n")
	write("other.c", "")
	o, err := kbuild.ObjectFor(dir, "hello.rs")
	if err != nil || o == nil {
		t.Fatalf("ObjectFor: %v %v", o, err)
	}
	if o.Module != "hello" || filepath.Base(o.Makefile) != "Kbuild" || o.Builtin {
		t.Errorf("object %+v", o)
	}
	if got := kbuild.SourceFor(dir, "hello.o"); got != "hello.rs" {
		t.Errorf("SourceFor(hello.o) = %q", got)
	}
	if got := kbuild.SourceFor(dir, "other.o"); got != "other.c" {
		t.Errorf("SourceFor(other.o) = %q", got)
	}
	if got := kbuild.SourceFor(dir, "missing.o"); got != "" {
		t.Errorf("SourceFor(missing.o) = %q", got)
	}
	mk, _ := kbuild.Parse("Makefile", []byte("KDIR ?= /lib/modules/`uname -r`/build\n"))
	if !strings.Contains(mk.KDIR(), "/lib/modules") {
		t.Errorf("KDIR = %q", mk.KDIR())
	}
	if _, err := kbuild.ObjectFor(filepath.Join(dir, "nope"), "x.rs"); err == nil {
		t.Errorf("ObjectFor in a folder without Makefile: no error")
	}
}

// A parent Makefile may name an object of a subfolder that has no Makefile of its own, and
// the parents' lines that descend into a folder gate everything in it.
func TestObjectForParents(t *testing.T) {
	root := t.TempDir()
	write := func(name, s string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Makefile", "obj-$(CONFIG_TOP) += drivers/\n")
	write("drivers/Makefile", "obj-$(CONFIG_MID) += mid/\nobj-$(CONFIG_NESTED) += nomake/nested.o\n")
	write("drivers/mid/Makefile", "obj-$(CONFIG_LEAF) += leaf.o\n")
	write("drivers/nomake/nested.rs", "")
	o, err := kbuild.ObjectFor(filepath.Join(root, "drivers/mid"), "leaf.rs")
	if err != nil || o == nil {
		t.Fatalf("ObjectFor(leaf.rs) = %v, %v", o, err)
	}
	var dirGates []string
	for _, g := range o.DirGates {
		dirGates = append(dirGates, g.Symbol)
	}
	if diff := cmp.Diff([]string{"MID", "TOP"}, dirGates); diff != "" || o.Module != "leaf" {
		t.Errorf("leaf: module %q dir gates (-want +got):\n%s", o.Module, diff)
	}
	o, err = kbuild.ObjectFor(filepath.Join(root, "drivers/nomake"), "nested.rs")
	if err != nil || o == nil {
		t.Fatalf("ObjectFor(nested.rs) = %v, %v", o, err)
	}
	if o.Module != "nested" || filepath.Base(filepath.Dir(o.Makefile)) != "drivers" || len(o.Symbols()) != 1 || o.Symbols()[0] != "NESTED" {
		t.Errorf("nested: %+v", o)
	}
}
