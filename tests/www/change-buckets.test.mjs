// The bucketing behind the membership chart: entered / left per local hour
// or day, empty buckets kept between the first change and now, the unit
// picked from the feed's span. Runs in a fixed zone with a DST change.
process.env.TZ = "Europe/London";
const { test } = await import("node:test");
const assert = (await import("node:assert/strict")).default;
const { bucketChanges, bucketStart, pickUnit } = await import("../../www/lib/change-buckets.js");

const at = (iso, type = "entered") => ({ at: iso, type });
const H = 3_600_000;

test("counts entered and left per hour, keeping empty hours up to now", () => {
  const changes = [
    at("2026-06-01T10:05:00Z"), at("2026-06-01T10:59:59.999Z", "left"), at("2026-06-01T10:30:00Z"),
    at("2026-06-01T12:00:00Z", "left"),
  ];
  const got = bucketChanges(changes, "hour", { now: Date.parse("2026-06-01T13:10:00Z") });
  assert.deepEqual(got.map((b) => [new Date(b.start).toISOString(), b.entered, b.left]), [
    ["2026-06-01T10:00:00.000Z", 2, 1],
    ["2026-06-01T11:00:00.000Z", 0, 0],
    ["2026-06-01T12:00:00.000Z", 0, 1],
    ["2026-06-01T13:00:00.000Z", 0, 0],
  ]);
  const total = got.reduce((n, b) => ({ entered: n.entered + b.entered, left: n.left + b.left }), { entered: 0, left: 0 });
  assert.deepEqual(total, { entered: 2, left: 2 }, "nothing lost or counted twice");
});

test("days are local days, and the day of a DST change is one bucket of 23 hours", () => {
  // London: BST starts 2026-03-29 01:00 UTC; local midnight is 00:00Z before, 23:00Z the day before after.
  const changes = [at("2026-03-28T23:30:00Z"), at("2026-03-29T22:30:00Z", "left"), at("2026-03-29T23:30:00Z")];
  const got = bucketChanges(changes, "day");
  assert.deepEqual(got.map((b) => [new Date(b.start).toISOString(), b.entered, b.left]), [
    ["2026-03-28T00:00:00.000Z", 1, 0],
    ["2026-03-29T00:00:00.000Z", 0, 1],
    ["2026-03-29T23:00:00.000Z", 1, 0],
  ]);
  assert.equal(got[2].start - got[1].start, 23 * H);
});

test("the changes' order does not matter; no changes, no buckets", () => {
  const changes = [at("2026-06-02T09:00:00Z", "left"), at("2026-06-01T09:00:00Z")];
  assert.deepEqual(bucketChanges(changes, "day"), bucketChanges([...changes].reverse(), "day"));
  assert.equal(bucketChanges(changes, "day").length, 2);
  assert.deepEqual(bucketChanges([], "hour", { now: Date.now() }), []);
  assert.throws(() => bucketChanges(changes, "week"), /hour or day/);
});

test("bucketStart floors to the local hour or day", () => {
  assert.equal(new Date(bucketStart(Date.parse("2026-06-01T10:45:12Z"), "hour")).toISOString(), "2026-06-01T10:00:00.000Z");
  assert.equal(new Date(bucketStart(Date.parse("2026-06-01T10:45:12Z"), "day")).toISOString(), "2026-05-31T23:00:00.000Z", "BST midnight");
});

test("hours for a feed of two days or less (up to now), days beyond", () => {
  const now = Date.parse("2026-06-03T10:00:00Z");
  assert.equal(pickUnit([], now), "hour");
  assert.equal(pickUnit([at("2026-06-01T10:00:00Z")], now), "hour");
  assert.equal(pickUnit([at("2026-06-01T09:59:59Z")], now), "day");
  assert.equal(pickUnit([at("2026-05-01T00:00:00Z"), at("2026-06-03T09:00:00Z")], now), "day");
});
