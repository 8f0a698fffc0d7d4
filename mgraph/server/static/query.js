// The query page: the vendored Yasgui editor on our endpoint, and the query library as examples.
// Nothing here loads anything from another host: Yasgui's LOV class/property autocompletion
// (a remote service) is switched off, and persistence stays in this browser.
(function () {
  "use strict";
  var library = JSON.parse(document.getElementById("library-data").textContent);
  var byName = {};
  library.forEach(function (q) { byName[q.name] = q; });
  var endpoint = window.location.origin + "/sparql";
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "class" && name !== "property";
  });
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    corsProxy: undefined
  });
  window.mgraphYasgui = yasgui;
  var select = document.getElementById("example");
  var form = document.getElementById("params");
  var question = document.getElementById("question");

  function yasqe() { return yasgui.getTab().getYasqe(); }

  select.addEventListener("change", function () {
    var q = byName[select.value];
    form.textContent = "";
    question.textContent = q ? q.question : "";
    if (!q) { return; }
    yasqe().setValue(q.text);
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
    if (!q) { yasqe().query(); return; }
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.value.trim()) { params.append(input.name, input.value); }
    });
    fetch("/library/" + encodeURIComponent(q.name) + "?" + params.toString())
      .then(function (response) {
        return response.text().then(function (text) { return { ok: response.ok, text: text }; });
      })
      .then(function (answer) {
        if (!answer.ok) { question.textContent = answer.text; return; }
        question.textContent = q.question;
        yasqe().setValue(answer.text);
        yasqe().query();
      });
  });
})();
