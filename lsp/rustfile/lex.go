// SPDX-License-Identifier: GPL-2.0-only

package rustfile

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TokenKind is the lexical class of a token.
type TokenKind uint8

// The token kinds. Punct tokens are one byte except "::", "->" and "=>".
const (
	Ident      TokenKind = iota // identifiers and keywords, raw identifiers (r#type) included
	Punct                       // operators and delimiters
	String                      // "…", r"…", r#"…"#, c"…"
	ByteString                  // b"…", br"…"
	Char                        // 'x', b'x'
	Lifetime                    // 'a, also loop labels
	Number                      // 0x10, 1_000u32, 1.5
	Comment                     // // … and /* … */, doc comments included
)

var kindNames = [...]string{"ident", "punct", "string", "byte-string", "char", "lifetime", "number", "comment"}

func (k TokenKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Token is one token of the file: Text[Start:End].
type Token struct {
	Kind       TokenKind
	Start, End int
}

// lex splits text into tokens. It never fails: an unterminated literal or comment runs to the
// end of the text, and a byte it does not know becomes a one-byte Punct.
func lex(text []byte) []Token {
	toks := make([]Token, 0, len(text)/4)
	i := 0
	n := len(text)
	for i < n {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '/' && i+1 < n && text[i+1] == '/':
			j := i + 2
			for j < n && text[j] != '\n' {
				j++
			}
			toks = append(toks, Token{Comment, i, j})
			i = j
			continue
		case c == '/' && i+1 < n && text[i+1] == '*':
			j, depth := i+2, 1
			for j < n && depth > 0 {
				if text[j] == '/' && j+1 < n && text[j+1] == '*' {
					depth++
					j += 2
				} else if text[j] == '*' && j+1 < n && text[j+1] == '/' {
					depth--
					j += 2
				} else {
					j++
				}
			}
			toks = append(toks, Token{Comment, i, j})
			i = j
			continue
		}
		start := i
		// String-like literals with prefixes: b"", br"", r"", r#""#, c"", cr"", b''.
		if c == 'b' || c == 'r' || c == 'c' {
			j := i + 1
			raw := c == 'r'
			if (c == 'b' || c == 'c') && j < n && text[j] == 'r' {
				raw = true
				j++
			}
			kind := String
			if c == 'b' {
				kind = ByteString
			}
			if raw {
				k := j
				for k < n && text[k] == '#' {
					k++
				}
				if k < n && text[k] == '"' {
					end := lexRaw(text, k+1, k-j)
					toks = append(toks, Token{kind, start, end})
					i = end
					continue
				}
				if c == 'r' && k == j+1 && k < n && text[j] == '#' && isIdentStartByte(text, k) {
					// raw identifier r#type
					end := lexIdent(text, k)
					toks = append(toks, Token{Ident, start, end})
					i = end
					continue
				}
			} else if j < n && text[j] == '"' {
				end := lexQuoted(text, j+1, '"')
				toks = append(toks, Token{kind, start, end})
				i = end
				continue
			} else if c == 'b' && j < n && text[j] == '\'' {
				end := lexQuoted(text, j+1, '\'')
				toks = append(toks, Token{Char, start, end})
				i = end
				continue
			}
		}
		switch {
		case isIdentStartByte(text, i):
			end := lexIdent(text, i)
			toks = append(toks, Token{Ident, start, end})
			i = end
		case c >= '0' && c <= '9':
			j := i + 1
			for j < n {
				d := text[j]
				if d == '_' || d >= '0' && d <= '9' || d >= 'a' && d <= 'z' || d >= 'A' && d <= 'Z' {
					j++
				} else if d == '.' && j+1 < n && text[j+1] >= '0' && text[j+1] <= '9' {
					j++
				} else {
					break
				}
			}
			toks = append(toks, Token{Number, start, j})
			i = j
		case c == '"':
			end := lexQuoted(text, i+1, '"')
			toks = append(toks, Token{String, start, end})
			i = end
		case c == '\'':
			// 'x' and '\n' are chars; 'a (no closing quote right after one rune) is a lifetime.
			if i+1 < n && text[i+1] == '\\' {
				end := lexQuoted(text, i+1, '\'')
				toks = append(toks, Token{Char, start, end})
				i = end
				break
			}
			_, size := utf8.DecodeRune(text[i+1:])
			if i+1+size < n && text[i+1+size] == '\'' {
				toks = append(toks, Token{Char, start, i + 2 + size})
				i += 2 + size
				break
			}
			if isIdentStartByte(text, i+1) {
				end := lexIdent(text, i+1)
				toks = append(toks, Token{Lifetime, start, end})
				i = end
				break
			}
			toks = append(toks, Token{Punct, start, i + 1})
			i++
		case c == ':' && i+1 < n && text[i+1] == ':',
			c == '-' && i+1 < n && text[i+1] == '>',
			c == '=' && i+1 < n && text[i+1] == '>':
			toks = append(toks, Token{Punct, start, i + 2})
			i += 2
		case c < utf8.RuneSelf:
			toks = append(toks, Token{Punct, start, i + 1})
			i++
		default:
			_, size := utf8.DecodeRune(text[i:])
			toks = append(toks, Token{Punct, start, i + size})
			i += size
		}
	}
	return toks
}

func isIdentStartByte(text []byte, i int) bool {
	if i >= len(text) {
		return false
	}
	c := text[i]
	if c < utf8.RuneSelf {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	r, _ := utf8.DecodeRune(text[i:])
	return unicode.IsLetter(r)
}

func lexIdent(text []byte, i int) int {
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				i++
				continue
			}
			return i
		}
		r, size := utf8.DecodeRune(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return i
		}
		i += size
	}
	return i
}

// lexQuoted returns the end of a literal whose body starts at i and ends with quote.
func lexQuoted(text []byte, i int, quote byte) int {
	for i < len(text) {
		switch text[i] {
		case '\\':
			i += 2
			continue
		case quote:
			return i + 1
		}
		i++
	}
	return len(text)
}

// lexRaw returns the end of a raw string whose body starts at i, closed by '"' and hashes '#'.
func lexRaw(text []byte, i, hashes int) int {
	for i < len(text) {
		if text[i] == '"' {
			k := i + 1
			for k < len(text) && k-i-1 < hashes && text[k] == '#' {
				k++
			}
			if k-i-1 == hashes {
				return k
			}
		}
		i++
	}
	return len(text)
}

// Unquote decodes a Rust string, byte string or raw string literal. ok is false when lit is
// not one or is unterminated.
func Unquote(lit string) (s string, ok bool) {
	lit = strings.TrimLeft(lit, "bc")
	if strings.HasPrefix(lit, "r") {
		body := lit[1:]
		h := len(body) - len(strings.TrimLeft(body, "#"))
		body = body[h:]
		if len(body) < 2 || body[0] != '"' || !strings.HasSuffix(body, `"`+strings.Repeat("#", h)) {
			return "", false
		}
		return body[1 : len(body)-1-h], true
	}
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", false
	}
	body := lit[1 : len(lit)-1]
	if strings.HasSuffix(body, `\`) && !strings.HasSuffix(body, `\\`) {
		return "", false
	}
	if !strings.Contains(body, `\`) {
		return body, true
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		i++
		switch body[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		case 'x':
			if i+2 < len(body) {
				if v, err := strconv.ParseUint(body[i+1:i+3], 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 2
					continue
				}
			}
			b.WriteString(`\x`)
		case 'u':
			if end := strings.IndexByte(body[i:], '}'); i+1 < len(body) && body[i+1] == '{' && end > 0 {
				if v, err := strconv.ParseUint(strings.ReplaceAll(body[i+2:i+end], "_", ""), 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += end
					continue
				}
			}
			b.WriteString(`\u`)
		case '\n':
			// line continuation: skip the newline and leading whitespace
			for i+1 < len(body) && strings.IndexByte(" \t\n\r", body[i+1]) >= 0 {
				i++
			}
		default:
			b.WriteByte(body[i])
		}
	}
	return b.String(), true
}
