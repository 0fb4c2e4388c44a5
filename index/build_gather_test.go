// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGatherItems checks the in-place gather of Build against mergeItems, on parts with
// equal paths, some in a slab (with gaps between their shares) and some elsewhere.
func TestGatherItems(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for round := 0; round < 500; round++ {
		nparts := 1 + r.Intn(5)
		est := make([]int, nparts)
		inSlab := make([]bool, nparts)
		for k := range est {
			inSlab[k] = r.Intn(3) > 0
			if inSlab[k] {
				est[k] = r.Intn(30)
			}
		}
		slab, shares := newSlab(est)
		slab = slab[:len(slab)-slabReserve+r.Intn(40)] // a small reserve, sometimes too small
		var parts [][]Item
		var perms [][]int32
		for k := range est {
			var part []Item
			if inSlab[k] {
				part = shares[k]
			}
			n := r.Intn(25)
			if inSlab[k] && r.Intn(4) > 0 {
				n = r.Intn(est[k] + 1) // fits its share
			}
			for i := 0; i < n; i++ {
				part = append(part, Item{Path: string(rune('a' + r.Intn(6))), Name: string(rune('A' + k)), Sig: strings.Repeat("x", i)})
			}
			parts = append(parts, part)
			perms = append(perms, pathOrder(part))
		}
		// mergeItems reads the parts, which gatherItems overwrites: compute it first, from
		// copies.
		var copies [][]Item
		for _, p := range parts {
			copies = append(copies, append([]Item(nil), p...))
		}
		want := mergeItems(copies, perms)
		got := gatherItems(slab, parts, perms)
		n := 0
		for k := range parts {
			n += len(parts[k])
		}
		if n > len(slab) || n == 0 {
			if got != nil {
				t.Fatalf("round %d: %d items do not fit %d, got %d", round, n, len(slab), len(got))
			}
			continue
		}
		if got == nil {
			t.Fatalf("round %d: %d items fit %d, got nil", round, n, len(slab))
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("round %d: gather differs from merge (-want +got):\n%s", round, d)
		}
		for _, it := range slab[n:] {
			if it.Path != "" {
				t.Fatalf("round %d: stale item %+v past the end", round, it)
			}
		}
	}
}
