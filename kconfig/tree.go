// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"krls.dev/krls/kconfig/dirent"
)

// Options control Load.
type Options struct {
	// SRCARCH selects the architecture whose source chain is followed ("x86" when empty).
	SRCARCH string
	// Env holds the environment seen by $(NAME) references. SRCARCH and ARCH default to
	// SRCARCH. The process environment is never read.
	Env map[string]string
	// Overlay replaces the content of files (paths relative to the root), e.g. an editor's
	// unsaved buffers.
	Overlay map[string][]byte
	// AllFiles also parses every Kconfig* file of the tree that the source chain does not
	// reach (other architectures, documentation examples), with their definitions marked
	// off-chain.
	AllFiles bool
	// Parsed, when set, is called with each file parsed (its path relative to the root, its
	// bytes and ParseFile's results), from several goroutines at once, possibly until a little
	// after Load returned: a caller that checks the same files again (krls lint's
	// kconfig-syntax) can keep the parses instead of repeating them. It must not modify them.
	Parsed func(rel string, src []byte, f *File, errs []Error)
	// Listing, when set, lists the folders of the tree for AllFiles: a caller that has walked
	// the tree already (krls lint) hands over what it read instead of reading it again.
	Listing *dirent.Snapshot
	// ReuseBuffers promises that Parsed keeps no reference to a file's bytes once it returns:
	// files are then read into recycled buffers (ParseFile copies what it keeps), which
	// spares a short-lived process the fresh memory of every file's bytes. Without Parsed,
	// nothing can keep them: the buffers are recycled whatever ReuseBuffers says.
	ReuseBuffers bool
}

// Tree is a loaded Kconfig tree: all files, the symbol table and every error.
type Tree struct {
	Root  string
	Files map[string]*File // by path relative to Root, slash-separated
	// Order lists the files in the order conf reads them (the source chain from Kconfig),
	// then the files reached only through AllFiles.
	Order   []string
	OnChain map[string]bool // files on the source chain of the selected architecture
	Symbols map[string]*Symbol
	Sources []*Source
	Errors  []Error
	// Modules is the symbol carrying the `modules` option (normally MODULES).
	Modules string

	x  *expander // variables as they stand at the end of the chain
	ix refIndex
}

type occurrence struct {
	r   Range
	sym *Symbol
}

// SymbolAt returns the symbol whose name covers pos in file (a definition's name, a use in
// an expression, a select target), with the name's range; nil when there is none. A name
// defined nowhere gives a Symbol without definitions.
func (t *Tree) SymbolAt(file string, pos Pos) (*Symbol, Range) {
	occ := t.index().occur[file]
	i := sort.Search(len(occ), func(i int) bool { return pos.Less(occ[i].r.End) })
	if i < len(occ) && occ[i].r.Contains(pos) {
		return occ[i].sym, occ[i].r
	}
	return nil, Range{}
}

// Expand expands the macros of s with the variables and environment as they stand after the
// whole tree was read. The second result is non-empty, with the reason, when the value cannot
// be known without running a command.
func (t *Tree) Expand(s string) (string, string) {
	return t.x.expand(s, nil, 0)
}

// Source is one source statement and what it resolved to.
type Source struct {
	File    string // the file holding the statement
	Node    *Node
	Path    string   // expanded path
	Targets []string // files it reads, relative to the root
	Reason  string   // why nothing was read, if so
}

// Symbol is a config symbol with every definition and use.
type Symbol struct {
	Name       string
	Defs       []*Def
	SelectedBy []*Edge
	ImpliedBy  []*Edge
}

// Def is one `config`/`menuconfig` entry of a symbol, where it sits and what it depends on.
type Def struct {
	Symbol *Symbol
	File   string
	Node   *Node
	// Dep is the definition's effective dependency: the conditions of the enclosing if
	// blocks, menus and choice (across source statements) and its own `depends on`, macros
	// expanded. nil means none.
	Dep     *Expr
	Parents []*Node // enclosing blocks (if, menu, choice), outermost first
	Choice  *Node   // the enclosing choice, if any
	OnChain bool    // read by conf for the selected architecture
}

// Edge is a select or imply of a symbol by another one.
type Edge struct {
	From *Def
	Prop *Reverse
	// Cond is when the edge applies besides From being set: the select's `if` and From's
	// effective dependency.
	Cond *Expr
}

// Ref is a use of a symbol's name.
type Ref struct {
	File  string
	Range Range
	Node  *Node
	Role  string // "depends", "select", "imply", "default", "range", "prompt", "if", "visible"
}

// Type returns the symbol's type: that of the first definition that has one, preferring
// definitions on the source chain.
func (s *Symbol) Type() Type {
	for _, chain := range []bool{true, false} {
		for _, d := range s.Defs {
			if d.OnChain == chain && d.Node.Type != TypeUnknown {
				return d.Node.Type
			}
		}
	}
	return TypeUnknown
}

// Lookup returns the symbol name (without CONFIG_), or nil.
func (t *Tree) Lookup(name string) *Symbol {
	return t.Symbols[strings.TrimPrefix(name, "CONFIG_")]
}

// Defs returns the definitions of name that conf reads for the selected architecture, or all
// of them when none is on the chain.
func (t *Tree) Defs(name string) []*Def {
	s := t.Lookup(name)
	if s == nil {
		return nil
	}
	var on []*Def
	for _, d := range s.Defs {
		if d.OnChain {
			on = append(on, d)
		}
	}
	if len(on) == 0 {
		return s.Defs
	}
	return on
}

// Deps returns the effective dependency of a symbol, as the kernel's dir_dep: the OR of its
// definitions' dependencies (see Defs). nil means none (always y), also for unknown names.
func (t *Tree) Deps(name string) *Expr {
	defs := t.Defs(name)
	if len(defs) == 0 {
		return nil
	}
	e := defs[0].Dep
	for _, d := range defs[1:] {
		e = Or(e, d.Dep)
	}
	return e
}

// Load reads root/Kconfig and every file it sources, as conf does for opts.SRCARCH, and
// builds the symbol table. Files are parsed in parallel; problems are collected in
// Tree.Errors, never fatal. The error is returned only when root/Kconfig cannot be read.
func Load(root string, opts Options) (*Tree, error) {
	if opts.SRCARCH == "" {
		opts.SRCARCH = "x86"
	}
	env := map[string]string{"SRCARCH": opts.SRCARCH, "ARCH": opts.SRCARCH, "srctree": "."}
	for k, v := range opts.Env {
		env[k] = v
	}
	if _, ok := opts.Overlay["Kconfig"]; !ok {
		if _, err := os.Stat(filepath.Join(root, "Kconfig")); err != nil {
			return nil, err
		}
	}
	t := &Tree{Root: root}
	// Without Parsed nothing keeps a file's bytes: the buffers can be recycled.
	ld := &loader{t: t, root: root, cache: map[string]*parsed{}, env: env, overlay: opts.Overlay, hook: opts.Parsed,
		listing: opts.Listing, reuse: opts.ReuseBuffers || opts.Parsed == nil}
	ld.cond = sync.NewCond(&ld.mu)
	for range runtime.GOMAXPROCS(0) {
		go ld.worker()
	}
	defer func() {
		ld.mu.Lock()
		ld.stop = true
		ld.cond.Broadcast()
		ld.mu.Unlock()
	}()
	ld.x = newExpander(env)
	// With AllFiles, list the tree while the chain is walked, and start parsing every file
	// found: all of them are needed anyway.
	listed := make(chan []string, 1)
	if opts.AllFiles {
		go func() { listed <- ld.list() }()
	}
	w := &walker{ld: ld, onChain: true}
	w.file("Kconfig", ctx{}, nil, "")
	if opts.AllFiles {
		all := <-listed
		rest := all[:0]
		for _, rel := range all {
			if p := ld.peek(rel); p == nil || !p.onChain {
				rest = append(rest, rel)
			}
		}
		slices.SortFunc(rest, func(a, b string) int {
			if da, db := strings.Count(a, "/"), strings.Count(b, "/"); da != db {
				return da - db
			}
			return strings.Compare(a, b)
		})
		w.onChain = false
		for _, f := range rest {
			if p := ld.peek(f); p == nil || !p.walked {
				w.file(f, ctx{}, nil, "")
			}
		}
	}
	w.finish()
	if t.Modules == "" {
		t.Modules = "MODULES"
	}
	t.x = ld.x
	return t, nil
}

// list finds every Kconfig* file under the root (skipping hidden folders) and starts parsing
// each.
func (ld *loader) list() []string {
	var out []string
	listKconfig(ld.root, ld.listing, func(rel string) {
		out = append(out, rel)
		ld.queue(rel, false)
	})
	return out
}

// walkKconfig is listKconfig with filepath.WalkDir: the portable version, and the oracle of
// the Linux one in the tests.
func walkKconfig(root string, visit func(rel string)) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folders are skipped
		}
		if d.IsDir() {
			if n := d.Name(); strings.HasPrefix(n, ".") && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(d.Name(), "Kconfig") || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		visit(filepath.ToSlash(rel))
		return nil
	})
}

type parsed struct {
	queued  bool           // in the high-priority queue (under loader.mu)
	started bool           // taken by a worker (under loader.mu)
	done    sync.WaitGroup // done when parsed
	file    *File
	errs    []Error
	err     error
	// For the walker only: the file is in Tree.Files (walked), on the source chain.
	walked, onChain bool
}

// wait returns once p is parsed.
func (p *parsed) wait() { p.done.Wait() }

// wait returns p's error once it is parsed.
func wait(p *parsed) error {
	p.wait()
	return p.err
}

type loader struct {
	t       *Tree
	root    string
	mu      sync.Mutex
	cache   map[string]*parsed
	parsed  slab[parsed] // the values of cache (under mu)
	cond    *sync.Cond
	hi      fifo // files the walk needs
	lo      fifo // files of the AllFiles listing
	stop    bool
	env     map[string]string
	overlay map[string][]byte
	x       *expander
	hook    func(rel string, src []byte, f *File, errs []Error)
	listing *dirent.Snapshot
	reuse   bool
}

// get returns the parse of rel, queueing it if needed; the walk's files go first. Once
// parsed, the literal source targets of a file are queued too, so the sequential walk rarely
// waits.
func (ld *loader) get(rel string) *parsed {
	return ld.queue(rel, true)
}

// queue returns the parse of rel, queued with high priority (the walk needs it) or low (the
// listing of AllFiles).
func (ld *loader) queue(rel string, high bool) *parsed {
	ld.mu.Lock()
	defer ld.mu.Unlock()
	p := ld.cache[rel]
	if p == nil {
		p = ld.parsed.new()
		p.done.Add(1)
		ld.cache[rel] = p
	} else if p.queued || !high {
		return p
	}
	if high {
		p.queued = true
		ld.hi.push(rel)
	} else {
		ld.lo.push(rel)
	}
	ld.cond.Signal()
	return p
}

// worker parses queued files until the loader stops. A fixed pool (GOMAXPROCS workers)
// rather than a goroutine per file: fewer wake-ups for two thousand small files.
func (ld *loader) worker() {
	for {
		ld.mu.Lock()
		for ld.hi.empty() && ld.lo.empty() && !ld.stop {
			ld.cond.Wait()
		}
		if ld.stop {
			ld.mu.Unlock()
			return
		}
		var rel string
		if !ld.hi.empty() {
			rel = ld.hi.pop()
		} else {
			rel = ld.lo.pop()
		}
		p := ld.cache[rel]
		run := !p.started
		p.started = true
		ld.mu.Unlock()
		if run {
			ld.parse(rel, p)
		}
	}
}

// peek returns the entry of rel if it has one, nil else.
func (ld *loader) peek(rel string) *parsed {
	ld.mu.Lock()
	defer ld.mu.Unlock()
	return ld.cache[rel]
}

// fifo is a queue of paths whose array is reused once emptied.
type fifo struct {
	q    []string
	head int
}

func (f *fifo) empty() bool { return f.head == len(f.q) }

func (f *fifo) push(s string) { f.q = append(f.q, s) }

func (f *fifo) pop() string {
	s := f.q[f.head]
	f.head++
	if f.head == len(f.q) {
		clear(f.q)
		f.q, f.head = f.q[:0], 0
	}
	return s
}

// readBufs recycles the file buffers of Options.ReuseBuffers.
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

func (ld *loader) parse(rel string, p *parsed) {
	src, ok := ld.overlay[rel]
	var err error
	if !ok {
		name := filepath.Join(ld.root, filepath.FromSlash(rel))
		if ld.reuse {
			bp := readBufs.Get().(*[]byte)
			src, err = readFileInto(name, *bp)
			defer func() { *bp = src[:0]; readBufs.Put(bp) }()
		} else {
			src, err = readFile(name)
		}
	}
	if err == nil {
		p.file, p.errs = ParseFile(rel, src)
		if ld.hook != nil {
			ld.hook(rel, src, p.file, p.errs)
		}
	}
	p.err = err
	file := p.file
	p.done.Done()
	if err != nil {
		return
	}
	px := expander{env: ld.env} // no variables: only the environment is known here
	ld.prefetch(rel, file.Nodes, &px)
}

// prefetch queues the files that the source statements among ns read, when their path needs
// no variable.
func (ld *loader) prefetch(rel string, ns []*Node, px *expander) {
	for _, n := range ns {
		if n.Kind == KindSource && !strings.ContainsAny(n.Text, "*?[") {
			s, u := px.expand(n.Text, nil, 0)
			if u == "" && s != "" {
				if n.Keyword == "rsource" || n.Keyword == "orsource" {
					s = path.Join(path.Dir(rel), s)
				}
				ld.get(path.Clean(s)) // a missing file is reported when the walk gets there
			}
		}
		ld.prefetch(rel, n.Children, px)
	}
}

type ctx struct {
	dep     *Expr
	parents []*Node
	choice  *Node
}

type walker struct {
	ld      *loader
	onChain bool
	stack   []string // files being walked, for recursion detection

	// The values of the symbol table come out of slabs: a few hundred allocations for the
	// 20,000 symbols, definitions and edges of a kernel tree instead of one each.
	syms    slab[Symbol]
	defs    slab[Def]
	selects slab[Edge] // in the order of the walk, which SelectedBy keeps
	implies slab[Edge]
	exprs   slab[Expr] // effective dependencies, edge conditions, expanded macros
	sources slab[Source]
	parents cuts[*Node]
	targets cuts[string]
}

// slab hands out values of T from arrays it allocates, growing from small ones (a fixture of
// a few symbols stays small) to slabMax bytes. It never moves a value; each visits them in
// the order new gave them.
type slab[T any] struct {
	bufs [][]T
}

const slabMax = 32 << 10

func (s *slab[T]) new() *T {
	n := len(s.bufs)
	if n == 0 || len(s.bufs[n-1]) == cap(s.bufs[n-1]) {
		var z T
		c := max(slabMax/int(unsafe.Sizeof(z)), 1)
		if n > 0 {
			c = min(c, 2*cap(s.bufs[n-1]))
		} else {
			c = min(c, 16)
		}
		s.bufs = append(s.bufs, make([]T, 0, c))
		n++
	}
	b := &s.bufs[n-1]
	*b = (*b)[:len(*b)+1]
	return &(*b)[len(*b)-1]
}

// count grows by one a slice that only counts: its elements are nil, in the array *zero
// shared by all such slices.
func count[T any](s []*T, zero *[]*T) []*T {
	if len(s) == len(*zero) {
		*zero = make([]*T, 2*len(*zero)+8)
	}
	return (*zero)[:len(s)+1]
}

// cut returns the next n elements of all, with length 0 and capacity n (nil when n is 0), and
// moves *off past them.
func cut[T any](all []T, off *int, n int) []T {
	if n == 0 {
		return nil
	}
	s := all[*off : *off : *off+n]
	*off += n
	return s
}

// finish builds the symbol table once the walk is over, when the number of definitions
// sizes the map (every definition but a few redefinitions is a symbol of its own; the names
// only selected or implied are few): no growth of a 20,000-entry map. Defs, SelectedBy and
// ImpliedBy are counted first, then cut to size from one array each, and filled in the order
// of the walk.
func (w *walker) finish() {
	t := w.ld.t
	t.Files = make(map[string]*File, len(t.Order))
	non := 0
	w.ld.mu.Lock()
	for _, rel := range t.Order {
		p := w.ld.cache[rel]
		t.Files[rel] = p.file
		if p.onChain {
			non++
		}
	}
	t.OnChain = make(map[string]bool, non)
	for _, rel := range t.Order {
		if w.ld.cache[rel].onChain {
			t.OnChain[rel] = true
		}
	}
	w.ld.mu.Unlock()

	nd := 0
	for _, b := range w.defs.bufs {
		nd += len(b)
	}
	syms := make(map[string]*Symbol, nd)
	w.ld.t.Symbols = syms
	sym := func(name string) *Symbol {
		s := syms[name]
		if s == nil {
			s = w.syms.new()
			s.Name = name
			syms[name] = s
		}
		return s
	}
	// Count, with slices of nil elements sharing one array.
	var noDefs []*Def
	var noEdges []*Edge
	for _, b := range w.defs.bufs {
		for i := range b {
			s := sym(b[i].Node.Name)
			b[i].Symbol = s
			s.Defs = count(s.Defs, &noDefs)
		}
	}
	ne := 0
	for _, b := range w.selects.bufs {
		ne += len(b)
		for i := range b {
			s := sym(b[i].Prop.Symbol)
			s.SelectedBy = count(s.SelectedBy, &noEdges)
		}
	}
	for _, b := range w.implies.bufs {
		ne += len(b)
		for i := range b {
			s := sym(b[i].Prop.Symbol)
			s.ImpliedBy = count(s.ImpliedBy, &noEdges)
		}
	}
	// Cut.
	defs, edges := make([]*Def, nd), make([]*Edge, ne)
	od, oe := 0, 0
	for _, b := range w.syms.bufs {
		for i := range b {
			s := &b[i]
			s.Defs = cut(defs, &od, len(s.Defs))
			s.SelectedBy = cut(edges, &oe, len(s.SelectedBy))
			s.ImpliedBy = cut(edges, &oe, len(s.ImpliedBy))
		}
	}
	// Fill.
	for _, b := range w.defs.bufs {
		for i := range b {
			d := &b[i]
			d.Symbol.Defs = append(d.Symbol.Defs, d)
		}
	}
	for _, b := range w.selects.bufs {
		for i := range b {
			s := syms[b[i].Prop.Symbol]
			s.SelectedBy = append(s.SelectedBy, &b[i])
		}
	}
	for _, b := range w.implies.bufs {
		for i := range b {
			s := syms[b[i].Prop.Symbol]
			s.ImpliedBy = append(s.ImpliedBy, &b[i])
		}
	}
}

// and is And with the node from the slab.
func (w *walker) and(x, y *Expr) *Expr {
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	e := w.exprs.new()
	*e = Expr{Op: OpAnd, X: x, Y: y}
	if x.File == y.File {
		e.File, e.Range = x.File, Range{x.Range.Start, y.Range.End}
	}
	return e
}

// errorf records a resolution problem; off the source chain it is only a warning, since
// other architectures may need variables the selected one does not set.
func (w *walker) errorf(file string, r Range, msg string) {
	w.ld.t.Errors = append(w.ld.t.Errors, Error{File: file, Range: r, Msg: msg, Warning: !w.onChain})
}

// file walks a file reached through a source statement (nil for roots).
func (w *walker) file(rel string, c ctx, from *Source, note string) {
	t := w.ld.t
	for _, s := range w.stack {
		if s == rel {
			w.errorf(from.File, from.Node.Header, "recursive inclusion of "+rel+note)
			return
		}
	}
	p := w.ld.get(rel)
	p.wait()
	if p.err != nil {
		if from != nil {
			w.errorf(from.File, from.Node.TextRange, "can't open file \""+rel+"\": "+p.err.Error())
		} else {
			w.errorf(rel, Range{}, p.err.Error())
		}
		return
	}
	if !p.walked { // Tree.Files and OnChain are made from the flags at the end
		p.walked = true
		t.Order = append(t.Order, rel)
		t.Errors = append(t.Errors, p.errs...)
	}
	if w.onChain {
		p.onChain = true
	}
	w.stack = append(w.stack, rel)
	w.nodes(rel, p.file.Nodes, c)
	w.stack = w.stack[:len(w.stack)-1]
}

// resolve returns e with its macro words expanded (a copy when anything changed).
func (w *walker) resolve(e *Expr) *Expr {
	if e == nil {
		return nil
	}
	switch e.Op {
	case OpSymbol:
		if !e.Macro {
			return e
		}
		w.ld.x.line = e.Range.Start.Line
		v, u := w.ld.x.expand(e.Name, nil, 0)
		c := w.exprs.new()
		*c = *e
		c.Unknown, c.Macro = u, false
		if u == "" {
			c.Name = v
			if !c.Quoted {
				c.Name = strings.TrimSpace(v)
			}
		}
		return c
	}
	x, y := w.resolve(e.X), w.resolve(e.Y)
	if x == e.X && y == e.Y {
		return e
	}
	c := w.exprs.new()
	*c = *e
	c.X, c.Y = x, y
	return c
}

// refIndex is built on first use: Load itself does not need the uses of symbols, an editor
// does (references, rename, the symbol under the cursor).
type refIndex struct {
	once  sync.Once
	refs  map[string][]Ref        // by symbol name, defined or not
	occur map[string][]occurrence // per file: names with their ranges, sorted
	names []string                // sorted names with references
}

func (t *Tree) index() *refIndex {
	ix := &t.ix
	ix.once.Do(func() {
		ix.refs = map[string][]Ref{}
		add := func(file string, n *Node, e *Expr, role string) {
			e.Walk(func(x *Expr) bool {
				if x.Op == OpSymbol && !x.Quoted && !x.Macro && !isConstName(x.Name) {
					ix.refs[x.Name] = append(ix.refs[x.Name], Ref{File: file, Range: x.Range, Node: n, Role: role})
				}
				return true
			})
		}
		for _, file := range t.Order {
			t.Files[file].Walk(func(n *Node) bool {
				if n.Kind == KindIf {
					add(file, n, n.Cond, "if")
				}
				for _, p := range n.Prompts {
					add(file, n, p.If, "prompt")
				}
				for _, d := range n.Defaults {
					add(file, n, d.Value, "default")
					add(file, n, d.If, "default")
				}
				for _, d := range n.Depends {
					add(file, n, d.Expr, "depends")
				}
				for _, d := range n.Visible {
					add(file, n, d.Expr, "visible")
				}
				for _, r := range n.Ranges {
					add(file, n, r.Low, "range")
					add(file, n, r.High, "range")
					add(file, n, r.If, "range")
				}
				for _, r := range n.Selects {
					ix.refs[r.Symbol] = append(ix.refs[r.Symbol], Ref{File: file, Range: r.SymbolRange, Node: n, Role: "select"})
					add(file, n, r.If, "select")
				}
				for _, r := range n.Implies {
					ix.refs[r.Symbol] = append(ix.refs[r.Symbol], Ref{File: file, Range: r.SymbolRange, Node: n, Role: "imply"})
					add(file, n, r.If, "imply")
				}
				return true
			})
		}
		ix.occur = map[string][]occurrence{}
		for name, refs := range ix.refs {
			ix.names = append(ix.names, name)
			s := t.Symbols[name]
			if s == nil {
				s = &Symbol{Name: name} // used but defined nowhere
			}
			for _, r := range refs {
				ix.occur[r.File] = append(ix.occur[r.File], occurrence{r.Range, s})
			}
			slices.SortStableFunc(refs, func(a, b Ref) int {
				if c := strings.Compare(a.File, b.File); c != 0 {
					return c
				}
				return cmpPos(a.Range.Start, b.Range.Start)
			})
		}
		sort.Strings(ix.names)
		for _, s := range t.Symbols {
			for _, d := range s.Defs {
				ix.occur[d.File] = append(ix.occur[d.File], occurrence{d.Node.NameRange, s})
			}
		}
		for _, occ := range ix.occur {
			slices.SortFunc(occ, func(a, b occurrence) int { return cmpPos(a.r.Start, b.r.Start) })
		}
	})
	return ix
}

// Refs returns the uses of a symbol (without CONFIG_) in every file read, defined or not,
// sorted by file and position.
func (t *Tree) Refs(name string) []Ref {
	return t.index().refs[strings.TrimPrefix(name, "CONFIG_")]
}

// Referenced returns, sorted, the names used anywhere in the tree, including names defined
// nowhere.
func (t *Tree) Referenced() []string {
	return t.index().names
}

func (w *walker) ownDeps(n *Node) *Expr {
	var e *Expr
	for _, d := range n.Depends {
		e = w.and(e, w.resolve(d.Expr))
	}
	return e
}

func (w *walker) nodes(file string, ns []*Node, c ctx) {
	t := w.ld.t
	x := w.ld.x
	for _, n := range ns {
		x.file = file
		x.line = n.Range.Start.Line
		switch n.Kind {
		case KindConfig, KindMenuconfig:
			// Symbol and the symbols' slices are for finish.
			d := w.defs.new()
			*d = Def{File: file, Node: n, Dep: w.and(c.dep, w.ownDeps(n)), Parents: c.parents, Choice: c.choice, OnChain: w.onChain}
			for _, r := range n.Selects {
				*w.selects.new() = Edge{From: d, Prop: r, Cond: w.and(d.Dep, w.resolve(r.If))}
			}
			for _, r := range n.Implies {
				*w.implies.new() = Edge{From: d, Prop: r, Cond: w.and(d.Dep, w.resolve(r.If))}
			}
			if n.HasOption("modules") && w.onChain {
				t.Modules = n.Name
			}
		case KindChoice, KindMenu:
			cc := ctx{dep: w.and(c.dep, w.ownDeps(n)), parents: w.parents.push(c.parents, n), choice: c.choice}
			if n.Kind == KindChoice {
				cc.choice = n
			}
			w.nodes(file, n.Children, cc)
		case KindComment:
		case KindIf:
			cc := ctx{dep: w.and(c.dep, w.resolve(n.Cond)), parents: w.parents.push(c.parents, n), choice: c.choice}
			w.nodes(file, n.Children, cc)
		case KindAssign:
			name, _ := x.expand(n.Name, nil, 0)
			x.assign(name, n.Keyword, n.Text)
		case KindMacro:
			x.expand(n.Text, nil, 0)
		case KindSource:
			w.source(file, n, c)
		}
	}
}

// push returns ps followed by n, a new slice cut from c (capacity capped to its length).
func (c *cuts[T]) push(ps []T, n T) []T {
	l := len(ps) + 1
	if cap(c.buf)-len(c.buf) < l {
		c.buf = make([]T, 0, max(l, 256))
	}
	i := len(c.buf)
	c.buf = append(append(c.buf, ps...), n)
	return c.buf[i : i+l : i+l]
}

func (w *walker) source(file string, n *Node, c ctx) {
	t := w.ld.t
	w.ld.x.missing = w.ld.x.missing[:0]
	p, unknown := w.ld.x.expand(n.Text, nil, 0)
	unset := ""
	if len(w.ld.x.missing) > 0 {
		unset = " ($(" + strings.Join(w.ld.x.missing, "), $(") + ") not set)"
	}
	src := w.sources.new()
	*src = Source{File: file, Node: n, Path: p}
	t.Sources = append(t.Sources, src)
	optional := n.Keyword == "osource" || n.Keyword == "orsource"
	if unknown != "" {
		src.Reason = "path is unknown: " + unknown
		w.errorf(file, n.TextRange, "cannot resolve source \""+n.Text+"\": "+unknown)
		return
	}
	if n.Keyword == "rsource" || n.Keyword == "orsource" {
		p = path.Join(path.Dir(file), p)
	}
	p = strings.TrimPrefix(path.Clean(p), "./")
	if path.IsAbs(p) || p == ".." || strings.HasPrefix(p, "../") {
		src.Reason = "path leaves the tree"
		w.errorf(file, n.TextRange, "source \""+p+"\" is outside the tree")
		return
	}
	var targets []string
	if strings.ContainsAny(p, "*?[") { // Kconfiglib-style globbing
		m, _ := filepath.Glob(filepath.Join(w.ld.root, filepath.FromSlash(p)))
		targets = w.targets.push(nil, p)[:0]
		for _, f := range m {
			if r, err := filepath.Rel(w.ld.root, f); err == nil {
				targets = append(targets, filepath.ToSlash(r))
			}
		}
		sort.Strings(targets)
	} else if pf := w.ld.get(p); wait(pf) != nil {
		switch {
		case !errors.Is(pf.err, fs.ErrNotExist):
			src.Reason = pf.err.Error()
			w.errorf(file, n.TextRange, "can't open file \""+p+"\": "+pf.err.Error())
		case !optional:
			src.Reason = "file not found" + unset
			w.errorf(file, n.TextRange, "can't open file \""+p+"\""+unset)
		default:
			src.Reason = "optional file not found"
		}
		return
	} else {
		targets = w.targets.push(nil, p)
	}
	if !w.onChain {
		// Off the chain, follow only files the chain did not read.
		keep := targets[:0]
		for _, f := range targets {
			if p := w.ld.peek(f); p == nil || !p.walked {
				keep = append(keep, f)
			}
		}
		targets = keep
		if len(targets) == 0 {
			targets = nil
			src.Reason = "already read on the source chain"
		}
	}
	src.Targets = targets
	for _, f := range targets {
		w.file(f, c, src, unset)
	}
}

func cmpPos(a, b Pos) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Col - b.Col
}
