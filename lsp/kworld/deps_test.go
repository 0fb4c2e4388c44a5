// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoProtocol keeps kworld a feature package: no LSP protocol types, no server.
func TestNoProtocol(t *testing.T) {
	const p = "krls.dev/krls/lsp/kworld"
	out, err := exec.Command("go", "list", "-e", "-deps", p).Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 || deps[len(deps)-1] != p {
		t.Fatalf("go list -deps listed %d packages, not ending with %s", len(deps), p)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "go.lsp.dev/") || d == "krls.dev/krls/lsp" {
			t.Errorf("kworld depends on %s", d)
		}
	}
}
