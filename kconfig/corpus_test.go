// SPDX-License-Identifier: GPL-2.0-only

package kconfig_test

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/kconfig"
)

var versions = []string{"6.12", "6.1"}

// kconfigFiles lists every Kconfig* file of the tree (the oracle: a plain walk).
func kconfigFiles(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), "Kconfig") {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

var configLine = regexp.MustCompile(`^[ \t]*(menu)?config[ \t]+([A-Za-z0-9_]+)[ \t]*(#.*)?$`)

// TestCorpusParse parses every Kconfig file of both trees: no error, and every `config NAME`
// line a regexp finds is a definition at that line.
func TestCorpusParse(t *testing.T) {
	for _, ver := range versions {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			files := kconfigFiles(t, root)
			if len(files) < 1000 {
				t.Fatalf("only %d Kconfig files found", len(files))
			}
			nerr, nwarn, ndefs := 0, 0, 0
			for _, rel := range files {
				src, err := os.ReadFile(filepath.Join(root, rel))
				if err != nil {
					t.Fatal(err)
				}
				f, errs := kconfig.ParseFile(rel, src)
				for _, e := range errs {
					if e.Warning {
						nwarn++
						t.Logf("warning: %v", e)
					} else {
						nerr++
						t.Errorf("%v", e)
					}
				}
				defs := map[int]string{}
				f.Walk(func(n *kconfig.Node) bool {
					if n.Kind == kconfig.KindConfig || n.Kind == kconfig.KindMenuconfig {
						defs[n.NameRange.Start.Line] = n.Name
					}
					return true
				})
				sc := bufio.NewScanner(bytes.NewReader(src))
				for line := 1; sc.Scan(); line++ {
					m := configLine.FindStringSubmatch(sc.Text())
					if m == nil {
						continue
					}
					ndefs++
					if defs[line] != m[2] {
						t.Errorf("%s:%d: config %s: parser has %q at this line", rel, line, m[2], defs[line])
					}
				}
			}
			t.Logf("%s: %d files, %d config lines, %d errors, %d warnings", ver, len(files), ndefs, nerr, nwarn)
		})
	}
}

var sourceLine = regexp.MustCompile(`^[ \t]*source[ \t]+"([^"]*)"`)

// TestCorpusLoad loads both trees for x86: no error on the source chain, and every source
// statement of a chain file (found by a regexp) is resolved to an existing file.
func TestCorpusLoad(t *testing.T) {
	for _, ver := range versions {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			tr, err := kconfig.Load(root, kconfig.Options{AllFiles: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range tr.Errors {
				if tr.OnChain[e.File] {
					t.Errorf("on the x86 chain: %v", e)
				} else {
					t.Logf("off the chain: %v (warning=%v)", e, e.Warning)
				}
			}
			if got, want := len(tr.Files), len(kconfigFiles(t, root)); got != want {
				t.Errorf("AllFiles loaded %d files, the tree has %d", got, want)
			}
			resolved := map[string]map[int]*kconfig.Source{}
			for _, s := range tr.Sources {
				if resolved[s.File] == nil {
					resolved[s.File] = map[int]*kconfig.Source{}
				}
				resolved[s.File][s.Node.Header.Start.Line] = s
			}
			nsrc := 0
			for rel := range tr.OnChain {
				src, _ := os.ReadFile(filepath.Join(root, rel))
				sc := bufio.NewScanner(bytes.NewReader(src))
				for line := 1; sc.Scan(); line++ {
					m := sourceLine.FindStringSubmatch(sc.Text())
					if m == nil {
						continue
					}
					nsrc++
					s := resolved[rel][line]
					switch {
					case s == nil:
						t.Errorf("%s:%d: source %q not seen by Load", rel, line, m[1])
					case len(s.Targets) == 0:
						t.Errorf("%s:%d: source %q unresolved: %s", rel, line, m[1], s.Reason)
					default:
						for _, f := range s.Targets {
							if _, err := os.Stat(filepath.Join(root, f)); err != nil {
								t.Errorf("%s:%d: source %q resolved to missing %s", rel, line, m[1], f)
							}
						}
					}
				}
			}
			t.Logf("%s: %d files on the x86 chain, %d source lines resolved, %d symbols", ver, len(tr.OnChain), nsrc, len(tr.Symbols))
		})
	}
}

// TestCorpusRustSample: SAMPLE_RUST_MINIMAL needs RUST through `if SAMPLES_RUST` and the
// menuconfig's `depends on RUST` (samples/rust/Kconfig); its help names the module.
func TestCorpusRustSample(t *testing.T) {
	for _, ver := range versions {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			tr, err := kconfig.Load(root, kconfig.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path, ok := tr.DependsOn("SAMPLE_RUST_MINIMAL", "RUST")
			if !ok || path[len(path)-1] != "RUST" || path[1] != "SAMPLES_RUST" {
				t.Errorf("DependsOn(SAMPLE_RUST_MINIMAL, RUST) = %v, %v; want a path through SAMPLES_RUST", path, ok)
			}
			if !tr.NeedsRust("SAMPLE_RUST_MINIMAL") || tr.NeedsRust("BLOCK") {
				t.Errorf("NeedsRust wrong for SAMPLE_RUST_MINIMAL or BLOCK")
			}
			if !strings.Contains(tr.Deps("SAMPLE_RUST_MINIMAL").String(), "SAMPLES_RUST") {
				t.Errorf("Deps(SAMPLE_RUST_MINIMAL) = %v; want SAMPLES_RUST in it", tr.Deps("SAMPLE_RUST_MINIMAL"))
			}
			// Oracle: the line of the sentence in the file.
			src, _ := os.ReadFile(filepath.Join(root, "samples/rust/Kconfig"))
			lines := strings.Split(string(src), "\n")
			wantLine, wantCol := 0, 0
			for i, l := range lines {
				if strings.Contains(l, "config SAMPLE_RUST_MINIMAL") {
					for j := i; j < len(lines); j++ {
						if k := strings.Index(lines[j], "called rust_minimal"); k >= 0 {
							wantLine, wantCol = j+1, k+len("called ")
							break
						}
					}
					break
				}
			}
			defs := tr.Defs("SAMPLE_RUST_MINIMAL")
			if len(defs) != 1 || defs[0].File != "samples/rust/Kconfig" {
				t.Fatalf("defs of SAMPLE_RUST_MINIMAL: %v", defs)
			}
			name, r, ok := kconfig.ModuleName(defs[0].Node.Help)
			if !ok || name != "rust_minimal" || r.Start.Line != wantLine || r.Start.Col != wantCol {
				t.Errorf("ModuleName = %q %v %v; want rust_minimal at %d:%d", name, r, ok, wantLine, wantCol)
			}
		})
	}
}

// TestCorpusDotConfig is the differential test against the kernel's conf: every symbol the
// .config of the real build names is defined, with a type that fits its value, and every
// symbol it sets to y or m has an effective dependency that is not n under that .config.
func TestCorpusDotConfig(t *testing.T) {
	for _, ver := range versions {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			cfgPath := filepath.Join(root, ".config")
			if _, err := os.Stat(cfgPath); err != nil {
				t.Skipf("no .config in the %s tree", ver)
			}
			tr, err := kconfig.Load(root, kconfig.Options{AllFiles: true})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := kconfig.ReadDotConfig(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			// Oracle for the names: a regexp over the .config text.
			raw, _ := os.ReadFile(cfgPath)
			re := regexp.MustCompile(`(?m)^(?:CONFIG_([A-Za-z0-9_]+)=(.*)|# CONFIG_([A-Za-z0-9_]+) is not set)$`)
			named, set, unknown, unmetOff := 0, 0, 0, 0
			for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
				name, val := m[1], m[2]
				if name == "" {
					name, val = m[3], "n"
				}
				named++
				s := tr.Lookup(name)
				if s == nil || len(tr.Defs(name)) == 0 {
					t.Errorf("%s: CONFIG_%s is not defined", ver, name)
					continue
				}
				onChain := false
				for _, d := range s.Defs {
					onChain = onChain || d.OnChain
				}
				if !onChain {
					t.Errorf("%s: CONFIG_%s is defined only off the x86 chain", ver, name)
				}
				if !fits(s.Type(), val) {
					t.Errorf("%s: CONFIG_%s=%s does not fit type %v", ver, name, val, s.Type())
				}
				if val == "y" || val == "m" {
					set++
					switch tr.Eval(tr.Deps(name), cfg) {
					case kconfig.No:
						sel := false
						for _, e := range s.SelectedBy {
							sel = sel || tr.Eval(e.Cond, cfg) != kconfig.No && cfg.Values[e.From.Symbol.Name] != "n" && cfg.Values[e.From.Symbol.Name] != ""
						}
						t.Errorf("%s: CONFIG_%s=%s but its dependency %v is n (unmet: %v; selected: %v)", ver, name, val, tr.Deps(name), tr.Unmet(name, cfg), sel)
					case kconfig.Unknown:
						unknown++
						t.Logf("%s: CONFIG_%s: dependency unknown: %v", ver, name, tr.Deps(name))
					}
				}
			}
			if named < 1000 {
				t.Fatalf("only %d symbols in .config", named)
			}
			// The other direction: conf writes every bool/tristate whose prompt is visible, so a
			// definition with an unconditional prompt (not in a choice, no `visible if` above) of a
			// symbol absent from .config must have a dependency that is n.
			hidden := 0
			for name, s := range tr.Symbols {
				if _, ok := cfg.Values[name]; ok {
					continue
				}
				if typ := s.Type(); typ != kconfig.TypeBool && typ != kconfig.TypeTristate {
					continue
				}
				for _, d := range s.Defs {
					if !d.OnChain || d.Choice != nil || len(d.Node.Prompts) == 0 || d.Node.Prompts[0].If != nil {
						continue
					}
					visibleIf := false
					for _, p := range d.Parents {
						visibleIf = visibleIf || len(p.Visible) > 0
					}
					if visibleIf {
						continue
					}
					hidden++
					if v := tr.Eval(d.Dep, cfg); v == kconfig.Yes || v == kconfig.Mod {
						t.Errorf("%s: %s:%d: CONFIG_%s has a visible prompt (dependency %v = %v) but conf did not write it", ver, d.File, d.Node.NameRange.Start.Line, name, d.Dep, v)
					}
				}
			}
			// A tristate set to y needs a dependency of y, unless a y symbol selects it.
			for name, v := range cfg.Values {
				s := tr.Lookup(name)
				if v != "y" || s == nil || s.Type() != kconfig.TypeTristate || tr.Eval(tr.Deps(name), cfg) != kconfig.Mod {
					continue
				}
				selected := false
				for _, e := range s.SelectedBy {
					selected = selected || cfg.Values[e.From.Symbol.Name] == "y" && tr.Eval(e.Cond, cfg) == kconfig.Yes
				}
				if !selected {
					t.Errorf("%s: CONFIG_%s=y but its dependency %v is only m", ver, name, tr.Deps(name))
				}
			}
			t.Logf("%s: %d prompt definitions of symbols absent from .config, all with a dependency n or unknown", ver, hidden)
			// Control: conf writes nothing for a bool/tristate whose dependency is n, so many of the
			// chain's symbols absent from .config must evaluate to n.
			for name, s := range tr.Symbols {
				if _, ok := cfg.Values[name]; ok || len(s.Defs) == 0 || !s.Defs[0].OnChain {
					continue
				}
				if typ := s.Type(); (typ == kconfig.TypeBool || typ == kconfig.TypeTristate) && tr.Eval(tr.Deps(name), cfg) == kconfig.No {
					unmetOff++
				}
			}
			if unmetOff < 1000 {
				t.Errorf("only %d symbols absent from .config have an unmet dependency; the evaluator looks too lenient", unmetOff)
			}
			t.Logf("%s: .config names %d symbols, %d set to y/m (all with deps not n); deps unknown (macro) for %d; %d symbols absent from .config have deps n", ver, named, set, unknown, unmetOff)
		})
	}
}

func fits(t kconfig.Type, v string) bool {
	switch t {
	case kconfig.TypeBool:
		return v == "y" || v == "n"
	case kconfig.TypeTristate:
		return v == "y" || v == "m" || v == "n"
	case kconfig.TypeString:
		return strings.HasPrefix(v, `"`) || v == "n"
	case kconfig.TypeInt:
		return regexp.MustCompile(`^-?[0-9]+$`).MatchString(v) || v == "n"
	case kconfig.TypeHex:
		return regexp.MustCompile(`^0[xX][0-9a-fA-F]+$`).MatchString(v) || v == "n"
	}
	return false
}
