// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSource: the bytes of Options.Source are checked instead of the file's (they are what
// the caller read), binary ones are refused as a read file would be, and files Source does
// not have are read from disk.
func TestSource(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a/Kconfig":  "config A\n\tbool\n",         // Source: a FIXME
		"b/Kconfig":  "config B # FIXME on disk\n", // Source: binary
		"c/Kconfig":  "config C # FIXME\n",         // not in Source: read
		"d/Makefile": "obj-y += d.o\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	source := map[string]string{
		filepath.Join(dir, "a/Kconfig"): "config A # FIXME\n",
		filepath.Join(dir, "b/Kconfig"): "config B\x00\n",
	}
	src := func(p string) ([]byte, bool) {
		s, ok := source[p]
		return []byte(s), ok
	}
	later := func() (any, func(string) ([]byte, bool)) { return nil, src }
	for _, opts := range []Options{
		{Dir: dir, Enabled: testEnabled, Source: src},
		{Dir: dir, Enabled: testEnabled, KconfigLater: later}, // given once the tree is walked
	} {
		res, err := Run(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range res.Findings {
			got = append(got, f.Path+" "+f.Check)
		}
		for _, e := range res.Errors {
			got = append(got, e.Path+" error: "+e.Message)
		}
		want := []string{"a/Kconfig test-fixme", "c/Kconfig test-fixme", "b/Kconfig error: binary file (NUL bytes), skipped"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("later %v: (-want +got):\n%s", opts.KconfigLater != nil, diff)
		}
	}
}
