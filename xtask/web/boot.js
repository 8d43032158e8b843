// Starts the console: imports the wasm-bindgen module and the wasm binary that trunk names in
// the `switchboard-js` / `switchboard-wasm` meta tags. It is a separate same-origin file so the
// page needs no inline script under `script-src 'self' 'wasm-unsafe-eval'`.
//
// index.html loads it `async`, so it runs as soon as it arrives rather than after the whole
// document and every stylesheet: the wasm is compiled while its bytes are still arriving and
// the stylesheets load, and only the start of the app waits for the document to be parsed.
const bundle = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: was it built by trunk?`);
  }
  return meta.content;
};

const wasmUrl = bundle("switchboard-wasm");

// The release bundle keeps most pages in wasm chunks (src/pages/mod.rs), which
// the app fetches only once it runs. Fetching the opened page's chunk now, while the main
// module downloads and compiles, takes that second round trip off the first render. The
// bundle step writes which chunk each route needs (`switchboard-routes`, read from the
// router and the page declarations); a path it does not know fetches nothing early.
const routes = document.querySelector('meta[name="switchboard-routes"]');
const chunkFor = (path) => {
  const segments = path.split("/");
  for (const entry of (routes ? routes.content.split(";") : [])) {
    const [pattern, chunk] = entry.split("=");
    const want = pattern.split("/");
    if (want.length === segments.length
      && want.every((s, i) => s.startsWith(":") ? segments[i] !== "" : s === segments[i])) {
      return chunk || null;
    }
  }
  return null;
};
const chunks = document.querySelector('meta[name="switchboard-chunks"]');
if (chunks) {
  const wanted = chunkFor(location.pathname.replace(/\/+$/, "") || "/");
  const dir = new URL(".", new URL(bundle("switchboard-js"), location.href));
  for (const entry of chunks.content.split(";")) {
    const [chunk, files] = entry.split(":");
    if (chunk !== wanted || !files) continue;
    for (const file of files.split(" ")) {
      const link = document.createElement("link");
      link.rel = "preload";
      link.as = "fetch";
      link.crossOrigin = "anonymous";
      link.href = new URL(file, dir).href;
      document.head.append(link);
    }
  }
}
// Streaming compilation needs the `application/wasm` type; if a host sends another, the
// bindings' own loader fetches the file again and says what went wrong.
const compiled = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => wasmUrl);
const bindings = await import(bundle("switchboard-js"));
if (document.readyState === "loading") {
  await new Promise((parsed) => {
    document.addEventListener("DOMContentLoaded", parsed, { once: true });
  });
}
const wasm = await bindings.default({ module_or_path: await compiled });

// Same event trunk's own loader fires, so tooling that waits for it keeps working.
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
