// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"os"
	"testing"

	"krls.dev/krls/index/kerneltest"
)

// BenchmarkLoad loads the World of the real 6.12 tree: every Kconfig file (AllFiles) and the
// .config.
func BenchmarkLoad(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	for b.Loop() {
		w, err := Load(root, "")
		if err != nil || w.Config == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefs builds the reference index of 6.12 (one walk for the .rs files and
// Makefiles) and looks up RUST.
func BenchmarkRefs(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	w, err := Load(root, "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		w2 := &World{Root: w.Root, Tree: w.Tree, Config: w.Config}
		if len(w2.Refs("RUST")) == 0 {
			b.Fatal("no reference")
		}
	}
}

// BenchmarkHover is one hover on a Makefile symbol of a loaded World.
func BenchmarkHover(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	w, err := Load(root, "")
	if err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile(w.Abs("samples/rust/Makefile"))
	if err != nil {
		b.Fatal(err)
	}
	off := len("# SPDX-License-Identifier: GPL-2.0\n\nobj-$(CONFIG_SAMPLE")
	for b.Loop() {
		if md, _ := w.Hover(LangMakefile, "", text, off); md == "" {
			b.Fatal("no hover")
		}
	}
}

// BenchmarkComplete completes a one-letter symbol prefix in a Kconfig expression.
func BenchmarkComplete(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	w, err := Load(root, "")
	if err != nil {
		b.Fatal(err)
	}
	text := []byte("config X\n\tdepends on S")
	for b.Loop() {
		if len(w.Complete(LangKconfig, text, len(text))) == 0 {
			b.Fatal("no item")
		}
	}
}
