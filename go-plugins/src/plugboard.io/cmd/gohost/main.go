// Command gohost is the Go side of the benchmark: hashicorp/go-plugin's own host starting a KV
// plugin and timing start-up, Ping and Put+Get. It prints one "name value" line per figure.
package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"plugboard.io/kvplugin"
)

type options struct {
	pluginPath string
	calls      int
	warmup     int
	valueSize  int
	dir        string
}

func main() {
	var o options
	flag.StringVar(&o.pluginPath, "plugin", "", "path of the plugin binary (required)")
	flag.IntVar(&o.calls, "n", 20000, "measured calls of each kind")
	flag.IntVar(&o.warmup, "warmup", 1000, "calls of each kind before measuring, not counted")
	flag.IntVar(&o.valueSize, "value-size", 64, "bytes per value")
	flag.StringVar(&o.dir, "dir", "", "working directory of the plugin, created when missing (default: the current one)")
	flag.Parse()
	if err := o.check(); err != nil {
		fmt.Fprintf(os.Stderr, "gohost: %v\n", err)
		flag.Usage()
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "gohost: %v\n", err)
		os.Exit(1)
	}
}

// check refuses options the run cannot honour.
func (o options) check() error {
	switch {
	case o.pluginPath == "":
		return errors.New("-plugin is required")
	case flag.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	case o.calls < 1:
		return fmt.Errorf("-n must be at least 1, got %d", o.calls)
	case o.warmup < 0:
		return fmt.Errorf("-warmup must not be negative, got %d", o.warmup)
	case o.valueSize < 0:
		return fmt.Errorf("-value-size must not be negative, got %d", o.valueSize)
	}
	return nil
}

func run(o options) error {
	// Resolved here because a relative path would otherwise be taken relative to -dir.
	path, err := exec.LookPath(o.pluginPath)
	if err == nil {
		path, err = filepath.Abs(path)
	}
	if err != nil {
		return fmt.Errorf("plugin %s: %w", o.pluginPath, err)
	}
	cmd := exec.Command(path)
	if o.dir != "" {
		if err := os.MkdirAll(o.dir, 0o700); err != nil {
			return err
		}
		cmd.Dir = o.dir
	}
	value := make([]byte, o.valueSize)
	if _, err := rand.Read(value); err != nil {
		return err
	}

	started := time.Now()
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  kvplugin.Handshake,
		Plugins:          plugin.PluginSet{kvplugin.PluginName: &kvplugin.GRPCPlugin{}},
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "gohost", Level: hclog.Error, Output: os.Stderr}),
	})
	defer client.Kill()
	// Start on its own first, to time the handshake apart: it execs the plugin and returns once the
	// handshake line is read and checked. Client calls it anyway; a client starts once.
	if _, err := client.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", o.pluginPath, err)
	}
	handshake := time.Since(started)
	protocol, err := client.Client()
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", o.pluginPath, err)
	}
	raw, err := protocol.Dispense(kvplugin.PluginName)
	if err != nil {
		return err
	}
	kv := raw.(kvplugin.KV)
	if err := kv.Put("first-call", value); err != nil {
		return fmt.Errorf("first Put: %w", err)
	}
	startFirstCall := time.Since(started)

	ping := func(int) error { return protocol.Ping() }
	putGet := func(prefix string) func(int) error {
		return func(i int) error {
			key := fmt.Sprintf("%s-%d", prefix, i)
			if err := kv.Put(key, value); err != nil {
				return fmt.Errorf("Put(%q): %w", key, err)
			}
			got, err := kv.Get(key)
			if err != nil {
				return fmt.Errorf("Get(%q): %w", key, err)
			}
			if string(got) != string(value) {
				return fmt.Errorf("Get(%q) returned %d bytes that differ from the %d put", key, len(got), len(value))
			}
			return nil
		}
	}
	if _, err := timeEach(o.warmup, ping); err != nil {
		return err
	}
	if _, err := timeEach(o.warmup, putGet("warmup")); err != nil {
		return err
	}
	pings, err := timeEach(o.calls, ping)
	if err != nil {
		return err
	}
	putGets, err := timeEach(o.calls, putGet("key"))
	if err != nil {
		return err
	}

	fmt.Printf("start_first_call_us %d\n", startFirstCall.Microseconds())
	fmt.Printf("handshake_us %d\n", handshake.Microseconds())
	fmt.Printf("ping_median_us %d\n", percentile(pings, 0.50).Microseconds())
	fmt.Printf("ping_p99_us %d\n", percentile(pings, 0.99).Microseconds())
	fmt.Printf("putget_median_us %d\n", percentile(putGets, 0.50).Microseconds())
	fmt.Printf("putget_p99_us %d\n", percentile(putGets, 0.99).Microseconds())
	fmt.Printf("calls %d\n", o.calls)
	fmt.Printf("value_size %d\n", o.valueSize)
	return nil
}

// timeEach runs call(0..n-1) and returns each call's duration, stopping at the first error.
func timeEach(n int, call func(int) error) ([]time.Duration, error) {
	durations := make([]time.Duration, n)
	for i := range durations {
		start := time.Now()
		if err := call(i); err != nil {
			return nil, err
		}
		durations[i] = time.Since(start)
	}
	return durations, nil
}

// percentile is the nearest-rank percentile p (0..1] of ds; it sorts ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := int(math.Ceil(p * float64(len(ds))))
	if rank < 1 {
		rank = 1
	}
	return ds[rank-1]
}
