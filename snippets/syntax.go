// SPDX-License-Identifier: GPL-2.0-only

package snippets

import (
	"fmt"
	"strings"
)

// Plain checks body against the LSP snippet grammar (LSP 3.17, "Snippet Syntax") and returns
// the text a user gets by accepting every default: placeholders give their default, choices their
// first option, mirrors the default of their tabstop, variables their default (or nothing).
// A server uses it for clients without snippetSupport; tests use it to read the skeletons as code.
//
// It is stricter than VS Code, which takes a lone `$` or a stray `}` inside a placeholder as
// text: here a `$` that starts nothing must be written `\$`, so every editor reads the same thing.
func Plain(body string) (string, error) {
	p := &snippetParser{src: body}
	nodes, err := p.parse(false)
	if err != nil {
		return "", err
	}
	defaults := map[int]string{}
	collectDefaults(nodes, defaults)
	var b strings.Builder
	render(&b, nodes, defaults)
	return b.String(), nil
}

// Tabstops returns the tabstop numbers body uses, in order of first appearance.
func Tabstops(body string) ([]int, error) {
	p := &snippetParser{src: body}
	nodes, err := p.parse(false)
	if err != nil {
		return nil, err
	}
	var out []int
	seen := map[int]bool{}
	var walk func([]node)
	walk = func(ns []node) {
		for _, n := range ns {
			if n.kind == tabstopNode || n.kind == placeholderNode || n.kind == choiceNode {
				if !seen[n.index] {
					seen[n.index] = true
					out = append(out, n.index)
				}
			}
			walk(n.children)
		}
	}
	walk(nodes)
	return out, nil
}

type nodeKind int

const (
	textNode nodeKind = iota
	tabstopNode
	placeholderNode
	choiceNode
	variableNode
)

type node struct {
	kind     nodeKind
	text     string // textNode: the text; variableNode: the name
	index    int
	children []node   // placeholder default, variable default
	choices  []string // choiceNode
}

type snippetParser struct {
	src string
	pos int
}

func (p *snippetParser) errorf(format string, args ...any) error {
	return fmt.Errorf("snippet offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

// parse reads `any*` up to the end, or up to the `}` closing a placeholder when nested.
func (p *snippetParser) parse(nested bool) ([]node, error) {
	var out []node
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, node{kind: textNode, text: text.String()})
			text.Reset()
		}
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src) && strings.IndexByte(`$}\`, p.src[p.pos+1]) >= 0:
			text.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case c == '}' && nested:
			flush()
			return out, nil
		case c == '$':
			flush()
			n, err := p.dollar()
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		default:
			text.WriteByte(c)
			p.pos++
		}
	}
	if nested {
		return nil, p.errorf("unterminated ${")
	}
	flush()
	return out, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isVarStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
func isVar(c byte) bool { return isVarStart(c) || isDigit(c) }

func (p *snippetParser) number() int {
	n := 0
	for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
		n = n*10 + int(p.src[p.pos]-'0')
		p.pos++
	}
	return n
}

func (p *snippetParser) name() string {
	start := p.pos
	for p.pos < len(p.src) && isVar(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

// dollar reads what follows a `$` at p.pos.
func (p *snippetParser) dollar() (node, error) {
	p.pos++ // $
	if p.pos >= len(p.src) {
		return node{}, p.errorf("lone $ at the end (write \\$)")
	}
	c := p.src[p.pos]
	switch {
	case isDigit(c):
		return node{kind: tabstopNode, index: p.number()}, nil
	case isVarStart(c):
		return node{kind: variableNode, text: p.name()}, nil
	case c != '{':
		return node{}, p.errorf("$ followed by %q starts nothing (write \\$)", c)
	}
	p.pos++ // {
	if p.pos >= len(p.src) {
		return node{}, p.errorf("unterminated ${")
	}
	c = p.src[p.pos]
	var n node
	switch {
	case isDigit(c):
		n.index = p.number()
		n.kind = tabstopNode
	case isVarStart(c):
		n.text = p.name()
		n.kind = variableNode
	default:
		return node{}, p.errorf("${ followed by %q", c)
	}
	if p.pos >= len(p.src) {
		return node{}, p.errorf("unterminated ${")
	}
	switch p.src[p.pos] {
	case '}':
		p.pos++
		return n, nil
	case ':':
		p.pos++
		children, err := p.parse(true)
		if err != nil {
			return node{}, err
		}
		p.pos++ // }
		if n.kind == tabstopNode {
			n.kind = placeholderNode
		}
		n.children = children
		return n, nil
	case '|':
		if n.kind != tabstopNode {
			return node{}, p.errorf("a variable cannot be a choice")
		}
		p.pos++
		choices, err := p.choices()
		if err != nil {
			return node{}, err
		}
		n.kind = choiceNode
		n.choices = choices
		return n, nil
	case '/':
		if n.kind != variableNode {
			return node{}, p.errorf("only variables take a transform")
		}
		return node{}, p.errorf("variable transforms are not used by krls skeletons")
	}
	return node{}, p.errorf("unexpected %q in ${...}", p.src[p.pos])
}

// choices reads `a,b,c|}`; inside, `\,` `\|` `\\` `\$` `\}` are escapes.
func (p *snippetParser) choices() ([]string, error) {
	var out []string
	var cur strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src) && strings.IndexByte(`,|$}\`, p.src[p.pos+1]) >= 0:
			cur.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case c == ',':
			out = append(out, cur.String())
			cur.Reset()
			p.pos++
		case c == '|':
			if p.pos+1 >= len(p.src) || p.src[p.pos+1] != '}' {
				return nil, p.errorf("choice must end with |}")
			}
			p.pos += 2
			return append(out, cur.String()), nil
		default:
			cur.WriteByte(c)
			p.pos++
		}
	}
	return nil, p.errorf("unterminated choice")
}

func collectDefaults(ns []node, d map[int]string) {
	for _, n := range ns {
		switch n.kind {
		case placeholderNode:
			collectDefaults(n.children, d)
			if _, ok := d[n.index]; !ok {
				var b strings.Builder
				render(&b, n.children, d)
				d[n.index] = b.String()
			}
		case choiceNode:
			if _, ok := d[n.index]; !ok {
				d[n.index] = n.choices[0]
			}
		case variableNode:
			collectDefaults(n.children, d)
		}
	}
}

func render(b *strings.Builder, ns []node, d map[int]string) {
	for _, n := range ns {
		switch n.kind {
		case textNode:
			b.WriteString(n.text)
		case tabstopNode, placeholderNode, choiceNode:
			b.WriteString(d[n.index])
		case variableNode:
			render(b, n.children, d)
		}
	}
}
