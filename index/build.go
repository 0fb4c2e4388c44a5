// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// The generated files bindgen writes, relative to the build tree, and what they hold.
var generatedFiles = []struct {
	Rel    string
	Source Source
	Hint   string
}{
	{"rust/bindings/bindings_generated.rs", SourceBindings, "not generated yet: run `make LLVM=1 prepare` (or pass --build DIR for an O= build)"},
	{"rust/bindings/bindings_helpers_generated.rs", SourceHelpers, "not generated yet: bindings:: helpers come from the C helper files alone"},
	{"rust/uapi/uapi_generated.rs", SourceUAPI, "not generated yet (or this kernel has no uapi crate)"},
}

// maxGenerated bounds the size of a generated file the indexer reads; bindgen output of a
// full allmodconfig build is about 20 MB.
const maxGenerated = 256 << 20

// Build indexes the tree. prev, when not nil, is an earlier index of the same tree: files whose
// content hash is unchanged are not parsed again. Build never fails on a missing or half-built
// tree: what is absent is listed in Index.Missing and what is unreadable in Index.Problems.
func Build(ctx context.Context, t *Tree, prev *Index) (*Index, error) {
	if t == nil || t.Root == "" {
		return nil, errors.New("index: no kernel tree")
	}
	build := t.Build
	if build == "" {
		build = t.Root
	}
	ix := &Index{
		Format:   FormatVersion,
		Root:     t.Root,
		Build:    build,
		Version:  t.Version,
		Missing:  append([]string(nil), t.Missing...),
		Wrappers: map[string][]Wrapper{},
	}
	var prevFiles map[string]FileInfo
	if prev != nil && prev.Root == ix.Root && prev.Build == ix.Build {
		prevFiles = make(map[string]FileInfo, len(prev.Files))
		for _, f := range prev.Files {
			prevFiles[fileKey(f.Path, f.Generated)] = f
		}
	} else {
		prev = nil
	}
	// The items of the unchanged generated files, taken from prev in one pass (prev.Items
	// is sorted, so each file's share is too).
	var prevGen [][]int32
	if prev != nil {
		prevGen = generatedItemsOf(prev)
	}

	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		genItems = make([][]Item, len(generatedFiles))
		genPerm  = make([][]int32, len(generatedFiles))
		files    []FileInfo
		problems []Problem
		missing  []string
	)
	addProblems := func(ps []Problem) {
		mu.Lock()
		problems = append(problems, ps...)
		mu.Unlock()
	}

	// The bindgen outputs: one goroutine each; an unchanged file keeps its items. Those parsed
	// afresh share one slab of Items, sized once every file is read and counted, so that the
	// sorted Items can be gathered in it rather than copied to a new 16 MB slice.
	var (
		est     = make([]int, len(generatedFiles))
		counted sync.WaitGroup
		slabs   = sync.OnceValues(func() ([]Item, [][]Item) { return newSlab(est) })
	)
	counted.Add(len(generatedFiles))
	for i, g := range generatedFiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			countDone := sync.OnceFunc(counted.Done)
			defer countDone()
			abs := filepath.Join(build, filepath.FromSlash(g.Rel))
			old, haveOld := prevFiles[fileKey(g.Rel, true)]
			// Unchanged size and time: the file is what prev read (as Open judges it too).
			if st, err := os.Stat(abs); err == nil && haveOld && st.Mode().IsRegular() && st.Size() == old.Size && st.ModTime().UnixNano() == old.ModTime {
				mu.Lock()
				files = append(files, old)
				mu.Unlock()
				genItems[i], genPerm[i] = prev.Items, prevGen[i]
				return
			}
			data, info, err := readFile(abs, maxGenerated)
			if err != nil {
				mu.Lock()
				// Kernels before 6.2 have no uapi crate: nothing is missing there.
				noCrate := g.Source == SourceUAPI && !fileExists(filepath.Join(t.Root, "rust", "uapi"))
				switch {
				case noCrate:
				case errors.Is(err, fs.ErrNotExist):
					missing = append(missing, g.Rel+": "+g.Hint)
				default:
					problems = append(problems, Problem{File: g.Rel, Message: err.Error()})
				}
				mu.Unlock()
				return
			}
			fi := fileInfo(g.Rel, true, info, data)
			mu.Lock()
			files = append(files, fi)
			mu.Unlock()
			if haveOld && old.Hash == fi.Hash {
				genItems[i], genPerm[i] = prev.Items, prevGen[i]
				return
			}
			if len(data) == 0 {
				return
			}
			// data is this goroutine's and never written: the items may point into it.
			text := unsafe.String(&data[0], len(data))
			est[i] = bindgenEstimate(text)
			countDone()
			counted.Wait()
			_, shares := slabs()
			items, ps := parseBindgenInto(text, g.Rel, g.Source, shares[i])
			genItems[i], genPerm[i] = items, pathOrder(items)
			addProblems(ps)
		}()
	}

	// The kernel and macros crates, with the wrapper map.
	var (
		crates    *CrateResult
		cratePerm []int32
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		var prevCrate map[string]*CrateFile
		if prev != nil {
			prevCrate = make(map[string]*CrateFile, len(prev.CrateFiles))
			for _, cf := range prev.CrateFiles {
				prevCrate[cf.Path] = cf
			}
		}
		crates = IndexCrates(t.Root, prevCrate)
		cratePerm = pathOrder(crates.Items)
	}()

	// The C helpers and the module macro schemas: small, parsed every time.
	var (
		helpers     []Helper
		layout      string
		helperFiles []string
		modules     []ModuleMacro
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ps []Problem
		helpers, layout, helperFiles, ps = ParseHelpers(t.Root)
		addProblems(ps)
	}()
	var moduleProblems []Problem
	wg.Add(1)
	go func() {
		defer wg.Done()
		modules, moduleProblems = ParseModuleMacros(t.Root)
	}()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	problems = append(problems, moduleProblems...)

	ix.HelpersLayout = layout
	ix.Helpers = helpers
	ix.Modules = modules
	if layout == "" {
		missing = append(missing, "rust/helpers.c or rust/helpers/: no C helpers in this tree")
	}
	// The parts in the order a stable sort of their concatenation keeps for equal paths.
	var (
		parts [][]Item
		perms [][]int32
	)
	if crates != nil {
		parts, perms = append(parts, crates.Items), append(perms, cratePerm)
		ix.CrateFiles = crates.Files
		ix.Wrappers = crates.Wrappers
		problems = append(problems, crates.Problems...)
		for _, cf := range crates.Files {
			fi := FileInfo{Path: cf.Path, Hash: cf.Hash}
			if info, err := os.Stat(filepath.Join(t.Root, filepath.FromSlash(cf.Path))); err == nil {
				fi.Size, fi.ModTime = info.Size(), info.ModTime().UnixNano()
			}
			files = append(files, fi)
		}
		if len(crates.Files) == 0 {
			missing = append(missing, "rust/kernel/lib.rs: no kernel crate in this tree")
		}
	}
	haveHelperBindings := false
	for i, items := range genItems {
		parts, perms = append(parts, items), append(perms, genPerm[i])
		if generatedFiles[i].Source == SourceHelpers && partLen(items, genPerm[i]) > 0 {
			haveHelperBindings = true
		}
	}
	// Without bindings_helpers_generated.rs the helper files alone still yield bindings::X.
	if !haveHelperBindings {
		hi := helperItems(helpers)
		parts, perms = append(parts, hi), append(perms, pathOrder(hi))
	}
	// Merging the sorted parts gives Items in the order Finish wants, in one copy: sorting
	// the 65000 items of 6.12 together cost more than parsing the bindings. When the bindgen
	// items were parsed into one slab, they are sorted in it instead (gatherItems).
	if slices.ContainsFunc(est, func(e int) bool { return e > 0 }) { // a slab was made
		slab, _ := slabs()
		ix.Items = gatherItems(slab, parts, perms)
	}
	if ix.Items == nil {
		ix.Items = mergeItems(parts, perms)
	}
	for _, rel := range helperFiles {
		abs := filepath.Join(t.Root, filepath.FromSlash(rel))
		if data, info, err := readFile(abs, maxGenerated); err == nil {
			files = append(files, fileInfo(rel, false, info, data))
		}
	}
	if m := filepath.Join(t.Root, "rust", "macros", "module.rs"); fileExists(m) {
		if data, info, err := readFile(m, maxGenerated); err == nil {
			files = append(files, fileInfo("rust/macros/module.rs", false, info, data))
		}
	}
	sort.Slice(files, func(i, j int) bool {
		return fileKey(files[i].Path, files[i].Generated) < fileKey(files[j].Path, files[j].Generated)
	})
	ix.Files = dedupFiles(files)
	sort.Strings(missing)
	ix.Missing = append(ix.Missing, missing...)
	ix.Problems = problems
	ix.Finish()
	return ix, nil
}

// helperItems turns the C helpers into bindings::X items, for trees whose helper bindings
// were not generated yet.
func helperItems(hs []Helper) []Item {
	out := make([]Item, 0, len(hs))
	for _, h := range hs {
		kind := KindFn
		if h.Const {
			kind = KindConst
		}
		out = append(out, Item{
			Path:     "bindings::" + h.Name,
			Name:     h.Name,
			Kind:     kind,
			Source:   SourceHelpers,
			Sig:      h.Sig,
			Unsafe:   !h.Const,
			LinkName: h.CName,
			Doc:      fmt.Sprintf("C helper `%s` (wraps `%s`); the generated Rust binding is not built yet.", h.CName, h.Wraps),
			Loc:      h.Loc,
		})
	}
	return out
}

// generatedItemsOf returns, for each of generatedFiles, the indexes in prev.Items of the items
// that came from it, in prev's order (sorted by path, as prev.Items is): mergeItems reads them
// from prev.Items without a copy per file.
func generatedItemsOf(prev *Index) [][]int32 {
	out := make([][]int32, len(generatedFiles))
	for i := range out {
		out[i] = []int32{} // not nil: nil means all of the part
	}
	for i := range prev.Items {
		it := &prev.Items[i]
		if !it.Generated {
			continue
		}
		for w, g := range generatedFiles {
			if it.Loc.File == g.Rel {
				out[w] = append(out[w], int32(i))
				break
			}
		}
	}
	return out
}

// partLen is the number of items of a part of mergeItems.
func partLen(part []Item, perm []int32) int {
	if perm != nil {
		return len(perm)
	}
	return len(part)
}

// pathOrder returns the permutation that sorts items by Path stably, or nil when they are
// sorted already. It sorts small records of the first 16 bytes of each path after the part's
// common prefix ("bindings::", "kernel::"), so most comparisons are two integer compares on
// contiguous memory instead of string compares through the 250-byte Items.
func pathOrder(items []Item) []int32 {
	sorted := true
	for i := 1; i < len(items); i++ {
		if items[i].Path < items[i-1].Path {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	lcp := len(items[0].Path)
	for i := 1; i < len(items) && lcp > 0; i++ {
		p := items[i].Path
		if len(p) < lcp {
			lcp = len(p)
		}
		for j := 0; j < lcp; j++ {
			if p[j] != items[0].Path[j] {
				lcp = j
				break
			}
		}
	}
	type rec struct {
		hi, lo uint64
		i      int32
	}
	recs := make([]rec, len(items))
	for i := range items {
		p := items[i].Path[lcp:]
		recs[i] = rec{pathKey(p), pathKey(p[min(8, len(p)):]), int32(i)}
	}
	slices.SortFunc(recs, func(a, b rec) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		if a.lo != b.lo {
			return cmp.Compare(a.lo, b.lo)
		}
		if c := strings.Compare(items[a.i].Path, items[b.i].Path); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	perm := make([]int32, len(items))
	for i, r := range recs {
		perm[i] = r.i
	}
	return perm
}

// pathKey is the first 8 bytes of s, big endian, zero padded: ordered as the strings are
// (a shorter string is padded with zero bytes, which sort first; paths hold no NUL).
func pathKey(s string) uint64 {
	var k uint64
	for i := 0; i < 8; i++ {
		k <<= 8
		if i < len(s) {
			k |= uint64(s[i])
		}
	}
	return k
}

// mergeItems merges parts, each the items its perm lists in that order (nil: the whole part
// as it is), into one slice sorted by Path; equal paths keep the order of the parts. That is
// the stable sort of the parts' concatenation. Two goroutines share the copy (16 MB for 6.12):
// one merges the paths below a pivot, the other the rest.
func mergeItems(parts [][]Item, perms [][]int32) []Item {
	n := 0
	size := make([]int, len(parts))
	for k, p := range parts {
		size[k] = partLen(p, perms[k])
		n += size[k]
	}
	if n == 0 {
		return nil
	}
	get := func(k, i int) *Item {
		if perms[k] != nil {
			return &parts[k][perms[k][i]]
		}
		return &parts[k][i]
	}
	out := make([]Item, n)
	adviseHugeItems(out)
	lo := make([]int, len(parts))
	if n < mergeSplitMin {
		mergeRange(get, lo, size, func(o, k, i int) { out[o] = *get(k, i) })
		return out
	}
	// The pivot is the middle path of the largest part; each part splits where its paths
	// reach it.
	big := 0
	for k := range parts {
		if size[k] > size[big] {
			big = k
		}
	}
	pivot := get(big, size[big]/2).Path
	mid := make([]int, len(parts))
	below := 0
	for k := range parts {
		mid[k] = sort.Search(size[k], func(i int) bool { return get(k, i).Path >= pivot })
		below += mid[k]
	}
	var wg sync.WaitGroup
	wg.Go(func() { mergeRange(get, mid, size, func(o, k, i int) { out[below+o] = *get(k, i) }) })
	mergeRange(get, lo, mid, func(o, k, i int) { out[o] = *get(k, i) })
	wg.Wait()
	return out
}

// slabReserve is the room a bindgen slab keeps for the crate and helper items.
const slabReserve = 4096

// newSlab returns one slab of Items for the bindgen outputs, with room for est[i] items of
// each and slabReserve more, and each output's share of it (empty, with that capacity).
func newSlab(est []int) ([]Item, [][]Item) {
	total := slabReserve
	for _, e := range est {
		total += e
	}
	slab := make([]Item, total)
	adviseHugeItems(slab)
	shares := make([][]Item, len(est))
	off := 0
	for i, e := range est {
		shares[i] = slab[off : off : off+e]
		off += e
	}
	return slab, shares
}

// gatherItems is mergeItems without a new slice: it sorts the items into slab, in place,
// when the parts that are not in slab (crate and helper items, or parts grown past their
// share) fit into its spare room. Parts in slab are moved along permutation cycles; the
// others are copied in last. It returns nil when they do not fit.
func gatherItems(slab []Item, parts [][]Item, perms [][]int32) []Item {
	n := 0
	size := make([]int, len(parts))
	for k, p := range parts {
		size[k] = partLen(p, perms[k])
		n += size[k]
	}
	if n == 0 || n > len(slab) {
		return nil
	}
	// The slab index of each part's first item, or -1 for a part elsewhere.
	base := uintptr(unsafe.Pointer(unsafe.SliceData(slab)))
	end := base + uintptr(len(slab))*unsafe.Sizeof(Item{})
	at := make([]int, len(parts))
	for k, p := range parts {
		at[k] = -1
		if len(p) == 0 {
			continue
		}
		if a := uintptr(unsafe.Pointer(unsafe.SliceData(p))); a >= base && a < end {
			at[k] = int((a - base) / unsafe.Sizeof(Item{}))
		}
	}
	idx := func(k, i int) int {
		if perms[k] != nil {
			return int(perms[k][i])
		}
		return i
	}
	// dst[q] is where the item at slab[q] goes (-1: no item there, or moved already);
	// ext lists the items from elsewhere, copied after the moves.
	dst := make([]int32, len(slab))
	for i := range dst {
		dst[i] = -1
	}
	type extItem struct {
		o    int
		k, i int
	}
	var ext []extItem
	mergeRange(func(k, i int) *Item { return &parts[k][idx(k, i)] }, make([]int, len(parts)), size, func(o, k, i int) {
		if at[k] >= 0 {
			dst[at[k]+idx(k, i)] = int32(o)
		} else {
			ext = append(ext, extItem{o, k, idx(k, i)})
		}
	})
	for q := range dst {
		d := dst[q]
		if d < 0 {
			continue
		}
		dst[q] = -1
		if int(d) == q {
			continue
		}
		tmp := slab[q]
		for {
			nd := dst[d]
			if nd < 0 {
				slab[d] = tmp
				break
			}
			dst[d] = -1
			slab[d], tmp = tmp, slab[d]
			d = nd
		}
	}
	for _, e := range ext {
		slab[e.o] = parts[e.k][e.i]
	}
	clear(slab[n:])
	return slab[:n]
}

// adviseHugeItems asks the kernel to back a large slab of Items with huge pages, as Load's
// slabs are (dbSlab): the 16 MB of 6.12's Items are 4,000 page faults in 4 KiB pages.
func adviseHugeItems(items []Item) {
	if size := uintptr(cap(items)) * unsafe.Sizeof(Item{}); dbHugePages && size >= 2*dbHugePage {
		dbAdviseHuge(unsafe.Pointer(unsafe.SliceData(items)), size)
	}
}

// mergeSplitMin is the size from which mergeItems uses two goroutines (a variable for tests).
var mergeSplitMin = 4096

// mergeRange merges items from..to of each part: emit(o, k, i) says that the o-th item of
// the merge is get(k, i).
func mergeRange(get func(k, i int) *Item, from, to []int, emit func(o, k, i int)) {
	at := append([]int(nil), from...)
	o := 0
	for {
		best := -1
		var bestItem *Item
		for k := range at {
			if at[k] == to[k] {
				continue
			}
			if it := get(k, at[k]); best < 0 || it.Path < bestItem.Path {
				best, bestItem = k, it
			}
		}
		if best < 0 {
			return
		}
		// Copy the run of best up to the smallest other head; on equal paths the earlier
		// part goes first.
		limit, limitK := "", -1
		for k := range at {
			if k != best && at[k] < to[k] {
				if p := get(k, at[k]).Path; limitK < 0 || p < limit {
					limit, limitK = p, k
				}
			}
		}
		for at[best] < to[best] {
			it := get(best, at[best])
			if limitK >= 0 && (it.Path > limit || it.Path == limit && limitK < best) {
				break
			}
			emit(o, best, at[best])
			o++
			at[best]++
		}
	}
}

func fileKey(path string, generated bool) string {
	if generated {
		return "build:" + path
	}
	return "src:" + path
}

func dedupFiles(fs []FileInfo) []FileInfo {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && fileKey(f.Path, f.Generated) == fileKey(fs[i-1].Path, fs[i-1].Generated) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func fileInfo(rel string, generated bool, info fs.FileInfo, data []byte) FileInfo {
	sum := sha256.Sum256(data)
	return FileInfo{Path: rel, Generated: generated, Size: info.Size(), ModTime: info.ModTime().UnixNano(), Hash: hex.EncodeToString(sum[:])}
}

// readFile reads a regular file of at most limit bytes.
func readFile(path string, limit int64) ([]byte, fs.FileInfo, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s: not a regular file", path)
	}
	if info.Size() > limit {
		return nil, nil, fmt.Errorf("%s: %d bytes, larger than the %d the indexer reads", path, info.Size(), limit)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if strings.IndexByte(string(data[:min(len(data), 8192)]), 0) >= 0 {
		return nil, nil, fmt.Errorf("%s: binary file", path)
	}
	return data, info, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Status says how Open obtained the index.
type Status struct {
	From    string   // "database", "refreshed", "built"
	Changed []string // files re-indexed on refresh
	DB      string   // the database file
	Note    string   // why the database was not used, when it was not
}

// Open returns the index of the tree: loaded from the database when every file it read is
// unchanged, refreshed (only the changed files re-parsed) when some changed, built from scratch
// when there is no usable database. The database is written back when anything changed.
// dbPath "" means CachePath(tree).
func Open(ctx context.Context, t *Tree, dbPath string, rebuild bool) (*Index, Status, error) {
	var st Status
	if dbPath == "" {
		p, err := CachePath(t.Root, t.Build)
		if err != nil {
			return nil, st, err
		}
		dbPath = p
	}
	st.DB = dbPath
	var prev *Index
	if !rebuild {
		ix, err := Load(dbPath)
		switch {
		case err == nil && ix.Root == t.Root && (ix.Build == t.Build || t.Build == ""):
			changed := ix.Changed()
			if len(changed) == 0 && sameStrings(ix.Missing, freshMissing(ix, t)) {
				st.From = "database"
				return ix, st, nil
			}
			prev, st.Changed = ix, changed
		case err == nil:
			st.Note = "database is of another tree"
		case errors.Is(err, fs.ErrNotExist):
			st.Note = "no database yet"
		default:
			st.Note = err.Error()
		}
	}
	ix, err := Build(ctx, t, prev)
	if err != nil {
		return nil, st, err
	}
	st.From = "built"
	if prev != nil {
		st.From = "refreshed"
	}
	if err := Save(ix, dbPath); err != nil {
		st.Note = strings.TrimSpace(st.Note + "; database not written: " + err.Error())
	}
	return ix, st, nil
}

// freshMissing recomputes which generated files are absent, so that a build that appeared
// since the database was written is noticed.
func freshMissing(ix *Index, t *Tree) []string {
	var gone []string
	for _, m := range ix.Missing {
		rel, _, _ := strings.Cut(m, ":")
		if strings.HasPrefix(rel, "rust/") && fileExists(filepath.Join(ix.Build, filepath.FromSlash(rel))) {
			continue // it exists now
		}
		gone = append(gone, m)
	}
	return gone
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Changed returns the files the index read that changed since (size and time first, then the
// content hash), and those that disappeared.
func (ix *Index) Changed() []string {
	var out []string
	for _, f := range ix.Files {
		base := ix.Root
		if f.Generated {
			base = ix.Build
		}
		abs := filepath.Join(base, filepath.FromSlash(f.Path))
		info, err := os.Stat(abs)
		if err != nil {
			out = append(out, f.Path)
			continue
		}
		if info.Size() == f.Size && info.ModTime().UnixNano() == f.ModTime {
			continue
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			out = append(out, f.Path)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != f.Hash {
			out = append(out, f.Path)
		}
	}
	return out
}
