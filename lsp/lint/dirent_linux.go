// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"io/fs"
	"syscall"
)

// On Linux the walk and the reads use the system calls directly: os.Open registers every
// file and folder with the runtime poller (an fcntl and an epoll_ctl each), which cost as
// much as the reads themselves on a 90,000-entry kernel tree.

func openRead(p string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC|flags, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// readRegular reads the regular file p whole, refusing special files (a FIFO would block)
// and files over limit. The errors are those of os.ReadFile (*fs.PathError), or errNotRegular
// and errTooLarge.
//
// The bytes go into buf when it is large enough (the result then aliases it).
//
// With skip, the head of a large file is read first and the read stops with errSkipped when
// skip says so.
func readRegular(p string, limit int64, buf []byte, skip func(head []byte) bool) ([]byte, error) {
	fd, err := openRead(p, syscall.O_NONBLOCK)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, &notRegular{mode: modeOf(st.Mode)}
	}
	if st.Size > limit {
		return nil, &tooLarge{size: st.Size}
	}
	off := 0
	if st.Size > generatedPeek && skip != nil {
		// A large file may be generated (the bindgen outputs are megabytes): its head says so
		// before the rest is read.
		var head [256]byte
		n, err := readFull(fd, head[:])
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if skip(head[:n]) {
			return nil, errSkipped
		}
		if int64(cap(buf)) < st.Size {
			buf = make([]byte, st.Size)
		}
		buf = buf[:st.Size]
		off = copy(buf, head[:n])
		if n < len(head) {
			return buf[:off], nil
		}
	} else if int64(cap(buf)) >= st.Size {
		buf = buf[:st.Size]
	} else {
		buf = make([]byte, st.Size)
	}
	for off < len(buf) {
		n, err := syscall.Read(fd, buf[off:])
		if err == syscall.EINTR || err == syscall.EAGAIN {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if n == 0 {
			return buf[:off], nil // shrank while reading
		}
		off += n
	}
	return buf, nil
}

func modeOf(m uint32) fs.FileMode {
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	}
	return 0
}

// lintName is Lang(name) != "" on the bytes of a base name.
func lintName(b []byte) bool {
	n := len(b)
	switch {
	case n >= 3 && b[n-3] == '.' && b[n-2] == 'r' && b[n-1] == 's':
		return true
	case n >= 7 && string(b[:7]) == "Kconfig":
		return n == 7 || b[7] == '.'
	case n == 8:
		return string(b) == "Makefile"
	case n == 6:
		return string(b) == "Kbuild"
	}
	return false
}

// readFull reads into b until it is full or the file ends.
func readFull(fd int, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := syscall.Read(fd, b[n:])
		if err == syscall.EINTR || err == syscall.EAGAIN {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return n, nil
}
