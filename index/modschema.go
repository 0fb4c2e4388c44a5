// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// ParseModuleMacros reads the schemas of the module-declaring macros of the tree at root:
// `module!` from the proc macro in rust/macros/module.rs, and every `macro_rules! module_*`
// of rust/kernel (module_phy_driver!, module_driver!, module_pci_driver!, ...) from its
// matcher. Key sets, order, required keys and value kinds all come from the tree; only the
// per-key docs are ours (moduleKeyDocs).
//
// module.rs has had three shapes: 6.1-6.18 list the keys in `const EXPECTED_KEYS` and
// `REQUIRED_KEYS` and parse each in a `match key.as_str()` arm (`"name" =>
// info.name = expect_string_ascii(it)`, `expect_byte_string` in 6.1); the syn rewrite lists
// them in a `parse_ordered_fields!` invocation (`name [required] => input.parse()?`) with the
// value types in `struct ModuleInfo`. Both are read; a tree without module.rs has no module!.
func ParseModuleMacros(root string) ([]ModuleMacro, []Problem) {
	mp := &modParser{root: root, rules: map[string]*msMacroRules{}}
	if m := mp.moduleProcMacro(); m != nil {
		mp.out = append(mp.out, *m)
	}
	mp.macroRules()
	return mp.out, mp.problems
}

type modParser struct {
	root     string
	out      []ModuleMacro
	problems []Problem
	rules    map[string]*msMacroRules // macro_rules! name -> definition, for forwarding
}

func (mp *modParser) problem(file string, line int, format string, args ...any) {
	mp.problems = append(mp.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// readRust reads a Rust file of the tree, or records why not.
func (mp *modParser) readRust(rel string) []byte {
	abs := joinPath(mp.root, rel)
	st, err := os.Stat(abs)
	if err != nil {
		if !os.IsNotExist(err) {
			mp.problem(rel, 0, "%v", err)
		}
		return nil
	}
	if st.Size() > maxCFile {
		mp.problem(rel, 0, "skipped: %d bytes is too large", st.Size())
		return nil
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		mp.problem(rel, 0, "%v", err)
		return nil
	}
	if bytes.IndexByte(b, 0) >= 0 {
		mp.problem(rel, 0, "skipped: binary file")
		return nil
	}
	return b
}

var (
	msKeysConstRE = regexp.MustCompile(`const\s+(EXPECTED_KEYS|REQUIRED_KEYS)\s*:\s*&\[&str\]\s*=\s*&\[([^\]]*)\]`)
	msStringRE    = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
	// "name" => info.name = expect_string_ascii(it),
	msArmRE = regexp.MustCompile(`"(\w+)"\s*=>\s*[^,]*?\b(expect_\w+)\s*\(`)
	// struct ModuleInfo { name: AsciiLitStr, ... } of the syn shape.
	msFieldRE = regexp.MustCompile(`(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?(\w+)\s*:\s*([^,\n]+),`)
)

// moduleProcMacro reads the module! schema from rust/macros/module.rs.
func (mp *modParser) moduleProcMacro() *ModuleMacro {
	const rel = "rust/macros/module.rs"
	src := mp.readRust(rel)
	if src == nil {
		return nil
	}
	clean := string(msBlankComments(src))
	m := &ModuleMacro{Name: "module", Ordered: true, Loc: mp.procMacroLoc(rel, clean)}

	consts := map[string][]string{}
	for _, c := range msKeysConstRE.FindAllStringSubmatch(clean, -1) {
		if _, dup := consts[c[1]]; dup {
			continue // the first ModuleInfo::parse wins; later ones parse nested groups
		}
		for _, s := range msStringRE.FindAllStringSubmatch(c[2], -1) {
			consts[c[1]] = append(consts[c[1]], s[1])
		}
	}
	if keys := consts["EXPECTED_KEYS"]; len(keys) > 0 {
		kinds := map[string]ValueKind{}
		ascii := map[string]bool{}
		// expect_string_array asserts val.is_ascii() on each entry (6.12).
		arrayASCII := regexp.MustCompile(`fn\s+expect_string_array\b[^{]*\{[^}]*is_ascii\(`).MatchString(clean)
		for _, a := range msArmRE.FindAllStringSubmatch(clean, -1) {
			if _, dup := kinds[a[1]]; !dup {
				kinds[a[1]] = msExpectKind(a[2])
				ascii[a[1]] = a[2] == "expect_string_ascii" || a[2] == "expect_string_array" && arrayASCII
			}
		}
		req := map[string]bool{}
		for _, k := range consts["REQUIRED_KEYS"] {
			req[k] = true
		}
		for _, k := range keys {
			kind, ok := kinds[k]
			if !ok {
				mp.problem(rel, 0, "module! key %q has no parsing arm; taken as an expression", k)
				kind = ValueExpr
			}
			m.Keys = append(m.Keys, ModuleKey{Name: k, Required: req[k], Value: kind, ASCII: ascii[k]})
		}
	} else if keys := mp.orderedFields(clean); len(keys) > 0 {
		m.Keys = keys
	} else {
		mp.problem(rel, 0, "no module! keys found (neither EXPECTED_KEYS nor parse_ordered_fields!)")
		return nil
	}
	for i := range m.Keys {
		m.Keys[i].Doc = moduleKeyDoc("module", m.Keys[i].Name)
	}
	return m
}

// procMacroLoc is the `pub fn module` of rust/macros/lib.rs (where the proc macro and its
// documentation are), else module.rs itself.
func (mp *modParser) procMacroLoc(rel, moduleRS string) Loc {
	if lib := mp.readRust("rust/macros/lib.rs"); lib != nil {
		if l := msFindLoc(string(msBlankComments(lib)), regexp.MustCompile(`\bpub\s+fn\s+(module)\s*\(`)); l.Start.Line > 0 {
			l.File = "rust/macros/lib.rs"
			return l
		}
	}
	l := msFindLoc(moduleRS, regexp.MustCompile(`\bfn\s+(module)\s*\(`))
	l.File = rel
	return l
}

// msFindLoc returns the position of the first submatch of re in text.
func msFindLoc(text string, re *regexp.Regexp) Loc {
	m := re.FindStringSubmatchIndex(text)
	if m == nil {
		return Loc{}
	}
	return msSpan(text, m[2], m[3])
}

func msSpan(text string, start, end int) Loc {
	line := 1 + strings.Count(text[:start], "\n")
	col := start - (strings.LastIndexByte(text[:start], '\n') + 1)
	return Loc{Start: Pos{Line: line, Col: col}, End: Pos{Line: line, Col: col + end - start}}
}

// msExpectKind maps the helper a module.rs arm calls to the value kind it accepts.
func msExpectKind(fn string) ValueKind {
	switch fn {
	case "expect_ident":
		return ValueIdent
	case "expect_string", "expect_string_ascii", "expect_string_field":
		return ValueString
	case "expect_byte_string":
		return ValueByteString
	case "expect_string_array":
		return ValueStringArray
	case "expect_params":
		return ValueParams
	}
	return ValueExpr
}

// orderedFields reads the syn shape: the parse_ordered_fields! invocation of ModuleInfo, with
// kinds from the field types of struct ModuleInfo (or the parser when a type says nothing).
func (mp *modParser) orderedFields(src string) []ModuleKey {
	types := map[string]string{}
	if i := regexp.MustCompile(`struct\s+ModuleInfo\s*\{`).FindStringIndex(src); i != nil {
		if end := msMatchingBrace(src, i[1]-1); end > 0 {
			for _, f := range msFieldRE.FindAllStringSubmatch(src[i[1]:end]+",", -1) {
				types[f[1]] = strings.TrimSpace(f[2])
			}
		}
	}
	var best []ModuleKey
	for _, i := range regexp.MustCompile(`\bparse_ordered_fields!\s*[\(\{\[]`).FindAllStringIndex(src, -1) {
		end := msMatchingBrace(src, i[1]-1)
		if end < 0 {
			continue
		}
		body := src[i[1]:end]
		if semi := strings.Index(body, ";"); semi >= 0 && strings.HasPrefix(strings.TrimSpace(body), "from") {
			body = body[semi+1:]
		}
		var keys []ModuleKey
		for _, entry := range msSplitTop(body, ',') {
			arrow := strings.Index(entry, "=>")
			if arrow < 0 {
				continue
			}
			head, parser := strings.Fields(entry[:arrow]), entry[arrow+2:]
			if len(head) == 0 || !msIsIdent(head[0]) {
				continue
			}
			k := ModuleKey{Name: head[0]}
			field := head[0]
			for j := 1; j < len(head); j++ {
				switch {
				case head[j] == "as" && j+1 < len(head):
					field = head[j+1]
					j++
				case strings.Contains(head[j], "required"):
					k.Required = true
				}
			}
			k.Value = msTypeKind(types[field], parser)
			keys = append(keys, k)
		}
		// ModuleInfo's invocation is the one with name and license (Parameter has its own).
		has := func(n string) bool {
			for _, k := range keys {
				if k.Name == n {
					return true
				}
			}
			return false
		}
		if has("name") && has("license") && len(keys) > len(best) {
			best = keys
		}
	}
	return best
}

// msTypeKind maps a syn field type (or, failing that, the parsing expression) to a value kind.
func msTypeKind(typ, parser string) ValueKind {
	t := strings.TrimSpace(typ)
	if strings.HasPrefix(t, "Option<") {
		t = strings.TrimSuffix(strings.TrimPrefix(t, "Option<"), ">")
	}
	switch {
	case strings.Contains(t, "Parameter"):
		return ValueParams
	case strings.Contains(t, "Punctuated") || strings.Contains(t, "Vec<"):
		if strings.Contains(t, "LitStr") || strings.Contains(t, "String") {
			return ValueStringArray
		}
		if strings.Contains(t, "Ident") {
			return ValueIdentArray
		}
		return ValueExprArray
	case t == "Ident" || strings.HasSuffix(t, "::Ident") || t == "Type" || t == "Path":
		return ValueIdent
	case strings.Contains(t, "ByteStr"):
		return ValueByteString
	case strings.Contains(t, "LitStr") || t == "String":
		return ValueString
	case t != "":
		return ValueExpr
	}
	switch {
	case strings.Contains(parser, "bracketed!"):
		return ValueStringArray
	case strings.Contains(parser, "braced!"):
		return ValueParams
	}
	return ValueExpr
}

// msSplitTop splits s at sep outside brackets, braces and parentheses.
func msSplitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		default:
			if s[i] == sep && depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

// msMatchingBrace returns the index of the bracket closing s[open] (comments already blanked),
// or -1.
func msMatchingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
}

func msIsIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !cIdentChar(s[i]) || i == 0 && s[i] >= '0' && s[i] <= '9' {
			return false
		}
	}
	return true
}

// msBlankComments replaces Rust comments by spaces (keeping newlines), leaving strings alone.
// Block comments nest in Rust.
func msBlankComments(src []byte) []byte {
	out := bytes.Clone(src)
	for i := 0; i < len(out); i++ {
		switch {
		case out[i] == '"':
			for i++; i < len(out) && out[i] != '"'; i++ {
				if out[i] == '\\' {
					i++
				}
			}
		case out[i] == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case out[i] == '/' && i+1 < len(out) && out[i+1] == '*':
			depth := 0
			j := i
			for ; j < len(out); j++ {
				if out[j] == '/' && j+1 < len(out) && out[j+1] == '*' {
					depth++
					out[j], out[j+1] = ' ', ' '
					j++
					continue
				}
				if out[j] == '*' && j+1 < len(out) && out[j+1] == '/' {
					depth--
					out[j], out[j+1] = ' ', ' '
					j++
					if depth == 0 {
						break
					}
					continue
				}
				if out[j] != '\n' {
					out[j] = ' '
				}
			}
			i = j
		}
	}
	return out
}

// --- macro_rules! module_* ------------------------------------------------------------------

// msMacroRules is one `macro_rules! module_*` definition of rust/kernel.
type msMacroRules struct {
	name  string
	loc   Loc
	rules []msRule
}

// msRule is one `(matcher) => {transcriber}` arm, as token trees.
type msRule struct {
	matcher, transcriber []msTree
}

// macroRules finds the module-declaring macro_rules! of rust/kernel and resolves their keys,
// following the forwarding of the remaining tokens to module! or to another such macro.
func (mp *modParser) macroRules() {
	kdir := joinPath(mp.root, "rust/kernel")
	if !locIsDir(kdir) {
		return
	}
	var names []string
	_ = filepath.WalkDir(kdir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			mp.problem(msRel(mp.root, p), 0, "%v", err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rs") || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		rel := msRel(mp.root, p)
		src := mp.readRust(rel)
		if src == nil || !bytes.Contains(src, []byte("macro_rules!")) || !bytes.Contains(src, []byte("module_")) {
			return nil
		}
		text := string(msBlankComments(src))
		for _, m := range msModuleRules(text) {
			name := text[m[2]:m[3]]
			end := msMatchingBrace(text, m[1]-1)
			if end < 0 {
				mp.problem(rel, 1+strings.Count(text[:m[0]], "\n"), "unterminated macro_rules! %s", name)
				continue
			}
			def := &msMacroRules{name: name, loc: msSpan(text, m[2], m[3])}
			def.loc.File = rel
			def.rules = msParseRules(msTrees(msLexRust(text[m[1]:end])))
			if _, dup := mp.rules[name]; !dup {
				mp.rules[name] = def
				names = append(names, name)
			}
		}
		return nil
	})
	sort.Strings(names)
	memo := map[string][]ModuleKey{}
	for _, name := range names {
		keys, ok := mp.resolve(name, memo, map[string]bool{})
		if !ok || len(keys) == 0 {
			continue // module_firmware! and the like take no keys
		}
		def := mp.rules[name]
		mm := ModuleMacro{Name: name, Keys: keys, Ordered: true, Loc: def.loc}
		for i := range mm.Keys {
			mm.Keys[i].Doc = moduleKeyDoc(name, mm.Keys[i].Name)
		}
		mp.out = append(mp.out, mm)
	}
}

func msRel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// resolve returns the keys a user writes in name!{...}: the `key: $x:frag` fragments of its
// public arm, then, when the arm passes its remaining tokens `$($f:tt)*` on to module! or to
// another module_* macro, that macro's keys minus those the arm already writes itself.
func (mp *modParser) resolve(name string, memo map[string][]ModuleKey, busy map[string]bool) ([]ModuleKey, bool) {
	if k, ok := memo[name]; ok {
		return k, true
	}
	if name == "module" {
		for _, m := range mp.out {
			if m.Name == "module" {
				return m.Keys, true
			}
		}
		return nil, false
	}
	def, ok := mp.rules[name]
	if !ok || busy[name] {
		return nil, false
	}
	busy[name] = true
	defer delete(busy, name)
	var best []ModuleKey
	for _, r := range def.rules {
		if len(r.matcher) > 0 && r.matcher[0].tok.text == "@" {
			continue // internal arms: @replace_expr, @count_devices, ...
		}
		keys, rest := msMatcherKeys(r.matcher)
		if rest != "" {
			if target, fixed := msForward(r.transcriber, rest); target != "" {
				tk, ok := mp.resolve(target, memo, busy)
				if ok {
					for _, k := range tk {
						if !fixed[k.Name] && !msHasKey(keys, k.Name) {
							keys = append(keys, k)
						}
					}
				}
			}
		}
		if len(keys) > len(best) {
			best = keys
		}
	}
	memo[name] = best
	return best, true
}

func msHasKey(keys []ModuleKey, name string) bool {
	for _, k := range keys {
		if k.Name == name {
			return true
		}
	}
	return false
}

// msMatcherKeys returns the `key: <fragment>` pairs of a matcher (at any group depth, outside
// repetitions) and the name of a trailing `$($f:tt)*` that takes the remaining tokens.
func msMatcherKeys(ts []msTree) (keys []ModuleKey, rest string) {
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		if t.tok.text == "$" && i+1 < len(ts) && ts[i+1].group == '(' {
			// $( ... ) sep? rep: the remaining-tokens catcher is $($f:tt)*.
			in := ts[i+1].kids
			if len(in) == 4 && in[0].tok.text == "$" && in[2].tok.text == ":" && in[3].tok.text == "tt" {
				rest = in[1].tok.text
			}
			i++
			continue
		}
		if t.group != 0 {
			k, r := msMatcherKeys(t.kids)
			keys = append(keys, k...)
			if r != "" {
				rest = r
			}
			continue
		}
		if t.tok.kind == msIdent && (i == 0 || ts[i-1].tok.text != "$") &&
			i+2 < len(ts) && ts[i+1].tok.text == ":" {
			keys = append(keys, ModuleKey{Name: t.tok.text, Required: true, Value: msFragKind(ts[i+2:])})
		}
	}
	return keys, rest
}

// msFragKind is the value kind of the matcher fragment starting at ts[0]: `$x:ident`,
// `[$($d:ident),+ $(,)?]`, `$x:literal`, ...
func msFragKind(ts []msTree) ValueKind {
	if ts[0].group == '[' {
		switch frag := msFirstFrag(ts[0].kids); frag {
		case "ident", "ty", "path":
			return ValueIdentArray
		case "literal":
			return ValueStringArray
		default:
			return ValueExprArray
		}
	}
	if ts[0].tok.text == "$" && len(ts) >= 4 && ts[2].tok.text == ":" {
		switch ts[3].tok.text {
		case "ident", "ty", "path":
			return ValueIdent
		case "literal":
			return ValueString
		}
	}
	return ValueExpr
}

func msFirstFrag(ts []msTree) string {
	for i := 0; i+1 < len(ts); i++ {
		if ts[i].group != 0 {
			if f := msFirstFrag(ts[i].kids); f != "" {
				return f
			}
			continue
		}
		if ts[i].tok.text == ":" && ts[i+1].tok.kind == msIdent && i > 0 && ts[i-1].tok.kind == msIdent {
			return ts[i+1].tok.text
		}
	}
	return ""
}

// msForward finds where a transcriber passes `$($rest)*` on: the macro invoked around it
// (`$crate::prelude::module! { type: Module, $($f)* }` gives "module" with type fixed) and
// the keys written next to it in the same group.
func msForward(ts []msTree, rest string) (target string, fixed map[string]bool) {
	var walk func(ts []msTree, inv string) bool
	walk = func(ts []msTree, inv string) bool {
		for i := 0; i < len(ts); i++ {
			t := ts[i]
			if t.tok.text == "$" && i+1 < len(ts) && ts[i+1].group == '(' {
				in := ts[i+1].kids
				if len(in) == 2 && in[0].tok.text == "$" && in[1].tok.text == rest && inv != "" {
					target = inv
					fixed = map[string]bool{}
					for j := 0; j+1 < len(ts); j++ {
						if ts[j].tok.kind == msIdent && ts[j+1].tok.text == ":" && (j == 0 || ts[j-1].tok.text != "$") {
							fixed[ts[j].tok.text] = true
						}
					}
					return true
				}
			}
			if t.group != 0 {
				next := inv
				if i >= 2 && ts[i-1].tok.text == "!" && ts[i-2].tok.kind == msIdent {
					next = ts[i-2].tok.text
				}
				if walk(t.kids, next) {
					return true
				}
			}
		}
		return false
	}
	walk(ts, "")
	return target, fixed
}

// --- a Rust token-tree reader, enough for macro_rules! ----------------------------------------

type msKind uint8

const (
	msIdent msKind = iota
	msPunct
	msLit
)

type msTok struct {
	kind msKind
	text string
}

// msTree is a token or a delimited group of trees.
type msTree struct {
	tok   msTok
	group byte // '(', '[' or '{' for groups
	kids  []msTree
}

// msLexRust splits comment-free Rust text into tokens; strings and chars are single literals.
func msLexRust(s string) []msTok {
	var out []msTok
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == 'r' && i+1 < len(s) && (s[i+1] == '#' || s[i+1] == '"') && msRawEnd(s, i) > 0:
			e := msRawEnd(s, i)
			out = append(out, msTok{msLit, s[i:e]})
			i = e
		case ch == 'b' && i+1 < len(s) && s[i+1] == '"':
			e := msStrEnd(s, i+1)
			out = append(out, msTok{msLit, s[i:e]})
			i = e
		case cIdentStart(ch):
			j := i + 1
			for j < len(s) && cIdentChar(s[j]) {
				j++
			}
			out = append(out, msTok{msIdent, s[i:j]})
			i = j
		case ch >= '0' && ch <= '9':
			j := i + 1
			for j < len(s) && (cIdentChar(s[j]) || s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
				j++
			}
			out = append(out, msTok{msLit, s[i:j]})
			i = j
		case ch == '"':
			e := msStrEnd(s, i)
			out = append(out, msTok{msLit, s[i:e]})
			i = e
		case ch == '\'':
			// A char literal 'x' / '\n', else a lifetime 'a.
			if i+2 < len(s) && s[i+1] != '\\' && s[i+2] == '\'' {
				out = append(out, msTok{msLit, s[i : i+3]})
				i += 3
			} else if i+1 < len(s) && s[i+1] == '\\' {
				j := i + 2
				for j < len(s) && s[j] != '\'' {
					j++
				}
				if j < len(s) {
					j++
				}
				out = append(out, msTok{msLit, s[i:j]})
				i = j
			} else {
				j := i + 1
				for j < len(s) && cIdentChar(s[j]) {
					j++
				}
				out = append(out, msTok{msLit, s[i:j]})
				i = j
			}
		default:
			out = append(out, msTok{msPunct, string(ch)})
			i++
		}
	}
	return out
}

func msStrEnd(s string, open int) int {
	j := open + 1
	for j < len(s) && s[j] != '"' {
		if s[j] == '\\' {
			j++
		}
		j++
	}
	if j < len(s) {
		j++
	}
	if j > len(s) {
		j = len(s)
	}
	return j
}

// msRawEnd returns the end of the raw string r#"..."# starting at i, or 0.
func msRawEnd(s string, i int) int {
	j := i + 1
	hashes := 0
	for j < len(s) && s[j] == '#' {
		hashes++
		j++
	}
	if j >= len(s) || s[j] != '"' {
		return 0
	}
	closer := "\"" + strings.Repeat("#", hashes)
	k := strings.Index(s[j+1:], closer)
	if k < 0 {
		return len(s)
	}
	return j + 1 + k + len(closer)
}

// msTrees builds token trees; unbalanced closers are dropped, unclosed groups end at the end.
func msTrees(toks []msTok) []msTree {
	pos := 0
	var build func(closer string) []msTree
	build = func(closer string) []msTree {
		var out []msTree
		for pos < len(toks) {
			t := toks[pos]
			pos++
			if t.kind == msPunct {
				switch t.text {
				case "(", "[", "{":
					cl := map[string]string{"(": ")", "[": "]", "{": "}"}[t.text]
					out = append(out, msTree{tok: t, group: t.text[0], kids: build(cl)})
					continue
				case ")", "]", "}":
					if t.text == closer {
						return out
					}
					continue
				}
			}
			out = append(out, msTree{tok: t})
		}
		return out
	}
	return build("")
}

// msParseRules splits the body of macro_rules! into (matcher) => {transcriber} arms.
func msParseRules(ts []msTree) []msRule {
	var rules []msRule
	for i := 0; i+3 < len(ts); i++ {
		if ts[i].group != 0 && ts[i+1].tok.text == "=" && ts[i+2].tok.text == ">" && ts[i+3].group != 0 {
			rules = append(rules, msRule{matcher: ts[i].kids, transcriber: ts[i+3].kids})
			i += 3
		}
	}
	return rules
}

// moduleKeyDoc is the short documentation of a module macro key. The kernel keeps no
// per-key doc in a machine-readable place (rust/macros/lib.rs documents them in prose), so
// these are written here; kinds, order and required keys come from the tree.
func moduleKeyDoc(macro, key string) string {
	if key == "type" && macro != "module" {
		return "The driver type (implementing the bus's `Driver` trait); the macro declares the `kernel::Module` that registers it."
	}
	if d, ok := moduleKeyDocs[key]; ok {
		return d
	}
	return ""
}

var moduleKeyDocs = map[string]string{
	"type":        "The type implementing `kernel::Module` (or `kernel::InPlaceModule` in newer kernels): its `init` runs at load, its `Drop` at unload.",
	"name":        "The module name, as `modinfo` and `lsmod` show it; must match the object file (`obj-m += name.o`).",
	"author":      "The author, as `MODULE_AUTHOR`: \"Name <email>\".",
	"authors":     "The authors, as one `MODULE_AUTHOR` each: [\"Name <email>\", ...].",
	"description": "A one-line description of the module, as `MODULE_DESCRIPTION`.",
	"license": "The license, as `MODULE_LICENSE`: one of \"GPL\", \"GPL v2\", \"GPL and additional rights\", " +
		"\"Dual BSD/GPL\", \"Dual MIT/GPL\", \"Dual MPL/GPL\" (include/linux/license.h); Rust symbols are " +
		"exported GPL-only, so any other license fails at load.",
	"alias":        "Module aliases, as `MODULE_ALIAS`, so that `modprobe` can load the module by them.",
	"firmware":     "Firmware file names the module may request, as `MODULE_FIRMWARE` (for initramfs tools).",
	"params":       "Module parameters: `name: type { default: value, description: \"...\" }`, settable at load time and under /sys/module/<name>/parameters.",
	"imports_ns":   "Symbol namespaces the module imports, as `MODULE_IMPORT_NS`.",
	"drivers":      "The PHY driver types, each implementing `kernel::net::phy::Driver`.",
	"device_table": "The MDIO device ids the module matches, e.g. `DeviceId::new_with_driver::<MyDriver>()`; exported for module autoloading.",
}

// msModuleRules finds the `macro_rules! module_NAME {` of text, as the regexp
// `\bmacro_rules!\s*(module_\w+)\s*\{` would: for each, the offsets of the match and of
// the name, [start, end, nameStart, nameEnd]. A hand scan: the regexp cost more than reading
// the files.
func msModuleRules(text string) [][4]int {
	var out [][4]int
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
	const kw = "macro_rules!"
	for i := 0; ; {
		k := strings.Index(text[i:], kw)
		if k < 0 {
			return out
		}
		start := i + k
		i = start + len(kw)
		if start > 0 && isWord(text[start-1]) {
			continue
		}
		j := i
		for j < len(text) && isSpace(text[j]) {
			j++
		}
		if !strings.HasPrefix(text[j:], "module_") {
			continue
		}
		nameStart := j
		j += len("module_")
		for j < len(text) && isWord(text[j]) {
			j++
		}
		nameEnd := j
		if nameEnd == nameStart+len("module_") {
			continue // \w+ takes one character at least
		}
		for j < len(text) && isSpace(text[j]) {
			j++
		}
		if j >= len(text) || text[j] != '{' {
			continue
		}
		out = append(out, [4]int{start, j + 1, nameStart, nameEnd})
	}
}
