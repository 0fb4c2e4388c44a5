// SPDX-License-Identifier: GPL-2.0-only

// Package snippets is the one source of the module skeletons krls offers: a minimal module, a
// module with a parameter, a PHY driver, a misc device, and the matching Kconfig entry and
// Kbuild line.
//
// The skeletons live in rust.json, kconfig.json and makefile.json, in the VS Code snippet format
// (usable as they are as VS Code user snippets). The server embeds them and offers them as
// completion items to every client, VS Code included, only where a skeleton belongs (the top
// level of a Rust file without a module, Kconfig and Makefiles) and in the forms of the tree at
// hand: the editors do not contribute the files themselves, which would offer 6.12's forms
// everywhere. The JSON holds the forms of Linux 6.12 (`author: "…"`, plain strings); For
// rewrites the version-dependent parts for the tree at hand (Variant): `authors: [...]` from
// ~6.15, byte strings `b"…"` in 6.1's module! (rust/macros/module.rs of 6.1 calls
// expect_byte_string), and it drops the skeletons whose kernel API the tree lacks.
//
// A skeleton may carry "krls.requires": "params" | "phy" | "miscdevice" (VS Code ignores unknown
// keys of a snippet). The params skeleton is written in its only valid form (≥ 6.17: `authors`).
package snippets

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

//go:embed rust.json kconfig.json makefile.json
var files embed.FS

// Snippet is one skeleton, ready to be a completion item.
type Snippet struct {
	Prefix      string // what the user types (the completion filter text)
	Label       string // a human name: "Rust kernel module"
	Description string
	Body        string // LSP snippet syntax ($1, ${1:default}, ${1|a,b|}, $0)
}

// Variant says which forms the kernel tree accepts.
type Variant struct {
	Authors     bool // module! takes `authors: [..]` instead of `author: ".."` (~6.15+)
	ByteStrings bool // module! takes byte strings b"..." (6.1)
	Params      bool // module! takes `params: { .. }` (~6.17+)
	PhyDriver   bool // rust/kernel/net/phy.rs has module_phy_driver! (6.8+)
	MiscDevice  bool // rust/kernel/miscdevice.rs exists (6.13+)
}

// entry is one snippet as the VS Code format spells it.
type entry struct {
	Prefix      json.RawMessage `json:"prefix"` // a string or an array of strings
	Body        json.RawMessage `json:"body"`   // a string or an array of lines
	Description string          `json:"description"`
	Requires    string          `json:"krls.requires"`
}

type parsed struct {
	Snippet
	requires string
}

// Languages are the LSP language ids For knows, mapped to their JSON file.
var languages = map[string]string{
	"rust":     "rust.json",
	"kconfig":  "kconfig.json",
	"makefile": "makefile.json",
	"make":     "makefile.json", // Neovim's filetype
	"kbuild":   "makefile.json",
}

// For returns the skeletons for documents of language lang ("rust", "kconfig", "makefile" or
// "make"), adapted to v. Unknown languages give nil.
func For(lang string, v Variant) []Snippet {
	name, ok := languages[lang]
	if !ok {
		return nil
	}
	all, err := load(name)
	if err != nil {
		// The files are embedded and checked by the tests: this cannot happen in a release.
		panic(err)
	}
	var out []Snippet
	for _, p := range all {
		switch p.requires {
		case "params":
			if !v.Params {
				continue
			}
		case "phy":
			if !v.PhyDriver {
				continue
			}
		case "miscdevice":
			if !v.MiscDevice {
				continue
			}
		}
		s := p.Snippet
		s.Body = adapt(s.Body, v)
		out = append(out, s)
	}
	return out
}

// load parses one embedded JSON file; snippets come sorted by label so the order is stable.
func load(name string) ([]parsed, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return parse(data)
}

func parse(data []byte) ([]parsed, error) {
	var m map[string]entry
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	var out []parsed
	for label, e := range m {
		prefix, err := stringOrFirst(e.Prefix)
		if err != nil {
			return nil, fmt.Errorf("%s: prefix: %v", label, err)
		}
		body, err := lines(e.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: body: %v", label, err)
		}
		switch e.Requires {
		case "", "params", "phy", "miscdevice":
		default:
			return nil, fmt.Errorf("%s: unknown krls.requires %q", label, e.Requires)
		}
		out = append(out, parsed{Snippet{Prefix: prefix, Label: label, Description: e.Description, Body: body}, e.Requires})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out, nil
}

func stringOrFirst(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var a []string
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", err
	}
	if len(a) == 0 {
		return "", fmt.Errorf("empty")
	}
	return a[0], nil
}

func lines(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var a []string
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", err
	}
	return strings.Join(a, "\n"), nil
}

var (
	// `author: "x",` on a line of its own (the skeletons keep one key per line).
	authorRe = regexp.MustCompile(`(?m)^(\s*)author: ("[^"\n]*"),$`)
	// `authors: ["x"],` with exactly one author.
	authorsRe = regexp.MustCompile(`(?m)^(\s*)authors: \[("[^"\n]*")\],$`)
	// The string-valued keys of module! that 6.1 reads with expect_byte_string.
	byteKeyRe = regexp.MustCompile(`(?m)^(\s*)(name|author|description|license|alias): "`)
)

// adapt rewrites the version-dependent forms of a body for v.
func adapt(body string, v Variant) string {
	if v.Authors {
		body = authorRe.ReplaceAllString(body, `${1}authors: [${2}],`)
	} else {
		body = authorsRe.ReplaceAllString(body, `${1}author: ${2},`)
	}
	if v.ByteStrings {
		body = byteKeyRe.ReplaceAllString(body, `${1}${2}: b"`)
	}
	return body
}

var (
	// 6.1: `"name" => info.name = expect_byte_string(it),`
	byteNameRe = regexp.MustCompile(`"name"\s*=>\s*info\.name\s*=\s*expect_byte_string`)
	// The EXPECTED_KEYS list of rust/macros/module.rs.
	expectedKeysRe = regexp.MustCompile(`(?s)EXPECTED_KEYS:\s*&\[&str\]\s*=\s*&\[(.*?)\]`)
)

// VariantOf reads the kernel tree at dir (its rust/macros/module.rs, rust/kernel/net/phy.rs and
// rust/kernel/miscdevice.rs) to tell which forms it accepts. A tree it cannot read gives the
// 6.12 forms and the error.
func VariantOf(dir string) (Variant, error) {
	var v Variant
	mod, err := os.ReadFile(filepath.Join(dir, "rust", "macros", "module.rs"))
	if err != nil {
		return v, err
	}
	if m := expectedKeysRe.FindSubmatch(mod); m != nil {
		keys := string(m[1])
		v.Authors = strings.Contains(keys, `"authors"`)
		v.Params = strings.Contains(keys, `"params"`)
	}
	v.ByteStrings = byteNameRe.Match(mod)
	if phy, err := os.ReadFile(filepath.Join(dir, "rust", "kernel", "net", "phy.rs")); err == nil {
		v.PhyDriver = strings.Contains(string(phy), "macro_rules! module_phy_driver")
	}
	if _, err := os.Stat(filepath.Join(dir, "rust", "kernel", "miscdevice.rs")); err == nil {
		v.MiscDevice = true
	}
	return v, nil
}
