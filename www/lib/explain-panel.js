// The explain panel: why one contact is or is not matched — by the rule in
// the builder (kept up to date while it is edited) or by a saved segment.
// The contact is found by email, or picked from the preview's sample or a
// segment's members. The tree itself is drawn by explain-tree.js.
import { debounce, h, setFieldError, when } from "./dom.js";
import { mark, renderTree } from "./explain-tree.js";

/**
 * @param {{ client, rules(): object, segmentName(id: string): string }} options
 */
export function createExplainPanel({ client, rules, segmentName }) {
  const form = document.getElementById("explain-form");
  const input = document.getElementById("explain-email");
  const error = document.getElementById("explain-error");
  const out = document.getElementById("explain-result");
  let target = null; // { contactId, email, segment: { id, name } | null }
  let seq = 0;

  async function run() {
    if (!target) return;
    const mine = ++seq;
    const { contactId, email, segment } = target;
    out.setAttribute("aria-busy", "true");
    try {
      const x = await client.segments.explain(segment ? segment.id : structuredClone(rules()), contactId);
      if (mine !== seq) return;
      const source = segment ? `the saved segment “${segment.name}”` : "the rule being edited";
      out.replaceChildren(
        h("h3", { id: "explain-verdict", class: `verdict ${x.member ? "yes" : "no"}`, tabindex: "-1", "data-member": String(x.member) },
          mark(x.member), ` ${email} ${x.member ? "matches" : "does not match"} ${source}`),
        h("p", { class: "hint" }, `Evaluated at ${when(x.now)}. Each line says whether it held for this contact and what decided it.`),
        renderTree(x.tree, segmentName));
    } catch (err) {
      if (mine !== seq) return;
      out.replaceChildren(h("p", { class: "hint", role: "status" }, err.code === "VALIDATION_ERROR"
        ? "Fix the marked parts of the rule to see the explanation."
        : err.code === "NOT_FOUND" ? "That contact or segment no longer exists." : `Explain failed: ${err.message}`));
    } finally {
      if (mine === seq) out.setAttribute("aria-busy", "false");
    }
  }

  const later = debounce(run, 250);

  async function show(next, { focus = false } = {}) {
    target = next;
    input.value = next.email;
    setError("");
    await run();
    if (focus) {
      document.getElementById("explain").scrollIntoView({ block: "start" });
      document.getElementById("explain-verdict")?.focus({ preventScroll: true });
    }
  }

  const setError = (text) => setFieldError(input, error, text);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const email = input.value.trim();
    if (!email) {
      setError("Type the email of a contact.");
      input.focus();
      return;
    }
    try {
      const contact = await client.contacts.getByEmail(email);
      await show({ contactId: contact.id, email: contact.email, segment: null });
      document.getElementById("explain-verdict")?.focus();
    } catch (err) {
      if (err.code !== "NOT_FOUND" && err.code !== "VALIDATION_ERROR") throw err;
      target = null; // the last answer was about someone else
      seq++;
      out.replaceChildren();
      setError(err.code === "NOT_FOUND" ? `No contact has the email ${email}.` : err.message);
      input.focus();
    }
  });

  return {
    /** Explains a contact (from the preview: the builder's rule; from members: their segment). */
    show,
    /** The builder's rule changed: explain it again, if that is what is shown. */
    rulesChanged() {
      if (target && !target.segment) later();
    },
    /** Data changed (import, reset): explain again, or clear when the contact may be gone. */
    reset() {
      target = null;
      out.replaceChildren();
    },
  };
}
