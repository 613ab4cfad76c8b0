// Command plugboard-spawner starts go-plugin plugins for the Plugboard JVM (the goplugin bundle's
// launcher), one spawner per launcher. The JVM starts it with its own pid as the only argument and
// speaks framed messages with it over stdin and stdout (see protocol.go).
//
// Why a separate program: a JVM forks each plugin through jspawnhelper, and arming a parent-death
// signal needs another exec (setpriv) on top; this program forks plugins directly with
// Pdeathsig=SIGKILL from its main thread, which is several milliseconds shorter per start.
//
// No orphans: it arms PR_SET_PDEATHSIG=SIGKILL for itself and exits when its parent is already no
// longer the JVM (closing the window between the fork and the prctl); every plugin it forks gets
// Pdeathsig=SIGKILL tied to its main thread, which lives as long as the spawner. When its
// stdin closes (launcher closed, or JVM gone) it SIGKILLs every plugin it started and exits.
//
// It and its plugins run in a process group of their own, so that the keys a terminal turns into
// signals for its foreground group (Ctrl-C, Ctrl-\, Ctrl-Z at the Plugboard shell) reach the JVM only.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
)

// init locks the main goroutine to the main thread, which lives as long as the process: the main
// goroutine reads the requests and forks each plugin itself, so every plugin's parent-death signal
// is tied to that thread, and a start needs no hand-over to another thread (about 0.1-0.8 ms each).
func init() {
	runtime.LockOSThread()
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: plugboard-spawner <pid of the parent JVM>")
		os.Exit(2)
	}
	parent, err := strconv.Atoi(os.Args[1])
	if err != nil || parent <= 0 {
		fmt.Fprintf(os.Stderr, "plugboard-spawner: the parent pid must be a positive number, not %q\n", os.Args[1])
		os.Exit(2)
	}
	out := newFrameWriter(os.Stdout)
	if err := armParentDeath(parent); err != nil {
		out.fatal(err.Error())
		fmt.Fprintln(os.Stderr, "plugboard-spawner:", err)
		os.Exit(3)
	}
	// A process group of its own, which the plugins inherit: a terminal sends Ctrl-C (SIGINT),
	// Ctrl-\ and Ctrl-Z to its foreground group, the JVM's. In that group, a Ctrl-C at the shell's
	// prompt killed this process, and with it (parent-death signal) every plugin.
	if err := syscall.Setpgid(0, 0); err != nil {
		out.fatal("setpgid: " + err.Error())
		fmt.Fprintln(os.Stderr, "plugboard-spawner: setpgid:", err)
		os.Exit(3)
	}
	// A write to a closed stdout must be an error, not a SIGPIPE death; Notify (not Ignore) so that
	// the plugins, which inherit ignored signals across exec, keep the default disposition.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	s := newSpawner(out)
	s.serve(os.Stdin)
	os.Exit(0)
}

// armParentDeath makes the kernel SIGKILL this process when the thread that forked it ends, and
// fails when the parent is gone already (then the signal would never come).
func armParentDeath(parent int) error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); e != 0 {
		return fmt.Errorf("prctl(PR_SET_PDEATHSIG): %v", e)
	}
	if now := os.Getppid(); now != parent {
		return fmt.Errorf("the parent process is %d, not %d: the JVM that started this spawner is gone", now, parent)
	}
	return nil
}
