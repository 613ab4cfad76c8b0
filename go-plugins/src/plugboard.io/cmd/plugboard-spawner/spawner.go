package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// exitWait bounds how long the spawner, told to end, waits for the plugins it killed to be reaped
// and their output relayed, so that their ends reach the JVM before it goes.
const exitWait = 2 * time.Second

// startRequest is one plugin to start.
type startRequest struct {
	id   uint32
	dir  string
	argv []string
	// env is set on top of the spawner's environment ("KEY=value").
	env []string
}

// spawner starts plugins on the goroutine that serves the requests and relays their output and
// ends. Whoever calls serve must be locked to an OS thread that lives as long as the plugins: Linux
// ties a child's parent-death signal to the thread that forked it (main locks the main thread).
type spawner struct {
	out *frameWriter

	mu      sync.Mutex
	running map[uint32]*os.Process
	// finished counts the reaps and relays under way.
	finished sync.WaitGroup
	// lost is called when the JVM no longer reads: it kills the plugins and exits.
	lost func()
}

func newSpawner(out *frameWriter) *spawner {
	s := &spawner{out: out, running: map[uint32]*os.Process{}}
	s.lost = s.lostJVM
	return s
}

// serve announces readiness, handles requests until in ends, then kills every plugin still running
// and waits (bounded) until they are reaped.
func (s *spawner) serve(in io.Reader) {
	s.out.send(repReady, 0, nil)
	r := bufio.NewReaderSize(in, 64<<10)
	for {
		f, err := readFrame(r)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.out.fatal("bad request stream: " + err.Error())
			}
			break
		}
		s.handle(f)
	}
	s.killAll()
}

func (s *spawner) handle(f frame) {
	p := &payloadReader{b: f.payload}
	switch f.kind {
	case reqStart:
		req := startRequest{id: f.id, dir: p.string(), argv: p.strings(), env: p.strings()}
		if p.err == nil && len(req.argv) == 0 {
			p.err = errors.New("no program")
		}
		if p.err != nil {
			s.out.send(repFailed, f.id, appendString(nil, "bad start request: "+p.err.Error()))
			return
		}
		s.start(req)
	case reqSignal:
		sig := p.uint32()
		if p.err != nil {
			return
		}
		s.mu.Lock()
		proc := s.running[f.id]
		s.mu.Unlock()
		if proc != nil {
			// After the plugin was reaped this is a no-op, never a signal to a reused pid.
			proc.Signal(syscall.Signal(sig))
		}
	}
}

func (s *spawner) start(req startRequest) {
	outR, outW, err := os.Pipe()
	if err != nil {
		s.out.send(repFailed, req.id, appendString(nil, err.Error()))
		return
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		s.out.send(repFailed, req.id, appendString(nil, err.Error()))
		return
	}
	cmd := &exec.Cmd{
		Path: req.argv[0],
		Args: req.argv,
		// The request's variables on top of the spawner's own environment, which is the JVM's:
		// the JVM sends only what it sets, not its whole environment each time. exec keeps the
		// last value of a variable given twice, so the request's win.
		Env:    append(os.Environ(), req.env...),
		Dir:    req.dir,
		Stdout: outW,
		Stderr: errW,
		// Go's fork also signals the child at once if this process is gone by the time it runs.
		SysProcAttr: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	}
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		s.out.send(repFailed, req.id, appendString(nil, startError(err)))
		return
	}
	s.mu.Lock()
	s.running[req.id] = cmd.Process
	s.finished.Add(3)
	s.mu.Unlock()
	// The pid first: the JVM learns of the plugin before any of its output.
	s.out.send(repStarted, req.id, appendUint32(nil, uint32(cmd.Process.Pid)))
	go s.relay(req.id, outR, repStdout, repStdoutEnd)
	go s.relay(req.id, errR, repStderr, repStderrEnd)
	go s.wait(req.id, cmd)
}

// startError is the system's text for why the program could not be executed, without Go's
// "fork/exec <path>: " prefix (the JVM names the program itself).
func startError(err error) string {
	var pathErr *os.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err.Error()
	}
	return err.Error()
}

// relay sends what the plugin writes to one stream, then that the stream ended.
func (s *spawner) relay(id uint32, r *os.File, kind, end byte) {
	defer s.finished.Done()
	defer r.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if s.out.send(kind, id, buf[:n]) != nil {
				s.lost()
			}
		}
		if err != nil {
			break
		}
	}
	if s.out.send(end, id, nil) != nil {
		s.lost()
	}
}

// wait reaps the plugin and sends how it ended.
func (s *spawner) wait(id uint32, cmd *exec.Cmd) {
	defer s.finished.Done()
	cmd.Wait()
	s.mu.Lock()
	delete(s.running, id)
	s.mu.Unlock()
	code, sig := -1, 0
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig = int(ws.Signal())
	} else {
		code = cmd.ProcessState.ExitCode()
	}
	if s.out.send(repExit, id, appendUint32(appendUint32(nil, uint32(int32(code))), uint32(sig))) != nil {
		s.lost()
	}
}

// killAll SIGKILLs every plugin still running and waits (bounded) until each is reaped and its
// output relayed.
func (s *spawner) killAll() {
	s.mu.Lock()
	for _, proc := range s.running {
		proc.Kill()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() {
		s.finished.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(exitWait):
	}
}

// lostJVM ends the spawner when its stdout is broken: nobody reads the plugins' output any more.
func (s *spawner) lostJVM() {
	s.mu.Lock()
	for _, proc := range s.running {
		proc.Kill()
	}
	s.mu.Unlock()
	os.Exit(1)
}
