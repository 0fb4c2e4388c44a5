// SPDX-License-Identifier: GPL-2.0-only

package index

import "unsafe"

// blankFnBodies returns src with the inside of every function body, and of the matchers and
// transcribers of every macro_rules!, replaced by spaces (newlines kept), or src itself when it
// has none. The item walk never enters a body: it reads
// a body's references from the original text (crate_lex.go). tree-sitter parses blank space in
// no time, and the bodies are most of the kernel crate's bytes, so this halves the parse. Byte
// offsets, rows and columns are unchanged, and so is every node outside the bodies; syntax
// errors inside a body are no longer reported (the walk never saw them anyway).
//
// A body is the brace block after `fn NAME` and its signature, at depth 0 of (), [] and <>;
// a `;` first means no body. Comments, strings and char literals are skipped as the lexer of
// crate_lex.go skips them; an unbalanced block is left alone.
func blankFnBodies(src []byte) []byte {
	if len(src) == 0 {
		return src
	}
	s := unsafe.String(&src[0], len(src))
	var out []byte
	n := len(s)
	for i := 0; i < n; {
		if j, ok := skipTrivia(s, i); ok {
			i = j
			continue
		}
		c := s[i]
		if !isIdentStart(c) {
			if c >= '0' && c <= '9' {
				for i < n && isIdentChar(s[i]) {
					i++
				}
				continue
			}
			i++
			continue
		}
		j := i + 1
		for j < n && isIdentChar(s[j]) {
			j++
		}
		word := s[i:j]
		i = j
		if word == "macro_rules" {
			if end := blankMacroRules(s, j, &out, src); end > 0 {
				i = end
			}
			continue
		}
		if word != "fn" {
			continue
		}
		for j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
			j++
		}
		if j >= n || !isIdentStart(s[j]) {
			continue // a fn pointer type, fn(u32) -> u32
		}
		open := fnBodyStart(s, j)
		if open < 0 {
			continue
		}
		end := matchingBrace(s, open)
		if end < 0 {
			continue
		}
		if out == nil {
			out = append([]byte(nil), src...)
		}
		for k := open + 1; k < end; k++ {
			if out[k] != '\n' && out[k] != '\r' {
				out[k] = ' '
			}
		}
		i = end + 1
	}
	if out == nil {
		return src
	}
	return out
}

// blankMacroRules blanks the insides of the matchers and transcribers of the macro_rules!
// whose `!` is at i, `macro_rules! NAME { (matcher) => { transcriber }; ... }`, keeping their
// delimiters: the walk reads both from the original text, and tree-sitter makes a node of every
// token of a token tree. It returns the offset after the definition, or -1 when it is not one.
func blankMacroRules(s string, i int, out *[]byte, src []byte) int {
	n := len(s)
	if i >= n || s[i] != '!' {
		return -1
	}
	i = skipBlank(s, i+1)
	if i >= n || !isIdentStart(s[i]) {
		return -1
	}
	for i < n && isIdentChar(s[i]) {
		i++
	}
	i = skipBlank(s, i)
	if i >= n || s[i] != '{' {
		return -1 // macro_rules! x ( ... ); is rare: left to the parser
	}
	end := matchingDelim(s, i)
	if end < 0 {
		return -1
	}
	for k := i + 1; k < end; {
		if j, ok := skipTrivia(s, k); ok {
			k = j
			continue
		}
		switch s[k] {
		case '(', '[', '{':
			close := matchingDelim(s, k)
			if close < 0 || close > end {
				return end + 1
			}
			if *out == nil {
				*out = append([]byte(nil), src...)
			}
			for x := k + 1; x < close; x++ {
				if (*out)[x] != '\n' && (*out)[x] != '\r' {
					(*out)[x] = ' '
				}
			}
			k = close + 1
		default:
			k++
		}
	}
	return end + 1
}

func skipBlank(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// matchingDelim returns the offset of the delimiter closing the (, [ or { at open, or -1.
// Token trees nest all three kinds properly, so one depth counts them all.
func matchingDelim(s string, open int) int {
	depth := 0
	for i, n := open, len(s); i < n; {
		if j, ok := skipTrivia(s, i); ok {
			i = j
			continue
		}
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

// fnBodyStart returns the offset of the { opening the body of the fn whose name starts at i,
// or -1 for a declaration without a body or a signature it does not understand.
func fnBodyStart(s string, i int) int {
	depth := 0
	for n := len(s); i < n; {
		if j, ok := skipTrivia(s, i); ok {
			i = j
			continue
		}
		switch s[i] {
		case '(', '[', '<':
			depth++
		case ')', ']':
			depth--
			if depth < 0 {
				return -1
			}
		case '>':
			if depth > 0 {
				depth--
			}
		case '-', '=':
			if i+1 < n && s[i+1] == '>' {
				i++ // -> and => close nothing
			}
		case ';', '}':
			if depth == 0 || s[i] == '}' {
				return -1
			}
		case '{':
			if depth == 0 {
				return i
			}
			return -1 // a block inside a type: const generic argument; leave it to the parser
		}
		i++
	}
	return -1
}

// matchingBrace returns the offset of the } closing the { at open, or -1.
func matchingBrace(s string, open int) int {
	depth := 0
	for i, n := open, len(s); i < n; {
		if j, ok := skipTrivia(s, i); ok {
			i = j
			continue
		}
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

// skipTrivia skips the comment, string, char literal or lifetime at i, the way lexRust does.
func skipTrivia(s string, i int) (int, bool) {
	n := len(s)
	c := s[i]
	switch {
	case c == '/' && i+1 < n && s[i+1] == '/':
		for i < n && s[i] != '\n' {
			i++
		}
		return i, true
	case c == '/' && i+1 < n && s[i+1] == '*':
		return skipBlockComment(s, i), true
	case c == '"':
		return skipString(s, i+1), true
	case (c == 'b' || c == 'c') && i+1 < n && s[i+1] == '"':
		return skipString(s, i+2), true
	case (c == 'r' || (c == 'b' || c == 'c') && i+1 < n && s[i+1] == 'r') && rawStart(s, i):
		if i > 0 && isIdentChar(s[i-1]) {
			return 0, false // the end of a word such as `ptr"`: not a raw string
		}
		return skipRawString(s, i), true
	case c == 'b' && i+1 < n && s[i+1] == '\'':
		if i > 0 && isIdentChar(s[i-1]) {
			return 0, false
		}
		return skipChar(s, i+1), true
	case c == '\'':
		switch {
		case i+2 < n && s[i+1] != '\\' && s[i+2] == '\'':
			return i + 3, true
		case i+1 < n && s[i+1] == '\\':
			return skipChar(s, i), true
		case i+1 < n && isIdentStart(s[i+1]):
			j := i + 1
			for j < n && isIdentChar(s[j]) {
				j++
			}
			if j < n && s[j] == '\'' {
				j++
			}
			return j, true
		}
		return i + 1, true
	}
	return 0, false
}
