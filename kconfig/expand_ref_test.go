// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzExpand runs the expander and refExpander, the expander before its allocations were
// cut (kept here as the oracle), on the same assignments and text: same values, same reasons,
// same missing names.
func FuzzExpand(f *testing.F) {
	for _, s := range [][2]string{
		{"a = $(1)-$(2)\nb := $(a,x,y) $(SRCARCH)\nc += $(b)$(b)", "$(a,1,2) $(c) $(3) $(+1) $(01)"},
		{"f = $(shell,uname) $(1)", "arch/$(SRCARCH)/Kconfig $(f,z) $(undefined) $(filename):$(lineno)"},
		{"r = $(r)", "$(r) $(warning-if,y,msg) $(info,x)$"},
		{"x := $(", "$(x) $((a)) $(a,(b,c),d) $$(SRCARCH) $"},
		{"", "$(error-if,$(success,true),x) $(cc-option,-m) $(1,2) $(-1) $(+)"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, assigns, s string) {
		env := map[string]string{"SRCARCH": "x86", "ARCH": "x86", "srctree": "."}
		x, r := newExpander(env), newRefExpander(env)
		x.file, r.file, x.line, r.line = "K", "K", 7, 7
		for _, l := range strings.Split(strings.ReplaceAll(assigns, "\\n", "\n"), "\n") {
			for _, op := range []string{":=", "+=", "="} {
				if name, val, ok := strings.Cut(l, op); ok {
					name = strings.TrimSpace(name)
					x.assign(name, op, val)
					r.assign(name, op, val)
					break
				}
			}
		}
		for _, args := range [][]string{nil, {"A", "B,C"}} {
			x.missing, r.missing = x.missing[:0], r.missing[:0]
			v, u := x.expand(s, args, 0)
			rv, ru := r.expand(s, args, 0)
			if v != rv || u != ru || strings.Join(x.missing, ",") != strings.Join(r.missing, ",") {
				t.Fatalf("expand(%q, %q) = %q, %q, missing %q; reference %q, %q, missing %q", s, args, v, u, x.missing, rv, ru, r.missing)
			}
		}
	})
}

// The expander of expand.go as it was, the oracle of FuzzExpand.

type refVariable struct {
	value     string
	recursive bool
	unknown   string // for simple variables whose value was unknown when assigned
	busy      int
}

type refExpander struct {
	vars map[string]*refVariable
	env  map[string]string
	file string
	line int
	// missing collects the names that expanded to nothing because nothing defines them
	// (cleared by the caller that wants to know).
	missing []string
}

func newRefExpander(env map[string]string) *refExpander {
	return &refExpander{vars: map[string]*refVariable{}, env: env}
}

// assign runs a variable assignment (op is "=", ":=" or "+=").
func (x *refExpander) assign(name, op, value string) {
	v := x.vars[name]
	appendTo := false
	if v != nil {
		if op == "+=" {
			appendTo = true
			if v.recursive {
				op = "="
			} else {
				op = ":="
			}
		}
	} else {
		if op == "+=" {
			op = "="
		}
		v = &refVariable{}
		x.vars[name] = v
	}
	v.recursive = op == "="
	val, unknown := value, ""
	if !v.recursive {
		val, unknown = x.expand(value, nil, 0)
	}
	if appendTo {
		v.value += " " + val
		if v.unknown == "" {
			v.unknown = unknown
		}
	} else {
		v.value, v.unknown = val, unknown
	}
}

// expand expands every $(...) of s. The second result is non-empty when the value is unknown
// (and says why).
func (x *refExpander) expand(s string, args []string, depth int) (string, string) {
	if !strings.Contains(s, "$") {
		return s, ""
	}
	if depth > maxExpandDepth {
		return "", "macro expansion too deep"
	}
	var b strings.Builder
	unknown := ""
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) || s[i+1] != '(' {
			b.WriteByte('$')
			i++
			continue
		}
		// find the matching parenthesis
		j, nest := i+2, 0
		for ; j < len(s); j++ {
			if s[j] == '(' {
				nest++
			} else if s[j] == ')' {
				if nest == 0 {
					break
				}
				nest--
			}
		}
		if j >= len(s) {
			return b.String(), "unterminated reference: missing ')'"
		}
		val, u := x.clause(s[i+2:j], args, depth+1)
		if unknown == "" {
			unknown = u
		}
		b.WriteString(val)
		i = j + 1
	}
	return b.String(), unknown
}

func (x *refExpander) clause(s string, args []string, depth int) (string, string) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n <= len(args) {
		return args[n-1], ""
	}
	var parts []string
	nest, prev := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			if nest == 0 {
				parts = append(parts, s[prev:i])
				prev = i + 1
			}
		case '(':
			nest++
		case ')':
			nest--
		}
	}
	parts = append(parts, s[prev:])
	unknown := ""
	name, u := x.expand(parts[0], args, depth)
	unknown = u
	var argv []string
	for _, a := range parts[1:] {
		v, u := x.expand(a, args, depth)
		if unknown == "" {
			unknown = u
		}
		argv = append(argv, v)
	}
	if v := x.vars[name]; v != nil {
		if len(argv) == 0 && v.busy > 0 {
			return "", "recursive variable '" + name + "' references itself"
		}
		if !v.recursive {
			if unknown == "" {
				unknown = v.unknown
			}
			return v.value, unknown
		}
		v.busy++
		val, u := x.expand(v.value, argv, depth+1)
		v.busy--
		if unknown == "" {
			unknown = u
		}
		return val, unknown
	}
	switch name {
	case "shell":
		return "", "$(shell," + strings.Join(argv, ",") + ") is not run"
	case "info", "warning-if", "error-if", "warning", "error":
		// Messages only; krls shows nothing and stops nothing.
		return "", unknown
	case "filename":
		return x.file, unknown
	case "lineno":
		return strconv.Itoa(x.line), unknown
	}
	if len(argv) == 0 {
		if v, ok := x.env[name]; ok {
			return v, unknown
		}
	}
	x.missing = append(x.missing, name)
	return "", unknown
}
