// SPDX-License-Identifier: GPL-2.0-only

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"krls.dev/krls/index/kerneltest"
)

// TestNeovim drives a headless Neovim (Debian's 0.7.2) against the binary on the real 6.12
// rust_minimal.rs: module! key completion, a hover on KVec and the bindings:: warning on an
// edited line. Skipped when nvim is not installed, except under CI.
func TestNeovim(t *testing.T) {
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nvim not installed under CI")
		}
		t.Skip("nvim not installed")
	}
	root := kerneltest.Tree(t, "6.12")
	file := filepath.Join(root, "samples/rust/rust_minimal.rs")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The keys the completion must offer: those of EXPECTED_KEYS the sample does not use.
	var keys []string
	for _, k := range moduleKeys(t, root) {
		if !strings.Contains(string(src), "    "+k+":") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		t.Fatal("oracle: every module! key is used by the sample")
	}
	script, err := filepath.Abs("testdata/nvim/test.lua")
	if err != nil {
		t.Fatal(err)
	}
	xdg := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script)
	cmd.Env = append(os.Environ(),
		"KRLS="+bin, "KERNEL="+root, "RS_FILE="+file, "KEYS="+strings.Join(keys, ","),
		"XDG_CONFIG_HOME="+filepath.Join(xdg, "config"), "XDG_DATA_HOME="+filepath.Join(xdg, "data"),
		"XDG_CACHE_HOME="+filepath.Join(xdg, "cache"), "XDG_STATE_HOME="+filepath.Join(xdg, "state"),
		"KRLS_CACHE_DIR="+os.Getenv("KRLS_CACHE_DIR"))
	out, err := cmd.CombinedOutput()
	t.Logf("nvim output:\n%s", out)
	if err != nil || !strings.Contains(string(out), "PASS") {
		if b, _ := os.ReadFile(filepath.Join(xdg, "cache", "nvim", "lsp.log")); len(b) > 0 {
			t.Logf("lsp.log:\n%s", b)
		}
		if b, _ := os.ReadFile(filepath.Join(xdg, "state", "nvim", "lsp.log")); len(b) > 0 {
			t.Logf("lsp.log:\n%s", b)
		}
		t.Fatalf("nvim: %v", err)
	}
}
