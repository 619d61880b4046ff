// connect(): the Kraiter SDK surface over the Worker's REST API, for a page
// (or Node) that talks to a server tenant instead of holding the data. Every
// method is derived from the command table's `rest` routes (js/commands.js),
// so it has exactly the methods and routes the Worker answers; subscribe()
// polls each followed segment's change feed.
import { COMMANDS, RESOURCES, engineInput } from "./commands.js";
import { KraiterError, invalid } from "./errors.js";
import { makePage } from "./page.js";

const WAIT_MS = [50, 100, 200, 400, 800, 1000]; // waitForCompute's polls, then every second

/**
 * @param {{ baseUrl: string | URL, apiKey: string, fetch?: typeof fetch, pollMs?: number }} options
 *   `pollMs`: how often subscribe() reads the change feeds (default 2000).
 */
export function connect({ baseUrl, apiKey, fetch: fetchFn = globalThis.fetch.bind(globalThis), pollMs = 2000 } = {}) {
  if (!baseUrl) throw invalid("baseUrl", "must be the origin of the Kraiter API");
  if (typeof apiKey !== "string" || !apiKey.trim()) throw invalid("apiKey", "must be a non-empty string");
  const base = new URL(baseUrl);
  const key = apiKey.trim();

  async function request(method, path, query, body) {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    const init = { method, headers: { authorization: `Bearer ${key}` } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["content-type"] = "application/json";
    }
    let response;
    try {
      response = await fetchFn(url, init);
    } catch (e) {
      throw Object.assign(new KraiterError("NETWORK_ERROR", `Could not reach ${base.origin}: ${e.message}`), { status: 0 });
    }
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const e = json?.error;
      const error = new KraiterError(e?.code ?? "HTTP_ERROR", e?.message ?? `${method} ${url.pathname} answered ${response.status}`, e?.details);
      error.status = response.status;
      throw error;
    }
    return json;
  }

  /**
   * The route a call takes: its own, or a REST-only sibling on the same path
   * that a flag of the options selects (`import(records, { dryRun: true })` →
   * `?dryRun=true`).
   */
  function routeOf(command, args) {
    const flags = args.at(-1);
    const sibling = COMMANDS.find((c) => c !== command && c.sdk === false && c.rest?.when && c.rest.path === command.rest.path
      && c.rest.method === command.rest.method && flags && typeof flags === "object" && flags[c.rest.when] === true);
    return sibling ? { command: sibling, flags: { [sibling.rest.when]: "true" } } : { command, flags: {} };
  }

  /** One command's REST call: path parameters, query parameters, then the body, from the engine input. */
  function call(original, args) {
    const input = engineInput(original, args); // checks every argument, options included
    const { command, flags } = routeOf(original, args);
    const { method, path, query: names = [], body } = command.rest;
    const rest = Array.isArray(input) ? input : { ...input };
    const filled = path.replace(/:(\w+)/g, (_, name) => {
      const value = rest[name];
      delete rest[name];
      if (typeof value !== "string" || !value) throw invalid(name, "must be a non-empty string");
      return encodeURIComponent(value);
    });
    const query = { ...flags };
    if (!Array.isArray(rest)) {
      for (const name of names) {
        if (rest[name] !== undefined && rest[name] !== null) query[name] = rest[name];
        delete rest[name];
      }
    }
    return request(method, filled, query, body ? rest : undefined);
  }

  function method(command) {
    if (command.paged) {
      const withId = command.args[0] === "id";
      return async (...args) => {
        const params = (withId ? args[1] : args[0]) ?? {};
        const page = async (cursor) => {
          const p = { ...params, cursor: cursor ?? undefined };
          const answer = await call(command, withId ? [args[0], p] : [p]);
          return makePage(answer, page);
        };
        return page(params.cursor);
      };
    }
    if (command.rest.answer === "page") {
      return async (...args) => {
        const { data } = await call(command, args);
        if (!data.length) throw new KraiterError("NOT_FOUND", `No ${command.resource.replace(/s$/, "")} matches ${JSON.stringify(args[0])}`);
        return data[0];
      };
    }
    return async (...args) => {
      const answer = await call(command, args);
      return command.rest.status === 204 ? undefined : answer;
    };
  }

  const client = {};
  for (const resource of RESOURCES) client[resource] = {};
  for (const command of COMMANDS) {
    if (command.sdk === false || !command.rest) continue;
    const fn = method(command);
    (command.resource ? client[command.resource] : client)[command.method] = fn; // no resource: a method of the Kraiter (schema)
  }

  /** Resolves with the segment once no computation of it is queued or running (polls GET). */
  client.segments.waitForCompute = async (id) => {
    for (let i = 0; ; i++) {
      const segment = await client.segments.get(id);
      if (segment.status !== "computing") return segment;
      await sleep(WAIT_MS[Math.min(i, WAIT_MS.length - 1)]);
    }
  };

  const poller = changePoller(client, pollMs);
  client.segments.subscribe = poller.subscribe;
  /** Stops polling; the client holds nothing else. */
  client.close = async () => poller.stop();
  return client;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * subscribe(id | "*", listener) by polling: each tick reads the change feed of
 * every followed segment ("*": every live segment) from where the last read
 * ended. A segment already there when polling starts is read from its feed's
 * end; one seen later from its start. One timer, unref'd in Node, runs only
 * while someone listens.
 */
function changePoller(client, pollMs) {
  const listeners = new Set();
  const cursors = new Map(); // segment id → cursor after the last change read
  let timer = null;
  let started = false;

  async function endCursor(id) {
    let page = await client.segments.changes(id, { limit: 100 });
    while (page.data.length) page = await client.segments.changes(id, { limit: 100, cursor: page.nextCursor });
    return page.nextCursor;
  }

  async function followed() {
    const ids = new Set([...listeners].filter((l) => l.id !== "*").map((l) => l.id));
    if ([...listeners].some((l) => l.id === "*")) {
      for await (const s of await client.segments.list({ limit: 100 })) if (s.live) ids.add(s.id);
    }
    return ids;
  }

  async function tick() {
    const ids = await followed();
    for (const id of cursors.keys()) if (!ids.has(id)) cursors.delete(id);
    for (const id of ids) {
      if (!cursors.has(id)) {
        cursors.set(id, started ? undefined : await endCursor(id));
        if (!started) continue;
      }
      let page = await client.segments.changes(id, { limit: 100, cursor: cursors.get(id) });
      for (;;) {
        for (const change of page.data) deliver(change);
        cursors.set(id, page.nextCursor);
        if (!page.data.length) break;
        page = await client.segments.changes(id, { limit: 100, cursor: page.nextCursor });
      }
    }
    started = true;
  }

  function deliver(change) {
    for (const l of [...listeners]) {
      if (l.id !== "*" && l.id !== change.segmentId) continue;
      try {
        l.listener(change);
      } catch (e) {
        console.error("kraiter-segments: a change subscriber threw", e);
      }
    }
  }

  function schedule(ms) {
    timer = setTimeout(async () => {
      try {
        await tick();
      } catch (e) {
        if (e?.code !== "NOT_FOUND") console.warn("kraiter-segments: polling the change feed failed:", e.message);
        if (e?.code === "NOT_FOUND") cursors.clear(); // a followed segment was deleted: start over
      }
      if (listeners.size) schedule(pollMs);
      else timer = null;
    }, ms);
    timer.unref?.();
  }

  function stop() {
    listeners.clear();
    clearTimeout(timer);
    timer = null;
    cursors.clear();
    started = false;
  }

  function subscribe(id, listener) {
    if (typeof id !== "string" || !id) throw invalid("id", 'must be a segment id or "*"');
    if (typeof listener !== "function") throw invalid("listener", "must be a function");
    const entry = { id, listener };
    listeners.add(entry);
    if (!timer) {
      started = false;
      cursors.clear();
      schedule(0);
    } else if (id !== "*" && !cursors.has(id)) {
      endCursor(id).then((c) => { if (!cursors.has(id)) cursors.set(id, c); }, () => {});
    }
    return () => {
      listeners.delete(entry);
      if (!listeners.size) stop();
    };
  }

  return { subscribe, stop };
}
