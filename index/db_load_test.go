// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// dbSaveLoad saves ix and loads it back.
func dbSaveLoad(t *testing.T, ix *Index) *Index {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.idx")
	if err := Save(ix, path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// dbCapNotLen lists the slices reachable from v whose capacity is not their length.
func dbCapNotLen(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				out = append(out, dbCapNotLen(v.Field(i), path+"."+v.Type().Field(i).Name)...)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			out = append(out, dbCapNotLen(v.Elem(), path)...)
		}
	case reflect.Slice:
		if v.Cap() != v.Len() {
			out = append(out, fmt.Sprintf("%s: len %d cap %d", path, v.Len(), v.Cap()))
		}
		for i := 0; i < v.Len(); i++ {
			out = append(out, dbCapNotLen(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			out = append(out, dbCapNotLen(it.Value(), fmt.Sprintf("%s[%v]", path, it.Key()))...)
		}
	}
	return out
}

// TestDBCarvedSlices checks that the small slices Load carves from shared chunks are their
// own: capacity = length everywhere, and an append to one leaves its neighbours alone.
func TestDBCarvedSlices(t *testing.T) {
	ix := &Index{Wrappers: map[string][]Wrapper{}}
	for i := range 50 {
		ix.Items = append(ix.Items, Item{Path: fmt.Sprintf("kernel::a::X%02d", i), Name: fmt.Sprintf("X%02d", i),
			Aliases: []string{fmt.Sprintf("kernel::X%02d", i), fmt.Sprintf("kernel::prelude::X%02d", i)}})
		ix.Wrappers[fmt.Sprintf("bindings::f%02d", i)] = []Wrapper{{API: "kernel::a", Depth: 2, Via: []string{fmt.Sprintf("kernel::v%d", i)}}}
	}
	ix.CrateFiles = []*CrateFile{{Path: "a.rs", Uses: []FileUse{{}}}, {Path: "b.rs", Uses: []FileUse{{}}}}
	ix.Finish()
	got := dbSaveLoad(t, ix)
	if bad := dbCapNotLen(reflect.ValueOf(got).Elem(), "Index"); len(bad) != 0 {
		t.Errorf("slices with spare capacity after Load: %v", bad)
	}
	want := slices.Clone(got.Items[1].Aliases)
	got.Items[0].Aliases = append(got.Items[0].Aliases, "kernel::appended")
	got.Wrappers["bindings::f00"][0].Via = append(got.Wrappers["bindings::f00"][0].Via, "kernel::appended")
	if diff := cmp.Diff(want, got.Items[1].Aliases); diff != "" {
		t.Errorf("an append to Items[0].Aliases changed Items[1].Aliases (-want +got):\n%s", diff)
	}
	if v := got.Wrappers["bindings::f01"][0].Via; len(v) != 1 || v[0] != "kernel::v1" {
		t.Errorf("an append to one Via changed another: %q", v)
	}
	got.CrateFiles[0].Path = "changed.rs"
	if got.CrateFiles[1].Path != "b.rs" {
		t.Errorf("CrateFiles share memory: %q", got.CrateFiles[1].Path)
	}
}

// TestDBEmptyAndNil checks that Load keeps nil and empty apart at every level, for the
// slices it carves and those it allocates whole.
func TestDBEmptyAndNil(t *testing.T) {
	ix := &Index{
		Missing:  []string{},
		Items:    []Item{{Path: "a", Aliases: []string{}}, {Path: "b"}},
		Helpers:  []Helper{},
		Wrappers: map[string][]Wrapper{"bindings::x": {}, "bindings::y": nil, "bindings::z": {{API: "kernel::z", Via: []string{}}}},
		Modules:  []ModuleMacro{{Name: "module", Keys: []ModuleKey{}}},
		Files:    nil,
	}
	got := dbSaveLoad(t, ix)
	want := *ix
	want.Format = FormatVersion
	// cmp tells nil from empty, which is the point here.
	if diff := cmp.Diff(&want, got, cmpopts.IgnoreUnexported(Index{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got.Items[0].Aliases == nil || got.Items[1].Aliases != nil || got.Files != nil || got.Wrappers["bindings::y"] != nil {
		t.Error("nil and empty slices mixed up")
	}
}

// TestDBStringTable covers the string references: empty strings, lengths of one, two and three
// varint bytes, and a table of more than 2 MB (offsets of four bytes).
func TestDBStringTable(t *testing.T) {
	ix := &Index{}
	for i := range 2500 {
		ix.Items = append(ix.Items, Item{
			Path:   fmt.Sprintf("kernel::p%05d", i),
			Sig:    strings.Repeat(fmt.Sprintf("sig %d ", i), 150), // ~1.2 KB each, distinct
			Doc:    strings.Repeat("d", i%300),                     // lengths around 128
			Kind:   KindFn,
			Parent: "",
		})
	}
	ix.Items[7].Doc = strings.Repeat("long ", 40000) // a 3-byte length
	ix.Finish()
	got := dbSaveLoad(t, ix)
	want := *ix
	want.Format = FormatVersion
	if diff := cmp.Diff(&want, got, cmpopts.IgnoreUnexported(Index{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDBHugeBytes(t *testing.T) {
	for _, n := range []int{0, 1, 4095, dbHugePage - 1, dbHugePage, 5*dbHugePage + 3} {
		b := dbHugeBytes(n)
		if len(b) != n || cap(b) != n {
			t.Errorf("dbHugeBytes(%d): len %d cap %d", n, len(b), cap(b))
			continue
		}
		if n == 0 {
			continue
		}
		if p := uintptr(unsafe.Pointer(&b[0])); dbHugePages && n >= dbHugePage && p%dbHugePage != 0 {
			t.Errorf("dbHugeBytes(%d) at %#x, not on a huge page boundary", n, p)
		}
		if b[0] != 0 || b[n-1] != 0 {
			t.Errorf("dbHugeBytes(%d) not zeroed", n)
		}
		b[0], b[n-1] = 1, 1 // writable
	}
}
