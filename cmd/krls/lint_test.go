// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestProgress: the progress line redraws in place and is erased at the end; a run that
// drew nothing erases nothing (the command only draws on a terminal, see runLint).
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	clock := time.Unix(0, 0)
	p := &progress{w: &b, now: func() time.Time { return clock }}
	p.update(1, 5) // the first is drawn
	clock = clock.Add(50 * time.Millisecond)
	p.update(2, 5) // within 100 ms of the last drawn: not drawn
	clock = clock.Add(60 * time.Millisecond)
	p.update(3, 5) // 110 ms after: drawn
	p.update(4, 5) // same instant: not drawn
	p.update(5, 5) // the last is always drawn
	p.clear()
	want := "\rkrls lint: 1/5 files\rkrls lint: 3/5 files\rkrls lint: 5/5 files\r\x1b[K"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var none bytes.Buffer
	(&progress{w: &none}).clear()
	var nilp *progress
	nilp.clear()
	if none.Len() != 0 {
		t.Errorf("clear without update wrote %q", none.String())
	}
}

func TestParseLintFlags(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		paths []string
		err   string
	}{
		{args: []string{"a", "--format", "json", "b"}, paths: []string{"a", "b"}},
		{args: []string{"--", "--format"}, paths: []string{"--format"}},
		{args: []string{"x", "--", "-y"}, paths: []string{"x", "-y"}},
		{args: []string{"--format=yaml"}, err: `--format "yaml"`},
		{args: []string{"--fail-on", "info"}, err: `--fail-on "info"`},
	} {
		f, err := parseLintFlags(tc.args, nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if diff := cmp.Diff(tc.paths, f.paths); diff != "" {
			t.Errorf("%q: paths (-want +got):\n%s", tc.args, diff)
		}
	}
}
