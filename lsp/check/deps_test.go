// SPDX-License-Identifier: GPL-2.0-only

package check_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFeaturePackagesKnowNoProtocol keeps the feature packages free of the LSP protocol
// types: the server layer (package lsp) converts, so `krls lint` and the tests use the
// features without it.
func TestFeaturePackagesKnowNoProtocol(t *testing.T) {
	pkgs := []string{
		"krls.dev/krls/lsp/rustfile", "krls.dev/krls/lsp/check", "krls.dev/krls/lsp/hover",
		"krls.dev/krls/lsp/completion", "krls.dev/krls/lsp/definition", "krls.dev/krls/lsp/internal/marker",
	}
	for _, p := range pkgs {
		out, err := exec.Command("go", "list", "-e", "-deps", p).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", p, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) == 0 || deps[len(deps)-1] != p {
			t.Fatalf("go list -deps %s listed %d packages, not ending with the package itself", p, len(deps))
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "go.lsp.dev/") || d == "krls.dev/krls/lsp" {
				t.Errorf("%s depends on %s", p, d)
			}
		}
	}
}
