// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/lsp/check"
)

// formatFixture lints the basic case plus one unreadable file and returns the report.
func formatFixture(t *testing.T) (*Report, string) {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/cases/basic.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := extract(t, ar)
	if err := os.Symlink("gone.rs", filepath.Join(dir, "drivers/demo/dangling.rs")); err != nil {
		t.Fatal(err)
	}
	res := lintDir(t, dir, nil, nil)
	var checks []*check.Check
	for _, c := range check.All() {
		if testEnabled(c.ID) {
			checks = append(checks, c)
		}
	}
	return &Report{Result: res, Tool: Tool{Name: "krls", Version: "0.0.0-test"}, Dir: dir,
		Root: filepath.Join(dir, "kernel"), Checks: checks}, dir
}

// golden compares got with testdata/NAME, with the temporary folder written as /SRC
// (go test -update rewrites the file).
func golden(t *testing.T, name, dir string, got []byte) {
	t.Helper()
	got = bytes.ReplaceAll(got, []byte(dir), []byte("/SRC"))
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func TestJSON(t *testing.T) {
	rep, dir := formatFixture(t)
	var b bytes.Buffer
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "basic.json", dir, b.Bytes())
	// The documented fields are all there, under their documented names.
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "tool", "findings", "errors", "summary"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in the JSON document", k)
		}
	}
	f := doc["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"check", "severity", "path", "line", "col", "end_line", "end_col", "message", "fingerprint"} {
		if _, ok := f[k]; !ok {
			t.Errorf("no %q in a finding", k)
		}
	}
}

func TestSARIF(t *testing.T) {
	rep, dir := formatFixture(t)
	var b bytes.Buffer
	if err := rep.WriteSARIF(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "basic.sarif", dir, b.Bytes())
	validateSchema(t, b.Bytes())
}

var (
	sarifOnce sync.Once
	sarifDir  string
	sarifErr  error
)

// sarifTools returns the folder of the SARIF Multitool package (testdata/install-sarif-tools.sh).
// Without it the test is skipped locally with the reason; under CI=true it runs the install
// script itself, and fails if the tools still cannot be had.
func sarifTools(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KRLS_SARIF_TOOLS")
	if dir == "" {
		dir = "/var/tmp/krls-sarif-tools/node_modules/@microsoft/sarif-multitool-linux"
	}
	if _, err := os.Stat(filepath.Join(dir, "sarif-2.1.0.json")); err != nil && os.Getenv("CI") != "" {
		sarifOnce.Do(func() {
			out, err := exec.Command("bash", filepath.Join("testdata", "install-sarif-tools.sh")).Output()
			if err != nil {
				sarifErr = fmt.Errorf("install-sarif-tools.sh: %v", err)
				return
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			sarifDir = lines[len(lines)-1]
		})
		if sarifErr != nil {
			t.Fatal(sarifErr)
		}
		dir = sarifDir
	}
	if _, err := os.Stat(filepath.Join(dir, "sarif-2.1.0.json")); err != nil {
		msg := "SARIF tools not installed (run lsp/lint/testdata/install-sarif-tools.sh, or set KRLS_SARIF_TOOLS): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// validateSchema checks a SARIF log against the SARIF 2.1.0 JSON schema.
func validateSchema(t *testing.T, data []byte) {
	t.Helper()
	dir := sarifTools(t)
	f, err := os.Open(filepath.Join(dir, "sarif-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-2.1.0.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("the SARIF log does not match the 2.1.0 schema: %v", err)
	}
}

// TestSARIFValidates runs Microsoft's SARIF Multitool validator on the log: no error and no
// warning may come back (its notes are recommendations for other kinds of tools).
func TestSARIFValidates(t *testing.T) {
	dir := sarifTools(t)
	rep, _ := formatFixture(t)
	var b bytes.Buffer
	if err := rep.WriteSARIF(&b); err != nil {
		t.Fatal(err)
	}
	for _, p := range multitoolValidate(t, dir, b.Bytes()) {
		t.Error(p)
	}
}

// TestMultitoolCatches makes sure the validation above can fail: a log whose result has no
// message and whose region starts at column 0 must be refused.
func TestMultitoolCatches(t *testing.T) {
	dir := sarifTools(t)
	bad := `{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"x","version":"1","informationUri":"https://x.example/","rules":[]}},` +
		`"results":[{"ruleId":"r","locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.rs"},"region":{"startLine":1,"startColumn":0}}}]}]}]}`
	if len(multitoolValidate(t, dir, []byte(bad))) == 0 {
		t.Error("the Multitool found nothing wrong in a broken log")
	}
}

// multitoolValidate returns the errors and warnings of the Multitool's validation of data.
func multitoolValidate(t *testing.T, toolDir string, data []byte) []string {
	t.Helper()
	tmp := t.TempDir()
	in, out := filepath.Join(tmp, "krls.sarif"), filepath.Join(tmp, "validation.sarif")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(toolDir, "Sarif.Multitool"), "validate", in, "-o", out, "--log", "ForceOverwrite")
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Sarif.Multitool validate: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no validation log: %v\n%s", err, msg)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text      string   `json:"text"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, run := range log.Runs {
		for _, r := range run.Results {
			level := r.Level
			if level == "" {
				level = "warning" // the SARIF default
			}
			if level == "error" || level == "warning" {
				problems = append(problems, "Multitool "+level+" "+r.RuleID+": "+r.Message.Text+" "+strings.Join(r.Message.Arguments, " | "))
			}
		}
	}
	t.Logf("validator output:\n%s", msg)
	return problems
}

// TestSARIFRealKernel validates the SARIF of the crafted out-of-tree module linted against
// the real 6.12 tree (real findings, real code actions with artifactChanges) with the schema
// and the Multitool.
func TestSARIFRealKernel(t *testing.T) {
	toolDir := sarifTools(t)
	tree, ix := openTree(t, t.TempDir())
	oot, err := filepath.Abs(filepath.Join("..", "..", "testdata", "oot-module"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{Dir: oot, Root: tree.Root, Index: ix, Kconfig: worldOf(t, tree), Enabled: realEnabled})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", f.Path, f.Line, f.Col, f.Check))
	}
	// Where testdata/oot-module/krls_demo.rs puts its four mistakes.
	want := []string{
		"krls_demo.rs:12:14 module-license",
		"krls_demo.rs:13:5 module-unknown-key",
		"krls_demo.rs:23:18 bindings-direct",
		"krls_demo.rs:28:9 unsafe-block-safety",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	rep := &Report{Result: res, Tool: Tool{Name: "krls", Version: "0.0.0-test"}, Dir: oot, Root: tree.Root, Checks: realChecks()}
	if err := rep.WriteSARIF(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte(`"artifactChanges"`)) {
		t.Error("no fix with artifactChanges in the SARIF")
	}
	validateSchema(t, b.Bytes())
	for _, p := range multitoolValidate(t, toolDir, b.Bytes()) {
		t.Error(p)
	}
}

func TestRuleName(t *testing.T) {
	for in, want := range map[string]string{
		"module! keys out of order": "ModuleKeysOutOfOrder", "Kconfig syntax error": "KconfigSyntaxError",
		"direct-binding": "DirectBinding", "": "Id",
	} {
		if got := ruleName(in, "id"); got != want {
			t.Errorf("ruleName(%q) = %q, want %q", in, got, want)
		}
	}
}
