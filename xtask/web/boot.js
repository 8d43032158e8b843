// Starts the console: imports the wasm-bindgen module and the wasm binary that trunk names in
// the `switchboard-js` / `switchboard-wasm` meta tags. It is a separate same-origin file so the
// page needs no inline script under `script-src 'self' 'wasm-unsafe-eval'`.
const bundle = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) {
    throw new Error(`index.html lacks <meta name="${name}">: was it built by trunk?`);
  }
  return meta.content;
};

const bindings = await import(bundle("switchboard-js"));
const wasm = await bindings.default({ module_or_path: bundle("switchboard-wasm") });

// Same event trunk's own loader fires, so tooling that waits for it keeps working.
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
