// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"krls.dev/krls/lsp/check"
)

// TestBadInput: a tree without Kconfig is an error; binary and truncated files, a symlink loop
// and a .config that is not one give no panic and no invented answers.
func TestBadInput(t *testing.T) {
	if _, err := Load(t.TempDir(), ""); err == nil {
		t.Error("Load of a folder without Kconfig: no error")
	}
	root := t.TempDir()
	bin := []byte("\x00\xff\xfe\x7fELF\x00config \x00 CONFIG_\xff(")
	files := map[string][]byte{
		"Kconfig":            []byte("config RUST\n\tbool \"Rust\"\nsource \"drivers/x/Kconfig\"\n"),
		"drivers/x/Kconfig":  bin,
		"drivers/x/Makefile": append([]byte("obj-$(CONFIG_"), bin...),
		"drivers/x/a.rs":     append([]byte("module! {\n name: \""), bin...),
		".config":            bin,
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(".", filepath.Join(root, "drivers/x/loop")); err != nil {
		t.Fatal(err)
	}
	w, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Refs("RUST")) != 0 {
		t.Errorf("references in binary files: %v", w.Refs("RUST"))
	}
	for rel, lang := range map[string]string{"drivers/x/Kconfig": LangKconfig, "drivers/x/Makefile": LangMakefile, "drivers/x/a.rs": LangRust} {
		text := files[rel]
		for off := 0; off <= len(text); off++ {
			w.Hover(lang, w.Abs(rel), text, off)
			w.Complete(lang, text, off)
			w.Definition(lang, w.Abs(rel), text, off)
		}
		w.Links(lang, w.Abs(rel), text)
		for _, f := range check.Run(&check.Context{Path: w.Abs(rel), Lang: lang, Text: text, Kconfig: w}, nil) {
			if strings.HasPrefix(f.Message, "krls: check") {
				t.Errorf("%s: %s", rel, f.Message)
			}
		}
	}
}
