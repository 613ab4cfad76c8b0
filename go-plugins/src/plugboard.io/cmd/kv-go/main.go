// Command kv-go is a hashicorp/go-plugin gRPC plugin serving the examples/grpc KV service from
// one file per key in $KV_DATA_DIR or the working directory.
package main

import (
	"fmt"
	"os"

	plugin "github.com/hashicorp/go-plugin"

	"plugboard.io/kvplugin"
)

func main() {
	logger := kvplugin.NewLogger("kv-go")
	dir, err := kvplugin.DataDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kv-go: no data dir: %v\n", err)
		os.Exit(1)
	}
	store, err := kvplugin.OpenStore(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kv-go: %v\n", err)
		os.Exit(1)
	}
	defer store.Close()
	logger.Debug("kv store ready", "data_dir", store.Dir())
	plugin.Serve(kvplugin.ServeConfig(store, logger))
}
