// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"io/fs"
	"syscall"
)

// readFile is os.ReadFile with bare system calls: open, fstat, read, close. os.ReadFile adds an
// fcntl and an epoll registration attempt per file, which on a loaded VM cost as much as the
// read itself, and a tree has two thousand Kconfig files. Errors are os.ReadFile's.
func readFile(p string) ([]byte, error) { return readFileInto(p, nil) }

// readFileInto is readFile into buf's memory when it is large enough (the result then
// aliases buf), else into a new slice.
func readFileInto(p string, buf []byte) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(p, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	defer syscall.Close(fd)
	size := 0
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG && st.Size < 1<<30 {
		size = int(st.Size)
	}
	size++ // one byte more, to see the end without a second read
	if size < 512 {
		size = 512
	}
	data := buf[:0]
	if cap(data) < size {
		data = make([]byte, 0, size)
	}
	for {
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return data, &fs.PathError{Op: "read", Path: p, Err: err}
		}
		if n <= 0 {
			return data, nil
		}
		data = data[:len(data)+n]
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}
