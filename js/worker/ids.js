// Ids of the Worker's own records (webhooks: whk_…), in the engine's form: a
// prefix and a ULID (48-bit millisecond time, 80 random bits, Crockford
// base 32). Made monotonic, as the engine's are, so id order is creation
// order and a list page's cursor is simply the last id it holds.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const encode = (value, length) => {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
};

const decode = (text) => [...text].reduce((n, c) => n * 32n + BigInt(ALPHABET.indexOf(c)), 0n);

/** Whether `id` is `<prefix>_` and a ULID. */
export function isId(prefix, id) {
  return typeof id === "string" && id.startsWith(`${prefix}_`) && ULID.test(id.slice(prefix.length + 1));
}

/**
 * A generator of ids with `prefix`, each greater than the one before and than
 * `after` (the greatest id already stored, if any).
 */
export function idGenerator(prefix, after) {
  let last = isId(prefix, after) ? decode(after.slice(prefix.length + 1)) : -1n;
  return (now = Date.now()) => {
    const random = crypto.getRandomValues(new Uint8Array(10)).reduce((n, b) => (n << 8n) | BigInt(b), 0n);
    let next = (BigInt(now) << 80n) | random;
    if (next <= last) next = last + 1n; // same millisecond (or a clock behind): count on from the last
    last = next;
    return `${prefix}_${encode(next, 26)}`;
  };
}
