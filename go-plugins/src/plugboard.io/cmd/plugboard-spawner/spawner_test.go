package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// harness runs a spawner over pipes, as the JVM does, and collects its replies per plugin.
type harness struct {
	t       *testing.T
	toSpawn *io.PipeWriter
	replies chan frame
	done    chan struct{}
}

func newHarness(t *testing.T) *harness {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	h := &harness{t: t, toSpawn: inW, replies: make(chan frame, 1024), done: make(chan struct{})}
	s := newSpawner(newFrameWriter(outW))
	// Output after the end of a test must not end the test binary.
	s.lost = func() {}
	go func() {
		s.serve(inR)
		outW.Close()
		close(h.done)
	}()
	go func() {
		r := bufio.NewReader(outR)
		for {
			f, err := readFrame(r)
			if err != nil {
				close(h.replies)
				return
			}
			h.replies <- f
		}
	}()
	if f := h.next(); f.kind != repReady {
		t.Fatalf("first reply is %d, not ready", f.kind)
	}
	return h
}

func (h *harness) request(kind byte, id uint32, payload []byte) {
	var head [9]byte
	binary.BigEndian.PutUint32(head[0:], uint32(5+len(payload)))
	head[4] = kind
	binary.BigEndian.PutUint32(head[5:], id)
	if _, err := h.toSpawn.Write(append(head[:], payload...)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) start(id uint32, dir string, argv ...string) {
	p := appendString(nil, dir)
	p = appendUint32(p, uint32(len(argv)))
	for _, a := range argv {
		p = appendString(p, a)
	}
	p = appendUint32(p, 1)
	p = appendString(p, "PLUGBOARD_TEST=yes")
	h.request(reqStart, id, p)
}

func (h *harness) next() frame {
	select {
	case f, ok := <-h.replies:
		if !ok {
			h.t.Fatal("the spawner's output ended")
		}
		return f
	case <-time.After(10 * time.Second):
		h.t.Fatal("no reply within 10 s")
	}
	return frame{}
}

// plugin is what the harness saw of one plugin.
type plugin struct {
	pid            uint32
	stdout, stderr bytes.Buffer
	ends           int
	code, signal   int32
	exited         bool
}

// collect reads replies until every listed plugin exited and both its streams ended.
func (h *harness) collect(ids ...uint32) map[uint32]*plugin {
	seen := map[uint32]*plugin{}
	for _, id := range ids {
		seen[id] = &plugin{}
	}
	for left := len(ids); left > 0; {
		f := h.next()
		p := seen[f.id]
		if p == nil {
			h.t.Fatalf("reply %d for unknown plugin %d: %q", f.kind, f.id, f.payload)
		}
		switch f.kind {
		case repStarted:
			p.pid = binary.BigEndian.Uint32(f.payload)
		case repFailed:
			h.t.Fatalf("plugin %d failed to start: %s", f.id, f.payload[4:])
		case repStdout:
			p.stdout.Write(f.payload)
		case repStderr:
			p.stderr.Write(f.payload)
		case repStdoutEnd, repStderrEnd:
			p.ends++
		case repExit:
			p.code = int32(binary.BigEndian.Uint32(f.payload))
			p.signal = int32(binary.BigEndian.Uint32(f.payload[4:]))
			p.exited = true
		}
		if p.exited && p.ends == 2 {
			left--
			p.ends = 3
		}
	}
	return seen
}

func TestOutputAndExitsAreAttributedToTheirPlugin(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	h.start(1, dir, "/bin/sh", "-c", `echo "one $PLUGBOARD_TEST $(pwd)"; echo one-err >&2; exit 3`)
	h.start(2, "/", "/bin/sh", "-c", `echo two; echo two-err >&2; kill -TERM $$`)
	seen := h.collect(1, 2)
	if got, want := seen[1].stdout.String(), "one yes "+dir+"\n"; got != want {
		t.Errorf("plugin 1 stdout %q, want %q", got, want)
	}
	if got := seen[1].stderr.String(); got != "one-err\n" {
		t.Errorf("plugin 1 stderr %q", got)
	}
	if seen[1].code != 3 || seen[1].signal != 0 {
		t.Errorf("plugin 1 ended with code %d signal %d, want code 3", seen[1].code, seen[1].signal)
	}
	if got := seen[2].stdout.String() + seen[2].stderr.String(); got != "two\ntwo-err\n" {
		t.Errorf("plugin 2 output %q", got)
	}
	if seen[2].code != -1 || seen[2].signal != int32(syscall.SIGTERM) {
		t.Errorf("plugin 2 ended with code %d signal %d, want SIGTERM", seen[2].code, seen[2].signal)
	}
	h.toSpawn.Close()
	<-h.done
}

func TestThePluginGetsTheSpawnersEnvironmentWithTheRequestsOnTop(t *testing.T) {
	t.Setenv("PLUGBOARD_TEST", "inherited")
	t.Setenv("PLUGBOARD_KEPT", "kept")
	h := newHarness(t)
	h.start(1, "/", "/bin/sh", "-c", `echo "$PLUGBOARD_TEST $PLUGBOARD_KEPT"; env | grep -c '^PLUGBOARD_TEST='`)
	if got, want := h.collect(1)[1].stdout.String(), "yes kept\n1\n"; got != want {
		t.Errorf("stdout %q, want %q (the request's value once, the spawner's other variables kept)", got, want)
	}
	h.toSpawn.Close()
	<-h.done
}

func TestAStartErrorIsTheSystemsText(t *testing.T) {
	h := newHarness(t)
	h.start(7, "/", "/nonexistent/program")
	f := h.next()
	p := &payloadReader{b: f.payload}
	if f.kind != repFailed || f.id != 7 || p.string() != "no such file or directory" {
		t.Fatalf("reply %d for %d: %q", f.kind, f.id, f.payload)
	}
	h.toSpawn.Close()
	<-h.done
}

func TestASignalRequestReachesThePlugin(t *testing.T) {
	h := newHarness(t)
	h.start(1, "/", "/bin/sleep", "60")
	if f := h.next(); f.kind != repStarted {
		t.Fatalf("reply %d: %q", f.kind, f.payload)
	}
	h.request(reqSignal, 1, appendUint32(nil, uint32(syscall.SIGKILL)))
	if p := h.collect(1)[1]; p.signal != int32(syscall.SIGKILL) {
		t.Fatalf("ended with code %d signal %d, want SIGKILL", p.code, p.signal)
	}
	h.toSpawn.Close()
	<-h.done
}

func TestTheEndOfRequestsKillsEveryPlugin(t *testing.T) {
	h := newHarness(t)
	h.start(1, "/", "/bin/sleep", "60")
	h.start(2, "/", "/bin/sleep", "60")
	h.toSpawn.Close()
	seen := h.collect(1, 2)
	for id, p := range seen {
		if p.signal != int32(syscall.SIGKILL) {
			t.Errorf("plugin %d ended with code %d signal %d, want SIGKILL", id, p.code, p.signal)
		}
		if err := syscall.Kill(int(p.pid), 0); err == nil {
			t.Errorf("plugin %d (pid %d) still exists", id, p.pid)
		}
	}
	<-h.done
}

func TestAParentOtherThanTheGivenOneIsRefused(t *testing.T) {
	err := armParentDeath(os.Getppid() + 1)
	if err == nil {
		t.Fatal("armed although the parent is another process")
	}
	if err := armParentDeath(os.Getppid()); err != nil {
		t.Fatal(err)
	}
}
