// `wasm-opt -Oz` on many modules in one node process: binaryen's CLI is itself a node program,
// and starting it once per piece of the split bundle costs more than optimising the small ones.
//
//   node wasm-opt-all.mjs <binaryen's index.js> <in.wasm> <out.wasm> [<in.wasm> <out.wasm> …]
//
// The features are those rustc and wasm-bindgen emit for wasm32-unknown-unknown; a module using
// any other fails validation here instead of being mangled.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [binaryenPath, ...files] = process.argv.slice(2);
if (!binaryenPath || files.length === 0 || files.length % 2 !== 0) {
  console.error("usage: wasm-opt-all.mjs <binaryen index.js> <in> <out> [<in> <out> …]");
  process.exit(2);
}
const { default: binaryen } = await import(pathToFileURL(binaryenPath).href);
const F = binaryen.Features;
const features =
  F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt |
  F.ReferenceTypes | F.Multivalue | F.CallIndirectOverlong;

// -Oz: the default passes, at optimise level 2 and shrink level 2.
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
for (let i = 0; i < files.length; i += 2) {
  const [input, output] = [files[i], files[i + 1]];
  const module = binaryen.readBinary(new Uint8Array(readFileSync(input)));
  module.setFeatures(features);
  if (!module.validate()) {
    console.error(`${input}: not a valid module for these features`);
    process.exit(1);
  }
  module.optimize();
  writeFileSync(output, module.emitBinary());
  module.dispose();
}
