// Command kv-misbehave is kv-go with a fault chosen by $MISBEHAVE, for testing how a host copes
// with plugins that fail to start, speak the wrong protocol, crash, hang or refuse to stop, or
// that print (print-on-call: each Put writes to stdout and stderr, which only go-plugin 1.4's
// plugin.GRPCStdio stream, served here over go-plugin 1.0.1, drains).
// $MISBEHAVE_AFTER_MS sets the delay of die-every and slow-start (default 3000);
// $MISBEHAVE_PRINT_BYTES the number of 'x' in print-on-call's stdout line (default 1000).
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"plugboard.io/gostdio"
	"plugboard.io/kvplugin"
)

const modes = "exit-at-once, garbage-before-handshake, wrong-protocol, netrpc, panic-on-call, hang-on-call, die-every, ignore-shutdown, slow-start, print-on-call"

func main() {
	mode := os.Getenv("MISBEHAVE")
	afterMs, err := envCount("MISBEHAVE_AFTER_MS", 3000, "milliseconds")
	if err != nil {
		fail(4, err.Error())
	}
	after := time.Duration(afterMs) * time.Millisecond
	printBytes, err := envCount("MISBEHAVE_PRINT_BYTES", 1000, "bytes")
	if err != nil {
		fail(4, err.Error())
	}
	if mode == "exit-at-once" {
		fail(3, "exit-at-once: exiting before the handshake")
	}
	if !known(mode) {
		fail(4, fmt.Sprintf("unknown MISBEHAVE=%q; known modes: %s (unset: behave like kv-go)", mode, modes))
	}

	logger := kvplugin.NewLogger("kv-misbehave")
	dir, err := kvplugin.DataDir()
	if err != nil {
		fail(1, "no data dir: "+err.Error())
	}
	store, err := kvplugin.OpenStore(dir)
	if err != nil {
		fail(1, err.Error())
	}
	logger.Debug("kv store ready", "data_dir", store.Dir(), "misbehave", mode)

	var impl kvplugin.KV = store
	config := kvplugin.ServeConfig(impl, logger)
	switch mode {
	case "garbage-before-handshake":
		// The host reads this as the handshake line and must reject it.
		fmt.Println("hello from main")
	case "wrong-protocol":
		config.HandshakeConfig.ProtocolVersion = 2
	case "netrpc":
		// Without a GRPCServer go-plugin serves net/rpc and announces "netrpc".
		config.GRPCServer = nil
		config.Plugins = plugin.PluginSet{kvplugin.PluginName: &kvplugin.RPCPlugin{Impl: impl}}
	case "panic-on-call":
		config.Plugins = grpcSet(panicOnPut{store})
	case "hang-on-call":
		config.Plugins = grpcSet(hangOnGet{store})
	case "die-every":
		time.AfterFunc(after, func() {
			// The logger, not os.Stderr: plugin.Serve has swapped os.Stderr for a pipe by now.
			logger.Warn("die-every: exiting", "after_ms", after.Milliseconds())
			os.Exit(1)
		})
	case "ignore-shutdown":
		signal.Ignore(syscall.SIGTERM, syscall.SIGINT)
	case "slow-start":
		time.Sleep(after)
	case "print-on-call":
		stdio, err := gostdio.NewStdio()
		if err != nil {
			fail(1, "print-on-call: "+err.Error())
		}
		config.Plugins = plugin.PluginSet{kvplugin.PluginName: &kvplugin.GRPCPlugin{
			Impl:          &printOnPut{KV: store, stdio: stdio, xs: bytes.Repeat([]byte{'x'}, printBytes)},
			ExtraServices: stdio.Register,
		}}
	}

	plugin.Serve(config)

	if mode == "ignore-shutdown" {
		logger.Debug("server stopped; staying alive anyway")
		// A sleeping loop rather than select{}: with nothing else left to run, select{} would
		// end the process through the runtime's deadlock detector.
		for {
			time.Sleep(time.Hour)
		}
	}
}

// grpcSet is kv-go's plugin set around impl.
func grpcSet(impl kvplugin.KV) plugin.PluginSet {
	return plugin.PluginSet{kvplugin.PluginName: &kvplugin.GRPCPlugin{Impl: impl}}
}

// known tells whether mode is one of the served modes ("" is plain kv-go).
func known(mode string) bool {
	switch mode {
	case "", "garbage-before-handshake", "wrong-protocol", "netrpc", "panic-on-call", "hang-on-call", "die-every", "ignore-shutdown", "slow-start", "print-on-call":
		return true
	}
	return false
}

// envCount reads the variable name as a non-negative whole number of unit, def when unset.
func envCount(name string, def int, unit string) (int, error) {
	raw := os.Getenv(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q is not a non-negative whole number of %s", name, raw, unit)
	}
	return n, nil
}

// fail writes a line to the real stderr and exits with code.
func fail(code int, msg string) {
	fmt.Fprintf(os.Stderr, "kv-misbehave: %s\n", msg)
	os.Exit(code)
}

// panicOnPut kills the process on every Put: gRPC does not recover handler panics.
type panicOnPut struct{ kvplugin.KV }

func (panicOnPut) Put(string, []byte) error {
	panic("kv-misbehave: panic-on-call")
}

// hangOnGet never answers a Get; Put and the health service keep working.
type hangOnGet struct{ kvplugin.KV }

func (hangOnGet) Get(string) ([]byte, error) {
	select {}
}

// printOnPut writes, before each Put, one line "put <key> xxx...x" to the emulated stdout and one
// line "stderr: put <key>" to the emulated stderr (the key as it is). Only a host streaming
// plugin.GRPCStdio drains them: without one, the stdout pipe is full after about 64 KiB (some 65 Puts
// of the default line) and the next Put blocks before it stores anything. Each line is one Write,
// which keeps it whole beside those of concurrent Puts however long it is (see gostdio.Stdio).
type printOnPut struct {
	kvplugin.KV
	stdio *gostdio.Stdio
	xs    []byte
}

func (p *printOnPut) Put(key string, value []byte) error {
	line := make([]byte, 0, len("put  \n")+len(key)+len(p.xs))
	line = append(line, "put "...)
	line = append(line, key...)
	line = append(line, ' ')
	line = append(line, p.xs...)
	line = append(line, '\n')
	_, err := p.stdio.Stdout.Write(line)
	if err == nil {
		_, err = fmt.Fprintf(p.stdio.Stderr, "stderr: put %s\n", key)
	}
	if err != nil {
		return fmt.Errorf("print-on-call: %w", err)
	}
	return p.KV.Put(key, value)
}
