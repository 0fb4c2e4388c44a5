// SPDX-License-Identifier: GPL-2.0-only

// Package transport frames JSON-RPC messages over a byte stream with the LSP base protocol
// (Content-Length headers) and survives bad input.
//
// jsonrpc2 v0.10's own stream returns an error for a bad header or an undecodable body, and its
// Conn then closes the connection: one malformed frame would kill the server. This Stream
// answers what it can (a ParseError or InvalidRequest reply with id null, as JSON-RPC 2.0 §5
// says when the id cannot be read), resynchronises on the next "Content-Length:" header and
// reads on. Read returns an error only when the input ends or fails.
package transport

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

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// MaxMessage is the largest body accepted; a longer Content-Length is answered with an error
// and skipped. 256 MiB is far above any real document.
const MaxMessage = 256 << 20

const header = "content-length:"

// Stream is a jsonrpc2.Stream over a reader and a writer.
type Stream struct {
	in     *bufio.Reader
	out    io.Writer
	closer func() error
	log    *zap.Logger

	writeMu sync.Mutex
	// resync is set after a bad frame: Read skips to the next Content-Length header.
	resync bool
	// Malformed counts the frames that were answered with an error (for tests).
	mu        sync.Mutex
	malformed int
}

// NewStream returns a stream reading frames from in and writing frames to out; closer is called
// by Close (nil for none).
func NewStream(in io.Reader, out io.Writer, closer func() error, log *zap.Logger) *Stream {
	return &Stream{in: bufio.NewReaderSize(in, 64<<10), out: out, closer: closer, log: log}
}

// Malformed returns the number of bad frames seen.
func (s *Stream) Malformed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.malformed
}

// Read returns the next well-formed message. Bad frames are answered and skipped.
func (s *Stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readFrame()
		if err != nil {
			if fe, ok := err.(*frameError); ok {
				s.reject(jsonrpc2.ParseError, fe.msg)
				continue
			}
			return nil, n, err
		}
		msg, err := decode(body)
		if err != nil {
			code := jsonrpc2.InvalidRequest
			if !json.Valid(body) {
				code = jsonrpc2.ParseError
			}
			s.reject(code, err.Error())
			continue
		}
		return msg, n, nil
	}
}

// frameError is a malformed frame: answered, then skipped.
type frameError struct{ msg string }

func (e *frameError) Error() string { return e.msg }

// readFrame reads the header and the body of one frame.
func (s *Stream) readFrame() ([]byte, int64, error) {
	var total int64
	length := int64(-1)
	bad := ""
	seen := false // a header line was read
	if s.resync {
		n, err := s.skipToHeader()
		total += n
		if err != nil {
			return nil, total, err
		}
		s.resync = false
		// skipToHeader consumed "Content-Length:"; the rest of the line is the value.
		line, err := s.in.ReadString('\n')
		total += int64(len(line))
		if err != nil {
			return nil, total, fmt.Errorf("reading header: %w", err)
		}
		length, bad = parseLength(line)
		seen = true
	}
	for {
		line, err := s.in.ReadString('\n')
		total += int64(len(line))
		if err != nil {
			if err == io.EOF && !seen && strings.TrimSpace(line) == "" {
				return nil, total, io.EOF
			}
			return nil, total, fmt.Errorf("reading header: %w", err)
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			if !seen {
				continue // blank lines between frames are tolerated
			}
			break
		}
		seen = true
		// Garbage without a newline (a body sent without a header, a body longer than its
		// Content-Length) runs into the next header line: answer the garbage, keep the header.
		if i := strings.Index(strings.ToLower(trimmed), header); i > 0 {
			s.reject(jsonrpc2.ParseError, fmt.Sprintf("garbage before a header: %q", clip(trimmed[:i])))
			trimmed = trimmed[i:]
		}
		name, value, ok := strings.Cut(trimmed, ":")
		if !ok {
			if bad == "" {
				bad = fmt.Sprintf("invalid header line %q", clip(trimmed))
			}
			continue
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			l, b := parseLength(value)
			if b != "" && bad == "" {
				bad = b
			}
			length = l
		}
	}
	if bad == "" && length < 0 {
		bad = "missing Content-Length header"
	}
	if bad != "" {
		s.resync = true
		return nil, total, &frameError{bad}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.in, body); err != nil {
		return nil, total, fmt.Errorf("reading body of %d bytes: %w", length, err)
	}
	return body, total + length, nil
}

// parseLength parses the value of a Content-Length header; it returns -1 and the problem for
// a bad one.
func parseLength(value string) (int64, string) {
	value = strings.TrimSpace(value)
	v, err := strconv.ParseInt(value, 10, 64)
	switch {
	case err != nil:
		return -1, fmt.Sprintf("bad Content-Length %q", clip(value))
	case v <= 0:
		return -1, fmt.Sprintf("bad Content-Length %d", v)
	case v > MaxMessage:
		return -1, fmt.Sprintf("Content-Length %d above the limit of %d", v, MaxMessage)
	}
	return v, ""
}

// skipToHeader discards input up to and including the next "Content-Length:" (any case).
func (s *Stream) skipToHeader() (int64, error) {
	var n int64
	matched := 0
	for {
		c, err := s.in.ReadByte()
		if err != nil {
			return n, err
		}
		n++
		lc := c
		if 'A' <= c && c <= 'Z' {
			lc = c + 'a' - 'A'
		}
		switch {
		case lc == header[matched]:
			matched++
			if matched == len(header) {
				return n, nil
			}
		case lc == header[0]:
			matched = 1
		default:
			matched = 0
		}
	}
}

// reject answers a message that could not be read, with id null.
func (s *Stream) reject(code jsonrpc2.Code, msg string) {
	s.mu.Lock()
	s.malformed++
	s.mu.Unlock()
	s.log.Warn("malformed message", zap.Int32("code", int32(code)), zap.String("error", msg))
	body, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      *int            `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", nil, jsonrpc2.NewError(code, msg)})
	if err := s.writeFrame(body); err != nil {
		s.log.Warn("writing error reply", zap.Error(err))
	}
}

// Write sends one message.
func (s *Stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	if err := s.writeFrame(body); err != nil {
		return 0, err
	}
	return int64(len(body)), nil
}

func (s *Stream) writeFrame(body []byte) error {
	var buf bytes.Buffer
	buf.Grow(len(body) + 32)
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(body))
	buf.Write(body)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if _, err := s.out.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing message: %w", err)
	}
	return nil
}

// Close closes the underlying connection.
func (s *Stream) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer()
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// decode decodes one message. It is stricter than jsonrpc2.DecodeMessage where that one would
// let nonsense through: a body that is not a JSON object, a request id that is neither a number
// nor a string, a method that is not a string.
func decode(body []byte) (jsonrpc2.Message, error) {
	var probe struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON-RPC message: %v", err)
	}
	if len(probe.Method) > 0 && probe.Method[0] != '"' {
		return nil, fmt.Errorf("method is not a string")
	}
	if id := bytes.TrimSpace(probe.ID); len(id) > 0 && string(id) != "null" {
		if id[0] != '"' {
			if _, err := strconv.ParseInt(string(id), 10, 32); err != nil {
				return nil, fmt.Errorf("request id %s is not a string or a 32-bit integer", clip(string(id)))
			}
		}
	}
	return jsonrpc2.DecodeMessage(body)
}
