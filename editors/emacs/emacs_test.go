// SPDX-License-Identifier: GPL-2.0-only

// Package emacstest runs the Emacs configuration of editors/emacs/krls.el (the one the README
// shows) in batch Emacs with eglot against the real krls server on the real 6.12 tree: hover on
// KVec, module! key completion through eglot's completion-at-point, the bindings-direct warning
// through flymake, Kconfig and Kbuild modes. Debian 12: apt-get install emacs-nox elpa-eglot.
// Without Emacs the test is skipped locally and fails under CI=true. KRLS_BIN reuses a krls.
package emacstest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"krls.dev/krls/index/kerneltest"
)

func TestEglot(t *testing.T) {
	tree := kerneltest.Tree(t, "6.12")
	emacs, err := exec.LookPath("emacs")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("emacs unavailable under CI")
		}
		t.Skip("emacs unavailable (apt-get install emacs-nox elpa-eglot)")
	}
	bin := os.Getenv("KRLS_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "krls")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/krls")
		cmd.Dir = kerneltest.RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	// Oracle: the module! keys after license, from the tree's rust/macros/module.rs.
	mod, err := os.ReadFile(filepath.Join(tree, "rust/macros/module.rs"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)EXPECTED_KEYS: &\[&str\] =\s*&\[(.*?)\];`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("no EXPECTED_KEYS")
	}
	var keys []string
	after := false
	for _, q := range regexp.MustCompile(`"(\w+)"`).FindAllSubmatch(m[1], -1) {
		if after {
			keys = append(keys, string(q[1]))
		}
		after = after || string(q[1]) == "license"
	}
	here, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	run := t.TempDir()
	if err := os.WriteFile(filepath.Join(run, "Kbuild"), []byte("obj-m := hello.o\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A hung Emacs is killed rather than blocking the suite (a bound, not a timing).
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emacs, "--batch", "-l", filepath.Join(here, "test", "eglot_test.el"))
	cmd.Env = append(os.Environ(), "KRLS_BIN="+bin, "KRLS_TREE="+tree, "KBUILD_DIR="+run,
		"KRLS_EL="+filepath.Join(here, "krls.el"), "EXPECT_KEYS="+strings.Join(keys, ","),
		"HOME="+run, "XDG_CACHE_HOME="+filepath.Join(run, "cache"))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("emacs in %v:\n%s", time.Since(start).Round(time.Millisecond), out)
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("emacs: %v", err)
	}
}
