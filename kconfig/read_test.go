// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadFile: readFile gives os.ReadFile's bytes and errors.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"empty": "", "small": "config A\n", "511": strings.Repeat("x", 511), "512": strings.Repeat("y", 512),
		"big": strings.Repeat("config B\n\tbool\n", 10000),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("small", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"empty", "small", "511", "512", "big", "folder", "link", "missing", "/dev/null"} {
		p := filepath.Join(dir, name)
		if strings.HasPrefix(name, "/") {
			p = name
		}
		want, werr := os.ReadFile(p)
		got, gerr := readFile(p)
		if diff := cmp.Diff(string(want), string(got)); diff != "" || (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Errorf("%s: error %v, want %v; bytes (-want +got):\n%s", name, gerr, werr, diff)
		}
		if (want == nil) != (got == nil) {
			t.Errorf("%s: nil %v, want %v", name, got == nil, want == nil)
		}
	}
}
