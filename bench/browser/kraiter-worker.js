// The module worker the browser bench runs kraiter in: the SDK's own
// serveKraiter (what openInWorker talks to), plus one task that reports wasm
// linear memory, which the worker protocol does not carry otherwise.
import { serveKraiter } from "../../js/browser-worker-host.js";

serveKraiter({ tasks: { memoryBytes: (k) => k._debugMemoryBytes() } });
