// What each REST operation does with a tenant's Kraiter instance, and with which
// status it answers. Runs inside the tenant's Durable Object (tenant.js); the
// HTTP layer (index.js) has already checked auth, route and body shape.

/** Query string → list options: `limit` becomes a number when it is one; anything else goes to the SDK to reject. */
function listOptions(query) {
  const options = {};
  if (query.cursor !== undefined && query.cursor !== "") options.cursor = query.cursor;
  if (query.limit !== undefined) options.limit = /^-?\d+$/.test(query.limit) ? Number(query.limit) : query.limit;
  return options;
}

const page = (result) => ({ data: result.data, nextCursor: result.nextCursor ?? null });

/**
 * Each operation: (kraiter, { params, query, body }, host) → { status, body }.
 * `host.afterCompute(id)` keeps a background computation alive and persisted.
 */
export const OPERATIONS = {
  "segments.create": async (k, { body }) => ({ status: 201, body: await k.segments.create(body) }),
  "segments.list": async (k, { query }) => ({ status: 200, body: page(await k.segments.list(listOptions(query))) }),
  "segments.get": async (k, { params }) => ({ status: 200, body: await k.segments.get(params.id) }),
  "segments.update": async (k, { params, body }) => ({ status: 200, body: await k.segments.update(params.id, body) }),
  "segments.delete": async (k, { params }) => {
    await k.segments.delete(params.id);
    return { status: 204 };
  },
  "segments.listMembers": async (k, { params, query }) => ({
    status: 200,
    body: page(await k.segments.listMembers(params.id, listOptions(query))),
  }),
  "segments.compute": async (k, { params }, host) => {
    const queued = await k.segments.compute(params.id);
    await host.afterCompute(params.id, queued.queuedAt);
    return { status: 202, body: queued };
  },
  "segments.preview": async (k, { body }) => {
    const options = body.limit === undefined ? {} : { limit: body.limit };
    return { status: 200, body: await k.segments.preview(body.rules, options) };
  },
  "contacts.create": async (k, { body }) => ({ status: 201, body: await k.contacts.create(body) }),
  "contacts.list": async (k, { query }) => ({ status: 200, body: page(await k.contacts.list(listOptions(query))) }),
  "contacts.get": async (k, { params }) => ({ status: 200, body: await k.contacts.get(params.id) }),
  "contacts.update": async (k, { params, body }) => ({ status: 200, body: await k.contacts.update(params.id, body) }),
  "contacts.delete": async (k, { params }) => {
    await k.contacts.delete(params.id);
    return { status: 204 };
  },
  "contacts.import": async (k, { body }) => ({ status: 200, body: await k.contacts.import(body) }),
  "events.track": async (k, { body }) => ({ status: 201, body: await k.events.track(body) }),
  "events.import": async (k, { body }) => ({ status: 200, body: await k.events.import(body) }),
};
