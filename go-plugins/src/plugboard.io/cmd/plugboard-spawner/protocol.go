package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// The wire format, both ways: frames of a 4-byte big-endian length (of what follows), a type byte
// and a 4-byte plugin id chosen by the JVM, then the type's payload. A string is a 4-byte length
// and its bytes; numbers are 4-byte big-endian.
//
// JVM to spawner:
//
//	reqStart  dir, argc, args (args[0] is the program's path), envc, env ("KEY=value": set on top
//	          of the spawner's environment, which it inherited from the JVM; these win)
//	reqSignal signal number
//
// Spawner to JVM:
//
//	repReady   (id 0) the spawner armed its parent-death signal and takes requests
//	repFatal   (id 0) message: the spawner cannot work and exits
//	repStarted pid
//	repFailed  the start failed: the system's error text, e.g. "no such file or directory"
//	repStdout, repStderr  bytes the plugin wrote
//	repStdoutEnd, repStderrEnd  the stream ended (every byte of it was sent before)
//	repExit    exit code (-1 if a signal ended it), signal number (0 if none)
const (
	reqStart  = 1
	reqSignal = 2

	repReady     = 1
	repFatal     = 2
	repStarted   = 3
	repFailed    = 4
	repStdout    = 5
	repStderr    = 6
	repStdoutEnd = 7
	repStderrEnd = 8
	repExit      = 9
)

// maxFrame bounds a request, so that a broken stream cannot make the spawner allocate without bound.
const maxFrame = 16 << 20

// frameWriter writes whole frames to the JVM from any goroutine.
type frameWriter struct {
	mu  sync.Mutex
	w   *bufio.Writer
	err error
}

func newFrameWriter(w io.Writer) *frameWriter {
	return &frameWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

// send writes one frame and flushes it; the first write error sticks and is returned from then on.
func (f *frameWriter) send(kind byte, id uint32, payload []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	var head [9]byte
	binary.BigEndian.PutUint32(head[0:], uint32(5+len(payload)))
	head[4] = kind
	binary.BigEndian.PutUint32(head[5:], id)
	f.w.Write(head[:])
	f.w.Write(payload)
	f.err = f.w.Flush()
	return f.err
}

func (f *frameWriter) fatal(message string) {
	f.send(repFatal, 0, appendString(nil, message))
}

func appendUint32(b []byte, v uint32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func appendString(b []byte, s string) []byte {
	b = appendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// frame is one request read from the JVM.
type frame struct {
	kind    byte
	id      uint32
	payload []byte
}

// readFrame reads the next request; io.EOF at a clean end between frames.
func readFrame(r *bufio.Reader) (frame, error) {
	var head [9]byte
	if _, err := io.ReadFull(r, head[:4]); err != nil {
		return frame{}, err
	}
	n := binary.BigEndian.Uint32(head[:4])
	if n < 5 || n > maxFrame {
		return frame{}, fmt.Errorf("bad frame length %d", n)
	}
	if _, err := io.ReadFull(r, head[4:]); err != nil {
		return frame{}, unexpected(err)
	}
	payload := make([]byte, n-5)
	if _, err := io.ReadFull(r, payload); err != nil {
		return frame{}, unexpected(err)
	}
	return frame{kind: head[4], id: binary.BigEndian.Uint32(head[5:]), payload: payload}, nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// payloadReader takes numbers and strings off a request's payload.
type payloadReader struct {
	b   []byte
	err error
}

func (p *payloadReader) uint32() uint32 {
	if p.err != nil {
		return 0
	}
	if len(p.b) < 4 {
		p.err = errors.New("payload too short")
		return 0
	}
	v := binary.BigEndian.Uint32(p.b)
	p.b = p.b[4:]
	return v
}

func (p *payloadReader) string() string {
	n := p.uint32()
	if p.err != nil {
		return ""
	}
	if uint32(len(p.b)) < n {
		p.err = errors.New("payload too short")
		return ""
	}
	s := string(p.b[:n])
	p.b = p.b[n:]
	return s
}

func (p *payloadReader) strings() []string {
	n := p.uint32()
	if p.err != nil || n > uint32(len(p.b)) {
		if p.err == nil {
			p.err = errors.New("payload too short")
		}
		return nil
	}
	out := make([]string, 0, n)
	for i := uint32(0); i < n && p.err == nil; i++ {
		out = append(out, p.string())
	}
	return out
}
