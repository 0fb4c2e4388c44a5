// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package cachefile

import "os"

// Stat is the Linux one through os.Stat, without the inode.
func Stat(path string) (Stamp, bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Stamp{}, false, err
	}
	mt := st.ModTime().UnixNano()
	return Stamp{Size: st.Size(), Mtime: mt}, racy(mt), nil
}
