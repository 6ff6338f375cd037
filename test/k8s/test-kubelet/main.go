// warren-test-kubelet is the node half of the test cluster: just enough kubelet for the API
// server's streaming paths (exec, attach, port-forward, logs) to reach something real. It
// registers its Node, marks the pods bound to it Running, and serves the kubelet's streaming
// endpoints with the kubelet's own streaming code. "Containers" are directories on this host:
// exec runs the command there, attach echoes stdin, port-forward dials 127.0.0.1, and logs are
// files that tests append to.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

type config struct {
	kubeconfig string
	nodeName   string
	rootDir    string
	certFile   string
	keyFile    string
	clientCA   string
}

func main() {
	var c config
	flag.StringVar(&c.kubeconfig, "kubeconfig", "", "admin kubeconfig used to register the Node and update pods")
	flag.StringVar(&c.nodeName, "node-name", "warren-test-node", "name of the Node this kubelet registers")
	flag.StringVar(&c.rootDir, "root-dir", "", "directory holding each container's working directory and log file")
	flag.StringVar(&c.certFile, "tls-cert-file", "", "serving certificate (must be valid for 127.0.0.1)")
	flag.StringVar(&c.keyFile, "tls-private-key-file", "", "serving key")
	flag.StringVar(&c.clientCA, "client-ca-file", "", "CA that signs the API server's kubelet client certificate")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintf(os.Stderr, "warren-test-kubelet: %v\n", err)
		os.Exit(1)
	}
}

func run(c config) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	tlsConfig, err := serverTLS(c)
	if err != nil {
		return err
	}
	// Port 0: the Node object is how the API server (and tests) learn the port.
	listener, err := tls.Listen("tcp", "127.0.0.1:0", tlsConfig)
	if err != nil {
		return err
	}
	port := listener.Addr().(*net.TCPAddr).Port
	server := &http.Server{Handler: newHandler(c.rootDir)}
	go func() {
		<-ctx.Done()
		_ = server.Close()
	}()
	client, err := newClient(c.kubeconfig)
	if err != nil {
		return err
	}
	go runNode(ctx, client, c.nodeName, int32(port))
	fmt.Fprintf(os.Stderr, "warren-test-kubelet: node %s serving on 127.0.0.1:%d\n", c.nodeName, port)
	if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

func serverTLS(c config) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading the serving certificate: %w", err)
	}
	caPEM, err := os.ReadFile(c.clientCA)
	if err != nil {
		return nil, fmt.Errorf("reading --client-ca-file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("--client-ca-file %s holds no certificate", c.clientCA)
	}
	// Only the API server (a client certificate from the cluster CA) may run commands here.
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	}, nil
}
