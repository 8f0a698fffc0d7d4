// The static site's query page: Oxigraph (WebAssembly) in the browser over the release.
// Everything it reads comes from classic scripts beside the page (window.OXIGRAPH_WASM,
// window.MGRAPH_NT, window.MGRAPH_EXAMPLES), so it works from file:// with no request.
(function () {
  "use strict";
  const status = document.getElementById("status");
  const button = document.getElementById("run");
  const textarea = document.getElementById("query");
  const select = document.getElementById("examples");
  const question = document.getElementById("question");
  const examples = new Map((window.MGRAPH_EXAMPLES || []).map((e) => [e.name, e]));
  let store = null;

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.textContent = term.value;
      const base = "https://w3id.org/mgraph/id/";
      if (term.value.startsWith(base)) {
        a.href = "id/" + term.value.slice(base.length) + ".html";
      } else if (/^https?:\/\//.test(term.value)) {
        a.href = term.value;
        a.rel = "nofollow noreferrer";
      } else {
        return Object.assign(td, { textContent: term.value });
      }
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
    return td;
  }

  function show(result) {
    const head = document.querySelector("#results thead");
    const body = document.querySelector("#results tbody");
    head.replaceChildren();
    body.replaceChildren();
    if (typeof result.boolean === "boolean") {
      status.textContent = "answer: " + result.boolean;
      return;
    }
    const vars = result.head.vars;
    const tr = document.createElement("tr");
    for (const v of vars) tr.appendChild(Object.assign(document.createElement("th"), { textContent: v }));
    head.appendChild(tr);
    for (const row of result.results.bindings) {
      const line = document.createElement("tr");
      for (const v of vars) line.appendChild(cell(row[v]));
      body.appendChild(line);
    }
    const n = result.results.bindings.length;
    status.textContent = n + (n === 1 ? " row" : " rows");
  }

  function run() {
    status.textContent = "running…";
    try {
      const text = store.query(textarea.value, { results_format: "application/sparql-results+json" });
      if (typeof text !== "string") throw new Error("only SELECT and ASK queries show a table here");
      const result = JSON.parse(text);
      window.MGRAPH_LAST_RESULT = result;
      show(result);
    } catch (error) {
      window.MGRAPH_LAST_RESULT = null;
      status.textContent = "error: " + (error && error.message ? error.message : String(error));
    }
  }

  select.addEventListener("change", () => {
    const chosen = examples.get(select.value);
    if (!chosen) return;
    textarea.value = chosen.text;
    question.textContent = chosen.question + " (" + chosen.example + ")";
  });
  button.addEventListener("click", run);

  async function start() {
    const raw = atob(window.OXIGRAPH_WASM);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    await window.oxigraph.init({ module_or_path: bytes });
    store = new window.oxigraph.Store();
    store.load(window.MGRAPH_NT, { format: "application/n-triples" });
    status.textContent = "ready: " + store.size + " triples";
    button.disabled = false;
    document.body.dataset.ready = "true";
  }
  start().catch((error) => {
    status.textContent = "could not start the engine: " + (error && error.message ? error.message : String(error));
  });
})();
