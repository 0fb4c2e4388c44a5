// SPDX-License-Identifier: GPL-2.0-only

package index

import "strings"

// cfgAll combines cfg conditions as all(...): empty conditions are dropped, all(...) operands
// are flattened, duplicates removed. cfgAll("CONFIG_NET", "all(CONFIG_X, not(CONFIG_Y))") is
// "all(CONFIG_NET, CONFIG_X, not(CONFIG_Y))".
func cfgAll(conds ...string) string {
	var terms []string
	seen := map[string]bool{}
	for _, c := range conds {
		c = normCfg(c)
		if c == "" {
			continue
		}
		// A malformed condition with a top-level comma splits like all(...)'s operands, so
		// that combining is idempotent.
		parts := splitTop(c)
		if inner, ok := cfgCall(c, "all"); ok {
			parts = splitTop(inner)
		}
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if p != "" && !seen[p] {
				seen[p] = true
				terms = append(terms, p)
			}
		}
	}
	switch len(terms) {
	case 0:
		return ""
	case 1:
		return terms[0]
	}
	return "all(" + strings.Join(terms, ", ") + ")"
}

// normCfg collapses whitespace: "any( a ,b )" -> "any(a, b)".
func normCfg(c string) string {
	c = strings.TrimSpace(c)
	if c == "" {
		return ""
	}
	var b strings.Builder
	inStr := false
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if inStr {
			b.WriteByte(ch)
			if ch == '\\' && i+1 < len(c) {
				i++
				b.WriteByte(c[i])
			} else if ch == '"' {
				inStr = false
			}
			continue
		}
		switch ch {
		case '"':
			inStr = true
			b.WriteByte(ch)
		case ' ', '\t', '\n', '\r':
		case ',':
			b.WriteString(", ")
		case '=':
			b.WriteString(" = ")
		default:
			b.WriteByte(ch)
		}
	}
	if inStr {
		b.WriteByte('"') // an unterminated string: close it so the result is stable
	}
	s := strings.ReplaceAll(b.String(), ", )", ")")
	return strings.TrimSuffix(s, ", ")
}

// cfgCall returns the inside of name(...) when c is exactly one such call.
func cfgCall(c, name string) (string, bool) {
	if !strings.HasPrefix(c, name+"(") || !strings.HasSuffix(c, ")") {
		return "", false
	}
	inner := c[len(name)+1 : len(c)-1]
	depth := 0
	for i := 0; i < len(inner); i++ {
		switch inner[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", false
			}
		case '"':
			i = skipString(inner, i+1) - 1
		}
	}
	return inner, depth == 0
}

// splitTop splits a cfg operand list at top-level commas.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '"':
			i = skipString(s, i+1) - 1
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

// cfgValue is a three-valued truth: the indexer knows only that `test`, `testlib` and `doc`
// are off (the kernel builds neither the crate tests nor docs in a normal build); CONFIG_*
// options stay unknown.
type cfgValue int8

const (
	cfgFalse   cfgValue = -1
	cfgUnknown cfgValue = 0
	cfgTrue    cfgValue = 1
)

// cfgEval evaluates a cfg condition.
func cfgEval(c string) cfgValue { return cfgEvalDepth(normCfg(c), 0) }

func cfgEvalDepth(c string, depth int) cfgValue {
	if depth > 64 || c == "" {
		return cfgUnknown
	}
	if inner, ok := cfgCall(c, "not"); ok {
		return -cfgEvalDepth(inner, depth+1)
	}
	if inner, ok := cfgCall(c, "all"); ok {
		v := cfgTrue
		for _, t := range splitTop(inner) {
			switch cfgEvalDepth(t, depth+1) {
			case cfgFalse:
				return cfgFalse
			case cfgUnknown:
				v = cfgUnknown
			}
		}
		return v
	}
	if inner, ok := cfgCall(c, "any"); ok {
		v := cfgFalse
		for _, t := range splitTop(inner) {
			switch cfgEvalDepth(t, depth+1) {
			case cfgTrue:
				return cfgTrue
			case cfgUnknown:
				v = cfgUnknown
			}
		}
		return v
	}
	switch c {
	case "test", "testlib", "doc", "doctest", "kunit_test":
		return cfgFalse
	}
	return cfgUnknown
}
