/* The map's behaviour (pages of graph/network/vis.py: api/templates/map.html): filters, search, side panel, and
   stopping the layout once it has settled. Everything it shows comes from the JSON data block "map-data";
   text goes in through textContent only, and a link only when its address is http(s), mailto or on this
   site (the server decides that in graph/core/links.py; safeHref checks again). Served from /static/js/map.js
   so that the Content-Security-Policy can forbid inline scripts (api/security.py); a map file that opens
   from disk has it inlined. */
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("map-data").textContent);
  const $ = (id) => document.getElementById(id);
  const status = $("map-status");
  const noun = D.kind === "akteure" ? "Akteuren" : "Knoten";
  const state = { feld: "", typen: null, von: null, bis: null, top: D.nodes.length };
  const byId = new Map(D.nodes.map((n) => [n.id, n]));
  let visible = new Set(D.nodes.map((n) => n.id));

  function overlaps(x) {
    if (state.bis !== null && x.von !== null && x.von !== undefined && x.von > state.bis) return false;
    if (state.von !== null && x.bis !== null && x.bis !== undefined && x.bis < state.von) return false;
    return true;
  }
  function nodeOk(n) {
    if (state.feld !== "" && !(n.felder || []).includes(Number(state.feld))) return false;
    if (state.typen && n.typ && D.kind === "akteure" && !state.typen.has(n.typ)) return false;
    if (n.rank && n.rank > state.top) return false;
    return overlaps(n);
  }
  D.edges.forEach((e) => {
    if (e.title !== undefined || e.m === undefined) return;
    const parts = [];
    if (e.m) parts.push(e.m + " gemeinsame Maßnahme(n)");
    if (e.g) parts.push(e.g + " gemeinsame(s) Gremium/Netzwerk");
    if (e.d) parts.push("direkte Zugehörigkeit");
    e.title = D.details[e.from].label + " – " + D.details[e.to].label + "\n" + parts.join(", ");
  });
  const nodes = new vis.DataSet(D.nodes);
  const edges = new vis.DataSet(D.edges);
  const nodeView = new vis.DataView(nodes, { filter: (n) => visible.has(n.id) });
  const edgeView = new vis.DataView(edges, {
    filter: (e) => visible.has(e.from) && visible.has(e.to) && overlaps(e),
  });
  const network = new vis.Network($("map"), { nodes: nodeView, edges: edgeView }, D.options);
  const api = { network: network, data: D, ready: false, readyAt: null, visible: () => nodeView.length };
  window.integrationsgraphMap = api;

  function count() {
    $("map-count").textContent =
      "Angezeigt: " + nodeView.length + " von " + D.nodes.length + " " + noun + ", " + edgeView.length + " Verbindungen";
  }
  function keepPositions() {
    // nodes a filter hides must come back where they were, not at a fresh random place
    const pos = network.getPositions();
    nodes.update(Object.keys(pos).map((id) => ({ id: byId.has(Number(id)) ? Number(id) : id, x: pos[id].x, y: pos[id].y })));
  }
  function apply() {
    keepPositions();
    visible = new Set(D.nodes.filter(nodeOk).map((n) => n.id));
    nodeView.refresh();
    edgeView.refresh();
    count();
  }
  function ready() {
    if (api.ready) return;
    api.ready = true;
    api.readyAt = performance.now();
    document.body.dataset.mapReady = "1";
    status.textContent = "";
    status.hidden = true;
  }
  if (D.nodes.length === 0) {
    status.textContent = "Keine Daten für diese Auswahl.";
    ready();
  } else if (D.physics) {
    network.on("stabilizationProgress", (p) => {
      status.textContent = "Layout wird berechnet … " + Math.round((100 * p.iterations) / p.total) + " %";
    });
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: false });  // the layout settles, then stops moving
      network.fit();
      ready();
    });
  } else {
    network.fit({ animation: false });  // positions come from the server (or the hierarchy): show them all
    network.once("afterDrawing", ready);
  }

  function safeHref(address) {
    // http(s) and mailto only (and file: paths beside a map that was opened from disk)
    if (!address) return null;
    let url;
    try { url = new URL(address, window.location.href); } catch (e) { return null; }
    const ok = ["http:", "https:", "mailto:"];
    if (window.location.protocol === "file:") ok.push("file:");
    return ok.includes(url.protocol) ? address : null;
  }
  function add(parent, tag, text, cls) {
    const el = document.createElement(tag);
    if (text !== undefined) el.textContent = text;
    if (cls) el.className = cls;
    parent.appendChild(el);
    return el;
  }
  function section(panel, title, items, cls) {
    if (!items || items.length === 0) return;
    add(panel, "h3", title);
    const ul = add(panel, "ul");
    items.forEach((item) => add(ul, "li", item, cls));
  }
  function show(id) {
    const d = D.details[id];
    const panel = $("map-panel");
    panel.replaceChildren();
    if (!d) return;
    add(panel, "h2", d.label);
    add(panel, "p", d.typ);
    const href = safeHref(d.href);
    if (href) {
      const a = add(panel, "a", "Seite der Ressource öffnen");
      a.href = href;
    }
    if (d.kette && !D.standalone) {
      add(panel, "span", " · ");
      const a = add(panel, "a", "Zielkette anzeigen");
      a.href = "/maps/chain/" + d.kette;
    }
    section(panel, "Lücken", d.luecken, "luecke");
    if (d.kennzahlen && d.kennzahlen.length) {
      add(panel, "h3", "Kennzahlen");
      const table = add(panel, "table");
      d.kennzahlen.forEach(([k, v]) => {
        const tr = add(table, "tr");
        add(tr, "th", k).scope = "row";
        add(tr, "td", String(v), "num");
      });
    }
    section(panel, "Maßnahmen", (d.massnahmen || []).map(([n, l, r]) => (n ? n + " " : "") + l + (r ? " (" + r + ")" : "")));
    section(panel, "Handlungsfelder", d.felder);
    section(panel, "Gremien und Netzwerke", d.gremien);
    section(panel, D.kind === "felder" ? "Akteure" : "Mitglieder", d.mitglieder);
    section(panel, "Verbunden mit", d.verbunden);
  }
  network.on("click", (p) => { if (p.nodes.length) show(p.nodes[0]); });

  function search() {
    const q = $("map-search").value.trim().toLowerCase();
    const out = $("map-search-status");
    if (!q) { out.textContent = ""; network.unselectAll(); return; }
    const hits = D.nodes.filter((n) => visible.has(n.id) && String(D.details[n.id].label).toLowerCase().includes(q));
    out.textContent = hits.length === 1 ? "1 Treffer" : hits.length + " Treffer";
    if (hits.length === 0) return;
    network.selectNodes(hits.map((h) => h.id));
    network.focus(hits[0].id, { scale: 1.0, animation: false });
    show(hits[0].id);
  }
  $("map-filter").addEventListener("submit", (e) => e.preventDefault());  // no inline onsubmit (CSP)
  $("map-search").addEventListener("change", search);
  $("map-search").addEventListener("keydown", (e) => { if (e.key === "Enter") search(); });

  const feld = $("filter-feld");
  if (feld) feld.addEventListener("change", () => { state.feld = feld.value; apply(); });
  const typen = $("filter-typen");
  if (typen) typen.addEventListener("change", () => {
    state.typen = new Set(Array.from(typen.querySelectorAll("input:checked")).map((i) => i.value));
    apply();
  });
  ["von", "bis"].forEach((k) => {
    const input = $("filter-" + k);
    if (input) input.addEventListener("change", () => {
      state[k] = input.value === "" ? null : Number(input.value);
      apply();
    });
  });
  const top = $("filter-top");
  if (top) top.addEventListener("input", () => {
    state.top = Number(top.value);
    $("filter-top-out").textContent = top.value;
    apply();
  });
  $("map-reset").addEventListener("click", () => {
    $("map-filter").reset();
    Object.assign(state, { feld: "", typen: null, von: null, bis: null, top: D.nodes.length });
    if (top) $("filter-top-out").textContent = String(D.nodes.length);
    $("map-search-status").textContent = "";
    network.unselectAll();
    apply();
  });
  count();
  api.byId = byId;
})();
