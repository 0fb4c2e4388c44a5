// SPDX-License-Identifier: GPL-2.0-only

// Package check is the registry of krls diagnostics. Each check is one *Check value: a stable
// ID, its documentation (why, the kernel document it comes from, an example and its fix), a
// severity and a Run function over one file. The language server publishes the findings of
// Run; `krls lint` prints them; docs/checks.md and the SARIF rule metadata are generated from
// All(). Code actions are the Fixes attached to findings (Actions picks those under a range).
//
// The package knows no protocol: ranges are byte offsets into the checked text.
//
// Checks of other file kinds (Kconfig, Makefiles) register into the same registry with
// Register, from an init function of their package; the program that links that package
// (cmd/krls) gets them in All().
package check

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/rustfile"
)

// Severity is how serious a finding is. The values are those of LSP's DiagnosticSeverity.
type Severity int

// The severities.
const (
	Error   Severity = 1
	Warning Severity = 2
	Info    Severity = 3
	Hint    Severity = 4
)

// String returns the SARIF-like level: "error", "warning", "note" or "hint".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "note"
	case Hint:
		return "hint"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Range is a half-open byte range [Start, End) of a file's text.
type Range struct{ Start, End int }

func rng(r rustfile.Range) Range { return Range{r.Start, r.End} }

// Edit replaces Range of the file at Path ("" = the checked file) with NewText.
type Edit struct {
	Path    string `json:"path,omitempty"` // absolute; "" = the checked file
	Range   Range  `json:"range"`
	NewText string `json:"new_text"`
}

// Fix is one code action. A fix without edits and with a DocURL is an "open the docs" action.
type Fix struct {
	Title     string `json:"title"`
	Edits     []Edit `json:"edits,omitempty"`
	Preferred bool   `json:"preferred,omitempty"`
	DocURL    string `json:"doc_url,omitempty"`
}

// Finding is one diagnostic.
type Finding struct {
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Path     string   `json:"path"` // absolute
	Range    Range    `json:"range"`
	Message  string   `json:"message"`
	Fixes    []Fix    `json:"fixes,omitempty"`
}

// Context is the file a check runs on.
type Context struct {
	// Index is the tree's index; nil when none is loaded: checks that need it find nothing.
	Index *index.Index
	Path  string // absolute
	Rel   string // relative to the kernel root, "" when the file is outside the tree
	Lang  string // "rust", "kconfig", "makefile"
	Text  []byte
	// Rust is the parsed file when Lang is "rust" (Run parses it when nil).
	Rust *rustfile.File
	// Kconfig is the Kconfig model for the checks of the kconfig package (set by its caller).
	Kconfig any
}

// Check is one diagnostic rule.
type Check struct {
	ID      string // stable, e.g. "bindings-direct"; the diagnostic code
	Name    string // short title
	Summary string // one line
	Why     string // the reason, a paragraph of markdown
	Source  string // the kernel document or file the rule comes from
	// Example is code that triggers the check; FixExample the same code fixed.
	Example, FixExample string
	Severity            Severity
	Langs               []string // file kinds it runs on: "rust", "kconfig", "makefile"
	// NeedsIndex is true when the check finds nothing without an index.
	NeedsIndex bool
	// TextOnly is true when a check of Rust files reads ctx.Text and never ctx.Rust: Run then
	// parses no Rust for it (`krls lint --enable config-unknown` parses no file).
	TextOnly bool
	Run      func(*Context) []Finding
}

var (
	mu       sync.Mutex
	registry = map[string]*Check{}
)

// Register adds c to the registry. It panics when the ID is taken or empty: registration
// happens in init functions, where that is a programming error.
func Register(c *Check) {
	mu.Lock()
	defer mu.Unlock()
	if c.ID == "" || c.Run == nil {
		panic("check: Register of a check without ID or Run")
	}
	if _, dup := registry[c.ID]; dup {
		panic("check: duplicate check ID " + c.ID)
	}
	registry[c.ID] = c
}

// All returns the registered checks sorted by ID.
func All() []*Check {
	mu.Lock()
	defer mu.Unlock()
	out := make([]*Check, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the check with the given ID, or nil.
func Lookup(id string) *Check {
	mu.Lock()
	defer mu.Unlock()
	return registry[id]
}

// Run runs the checks enabled for ctx.Lang (enabled nil = all) and returns their findings
// sorted by position. Each finding gets the check's ID, and its severity and ctx.Path unless
// the check set them. A check that panics yields one finding saying so instead of killing the
// caller.
func Run(ctx *Context, enabled func(id string) bool) []Finding {
	var out []Finding
	for _, c := range All() {
		if !c.runsOn(ctx.Lang) || enabled != nil && !enabled(c.ID) {
			continue
		}
		if ctx.Lang == "rust" && ctx.Rust == nil && !c.TextOnly {
			ctx.Rust = rustfile.Parse(ctx.Text)
		}
		for _, f := range runOne(c, ctx) {
			f.Check = c.ID
			if f.Severity == 0 {
				f.Severity = c.Severity
			}
			if f.Path == "" {
				f.Path = ctx.Path
			}
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Range.Start != out[j].Range.Start {
			return out[i].Range.Start < out[j].Range.Start
		}
		return out[i].Check < out[j].Check
	})
	return out
}

func runOne(c *Check, ctx *Context) (out []Finding) {
	defer func() {
		if r := recover(); r != nil {
			out = []Finding{{Severity: Info, Message: fmt.Sprintf("krls: check %s failed on this file: %v", c.ID, r)}}
		}
	}()
	return c.Run(ctx)
}

func (c *Check) runsOn(lang string) bool {
	for _, l := range c.Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Actions returns the fixes of the findings whose range meets r (the code actions for a
// cursor or selection), preferred fixes first.
func Actions(findings []Finding, r Range) []Fix {
	var out []Fix
	for _, f := range findings {
		if f.Range.Start <= r.End && r.Start <= f.Range.End {
			out = append(out, f.Fixes...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Preferred && !out[j].Preferred })
	return out
}

// Apply returns text with the edits of fix that target the checked file applied (edits with
// a Path are skipped). Edits must not overlap; edits at the same offset apply in order.
func Apply(text []byte, fix Fix) []byte {
	edits := make([]Edit, 0, len(fix.Edits))
	for _, e := range fix.Edits {
		if e.Path == "" {
			edits = append(edits, e)
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Range.Start < edits[j].Range.Start })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.Range.Start < last || e.Range.End > len(text) {
			continue
		}
		b.Write(text[last:e.Range.Start])
		b.WriteString(e.NewText)
		last = e.Range.End
	}
	b.Write(text[last:])
	return []byte(b.String())
}

// isModuleCode reports whether the file is a leaf module rather than part of the kernel crates
// under rust/ (which legitimately call bindings).
func (ctx *Context) isModuleCode() bool {
	return !strings.HasPrefix(ctx.Rel, "rust/")
}
