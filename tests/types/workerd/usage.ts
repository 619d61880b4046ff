// Compiled with the "workerd" condition (tsc -p tests/types/workerd): what
// a Worker build of the package sees.
import { Kraiter, durableObjectStorage } from "kraiter-segments";
// @ts-expect-error: fileStorage is Node only
import { fileStorage } from "kraiter-segments";
// @ts-expect-error: indexedDBStorage is browsers only
import { indexedDBStorage } from "kraiter-segments";

declare const state: { storage: unknown };
const kraiter = await Kraiter.open({ storage: durableObjectStorage(state.storage) });
void fileStorage; void indexedDBStorage;
await kraiter.close();
