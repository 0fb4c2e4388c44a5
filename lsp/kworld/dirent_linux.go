// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"bytes"
	"io/fs"
	"path/filepath"
	"sort"
	"syscall"
	"unsafe"
)

// rustNames returns the sorted names of the entries of dir that end in .rs and are not folders
// (symbolic links are not followed), as a filter over os.ReadDir would (dirent_other.go), with
// getdents: the Kconfig checks list the folder of every Kconfig file, most of them large and
// without a Rust file, and os.ReadDir builds and sorts an entry for each name.
func rustNames(dir string) ([]string, error) {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer syscall.Close(fd)
	var out []string
	var buf [16 << 10]byte
	for {
		n, err := syscall.Getdents(fd, buf[:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: dir, Err: err}
		}
		if n <= 0 {
			break
		}
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 19 || reclen > len(b) {
				break
			}
			typ := b[18]
			name := b[19:reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			b = b[reclen:]
			if !bytes.HasSuffix(name, []byte(".rs")) {
				continue
			}
			if typ == syscall.DT_UNKNOWN {
				var st syscall.Stat_t
				if syscall.Lstat(filepath.Join(dir, string(name)), &st) != nil {
					continue
				}
				if st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
					typ = syscall.DT_DIR
				}
			}
			if typ != syscall.DT_DIR {
				out = append(out, string(name))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
