// SPDX-License-Identifier: GPL-2.0-only

package kconfig_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoProtocolDeps keeps kconfig and kconfig/kbuild free of the LSP layer: they are plain Go
// APIs the server calls.
func TestNoProtocolDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "krls.dev/krls/kconfig/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "go.lsp.dev/") || strings.HasPrefix(p, "krls.dev/krls/lsp") || strings.HasPrefix(p, "github.com/smacker/") {
			t.Errorf("kconfig depends on %s", p)
		}
	}
}
