// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package lint

import (
	"io"
	"os"
)

func listDir(p string) ([]dirent, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	out := make([]dirent, 0, len(ents))
	for _, e := range ents {
		out = append(out, dirent{name: e.Name(), typ: e.Type()})
	}
	return out, err
}

func readRegular(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &notRegular{mode: st.Mode().Type()}
	}
	if st.Size() > limit {
		return nil, &tooLarge{size: st.Size()}
	}
	b := make([]byte, st.Size())
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF {
		return b[:n], nil
	}
	return b, err
}
