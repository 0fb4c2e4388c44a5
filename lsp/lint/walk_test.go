// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWalkProblems builds the bad inputs txtar cannot hold: a dangling symbolic link, a
// symlink loop, a folder with a linted name, a binary file, a FIFO, a named file krls does
// not lint, and a missing path. Each is reported once and the good file is still linted.
// (Tests run as root here, so a chmod 000 file would still be readable: a dangling link and
// a folder named like a file stand for unreadable files.)
func TestWalkProblems(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "m/sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "m/good.rs"), []byte("// FIXME\n"), 0o644))
	must(os.Symlink("missing.rs", filepath.Join(dir, "m/dangling.rs")))
	must(os.Symlink("nowhere", filepath.Join(dir, "m/dangling.txt"))) // not a linted name: ignored
	must(os.Symlink("..", filepath.Join(dir, "m/sub/loop")))
	must(os.Symlink("good.rs", filepath.Join(dir, "m/alias.rs"))) // a link to a good file is linted
	// Two links to one folder outside the roots: walked once, through the first link.
	must(os.MkdirAll(filepath.Join(dir, "ext"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "ext/e.rs"), []byte("// FIXME\n"), 0o644))
	must(os.Symlink("../ext", filepath.Join(dir, "m/l1")))
	must(os.Symlink("../ext", filepath.Join(dir, "m/l2")))
	// A link into a folder walked anyway: skipped (sub/x.rs is linted under its own path).
	must(os.WriteFile(filepath.Join(dir, "m/sub/x.rs"), []byte("// FIXME\n"), 0o644))
	must(os.Symlink("sub", filepath.Join(dir, "m/insub")))
	must(os.MkdirAll(filepath.Join(dir, "m/kc/Kconfig"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "m/bin.rs"), []byte("\x7fELF\x00\x00FIXME"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "m/notes.txt"), []byte("FIXME"), 0o644))
	if err := mkfifo(filepath.Join(dir, "m/fifo.rs")); err != nil {
		t.Logf("no FIFO: %v", err)
	}
	res := lintDir(t, dir, []string{"m", "m/notes.txt", "nope", "m/kc/Kconfig"}, nil)
	got := textOf(t, res)
	want := `m/alias.rs:1:4: warning: FIXME left in the code [test-fixme]
m/good.rs:1:4: warning: FIXME left in the code [test-fixme]
m/l1/e.rs:1:4: warning: FIXME left in the code [test-fixme]
m/sub/x.rs:1:4: warning: FIXME left in the code [test-fixme]
file error: m/bin.rs: binary file (NUL bytes), skipped
file error: m/dangling.rs: cannot read: dangling symbolic link
file error: m/fifo.rs: not a regular file (p---------)
file error: m/kc/Kconfig: is a folder, where a file was expected
file error: m/notes.txt: not a file krls lints (a .rs file, Kconfig, Kconfig.*, Makefile or Kbuild)
file error: m/sub/loop: symbolic link loop: the folder contains itself
file error: nope: cannot read: no such file or folder
summary: files=4 findings=4 error=0 warning=4 note=0 suppressed=0 baselined=0 file_errors=7 generated=0
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !res.Fails(SeverityError) {
		t.Error("file errors must fail the run at any --fail-on")
	}
}

func TestLang(t *testing.T) {
	for name, want := range map[string]string{
		"a.rs": LangRust, "Kconfig": LangKconfig, "Kconfig.debug": LangKconfig, "Makefile": LangMakefile,
		"Kbuild": LangMakefile, "a.c": "", "Makefile.old": "", "Kconfigure": "", "x/y/Kbuild": LangMakefile,
	} {
		if got := Lang(name); got != want {
			t.Errorf("Lang(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestUnneededNotRead: files of a language no enabled check runs on are not read (so a bad
// one is no error then).
func TestUnneededNotRead(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Kconfig"), "config A\x00 # FIXME\n")
	writeFile(t, filepath.Join(dir, "a.rs"), "bindings::x();\n")
	for _, tc := range []struct {
		only   string
		errors int
	}{{fakeBinding, 0}, {fakeWord, 1}} {
		res, err := Run(context.Background(), Options{Dir: dir, Enabled: func(id string) bool { return id == tc.only }})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != tc.errors {
			t.Errorf("only %s: %d file errors, want %d: %v", tc.only, len(res.Errors), tc.errors, res.Errors)
		}
	}
}
