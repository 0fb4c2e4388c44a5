// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/lsp/check"
	// The check packages the krls binary links register into the registry: all of them must
	// be here for docs/checks.md (cmd/krls TestChecksDocComplete checks the binary's list).
	_ "krls.dev/krls/lsp/kworld"
)

// docPath is docs/checks.md of the repository.
var docPath = filepath.Join("..", "..", "docs", "checks.md")

// realChecks are the checks of the registry without this package's test checks.
func realChecks() []*check.Check {
	var out []*check.Check
	for _, c := range check.All() {
		if !strings.HasPrefix(c.ID, "test-") {
			out = append(out, c)
		}
	}
	return out
}

// TestChecksDoc fails when docs/checks.md is not what the registry generates;
// `go test ./lsp/lint -run TestChecksDoc -update` regenerates it.
func TestChecksDoc(t *testing.T) {
	checks := realChecks()
	got := ChecksDoc(checks)
	if *update {
		if err := os.MkdirAll(filepath.Dir(docPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(docPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v (go test ./lsp/lint -run TestChecksDoc -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("docs/checks.md is stale: run go test ./lsp/lint -run TestChecksDoc -update\n(-file +registry):\n%s", diff)
	}
	// Every check has a section with its summary, and the fields the docs promise.
	for _, c := range checks {
		if !strings.Contains(string(got), "\n## "+c.ID+"\n") {
			t.Errorf("no section for %s", c.ID)
		}
		if strings.TrimSpace(c.Summary) == "" {
			t.Errorf("check %s has no summary", c.ID)
		}
	}
}
