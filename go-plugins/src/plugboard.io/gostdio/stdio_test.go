package gostdio

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"plugboard.io/gostdio/stdioproto"
)

// serveStdio serves a fresh Stdio's plugin.GRPCStdio on a real gRPC server and returns it with a
// client connected to it.
func serveStdio(t *testing.T) (*Stdio, stdioproto.GRPCStdioClient) {
	t.Helper()
	stdio, err := NewStdio()
	if err != nil {
		t.Fatalf("NewStdio: %v", err)
	}
	conn, server := plugin.TestGRPCConn(t, stdio.Register)
	t.Cleanup(func() {
		conn.Close()
		server.Stop()
		stdio.Close()
	})
	return stdio, stdioproto.NewGRPCStdioClient(conn)
}

// openStream calls StreamStdio; the call ends with the test, or after 10 seconds.
func openStream(t *testing.T, client stdioproto.GRPCStdioClient) stdioproto.GRPCStdio_StreamStdioClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	stream, err := client.StreamStdio(ctx, &stdioproto.StdioEmpty{})
	if err != nil {
		t.Fatalf("StreamStdio: %v", err)
	}
	return stream
}

// receive reads the stream until stdout has brought wantOut bytes and stderr wantErr, and
// returns what each brought, checking every message on the way.
func receive(t *testing.T, stream stdioproto.GRPCStdio_StreamStdioClient, wantOut, wantErr int) (stdout, stderr []byte) {
	t.Helper()
	for len(stdout) < wantOut || len(stderr) < wantErr {
		msg, err := stream.Recv()
		if err != nil {
			t.Fatalf("Recv after %d stdout and %d stderr bytes: %v", len(stdout), len(stderr), err)
		}
		if len(msg.Data) == 0 || len(msg.Data) > stdioChunk {
			t.Fatalf("a chunk of %d bytes, want 1 to %d", len(msg.Data), stdioChunk)
		}
		switch msg.Channel {
		case stdioproto.StdioData_STDOUT:
			stdout = append(stdout, msg.Data...)
		case stdioproto.StdioData_STDERR:
			stderr = append(stderr, msg.Data...)
		default:
			t.Fatalf("a chunk on channel %v", msg.Channel)
		}
	}
	return stdout, stderr
}

func TestStdioStreamsStdoutAndStderrOnTheirChannels(t *testing.T) {
	stdio, client := serveStdio(t)
	stream := openStream(t, client)
	lines := []string{"first line on stdout\n", "second line on stdout\n"}
	out := strings.Join(lines, "")
	const errs = "a line on stderr\n"
	for _, line := range lines {
		if _, err := stdio.Stdout.WriteString(line); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stdio.Stderr.WriteString(errs); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := receive(t, stream, len(out), len(errs))
	if string(stdout) != out || string(stderr) != errs {
		t.Fatalf("stdout %q, stderr %q; want %q, %q", stdout, stderr, out, errs)
	}
}

func TestStdioWritesBlockUntilAStreamDrainsThem(t *testing.T) {
	stdio, client := serveStdio(t)
	// Much more than the pipe (64 KiB) and the chunk a reading goroutine holds (1 KiB) take.
	data := make([]byte, 200<<10)
	for i := range data {
		data[i] = byte(i % 251)
	}
	written := make(chan error, 1)
	go func() {
		_, err := stdio.Stdout.Write(data)
		written <- err
	}()

	select {
	case err := <-written:
		t.Fatalf("a write of %d bytes nobody streams finished (err %v); want it blocked", len(data), err)
	case <-time.After(300 * time.Millisecond):
	}

	stream := openStream(t, client)
	stdout, _ := receive(t, stream, len(data), 0)
	if !bytes.Equal(stdout, data) {
		t.Fatalf("streamed %d bytes that differ from the %d written", len(stdout), len(data))
	}
	select {
	case err := <-written:
		if err != nil {
			t.Fatalf("Write: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the write did not finish once the stream had drained it")
	}
}

// Concurrent writers need no lock of their own: each Write of a line longer than PIPE_BUF (which
// the pipe takes in parts) and than a chunk comes out whole (kv-misbehave's print-on-call relies
// on it).
func TestConcurrentWritesStayWhole(t *testing.T) {
	stdio, client := serveStdio(t)
	stream := openStream(t, client)
	const writers, lines, length = 8, 4, 10 << 10
	start := make(chan struct{})
	failed := make(chan error, writers)
	for w := 0; w < writers; w++ {
		line := append(bytes.Repeat([]byte{byte('a' + w)}, length), '\n')
		go func() {
			<-start
			for i := 0; i < lines; i++ {
				if _, err := stdio.Stdout.Write(line); err != nil {
					failed <- err
					return
				}
			}
		}()
	}
	close(start)
	stdout, _ := receive(t, stream, writers*lines*(length+1), 0)
	select {
	case err := <-failed:
		t.Fatalf("Write: %v", err)
	default:
	}
	seen := map[byte]int{}
	for _, line := range bytes.SplitAfter(stdout, []byte{'\n'}) {
		if len(line) == 0 {
			continue
		}
		if len(line) != length+1 || len(bytes.Trim(line[:length], string(line[:1]))) != 0 {
			shown := line
			if len(shown) > 64 {
				shown = shown[:64]
			}
			t.Fatalf("a line of %d bytes that mixes writers: %q...", len(line), shown)
		}
		seen[line[0]]++
	}
	for w := 0; w < writers; w++ {
		if seen[byte('a'+w)] != lines {
			t.Fatalf("writer %c's lines came %d times, want %d (all: %v)", 'a'+w, seen[byte('a'+w)], lines, seen)
		}
	}
}
