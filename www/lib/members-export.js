// Members of a saved segment as a CSV file, read page by page (100 members a
// request) and written in chunks, never as one string: into a file the user
// picks (showSaveFilePicker, streamed) where the browser has it, else into a
// Blob built from the chunks and downloaded. Columns: email, contactId,
// joinedAt, properties (JSON); RFC 4180 quoting.

const PAGE = 100;
const HEADER = ["email", "contactId", "joinedAt", "properties"];

/** One CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(value) {
  const text = value == null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const line = (fields) => `${fields.map(csvField).join(",")}\r\n`;
const memberLine = (m) => line([m.email, m.id, m.joinedAt, JSON.stringify(m.properties ?? {})]);

/** A file name for a segment: "active-pro-users-members.csv". */
export const fileName = (name) => `${String(name).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "segment"}-members.csv`;

/**
 * Calls `write(text)` with the header, then one chunk per page of members;
 * `onProgress(done, total)` after each page. Answers the number of members.
 */
export async function writeMembers(client, segment, write, onProgress = () => {}) {
  await write(line(HEADER));
  let done = 0;
  let page = await client.segments.listMembers(segment.id, { limit: PAGE });
  for (;;) {
    if (page.data.length) await write(page.data.map(memberLine).join(""));
    done += page.data.length;
    onProgress(done, Math.max(done, segment.memberCount ?? done));
    if (!page.nextCursor || !page.data.length) return done;
    page = await client.segments.listMembers(segment.id, { limit: PAGE, cursor: page.nextCursor });
  }
}

/**
 * Exports the members of `segment` to a file; answers `{ members, how }`
 * ("saved": written to the picked file, "downloaded": a Blob download), or
 * null when the user cancelled the file picker.
 */
export async function exportMembers(client, segment, onProgress) {
  const suggestedName = fileName(segment.name);
  if (typeof window.showSaveFilePicker === "function") {
    let handle;
    try {
      handle = await window.showSaveFilePicker({ suggestedName, types: [{ description: "CSV", accept: { "text/csv": [".csv"] } }] });
    } catch (err) {
      if (err.name === "AbortError") return null;
      throw err;
    }
    const stream = await handle.createWritable();
    try {
      const members = await writeMembers(client, segment, (text) => stream.write(text), onProgress);
      await stream.close();
      return { members, how: "saved" };
    } catch (err) {
      await stream.abort().catch(() => {});
      throw err;
    }
  }
  const parts = [];
  const members = await writeMembers(client, segment, (text) => { parts.push(text); }, onProgress);
  const url = URL.createObjectURL(new Blob(parts, { type: "text/csv;charset=utf-8" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: suggestedName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { members, how: "downloaded" };
}
