// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"krls.dev/krls/index/kerneltest"
)

// dbFixture returns an Index with every exported field, at every depth, set to a non-zero
// value (TestDBFixtureComplete checks it). The core types are set by hand with realistic
// values; dbFillZero then fills whatever a field added later left zero, so the round trip
// covers new fields without anyone editing this (and fails if their types cannot be encoded).
func dbFixture() *Index {
	ix := dbFixtureCore()
	n := 1
	dbFillZero(reflect.ValueOf(ix).Elem(), &n)
	return ix
}

// dbFillZero sets every zero exported leaf reachable from v to a distinct non-zero value;
// empty slices and maps get one element. Kinds it cannot fill (interfaces, funcs) stay zero.
func dbFillZero(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				dbFillZero(v.Field(i), n)
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		dbFillZero(v.Elem(), n)
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		for i := 0; i < v.Len(); i++ {
			dbFillZero(v.Index(i), n)
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			dbFillZero(v.Index(i), n)
		}
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		if v.Len() == 0 {
			k := reflect.New(v.Type().Key()).Elem()
			dbFillZero(k, n)
			v.SetMapIndex(k, reflect.New(v.Type().Elem()).Elem())
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			dbFillZero(e, n)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.String() == "" {
			v.SetString(fmt.Sprintf("s%d", *n))
		}
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Int() == 0 {
			v.SetInt(int64(*n % 100))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v.Uint() == 0 {
			v.SetUint(uint64(*n % 100))
		}
	case reflect.Float32, reflect.Float64:
		if v.Float() == 0 {
			v.SetFloat(float64(*n) + 0.5)
		}
	}
}

func dbFixtureCore() *Index {
	loc := func(f string, l int) Loc { return Loc{File: f, Start: Pos{l, 4}, End: Pos{l + 2, 1}} }
	return &Index{
		Format:        FormatVersion,
		Root:          "/src/linux",
		Build:         "/build/linux",
		Version:       "6.12.117",
		HelpersLayout: "helpers/",
		Missing:       []string{"rust/uapi/uapi_generated.rs (no build yet)"},
		Problems:      []Problem{{File: "rust/kernel/x.rs", Line: 3, Message: "cannot parse"}},
		Items: []Item{
			{
				Path: "kernel::sync::Mutex", Aliases: []string{"kernel::prelude::Mutex", "kernel::Mutex"},
				Name: "Mutex", Kind: KindStruct, Source: SourceKernel, Sig: "pub struct Mutex<T>",
				Unsafe: true, Doc: "A mutex.\n\n# Examples", Cfg: "CONFIG_NET", Parent: "kernel::sync",
				Trait: "kernel::sync::lock::Backend", LinkName: "rust_helper_x", Generated: true,
				Loc: loc("rust/kernel/sync/lock/mutex.rs", 10),
			},
			{
				Path: "bindings::mutex_lock", Name: "mutex_lock", Kind: KindFn, Source: SourceBindings,
				Sig: "pub fn mutex_lock(lock: *mut mutex)", Unsafe: true, Generated: true,
				Loc: loc("rust/bindings/bindings_generated.rs", 20491),
			},
			{Path: "uapi::ö_ünïcode", Name: "ö_ünïcode", Kind: KindConst, Source: SourceUAPI, Sig: "pub const ö: u32 = 1; 日本 🦀"},
		},
		Helpers: []Helper{{
			Name: "mutex_lock", CName: "rust_helper_mutex_lock", Wraps: "mutex_lock",
			Sig: "void rust_helper_mutex_lock(struct mutex *lock)", Return: "void", Const: true,
			Loc: loc("rust/helpers/mutex.c", 5), Binding: "bindings::mutex_lock",
		}},
		Wrappers: map[string][]Wrapper{
			"bindings::mutex_lock": {{API: "kernel::sync::Mutex::lock", Depth: 2, Via: []string{"kernel::sync::lock::Lock::lock"}, Unsafe: true}},
			"bindings::kfree":      {},
		},
		Modules: []ModuleMacro{{
			Name:    "module",
			Keys:    []ModuleKey{{Name: "type", Required: true, Value: ValueIdent, Doc: "The module type."}},
			Ordered: true,
			Loc:     loc("rust/macros/module.rs", 90),
		}},
		Files: []FileInfo{{Path: "rust/kernel/lib.rs", Generated: true, Size: 1234, ModTime: -1700000000000000000, Hash: "ab12"}},
	}
}

// zeroPaths returns the exported fields reachable from v that are zero, as paths. Slices and
// maps must hold at least one element, and each element is checked.
func zeroPaths(v reflect.Value, path string) []string {
	if v.IsZero() {
		return []string{path}
	}
	var out []string
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				out = append(out, zeroPaths(v.Field(i), path+"."+f.Name)...)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Len() == 0 {
			return []string{path + " (empty)"}
		}
		for i := 0; i < v.Len(); i++ {
			// Elements may leave optional fields empty if another element sets them.
			sub := zeroPaths(v.Index(i), path+"[]")
			if len(sub) == 0 {
				return nil
			}
			if i == 0 {
				out = sub
			} else {
				out = intersect(out, sub)
			}
		}
	case reflect.Map:
		if v.Len() == 0 {
			return []string{path + " (empty)"}
		}
		var acc []string
		for i, k := range v.MapKeys() {
			sub := zeroPaths(v.MapIndex(k), path+"[]")
			if i == 0 {
				acc = sub
			} else {
				acc = intersect(acc, sub)
			}
		}
		out = acc
	case reflect.Pointer:
		out = zeroPaths(v.Elem(), path)
	}
	return out
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// TestDBFixtureComplete fails when a field was added to Index or one of its types without
// being set in dbFixture: set it there, and the round trip shows whether the database keeps it.
func TestDBFixtureComplete(t *testing.T) {
	if z := zeroPaths(reflect.ValueOf(dbFixture()).Elem(), "Index"); len(z) != 0 {
		t.Errorf("fields left zero in dbFixture (set them so the round trip covers them): %v", z)
	}
}

func TestDBFillZero(t *testing.T) {
	type inner struct {
		S string
		M map[string][]int8
	}
	type outer struct {
		P  *inner
		L  []inner
		A  [2]uint16
		F  float32
		B  bool
		X  any
		in int
	}
	var o outer
	n := 1
	dbFillZero(reflect.ValueOf(&o).Elem(), &n)
	if diff := cmp.Diff([]string{"outer.X"}, zeroPaths(reflect.ValueOf(o), "outer")); diff != "" {
		t.Errorf("zero after fill (-want +got):\n%s", diff)
	}
	if o.in != 0 {
		t.Error("filled an unexported field")
	}
}

func TestDBRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dir", "x.idx") // Save creates the folders
	want := dbFixture()
	want.Format = 0 // Save writes FormatVersion whatever the value
	if err := Save(want, path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want = dbFixture()
	want.Finish()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Index{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Load finished the index.
	if it := got.Lookup("kernel::prelude::Mutex"); it == nil || it.Name != "Mutex" {
		t.Errorf("Lookup after Load: %+v", it)
	}
	if h := got.Helper("mutex_lock"); h == nil {
		t.Error("Helper after Load: nil")
	}
	// The empty Index round-trips too, nil stays nil.
	if err := Save(&Index{}, path); err != nil {
		t.Fatal(err)
	}
	got, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Index{Format: FormatVersion}, got, cmpopts.IgnoreUnexported(Index{})); diff != "" {
		t.Errorf("empty round trip (-want +got):\n%s", diff)
	}
}

func TestDBDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	// The same index twice (map order differs between the runs), and an equal one.
	ix := dbFixture()
	if err := Save(ix, a); err != nil {
		t.Fatal(err)
	}
	if err := Save(ix, b); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(dir, "c")
	if err := Save(dbFixture(), c); err != nil {
		t.Fatal(err)
	}
	if dc, _ := os.ReadFile(c); !bytes.Equal(dc, dbMust(os.ReadFile(a))) {
		t.Error("saves of two equal indexes differ")
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("two saves of the same index differ")
	}
}

func dbMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestDBStale(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.idx")
	if err := Save(dbFixture(), good); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(orig)) }
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"header only", orig[:dbHeaderSize]},
		{"short header", orig[:5]},
		{"truncated", orig[:len(orig)/2]},
		{"one byte short", orig[:len(orig)-1]},
		{"trailing garbage", append(bytes.Clone(orig), 0)},
		{"corrupt payload byte", edit(func(b []byte) []byte { b[len(b)-3] ^= 0x40; return b })},
		{"corrupt first payload byte", edit(func(b []byte) []byte { b[dbHeaderSize] ^= 1; return b })},
		{"wrong magic", edit(func(b []byte) []byte { copy(b, "GOBINDEX"); return b })},
		{"wrong version", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], FormatVersion+1); return b })},
		{"wrong schema", edit(func(b []byte) []byte { b[12] ^= 0xff; return b })},
		{"json", []byte(`{"format":1,"items":[]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if err := os.WriteFile(p, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			ix, err := Load(p)
			if !errors.Is(err, ErrStale) || ix != nil {
				t.Errorf("Load = %v, %v; want ErrStale", ix, err)
			}
		})
	}
	_, err = Load(filepath.Join(dir, "missing.idx"))
	if !errors.Is(err, ErrStale) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v; want ErrStale and ErrNotExist", err)
	}
}

// TestDBDecodeBadPayload feeds payloads with a valid header and checksum but a bad body: the
// decoder must fail cleanly, never panic or allocate without bound.
func TestDBDecodeBadPayload(t *testing.T) {
	frame := func(payload []byte) []byte {
		var h [dbHeaderSize]byte
		copy(h[:], dbMagic)
		binary.LittleEndian.PutUint32(h[8:], FormatVersion)
		if _, err := dbIndexCodec(); err != nil {
			t.Fatal(err)
		}
		binary.LittleEndian.PutUint64(h[12:], dbSchemaHash)
		binary.LittleEndian.PutUint64(h[20:], uint64(len(payload)))
		binary.LittleEndian.PutUint32(h[28:], crc32Checksum(payload))
		return append(h[:], payload...)
	}
	tests := map[string][]byte{
		"empty":          {},
		"no strings":     {0},
		"huge table":     {0xff, 0xff, 0xff, 0xff, 0x0f},
		"string past":    {1, 200},
		"huge slice":     {1, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"bad string ref": {1, 0, 0, 9},
	}
	for name, payload := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeIndex(frame(payload)); err == nil {
				t.Error("decodeIndex accepted a bad payload")
			}
		})
	}
	// A valid one still decodes through frame.
	var buf bytes.Buffer
	p := filepath.Join(t.TempDir(), "x")
	if err := Save(dbFixture(), p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	buf.Write(data[dbHeaderSize:])
	if _, err := decodeIndex(frame(buf.Bytes())); err != nil {
		t.Errorf("reframed valid payload: %v", err)
	}
}

// TestDBDecodeMutations decodes a few thousand mutated payloads, each with a valid header and
// checksum, so the decoder itself meets garbage: it must return or fail, never panic.
func TestDBDecodeMutations(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x")
	if err := Save(dbFixture(), p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	base := data[dbHeaderSize:]
	r := rand.New(rand.NewPCG(1, 2))
	failed := 0
	for i := 0; i < 3000; i++ {
		payload := bytes.Clone(base)
		for k := 0; k <= i%4; k++ {
			payload[r.IntN(len(payload))] = byte(r.IntN(256))
		}
		if i%7 == 0 {
			payload = payload[:r.IntN(len(payload))]
		}
		var h [dbHeaderSize]byte
		copy(h[:], dbMagic)
		binary.LittleEndian.PutUint32(h[8:], FormatVersion)
		binary.LittleEndian.PutUint64(h[12:], dbSchemaHash)
		binary.LittleEndian.PutUint64(h[20:], uint64(len(payload)))
		binary.LittleEndian.PutUint32(h[28:], crc32Checksum(payload))
		ix, err := decodeIndex(append(h[:], payload...))
		if err != nil {
			failed++
			continue
		}
		ix.Finish()
		ix.Lookup("bindings::mutex_lock")
		ix.ByName("Mutex")
	}
	if failed == 0 {
		t.Error("no mutation was detected: the decoder checks nothing")
	}
}

func FuzzDBDecode(f *testing.F) {
	p := filepath.Join(f.TempDir(), "x")
	if err := Save(dbFixture(), p); err != nil {
		f.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	f.Add(data[dbHeaderSize:])
	f.Add([]byte{1, 0, 0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		var h [dbHeaderSize]byte
		copy(h[:], dbMagic)
		binary.LittleEndian.PutUint32(h[8:], FormatVersion)
		binary.LittleEndian.PutUint64(h[12:], dbSchemaHash)
		binary.LittleEndian.PutUint64(h[20:], uint64(len(payload)))
		binary.LittleEndian.PutUint32(h[28:], crc32Checksum(payload))
		ix, err := decodeIndex(append(h[:], payload...))
		if err == nil {
			ix.Finish() // a decoded index must be usable
		}
	})
}

// TestDBSaveFailureKeepsOld checks that a Save that fails leaves the old file as it was and no
// temporary file behind.
func TestDBSaveFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.idx")
	if err := Save(dbFixture(), path); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	listDir := func() []string {
		es, _ := os.ReadDir(dir)
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	check := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("Save succeeded, want an error")
		}
		now, _ := os.ReadFile(path)
		if !bytes.Equal(old, now) {
			t.Error("the old file changed")
		}
		if diff := cmp.Diff([]string{"x.idx"}, listDir()); diff != "" {
			t.Errorf("files left in the folder (-want +got):\n%s", diff)
		}
	}

	t.Run("read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			// Root writes into 0555 folders; an immutable folder stops it (ext4, xfs...).
			if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
				t.Skipf("root, and no chattr +i here: %v %s", err, out)
			}
			defer exec.Command("chattr", "-i", dir).Run()
		} else {
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(dir, 0o755)
		}
		check(t, Save(&Index{Version: "new"}, path))
	})
	t.Run("rename fails", func(t *testing.T) {
		// Renaming a file over a non-empty folder fails, also for root: the temporary file is
		// complete at that point, so this is the last step that can fail.
		target := filepath.Join(dir, "folder.idx")
		if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(target)
		err := Save(&Index{Version: "new"}, target)
		if err == nil {
			t.Fatal("Save over a folder succeeded")
		}
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			if strings.HasSuffix(e.Name(), ".tmp") {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		}
	})
	t.Run("folder is a file", func(t *testing.T) {
		check(t, Save(&Index{Version: "new"}, filepath.Join(path, "y.idx")))
	})
}

func TestDBUnencodable(t *testing.T) {
	type withIface struct{ X any }
	type withUnexported struct {
		A string
		b int
	}
	type withFunc struct{ F func() }
	for _, v := range []any{withIface{}, withUnexported{b: 1}, withFunc{}, []chan int{}} {
		if _, err := dbCompile(reflect.TypeOf(v), map[reflect.Type]*dbCodec{}, false); err == nil {
			t.Errorf("%T: compiled, want an error", v)
		}
	}
	// What may come later: pointers, arrays, nested maps, other ints round-trip.
	type later struct {
		P   *Item
		N   *Item
		A   [2]int8
		M   map[int][]map[string]uint16
		F   float64
		B   []byte
		U   uint64
		I64 int64
	}
	c, err := dbCompile(reflect.TypeFor[later](), map[reflect.Type]*dbCodec{}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := later{P: &Item{Name: "x"}, A: [2]int8{-1, 2}, M: map[int][]map[string]uint16{-3: {{"a": 7}, nil}, 4: nil}, F: -1.5, B: []byte{}, U: 1 << 63, I64: -1 << 63}
	e := newDBEncoder(0)
	c.enc(e, reflect.ValueOf(&want).UnsafePointer())
	payload, err := e.payload()
	if err != nil {
		t.Fatal(err)
	}
	d := &dbDecoder{buf: payload}
	d.readStrings()
	var got later
	c.dec(d, reflect.ValueOf(&got).UnsafePointer())
	if d.err != nil || d.pos != len(payload) {
		t.Fatalf("decode: %v at %d of %d", d.err, d.pos, len(payload))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestCachePath(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("KRLS_CACHE_DIR", cache)
	a, err := CachePath("/src/linux", "/build/linux")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(a) != cache || !strings.HasSuffix(a, ".idx") || len(filepath.Base(a)) != 16+len(".idx") {
		t.Errorf("CachePath = %s, want %s/<16 hex>.idx", a, cache)
	}
	b, _ := CachePath("/src/linux", "/build/other")
	c, _ := CachePath("/src/linux/", "/build/linux/.")
	d, _ := CachePath("/src/linux", "")
	e, _ := CachePath("/src/linux", "/src/linux")
	if a == b || a != c || d != e || a == d {
		t.Errorf("keys: a=%s b=%s c=%s d=%s e=%s", a, b, c, d, e)
	}
	// Relative roots are made absolute.
	wd, _ := os.Getwd()
	r1, _ := CachePath(".", ".")
	r2, _ := CachePath(wd, wd)
	if r1 != r2 {
		t.Errorf("relative %s != absolute %s", r1, r2)
	}
	// Without KRLS_CACHE_DIR: the user cache folder.
	t.Setenv("KRLS_CACHE_DIR", "")
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	p, err := CachePath("/src/linux", "/build/linux")
	if err != nil {
		t.Fatal(err)
	}
	uc, _ := os.UserCacheDir()
	if filepath.Dir(p) != filepath.Join(uc, "krls") {
		t.Errorf("CachePath = %s, want under %s/krls", p, uc)
	}
}

// realIndex builds an Index from the three bindgen files of 6.12, about the size of the
// full index.
func realIndex(b testing.TB) *Index {
	root := kerneltest.Tree(b, "6.12")
	ix := &Index{Root: root, Build: root, Version: "6.12", HelpersLayout: "helpers/", Wrappers: map[string][]Wrapper{}}
	for _, f := range bindgenFiles {
		items, probs := ParseBindgen(readTreeFile(b, root, f.rel), f.rel, f.src)
		ix.Items = append(ix.Items, items...)
		ix.Problems = append(ix.Problems, probs...)
		ix.Files = append(ix.Files, FileInfo{Path: f.rel, Generated: true, Size: 1, Hash: "00"})
	}
	for i := range ix.Items {
		if it := &ix.Items[i]; it.Source == SourceHelpers {
			ix.Helpers = append(ix.Helpers, Helper{Name: it.Name, CName: it.LinkName, Wraps: it.Name, Binding: it.Path,
				Sig: "void " + it.LinkName + "(void)", Return: "void", Loc: it.Loc})
			ix.Wrappers[it.Path] = []Wrapper{{API: "kernel::x::" + it.Name, Depth: 1}}
		}
	}
	ix.Finish()
	return ix
}

func TestDBRealRoundTrip(t *testing.T) {
	want := realIndex(t)
	path := filepath.Join(t.TempDir(), "real.idx")
	if err := Save(want, path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want.Format = FormatVersion
	// cmp.Diff takes seconds on 65k items: only for the message.
	exported := func(ix *Index) Index { v := *ix; v.aliases, v.byName, v.helperBy = nil, nil, nil; return v }
	if !reflect.DeepEqual(exported(want), exported(got)) {
		t.Errorf("round trip (-want +got):\n%s", cmp.Diff(want, got, cmpopts.IgnoreUnexported(Index{})))
	}
	if got.Binding("mutex_lock") == nil {
		t.Error("Binding(mutex_lock) = nil after Load")
	}
}

func BenchmarkSave(b *testing.B) {
	ix := realIndex(b)
	path := filepath.Join(b.TempDir(), "real.idx")
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		if err := Save(ix, path); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size()), "file-bytes")
	}
	b.ReportMetric(float64(len(ix.Items)), "items")
}

func BenchmarkLoad(b *testing.B) {
	ix := realIndex(b)
	path := filepath.Join(b.TempDir(), "real.idx")
	if err := Save(ix, path); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFinish(b *testing.B) {
	ix := realIndex(b)
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		ix.Finish()
	}
}

// BenchmarkLoadGob is the alternative Load replaced: encoding/gob of the same Index (kept to
// show why the custom encoding exists).
func BenchmarkLoadGob(b *testing.B) {
	ix := realIndex(b)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(ix); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		var got Index
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&got); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "gob-bytes")
}

func TestIndexLookups(t *testing.T) {
	ix := &Index{
		Items: []Item{
			{Path: "kernel::b::X", Name: "X", Aliases: []string{"kernel::X", "kernel::prelude::X"}},
			{Path: "bindings::mutex_lock", Name: "mutex_lock", Source: SourceBindings},
			{Path: "kernel::a::X", Name: "X", Aliases: []string{"kernel::X", "bindings::mutex_lock"}},
			{Path: "bindings::mutex_lock", Name: "mutex_lock", Source: SourceHelpers},
			{Path: "kernel::c", Name: "c"},
		},
		Helpers: []Helper{{Name: "mutex_lock", CName: "rust_helper_mutex_lock"}},
	}
	if got := ix.ByName("X"); got != nil {
		t.Errorf("ByName before Finish = %v, want nil", got)
	}
	ix.Finish()
	var paths []string
	for _, it := range ix.Items {
		paths = append(paths, it.Path)
	}
	if diff := cmp.Diff([]string{"bindings::mutex_lock", "bindings::mutex_lock", "kernel::a::X", "kernel::b::X", "kernel::c"}, paths); diff != "" {
		t.Errorf("sorted Items (-want +got):\n%s", diff)
	}
	tests := []struct {
		path      string
		wantPath  string
		wantSrc   Source
		wantFound bool
	}{
		{"bindings::mutex_lock", "bindings::mutex_lock", SourceBindings, true}, // first of equals, alias does not shadow
		{"kernel::X", "kernel::a::X", "", true},                                // alias: first item in order
		{"kernel::prelude::X", "kernel::b::X", "", true},
		{"kernel::c", "kernel::c", "", true},
		{"kernel::d", "", "", false},
		{"", "", "", false},
		{"zzz", "", "", false},
	}
	for _, tt := range tests {
		it := ix.Lookup(tt.path)
		if (it != nil) != tt.wantFound || it != nil && (it.Path != tt.wantPath || it.Source != tt.wantSrc) {
			t.Errorf("Lookup(%q) = %+v, want %s %s", tt.path, it, tt.wantPath, tt.wantSrc)
		}
	}
	if it := ix.Binding("mutex_lock"); it == nil || it.Source != SourceBindings {
		t.Errorf("Binding(mutex_lock) = %+v", it)
	}
	var byName []string
	for _, it := range ix.ByName("X") {
		byName = append(byName, it.Path)
	}
	if diff := cmp.Diff([]string{"kernel::a::X", "kernel::b::X"}, byName); diff != "" {
		t.Errorf("ByName(X) (-want +got):\n%s", diff)
	}
	if got := ix.ByName("nothing"); got != nil {
		t.Errorf("ByName(nothing) = %v", got)
	}
	if h := ix.Helper("mutex_lock"); h == nil || h.CName != "rust_helper_mutex_lock" {
		t.Errorf("Helper(mutex_lock) = %+v", h)
	}
	// Finish again (an index re-finished after edits) gives the same answers.
	ix.Finish()
	if it := ix.Lookup("kernel::X"); it == nil || it.Path != "kernel::a::X" {
		t.Errorf("Lookup after a second Finish = %+v", it)
	}
}
