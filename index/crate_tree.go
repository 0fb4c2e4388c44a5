// SPDX-License-Identifier: GPL-2.0-only

package index

// A syntax tree copied out of tree-sitter in one cgo call.
//
// go-tree-sitter makes every node access a cgo call, and every node it hands out a Go
// allocation kept in a per-tree map; a ChildByFieldName also mallocs and frees a C copy of the
// field name. The crate walk asked for ~40,000 nodes of 6.12's kernel crate that way: a third
// of its time and 4 MB of garbage per index. Instead, crateParser parses with the tree-sitter C
// API (linked in by go-tree-sitter, whose rust grammar we use) and copies the whole tree, in
// preorder, into a reused Go slice of small records with a tree cursor in C; the walk then
// navigates those records in Go. The trees are small (the fn bodies and macro_rules! arms are
// blanked before parsing, crate_blank.go): 65,000 nodes for the whole 6.12 kernel crate.
//
// The declarations below are those of tree-sitter's api.h (go-tree-sitter's copy) for the
// version go.mod pins; crate_tree_test.go checks the copied trees against go-tree-sitter's
// own node API over the real kernel crate.

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct TSLanguage TSLanguage;
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct { uint32_t row; uint32_t column; } TSPoint;
typedef struct { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;
typedef struct { TSPoint start_point; TSPoint end_point; uint32_t start_byte; uint32_t end_byte; } TSRange;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;

const TSLanguage *tree_sitter_rust(void);
TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *self);
bool ts_parser_set_language(TSParser *self, const TSLanguage *language);
bool ts_parser_set_included_ranges(TSParser *self, const TSRange *ranges, uint32_t count);
TSTree *ts_parser_parse_string(TSParser *self, const TSTree *old_tree, const char *string, uint32_t length);
void ts_tree_delete(TSTree *self);
TSNode ts_tree_root_node(const TSTree *self);
uint16_t ts_language_field_id_for_name(const TSLanguage *self, const char *name, uint32_t name_length);
uint16_t ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
TSPoint ts_node_start_point(TSNode self);
TSPoint ts_node_end_point(TSNode self);
bool ts_node_is_named(TSNode self);
bool ts_node_is_missing(TSNode self);
bool ts_node_has_error(TSNode self);
TSTreeCursor ts_tree_cursor_new(TSNode node);
void ts_tree_cursor_delete(TSTreeCursor *self);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *self);
uint16_t ts_tree_cursor_current_field_id(const TSTreeCursor *self);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *self);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *self);
bool ts_tree_cursor_goto_parent(TSTreeCursor *self);

// The layout of cnode in Go.
typedef struct {
	uint32_t start_byte, end_byte;
	uint32_t start_row, start_col, end_row, end_col;
	int32_t parent, next;
	uint16_t symbol, field;
	uint16_t flags, pad;
} krls_node;

enum { KRLS_NAMED = 1, KRLS_MISSING = 2, KRLS_HAS_ERROR = 4, KRLS_HAS_CHILDREN = 8 };

static TSParser *krls_new_parser(void) {
	TSParser *p = ts_parser_new();
	ts_parser_set_language(p, tree_sitter_rust());
	return p;
}

static uint16_t krls_field_id(const char *name, uint32_t n) {
	return ts_language_field_id_for_name(tree_sitter_rust(), name, n);
}

// krls_parse parses src and copies its tree into out (preorder: a node's first child follows
// it), returning the node count. When that is more than cap, nothing past cap is written and
// the caller calls again with room: *tree keeps the parse for that. Returns -1 when tree-sitter
// gives no tree.
static int32_t krls_parse(TSParser *p, TSTree **tree, const char *src, uint32_t len, const TSRange *ranges, uint32_t nranges, krls_node *out, int32_t cap) {
	if (*tree == NULL) {
		if (!ts_parser_set_included_ranges(p, ranges, nranges)) return -1;
		*tree = ts_parser_parse_string(p, NULL, src, len);
		if (*tree == NULL) return -1;
	}
	TSTreeCursor c = ts_tree_cursor_new(ts_tree_root_node(*tree));
	int32_t n = 0, parent = -1;
	// Each node's next link is set when its next sibling is written, through prev, the last
	// node of the current level.
	int32_t prev = -1;
	for (;;) {
		TSNode node = ts_tree_cursor_current_node(&c);
		if (n < cap) {
			krls_node *k = &out[n];
			TSPoint s = ts_node_start_point(node), e = ts_node_end_point(node);
			k->start_byte = ts_node_start_byte(node);
			k->end_byte = ts_node_end_byte(node);
			k->start_row = s.row; k->start_col = s.column;
			k->end_row = e.row; k->end_col = e.column;
			k->parent = parent;
			k->next = -1;
			k->symbol = ts_node_symbol(node);
			k->field = ts_tree_cursor_current_field_id(&c);
			k->flags = (ts_node_is_named(node) ? KRLS_NAMED : 0) |
				(ts_node_is_missing(node) ? KRLS_MISSING : 0) |
				(ts_node_has_error(node) ? KRLS_HAS_ERROR : 0);
			k->pad = 0;
			if (prev >= 0 && prev < cap) out[prev].next = n;
		}
		int32_t self = n++;
		if (ts_tree_cursor_goto_first_child(&c)) {
			if (self < cap) out[self].flags |= KRLS_HAS_CHILDREN;
			parent = self;
			prev = -1;
			continue;
		}
		prev = self;
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (!ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return n;
			}
			prev = parent;
			// Past cap nothing is written any more (nodes only grow): the links are moot.
			parent = parent >= 0 && parent < cap ? out[parent].parent : -1;
		}
	}
}
*/
import "C"

import (
	"sync"
	"unsafe"

	"github.com/smacker/go-tree-sitter/rust"
)

// cnode is one node of a ctree: C.krls_node's layout.
type cnode struct {
	startByte, endByte uint32
	startRow, startCol uint32
	endRow, endCol     uint32
	parent, next       int32 // -1: none
	symbol, field      uint16
	flags, _           uint16
}

const (
	cnNamed       = C.KRLS_NAMED
	cnMissing     = C.KRLS_MISSING
	cnHasError    = C.KRLS_HAS_ERROR
	cnHasChildren = C.KRLS_HAS_CHILDREN
)

// The two layouts are the same size (a compile-time check both ways).
var (
	_ [unsafe.Sizeof(C.krls_node{}) - unsafe.Sizeof(cnode{})]byte
	_ [unsafe.Sizeof(cnode{}) - unsafe.Sizeof(C.krls_node{})]byte
)

// errorSymbol is tree-sitter's ts_builtin_sym_error.
const errorSymbol = 0xFFFF

// ctree is a parsed file: nodes in preorder, the root first.
type ctree struct {
	nodes []cnode
}

// tnode is a node of a ctree; the zero tnode is no node.
type tnode struct {
	t *ctree
	i int32
}

func (n tnode) null() bool   { return n.t == nil }
func (n tnode) c() *cnode    { return &n.t.nodes[n.i] }
func (t *ctree) root() tnode { return tnode{t, 0} }
func (n tnode) at(i int32) tnode {
	if i < 0 {
		return tnode{}
	}
	return tnode{n.t, i}
}

func (n tnode) Symbol() uint16    { return n.c().symbol }
func (n tnode) StartByte() uint32 { return n.c().startByte }
func (n tnode) EndByte() uint32   { return n.c().endByte }
func (n tnode) IsNamed() bool     { return n.c().flags&cnNamed != 0 }
func (n tnode) IsMissing() bool   { return n.c().flags&cnMissing != 0 }
func (n tnode) HasError() bool    { return n.c().flags&cnHasError != 0 }
func (n tnode) IsError() bool     { return n.c().symbol == errorSymbol }
func (n tnode) StartPos() Pos {
	c := n.c()
	return Pos{Line: int(c.startRow) + 1, Col: int(c.startCol)}
}
func (n tnode) EndPos() Pos    { c := n.c(); return Pos{Line: int(c.endRow) + 1, Col: int(c.endCol)} }
func (n tnode) StartLine() int { return int(n.c().startRow) + 1 }

// FirstChild and NextSibling walk the children of a node.
func (n tnode) FirstChild() tnode {
	if n.c().flags&cnHasChildren == 0 {
		return tnode{}
	}
	return tnode{n.t, n.i + 1}
}

func (n tnode) NextSibling() tnode { return n.at(n.c().next) }

// Child returns the i-th child, NamedChild the i-th named child (or no node).
func (n tnode) Child(i int) tnode {
	c := n.FirstChild()
	for ; !c.null() && i > 0; i-- {
		c = c.NextSibling()
	}
	return c
}

func (n tnode) NamedChild(i int) tnode {
	for c := n.FirstChild(); !c.null(); c = c.NextSibling() {
		if c.IsNamed() {
			if i == 0 {
				return c
			}
			i--
		}
	}
	return tnode{}
}

func (n tnode) NamedChildCount() int {
	k := 0
	for c := n.FirstChild(); !c.null(); c = c.NextSibling() {
		if c.IsNamed() {
			k++
		}
	}
	return k
}

// Field returns the first child in field f (a field id of fieldIDs), as
// ts_node_child_by_field_id does.
func (n tnode) Field(f uint16) tnode {
	if f == 0 {
		return tnode{}
	}
	for c := n.FirstChild(); !c.null(); c = c.NextSibling() {
		if c.c().field == f {
			return c
		}
	}
	return tnode{}
}

// Type is the node's kind, as sitter.Node.Type gives it.
func (n tnode) Type() string {
	s := int(n.Symbol())
	if s < len(rustSymNames) {
		return rustSymNames[s]
	}
	if s == errorSymbol {
		return "ERROR"
	}
	return ""
}

// The field ids of the grammar the walk asks for.
var fieldIDs struct {
	once                                                            sync.Once
	name, body, typ, trait, parameters, typeParameters, value, left uint16
	right, bounds, macro, argument                                  uint16
}

func loadFieldIDs() {
	fieldIDs.once.Do(func() {
		rustLanguage() // the symbol names
		id := func(s string) uint16 {
			cs := C.CString(s)
			defer C.free(unsafe.Pointer(cs))
			return uint16(C.krls_field_id(cs, C.uint32_t(len(s))))
		}
		f := &fieldIDs
		f.name, f.body, f.typ, f.trait = id("name"), id("body"), id("type"), id("trait")
		f.parameters, f.typeParameters, f.value = id("parameters"), id("type_parameters"), id("value")
		f.left, f.right, f.bounds, f.macro, f.argument = id("left"), id("right"), id("bounds"), id("macro"), id("argument")
	})
}

// crateParser parses Rust files into ctrees; one per goroutine. Its tree buffer is reused:
// a ctree is valid until the next parse.
type crateParser struct {
	p      *C.TSParser
	tree   ctree
	ranges []tsRange
}

var _ = rust.GetLanguage // the grammar's C code (tree_sitter_rust) comes with this package

func newCrateParser() *crateParser {
	loadFieldIDs()
	return &crateParser{p: C.krls_new_parser()}
}

func (p *crateParser) close() {
	if p.p != nil {
		C.ts_parser_delete(p.p)
		p.p = nil
	}
}

// tsRange is C.TSRange.
type tsRange struct {
	startRow, startCol uint32
	endRow, endCol     uint32
	startByte, endByte uint32
}

var (
	_ [unsafe.Sizeof(C.TSRange{}) - unsafe.Sizeof(tsRange{})]byte
	_ [unsafe.Sizeof(tsRange{}) - unsafe.Sizeof(C.TSRange{})]byte
)

// minSkip is the shortest run of white space that tree-sitter is told to skip.
const minSkip = 16

// readRanges returns the parts of src for tree-sitter to read: all of it but the inside of
// the long runs of white space (the blanked bodies, mostly), which its lexer would otherwise
// step through byte by byte. A run keeps its first byte, its first newline and its last byte:
// a token ends where it did (a line comment at its newline), and tree-sitter reports every
// position in src's coordinates. Nil means all of src.
func readRanges(src []byte, out []tsRange) []tsRange {
	out = out[:0]
	var row, col uint32 // of src[i]
	cur := tsRange{}
	n := len(src)
	for i := 0; i < n; {
		if c := src[i]; c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			i++
			col++
			continue
		}
		// The run of white space src[i:j]; (lastRow, lastCol) is where src[j-1] is.
		j, r, k := i, row, col
		var lastRow, lastCol uint32
		nl := -1
		for ; j < n; j++ {
			c := src[j]
			if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				break
			}
			lastRow, lastCol = r, k
			if c == '\n' {
				if nl < 0 {
					nl = j
				}
				r, k = r+1, 0
			} else {
				k++
			}
		}
		// Skip src[from:j-1]: from is past the run's first byte and its first newline.
		from, fromRow, fromCol := i+1, row, col+1
		if nl >= 0 {
			from, fromRow, fromCol = nl+1, row+1, 0
		}
		if j-1-from >= minSkip {
			cur.endByte, cur.endRow, cur.endCol = uint32(from), fromRow, fromCol
			out = append(out, cur)
			cur = tsRange{startByte: uint32(j - 1), startRow: lastRow, startCol: lastCol}
		}
		i, row, col = j, r, k
	}
	if len(out) == 0 {
		return nil
	}
	cur.endByte, cur.endRow, cur.endCol = uint32(n), row, col
	return append(out, cur)
}

// parse parses src, or returns nil when tree-sitter gives no tree.
func (p *crateParser) parse(src []byte) *ctree {
	var tree *C.TSTree
	defer func() {
		if tree != nil {
			C.ts_tree_delete(tree)
		}
	}()
	var text *C.char
	if len(src) > 0 {
		text = (*C.char)(unsafe.Pointer(&src[0]))
	}
	p.ranges = readRanges(src, p.ranges)
	var ranges *C.TSRange
	if len(p.ranges) > 0 {
		ranges = (*C.TSRange)(unsafe.Pointer(&p.ranges[0]))
	}
	nodes := p.tree.nodes[:cap(p.tree.nodes)]
	for {
		var out *C.krls_node
		if len(nodes) > 0 {
			out = (*C.krls_node)(unsafe.Pointer(&nodes[0]))
		}
		n := int(C.krls_parse(p.p, &tree, text, C.uint32_t(len(src)), ranges, C.uint32_t(len(p.ranges)), out, C.int32_t(len(nodes))))
		if n < 0 {
			return nil
		}
		if n <= len(nodes) {
			p.tree.nodes = nodes[:n]
			return &p.tree
		}
		nodes = make([]cnode, n+n/4)
	}
}
