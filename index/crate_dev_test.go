// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestDevDump(t *testing.T) {
	root := os.Getenv("KRLS_DEV_TREE")
	if root == "" {
		t.Skip()
	}
	t0 := time.Now()
	res := IndexCrates(root, nil)
	fmt.Println("time", time.Since(t0), "items", len(res.Items), "files", len(res.Files), "wrappers", len(res.Wrappers))
	for _, p := range res.Problems {
		fmt.Println("problem", p)
	}
	for _, b := range []string{"mutex_lock", "spin_lock", "_printk", "krealloc", "refcount_inc", "wake_up_process", "queue_work_on", "rb_insert_color", "release_firmware", "phy_read_paged", "get_current", "kmap_local_page"} {
		ws := res.Wrappers["bindings::"+b]
		fmt.Println("==", b)
		for i, w := range ws {
			if i > 4 {
				break
			}
			fmt.Printf("   %s d=%d unsafe=%v via=%v\n", w.API, w.Depth, w.Unsafe, w.Via)
		}
	}
	if os.Getenv("KRLS_DEV_ITEMS") != "" {
		for _, it := range res.Items {
			fmt.Printf("%s %s %q aliases=%v cfg=%q\n", it.Kind, it.Path, it.Sig, it.Aliases, it.Cfg)
		}
	}
}
