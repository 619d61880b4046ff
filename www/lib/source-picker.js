// The header's data source switcher and the API key dialog: opens the app on
// the server tenant (saved key, else npm start's demo key, else it asks) or on
// this browser, says which one the header shows, and switches by reloading
// the page on the other source. A refused key is said plainly, with its 401.
import {
  chooseSource, chosenSource, findServer, forgetKey, keyHint, openBrowser, openServer, savedKey, saveKey,
} from "./data-source.js";
import { setFieldError } from "./dom.js";

const $ = (id) => document.getElementById(id);

/** Why a key did not open a tenant, in words. */
function keyProblem(err) {
  if (err.status === 401) return `The server refused this API key (401 ${err.code}: ${err.message}). Check the key and try again.`;
  if (err.code === "NETWORK_ERROR") return `The server could not be reached: ${err.message}`;
  return `Could not open the tenant: ${err.message}`;
}

/**
 * Opens the data to show: `{ kind: "server" | "browser", client, label }`.
 * @param {{ db: string, onWaiting(): void }} options
 */
export async function pickSource({ db, onWaiting }) {
  const server = await findServer();
  const select = $("source-select");
  const keyButton = $("source-key");
  const dialog = createKeyDialog(server);
  $("source").hidden = !server;
  keyButton.addEventListener("click", async () => {
    const opened = await dialog.ask();
    if (!opened) return;
    chooseSource("server");
    location.reload();
  });

  let kind = chosenSource(server);
  let client = null;
  let key = null;
  if (kind === "server") {
    key = savedKey() ?? server.defaultKey;
    if (key) {
      client = await openServer(server, key).catch(async (err) => {
        if (err.status === 401 && savedKey() === key) forgetKey();
        const opened = await dialog.ask({ problem: keyProblem(err) });
        key = opened?.key ?? null;
        return opened?.client ?? null;
      });
    } else {
      const opened = await dialog.ask({ problem: "Enter the API key of the tenant to open." });
      key = opened?.key ?? null;
      client = opened?.client ?? null;
    }
    if (!client) {
      kind = "browser"; // the dialog was cancelled: this browser, now and on the next visit
      chooseSource("browser");
    }
  }
  if (kind === "browser") client = await openBrowser(db, { onWaiting });
  select.value = kind;
  select.addEventListener("change", () => {
    chooseSource(select.value);
    location.reload();
  });
  const label = kind === "server"
    ? `Server tenant${key === server.defaultKey ? " “demo”" : ` ${keyHint(key)}`.trimEnd()}`
    : "This browser";
  return { kind, client, label, server, key };
}

/** The modal key dialog: `ask()` resolves `{ key, client }` once a key opens a tenant, or null if cancelled. */
function createKeyDialog(server) {
  const dialog = $("key-dialog");
  const form = $("key-form");
  const input = $("key-input");
  const error = $("key-error");
  const button = $("key-open");
  let settle = null;
  let opener = null;

  const setError = (text) => setFieldError(input, error, text);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) {
      setError("Type an API key.");
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      const client = await openServer(server, key);
      saveKey(key);
      finish({ key, client });
    } catch (err) {
      setError(keyProblem(err));
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  });
  $("key-cancel").addEventListener("click", () => finish(null));
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault(); // Escape: close through finish, so the caller hears of it
    finish(null);
  });

  function finish(value) {
    if (dialog.open) dialog.close();
    opener?.focus?.();
    settle?.(value);
    settle = null;
  }

  return {
    ask({ problem = "" } = {}) {
      opener = document.activeElement;
      input.value = "";
      setError(problem.startsWith("Enter") ? "" : problem);
      $("key-intro").textContent = problem.startsWith("Enter") ? problem : "Enter the API key of the tenant to open.";
      dialog.showModal();
      input.focus();
      return new Promise((resolve) => { settle = resolve; });
    },
  };
}
