// Webhook signatures. Each delivery carries
//   Kraiter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
// keyed with the webhook's secret (the UTF-8 bytes of its hex text), so a
// receiver can check that a batch comes from this tenant and was not altered
// or replayed long after `t`. WebCrypto only: it runs in workerd and in Node.

const encoder = new TextEncoder();

/** The header's name, as sent (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = "Kraiter-Signature";

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A new webhook secret: 32 random bytes as 64 lower-case hex characters. */
export function newSecret() {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** Hex HMAC-SHA256 of `text` keyed with `secret`. */
export async function hmacHex(secret, text) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text))));
}

/** The Kraiter-Signature value for `body` (the exact text sent) at `t` (unix seconds; default now). */
export async function signatureHeader(secret, body, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}
