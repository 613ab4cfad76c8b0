// Package kvplugin is the key/value plugin shared by kv-go, kv-misbehave and gohost: the
// handshake and plugin set of hashicorp/go-plugin's examples/grpc, the gRPC and net/rpc
// adapters around a KV implementation, and the file-per-key Store that kv-go serves.
package kvplugin

import (
	"context"
	"errors"
	"os"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"plugboard.io/kvplugin/proto"
)

// PluginName is the name the plugin is dispensed under, as in go-plugin's examples/grpc.
const PluginName = "kv_grpc"

// Handshake is go-plugin's examples/grpc handshake, so that example's plugins and ours share one
// descriptor (cookie BASIC_PLUGIN=hello, protocol version 1).
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "BASIC_PLUGIN",
	MagicCookieValue: "hello",
}

// KV is what the plugin serves; Get reports a missing key with an error wrapping ErrNotFound.
type KV interface {
	Put(key string, value []byte) error
	Get(key string) ([]byte, error)
}

// GRPCPlugin serves and dispenses KV over gRPC.
type GRPCPlugin struct {
	// Embedded so the net/rpc half of plugin.Plugin exists; go-plugin never calls it for gRPC.
	plugin.Plugin
	// Impl is the served implementation; unused on the host side.
	Impl KV
	// ExtraServices, when set, registers further services beside KV on go-plugin's gRPC server
	// (kv-misbehave's print-on-call adds plugin.GRPCStdio); unused on the host side.
	ExtraServices func(*grpc.Server)
}

// GRPCServer registers the KV service, and the ExtraServices, on go-plugin's gRPC server.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	proto.RegisterKVServer(s, &GRPCServer{Impl: p.Impl})
	if p.ExtraServices != nil {
		p.ExtraServices(s)
	}
	return nil
}

// GRPCClient returns a KV that calls the plugin over conn.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return &GRPCClient{client: proto.NewKVClient(conn)}, nil
}

// GRPCServer adapts a KV to the generated proto.KVServer, mapping errors to gRPC status codes.
type GRPCServer struct {
	Impl KV
}

// Get answers NOT_FOUND for a missing key and INVALID_ARGUMENT for a key the store refuses.
func (s *GRPCServer) Get(_ context.Context, req *proto.GetRequest) (*proto.GetResponse, error) {
	value, err := s.Impl.Get(req.Key)
	if err != nil {
		return nil, toStatus(err)
	}
	return &proto.GetResponse{Value: value}, nil
}

// Put answers only once the value is durable (the Store syncs before returning).
func (s *GRPCServer) Put(_ context.Context, req *proto.PutRequest) (*proto.Empty, error) {
	if err := s.Impl.Put(req.Key, req.Value); err != nil {
		return nil, toStatus(err)
	}
	return &proto.Empty{}, nil
}

// toStatus turns a KV error into the gRPC status a host can act on.
func toStatus(err error) error {
	var keyErr *KeyError
	switch {
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.As(err, &keyErr):
		return status.Error(codes.InvalidArgument, err.Error())
	default:
		return status.Error(codes.Internal, err.Error())
	}
}

// GRPCClient is the host side's KV over the generated client.
type GRPCClient struct {
	client proto.KVClient
}

// Put stores value under key in the plugin.
func (c *GRPCClient) Put(key string, value []byte) error {
	_, err := c.client.Put(context.Background(), &proto.PutRequest{Key: key, Value: value})
	return err
}

// Get fetches the value of key from the plugin.
func (c *GRPCClient) Get(key string) ([]byte, error) {
	resp, err := c.client.Get(context.Background(), &proto.GetRequest{Key: key})
	if err != nil {
		return nil, err
	}
	return resp.Value, nil
}

// NewLogger is the plugin's logger: JSON lines on the process's real stderr, which go-plugin
// hosts parse and re-log at the line's level. Taken before plugin.Serve swaps os.Stderr.
func NewLogger(name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      hclog.Debug,
		Output:     os.Stderr,
		JSONFormat: true,
	})
}

// ServeConfig is the gRPC serve configuration of kv-go for impl; callers may adjust it.
func ServeConfig(impl KV, logger hclog.Logger) *plugin.ServeConfig {
	return &plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         plugin.PluginSet{PluginName: &GRPCPlugin{Impl: impl}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          logger,
	}
}

// DataDir is $KV_DATA_DIR when set, else the working directory.
func DataDir() (string, error) {
	if dir := os.Getenv("KV_DATA_DIR"); dir != "" {
		return dir, nil
	}
	return os.Getwd()
}
