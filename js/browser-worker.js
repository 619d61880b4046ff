// The default module worker for openInWorker(): a Kraiter with no extra
// tasks. Apps with their own tasks write a worker like this one that passes
// them to serveKraiter({ tasks }).
import { serveKraiter } from "./browser-worker-host.js";

serveKraiter();
