// Package gostdio rebuilds go-plugin 1.4's stdio stream (plugin.GRPCStdio) over go-plugin 1.0.1,
// for kv-misbehave's print-on-call. It is a package of its own so that kv-go and gohost link none
// of it: built against go-plugin 1.4 or later, whose own plugin.StdioData it registers a second
// time, a program with it would panic at start.
package gostdio

import (
	"os"

	"google.golang.org/grpc"

	"plugboard.io/gostdio/stdioproto"
)

// stdioChunk is the most a copy goroutine reads from a pipe at once, and so the largest data of
// one StdioData message.
const stdioChunk = 1024

// Stdio mirrors, for hosts' tests, what hashicorp/go-plugin 1.4 and later do with a plugin's
// standard output and error: plugin.Serve replaces os.Stdout and os.Stderr with pipes, one
// goroutine per pipe reads it in chunks of up to 1 KiB and hands each chunk over an unbuffered
// channel, and the plugin.GRPCStdio service's StreamStdio sends the chunks to the host as they
// come. Nothing else drains the pipes: while no host streams them, output stays in the pipe, and
// once the pipe is full (64 KiB on Linux) the next write blocks until a stream is opened.
//
// Go-plugin 1.0.1, which this repository builds against, has none of it (its pipes are never
// read); Stdio rebuilds the behaviour on the wire so that kv-misbehave can play a 1.4 plugin.
// Unlike plugin.Serve it leaves os.Stdout and os.Stderr alone: write to Stdout and Stderr.
//
// Stdout and Stderr are *os.File, whose Write holds the file's write lock until every byte is in
// the pipe: the bytes of one Write are never mixed with another's, even past PIPE_BUF (4 KiB),
// where the pipe itself takes them in parts. Concurrent writers need no lock of their own.
type Stdio struct {
	// Stdout and Stderr are the write ends of the two pipes.
	Stdout *os.File
	Stderr *os.File

	stdout chan []byte
	stderr chan []byte
}

// NewStdio makes the two pipes and starts the goroutines that read them.
func NewStdio() (*Stdio, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	s := &Stdio{Stdout: outW, Stderr: errW, stdout: make(chan []byte), stderr: make(chan []byte)}
	go pumpChunks(outR, s.stdout)
	go pumpChunks(errR, s.stderr)
	return s, nil
}

// pumpChunks reads r into fresh buffers of up to stdioChunk bytes and sends each non-empty one
// on chunks, waiting for a receiver each time. It ends when r fails, e.g. at EOF once the write
// end is closed; chunks is never closed.
func pumpChunks(r *os.File, chunks chan<- []byte) {
	defer r.Close()
	for {
		buf := make([]byte, stdioChunk)
		n, err := r.Read(buf)
		if n > 0 {
			chunks <- buf[:n]
		}
		if err != nil {
			return
		}
	}
}

// Close closes Stdout and Stderr; the reading goroutines end once they have handed over what the
// pipes still hold.
func (s *Stdio) Close() error {
	errOut := s.Stdout.Close()
	if errErr := s.Stderr.Close(); errOut == nil {
		return errErr
	}
	return errOut
}

// Register adds the plugin.GRPCStdio service to server.
func (s *Stdio) Register(server *grpc.Server) {
	stdioproto.RegisterGRPCStdioServer(server, stdioServer{s})
}

// stdioServer implements plugin.GRPCStdio over a Stdio.
type stdioServer struct {
	stdio *Stdio
}

// StreamStdio sends each chunk of either pipe, in the order the goroutines hand them over, until
// the call's context ends (the host cancels it or the connection closes). Chunks taken by one
// call are not sent again; two concurrent calls share the chunks between them.
func (s stdioServer) StreamStdio(_ *stdioproto.StdioEmpty, stream stdioproto.GRPCStdio_StreamStdioServer) error {
	for {
		var msg stdioproto.StdioData
		select {
		case <-stream.Context().Done():
			return nil
		case msg.Data = <-s.stdio.stdout:
			msg.Channel = stdioproto.StdioData_STDOUT
		case msg.Data = <-s.stdio.stderr:
			msg.Channel = stdioproto.StdioData_STDERR
		}
		if err := stream.Send(&msg); err != nil {
			return err
		}
	}
}
