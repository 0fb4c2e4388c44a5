// SPDX-License-Identifier: GPL-2.0-only

package dirent

import (
	"bytes"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

var bufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func read(dir string, fn func(name []byte, typ fs.FileMode)) error {
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer syscall.Close(fd)
	// One buffer per goroutine at a time: a fresh 32 KiB for each of the thousands of
	// folders of a tree was most of the walk's allocations.
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	buf := *bp
	for {
		n, err := syscall.Getdents(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "readdirent", Path: dir, Err: err}
		}
		if n <= 0 {
			return nil
		}
		// struct linux_dirent64: ino u64, off i64, reclen u16, type u8, name (NUL-terminated).
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(*(*uint16)(unsafe.Pointer(&b[16])))
			if reclen < 19 || reclen > len(b) {
				break
			}
			dt := b[18]
			name := b[19:reclen]
			if i := bytes.IndexByte(name, 0); i >= 0 {
				name = name[:i]
			}
			b = b[reclen:]
			if len(name) == 0 || name[0] == '.' && (len(name) == 1 || len(name) == 2 && name[1] == '.') {
				continue
			}
			var typ fs.FileMode
			switch dt {
			case syscall.DT_REG:
			case syscall.DT_DIR:
				typ = fs.ModeDir
			case syscall.DT_LNK:
				typ = fs.ModeSymlink
			case syscall.DT_FIFO:
				typ = fs.ModeNamedPipe
			case syscall.DT_SOCK:
				typ = fs.ModeSocket
			case syscall.DT_CHR:
				typ = fs.ModeDevice | fs.ModeCharDevice
			case syscall.DT_BLK:
				typ = fs.ModeDevice
			default:
				st, err := os.Lstat(dir + "/" + string(name))
				if err != nil {
					continue
				}
				typ = st.Mode().Type()
			}
			fn(name, typ)
		}
	}
}
