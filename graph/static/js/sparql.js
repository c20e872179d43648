/* The SPARQL page (api/templates/sparql.html): YASGUI on this server's own endpoint, with the example queries
   as tabs. The endpoint and the tabs come from the JSON data block "sparql-page". Served from
   /static/js/sparql.js so that the Content-Security-Policy can forbid inline scripts (api/security.py). */
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("sparql-page").textContent);
  var endpoint = page.endpoint;
  // Offline: only the bundled prefix list; no Linked Open Vocabularies look-ups (class/property completers).
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: ["prefixes", "variables"] },
  });
  page.tabs.forEach(function (tab, i) {
    yasgui.addTab(i === 0, { name: tab.name, yasqe: { value: tab.query }, requestConfig: { endpoint: endpoint } });
  });
  window.integrationsgraphYasgui = yasgui;
})();
