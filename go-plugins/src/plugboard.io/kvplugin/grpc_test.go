package kvplugin

import (
	"testing"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// dispense connects a real gRPC client to a real go-plugin gRPC server serving a Store.
func dispense(t *testing.T) KV {
	t.Helper()
	client, server := plugin.TestPluginGRPCConn(t, plugin.PluginSet{PluginName: &GRPCPlugin{Impl: openTestStore(t)}})
	t.Cleanup(func() {
		client.Close()
		server.Stop()
	})
	raw, err := client.Dispense(PluginName)
	if err != nil {
		t.Fatalf("Dispense: %v", err)
	}
	return raw.(KV)
}

func TestGRPCPutThenGet(t *testing.T) {
	kv := dispense(t)
	if err := kv.Put("over/grpc", []byte{0, 1, 2}); err != nil {
		t.Fatal(err)
	}
	got, err := kv.Get("over/grpc")
	if err != nil || string(got) != "\x00\x01\x02" {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func TestGRPCGetOfMissingKeyIsNotFound(t *testing.T) {
	_, err := dispense(t).Get("missing")
	if status.Code(err) != codes.NotFound {
		t.Fatalf("Get of a missing key: %v, want status NOT_FOUND", err)
	}
}

func TestGRPCInvalidKeyIsInvalidArgument(t *testing.T) {
	err := dispense(t).Put("", []byte("v"))
	if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != `invalid key "": the key is empty` {
		t.Fatalf("Put with an empty key: %v, want INVALID_ARGUMENT naming the reason", err)
	}
}
