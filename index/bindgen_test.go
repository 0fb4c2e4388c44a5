// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/index/kerneltest"
)

var updateBindgen = flag.Bool("update-bindgen", false, "rewrite the want sections of testdata/bindgen/*.txtar")

// bindgenFiles are the generated files of a tree, with their source and whether the tree has
// them (6.1 has no uapi crate).
var bindgenFiles = []struct {
	rel string
	src Source
}{
	{"rust/bindings/bindings_generated.rs", SourceBindings},
	{"rust/bindings/bindings_helpers_generated.rs", SourceHelpers},
	{"rust/uapi/uapi_generated.rs", SourceUAPI},
}

func readTreeFile(t testing.TB, root, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// bindgenOracle counts the items of a rustfmt-formatted bindgen file line by line with
// regexps, independently of the scanner: it knows only that top-level items start in column 0
// and blocks end with a "}" in column 0.
func bindgenOracle(text string) map[Kind]int {
	var (
		externStart = regexp.MustCompile(`^(unsafe )?extern "C" \{$`)
		structStart = regexp.MustCompile(`^pub (struct|union) \w+(<[^>]*>)? \{$`)
		implStart   = regexp.MustCompile(`^impl(<[^>]*>)? \w+(<[^>]*>)?( \{)?$`)
		externFn    = regexp.MustCompile(`^\s+pub (unsafe |safe )?fn \w+`)
		externStat  = regexp.MustCompile(`^\s+pub (unsafe |safe )?static `)
		field       = regexp.MustCompile(`^    pub \w+:`)
		method      = regexp.MustCompile(`^    pub (const |unsafe )*fn `)
		top         = regexp.MustCompile(`^pub (struct|union|const|type|enum|static) `)
	)
	kinds := map[string]Kind{"struct": KindStruct, "union": KindUnion, "const": KindConst, "type": KindType, "enum": KindEnum, "static": KindStatic}
	counts := map[Kind]int{}
	state := ""
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "}"):
			state = ""
		case externStart.MatchString(line):
			state = "extern"
		case structStart.MatchString(line):
			state = "struct"
		case implStart.MatchString(line):
			state = "impl"
		case state == "extern" && externFn.MatchString(line):
			counts[KindFn]++
		case state == "extern" && externStat.MatchString(line):
			counts[KindStatic]++
		case state == "struct" && field.MatchString(line):
			counts[KindField]++
		case state == "impl" && method.MatchString(line):
			counts[KindMethod]++
		}
		if m := top.FindStringSubmatch(line); m != nil {
			counts[kinds[m[1]]]++
		}
	}
	return counts
}

func kindCounts(items []Item) map[Kind]int {
	m := map[Kind]int{}
	for i := range items {
		m[items[i].Kind]++
	}
	return m
}

// offsets maps a Pos back to a byte offset.
type offsets []int

func lineOffsets(text string) offsets {
	o := offsets{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			o = append(o, i+1)
		}
	}
	return o
}

// off returns the offset of p, or -1 when p is outside text.
func (o offsets) off(text string, p Pos) int {
	if p.Line < 1 || p.Line > len(o) {
		return -1
	}
	end := len(text)
	if p.Line < len(o) {
		end = o[p.Line] - 1
	}
	if p.Col < 0 || o[p.Line-1]+p.Col > end {
		return -1
	}
	return o[p.Line-1] + p.Col
}

// checkLocs checks that every Loc lies within text, with Start <= End.
func checkLocs(t *testing.T, text string, items []Item) {
	t.Helper()
	o := lineOffsets(text)
	bad := 0
	for i := range items {
		it := &items[i]
		s, e := o.off(text, it.Loc.Start), o.off(text, it.Loc.End)
		if s < 0 || e < 0 || s > e {
			if bad++; bad < 10 {
				t.Errorf("%s: Loc %+v outside the input or reversed", it.Path, it.Loc)
			}
		}
	}
}

func TestParseBindgenReal(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			for _, f := range bindgenFiles {
				data, err := os.ReadFile(filepath.Join(root, f.rel))
				if os.IsNotExist(err) && f.src == SourceUAPI && ver == "6.1" {
					continue // the uapi crate came in 6.2
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Run(filepath.Base(f.rel), func(t *testing.T) {
					text := string(data)
					items, probs := ParseBindgen(data, f.rel, f.src)
					if len(probs) != 0 {
						t.Errorf("problems on a real file: %v", probs)
					}
					got := kindCounts(items)
					delete(got, KindVariant) // constified enums: no Rust enums in these files
					if diff := cmp.Diff(bindgenOracle(text), got); diff != "" {
						t.Errorf("item counts (-oracle +got):\n%s", diff)
					}
					checkLocs(t, text, items)
					checkSpans(t, text, items)
					prefix := "bindings::"
					if f.src == SourceUAPI {
						prefix = "uapi::"
					}
					for i := range items {
						it := &items[i]
						if !strings.HasPrefix(it.Path, prefix) || !it.Generated || it.Source != f.src || it.Loc.File != f.rel {
							t.Fatalf("bad common fields: %+v", *it)
						}
						if it.Kind == KindFn && !it.Unsafe {
							t.Errorf("%s: extern fn not unsafe", it.Path)
						}
					}
					if f.src == SourceHelpers {
						checkHelpersFile(t, text, items)
					}
					// Every parent is an item of the file: a struct or union for fields and
					// methods, the type alias of a constified enum for consts.
					// (A path may name a type and a value: struct pv_info and static pv_info.)
					kindOf := map[string][]Kind{}
					for i := range items {
						kindOf[items[i].Path] = append(kindOf[items[i].Path], items[i].Kind)
					}
					want := map[Kind][]Kind{KindField: {KindStruct, KindUnion}, KindMethod: {KindStruct, KindUnion}, KindConst: {KindType}}
					bad := 0
					for i := range items {
						it := &items[i]
						if it.Parent == "" {
							continue
						}
						if pk := kindOf[it.Parent]; !slices.ContainsFunc(pk, func(k Kind) bool { return slices.Contains(want[it.Kind], k) }) {
							if bad++; bad < 5 {
								t.Errorf("%s %s: parent %s is %v", it.Kind, it.Path, it.Parent, pk)
							}
						}
					}
				})
			}
		})
	}
}

var unformattedSig = regexp.MustCompile(` [,;)]| :[^:]|\n`)

// checkSpans checks that the text at each item's Loc is the item: it starts with pub (or the
// name, for variants and tuple fields) and, joined on one line, starts with Sig.
func checkSpans(t *testing.T, text string, items []Item) {
	t.Helper()
	o := lineOffsets(text)
	bad := 0
	for i := range items {
		it := &items[i]
		s, e := o.off(text, it.Loc.Start), o.off(text, it.Loc.End)
		if s < 0 || e < 0 || s > e {
			continue // reported by checkLocs
		}
		// Sig drops the line breaks and trailing commas of rustfmt's multi-line layout, and
		// re-spaces what rustfmt left unformatted (lines too long for it): compare without
		// any white space.
		join := strings.NewReplacer(",)", ")", ",>", ">")
		span := join.Replace(strings.Join(strings.Fields(text[s:e]), ""))
		sig := join.Replace(strings.Join(strings.Fields(it.Sig), ""))
		ok := strings.HasPrefix(span, sig) && sig != ""
		// And it reads as rustfmt writes: no space before , ; ) or a single colon.
		if !strings.Contains(it.Sig, `"`) && unformattedSig.MatchString(it.Sig) {
			ok = false
		}
		switch it.Kind {
		case KindFn, KindConst, KindStatic, KindType:
			ok = ok && strings.HasSuffix(span, ";")
		case KindStruct, KindUnion:
			ok = ok && (strings.HasSuffix(span, "}") || strings.HasSuffix(span, ";"))
		case KindField:
			ok = ok && span == sig
		case KindMethod:
			ok = ok && strings.HasSuffix(span, "}")
		}
		if !ok {
			if bad++; bad < 10 {
				t.Errorf("%s: span %q does not match sig %q", it.Path, trunc(span, 200), it.Sig)
			}
		}
	}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func checkHelpersFile(t *testing.T, text string, items []Item) {
	t.Helper()
	want := strings.Count(text, "#[link_name")
	if len(items) != want {
		t.Errorf("helpers: %d items, want %d (#[link_name lines)", len(items), want)
	}
	for i := range items {
		if it := &items[i]; it.LinkName != "rust_helper_"+it.Name || it.Kind != KindFn {
			t.Errorf("helper %s: kind %s, link name %q", it.Path, it.Kind, it.LinkName)
		}
	}
}

func findItem(items []Item, path string) *Item {
	for i := range items {
		if items[i].Path == path {
			return &items[i]
		}
	}
	return nil
}

// lineOf returns the 1-based line of the first line of text starting with prefix.
func lineOf(t *testing.T, text, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return 0
}

func TestParseBindgenSpotChecks(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	data := readTreeFile(t, root, "rust/bindings/bindings_generated.rs")
	text := string(data)
	items, _ := ParseBindgen(data, "rust/bindings/bindings_generated.rs", SourceBindings)

	// An extern fn.
	l := lineOf(t, text, "    pub fn mutex_lock(")
	want := Item{
		Path: "bindings::mutex_lock", Name: "mutex_lock", Kind: KindFn, Source: SourceBindings,
		Sig: "pub fn mutex_lock(lock: *mut mutex)", Unsafe: true, Generated: true,
		Loc: Loc{File: "rust/bindings/bindings_generated.rs", Start: Pos{l, 4}, End: Pos{l, 40}},
	}
	if diff := cmp.Diff(&want, findItem(items, "bindings::mutex_lock")); diff != "" {
		t.Errorf("mutex_lock (-want +got):\n%s", diff)
	}

	// A multi-line extern fn comes out on one line.
	if it := findItem(items, "bindings::ftrace_likely_update"); it == nil ||
		it.Sig != "pub fn ftrace_likely_update(f: *mut ftrace_likely_data, val: ffi::c_int, expect: ffi::c_int, is_constant: ffi::c_int)" {
		t.Errorf("ftrace_likely_update: %+v", it)
	}

	// A struct's fields, in order, as the text lists them.
	var wantFields, gotFields []string
	start := lineOf(t, text, "pub struct mutex {")
	for _, l := range strings.Split(text, "\n")[start:] {
		if l == "}" {
			break
		}
		wantFields = append(wantFields, "bindings::mutex::"+strings.TrimSuffix(strings.Fields(l)[1], ":"))
	}
	for i := range items {
		if items[i].Parent == "bindings::mutex" && items[i].Kind == KindField {
			gotFields = append(gotFields, items[i].Path)
		}
	}
	if diff := cmp.Diff(wantFields, gotFields); diff != "" || len(wantFields) == 0 {
		t.Errorf("fields of mutex (-want +got):\n%s", diff)
	}
	if it := findItem(items, "bindings::mutex::owner"); it == nil || it.Sig != "pub owner: atomic_long_t" {
		t.Errorf("mutex::owner: %+v", it)
	}

	// A bitfield setter: the first `pub fn set_` of an inherent impl after a struct.
	m := regexp.MustCompile(`(?m)^impl (\w+) \{\n(?:    .*\n|    \n)*?    pub fn (set_\w+)(\(&mut self, val: [^)]*\))`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no bitfield setter in the file")
	}
	it := findItem(items, "bindings::"+m[1]+"::"+m[2])
	if it == nil || it.Kind != KindMethod || it.Parent != "bindings::"+m[1] || it.Sig != "pub fn "+m[2]+m[3] || it.Unsafe {
		t.Errorf("bitfield setter %s::%s: %+v", m[1], m[2], it)
	}

	// A constified enum value belongs to its type alias.
	if it := findItem(items, "bindings::irqreturn_IRQ_HANDLED"); it == nil || it.Kind != KindConst || it.Parent != "bindings::irqreturn" ||
		it.Sig != "pub const irqreturn_IRQ_HANDLED: irqreturn = 1" {
		t.Errorf("irqreturn_IRQ_HANDLED: %+v", it)
	}
	// pub use self::irqreturn as irqreturn_t.
	if it := findItem(items, "bindings::irqreturn"); it == nil || it.Kind != KindType || !cmp.Equal(it.Aliases, []string{"bindings::irqreturn_t"}) {
		t.Errorf("irqreturn: %+v", it)
	}
	// An extern static.
	if it := findItem(items, "bindings::saved_command_line"); it == nil || it.Kind != KindStatic || !it.Unsafe ||
		it.Sig != "pub static mut saved_command_line: *mut ffi::c_char" {
		t.Errorf("saved_command_line: %+v", it)
	}
	// A const whose value rustfmt put on the next line.
	if it := findItem(items, "bindings::CONFIG_BINDGEN_VERSION_TEXT"); it == nil || !strings.HasPrefix(it.Sig, `pub const CONFIG_BINDGEN_VERSION_TEXT: &[u8; 41usize] = b"bindgen`) {
		t.Errorf("CONFIG_BINDGEN_VERSION_TEXT: %+v", it)
	}

	// rustfmt leaves items it cannot fit in its width as bindgen wrote them, "NAME : T = 3 ;";
	// Sig reads as formatted anyway.
	m = regexp.MustCompile(`(?m)^pub const (\w+) : (\w+) = (\d+) ;$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no unformatted const in the file")
	}
	if it := findItem(items, "bindings::"+m[1]); it == nil || it.Sig != "pub const "+m[1]+": "+m[2]+" = "+m[3] {
		t.Errorf("unformatted const %s: %+v", m[1], it)
	}

	// uapi.
	udata := readTreeFile(t, root, "rust/uapi/uapi_generated.rs")
	uitems, _ := ParseBindgen(udata, "rust/uapi/uapi_generated.rs", SourceUAPI)
	if it := findItem(uitems, "uapi::IOC_IN"); it == nil || it.Sig != "pub const IOC_IN: u32 = 1073741824" || it.Source != SourceUAPI {
		t.Errorf("uapi::IOC_IN: %+v", it)
	}
	if it := findItem(uitems, "uapi::file_handle::f_handle"); it == nil || it.Parent != "uapi::file_handle" || it.Sig != "pub f_handle: __IncompleteArrayField<ffi::c_uchar>" {
		t.Errorf("uapi::file_handle::f_handle: %+v", it)
	}

	// Helpers.
	hdata := readTreeFile(t, root, "rust/bindings/bindings_helpers_generated.rs")
	hitems, _ := ParseBindgen(hdata, "rust/bindings/bindings_helpers_generated.rs", SourceHelpers)
	if it := findItem(hitems, "bindings::mutex_lock"); it == nil || it.LinkName != "rust_helper_mutex_lock" || it.Source != SourceHelpers || it.Sig != "pub fn mutex_lock(lock: *mut mutex)" {
		t.Errorf("helper mutex_lock: %+v", it)
	}
}

// TestParseBindgenParallel runs the three files of 6.12 at once and compares with sequential
// runs (go test -race makes this a data race check).
func TestParseBindgenParallel(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	type result struct {
		items []Item
		probs []Problem
	}
	var seq, par [3]result
	datas := make([][]byte, 3)
	for i, f := range bindgenFiles {
		datas[i] = readTreeFile(t, root, f.rel)
		seq[i].items, seq[i].probs = ParseBindgen(datas[i], f.rel, f.src)
	}
	var wg sync.WaitGroup
	for i, f := range bindgenFiles {
		wg.Go(func() { par[i].items, par[i].probs = ParseBindgen(datas[i], f.rel, f.src) })
	}
	wg.Wait()
	for i := range seq {
		if diff := cmp.Diff(seq[i], par[i], cmp.AllowUnexported(result{})); diff != "" {
			t.Errorf("%s: parallel run differs:\n%s", bindgenFiles[i].rel, diff)
		}
	}
}

// formatItems renders items and problems for the txtar fixtures, one per line.
func formatItems(items []Item, probs []Problem) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%s %s %d:%d-%d:%d | %s", it.Kind, it.Path, it.Loc.Start.Line, it.Loc.Start.Col, it.Loc.End.Line, it.Loc.End.Col, it.Sig)
		if it.Unsafe {
			b.WriteString(" | unsafe")
		}
		if it.Parent != "" {
			b.WriteString(" | parent=" + it.Parent)
		}
		if it.LinkName != "" {
			b.WriteString(" | link_name=" + it.LinkName)
		}
		if len(it.Aliases) > 0 {
			b.WriteString(" | aliases=" + strings.Join(it.Aliases, ","))
		}
		if it.Doc != "" {
			b.WriteString(" | doc=" + fmt.Sprintf("%q", it.Doc))
		}
		b.WriteByte('\n')
	}
	for _, p := range probs {
		fmt.Fprintf(&b, "problem %d: %s\n", p.Line, p.Message)
	}
	return b.String()
}

// TestParseBindgenFixtures runs testdata/bindgen/*.txtar: input.rs (the file; its name says
// the source: a uapi_ prefix for SourceUAPI) and want (formatItems). -update-bindgen rewrites
// want; review the diff.
func TestParseBindgenFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/bindgen/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var input []byte
			src := SourceBindings
			want, wantIdx := "", -1
			for i, f := range ar.Files {
				switch {
				case f.Name == "want":
					want, wantIdx = string(f.Data), i
				case strings.HasSuffix(f.Name, ".rs"):
					input = f.Data
					if strings.HasPrefix(f.Name, "uapi") {
						src = SourceUAPI
					} else if strings.Contains(f.Name, "helpers") {
						src = SourceHelpers
					}
				}
			}
			items, probs := ParseBindgen(input, "input.rs", src)
			checkLocs(t, string(input), items)
			got := formatItems(items, probs)
			if *updateBindgen {
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					wantIdx = len(ar.Files) - 1
				}
				ar.Files[wantIdx].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBgOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pub fn a(x: u32) -> u32", "pub fn a(x: u32) -> u32"},
		{"pub fn a(\n    x: u32,\n    y: u32,\n) -> u32", "pub fn a(x: u32, y: u32) -> u32"},
		{"pub type t = ::core::option::Option<\n    unsafe extern \"C\" fn(\n        a: u32,\n    ) -> u32,\n>", "pub type t = ::core::option::Option<unsafe extern \"C\" fn(a: u32) -> u32>"},
		{"pub const X: &[u8; 3usize] =\n    b\"ab\\0\"", "pub const X: &[u8; 3usize] = b\"ab\\0\""},
		{"pub fn a(\r\n    x: u32,\r\n)", "pub fn a(x: u32)"},
	}
	for _, tt := range tests {
		if got := bgOneLine(tt.in); got != tt.want {
			t.Errorf("bgOneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBgTidy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pub fn list_add (new : * mut list_head , head : * mut list_head)", "pub fn list_add(new: *mut list_head, head: *mut list_head)"},
		{"pub fn kfree (p : * const core :: ffi :: c_void)", "pub fn kfree(p: *const core::ffi::c_void)"},
		{"pub next : * mut list_head", "pub next: *mut list_head"},
		{"pub const MAX : i32 = - 1", "pub const MAX: i32 = -1"},
		{"pub const S : & [u8 ; 3usize] = b\"a ,\\0\"", "pub const S: &[u8; 3usize] = b\"a ,\\0\""},
		{"pub f : :: core :: option :: Option < unsafe extern \"C\" fn (x : u32 , ...) -> u32 >", "pub f: ::core::option::Option<unsafe extern \"C\" fn(x: u32, ...) -> u32>"},
		{"pub fn bug (x : u32) -> !", "pub fn bug(x: u32) -> !"},
		{"pub _bitfield_1 : __BindgenBitfieldUnit < [u8 ; 4usize] >", "pub _bitfield_1: __BindgenBitfieldUnit<[u8; 4usize]>"},
		{"pub fn get (& self , index : usize) -> bool", "pub fn get(&self, index: usize) -> bool"},
		{"pub fn set (& mut self , val : u32)", "pub fn set(&mut self, val: u32)"},
	}
	for _, tt := range tests {
		if got := bgTidy(tt.in); got != tt.want {
			t.Errorf("bgTidy(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		// Tidy text stays as it is: bgTidy agrees with rustfmt's spacing.
		if got := bgTidy(tt.want); got != tt.want {
			t.Errorf("bgTidy(%q) = %q, want it unchanged", tt.want, got)
		}
	}
}

func FuzzParseBindgen(f *testing.F) {
	files, _ := filepath.Glob("testdata/bindgen/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, af := range ar.Files {
			if strings.HasSuffix(af.Name, ".rs") {
				f.Add(af.Data)
			}
		}
	}
	f.Add([]byte("extern \"C\" {\n    pub fn a(x: u32) -> u32;\n}\npub struct s { pub a: u32 }\n"))
	f.Add([]byte("pub const A: &[u8; 2usize] = b\"a\\0\"; /* x"))
	f.Add([]byte("impl<'a> X<'a> { pub fn f(&self) -> char { 'x' } }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, probs := ParseBindgen(data, "f.rs", SourceBindings)
		text := string(data)
		o := lineOffsets(text)
		for i := range items {
			it := &items[i]
			s, e := o.off(text, it.Loc.Start), o.off(text, it.Loc.End)
			if s < 0 || e < 0 || s > e {
				t.Fatalf("%s: Loc %+v outside the input", it.Path, it.Loc)
			}
			if it.Name == "" || it.Path == "" {
				t.Fatalf("item without a name: %+v", *it)
			}
		}
		for _, p := range probs {
			if p.Line < 1 || p.Line > len(o) {
				t.Fatalf("problem line %d outside the input", p.Line)
			}
		}
	})
}

func BenchmarkParseBindgen(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	var datas [][]byte
	for _, f := range bindgenFiles {
		data := readTreeFile(b, root, f.rel)
		datas = append(datas, data)
		b.Run(filepath.Base(f.rel), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			defer bgBenchCPU(b)()
			for b.Loop() {
				ParseBindgen(data, f.rel, f.src)
			}
		})
	}
	// A calibration point for shared machines: one plain byte loop over the biggest file, the
	// least any scanner must do. Compare the scanner's time with it rather than with a number.
	b.Run("calibrate-byte-loop", func(b *testing.B) {
		b.SetBytes(int64(len(datas[0])))
		defer bgBenchCPU(b)()
		n := 0
		for b.Loop() {
			for _, c := range datas[0] {
				if c == '\n' || c == '{' {
					n++
				}
			}
		}
		if n == 0 {
			b.Fatal("no lines")
		}
	})
	// The three files in parallel, as the indexer runs them.
	b.Run("all-parallel", func(b *testing.B) {
		b.ReportAllocs()
		defer bgBenchCPU(b)()
		for b.Loop() {
			var wg sync.WaitGroup
			for i, f := range bindgenFiles {
				wg.Go(func() { ParseBindgen(datas[i], f.rel, f.src) })
			}
			wg.Wait()
		}
	})
}

// bgBenchCPU reports the CPU time (user+system, all threads, GC included) per op besides the
// wall time: on a shared machine the wall time mostly measures the wait for a core. Use as
// defer bgBenchCPU(b)().
func bgBenchCPU(b *testing.B) func() {
	start := bgCPUTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(bgCPUTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func bgCPUTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
