// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"krls.dev/krls/kconfig/dirent"
	"krls.dev/krls/kconfig/internal/cachefile"
)

// DefinedNames calls def with the name of every `config` and `menuconfig` entry of a Kconfig
// text, in order: the symbols ParseFile would give a definition, found without building the
// syntax tree. It reads the text line by line as the lexer does: help texts are skipped (a
// `config FOO` written in a help text defines nothing), comments end at the line's end and a
// backslash-newline continues a line. A name holding a macro ($(...)) is not reported: it is
// known only once expanded. The name is valid only during the call.
//
// It is for callers that need only which symbols a tree defines, such as `krls lint --enable
// config-unknown`, where parsing the 1,800 Kconfig files of a tree cost more than the rest of
// the run.
func DefinedNames(src []byte, def func(name []byte)) {
	off := 0
	cont := false // the line continues the previous one (backslash-newline)
	for off < len(src) {
		var line []byte
		line, off = lineAt(src, off)
		startsStatement := !cont
		cont = endsWithBackslash(line)
		if !startsStatement {
			continue
		}
		word, rest := firstWord(line)
		switch string(word) {
		case "config", "menuconfig":
			rest = trimBlanks(rest)
			n := 0
			for n < len(rest) && isWordByte(rest[n]) {
				n++
			}
			if n > 0 && (n == len(rest) || rest[n] != '$') {
				def(rest[:n])
			}
		case "help", "---help---":
			if !cont {
				off = skipHelp(src, off)
			}
		}
	}
}

// lineAt returns the line of src starting at off, without its newline, and the offset of the
// next line (past the end of src after the last line).
func lineAt(src []byte, off int) (line []byte, next int) {
	e := bytes.IndexByte(src[off:], '\n')
	if e < 0 {
		return src[off:], len(src) + 1
	}
	return src[off : off+e], off + e + 1
}

// endsWithBackslash reports a line (without its newline) that a backslash continues, outside
// a comment: the lexer skips a comment to the end of the line whatever it ends with.
func endsWithBackslash(line []byte) bool {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if len(line) == 0 || line[len(line)-1] != '\\' {
		return false
	}
	return bytes.IndexByte(line, '#') < 0
}

// firstWord returns the first word of a line (after blanks; none when the line is blank or a
// comment) and the rest of the line after it.
func firstWord(line []byte) (word, rest []byte) {
	line = trimBlanks(line)
	n := 0
	for n < len(line) && (isWordByte(line[n]) || line[n] == '$') {
		n++
	}
	return line[:n], line[n:]
}

func trimBlanks(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\f' || b[0] == '\v') {
		b = b[1:]
	}
	return b
}

// skipHelp returns the offset of the first line after the help text that starts at off: the
// text ends at the first non-blank line indented less than its first line, or in column 0
// (the rule of lexer.help).
func skipHelp(src []byte, off int) int {
	first := -1
	for off < len(src) {
		line, next := lineAt(src, off)
		line = bytes.TrimSuffix(line, []byte{'\r'})
		w, n := indent(string(line))
		if len(bytes.Trim(line[n:], " \t\f\v")) > 0 {
			if w == 0 || first >= 0 && w < first {
				return off
			}
			if first < 0 {
				first = w
			}
		}
		off = next
	}
	return len(src)
}

// LoadNames returns the names defined (by DefinedNames) in the Kconfig* files under root, of
// every architecture, the files Load with AllFiles reads; hidden folders are skipped and
// folders are listed through snap (nil: the disk). Files that cannot be read are skipped.
// With a cache, files whose stamp it holds are not read (nil: every file is read). The
// error is returned only when root/Kconfig cannot be read, as Load's.
func LoadNames(root string, snap *dirent.Snapshot, cache *NamesCache) (map[string]bool, error) {
	if _, err := os.Stat(filepath.Join(root, "Kconfig")); err != nil {
		return nil, err
	}
	paths := make(chan string, 64)
	go func() {
		listKconfig(root, snap, func(rel string) { paths <- filepath.Join(root, filepath.FromSlash(rel)) })
		close(paths)
	}()
	// Each goroutine gathers the names of its files as lists (from the cache they cost
	// nothing); the set is built once at the end, sized: growing maps was the largest part of
	// the fresh memory of a cached run.
	var mu sync.Mutex
	var lists [][]string
	total := 0
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine [][]string
			n := 0
			var buf []byte // one buffer per goroutine: the names are copied out
			for p := range paths {
				var names []string
				var st cachefile.Stamp
				racy, ok := false, false
				if cache != nil {
					names, st, racy, ok = cache.lookup(p)
				}
				if !ok {
					src, err := readFileInto(p, buf)
					if err != nil {
						continue // Load records an error for it and parses nothing
					}
					buf = src
					names = definedNames(src)
					if cache != nil {
						cache.record(p, st, racy, names)
					}
				}
				mine = append(mine, names)
				n += len(names)
			}
			mu.Lock()
			lists = append(lists, mine...)
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	names := make(map[string]bool, total)
	for _, l := range lists {
		for _, n := range l {
			names[n] = true
		}
	}
	return names, nil
}
