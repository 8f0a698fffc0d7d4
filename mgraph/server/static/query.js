// The query page: the vendored Yasqe editor on our endpoint, our own results table, and the
// query library as examples. Nothing here loads anything from another host: Yasqe's LOV
// class/property completion (a remote service) is replaced by our ontology's terms, and nothing
// is kept in the browser's storage.
//
// - The editor knows our prefixes (the server adds them to every query), so a line using mg: or
//   mgid: is not marked; a real error is marked on the line the server reports.
// - Results read as people read them: a date as a date, a label without quotes or language tag,
//   our IRIs as short names linking to this server's own pages (same tab).
// - One Run button; an error replaces the previous results; the share link reopens the query.
(function () {
  "use strict";
  var library = JSON.parse(document.getElementById("library-data").textContent);
  var editorData = JSON.parse(document.getElementById("editor-data").textContent);
  var prefixes = editorData.prefixes;
  var byName = {};
  library.forEach(function (q) { byName[q.name] = q; });
  var termKind = {};
  editorData.terms.forEach(function (t) { termKind[t.name] = t.kind; });
  var namespaces = Object.keys(prefixes).map(function (p) { return [p, prefixes[p]]; });
  namespaces.sort(function (a, b) { return b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1); });
  var Yasqe = Yasgui.Yasqe;

  function shareLink(text) { return "/?query=" + encodeURIComponent(text); }

  // The editor's SPARQL parser starts knowing our prefixes, as the server does.
  var sparqlMode = Yasqe.modes && Yasqe.modes.sparql11;
  if (sparqlMode) {
    Yasqe.defineMode("sparql11", function (config, modeConfig) {
      var mode = sparqlMode(config, modeConfig);
      var startState = mode.startState;
      mode.startState = function () {
        var state = startState.apply(mode, arguments);
        Object.keys(prefixes).forEach(function (p) {
          if (state.prefixes[p] === undefined) { state.prefixes[p] = prefixes[p]; }
        });
        return state;
      };
      return mode;
    });
  }

  // Completion of our classes and properties (after a prefix: "mg:Dec" -> mg:Decision).
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "class" && name !== "property";
  });
  Yasqe.registerAutocompleter({
    name: "mgraphTerms",
    bulk: true,
    autoShow: true,
    persistenceId: null,
    get: function () { return editorData.terms.map(function (t) { return t.name; }); },
    isValidCompletionPosition: function (yasqe) {
      var token = yasqe.getCompleteToken();
      return /^[A-Za-z][\w-]*:[\w-]*$/.test(token.string);
    }
  });

  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var share = document.getElementById("share");
  var select = document.getElementById("example");
  var form = document.getElementById("params");
  var question = document.getElementById("question");
  var opened = new URLSearchParams(window.location.search).get("query");
  var yasqe = new Yasqe(document.getElementById("editor"), {
    persistenceId: null,
    showQueryButton: false,
    requestConfig: { endpoint: window.location.origin + "/sparql", method: "POST" },  // its cURL line
    // the editor's own share button gives the page's link too
    createShareableLink: function (editor) { return window.location.origin + shareLink(editor.getValue()); },
    resizeable: true,
    editorHeight: "260px",
    value: opened || "SELECT ?decision ?code ?label WHERE {\n  ?decision a mg:Decision ;\n" +
      "    dcterms:identifier ?code ;\n    rdfs:label ?label .\n}\nORDER BY ?code\nLIMIT 20\n"
  });
  window.mgraphYasqe = yasqe;

  // --- Showing values -------------------------------------------------------------------------
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function compact(iri) {
    for (var i = 0; i < namespaces.length; i++) {
      if (iri.indexOf(namespaces[i][1]) === 0) { return namespaces[i][0] + ":" + iri.slice(namespaces[i][1].length); }
    }
    return iri;
  }

  function localHref(iri) {
    if (iri.indexOf(editorData.idBase) === 0) { return "/id/" + iri.slice(editorData.idBase.length); }
    if (iri.indexOf(editorData.ontologyBase) === 0) {
      var local = iri.slice(editorData.ontologyBase.length);
      return termKind["mg:" + local] === "property" ? "/ontology#" + local : "/class/" + local;
    }
    return null;
  }

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var MAX_SHOWN = 2000;  // rows drawn in the page; the endpoint gives them all

  function cell(binding) {
    var td = el("td");
    if (!binding) { return td; }
    if (binding.type === "uri") {
      var href = localHref(binding.value);
      var text = compact(binding.value);
      var a;
      if (href) {
        a = el("a", text, "ours");
        a.href = href;
      } else if (/^https?:\/\//i.test(binding.value)) {
        a = el("a", text);
        a.href = binding.value;
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
      } else {
        a = el("span", text, "iri");
      }
      a.title = binding.value;
      td.appendChild(a);
      return td;
    }
    if (binding.type === "bnode") {
      td.appendChild(el("span", "_:" + binding.value, "bnode"));
      return td;
    }
    var value = binding.value;
    var datatype = binding.datatype || "";
    if (datatype === XSD + "dateTime") { value = value.replace(/T00:00:00(Z|\.0+Z?)?$/, ""); }
    var span = el("span", value, "literal");
    if (value.length <= 24) { td.className = "short"; }  // codes and dates stay on one line
    if (binding["xml:lang"]) {
      span.lang = binding["xml:lang"];
      span.title = "language: " + binding["xml:lang"];
    } else if (datatype && datatype !== XSD + "string") {
      span.title = compact(datatype);
      span.dataset.datatype = compact(datatype);
    }
    td.appendChild(span);
    return td;
  }

  // --- Running --------------------------------------------------------------------------------
  var marked = null;

  function clearMark() {
    if (marked !== null) {
      yasqe.removeLineClass(marked, "background", "server-error");
      marked = null;
    }
  }

  function showError(message) {
    results.textContent = "";
    var box = el("div", message, "error");
    box.setAttribute("role", "alert");
    results.appendChild(box);
    status.textContent = "";
    // "error at 3:9: ..." (or "... opened at 3:9") from the server: mark that line (1-based) of the query.
    var where = /\bat (\d+):(\d+)/.exec(message);
    if (where) {
      var line = parseInt(where[1], 10) - 1;
      if (line >= 0 && line < yasqe.lineCount()) {
        yasqe.clearGutter("gutterErrorBar");
        var icon = el("span", "\u25b6", "server-error-mark");
        icon.title = message;
        yasqe.setGutterMarker(line, "gutterErrorBar", icon);
        marked = yasqe.addLineClass(line, "background", "server-error");
      }
    }
  }

  function showTable(data) {
    results.textContent = "";
    if (typeof data.boolean === "boolean") {
      results.appendChild(el("p", data.boolean ? "true" : "false", "boolean"));
      status.textContent = "";
      return;
    }
    var vars = data.head.vars;
    var rows = data.results.bindings;
    var table = el("table");
    var head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", v)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.slice(0, MAX_SHOWN).forEach(function (row) {
      var tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    results.appendChild(table);
    status.textContent = rows.length + (rows.length === 1 ? " row" : " rows") +
      (rows.length > MAX_SHOWN ? " (the first " + MAX_SHOWN + " shown; ask /sparql for all, as CSV or JSON)" : "");
  }

  function setShare(text) {
    share.href = shareLink(text);
  }

  function run(text) {
    clearMark();
    setShare(text);
    results.textContent = "";
    status.textContent = "Running\u2026";
    var body = new URLSearchParams();
    body.append("query", text);
    return fetch("/sparql", {
      method: "POST",
      headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body
    }).then(function (response) {
      return response.text().then(function (answer) {
        if (!response.ok) { showError(answer.trim() || ("HTTP " + response.status)); return; }
        var type = response.headers.get("content-type") || "";
        if (type.indexOf("json") >= 0) {
          showTable(JSON.parse(answer));
        } else {
          results.textContent = "";
          results.appendChild(el("pre", answer, "graph"));
          status.textContent = "";
        }
      });
    }).catch(function (err) { showError(String(err)); });
  }

  // --- The library ----------------------------------------------------------------------------
  var lastBound = null;
  select.addEventListener("change", function () {
    var q = byName[select.value];
    form.textContent = "";
    question.textContent = q ? q.question : "";
    if (!q) { return; }
    yasqe.setValue(q.text);
    q.params.forEach(function (p) {
      var label = document.createElement("label");
      label.textContent = p.name + " (" + p.type + ", default " + p.default + ") ";
      label.title = p.doc;
      var input = document.createElement("input");
      input.name = p.name;
      input.placeholder = p.default;
      label.appendChild(input);
      form.appendChild(label);
    });
  });

  document.getElementById("run").addEventListener("click", function () {
    var q = byName[select.value];
    var text = yasqe.getValue();
    // The library's query (as chosen, or as last bound) takes the parameters; an edited one runs as it is.
    if (!q || (text !== q.text && text !== lastBound)) { run(text); return; }
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.value.trim()) { params.append(input.name, input.value); }
    });
    results.textContent = "";
    fetch("/library/" + encodeURIComponent(q.name) + "?" + params.toString())
      .then(function (response) {
        return response.text().then(function (text) { return { ok: response.ok, text: text }; });
      })
      .then(function (answer) {
        if (!answer.ok) { showError(answer.text.trim()); return; }
        question.textContent = q.question;
        lastBound = answer.text;
        yasqe.setValue(answer.text);
        run(answer.text);
      });
  });

  yasqe.on("change", function () { setShare(yasqe.getValue()); });
  setShare(yasqe.getValue());
  if (opened) { run(opened); }
})();
