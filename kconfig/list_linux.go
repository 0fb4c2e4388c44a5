// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

// listKconfig calls visit with the path relative to root (slash-separated) of every regular
// file named Kconfig* under root, skipping hidden folders below the root and unreadable ones,
// not following symbolic links: what filepath.WalkDir gives (list_other.go), without a
// DirEntry and a sort for each of the 90,000 entries of a full tree, of which two thousand
// are wanted. The order of the calls is unspecified.
func listKconfig(root string, visit func(rel string)) {
	st, err := os.Lstat(root)
	if err != nil || !st.IsDir() {
		return
	}
	buf := make([]byte, 32<<10)
	var walk func(dir, rel string)
	walk = func(dir, rel string) {
		var subdirs []string
		fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		for err == syscall.EINTR {
			fd, err = syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
		}
		if err != nil {
			return
		}
		for {
			n, err := syscall.Getdents(fd, buf)
			if err == syscall.EINTR {
				continue
			}
			if err != nil || n <= 0 {
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
				if len(name) == 0 || name[0] == '.' && (len(name) == 1 || len(name) == 2 && name[1] == '.') {
					continue
				}
				if typ == syscall.DT_UNKNOWN {
					var st syscall.Stat_t
					if syscall.Lstat(filepath.Join(dir, string(name)), &st) != nil {
						continue
					}
					switch st.Mode & syscall.S_IFMT {
					case syscall.S_IFDIR:
						typ = syscall.DT_DIR
					case syscall.S_IFREG:
						typ = syscall.DT_REG
					}
				}
				switch {
				case typ == syscall.DT_DIR && name[0] != '.':
					subdirs = append(subdirs, string(name))
				case typ == syscall.DT_REG && bytes.HasPrefix(name, []byte("Kconfig")):
					visit(joinRel(rel, string(name)))
				}
			}
		}
		syscall.Close(fd)
		for _, s := range subdirs {
			walk(filepath.Join(dir, s), joinRel(rel, s))
		}
	}
	walk(root, "")
}

func joinRel(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}
