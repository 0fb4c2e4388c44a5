// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"context"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

// TestMergeItems checks the merge of Build against the stable sort of the concatenation,
// which is what Finish used to do, on parts with many equal paths.
func TestMergeItems(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	defer func(m int) { mergeSplitMin = m }(mergeSplitMin)
	for round := 0; round < 400; round++ {
		mergeSplitMin = []int{0, 1 << 30}[round%2] // with and without the split
		var parts [][]Item
		var perms [][]int32
		var all []Item
		for k := r.Intn(5); k >= 0; k-- {
			var part []Item
			for i := r.Intn(20); i > 0; i-- {
				part = append(part, Item{Path: string(rune('a' + r.Intn(6))), Name: string(rune('A' + len(all)%26)), Sig: strings.Repeat("x", len(parts))})
				all = append(all, part[len(part)-1])
			}
			if r.Intn(3) == 0 {
				slices.SortStableFunc(part, func(a, b Item) int { return strings.Compare(a.Path, b.Path) })
				copy(all[len(all)-len(part):], part)
			}
			parts = append(parts, part)
			perms = append(perms, pathOrder(part))
		}
		want := slices.Clone(all)
		slices.SortStableFunc(want, func(a, b Item) int { return strings.Compare(a.Path, b.Path) })
		if len(want) == 0 {
			want = nil
		}
		if diff := cmp.Diff(want, mergeItems(parts, perms)); diff != "" {
			t.Fatalf("round %d: mergeItems (-want +got):\n%s", round, diff)
		}
	}
}

// TestBuildReuseSame6_12: a Build that reuses every file of a previous one (the generated
// files through their size and time, the crate files through their hash) gives the items of
// a build from scratch, in the same order.
func TestBuildReuseSame6_12(t *testing.T) {
	tr, err := Locate(LocateOptions{Kernel: kerneltest.Tree(t, "6.12")})
	if err != nil {
		t.Fatal(err)
	}
	cold, err := Build(context.Background(), tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Build(context.Background(), tr, cold)
	if err != nil {
		t.Fatal(err)
	}
	if len(cold.Items) != len(again.Items) {
		t.Fatalf("%d items reused, %d from scratch", len(again.Items), len(cold.Items))
	}
	for i := range cold.Items {
		if !reflect.DeepEqual(cold.Items[i], again.Items[i]) {
			t.Fatalf("item %d differs (-scratch +reused):\n%s", i, cmp.Diff(cold.Items[i], again.Items[i]))
		}
	}
	if diff := cmp.Diff(cold.Files, again.Files); diff != "" {
		t.Errorf("files (-scratch +reused):\n%s", diff)
	}
}
