// SPDX-License-Identifier: GPL-2.0-only

package cachefile

import "syscall"

// Stat returns the stamp of path, following symbolic links, and whether it is racy (too
// recent to vouch for the content). One system call, no allocation.
func Stat(path string) (Stamp, bool, error) {
	var st syscall.Stat_t
	for {
		err := syscall.Stat(path, &st)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return Stamp{}, false, err
		}
		break
	}
	mt := int64(st.Mtim.Sec)*1e9 + int64(st.Mtim.Nsec) // int32 fields on some 32-bit systems
	return Stamp{Ino: uint64(st.Ino), Size: int64(st.Size), Mtime: mt}, racy(mt), nil
}
