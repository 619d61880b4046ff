// What a REST request does with a tenant's Kraiter instance, derived from the
// command table (js/commands.js): the engine input, the success status, and
// the answer's text. Runs inside the tenant's Durable Object (tenant.js); the
// HTTP layer (index.js) has already checked auth, route, query and body.
//
// The text lane: a body is handed to the engine as the text the client sent
// and the engine's reply text is the response body; neither is parsed or
// re-serialised here, so no input of any depth is ever walked in JS.
import { engineInput } from "../commands.js";
import { runText } from "../resource.js";

const EMPTY_PAGE = '{"data":[],"nextCursor":null}';

/** The SDK arguments a bodyless request stands for: path id, query parameters. */
function argsFrom(command, { params, query }) {
  return command.args.map((arg) => {
    if (arg === "id") return params.id;
    if (arg === "params") return query;
    if (arg === "email") return query.email;
    if (arg === "contactId") return query.contactId;
    throw new Error(`${command.name}: no REST source for ${arg}`);
  });
}

/**
 * Runs one REST request: `{ params, query, bodyText }` → `{ status, text }`
 * (text null for no content). Rejects with a KraiterError; `host.afterCompute`
 * keeps a background computation alive and persisted.
 */
export async function runOperation(kraiter, command, request, host) {
  const { params, bodyText } = request;
  if (command.name === "segments.compute") {
    const queued = await kraiter.segments.compute(params.id);
    await host.afterCompute(params.id, queued.queuedAt);
    return { status: command.rest.status, text: JSON.stringify(queued) };
  }
  let text;
  try {
    text = command.rest.body
      ? await runText(kraiter, command, bodyText, params.id) // the path id, if any, rides in the entry
      : await runText(kraiter, command, JSON.stringify(engineInput(command, argsFrom(command, request))));
  } catch (error) {
    if (command.rest.answer === "page" && error?.code === "NOT_FOUND") return { status: command.rest.status, text: EMPTY_PAGE };
    throw inQuery(command, error);
  }
  if (command.rest.answer === "page") text = `{"data":[${text}],"nextCursor":null}`;
  return { status: command.rest.status, text: command.rest.status === 204 ? null : text };
}

/** A validation error about a query parameter (`limit`, `cursor`) points at `query.<name>`. */
function inQuery(command, error) {
  const names = command.rest.body ? [] : command.rest.query ?? [];
  if (error?.code !== "VALIDATION_ERROR" || !Array.isArray(error.details) || names.length === 0) return error;
  let changed = false;
  const details = error.details.map((d) => {
    if (!names.includes(d.path)) return d;
    changed = true;
    return { ...d, path: `query.${d.path}` };
  });
  if (changed) error.details = details;
  return error;
}
