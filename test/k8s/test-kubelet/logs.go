package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// followPollInterval is how often a followed log is checked for new lines; the real kubelet
// uses inotify, which buys nothing for a test node.
const followPollInterval = 20 * time.Millisecond

func newHandler(rootDir string) http.Handler {
	r := runtime{rootDir: rootDir}
	mux := http.NewServeMux()
	for _, method := range []string{"GET", "POST"} {
		mux.HandleFunc(method+" /exec/{namespace}/{pod}/{container}", r.serveExec)
		mux.HandleFunc(method+" /exec/{namespace}/{pod}/{uid}/{container}", r.serveExec)
		mux.HandleFunc(method+" /attach/{namespace}/{pod}/{container}", r.serveAttach)
		mux.HandleFunc(method+" /attach/{namespace}/{pod}/{uid}/{container}", r.serveAttach)
		mux.HandleFunc(method+" /portForward/{namespace}/{pod}", r.servePortForward)
		mux.HandleFunc(method+" /portForward/{namespace}/{pod}/{uid}", r.servePortForward)
	}
	mux.HandleFunc("GET /containerLogs/{namespace}/{pod}/{container}", r.serveLogs)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	return mux
}

// serveLogs streams ROOT/NAMESPACE/POD/CONTAINER.log; with follow=true it keeps sending what
// is appended until the client goes away.
func (r runtime) serveLogs(w http.ResponseWriter, req *http.Request) {
	dir, err := r.forRequest(req).containerDir(req.PathValue("pod"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	file, err := os.OpenFile(filepath.Join(dir, req.PathValue("container")+".log"), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer file.Close()
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	follow := req.URL.Query().Get("follow") == "true"
	flusher, _ := w.(http.Flusher)
	ticker := time.NewTicker(followPollInterval)
	defer ticker.Stop()
	for {
		if _, err := io.Copy(w, file); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		if !follow {
			return
		}
		select {
		case <-req.Context().Done():
			return
		case <-ticker.C:
		}
	}
}
