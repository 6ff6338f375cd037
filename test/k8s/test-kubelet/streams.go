package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/types"
	remotecommandconsts "k8s.io/apimachinery/pkg/util/remotecommand"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/kubelet/pkg/cri/streaming/portforward"
	remotecommandserver "k8s.io/kubelet/pkg/cri/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

const streamIdleTimeout = 4 * time.Hour

// runtime runs "containers" as directories on this host. One is made per request, for the
// namespace in its path: the streaming interfaces pass only the pod's name.
type runtime struct {
	rootDir   string
	namespace string
}

func (r runtime) forRequest(req *http.Request) runtime {
	return runtime{rootDir: r.rootDir, namespace: req.PathValue("namespace")}
}

func (r runtime) containerDir(pod string) (string, error) {
	dir := filepath.Join(r.rootDir, r.namespace, pod)
	return dir, os.MkdirAll(dir, 0o755)
}

// ExecInContainer runs cmd in the pod's directory.
func (r runtime) ExecInContainer(ctx context.Context, name string, _ types.UID, _ string, cmd []string, in io.Reader, out, errOut io.WriteCloser, _ bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if len(cmd) == 0 {
		return errors.New("no command given")
	}
	dir, err := r.containerDir(name)
	if err != nil {
		return err
	}
	command := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	command.Dir = dir
	command.Stdin, command.Stdout, command.Stderr = in, out, errOut
	err = command.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		// The kubelet's exit-code convention: kubectl exits with the same code.
		return utilexec.CodeExitError{Err: err, Code: exitErr.ExitCode()}
	}
	return err
}

// AttachContainer echoes stdin to stdout: the main process of every test container is cat.
func (r runtime) AttachContainer(_ context.Context, _ string, _ types.UID, _ string, in io.Reader, out, _ io.WriteCloser, _ bool, _ <-chan remotecommand.TerminalSize) error {
	if in == nil || out == nil {
		return nil
	}
	_, err := io.Copy(out, in)
	return err
}

// PortForward connects to the port on this host: every pod's IP is 127.0.0.1.
func (r runtime) PortForward(ctx context.Context, _ string, _ types.UID, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return err
	}
	defer conn.Close()
	done := make(chan error, 2)
	go func() { _, err := io.Copy(conn, stream); _ = conn.(*net.TCPConn).CloseWrite(); done <- err }()
	go func() { _, err := io.Copy(stream, conn); done <- err }()
	if err := <-done; err != nil {
		return err
	}
	return <-done
}

func (r runtime) serveExec(w http.ResponseWriter, req *http.Request) {
	options, err := remotecommandserver.NewOptions(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	remotecommandserver.ServeExec(w, req, r.forRequest(req), req.PathValue("pod"), "", req.PathValue("container"),
		req.URL.Query()["command"], options, streamIdleTimeout,
		remotecommandconsts.DefaultStreamCreationTimeout, remotecommandconsts.SupportedStreamingProtocols)
}

func (r runtime) serveAttach(w http.ResponseWriter, req *http.Request) {
	options, err := remotecommandserver.NewOptions(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	remotecommandserver.ServeAttach(w, req, r.forRequest(req), req.PathValue("pod"), "", req.PathValue("container"),
		options, streamIdleTimeout, remotecommandconsts.DefaultStreamCreationTimeout,
		remotecommandconsts.SupportedStreamingProtocols)
}

func (r runtime) servePortForward(w http.ResponseWriter, req *http.Request) {
	options, err := portforward.NewV4Options(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	portforward.ServePortForward(w, req, r.forRequest(req), req.PathValue("pod"), "", options, streamIdleTimeout,
		remotecommandconsts.DefaultStreamCreationTimeout, portforward.SupportedProtocols)
}
