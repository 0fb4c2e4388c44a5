// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"os"
	"strings"
	"syscall"
	"unsafe"
)

// dbHugePages says dbAdviseHuge does something here: not when the user asked Go to keep its
// heap off huge pages (GODEBUG=disablethp=1, which Go reads the same way: last setting wins).
var dbHugePages = func() bool {
	on := true
	for _, kv := range strings.Split(os.Getenv("GODEBUG"), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == "disablethp" {
			on = v != "1"
		}
	}
	return on
}()

// dbAdviseHuge asks the kernel to back the memory [p, p+n) with transparent huge pages when it
// is first touched (madvise MADV_HUGEPAGE; the usual THP setting is "madvise", under which
// Go's heap gets none). Load writes a 16 MB slab of Items and reads a 6 MB file into fresh
// memory: in 4 KiB pages that is 5,000 page faults, which on a VM cost more than decoding.
// The hint only changes how the pages are backed, never their contents; it fails quietly
// where THP is off. The range must be memory the caller owns: it is rounded inwards to pages.
func dbAdviseHuge(p unsafe.Pointer, n uintptr) {
	const page = 4096
	beg := (uintptr(p) + page - 1) &^ (page - 1)
	end := (uintptr(p) + n) &^ (page - 1)
	if beg >= end {
		return
	}
	// Ignore the error: EINVAL without CONFIG_TRANSPARENT_HUGEPAGE, and nothing to do about it.
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, syscall.MADV_HUGEPAGE)
}
