// SPDX-License-Identifier: GPL-2.0-only

package snippets

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/kconfig"
)

// The VS Code snippet format: exactly these keys (plus ours), prefix and body strings or arrays.
func TestJSONFiles(t *testing.T) {
	for _, name := range []string{"rust.json", "kconfig.json", "makefile.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]map[string]json.RawMessage
			dec := json.NewDecoder(bytes.NewReader(data))
			if err := dec.Decode(&m); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if len(m) == 0 {
				t.Fatal("no snippet")
			}
			for label, e := range m {
				for k := range e {
					switch k {
					case "prefix", "body", "description", "krls.requires":
					default:
						t.Errorf("%s: unknown key %q", label, k)
					}
				}
				for _, k := range []string{"prefix", "body", "description"} {
					if len(e[k]) == 0 {
						t.Errorf("%s: no %s", label, k)
					}
				}
			}
		})
	}
}

func TestPlain(t *testing.T) {
	tests := []struct {
		body, want, err string
	}{
		{body: "plain { text }", want: "plain { text }"},
		{body: "a $1 b $0", want: "a  b "},
		{body: "${1:x} and ${1}", want: "x and x"},
		{body: "${2} before ${2:late}", want: "late before late"},
		{body: "${1:outer ${2:inner}}|$2", want: "outer inner|inner"},
		{body: `license: "${1|GPL,Dual MIT/GPL|}"`, want: `license: "GPL"`},
		{body: `${1|a\,b,c|}`, want: "a,b"},
		{body: `obj-\$(CONFIG_${1:X}) += x.o`, want: "obj-$(CONFIG_X) += x.o"},
		{body: `pr_info!("\\n")`, want: `pr_info!("\n")`},
		{body: `\}\\`, want: `}\`},
		{body: "${TM_FILENAME_BASE:mod}", want: "mod"},
		{body: "$TM_FILENAME", want: ""},
		{body: "obj-$(CONFIG_X)", err: "starts nothing"},
		{body: "cost: 5$", err: "lone $"},
		{body: "${1:open", err: "unterminated"},
		{body: "${1|a,b}", err: "unterminated choice"},
		{body: "${:x}", err: "${ followed by"},
		{body: "${1/a/b/}", err: "only variables"},
		{body: "${1;}", err: "unexpected"},
		{body: "${X/a/b/}", err: "transforms"},
	}
	for _, tt := range tests {
		got, err := Plain(tt.body)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Plain(%q) error = %v, want one containing %q", tt.body, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Plain(%q): %v", tt.body, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Plain(%q) (-want +got):\n%s", tt.body, diff)
		}
	}
}

var allVariants = []Variant{
	{}, {Authors: true}, {ByteStrings: true},
	{Authors: true, Params: true, PhyDriver: true, MiscDevice: true},
	{PhyDriver: true, MiscDevice: true, Params: true},
}

// Every skeleton of every language and variant is valid snippet syntax, ends somewhere ($0) and
// numbers its tabstops from 1 without gaps (editors jump 1, 2, 3…).
func TestSkeletonSyntax(t *testing.T) {
	for _, lang := range []string{"rust", "kconfig", "makefile"} {
		for _, v := range allVariants {
			ss := For(lang, v)
			if len(ss) == 0 {
				t.Errorf("For(%q, %+v) is empty", lang, v)
			}
			for _, s := range ss {
				if s.Prefix == "" || s.Label == "" || s.Description == "" {
					t.Errorf("%s: empty field in %+v", s.Label, s)
				}
				if _, err := Plain(s.Body); err != nil {
					t.Errorf("%s %+v: %v", s.Label, v, err)
					continue
				}
				stops, _ := Tabstops(s.Body)
				max := 0
				has := map[int]bool{}
				for _, n := range stops {
					has[n] = true
					if n > max {
						max = n
					}
				}
				if !has[0] {
					t.Errorf("%s: no $0", s.Label)
				}
				for i := 1; i <= max; i++ {
					if !has[i] {
						t.Errorf("%s: tabstop %d missing (gap)", s.Label, i)
					}
				}
			}
		}
	}
	if got := For("python", Variant{}); got != nil {
		t.Errorf("For(python) = %v, want nil", got)
	}
}

// expectedKeys reads EXPECTED_KEYS from the tree's rust/macros/module.rs, the oracle of what
// module! accepts and in which order.
func expectedKeys(t *testing.T, tree string) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(tree, "rust", "macros", "module.rs"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)EXPECTED_KEYS: &\[&str\] =\s*&\[(.*?)\];`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no EXPECTED_KEYS in module.rs")
	}
	var keys []string
	for _, q := range regexp.MustCompile(`"(\w+)"`).FindAllSubmatch(m[1], -1) {
		keys = append(keys, string(q[1]))
	}
	if len(keys) < 5 {
		t.Fatalf("EXPECTED_KEYS too short: %v", keys)
	}
	return keys
}

type keyValue struct{ key, value string }

// macroKeys returns the top-level `key: value` pairs of the first `NAME! { ... }` in code.
func macroKeys(code, name string) ([]keyValue, bool) {
	i := strings.Index(code, name+"! {")
	if i < 0 {
		return nil, false
	}
	s := code[i+len(name)+3:]
	var out []keyValue
	pos := 0
	for {
		for pos < len(s) && strings.ContainsRune(" \t\n,", rune(s[pos])) {
			pos++
		}
		if pos >= len(s) || s[pos] == '}' {
			return out, true
		}
		colon := strings.IndexByte(s[pos:], ':')
		if colon < 0 {
			return out, false
		}
		key := strings.TrimSpace(s[pos : pos+colon])
		pos += colon + 1
		depth, inStr := 0, false
		start := pos
		for ; pos < len(s); pos++ {
			c := s[pos]
			if inStr {
				if c == '\\' {
					pos++
				} else if c == '"' {
					inStr = false
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '[', '{', '(':
				depth++
			case ']', ')':
				depth--
			case '}':
				if depth == 0 {
					out = append(out, keyValue{key, strings.TrimSpace(s[start:pos])})
					return out, true
				}
				depth--
			}
			if c == ',' && depth == 0 {
				break
			}
		}
		out = append(out, keyValue{key, strings.TrimSpace(s[start:pos])})
	}
}

// inOrder reports whether keys is a subsequence of allowed (each once, in allowed's order).
func inOrder(keys, allowed []string) bool {
	j := 0
	for _, k := range keys {
		for j < len(allowed) && allowed[j] != k {
			j++
		}
		if j == len(allowed) {
			return false
		}
		j++
	}
	return true
}

// checkModule checks the module! (or module_phy_driver!) of every Rust skeleton against the
// tree's own EXPECTED_KEYS, and that string values use the form the tree expects.
func checkModule(t *testing.T, tree string, v Variant) {
	allowed := expectedKeys(t, tree)
	ss := For("rust", v)
	if len(ss) == 0 {
		t.Fatal("no Rust skeleton")
	}
	for _, s := range ss {
		code, err := Plain(s.Body)
		if err != nil {
			t.Fatal(err)
		}
		kvs, ok := macroKeys(code, "module")
		if !ok {
			if kvs, ok = macroKeys(code, "module_phy_driver"); !ok {
				t.Errorf("%s: no module! or module_phy_driver! block", s.Label)
				continue
			}
			// module_phy_driver! takes drivers and device_table, then passes the rest to
			// module! after `type: Module,` (rust/kernel/net/phy.rs).
			if len(kvs) < 2 || kvs[0].key != "drivers" || kvs[1].key != "device_table" {
				t.Errorf("%s: module_phy_driver! must start with drivers, device_table: %v", s.Label, kvs)
				continue
			}
			kvs = append([]keyValue{{"type", "Module"}}, kvs[2:]...)
		}
		var keys []string
		for _, kv := range kvs {
			keys = append(keys, kv.key)
			switch kv.key {
			case "name", "author", "description", "license":
				if v.ByteStrings != strings.HasPrefix(kv.value, `b"`) {
					t.Errorf("%s: %s: %s, want byte string = %v", s.Label, kv.key, kv.value, v.ByteStrings)
				}
				if !strings.HasSuffix(kv.value, `"`) || strings.Contains(kv.value, "$") {
					t.Errorf("%s: %s: %s is not a filled string", s.Label, kv.key, kv.value)
				}
			}
		}
		if !inOrder(keys, allowed) {
			t.Errorf("%s: module! keys %v not in EXPECTED_KEYS order %v", s.Label, keys, allowed)
		}
		for _, req := range []string{"type", "name", "license"} {
			if !inOrder([]string{req}, keys) {
				t.Errorf("%s: required key %s missing in %v", s.Label, req, keys)
			}
		}
	}
}

func TestModuleKeys612(t *testing.T) {
	tree := kerneltest.Tree(t, "6.12")
	v, err := VariantOf(tree)
	if err != nil {
		t.Fatal(err)
	}
	checkModule(t, tree, v)
	// The misc device skeleton (6.13+) uses no key 6.12 lacks either.
	v.MiscDevice = true
	checkModule(t, tree, v)
	if n := len(For("rust", v)); n != 3 {
		t.Errorf("6.12 + misc: %d Rust skeletons, want 3 (minimal, PHY, misc)", n)
	}
}

func TestModuleKeys61(t *testing.T) {
	tree := kerneltest.Tree(t, "6.1")
	v, err := VariantOf(tree)
	if err != nil {
		t.Fatal(err)
	}
	checkModule(t, tree, v)
}

// The expectations come from the trees themselves: a grep for the macro forms, not VariantOf.
func TestVariantOf(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			tree := kerneltest.Tree(t, ver)
			keys := expectedKeys(t, tree)
			mod, _ := os.ReadFile(filepath.Join(tree, "rust/macros/module.rs"))
			phy, _ := os.ReadFile(filepath.Join(tree, "rust/kernel/net/phy.rs"))
			_, miscErr := os.Stat(filepath.Join(tree, "rust/kernel/miscdevice.rs"))
			want := Variant{
				Authors:     inOrder([]string{"authors"}, keys),
				ByteStrings: bytes.Contains(mod, []byte(`info.name = expect_byte_string(it)`)),
				Params:      inOrder([]string{"params"}, keys),
				PhyDriver:   bytes.Contains(phy, []byte("macro_rules! module_phy_driver")),
				MiscDevice:  miscErr == nil,
			}
			// What DOMAIN.md says of these two versions, so the oracle itself is checked.
			if ver == "6.1" && (!want.ByteStrings || want.PhyDriver) || ver == "6.12" && (want.ByteStrings || !want.PhyDriver) {
				t.Fatalf("oracle disagrees with the known facts of %s: %+v", ver, want)
			}
			got, err := VariantOf(tree)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("VariantOf (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := VariantOf(t.TempDir()); err == nil {
		t.Error("VariantOf(empty dir): no error")
	}
}

func TestAdapt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		v    Variant
		want string
	}{
		{"authors", "    author: \"${4:Me}\",\n", Variant{Authors: true}, "    authors: [\"${4:Me}\"],\n"},
		{"author back", "    authors: [\"${4:Me}\"],\n", Variant{}, "    author: \"${4:Me}\",\n"},
		{"two authors stay", "    authors: [\"a\", \"b\"],\n", Variant{}, "    authors: [\"a\", \"b\"],\n"},
		{"byte strings", "    name: \"x\",\n    type: X,\n    license: \"GPL\",\n", Variant{ByteStrings: true},
			"    name: b\"x\",\n    type: X,\n    license: b\"GPL\",\n"},
		{"other strings stay", "    pr_info!(\"name: \\n\");\n", Variant{ByteStrings: true}, "    pr_info!(\"name: \\n\");\n"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, adapt(tt.in, tt.v)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParamsSkeleton(t *testing.T) {
	find := func(v Variant) (string, bool) {
		for _, s := range For("rust", v) {
			if s.Prefix == "kmodule_params" {
				code, err := Plain(s.Body)
				if err != nil {
					t.Fatal(err)
				}
				return code, true
			}
		}
		return "", false
	}
	if _, ok := find(Variant{}); ok {
		t.Error("params skeleton offered to a tree without params")
	}
	code, ok := find(Variant{Authors: true, Params: true})
	if !ok {
		t.Fatal("params skeleton not offered")
	}
	kvs, _ := macroKeys(code, "module")
	var keys []string
	for _, kv := range kvs {
		keys = append(keys, kv.key)
	}
	// The params key set of ~6.17 (DOMAIN.md): author dropped, authors and params in this order.
	if diff := cmp.Diff([]string{"type", "name", "authors", "description", "license", "params"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if !strings.Contains(code, "*module_parameters::my_param.value()") {
		t.Errorf("parameter not read through module_parameters:\n%s", code)
	}
}

var (
	objRe = regexp.MustCompile(`^obj-\$\(CONFIG_([A-Z0-9_]+)\)\s*\+=\s*([a-z0-9_]+)\.o$`)
)

// entryShape is what matters of a config entry: kind, type, prompts, dependencies, help.
type entryShape struct {
	Kind, Type         string
	Prompts, Depends   int
	HasHelp            bool
	HelpEndsWithUnsure bool
}

// parseEntry parses text with the project's Kconfig parser (krls.dev/krls/kconfig, modelled on
// scripts/kconfig/lexer.l and parser.y) and returns the one config entry it holds.
func parseEntry(t *testing.T, name, text string) (*kconfig.Node, entryShape) {
	t.Helper()
	f, errs := kconfig.ParseFile(name, []byte(text))
	for _, e := range errs {
		t.Errorf("%s: %s (warning %v)", name, e.Msg, e.Warning)
	}
	if f == nil || len(f.Nodes) != 1 {
		t.Fatalf("%s: want one statement, got %v", name, f)
	}
	n := f.Nodes[0]
	sh := entryShape{Kind: n.Kind.String(), Type: n.Type.String(), Prompts: len(n.Prompts), Depends: len(n.Depends), HasHelp: n.Help != nil}
	if n.Help != nil {
		sh.HelpEndsWithUnsure = strings.HasSuffix(strings.TrimSpace(n.Help.Text), "If unsure, say N.")
	}
	return n, sh
}

// The Kconfig entry, the Kbuild line and the Rust module agree on their defaults: CONFIG_X builds
// x.o from x.rs, whose module! name is x, and the help says "the module will be called x".
func TestKconfigAndKbuild(t *testing.T) {
	kc := For("kconfig", Variant{})
	mk := For("makefile", Variant{})
	if len(kc) != 1 {
		t.Fatalf("%d Kconfig skeletons, want 1", len(kc))
	}
	kcText, err := Plain(kc[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	entry, _ := parseEntry(t, "Kconfig", kcText)
	sym, help := entry.Name, ""
	if entry.Help != nil {
		help = entry.Help.Text
	}
	var obj []string
	for _, s := range mk {
		line, err := Plain(s.Body)
		if err != nil {
			t.Fatal(err)
		}
		if m := objRe.FindStringSubmatch(line); m != nil {
			obj = m
		} else if !regexp.MustCompile(`^obj-m := [a-z0-9_]+\.o$`).MatchString(line) {
			t.Errorf("Kbuild line %q is neither obj-$(CONFIG_X) += x.o nor obj-m := x.o", line)
		}
	}
	if obj == nil {
		t.Fatal("no obj-$(CONFIG_X) += x.o skeleton")
	}
	mod, err := Plain(For("rust", Variant{})[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	kvs, _ := macroKeys(mod, "module")
	name := ""
	for _, kv := range kvs {
		if kv.key == "name" {
			name = strings.Trim(kv.value, `"`)
		}
	}
	if obj[1] != sym || obj[2] != name || !strings.Contains(help, "will be called "+name+".") {
		t.Errorf("defaults disagree: Kconfig %s, Kbuild CONFIG_%s += %s.o, module! name %q, help %q", sym, obj[1], obj[2], name, help)
	}
}

// The Kconfig skeleton parses like the real samples/rust/Kconfig entry of SAMPLE_RUST_MINIMAL,
// plus the `depends on RUST` that the sample gets from its enclosing `if SAMPLES_RUST`.
func TestKconfigLikeCorpus(t *testing.T) {
	tree := kerneltest.Tree(t, "6.12")
	data, err := os.ReadFile(filepath.Join(tree, "samples/rust/Kconfig"))
	if err != nil {
		t.Fatal(err)
	}
	f, errs := kconfig.ParseFile("samples/rust/Kconfig", data)
	if len(errs) > 0 {
		t.Fatalf("the real file does not parse: %v", errs)
	}
	var real *kconfig.Node
	f.Walk(func(n *kconfig.Node) bool {
		if n.Name == "SAMPLE_RUST_MINIMAL" {
			real = n
		}
		return true
	})
	if real == nil {
		t.Fatal("no SAMPLE_RUST_MINIMAL entry")
	}
	want := entryShape{Kind: real.Kind.String(), Type: real.Type.String(), Prompts: len(real.Prompts),
		Depends: len(real.Depends) + 1, HasHelp: real.Help != nil,
		HelpEndsWithUnsure: strings.HasSuffix(strings.TrimSpace(real.Help.Text), "If unsure, say N.")}
	text, err := Plain(For("kconfig", Variant{})[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	_, got := parseEntry(t, "Kconfig", text)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skeleton vs samples/rust/Kconfig (-want +got):\n%s", diff)
	}
}

func FuzzPlain(f *testing.F) {
	for _, lang := range []string{"rust", "kconfig", "makefile"} {
		for _, s := range For(lang, Variant{}) {
			f.Add(s.Body)
		}
	}
	f.Add("${1|a,b|}${2:${3:x}}\\$")
	f.Fuzz(func(t *testing.T, body string) {
		out, err := Plain(body)
		if err == nil && len(out) > len(body)*len(body)+16 {
			t.Errorf("output %d bytes from %d", len(out), len(body))
		}
	})
}
