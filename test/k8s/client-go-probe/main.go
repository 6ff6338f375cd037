// warren-client-go-probe is a client-go program as controllers and operators are written: it
// lists, watches and execs through a kubeconfig, asking for protobuf as they do, and prints
// what it saw, so tests can run it straight against the API server and through the hub and
// compare.
//
// Usage: warren-client-go-probe KUBECONFIG NAMESPACE POD
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/remotecommand"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: warren-client-go-probe KUBECONFIG NAMESPACE POD")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, namespace, pod string) error {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	config.ContentType = "application/vnd.kubernetes.protobuf"
	config.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	configMaps := client.CoreV1().ConfigMaps(namespace)
	list, err := configMaps.List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	names := []string{}
	for _, item := range list.Items {
		names = append(names, item.Name)
	}
	sort.Strings(names)
	fmt.Printf("list: %s\n", strings.Join(names, ","))
	watcher, err := configMaps.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer watcher.Stop()
	created := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "from-client-go"}}
	if _, err := configMaps.Create(ctx, created, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	for event := range watcher.ResultChan() {
		if cm, ok := event.Object.(*corev1.ConfigMap); ok && cm.Name == created.Name {
			fmt.Printf("watch: %s %s\n", event.Type, cm.Name)
			break
		}
	}
	out, err := execIn(ctx, config, client, namespace, pod)
	if err != nil {
		return fmt.Errorf("exec: %w", err)
	}
	fmt.Printf("exec: %q\n", out)
	return nil
}

// execIn runs a command with stdin as kubectl does: WebSocket first, SPDY if refused.
func execIn(ctx context.Context, config *rest.Config, client *kubernetes.Clientset, namespace, pod string) (string, error) {
	request := client.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).
		Name(pod).SubResource("exec").VersionedParams(&corev1.PodExecOptions{
		Container: "main",
		Command:   []string{"sh", "-c", "cat; echo done"},
		Stdin:     true,
		Stdout:    true,
		Stderr:    true,
	}, scheme.ParameterCodec)
	websocket, err := remotecommand.NewWebSocketExecutor(config, "GET", request.URL().String())
	if err != nil {
		return "", err
	}
	spdy, err := remotecommand.NewSPDYExecutor(config, "POST", request.URL())
	if err != nil {
		return "", err
	}
	executor, err := remotecommand.NewFallbackExecutor(websocket, spdy, httpstream.IsUpgradeFailure)
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	err = executor.StreamWithContext(ctx, remotecommand.StreamOptions{
		Stdin:  strings.NewReader("via client-go\n"),
		Stdout: &stdout,
		Stderr: &stderr,
	})
	return stdout.String() + stderr.String(), err
}
