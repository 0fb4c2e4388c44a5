// SPDX-License-Identifier: GPL-2.0-only

// Package lsptest is a fake editor for tests of the language server: it speaks the base
// protocol over any reader and writer (in-process pipes or the pipes of the real binary),
// checks that every byte the server writes is a well-formed frame holding a JSON-RPC 2.0
// message, answers the server's requests, and offers barriers (wait for a reply, wait for a
// notification matching a predicate) so tests never sleep.
package lsptest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// Message is one JSON-RPC message from the server.
type Message struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   *Error           `json:"error,omitempty"`
	// Raw is the body as it came.
	Raw json.RawMessage `json:"-"`
}

// Error is a JSON-RPC error object.
type Error struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Client is the fake editor.
type Client struct {
	w      io.Writer
	wmu    sync.Mutex
	mu     sync.Mutex
	cond   *sync.Cond
	nextID int
	msgs   []Message // everything the server sent, in order
	// replies by id (the JSON text of the id)
	replies map[string]Message
	nulls   []Message // replies with id null, in order
	seen    int       // messages not kept (Lean)
	// Bad lists every framing or JSON-RPC violation seen on the server's output.
	bad  []string
	done bool
	// Lean keeps only the replies not yet waited for (soak tests: memory must not grow with
	// the number of messages); see NewLean.
	Lean bool
	// OnRequest answers a request from the server; nil answers null.
	OnRequest func(m Message) (any, *Error)
}

// New starts reading the server's output r; requests are written to w.
func New(r io.Reader, w io.Writer) *Client { return start(r, w, false) }

// NewLean is New for soak tests: messages are not kept once their reply was taken (Messages
// and WaitFor see nothing).
func NewLean(r io.Reader, w io.Writer) *Client { return start(r, w, true) }

func start(r io.Reader, w io.Writer, lean bool) *Client {
	c := &Client{w: w, replies: map[string]Message{}, Lean: lean}
	c.cond = sync.NewCond(&c.mu)
	go c.read(r)
	return c
}

func (c *Client) read(r io.Reader) {
	br := bufio.NewReader(r)
	defer func() {
		c.mu.Lock()
		c.done = true
		c.cond.Broadcast()
		c.mu.Unlock()
	}()
	for {
		length := -1
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				if line != "" || length >= 0 {
					c.violation("output ends inside a header: %q", line)
				}
				return
			}
			if !strings.HasSuffix(line, "\r\n") {
				c.violation("header line not ended by CRLF: %q", line)
			}
			line = strings.TrimSuffix(line, "\r\n")
			if line == "" {
				break
			}
			name, val, ok := strings.Cut(line, ": ")
			if !ok {
				c.violation("bad header line %q", line)
				continue
			}
			if name == "Content-Length" {
				n, err := strconv.Atoi(val)
				if err != nil || n <= 0 {
					c.violation("bad Content-Length %q", val)
					continue
				}
				length = n
			}
		}
		if length < 0 {
			c.violation("frame without Content-Length")
			continue
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			c.violation("output ends inside a body: %v", err)
			return
		}
		var m Message
		if err := json.Unmarshal(body, &m); err != nil || !json.Valid(body) {
			c.violation("body is not JSON: %v: %q", err, body)
			continue
		}
		m.Raw = body
		var probe map[string]json.RawMessage
		_ = json.Unmarshal(body, &probe)
		if id, ok := probe["id"]; ok && m.ID == nil {
			null := json.RawMessage("null")
			m.ID = &null // "id": null decodes to a nil pointer
			_ = id
		}
		if m.JSONRPC != "2.0" {
			c.violation("message without jsonrpc 2.0: %s", body)
		}
		isReply := m.Method == ""
		if isReply {
			// A result of null decodes to a nil RawMessage: check the raw text.
			_, hasResult := probe["result"]
			_, hasError := probe["error"]
			if m.ID == nil || hasResult == hasError {
				c.violation("bad response: %s", body)
			}
		}
		c.mu.Lock()
		if !c.Lean {
			c.msgs = append(c.msgs, m)
		} else {
			c.seen++
		}
		if isReply && m.ID != nil {
			if string(*m.ID) == "null" {
				c.nulls = append(c.nulls, m)
			} else {
				c.replies[string(*m.ID)] = m
			}
		}
		c.cond.Broadcast()
		c.mu.Unlock()
		if !isReply && m.ID != nil {
			var res any
			var rerr *Error
			if c.OnRequest != nil {
				res, rerr = c.OnRequest(m)
			}
			c.respond(*m.ID, res, rerr)
		}
	}
}

func (c *Client) violation(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bad = append(c.bad, fmt.Sprintf(format, args...))
}

// Violations returns the protocol violations seen on the server's output.
func (c *Client) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.bad...)
}

// Messages returns everything the server sent so far.
func (c *Client) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.msgs...)
}

func (c *Client) respond(id json.RawMessage, res any, e *Error) {
	m := map[string]any{"jsonrpc": "2.0", "id": id}
	if e != nil {
		m["error"] = e
	} else {
		m["result"] = res
	}
	b, _ := json.Marshal(m)
	_ = c.WriteFrame(b)
}

// WriteRaw writes bytes as they are: for malformed frames.
func (c *Client) WriteRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.w.Write(b)
	return err
}

// WriteFrame writes body in a well-formed frame.
func (c *Client) WriteFrame(body []byte) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(body))
	buf.Write(body)
	return c.WriteRaw(buf.Bytes())
}

// Notify sends a notification.
func (c *Client) Notify(method string, params any) error {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
	if err != nil {
		return err
	}
	return c.WriteFrame(b)
}

// Send sends a request and returns its id without waiting.
func (c *Client) Send(method string, params any) (int, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	m := map[string]any{"jsonrpc": "2.0", "id": id, "method": method}
	if params != nil {
		m["params"] = params
	}
	b, err := json.Marshal(m)
	if err != nil {
		return 0, err
	}
	return id, c.WriteFrame(b)
}

// Wait waits for the reply to id (the JSON text of the id: "3", "\"a\"", "null" for replies to
// unreadable messages, which take the first such reply not yet taken).
func (c *Client) Wait(ctx context.Context, id string) (Message, error) {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if id == "null" && len(c.nulls) > 0 {
			m := c.nulls[0]
			c.nulls = c.nulls[1:]
			return m, nil
		}
		if m, ok := c.replies[id]; ok {
			delete(c.replies, id)
			return m, nil
		}
		if c.done {
			return Message{}, fmt.Errorf("server output ended before the reply to %s", id)
		}
		if err := ctx.Err(); err != nil {
			return Message{}, fmt.Errorf("waiting for the reply to %s: %w", id, err)
		}
		c.cond.Wait()
	}
}

// Call sends a request and waits for its reply.
func (c *Client) Call(ctx context.Context, method string, params any) (Message, error) {
	id, err := c.Send(method, params)
	if err != nil {
		return Message{}, err
	}
	return c.Wait(ctx, strconv.Itoa(id))
}

// WaitFor waits for a message from the server, after the first `after` messages, that
// matches pred; it returns the message and its place in the stream.
func (c *Client) WaitFor(ctx context.Context, after int, pred func(Message) bool) (Message, int, error) {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := after; ; {
		for ; i < len(c.msgs); i++ {
			if pred(c.msgs[i]) {
				return c.msgs[i], i, nil
			}
		}
		if c.done {
			return Message{}, 0, fmt.Errorf("server output ended")
		}
		if err := ctx.Err(); err != nil {
			return Message{}, 0, err
		}
		c.cond.Wait()
	}
}

// Count returns the number of messages received so far.
func (c *Client) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.msgs)
}

// Done reports whether the server's output ended.
func (c *Client) Done() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// Diagnostics is the params of textDocument/publishDiagnostics.
type Diagnostics struct {
	URI         string           `json:"uri"`
	Version     *int32           `json:"version"`
	Diagnostics []map[string]any `json:"diagnostics"`
}

// WaitDiagnostics waits for diagnostics of uri at version (any version when version < 0),
// after message index after.
func (c *Client) WaitDiagnostics(ctx context.Context, after int, uri string, version int32) (Diagnostics, int, error) {
	var d Diagnostics
	_, i, err := c.WaitFor(ctx, after, func(m Message) bool {
		if m.Method != "textDocument/publishDiagnostics" {
			return false
		}
		var p Diagnostics
		if json.Unmarshal(m.Params, &p) != nil || p.URI != uri {
			return false
		}
		if version >= 0 && (p.Version == nil || *p.Version != version) {
			return false
		}
		d = p
		return true
	})
	return d, i, err
}
