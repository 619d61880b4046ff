// Types shared by every runtime entry of kraiter-segments (node.d.ts,
// browser.d.ts, workerd.d.ts add what only their runtime has), written by hand so they
// read like the manual (README.md, "The API").

export type ErrorCode = "VALIDATION_ERROR" | "NOT_FOUND" | "CONFLICT" | "UNAUTHORISED" | "STORAGE_ERROR";

export interface ErrorDetail {
  /** Where in the input, e.g. `rules.conditions[1].op` or `[3].email`. */
  path: string;
  message: string;
}

export class KraiterError extends Error {
  constructor(code: ErrorCode, message: string, details?: ErrorDetail[]);
  readonly name: "KraiterError";
  code: ErrorCode;
  /** 400, 404, 409, 401 or 500. */
  status: number;
  details?: ErrorDetail[];
  toJSON(): { error: { code: ErrorCode; message: string; details?: ErrorDetail[] } };
}

export type Scalar = string | number | boolean;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Properties = Record<string, JsonValue>;

export type PropertyOp =
  | "eq" | "neq" | "gt" | "gte" | "lt" | "lte" | "in" | "not_in" | "contains" | "not_contains"
  | "starts_with" | "ends_with" | "exists" | "not_exists" | "before" | "after" | "matches" | "not_matches"
  | "equals" | "not_equals" | "notEquals" | "greaterThan" | "greaterThanOrEquals" | "lessThan"
  | "lessThanOrEquals" | "notContains" | "startsWith" | "endsWith" | "notExists";
export type EventOp = "occurred" | "not_occurred";
export type SystemField = "email" | "createdAt" | "updatedAt" | "suppressed";
export type ComparisonOp =
  | "eq" | "neq" | "gt" | "gte" | "lt" | "lte"
  | "equals" | "not_equals" | "notEquals" | "greaterThan" | "greaterThanOrEquals" | "lessThan" | "lessThanOrEquals";
/** `"now"`, `-N<unit>` or `+N<unit>` (units m, h, d, w), or an ISO date / date-time. */
export type DateValue = string;

export interface PropertyCondition {
  field: `properties.${string}` | SystemField;
  op: PropertyOp;
  /** A scalar, a list (`in`, `not_in`), a pattern (`matches`), a date or a relative date (`before`, `gt`, …). */
  value?: Scalar | Scalar[];
  /** An IANA zone: dates without an offset in `value` are local times there. Only with a date value. */
  timeZone?: string;
}

/** A condition inside `where`: on the event's own `properties.<key>`. */
export interface EventPropertyCondition {
  field: `properties.${string}`;
  op: PropertyOp;
  value?: Scalar | Scalar[];
  timeZone?: string;
}

export interface WhereGroup {
  operator: "and" | "or" | "not";
  conditions: WhereNode[];
}
export type WhereNode = WhereGroup | EventPropertyCondition;
export type Where = WhereGroup | WhereNode[] | EventPropertyCondition;

export type Having =
  | { fn: "count"; op: ComparisonOp; value: number }
  | { fn: "sum" | "avg" | "min" | "max" | "distinct"; property: string; op: ComparisonOp; value: number };

export interface EventCondition {
  field: `events.${string}`;
  op: EventOp;
  /** `30m`, `2h`, `7d`, `1w`: at most 3650 days. Not with `from` / `to`. */
  within?: string;
  /** `from ≤ t < to`: ISO dates, `"now"`, or offsets like `"-90d"`. */
  from?: DateValue;
  to?: DateValue;
  /** An IANA zone: `within` in days counts calendar days there; local dates in `from` / `to`. */
  timeZone?: string;
  where?: Where;
  having?: Having;
}

/** Member of any (`in`) or none (`not_in`) of saved segments, by their current rules. */
export interface SegmentReference {
  field: "segment";
  op: "in" | "not_in";
  value: string[];
}

export type Condition = PropertyCondition | EventCondition | SegmentReference;

export interface Group {
  operator: "and" | "or";
  conditions: RuleNode[];
}

/** True when its one node is false. */
export interface NotGroup {
  operator: "not";
  conditions: [RuleNode];
}

export type RuleNode = Group | NotGroup | Condition;
/** A group, a bare array meaning an `and` group, or one condition. */
export type Rules = Group | NotGroup | RuleNode[] | Condition;

/** One node of an explanation: the canonical node, its path and result, and what decided it. */
export interface ExplainNode {
  path: string;
  result: boolean;
  operator?: "and" | "or" | "not";
  conditions?: ExplainNode[];
  field?: string;
  op?: string;
  /** A property or system field condition: the value read (absent when the contact has none). */
  actual?: JsonValue;
  /** An event condition: the window (null when none), the matching events and the `having` aggregate. */
  window?: { from: string | null; to: string | null } | null;
  count?: number;
  value?: number | null;
  firstAt?: string | null;
  lastAt?: string | null;
  /** A segment reference: each listed segment, with its own tree. */
  segments?: { id: string; member: boolean; tree: ExplainNode | null }[];
  [key: string]: unknown;
}

export interface Explanation {
  contactId: string;
  member: boolean;
  now: string;
  tree: ExplainNode;
}

export interface Segment {
  id: string;
  name: string;
  /** Always returned in canonical form: a group, short op names. */
  rules: Group;
  memberCount: number;
  computedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** `new`: never computed; `computing`: a compute is queued or running; `ready`: computed. */
  status: "new" | "computing" | "ready";
  /** Kept current after every call and as time passes (README "Live segments"). */
  live: boolean;
  /** When the members next change with time alone, if live; null when nothing can. */
  nextChangeAt: string | null;
}

export interface Member {
  id: string;
  email: string;
  properties: Properties;
  joinedAt: string;
}

export interface Contact {
  id: string;
  email: string;
  properties: Properties;
  suppressed: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Event {
  id: string;
  name: string;
  contactId: string;
  properties: Properties;
  timestamp: string;
  createdAt: string;
}

export interface ListParams {
  cursor?: string | null;
  /** 1 to 100; default 20. */
  limit?: number;
}

/** A page that can also be iterated with `for await` over every item of every page. */
export interface Page<T> extends AsyncIterable<T> {
  data: T[];
  nextCursor: string | null;
}

/** One membership change of a segment. */
export interface Change {
  id: string;
  segmentId: string;
  contactId: string;
  email: string;
  type: "entered" | "left";
  at: string;
  cause: "compute" | "contact" | "event" | "time" | "rules";
}

export interface ChangePage extends AsyncIterable<Change> {
  data: Change[];
  nextCursor: string;
}

export interface ComputeReceipt {
  segmentId: string;
  status: "computing";
  queuedAt: string;
}

export interface Preview {
  count: number;
  sample: Member[];
}

export interface SegmentsResource {
  /** `live: true` keeps the members current after every call and as time passes. */
  create(input: { name: string; rules: Rules; live?: boolean }): Promise<Segment>;
  list(params?: ListParams): Promise<Page<Segment>>;
  get(id: string): Promise<Segment>;
  /** Does not recompute membership, unless the segment is (made) live. */
  update(id: string, patch: { name?: string; rules?: Rules; live?: boolean }): Promise<Segment>;
  delete(id: string): Promise<void>;
  listMembers(id: string, params?: ListParams): Promise<Page<Member>>;
  /** Queues a computation and answers at once. */
  compute(id: string): Promise<ComputeReceipt>;
  /** Resolves once no computation of the segment is queued or running. */
  waitForCompute(id: string): Promise<Segment>;
  /** Counts and samples members without storing anything. `limit` 0 to 100 (default 20); 0 answers the count alone. */
  preview(rules: Rules, options?: { limit?: number }): Promise<Preview>;
  /** Why a contact is or is not a member of a saved segment (its id) or of rules. */
  explain(idOrRules: string | Rules, contactId: string): Promise<Explanation>;
  /** The segment's change feed, oldest first; `nextCursor` is never null (poll from it). */
  changes(id: string, params?: ListParams): Promise<ChangePage>;
  /** A cursor after the newest change of every segment. */
  changesHead(): Promise<{ cursor: string }>;
  /** Calls `listener` once per change of `id` (or of every segment, "*"), in feed order, after it is durable. Returns the unsubscribe function. */
  subscribe(id: string | "*", listener: (change: Change) => void): () => void;
}

export interface ContactInput {
  email: string;
  properties?: Properties;
  /** Default false. */
  suppressed?: boolean;
}

export interface ContactsResource {
  create(input: ContactInput): Promise<Contact>;
  get(id: string): Promise<Contact>;
  /** The contact with this email, compared case-insensitively; NOT_FOUND if there is none. */
  getByEmail(email: string): Promise<Contact>;
  /** Properties merge key by key; a key set to `null` is removed. */
  update(id: string, patch: { email?: string; properties?: Record<string, JsonValue | null>; suppressed?: boolean }): Promise<Contact>;
  delete(id: string): Promise<void>;
  list(params?: ListParams): Promise<Page<Contact>>;
  /**
   * Upserts by email in one transaction. `records` may also be NDJSON or CSV
   * text (README, "Imports from text"). `dryRun`: the same counts and
   * errors, nothing stored.
   */
  import(records: ContactInput[], options?: ImportOptions): Promise<{ created: number; updated: number }>;
  import(text: TextInput, options?: TextImportOptions): Promise<{ created: number; updated: number }>;
  /** The contact's events, newest first (NOT_FOUND for an unknown contact). */
  events(id: string, params?: ListParams): Promise<Page<ContactEvent>>;
  /** The saved segments the contact is a member of (as last computed, or live), in creation order. */
  segments(id: string, params?: ListParams): Promise<Page<Membership>>;
}

export interface ImportOptions {
  /** Validate and count only: nothing is stored. Default false. */
  dryRun?: boolean;
}

/** NDJSON or CSV, whole or as chunks of text or UTF-8 bytes; read to its end before the import. */
export type TextInput = string | Uint8Array | Blob | ReadableStream<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export interface TextImportOptions extends ImportOptions {
  /** Default: NDJSON when the text starts with `{`, else CSV. */
  format?: "ndjson" | "csv";
  /**
   * CSV only: each column's target in order, over the header row's names:
   * `"email"`, `"suppressed"` (contacts), `"name"`, `"contactId"`,
   * `"timestamp"` (events), `"properties.<key>"`, or `null` to skip it.
   */
  columns?: (string | null)[];
}

/** An event as a contact's profile lists it (the engine keeps no event ids). */
export interface ContactEvent {
  name: string;
  contactId: string;
  properties: Properties;
  timestamp: string;
}

export interface Membership {
  id: string;
  name: string;
  live: boolean;
  joinedAt: string;
}

/** One property key of contacts, or of one event name's events. */
export interface SchemaKey {
  key: string;
  /** Contacts (events) that have the key. */
  count: number;
  /** Most common first; `date`: a string that is an ISO 8601 instant. */
  types: { type: "string" | "date" | "number" | "boolean" | "null" | "array" | "object"; count: number }[];
  distinct: number;
  /** Up to 10 most common scalar values, most common first. */
  top: { value: string | number | boolean | null; count: number }[];
}

/** What the data holds; keys and names in the order they first appeared. */
export interface Schema {
  contacts: { count: number; properties: SchemaKey[] };
  events: { count: number; names: { name: string; count: number; lastAt: string; properties: SchemaKey[] }[] };
  /** When contacts or events last changed (null: never); a segment computed before it is stale. */
  dataChangedAt: string | null;
}

export type EventInput = {
  name: string;
  properties?: Properties;
  /** ISO 8601 string or epoch milliseconds; default now. */
  timestamp?: string | number;
} & ({ contactId: string; email?: never } | { email: string; contactId?: never });

export interface EventsResource {
  track(input: EventInput): Promise<Event>;
  /** All or nothing; `records` may also be NDJSON or CSV text. `dryRun`: the same counts and errors, nothing stored. */
  import(records: EventInput[], options?: ImportOptions): Promise<{ imported: number; contactsCreated: number }>;
  import(text: TextInput, options?: TextImportOptions): Promise<{ imported: number; contactsCreated: number }>;
}

/** The interface every storage adapter implements. */
export interface StorageAdapter {
  load(): Promise<{ snapshot: Uint8Array | null; log: string[] }>;
  append(entry: string): Promise<void>;
  compact(snapshot: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Every key is checked: an unknown one is a VALIDATION_ERROR at that key. */
export interface OpenOptions {
  /** Default: `memoryStorage()`. Closed again if opening fails. */
  storage?: StorageAdapter;
  /** The clock for timestamps and `within` windows. Default: `Date.now`. */
  now?: () => number | Date;
  /**
   * A stored log entry that cannot be replayed: `"fail"` (default) rejects
   * with STORAGE_ERROR "Log entry 12 of 40 cannot be replayed: …"; `"skip"`
   * opens without it, lists it in `openReport.skipped` and warns on the
   * console. The next compaction (at the latest `close()`) removes skipped
   * entries from storage.
   */
  onCorruptEntry?: "fail" | "skip";
}

/** What `Kraiter.open` found in storage. */
export interface OpenReport {
  /** Bytes of the snapshot restored (0: none). */
  snapshotBytes: number;
  /** Log entries stored after it, replayed or skipped. */
  logEntries: number;
  /** Entries left out under `onCorruptEntry: "skip"`: 1-based position in the log, why, and the stored text. */
  skipped: ReadonlyArray<{ position: number; message: string; entry: string }>;
}

export class Kraiter {
  private constructor();
  static open(options?: OpenOptions): Promise<Kraiter>;
  readonly openReport: OpenReport;
  readonly segments: SegmentsResource;
  readonly contacts: ContactsResource;
  readonly events: EventsResource;
  /** What the data holds: property keys, value types and common values; event names, counts, last times. */
  schema(): Promise<Schema>;
  /** Writes a snapshot and empties the storage log now (also automatic). */
  compact(): Promise<void>;
  /** When live segments next change with time alone (epoch ms), or null: for hosts that set alarms. */
  nextWakeAt(): number | null;
  /** Applies live segments' time-driven changes due at the clock's value (every call also does this first). */
  applyDue(): Promise<void>;
  /** Waits for queued work, then releases wasm memory and the storage handle. Calling it again returns the same promise. */
  close(): Promise<void>;
}

export function memoryStorage(): StorageAdapter;
