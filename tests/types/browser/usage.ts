// Compiled with the "browser" condition (tsc -p tests/types/browser): what
// a browser build of the package sees.
import { Kraiter, connect, indexedDBStorage, openInWorker } from "kraiter-segments";
// @ts-expect-error: fileStorage is Node only
import { fileStorage } from "kraiter-segments";
// @ts-expect-error: durableObjectStorage is Workers only
import { durableObjectStorage } from "kraiter-segments";

const kraiter = await Kraiter.open({ storage: indexedDBStorage("app", { onWaiting: () => {} }) });
const worker = await openInWorker({ storageName: "app" });
const stats: { contacts: number } = await worker.stats();
void stats; void fileStorage; void durableObjectStorage;
await kraiter.close();
const remote = connect({ baseUrl: "http://127.0.0.1:8787", apiKey: "kraiter_demo_key" });
const unsubscribe: () => void = remote.segments.subscribe("*", (change) => void change.type);
unsubscribe();
await remote.close();
