// SPDX-License-Identifier: GPL-2.0-only

package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

func frame(body string) string {
	return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// readAll reads every message of input; it returns the methods read and the error codes
// written back.
func readAll(t testing.TB, input string) (methods []string, codes []int) {
	var out bytes.Buffer
	s := NewStream(strings.NewReader(input), &out, nil, zap.NewNop())
	for i := 0; ; i++ {
		msg, _, err := s.Read(context.Background())
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "EOF") {
				t.Fatalf("read error: %v", err)
			}
			break
		}
		if r, ok := msg.(jsonrpc2.Request); ok {
			methods = append(methods, r.Method())
		}
		if i > len(input)+2 {
			t.Fatal("Read does not make progress")
		}
	}
	rest := out.String()
	for rest != "" {
		head, body, ok := strings.Cut(rest, "\r\n\r\n")
		if !ok {
			t.Fatalf("bad output frame %q", rest)
		}
		n, err := strconv.Atoi(strings.TrimPrefix(head, "Content-Length: "))
		if err != nil || n > len(body) {
			t.Fatalf("bad output header %q", head)
		}
		var reply struct {
			ID    *int `json:"id"`
			Error struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(body[:n]), &reply); err != nil || reply.ID != nil {
			t.Fatalf("bad error reply %q", body[:n])
		}
		codes = append(codes, reply.Error.Code)
		rest = body[n:]
	}
	return methods, codes
}

func TestStream(t *testing.T) {
	ok := frame(`{"jsonrpc":"2.0","method":"ok"}`)
	tests := []struct {
		name    string
		input   string
		methods []string
		codes   []int
	}{
		{"two frames", ok + ok, []string{"ok", "ok"}, nil},
		{"lower-case header and Content-Type", "content-length: 31\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + `{"jsonrpc":"2.0","method":"ok"}`, []string{"ok"}, nil},
		{"blank lines between frames", ok + "\r\n\r\n" + ok, []string{"ok", "ok"}, nil},
		{"invalid JSON", frame(`{"jsonrpc":`) + ok, []string{"ok"}, []int{-32700}},
		{"not a message", frame(`42`) + ok, []string{"ok"}, []int{-32600}},
		{"bad length then resync", "Content-Length: x\r\n\r\n{\"a\":1}" + ok, []string{"ok"}, []int{-32700}},
		{"missing length then resync", "Foo: bar\r\n\r\n{}" + ok, []string{"ok"}, []int{-32700}},
		{"short length", "Content-Length: 3\r\n\r\n" + `{"jsonrpc":"2.0","method":"lost"}` + ok, []string{"ok"}, []int{-32700, -32700}},
		{"too long", "Content-Length: 999999999999\r\n\r\n" + ok, []string{"ok"}, []int{-32700}},
		{"method not a string", frame(`{"jsonrpc":"2.0","id":1,"method":5}`) + ok, []string{"ok"}, []int{-32600}},
		{"id too big", frame(`{"jsonrpc":"2.0","id":99999999999,"method":"x"}`) + ok, []string{"ok"}, []int{-32600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			methods, codes := readAll(t, tt.input)
			if diff := cmp.Diff(tt.methods, methods); diff != "" {
				t.Errorf("methods (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.codes, codes); diff != "" {
				t.Errorf("error codes (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzStream: any input ends in EOF without a panic, and every reply written is a frame.
func FuzzStream(f *testing.F) {
	for _, s := range []string{frame(`{"jsonrpc":"2.0","method":"ok"}`), "Content-Length: 3\r\n\r\n{}}", "garbage\n\n", "Content-Length: -1\r\n\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		readAll(t, input)
	})
}
