// The loop the json-logic peers share: evaluate a per-contact function over
// every contact, for a preview (count and first emails) or a compute (all members).

export async function scanPreview(fn, contexts, limit) {
  let count = 0;
  const sample = [];
  for (let i = 0; i < contexts.length; i++) {
    if (fn(contexts[i])) {
      if (count < limit) sample.push(contexts[i].email);
      count++;
    }
  }
  return { count, sample };
}

export async function scanCompute(fn, contexts) {
  const members = new Int32Array(contexts.length);
  let count = 0;
  for (let i = 0; i < contexts.length; i++) if (fn(contexts[i])) members[count++] = i;
  return { count, members: members.subarray(0, count) };
}
