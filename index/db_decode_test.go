// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDBDecode is Load without the file system: checksum and decoding of the 6.12
// bindgen index from memory, the part of Load that is CPU rather than page faults.
func BenchmarkDBDecode(b *testing.B) {
	path := filepath.Join(b.TempDir(), "real.idx")
	if err := Save(realIndex(b), path); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		if _, err := decodeIndex(data); err != nil {
			b.Fatal(err)
		}
	}
}
