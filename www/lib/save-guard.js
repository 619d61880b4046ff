// Whether the rule can be saved, said in words: while the JSON view holds
// text that does not parse, or the rule has marked errors, the save buttons
// are disabled and a line beside them (which describes them) says why, so
// a save never silently stores something other than what is shown.

/** @param {{ buttons: HTMLButtonElement[], reason: HTMLElement }} elements */
export function createSaveGuard({ buttons, reason }) {
  let blocks = new Map(); // source ("json", "rule") → why saving is off; the newest first
  const first = () => blocks.values().next().value ?? null;
  function render() {
    const why = first();
    reason.textContent = why ?? "";
    reason.hidden = !why;
    for (const b of buttons) {
      b.disabled = Boolean(why);
      const ids = (b.getAttribute("aria-describedby") ?? "").split(" ").filter((t) => t && t !== reason.id);
      if (why) ids.push(reason.id);
      if (ids.length) b.setAttribute("aria-describedby", ids.join(" "));
      else b.removeAttribute("aria-describedby");
    }
  }
  render();
  return {
    /** Blocks saving for `source` with `message`, or unblocks it (null). */
    set(source, message) {
      blocks.delete(source);
      if (message) blocks = new Map([[source, message], ...blocks]);
      render();
    },
    /** Why saving is off, or null. */
    blocked: first,
  };
}
