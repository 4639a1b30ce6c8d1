"""Static server for the app: www/ at /, more folders mounted with --mount /prefix/=dir.
Binds 127.0.0.1 only. Serves a precompressed .br next to a file when the browser accepts it,
and answers If-None-Match with 304 so a reload does not fetch 30 MB of wasm again.
The app is served cross-origin isolated (COOP same-origin, COEP credentialless), so its workers
share the weights of a training step through a SharedArrayBuffer; `?isolation=off` on a page
serves it as a docs site embedding the widget would (not isolated: the workers get copies)."""
import argparse, http.server, os, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript",
         ".json": "application/json", ".ts": "text/plain", ".safetensors": "application/octet-stream"}

class Handler(http.server.SimpleHTTPRequestHandler):
    mounts = []  # (url prefix, folder), longest prefix first

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in self.mounts:
            if path.startswith(prefix):
                rel = path[len(prefix):]
                return os.path.join(folder, *[p for p in rel.split("/") if p not in ("", ".", "..")])
        return super().translate_path(path)

    def guess_type(self, path):
        return TYPES.get(os.path.splitext(path)[1], super().guess_type(path))

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) or not os.path.isfile(path):
            return super().send_head()
        st = os.stat(path)
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304); self.send_header("ETag", etag); self.end_headers()
            return None
        br = path + ".br"
        use_br = os.path.isfile(br) and "br" in self.headers.get("Accept-Encoding", "")
        f = open(br if use_br else path, "rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if use_br:
            self.send_header("Content-Encoding", "br")
        self.send_header("Content-Length", str(os.fstat(f.fileno()).st_size))
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "no-cache")  # revalidate: cheap 304s, never stale
        self.end_headers()
        return f

    def end_headers(self):
        if "isolation=off" not in self.path.split("?", 1)[-1]:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            # credentialless, not require-corp: models fetched from other sites load as before
            self.send_header("Cross-Origin-Embedder-Policy", "credentialless")
        super().end_headers()

    def log_message(self, fmt, *args):
        if os.environ.get("TABTUNE_SERVER_LOG"):
            super().log_message(fmt, *args)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--mount", action="append", default=[], help="/prefix/=folder")
    a = ap.parse_args()
    mounts = []
    for m in a.mount:
        prefix, folder = m.split("=", 1)
        mounts.append((prefix, os.path.abspath(os.path.join(ROOT, folder))))
    Handler.mounts = sorted(mounts, key=lambda m: -len(m[0]))
    handler = lambda *args, **kw: Handler(*args, directory=os.path.join(ROOT, "www"), **kw)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), handler)
    print(f"tabtune is served on http://127.0.0.1:{a.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)

if __name__ == "__main__":
    main()
