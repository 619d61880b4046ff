// Shows the engine's validation details in the builder: each message in the
// list of the node its `path` points into (or of that node's section, such
// as `having`), and the control the rest of the path names marked
// aria-invalid and described by the message. Details the builder cannot
// place are handed back for the general list.
import { h, uid } from "./dom.js";
import { locateDetail } from "./rule-model.js";

/** The control role a path's rest names: ".having.property" → having.property, ".value[2]" → value, item 2. */
function roleOf(rest) {
  const m = /^\.(having\.\w+|\w+)(?:\[(\d+)\])?/.exec(rest);
  if (!m) return { role: null, item: null };
  return { role: m[1], item: m[2] === undefined ? null : Number(m[2]) };
}

/**
 * @param {HTMLElement} root
 * @param {{ path?: string, message: string }[]} details
 * @param {string[]} nodePaths every node path rendered
 * @param {(path: string) => boolean} hidden a node not to mark yet (a new, untouched condition)
 * @returns {{ general: object[], hidden: number }}
 */
export function markDetails(root, details, nodePaths, hidden) {
  const general = [];
  let skipped = 0;
  for (const d of details) {
    const { node, rest } = locateDetail(String(d.path ?? ""), nodePaths);
    const host = node && root.querySelector(`[data-path="${CSS.escape(node)}"]`);
    if (!host) {
      general.push(d);
      continue;
    }
    if (hidden(node)) {
      skipped++;
      continue;
    }
    const { role, item } = roleOf(rest);
    const section = role?.startsWith("having") ? "having" : null;
    const own = (el) => el.closest("[data-path]") === host;
    const lists = [...host.querySelectorAll(`[data-errors-for="${CSS.escape(node)}"]`)].filter(own);
    const list = lists.find((l) => (l.dataset.section ?? null) === section) ?? lists.find((l) => !l.dataset.section);
    if (!list) {
      general.push(d);
      continue;
    }
    list.append(h("li", {}, d.message));
    host.classList.add("invalid");
    if (!role) continue;
    let targets = [...host.querySelectorAll(`[data-role="${CSS.escape(role)}"]`)].filter(own);
    if (role === "having" && !targets.length) targets = [...host.querySelectorAll('[data-role^="having."]')].filter(own);
    if (item !== null && targets.some((el) => el.dataset.item !== undefined)) {
      targets = targets.filter((el) => el.dataset.item === String(item));
    }
    const listId = list.id || (list.id = uid("errors"));
    for (const el of targets) {
      el.setAttribute("aria-invalid", "true");
      const ids = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((t) => t && t !== listId);
      el.setAttribute("aria-describedby", [...ids, listId].join(" "));
      el.dataset.errorsId = listId;
    }
  }
  return { general, hidden: skipped };
}

/** Removes every message and mark. */
export function clearMarks(root) {
  for (const list of root.querySelectorAll("[data-errors-for]")) list.replaceChildren();
  for (const el of root.querySelectorAll(".invalid")) el.classList.remove("invalid");
  for (const el of root.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") ?? "").split(" ").filter((t) => t && t !== el.dataset.errorsId);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
    delete el.dataset.errorsId;
  }
}
