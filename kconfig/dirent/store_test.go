// SPDX-License-Identifier: GPL-2.0-only

package dirent

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ago sets the times of p to d ago: stamps older than the racy window are trusted.
func ago(t *testing.T, p string, d time.Duration) {
	t.Helper()
	when := time.Now().Add(-d)
	if err := os.Chtimes(p, when, when); err != nil {
		t.Fatal(err)
	}
}

// A saved snapshot gives the listings of unchanged folders without reading them, and reads
// again a folder that gained an entry, a folder too recent to vouch for, and a replaced one.
func TestSnapshotStore(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	for _, d := range []string{a, b} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "x.rs"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		ago(t, d, time.Hour)
	}
	store := filepath.Join(t.TempDir(), "cache", "t.dirs")
	read := func(s *Snapshot, dir string) []string {
		got, err := listWith(t, s.Read, dir)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	s, err := LoadSnapshot(store)
	if err == nil {
		t.Error("no error for a missing store")
	}
	read(s, a)
	read(s, b)
	if !s.Changed() {
		t.Fatal("first run: nothing to save")
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}

	// Unchanged: both from the store, nothing to save.
	s, err = LoadSnapshot(store)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"x.rs ----------"}, read(s, a)); diff != "" {
		t.Errorf("a from the store (-want +got):\n%s", diff)
	}
	read(s, b)
	if s.Changed() {
		t.Error("unchanged folders were read again")
	}

	// a gains an entry (its time changes, as any creation does; set in the past so that it
	// is not merely racy): read again, and saved.
	if err := os.WriteFile(filepath.Join(a, "y.rs"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ago(t, a, 30*time.Minute)
	s, _ = LoadSnapshot(store)
	if diff := cmp.Diff([]string{"x.rs ----------", "y.rs ----------"}, read(s, a)); diff != "" {
		t.Errorf("a after a change (-want +got):\n%s", diff)
	}
	if !s.Changed() {
		t.Error("a changed folder came from the store")
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}

	// b changed just now: read again, and not saved (racy), so read again next time too.
	if err := os.WriteFile(filepath.Join(b, "z.rs"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for run := 0; run < 2; run++ {
		s, _ = LoadSnapshot(store)
		if got := read(s, b); len(got) != 2 {
			t.Errorf("run %d: b lists %v", run, got)
		}
		if !s.Changed() {
			t.Errorf("run %d: a racy folder came from the store", run)
		}
		read(s, a)
		if err := s.Save(); err != nil {
			t.Fatal(err)
		}
	}

	// b replaced by another folder with the same time: a new inode, read again.
	if err := os.RemoveAll(b); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(b, 0o755); err != nil {
		t.Fatal(err)
	}
	ago(t, b, time.Hour)
	s, _ = LoadSnapshot(store)
	if got := read(s, b); len(got) != 0 {
		t.Errorf("replaced b lists %v", got)
	}

	// A damaged store is an empty snapshot.
	if err := os.WriteFile(store, []byte("KRLSDIR\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = LoadSnapshot(store)
	if err == nil {
		t.Error("no error for a damaged store")
	}
	if got := read(s, a); len(got) != 2 || !s.Changed() {
		t.Errorf("damaged store: a lists %v, changed %v", got, s.Changed())
	}
}
