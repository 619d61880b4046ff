// Completions that depend on what else a condition says (a value's list on
// its key, an event's where and having keys on its name) follow an edit
// without redrawing the form: the inputs that have them carry a `relist()`
// that sets their datalist (and warning) again from the condition as it is now.

/** Sets (or, for null, removes) the datalist of `input`. */
export function setList(input, listId) {
  if (listId) input.setAttribute("list", listId);
  else input.removeAttribute("list");
}

/** Runs the `relist()` of every input inside `root`. */
export function relist(root) {
  for (const input of root?.querySelectorAll("input") ?? []) input.relist?.();
}

/** Adds (`on`) or removes the element id `id` in the aria-describedby of `input`, keeping the others (error lists). */
export function describedBy(input, id, on) {
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((t) => t && t !== id);
  if (on) ids.unshift(id);
  if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
  else input.removeAttribute("aria-describedby");
}
