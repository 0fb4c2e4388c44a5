// SPDX-License-Identifier: GPL-2.0-only

//go:build !linux

package lint

import (
	"io"
	"os"
)

func readRegular(p string, limit int64, _ []byte, skip func(head []byte) bool) ([]byte, error) {
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
		b, err = b[:n], nil
	}
	if err == nil && skip != nil && int64(len(b)) > generatedPeek && skip(b[:min(len(b), 256)]) {
		return nil, errSkipped
	}
	return b, err
}
