// SPDX-License-Identifier: GPL-2.0-only

// Package nvimtest tests the krls Neovim plugin (editors/nvim) in real headless Neovims against
// the real krls server and the real 6.12 tree (and 6.1): attach through require("krls").setup(),
// and through the 0.11-style lsp/krls.lua config; hover and definition of KVec (ThisModule on 6.1),
// module! key completion, the bindings-direct diagnostic, skeleton completion (Rust, Kconfig), the
// status and open-Makefile/open-Kconfig commands, filetypes and roots of Kconfig and Kbuild.
//
// Neovims: `nvim` on PATH (Debian 12: 0.7.2) and, when present, Debian trixie's 0.10 unpacked by
// editors/install-deps.sh nvim010 ($KRLS_NVIM010, default /var/tmp/krls-editors/nvim010/nvim).
// Missing Neovims skip the test locally and fail it under CI=true. KRLS_BIN=path reuses a built
// krls instead of building ./cmd/krls.
package nvimtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"krls.dev/krls/index/kerneltest"
)

var (
	buildOnce sync.Once
	krlsBin   string
	buildErr  error
)

// krls returns a krls binary: $KRLS_BIN or one built from this checkout.
func krls(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("KRLS_BIN"); b != "" {
		return b
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "krls-nvimtest-")
		if err != nil {
			buildErr = err
			return
		}
		krlsBin = filepath.Join(dir, "krls")
		cmd := exec.Command("go", "build", "-o", krlsBin, "./cmd/krls")
		cmd.Dir = kerneltest.RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/krls: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return krlsBin
}

func missing(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s unavailable under CI", what)
	}
	t.Skipf("%s unavailable (editors/install-deps.sh nvim nvim010 installs it)", what)
}

// expectations are computed from the kernel files, independently of krls.
type expectations struct {
	keys        []string // module! keys after `license` in EXPECTED_KEYS
	params      bool     // EXPECTED_KEYS has params
	hoverWord   string   // the item hovered and followed: KVec, or ThisModule before KVec existed
	defFile     string   // file under the tree defining it
	author      string   // `author: "` or, where module! takes byte strings (6.1), `author: b"`
	kconfigLine int      // line of `config SAMPLE_RUST_MINIMAL` in samples/rust/Kconfig
}

func expect(t *testing.T, tree string) expectations {
	t.Helper()
	var e expectations
	mod, err := os.ReadFile(filepath.Join(tree, "rust/macros/module.rs"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)EXPECTED_KEYS: &\[&str\] =\s*&\[(.*?)\];`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("no EXPECTED_KEYS in rust/macros/module.rs")
	}
	after := false
	for _, q := range regexp.MustCompile(`"(\w+)"`).FindAllSubmatch(m[1], -1) {
		if after {
			e.keys = append(e.keys, string(q[1]))
		}
		after = after || string(q[1]) == "license"
		e.params = e.params || string(q[1]) == "params"
	}
	if len(e.keys) == 0 {
		t.Fatal("no module! key after license")
	}
	e.author = `author: "`
	if strings.Contains(string(mod), `"author" => info.author = Some(expect_byte_string(it))`) {
		e.author = `author: b"`
	}
	sample, err := os.ReadFile(filepath.Join(tree, "samples/rust/rust_minimal.rs"))
	if err != nil {
		t.Fatal(err)
	}
	e.hoverWord = "ThisModule"
	defRe := regexp.MustCompile(`(?m)^pub struct ThisModule\b`)
	if strings.Contains(string(sample), "KVec<") {
		e.hoverWord, defRe = "KVec", regexp.MustCompile(`(?m)^pub type KVec<`)
	}
	err = filepath.WalkDir(filepath.Join(tree, "rust/kernel"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rs") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && defRe.Match(b) {
			e.defFile, _ = filepath.Rel(tree, p)
		}
		return nil
	})
	if err != nil || e.defFile == "" {
		t.Fatalf("no %s under rust/kernel (%v)", defRe, err)
	}
	kc, err := os.ReadFile(filepath.Join(tree, "samples/rust/Kconfig"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(kc), "\n") {
		if l == "config SAMPLE_RUST_MINIMAL" {
			e.kconfigLine = i + 1
		}
	}
	if e.kconfigLine == 0 {
		t.Fatal("no config SAMPLE_RUST_MINIMAL in samples/rust/Kconfig")
	}
	return e
}

func neovims(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	if p, err := exec.LookPath("nvim"); err == nil {
		out["system"] = p
	}
	n010 := os.Getenv("KRLS_NVIM010")
	if n010 == "" {
		n010 = "/var/tmp/krls-editors/nvim010/nvim"
	}
	if _, err := os.Stat(n010); err == nil {
		out["0.10"] = n010
	}
	return out
}

func TestPlugin(t *testing.T) {
	nvims := neovims(t)
	if nvims["system"] == "" {
		missing(t, "nvim")
	}
	bin := krls(t)
	plugin, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, nvim, mode, ver, check string }{
		{"system/setup", nvims["system"], "setup", "6.12", "bindings-direct"},
		{"0.10/setup", nvims["0.10"], "setup", "6.12", "bindings-direct"},
		{"0.10/lspconfig", nvims["0.10"], "lspconfig", "6.12", "bindings-direct"},
		// 6.1: byte strings, only `alias` after license, no KVec and no safe Mutex to point to.
		{"system/setup/6.1", nvims["system"], "setup", "6.1", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.nvim == "" {
				missing(t, "Neovim "+c.name)
			}
			tree := kerneltest.Tree(t, c.ver)
			e := expect(t, tree)
			run := t.TempDir()
			kbuild := filepath.Join(run, "oot")
			if err := os.MkdirAll(kbuild, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(kbuild, "Kbuild"), []byte("obj-m := hello.o\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			// A hung Neovim is killed rather than blocking the suite (a bound, not a timing).
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, c.nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
				"-c", "luafile "+filepath.Join(plugin, "test", "plugin_test.lua"))
			cmd.Env = append(os.Environ(),
				"PLUGIN_DIR="+plugin, "KRLS_BIN="+bin, "KRLS_TREE="+tree, "KBUILD_DIR="+kbuild,
				"MODE="+c.mode, "EXPECT_KEYS="+strings.Join(e.keys, ","), "EXPECT_DEF_FILE="+e.defFile,
				fmt.Sprintf("EXPECT_KCONFIG_LINE=%d", e.kconfigLine), "EXPECT_CHECK="+c.check, "HOVER_WORD="+e.hoverWord, "EXPECT_AUTHOR="+e.author,
				fmt.Sprintf("EXPECT_PARAMS=%d", map[bool]int{false: 0, true: 1}[e.params]),
				// Neovim's state and log, and krls's index cache, stay in the test's folder.
				"HOME="+run, "XDG_CONFIG_HOME="+run+"/config", "XDG_DATA_HOME="+run+"/data",
				"XDG_STATE_HOME="+run+"/state", "XDG_CACHE_HOME="+run+"/cache")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			werr := cmd.Run()
			t.Logf("%s in %v:\n%s", c.name, time.Since(start).Round(time.Millisecond), stdout.String())
			if werr != nil || !strings.Contains(stdout.String(), "PASS") {
				t.Fatalf("nvim: %v\nstderr: %s", werr, stderr.String())
			}
		})
	}
}
