// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, p, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func fingerprints(t *testing.T, dir string) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, f := range lintDir(t, dir, nil, nil).Findings {
		m[f.Fingerprint] = f.Line
	}
	return m
}

// TestFingerprintStable: the fingerprint survives lines added above and re-indentation, and
// changes when the flagged line changes; equal lines get different fingerprints.
func TestFingerprintStable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.rs")
	const orig = "fn f() {\n    x(); // FIXME\n    y(); // FIXME\n    y(); // FIXME\n}\n"
	writeFile(t, p, orig)
	before := fingerprints(t, dir)
	if len(before) != 3 {
		t.Fatalf("want 3 distinct fingerprints (equal lines differ by occurrence), got %v", before)
	}
	writeFile(t, p, "// a new comment\n\nfn f() {\n        x(); //   FIXME\n    y(); // FIXME\n    y(); // FIXME\n}\n")
	after := fingerprints(t, dir)
	for fp, line := range before {
		if _, ok := after[fp]; !ok {
			t.Errorf("fingerprint of line %d changed after unrelated edits", line)
		}
	}
	writeFile(t, p, "fn f() {\n    z(); // FIXME\n    y(); // FIXME\n    y(); // FIXME\n}\n")
	changed := fingerprints(t, dir)
	same := 0
	for fp := range before {
		if _, ok := changed[fp]; ok {
			same++
		}
	}
	if same != 2 {
		t.Errorf("after editing one flagged line, %d fingerprints kept, want 2", same)
	}
}

// TestBaseline: a baseline hides the findings it recorded; new ones still show.
func TestBaseline(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "drivers/a.rs")
	writeFile(t, p, "fn f() {\n    x(); // FIXME\n    bindings::y();\n}\n")
	res := lintDir(t, dir, nil, nil)
	bp := filepath.Join(dir, "baseline.json")
	if err := NewBaseline(res.All).Write(bp); err != nil {
		t.Fatal(err)
	}
	base, err := ReadBaseline(bp)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "// moved down\nfn f() {\n    x(); // FIXME\n    bindings::y();\n    w(); // FIXME new\n}\n")
	res = lintDir(t, dir, nil, base)
	got := textOf(t, res)
	want := "drivers/a.rs:5:13: warning: FIXME left in the code [test-fixme]\n" +
		"summary: files=1 findings=1 error=0 warning=1 note=0 suppressed=0 baselined=2 file_errors=0 generated=0\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if res.Fails(SeverityError) || !res.Fails(SeverityWarning) {
		t.Error("the new warning must fail --fail-on warning and not --fail-on error")
	}
	writeFile(t, bp, `{"version": 99, "tool": "krls", "findings": []}`)
	if _, err := ReadBaseline(bp); err == nil || !strings.Contains(err.Error(), "not a krls baseline") {
		t.Errorf("a baseline of another version: err = %v", err)
	}
	if _, err := ReadBaseline(filepath.Join(dir, "none.json")); err == nil {
		t.Error("a missing baseline must be an error")
	}
}
