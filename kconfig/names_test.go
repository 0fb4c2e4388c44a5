// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/kconfig/dirent"
)

// parsedNames is the oracle: the names of the config and menuconfig nodes ParseFile builds.
func parsedNames(src []byte) []string {
	f, _ := ParseFile("Kconfig", src)
	var out []string
	f.Walk(func(n *Node) bool {
		if (n.Kind == KindConfig || n.Kind == KindMenuconfig) && n.Name != "" && !strings.Contains(n.Name, "$") {
			out = append(out, n.Name)
		}
		return true
	})
	return out
}

func scannedNames(src []byte) []string {
	var out []string
	DefinedNames(src, func(b []byte) { out = append(out, string(b)) })
	return out
}

func TestDefinedNames(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"entries", "config A\n\tbool\nmenuconfig B\n\ttristate \"b\"\n", []string{"A", "B"}},
		{"nested", "menu \"m\"\nif X\nchoice\n\tprompt \"c\"\nconfig C1\n\tbool \"1\"\nendchoice\nendif\nendmenu\n", []string{"C1"}},
		{"help text", "config A\n\tbool\n\thelp\n\t  config NOT_ME\n\n\t  menuconfig NOR_ME\nconfig B\n\tbool\n", []string{"A", "B"}},
		{"old help", "config A\n\tbool\n\t---help---\n\t  config NOT_ME\nconfig B\n", []string{"A", "B"}},
		{"help ends by indent", "config A\n\thelp\n\t    deep\n\t  config C\n", []string{"A", "C"}},
		{"comment", "# config NOT\nconfig A # config NOT2\n", []string{"A"}},
		{"continued", "config A\n\tdepends on X || \\\nconfig\n", []string{"A"}},
		{"macro name", "config $(FOO)\nconfig B$(x)\nconfig C\n", []string{"C"}},
		{"crlf", "config A\r\n\thelp\r\n\t  config NOT\r\nconfig B\r\n", []string{"A", "B"}},
		{"no name", "config\nconfig \n", nil},
		{"indented", "  config LOW_INDENT\n", []string{"LOW_INDENT"}},
		{"lower case and digits", "config 64BIT\nconfig foo_bar-baz\n", []string{"64BIT", "foo_bar-baz"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scannedNames([]byte(tc.src))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("DefinedNames (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(parsedNames([]byte(tc.src)), got); diff != "" {
				t.Errorf("differs from ParseFile (-parse +scan):\n%s", diff)
			}
		})
	}
}

// On every Kconfig* file of the real trees, DefinedNames finds exactly the entries ParseFile
// builds, and LoadNames the symbols Load defines.
func TestDefinedNamesRealTrees(t *testing.T) {
	for _, env := range []string{"KRLS_KERNEL_6_12", "KRLS_KERNEL_6_1"} {
		root := os.Getenv(env)
		if root == "" {
			t.Logf("%s unset: skipped", env)
			continue
		}
		files := 0
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), "Kconfig") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			files++
			if diff := cmp.Diff(parsedNames(src), scannedNames(src)); diff != "" {
				t.Errorf("%s (-ParseFile +DefinedNames):\n%s", p, diff)
			}
			return nil
		})
		if files < 1000 {
			t.Fatalf("%s: only %d Kconfig files", root, files)
		}
		tr, err := Load(root, Options{AllFiles: true})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for name, s := range tr.Symbols {
			if len(s.Defs) > 0 {
				want[name] = true
			}
		}
		got, err := LoadNames(root, dirent.NewSnapshot(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: LoadNames (-Load +LoadNames):\n%s", root, diff)
		}
		t.Logf("%s: %d files, %d names", root, files, len(got))
	}
	if _, err := LoadNames(t.TempDir(), nil, nil); err == nil {
		t.Error("LoadNames of a folder without Kconfig: no error")
	}
}

// FuzzDefinedNames: on any text ParseFile accepts without an error, the scan finds the
// entries the parser builds; on any text it does not panic.
func FuzzDefinedNames(f *testing.F) {
	f.Add([]byte("config A\n\tbool\n\thelp\n\t  config B\nconfig C\n"))
	f.Add([]byte("menuconfig X\n\tdepends on \\\n\tY\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		got := scannedNames(src)
		if _, errs := ParseFile("Kconfig", src); len(errs) > 0 {
			return
		}
		if diff := cmp.Diff(parsedNames(src), got); diff != "" {
			t.Errorf("%q (-ParseFile +DefinedNames):\n%s", src, diff)
		}
	})
}
