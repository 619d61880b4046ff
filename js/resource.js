// How the SDK resource classes are derived from the command table
// (js/commands.js): a base class that remembers its Core, the generic method
// every table entry becomes, and the text lane the Worker's Durable Object
// uses (request text in, engine reply text out, no parse/stringify between).
// Resources with logic of their own (the segments compute queue) define those
// methods themselves and hook their results through SHAPE / SHAPE_TEXT.

import { COMMANDS, engineInput, importOptions, options } from "./commands.js";
import { queryPages } from "./page.js";
import { detectFormat, isTextInput, readText } from "./text-input.js";

const cores = new WeakMap(); // resource instance → Core

/** Hook a resource may define: (command, result) → result, for every derived method's result and page. */
export const SHAPE = Symbol("kraiter.shape");
/** Hook a resource may define: (command, replyText) → replyText, for the text lane. */
export const SHAPE_TEXT = Symbol("kraiter.shapeText");

export class Resource {
  constructor(core) {
    cores.set(this, core);
  }
}

/** Lets `deriveMethods(Class, null)` give an object (the Kraiter) the table's top-level methods. */
export function attachCore(target, core) {
  cores.set(target, core);
}

/** Runs one command's SDK method on a core: its input, its queue, its pages. */
function call(resource, command, args) {
  const core = cores.get(resource);
  const shape = resource[SHAPE] ? (result) => resource[SHAPE](command, result) : (result) => result;
  if (command.paged) {
    const withId = command.args[0] === "id";
    const params = options(withId ? args[1] : args[0], ["cursor", "limit"]);
    return queryPages(core, command.cmd, withId ? { id: args[0] } : {}, params, shape);
  }
  if (command.args.join(",") === "records,importOptions" && isTextInput(args[0])) return textImport(core, command, args, shape);
  const input = engineInput(command, args);
  // A command answered 204 over REST returns nothing in the SDK too.
  if (command.rest?.status === 204) return core.mutate(command.cmd, input).then(() => undefined);
  // A dry run plans the import as a query: its counts, nothing stored.
  const dryRun = command.args[1] === "importOptions" && importOptions(args[1]).dryRun;
  if (command.kind === "mutation" && !dryRun) return core.mutate(command.cmd, input).then(shape);
  return core.queryAsync(command.cmd, input).then(shape);
}

/** An import given NDJSON or CSV text: read to its end, then one entry with the text after the command. */
async function textImport(core, command, [source, opts], shape) {
  const { dryRun, format, columns } = importOptions(opts, true);
  const text = await readText(source);
  const input = { format: format ?? detectFormat(text), ...(columns ? { columns } : {}) };
  const reply = dryRun ? core.queryBody(command.cmd, input, text) : core.mutateBody(command.cmd, input, text);
  return reply.then(shape);
}

/**
 * Defines on `Class.prototype` every method of `resource` in the command
 * table that the class does not define itself (`resource` null: the
 * table's top-level methods, for a class whose instances `attachCore`). A table entry of kind "sdk"
 * has logic of its own, so the class must define it.
 */
export function deriveMethods(Class, resource) {
  for (const command of COMMANDS) {
    if (command.resource !== resource || command.sdk === false || Object.hasOwn(Class.prototype, command.method)) continue;
    if (command.kind === "sdk") throw new Error(`${Class.name} must define ${command.method}() itself`);
    const { [command.method]: method } = {
      async [command.method](...args) {
        return call(this, command, args);
      },
    };
    Object.defineProperty(Class.prototype, command.method, { value: method, writable: true, configurable: true });
  }
}

/**
 * The text lane: runs `command` on `kraiter` with its input given as JSON
 * text (which the caller has checked is one well-formed JSON value) and the
 * path id, if any, as the entry's `id`; resolves to the engine's reply text
 * (null for none). Rejects with a KraiterError as the SDK does.
 */
export async function runText(kraiter, command, inputText, id) {
  const resource = command.resource ? kraiter[command.resource] : kraiter;
  const core = cores.get(resource);
  const options = id === undefined ? {} : { id };
  const text = command.kind === "mutation"
    ? await core.mutateText(command.cmd, inputText, options)
    : await core.queryText(command.cmd, inputText, options);
  return resource[SHAPE_TEXT] ? resource[SHAPE_TEXT](command, text) : text;
}
