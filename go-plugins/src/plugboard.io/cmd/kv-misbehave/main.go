// Command kv-misbehave is kv-go with a fault chosen by $MISBEHAVE, for testing how a host copes
// with plugins that fail to start, speak the wrong protocol, crash, hang or refuse to stop.
// $MISBEHAVE_AFTER_MS sets the delay of die-every and slow-start (default 3000).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	plugin "github.com/hashicorp/go-plugin"

	"plugboard.io/kvplugin"
)

const modes = "exit-at-once, garbage-before-handshake, wrong-protocol, netrpc, panic-on-call, hang-on-call, die-every, ignore-shutdown, slow-start"

func main() {
	mode := os.Getenv("MISBEHAVE")
	after, err := afterDelay()
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
	case "", "garbage-before-handshake", "wrong-protocol", "netrpc", "panic-on-call", "hang-on-call", "die-every", "ignore-shutdown", "slow-start":
		return true
	}
	return false
}

// afterDelay reads $MISBEHAVE_AFTER_MS.
func afterDelay() (time.Duration, error) {
	raw := os.Getenv("MISBEHAVE_AFTER_MS")
	if raw == "" {
		return 3 * time.Second, nil
	}
	ms, err := strconv.Atoi(raw)
	if err != nil || ms < 0 {
		return 0, fmt.Errorf("MISBEHAVE_AFTER_MS=%q is not a non-negative whole number of milliseconds", raw)
	}
	return time.Duration(ms) * time.Millisecond, nil
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
