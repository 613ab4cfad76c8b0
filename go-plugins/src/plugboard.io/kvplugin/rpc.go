package kvplugin

import (
	"net/rpc"

	plugin "github.com/hashicorp/go-plugin"
)

// RPCPlugin serves KV over go-plugin's older net/rpc protocol; kv-misbehave's "netrpc" mode
// uses it to play a plugin a gRPC-only host must refuse.
type RPCPlugin struct {
	Impl KV
}

// Server returns the net/rpc receiver go-plugin registers as "Plugin".
func (p *RPCPlugin) Server(*plugin.MuxBroker) (interface{}, error) {
	return &RPCServer{Impl: p.Impl}, nil
}

// Client returns a KV that calls the plugin over c.
func (p *RPCPlugin) Client(_ *plugin.MuxBroker, c *rpc.Client) (interface{}, error) {
	return &RPCClient{client: c}, nil
}

// PutArgs is the net/rpc argument of Put.
type PutArgs struct {
	Key   string
	Value []byte
}

// RPCEmpty is the net/rpc reply of Put.
type RPCEmpty struct{}

// RPCServer is the net/rpc receiver around a KV.
type RPCServer struct {
	Impl KV
}

// Put stores args.Value under args.Key.
func (s *RPCServer) Put(args PutArgs, _ *RPCEmpty) error {
	return s.Impl.Put(args.Key, args.Value)
}

// Get fetches the value of key.
func (s *RPCServer) Get(key string, reply *[]byte) error {
	value, err := s.Impl.Get(key)
	*reply = value
	return err
}

// RPCClient is a KV over net/rpc.
type RPCClient struct {
	client *rpc.Client
}

// Put stores value under key in the plugin.
func (c *RPCClient) Put(key string, value []byte) error {
	return c.client.Call("Plugin.Put", PutArgs{Key: key, Value: value}, &RPCEmpty{})
}

// Get fetches the value of key from the plugin.
func (c *RPCClient) Get(key string) ([]byte, error) {
	var value []byte
	err := c.client.Call("Plugin.Get", key, &value)
	return value, err
}
