// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/index/kerneltest"
)

// keysOracle extracts the strings of `const NAME: &[&str] = &[...]` from module.rs with a
// regexp of its own.
func keysOracle(t *testing.T, src, name string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)const ` + name + `: &\[&str\] =\s*&\[(.*?)\];`).FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("oracle: no %s in module.rs", name)
	}
	var out []string
	for _, s := range regexp.MustCompile(`"(\w+)"`).FindAllStringSubmatch(m[1], -1) {
		out = append(out, s[1])
	}
	return out
}

func keyNames(keys []ModuleKey) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.Name)
	}
	return out
}

func TestParseModuleMacrosReal(t *testing.T) {
	for _, tc := range []struct {
		ver        string
		stringKind ValueKind
		wantPhy    bool
	}{
		{"6.12", ValueString, true},
		{"6.1", ValueByteString, false},
	} {
		t.Run(tc.ver, func(t *testing.T) {
			root := kerneltest.Tree(t, tc.ver)
			ms, problems := ParseModuleMacros(root)
			if len(problems) > 0 {
				t.Errorf("problems: %v", problems)
			}
			src, err := os.ReadFile(filepath.Join(root, "rust/macros/module.rs"))
			if err != nil {
				t.Fatal(err)
			}
			want := keysOracle(t, string(src), "EXPECTED_KEYS")
			required := keysOracle(t, string(src), "REQUIRED_KEYS")
			ix := &Index{Modules: ms}
			mod := ix.Module("module")
			if mod == nil {
				t.Fatal("no module! schema")
			}
			if d := cmp.Diff(want, keyNames(mod.Keys)); d != "" {
				t.Errorf("module! keys (-EXPECTED_KEYS +parsed):\n%s", d)
			}
			if !mod.Ordered || mod.Loc.File != "rust/macros/lib.rs" || mod.Loc.Start.Line == 0 {
				t.Errorf("module! Ordered/Loc = %v %+v", mod.Ordered, mod.Loc)
			}
			for _, k := range mod.Keys {
				if k.Required != strings.Contains(strings.Join(required, ","), k.Name) {
					t.Errorf("key %s Required = %v, REQUIRED_KEYS = %v", k.Name, k.Required, required)
				}
				if k.Doc == "" {
					t.Errorf("key %s has no doc", k.Name)
				}
				// The kind from the arm, checked against a grep of the same arm.
				arm := regexp.MustCompile(`"` + k.Name + `" => [^\n]*`).FindString(string(src))
				var wantKind ValueKind
				switch {
				case strings.Contains(arm, "expect_ident"):
					wantKind = ValueIdent
				case strings.Contains(arm, "expect_string_array"):
					wantKind = ValueStringArray
				case strings.Contains(arm, "expect_byte_string"):
					wantKind = ValueByteString
				case strings.Contains(arm, "expect_string"):
					wantKind = ValueString
				}
				if k.Value != wantKind {
					t.Errorf("key %s kind %s, arm %q", k.Name, k.Value, arm)
				}
				// ASCII: the arm reads the value with expect_string_ascii, or it is an array
				// and the array reader asserts is_ascii (6.12); 6.1 has neither.
				wantASCII := strings.Contains(arm, "expect_string_ascii") ||
					wantKind == ValueStringArray && strings.Contains(string(src), "val.is_ascii()")
				if k.ASCII != wantASCII {
					t.Errorf("key %s ASCII = %v, want %v (arm %q)", k.Name, k.ASCII, wantASCII, arm)
				}
			}
			if k := mod.Key("name"); k == nil || k.Value != tc.stringKind {
				t.Errorf("name key = %+v, want kind %s", k, tc.stringKind)
			}

			phy := ix.Module("module_phy_driver")
			if (phy != nil) != tc.wantPhy {
				t.Fatalf("module_phy_driver present = %v, want %v", phy != nil, tc.wantPhy)
			}
			if phy == nil {
				return
			}
			// Oracle: the two keys of the matcher, then module!'s keys but type (the macro
			// writes `type: Module` itself).
			phySrc, err := os.ReadFile(filepath.Join(root, "rust/kernel/net/phy.rs"))
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`\((\w+): \[\$\(\$\w+:ident\).*?\], (\w+): \[`).FindStringSubmatch(string(phySrc))
			if m == nil {
				t.Fatal("oracle: no module_phy_driver matcher")
			}
			wantPhy := []string{m[1], m[2]}
			for _, k := range want {
				if k != "type" {
					wantPhy = append(wantPhy, k)
				}
			}
			if d := cmp.Diff(wantPhy, keyNames(phy.Keys)); d != "" {
				t.Errorf("module_phy_driver keys (-want +got):\n%s", d)
			}
			if phy.Key("drivers").Value != ValueIdentArray || phy.Key("device_table").Value != ValueExprArray ||
				!phy.Key("drivers").Required || phy.Key("name").Value != ValueString {
				t.Errorf("module_phy_driver keys: %+v", phy.Keys)
			}
			line := 1 + strings.Count(string(phySrc[:strings.Index(string(phySrc), "macro_rules! module_phy_driver")]), "\n")
			if phy.Loc.File != "rust/kernel/net/phy.rs" || phy.Loc.Start.Line != line {
				t.Errorf("module_phy_driver Loc = %+v, want line %d", phy.Loc, line)
			}
		})
	}
}

// TestParseModuleMacrosFixtures runs the trees of testdata/modschema/*.txtar; "want" lists
// each macro as `name ordered? file:line` and its keys as `  key kind [required]`.
func TestParseModuleMacrosFixtures(t *testing.T) {
	paths, _ := filepath.Glob("testdata/modschema/*.txtar")
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			var want, wantProblems string
			for _, f := range ar.Files {
				switch f.Name {
				case "want":
					want = string(f.Data)
					continue
				case "problems":
					wantProblems = string(f.Data)
					continue
				}
				dst := filepath.Join(root, f.Name)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			ms, problems := ParseModuleMacros(root)
			if d := cmp.Diff(want, renderModules(ms)); d != "" {
				t.Errorf("schemas (-want +got):\n%s", d)
			}
			var gp strings.Builder
			for _, pr := range problems {
				gp.WriteString(pr.File + ": " + pr.Message + "\n")
			}
			if d := cmp.Diff(wantProblems, gp.String()); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

func renderModules(ms []ModuleMacro) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Name)
		if m.Ordered {
			b.WriteString(" ordered")
		}
		b.WriteString(" " + m.Loc.File + ":" + strconv.Itoa(m.Loc.Start.Line) + "\n")
		for _, k := range m.Keys {
			b.WriteString("  " + k.Name + " " + string(k.Value))
			if k.Required {
				b.WriteString(" required")
			}
			if k.Doc == "" {
				b.WriteString(" (no doc)")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func TestParseModuleMacrosNoTree(t *testing.T) {
	ms, problems := ParseModuleMacros(t.TempDir())
	if ms != nil || problems != nil {
		t.Errorf("empty tree: %v %v", ms, problems)
	}
}

func FuzzParseModuleMacros(f *testing.F) {
	f.Add([]byte(`const EXPECTED_KEYS: &[&str] = &["type", "name"]; match k { "type" => x = expect_ident(it), }`), []byte(`macro_rules! module_x { ($($f:tt)*) => { module! { type: M, $($f)* } } }`))
	f.Add([]byte(`parse_ordered_fields!(from input; name [required] => a, license [required] => b,)`), []byte(`macro_rules! module_y { (a: [$($d:ident),+], $($f:tt)*) => { $crate::module_x!({ $($f)* }) } }`))
	f.Add([]byte(`/* /* nested */ "unterminated`), []byte(`macro_rules! module_z { ( => { ((( } r#"x`))
	f.Fuzz(func(t *testing.T, moduleRS, kernelRS []byte) {
		root := t.TempDir()
		for p, b := range map[string][]byte{"rust/macros/module.rs": moduleRS, "rust/kernel/x.rs": kernelRS} {
			dst := filepath.Join(root, p)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		ms, _ := ParseModuleMacros(root)
		for _, m := range ms {
			if m.Name == "" {
				t.Errorf("unnamed macro %+v", m)
			}
		}
	})
}

func BenchmarkParseModuleMacros(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		ParseModuleMacros(root)
	}
}

// FuzzModuleRules checks the hand scan of macro_rules! module_X against the regexp it
// replaced.
func FuzzModuleRules(f *testing.F) {
	for _, s := range []string{"macro_rules! module_a {", "xmacro_rules! module_b{", "macro_rules!\n\tmodule_c_1 \n{ macro_rules!module_d{", "macro_rules! module_ {", "macro_rules! modulex {"} {
		f.Add(s)
	}
	re := regexp.MustCompile(`\bmacro_rules!\s*(module_\w+)\s*\{`)
	f.Fuzz(func(t *testing.T, s string) {
		var want [][4]int
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			want = append(want, [4]int{m[0], m[1], m[2], m[3]})
		}
		if diff := cmp.Diff(want, msModuleRules(s)); diff != "" {
			t.Errorf("msModuleRules(%q) (-regexp +scan):\n%s", s, diff)
		}
	})
}
