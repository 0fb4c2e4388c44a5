// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"strconv"
	"strings"
)

// The macro language of scripts/kconfig/preprocess.c: $(NAME) and $(NAME,ARG,...) look up, in
// order, a user variable (recursive `=` or simple `:=`, `+=` appends), a built-in function,
// then an environment variable; undefined references expand to "". $(1), $(2)... are the
// arguments of a user function. Nothing is ever executed: $(shell,...) has no known value,
// and neither has anything built on it ($(success,...), $(cc-option,...)), so an expansion
// carries the reason its value is unknown instead.

type variable struct {
	value     string
	recursive bool
	unknown   string // for simple variables whose value was unknown when assigned
	busy      int
}

type expander struct {
	vars map[string]*variable
	env  map[string]string
	file string
	line int
	// missing collects the names that expanded to nothing because nothing defines them
	// (cleared by the caller that wants to know).
	missing []string
}

func newExpander(env map[string]string) *expander {
	return &expander{vars: map[string]*variable{}, env: env}
}

// assign runs a variable assignment (op is "=", ":=" or "+=").
func (x *expander) assign(name, op, value string) {
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
		v = &variable{}
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

const maxExpandDepth = 1000

// expand expands every $(...) of s. The second result is non-empty when the value is unknown
// (and says why).
func (x *expander) expand(s string, args []string, depth int) (string, string) {
	if !strings.Contains(s, "$") {
		return s, ""
	}
	if depth > maxExpandDepth {
		return "", "macro expansion too deep"
	}
	var b strings.Builder
	b.Grow(len(s)) // the usual result: a path or a name with a short value in it
	unknown := ""
	for i := 0; i < len(s); {
		if s[i] != '$' {
			j := strings.IndexByte(s[i:], '$')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(s[i : i+j])
			i += j
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

func (x *expander) clause(s string, args []string, depth int) (string, string) {
	// $(1), $(2)...: only a string starting with a digit or + can be a positive number (the
	// check spares the error Atoi allocates for every other name).
	if s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '+') {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n <= len(args) {
			return args[n-1], ""
		}
	}
	var buf [4]string
	parts := buf[:0]
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
	var argvBuf [4]string
	argv := argvBuf[:0]
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
