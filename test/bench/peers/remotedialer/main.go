// A Rancher-style cluster proxy, the benchmark's peer: "server" takes a user's HTTPS request
// (a client certificate names the user and groups), sets the impersonation headers as
// Rancher's cluster proxy does, and reaches the API server through a remotedialer tunnel that
// "client", running beside the API server, holds open to it.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rancher/remotedialer"
	"github.com/sirupsen/logrus"
)

const clientKey = "bench-agent"

func main() {
	logrus.SetLevel(logrus.WarnLevel)
	if len(os.Args) < 2 {
		log.Fatal("usage: warren-bench-remotedialer server|client [flags]")
	}
	switch os.Args[1] {
	case "server":
		server(os.Args[2:])
	case "client":
		client(os.Args[2:])
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}

func mustRead(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return data
}

// A self-signed serving certificate for 127.0.0.1; its PEM goes to caOut for the bench to trust.
func servingCertificate(caOut string) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "warren-bench-remotedialer"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}
	certPem := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(caOut, certPem, 0o600); err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// The proxy to the API server, dialled through the tunnel, as the user the certificate names.
func clusterProxy(tunnel *remotedialer.Server, upstream *url.URL, upstreamCA []byte, token string) http.Handler {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(upstreamCA)
	transport := &http.Transport{
		DialContext:         tunnel.Dialer(clientKey),
		TLSClientConfig:     &tls.Config{RootCAs: roots, ServerName: upstream.Hostname()},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
	}
	const prefix = "/k8s/clusters/bench"
	return &httputil.ReverseProxy{
		Transport:     transport,
		FlushInterval: -1,
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			r.Out.URL.Path = strings.TrimPrefix(r.In.URL.Path, prefix)
			r.Out.URL.RawPath = ""
			for name := range r.Out.Header {
				if strings.HasPrefix(strings.ToLower(name), "impersonate-") {
					r.Out.Header.Del(name)
				}
			}
			user := r.In.TLS.PeerCertificates[0].Subject
			r.Out.Header.Set("Authorization", "Bearer "+token)
			r.Out.Header.Set("Impersonate-User", user.CommonName)
			for _, group := range user.Organization {
				r.Out.Header.Add("Impersonate-Group", group)
			}
		},
	}
}

func listen() net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	return l
}

func server(args []string) {
	flags := flag.NewFlagSet("server", flag.ExitOnError)
	upstreamURL := flags.String("upstream", "", "the API server's URL")
	upstreamCA := flags.String("upstream-ca", "", "PEM file of the API server's CA")
	tokenFile := flags.String("token-file", "", "a token that may impersonate")
	clientCA := flags.String("client-ca", "", "PEM file of the CA of users' certificates")
	caOut := flags.String("serving-ca-out", "", "where to write the serving certificate")
	_ = flags.Parse(args)
	upstream, err := url.Parse(*upstreamURL)
	if err != nil {
		log.Fatal(err)
	}
	token := strings.TrimSpace(string(mustRead(*tokenFile)))

	authorizer := func(req *http.Request) (string, bool, error) {
		go announceSession(req.Context())
		return clientKey, req.Header.Get("X-Tunnel-ID") == clientKey, nil
	}
	tunnel := remotedialer.New(authorizer, remotedialer.DefaultErrorWriter)
	tunnelListener := listen()
	go func() { log.Fatal(http.Serve(tunnelListener, tunnel)) }()

	users := x509.NewCertPool()
	users.AppendCertsFromPEM(mustRead(*clientCA))
	userListener := tls.NewListener(listen(), &tls.Config{
		Certificates: []tls.Certificate{servingCertificate(*caOut)},
		ClientCAs:    users,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		NextProtos:   []string{"http/1.1"},
	})
	proxy := clusterProxy(tunnel, upstream, mustRead(*upstreamCA), token)
	go func() { log.Fatal(http.Serve(userListener, proxy)) }()
	ready, _ := json.Marshal(map[string]string{
		"user": userListener.Addr().String(), "tunnel": tunnelListener.Addr().String(),
	})
	fmt.Println(string(ready))
	announced = func() bool { return tunnel.HasSession(clientKey) }
	select {}
}

var announced func() bool

// remotedialer has no hook for "session added": it is added just after the authorizer runs.
func announceSession(ctx context.Context) {
	ticker := time.NewTicker(5 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if announced() {
				fmt.Println("session ready")
				return
			}
		}
	}
}

func client(args []string) {
	flags := flag.NewFlagSet("client", flag.ExitOnError)
	serverAddr := flags.String("server", "", "host:port of the server's tunnel listener")
	allow := flags.String("allow", "", "the only host:port the server may dial (the API server)")
	_ = flags.Parse(args)
	headers := http.Header{"X-Tunnel-ID": []string{clientKey}}
	allowed := func(proto, address string) bool { return proto == "tcp" && address == *allow }
	for {
		err := remotedialer.ClientConnect(context.Background(), "ws://"+*serverAddr+"/connect",
			headers, nil, allowed, nil)
		log.Printf("tunnel ended: %v", err)
	}
}
