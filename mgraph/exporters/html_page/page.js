/* mgraph offline graph page. Every value from the data is shown with textContent, never as markup. */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('mgraph-data').textContent);
  var nodes = data.nodes;
  var edges = data.edges;
  var classes = data.classes;
  var relations = data.relations;
  var large = !!data.large;
  // Sources and fact predicates come as indexes into shared tables.
  function expand(item) {
    if (item.src) { item.src = item.src.map(function (k) { return data.sources[k]; }); }
  }
  nodes.forEach(function (n) {
    expand(n);
    if (n.facts) {
      n.facts = n.facts.map(function (f) {
        var property = data.properties[f[0]];
        return { predicate: property.predicate, label: property.label, value: f[1], iri: f[2] || null };
      });
    }
  });
  edges.forEach(expand);
  var body = document.body;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function year(text) {
    if (!text) { return null; }
    var match = /^(-?\d{1,4})/.exec(String(text));
    return match ? parseInt(match[1], 10) : null;
  }

  function safeUrl(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }

  function link(label, url) {
    var href = safeUrl(url);
    if (!href) { return el('span', label); }
    var a = el('a', label);
    a.href = href;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    return a;
  }

  function period(start, end) {
    if (!start && !end) { return ''; }
    if (start && end && start !== end) { return start + ' \u2013 ' + end; }
    return start || ('until ' + end);
  }

  // --- Indexes -----------------------------------------------------------------------------
  var byId = new Map();
  var minYear = null;
  var maxYear = null;
  var datedNodesPerYear = new Map();
  var datedEdgesPerYear = new Map();

  function countYears(map, y0, y1) {
    if (y0 === null) { return; }
    for (var y = y0; y <= y1 && y - y0 < 200; y++) { map.set(y, (map.get(y) || 0) + 1); }
    minYear = minYear === null ? y0 : Math.min(minYear, y0);
    maxYear = maxYear === null ? y1 : Math.max(maxYear, y1);
  }

  // A start with no end is ongoing (a post held since 2015, a decision in force since its
  // adoption): it is in every period from its start on. Events and acts come with an end.
  function span(item) {
    var y0 = year(item.start);
    var y1 = year(item.end);
    item.open = y0 !== null && y1 === null;
    if (y0 === null) { y0 = y1; }
    if (y1 === null || y1 < y0) { y1 = y0; }
    item.y0 = y0;
    item.y1 = y1;
  }

  nodes.forEach(function (n, i) {
    byId.set(n.id, i);
    span(n);
    countYears(datedNodesPerYear, n.y0, n.y1);
    n.adj = [];
    n.terms = [n.label].concat(n.alt || []).map(function (t) { return t.toLowerCase(); });
  });
  edges.forEach(function (e, j) {
    span(e);
    countYears(datedEdgesPerYear, e.y0, e.y1);
    nodes[e.s].adj.push(j);
    if (e.t !== e.s) { nodes[e.t].adj.push(j); }
  });

  // The first view reads: the most linked entities are labelled at every zoom.
  var HUBS = 20;
  var hubs = new Set(nodes.map(function (n, i) { return i; })
    .filter(function (i) { return nodes[i].d > 2; })
    .sort(function (a, b) { return nodes[b].d - nodes[a].d || a - b; })
    .slice(0, HUBS));

  var state = {
    classOn: classes.map(function () { return true; }),
    relationOn: relations.map(function () { return true; }),
    from: minYear,
    to: maxYear,
    undated: true,
    selected: null
  };
  var nodeShown = nodes.map(function () { return true; });
  var edgeShown = edges.map(function () { return true; });

  // --- The graph: Cytoscape.js for ordinary views, a plain canvas for large ones ---------------
  // Both renderers have the same few methods: show(changedNodes, changedEdges), select(i),
  // fit(), drawnNodes(), drawnEdges(), isDrawn(i), screenPosition(i), onTap(fn), onFirstDraw(fn).

  function firstDrawn() {
    window.mgraphFirstDraw = performance.now();
    body.dataset.ready = 'true';
  }

  function cytoscapeRenderer(container) {
    var elements = [];
    nodes.forEach(function (n, i) {
      elements.push({
        group: 'nodes',
        data: hubs.has(i)
          ? { id: 'n' + i, label: n.label, color: classes[n.c].color, size: Math.min(44, 12 + 3.2 * Math.sqrt(n.d)),
            hubFont: 14, hubWidth: 196, hubOutline: 2 }
          : { id: 'n' + i, label: n.label, color: classes[n.c].color, size: Math.min(44, 12 + 3.2 * Math.sqrt(n.d)) },
        position: { x: n.x, y: n.y },
        classes: hubs.has(i) ? 'hub' : ''

      });
    });
    edges.forEach(function (e, j) {
      elements.push({
        group: 'edges',
        data: { id: 'e' + j, source: 'n' + e.s, target: 'n' + e.t, label: relations[e.r].label }
      });
    });
    var labelAll = false;
    var cy = cytoscape({
      container: container,
      elements: elements,
      style: [
        { selector: 'node', style: {
          'background-color': 'data(color)', 'width': 'data(size)', 'height': 'data(size)',
          'border-width': 1, 'border-color': '#ffffff', 'label': 'data(label)',
          'font-size': 10, 'color': '#2b333b', 'text-valign': 'bottom', 'text-margin-y': 2,
          'text-wrap': 'ellipsis', 'text-max-width': '140px', 'min-zoomed-font-size': 12,
          'text-outline-color': '#fbfcfd', 'text-outline-width': 1.5
        } },
        { selector: 'edge', style: {
          'width': 1, 'line-color': '#b9c2cc', 'opacity': 0.7, 'curve-style': 'straight',
          'target-arrow-shape': 'triangle', 'target-arrow-color': '#b9c2cc', 'arrow-scale': 0.7
        } },
        { selector: 'node.hub', style: {
          'min-zoomed-font-size': 0, 'font-size': 'data(hubFont)', 'text-max-width': 'data(hubWidth)',
          'font-weight': 'bold', 'z-index': 5, 'text-outline-width': 'data(hubOutline)'
        } },
        { selector: '.faded', style: { 'opacity': 0.18 } },
        { selector: 'node.near', style: {
          'label': 'data(label)', 'border-color': '#1f2d3d', 'border-width': 1.5, 'min-zoomed-font-size': 0
        } },
        { selector: 'edge.near', style: {
          'line-color': '#52606d', 'target-arrow-color': '#52606d', 'width': 2, 'opacity': 1,
          'label': 'data(label)', 'font-size': 8, 'color': '#52606d', 'text-rotation': 'autorotate',
          'text-outline-color': '#fbfcfd', 'text-outline-width': 1.5, 'min-zoomed-font-size': 6
        } },
        { selector: 'node.chosen', style: {
          'label': 'data(label)', 'border-color': '#d62728', 'border-width': 3, 'font-weight': 'bold', 'z-index': 10
        } }
      ],
      layout: { name: 'preset', fit: true, padding: 30 },
      minZoom: 0.05,
      maxZoom: 6,
      boxSelectionEnabled: false,
      selectionType: 'single',
      motionBlur: false
    });
    // The first view frames the largest connected part, its hubs labelled (loose parts sit on
    // the rim; "fit" shows everything).
    var parts = cy.elements().components();
    parts.sort(function (a, b) { return b.nodes().length - a.nodes().length; });
    if (parts.length > 1 && parts[0].nodes().length > 1) { cy.fit(parts[0], 30); }
    // Hub labels keep a readable size on screen whatever the zoom.
    var hubNodes = cy.nodes('.hub');
    var hubZoom = null;
    function sizeHubs() {
      var zoom = cy.zoom();
      if (hubZoom !== null && Math.abs(zoom - hubZoom) / hubZoom < 0.05) { return; }
      hubZoom = zoom;
      var size = Math.min(48, Math.max(10, 12 / zoom));
      cy.batch(function () {
        hubNodes.forEach(function (n) {
          n.data({ hubFont: size, hubWidth: size * 14, hubOutline: size / 8 });
        });
      });
    }
    sizeHubs();
    cy.on('zoom', sizeHubs);
    return {
      cy: cy,
      show: function (changedNodes, changedEdges, shownNodes) {
        // With few entities left on screen, every one is labelled whatever the zoom.
        var few = shownNodes <= 150;
        if (few !== labelAll) {
          labelAll = few;
          cy.style().selector('node').style('min-zoomed-font-size', few ? 0 : 12).update();
        }
        cy.batch(function () {
          changedNodes.forEach(function (i) { cy.getElementById('n' + i).style('display', nodeShown[i] ? 'element' : 'none'); });
          changedEdges.forEach(function (j) { cy.getElementById('e' + j).style('display', edgeShown[j] ? 'element' : 'none'); });
        });
      },
      select: function (i) {
        var node = cy.getElementById('n' + i);
        cy.batch(function () {
          cy.elements().removeClass('near chosen faded');
          var near = node.closedNeighborhood();
          cy.elements().not(near).addClass('faded');
          near.addClass('near');
          node.addClass('chosen');
        });
        if (nodeShown[i]) {
          cy.animate({ zoom: Math.max(cy.zoom(), 1), center: { eles: node } }, { duration: 200 });
        }
      },
      fit: function () {
        var shown = cy.nodes(':visible');
        if (shown.length) { cy.animate({ fit: { eles: shown, padding: 40 } }, { duration: 200 }); }
      },
      drawnNodes: function () { return cy.nodes(':visible').length; },
      drawnEdges: function () { return cy.edges(':visible').length; },
      isDrawn: function (i) { return cy.getElementById('n' + i).visible(); },
      screenPosition: function (i) {
        var p = cy.getElementById('n' + i).renderedPosition();
        return [p.x, p.y];
      },
      onTap: function (fn) { cy.on('tap', 'node', function (event) { fn(parseInt(event.target.id().slice(1), 10)); }); },
      onBackgroundTap: function (fn) { cy.on('tap', function (event) { if (event.target === cy) { fn(); } }); },
      clear: function () { cy.batch(function () { cy.elements().removeClass('near chosen faded'); }); },
      onFirstDraw: function (fn) { cy.one('render', fn); }
    };
  }

  function canvasRenderer(container) {
    // Nodes as dots batched by class, edges as one thin path, labels only near the selection or
    // when zoomed in; redrawn on demand. Linear per frame, no layout or animation in the browser.
    var canvas = document.createElement('canvas');
    canvas.setAttribute('aria-label', 'Network graph');
    container.appendChild(canvas);
    var ctx = canvas.getContext('2d');
    var width = 0;
    var height = 0;
    var view = { x: 0, y: 0, k: 1 };
    var selected = null;
    var neighbours = new Set();
    var pending = false;
    var firstDraw = null;
    var drawn = { nodes: 0, edges: 0 };
    var tap = null;
    var backgroundTap = null;
    var byClass = classes.map(function () { return []; });
    nodes.forEach(function (n, i) { byClass[n.c].push(i); });
    var RADIUS = 22;

    function resize() {
      width = container.clientWidth;
      height = container.clientHeight;
      canvas.width = width;
      canvas.height = height;
      redraw();
    }

    function fit() {
      var x0 = Infinity;
      var y0 = Infinity;
      var x1 = -Infinity;
      var y1 = -Infinity;
      nodes.forEach(function (n, i) {
        if (!nodeShown[i]) { return; }
        x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x); y1 = Math.max(y1, n.y);
      });
      if (x0 === Infinity) { return; }
      view.x = (x0 + x1) / 2;
      view.y = (y0 + y1) / 2;
      view.k = Math.min((width - 80) / Math.max(1, x1 - x0), (height - 80) / Math.max(1, y1 - y0), 4 / RADIUS);
    }

    function toScreen(x, y) { return [(x - view.x) * view.k + width / 2, (y - view.y) * view.k + height / 2]; }

    function redraw() {
      if (!pending) {
        pending = true;
        requestAnimationFrame(function () { if (pending) { draw(); } });
      }
    }

    function draw() {
      pending = false;
      var k = view.k;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = '#fbfcfd';
      ctx.fillRect(0, 0, width, height);
      ctx.setTransform(k, 0, 0, k, width / 2 - view.x * k, height / 2 - view.y * k);
      var countEdges = 0;
      ctx.beginPath();
      edges.forEach(function (e, j) {
        if (!edgeShown[j]) { return; }
        countEdges++;
        ctx.moveTo(nodes[e.s].x, nodes[e.s].y);
        ctx.lineTo(nodes[e.t].x, nodes[e.t].y);
      });
      ctx.strokeStyle = countEdges > 10000 ? 'rgba(140, 152, 164, 0.12)' : 'rgba(140, 152, 164, 0.35)';
      ctx.lineWidth = 1 / k;
      ctx.stroke();
      var radius = Math.max(RADIUS, 1.6 / k);
      var countNodes = 0;
      byClass.forEach(function (members, c) {
        ctx.beginPath();
        members.forEach(function (i) {
          if (!nodeShown[i]) { return; }
          countNodes++;
          var n = nodes[i];
          ctx.moveTo(n.x + radius, n.y);
          ctx.arc(n.x, n.y, radius, 0, 6.2832);
        });
        ctx.fillStyle = classes[c].color;
        ctx.fill();
      });
      if (selected !== null) {
        var s = nodes[selected];
        ctx.beginPath();
        nodes[selected].adj.forEach(function (j) {
          if (!edgeShown[j]) { return; }
          ctx.moveTo(nodes[edges[j].s].x, nodes[edges[j].s].y);
          ctx.lineTo(nodes[edges[j].t].x, nodes[edges[j].t].y);
        });
        ctx.strokeStyle = '#52606d';
        ctx.lineWidth = 2 / k;
        ctx.stroke();
        ctx.beginPath();
        ctx.arc(s.x, s.y, radius * 1.6, 0, 6.2832);
        ctx.strokeStyle = '#d62728';
        ctx.lineWidth = 3 / k;
        ctx.stroke();
      }
      // Labels in screen space: the selection and its neighbours, and everything when zoomed in.
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(251, 252, 253, 0.9)';
      ctx.fillStyle = '#2b333b';
      var labelled = 0;
      function label(i) {
        var p = toScreen(nodes[i].x, nodes[i].y);
        if (p[0] < -100 || p[0] > width + 100 || p[1] < -20 || p[1] > height + 20) { return; }
        var text = nodes[i].label.length > 40 ? nodes[i].label.slice(0, 39) + '\u2026' : nodes[i].label;
        ctx.strokeText(text, p[0], p[1] + radius * k + 12);
        ctx.fillText(text, p[0], p[1] + radius * k + 12);
        labelled++;
      }
      if (selected !== null) {
        neighbours.forEach(function (i) { if (nodeShown[i]) { label(i); } });
      }
      hubs.forEach(function (i) { if (nodeShown[i] && !neighbours.has(i)) { label(i); } });
      if (k * RADIUS >= 12) {
        for (var i = 0; i < nodes.length && labelled < 300; i++) {
          if (nodeShown[i] && !neighbours.has(i)) { label(i); }
        }
      }
      drawn.nodes = countNodes;
      drawn.edges = countEdges;
      if (firstDraw) { var fn = firstDraw; firstDraw = null; fn(); }
    }

    function nodeAt(sx, sy) {
      var best = null;
      var bestDistance = Math.max(8, RADIUS * view.k + 3);
      nodes.forEach(function (n, i) {
        if (!nodeShown[i]) { return; }
        var p = toScreen(n.x, n.y);
        var d = Math.hypot(p[0] - sx, p[1] - sy);
        if (d <= bestDistance) { best = i; bestDistance = d; }
      });
      return best;
    }

    var drag = null;
    canvas.addEventListener('mousedown', function (event) {
      drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
    });
    window.addEventListener('mousemove', function (event) {
      if (!drag) { return; }
      var dx = event.clientX - drag.x;
      var dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; }
      view.x = drag.vx - dx / view.k;
      view.y = drag.vy - dy / view.k;
      redraw();
    });
    window.addEventListener('mouseup', function (event) {
      if (!drag) { return; }
      var moved = drag.moved;
      drag = null;
      if (!moved && tap) {
        var rect = canvas.getBoundingClientRect();
        var i = nodeAt(event.clientX - rect.left, event.clientY - rect.top);
        if (i !== null) { tap(i); } else if (backgroundTap) { backgroundTap(); }
      }
    });
    canvas.addEventListener('wheel', function (event) {
      event.preventDefault();
      var rect = canvas.getBoundingClientRect();
      var sx = event.clientX - rect.left - width / 2;
      var sy = event.clientY - rect.top - height / 2;
      var wx = view.x + sx / view.k;
      var wy = view.y + sy / view.k;
      view.k = Math.max(0.002, Math.min(20, view.k * Math.exp(-event.deltaY * 0.0015)));
      view.x = wx - sx / view.k;
      view.y = wy - sy / view.k;
      redraw();
    }, { passive: false });
    window.addEventListener('resize', resize);
    width = container.clientWidth;
    height = container.clientHeight;
    canvas.width = width;
    canvas.height = height;
    fit();
    redraw();

    return {
      show: function () { redraw(); },
      fit: function () { fit(); redraw(); },
      select: function (i) {
        selected = i;
        neighbours = new Set([i]);
        nodes[i].adj.forEach(function (j) { neighbours.add(edges[j].s); neighbours.add(edges[j].t); });
        if (nodeShown[i]) {
          view.k = Math.max(view.k, 4 / RADIUS);
          view.x = nodes[i].x;
          view.y = nodes[i].y;
        }
        redraw();
      },
      drawnNodes: function () { if (pending) { draw(); } return drawn.nodes; },
      drawnEdges: function () { if (pending) { draw(); } return drawn.edges; },
      isDrawn: function (i) { return nodeShown[i]; },
      screenPosition: function (i) { return toScreen(nodes[i].x, nodes[i].y); },
      onTap: function (fn) { tap = fn; },
      onBackgroundTap: function (fn) { backgroundTap = fn; },
      clear: function () { selected = null; neighbours = new Set(); redraw(); },
      onFirstDraw: function (fn) { firstDraw = fn; }
    };
  }

  var graph = large ? canvasRenderer($('graph')) : cytoscapeRenderer($('graph'));
  graph.onFirstDraw(firstDrawn);

  // --- Filters ------------------------------------------------------------------------------
  function inPeriod(item) {
    if (item.y0 === null) { return state.undated; }
    return (item.open || item.y1 >= state.from) && item.y0 <= state.to;
  }

  // A class is shown when it and every superclass of it in the legend are checked.
  var classShown = classes.map(function () { return true; });
  function applyFilters() {
    classes.forEach(function (c, k) {
      classShown[k] = state.classOn[k] && (c.supers || []).every(function (s) { return state.classOn[s]; });
    });
    Array.prototype.forEach.call($('legend').querySelectorAll('li'), function (li) {
      var k = parseInt(li.dataset.index, 10);
      li.classList.toggle('folded-off', state.classOn[k] && !classShown[k]);
    });
    var shownNodes = 0;
    var shownEdges = 0;
    var changedNodes = [];
    var changedEdges = [];
    nodes.forEach(function (n, i) {
      var show = classShown[n.c] && inPeriod(n);
      if (show !== nodeShown[i]) {
        nodeShown[i] = show;
        changedNodes.push(i);
      }
      if (show) { shownNodes++; }
    });
    edges.forEach(function (e, j) {
      var show = nodeShown[e.s] && nodeShown[e.t] && state.relationOn[e.r] && inPeriod(e);
      if (show !== edgeShown[j]) {
        edgeShown[j] = show;
        changedEdges.push(j);
      }
      if (show) { shownEdges++; }
    });
    graph.show(changedNodes, changedEdges, shownNodes);
    body.dataset.visibleNodes = String(shownNodes);
    body.dataset.visibleEdges = String(shownEdges);
    $('counts').textContent = shownNodes + ' of ' + nodes.length + ' entities, ' +
      shownEdges + ' of ' + edges.length + ' links';
    drawBars();
    if (overview.cy) { updateOverview(); }
    if (state.selected !== null && !overview.shown) { showPanel(state.selected); }
  }

  function filterList(listId, items, flags, labelOf) {
    var list = $(listId);
    items.forEach(function (item, k) {
      var li = el('li');
      li.dataset.index = String(k);
      var depth = item.supers ? item.supers.length : 0;
      if (depth) {
        li.style.paddingLeft = (depth * 14) + 'px';
        li.dataset.supers = item.supers.join(' ');
      }
      var label = el('label');
      var box = el('input');
      box.type = 'checkbox';
      box.checked = true;
      box.dataset.index = String(k);
      box.dataset.key = item.name || item.key;
      box.addEventListener('change', function () { flags[k] = box.checked; applyFilters(); });
      label.appendChild(box);
      if (item.color) {
        var swatch = el('span', null, 'swatch');
        swatch.style.backgroundColor = item.color;
        label.appendChild(swatch);
      }
      var name = el('span', labelOf(item), 'name');
      name.title = item.name || item.key;
      label.appendChild(name);
      label.appendChild(el('span', item.count, 'count'));
      li.appendChild(label);
      list.appendChild(li);
    });
  }

  // The legend folds subclasses under their class: a button opens or closes the family's rows.
  function foldLegend() {
    var rows = Array.prototype.slice.call($('legend').querySelectorAll('li'));
    function childrenOf(k) {
      return rows.filter(function (row) {
        return (row.dataset.supers || '').split(' ').indexOf(String(k)) >= 0;
      });
    }
    rows.forEach(function (row) {
      var k = parseInt(row.dataset.index, 10);
      var children = childrenOf(k);
      if ((classes[k].supers || []).length) { return; }
      if (!children.length) {
        row.insertBefore(el('span', null, 'fold'), row.firstChild);
        return;
      }
      var button = el('button', '\u25b8', 'fold');
      button.type = 'button';
      button.title = 'Show or hide the subclasses of ' + classes[k].name;
      button.setAttribute('aria-expanded', 'false');
      children.forEach(function (child) { child.hidden = true; });
      button.addEventListener('click', function () {
        var open = button.getAttribute('aria-expanded') !== 'true';
        button.setAttribute('aria-expanded', open ? 'true' : 'false');
        button.textContent = open ? '\u25be' : '\u25b8';
        children.forEach(function (child) { child.hidden = !open; });
      });
      row.insertBefore(button, row.firstChild);
    });
  }

  function setAll(listId, flags, value) {
    flags.forEach(function (_, k) { flags[k] = value; });
    Array.prototype.forEach.call($(listId).querySelectorAll('input'), function (box) { box.checked = value; });
    applyFilters();
  }

  filterList('legend', classes, state.classOn, function (c) { return c.name; });
  foldLegend();
  filterList('relations', relations, state.relationOn, function (r) { return r.label; });
  $('classes-all').addEventListener('click', function () { setAll('legend', state.classOn, true); });
  $('classes-none').addEventListener('click', function () { setAll('legend', state.classOn, false); });
  $('relations-all').addEventListener('click', function () { setAll('relations', state.relationOn, true); });
  $('relations-none').addEventListener('click', function () { setAll('relations', state.relationOn, false); });

  // --- Timeline -------------------------------------------------------------------------------
  var yearFrom = $('year-from');
  var yearTo = $('year-to');
  var bars = $('bars');
  var barYears = [];

  function setPeriod(from, to) {
    if (minYear === null) { return; }
    from = isNaN(from) ? minYear : Math.max(minYear, Math.min(maxYear, from));
    to = isNaN(to) ? maxYear : Math.max(minYear, Math.min(maxYear, to));
    if (to < from) { var t = to; to = from; from = t; }
    state.from = from;
    state.to = to;
    yearFrom.value = String(from);
    yearTo.value = String(to);
    body.dataset.period = from + '-' + to;
    applyFilters();
    graph.fit();
  }

  function buildBars() {
    if (minYear === null) {
      $('timeline').hidden = true;
      return;
    }
    yearFrom.min = yearTo.min = String(minYear);
    yearFrom.max = yearTo.max = String(maxYear);
    yearFrom.value = String(minYear);
    yearTo.value = String(maxYear);
    var highest = 1;
    for (var y = minYear; y <= maxYear; y++) {
      highest = Math.max(highest, (datedNodesPerYear.get(y) || 0) + (datedEdgesPerYear.get(y) || 0));
    }
    var step = Math.max(1, Math.ceil((maxYear - minYear + 1) / 12));
    for (var year_ = minYear; year_ <= maxYear; year_++) {
      var n = datedNodesPerYear.get(year_) || 0;
      var e = datedEdgesPerYear.get(year_) || 0;
      var bar = el('div', null, 'bar');
      bar.dataset.year = String(year_);
      bar.title = year_ + ': ' + n + ' dated entities, ' + e + ' dated relations';
      var fill = el('div', null, 'fill');
      fill.style.height = Math.round(40 * (n + e) / highest) + 'px';
      bar.appendChild(fill);
      bar.appendChild(el('div', (year_ - minYear) % step === 0 ? year_ : '', 'year'));
      bars.appendChild(bar);
      barYears.push(bar);
    }
  }

  function drawBars() {
    barYears.forEach(function (bar) {
      var y = parseInt(bar.dataset.year, 10);
      bar.classList.toggle('on', y >= state.from && y <= state.to);
    });
  }

  var brushStart = null;
  function barYear(event) {
    var bar = event.target.closest ? event.target.closest('.bar') : null;
    return bar ? parseInt(bar.dataset.year, 10) : null;
  }
  bars.addEventListener('mousedown', function (event) {
    brushStart = barYear(event);
    event.preventDefault();
  });
  bars.addEventListener('mouseover', function (event) {
    var y = barYear(event);
    if (brushStart !== null && y !== null) {
      barYears.forEach(function (bar) {
        var b = parseInt(bar.dataset.year, 10);
        bar.classList.toggle('on', b >= Math.min(brushStart, y) && b <= Math.max(brushStart, y));
      });
    }
  });
  document.addEventListener('mouseup', function (event) {
    if (brushStart === null) { return; }
    var y = barYear(event);
    var from = brushStart;
    brushStart = null;
    if (y === null) { drawBars(); return; }
    setPeriod(Math.min(from, y), Math.max(from, y));
  });
  yearFrom.addEventListener('change', function () { setPeriod(parseInt(yearFrom.value, 10), state.to); });
  yearTo.addEventListener('change', function () { setPeriod(state.from, parseInt(yearTo.value, 10)); });
  $('period-reset').addEventListener('click', function () { setPeriod(minYear, maxYear); });
  $('fit').addEventListener('click', function () { graph.fit(); });
  $('show-undated').addEventListener('change', function () {
    state.undated = $('show-undated').checked;
    applyFilters();
    graph.fit();
  });

  // --- The side panel -------------------------------------------------------------------------
  var panel = $('panel');

  function section(title) {
    panel.appendChild(el('h3', title));
  }

  function sourceList(sources) {
    var ul = el('ul', null, 'sources');
    sources.forEach(function (s) {
      var li = el('li');
      var a = link(s.label || s.iri, s.url);
      a.title = s.iri || '';
      li.appendChild(a);
      ul.appendChild(li);
    });
    return ul;
  }

  function entityButton(i) {
    var button = el('button', nodes[i].label, 'entity');
    button.type = 'button';
    button.dataset.id = nodes[i].id;
    button.addEventListener('click', function () { select(i); });
    return button;
  }

  var LINK_LIMIT = 400;

  function showPanel(i) {
    var n = nodes[i];
    var cls = classes[n.c];
    panel.textContent = '';
    panel.dataset.id = n.id;
    panel.appendChild(el('h2', n.label));
    var meta = el('p', null, 'meta');
    var swatch = el('span', null, 'swatch');
    swatch.style.backgroundColor = cls.color;
    meta.appendChild(swatch);
    meta.appendChild(el('span', cls.name));
    if (n.kind) { meta.appendChild(el('span', '\u00b7 ' + n.kind)); }
    var when = period(n.start, n.end);
    if (when) { meta.appendChild(el('span', '\u00b7 ' + when)); }
    panel.appendChild(meta);
    panel.appendChild(el('code', n.iri));
    if (!nodeShown[i]) {
      panel.appendChild(el('p', 'Hidden by the current filters.', 'warning'));
    }
    if (n.alt && n.alt.length) {
      section('Also known as');
      panel.appendChild(el('p', n.alt.join(' \u00b7 ')));
    }
    var facts = n.facts || [];
    if (facts.length || (n.classes && n.classes.length)) {
      section('Facts');
      var dl = el('dl');
      if (n.classes && n.classes.length) {
        dl.appendChild(el('dt', 'classes'));
        dl.appendChild(el('dd', n.classes.join(', ')));
      }
      facts.forEach(function (f) {
        var dt = el('dt', f.label || f.predicate);
        dt.title = f.predicate || '';
        dl.appendChild(dt);
        var dd = el('dd');
        dd.appendChild(f.iri ? link(f.value, f.iri) : el('span', f.value));
        dl.appendChild(dd);
      });
      panel.appendChild(dl);
    }
    section('Links (' + n.adj.length + ')');
    var ul = el('ul', null, 'links');
    n.adj.slice(0, LINK_LIMIT).forEach(function (j) {
      var e = edges[j];
      var outgoing = e.s === i;
      var other = outgoing ? e.t : e.s;
      var li = el('li');
      li.dataset.neighbourId = nodes[other].id;
      li.dataset.relation = relations[e.r].key;
      li.dataset.direction = outgoing ? 'out' : 'in';
      if (!edgeShown[j]) { li.className = 'filtered'; }
      var rel = relations[e.r].label;
      li.appendChild(el('span', outgoing ? rel + ' \u2192 ' : '\u2190 ' + rel + ' ', 'relation'));
      li.title = outgoing ? n.label + ' ' + rel + ' ' + nodes[other].label
        : nodes[other].label + ' ' + rel + ' ' + n.label;
      li.appendChild(entityButton(other));
      var when = period(e.start, e.end);
      if (when) { li.appendChild(el('span', when, 'dates')); }
      if (e.w) { li.appendChild(el('span', '\u00d7' + e.w, 'via')); }
      var sources = e.src && e.src.length ? e.src : (nodes[other].src || []);
      if (sources.length) {
        var small = el('span', null, 'link-sources');
        small.appendChild(el('span', e.src && e.src.length ? 'source: ' : 'sources of the linked entity: '));
        sources.forEach(function (s, k) {
          if (k) { small.appendChild(el('span', ' \u00b7 ')); }
          var a = link(s.label || s.iri, s.url);
          a.className = 'source';
          small.appendChild(a);
        });
        li.appendChild(small);
      }
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    if (n.adj.length > LINK_LIMIT) {
      panel.appendChild(el('p', 'and ' + (n.adj.length - LINK_LIMIT) + ' more links', 'hint'));
    }
    section('Sources (' + (n.src ? n.src.length : 0) + ')');
    if (n.src && n.src.length) {
      panel.appendChild(sourceList(n.src));
    } else {
      panel.appendChild(el('p', 'No source recorded on this entity.', 'hint'));
    }
  }

  // --- The first view: an overview by kind ----------------------------------------------------
  // A view too large to read at a glance opens on one circle per class family (its top-level
  // class, with how many entities it has) and one line per pair of families (with how many links
  // join them); the panel names the most linked entities. "Show the whole network", or choosing
  // an entity, leaves it; "overview by kind" comes back. It follows the filters and the period.
  var OVERVIEW_FROM = 150;
  function topClass(k) {
    var supers = classes[k].supers || [];
    for (var s = 0; s < supers.length; s++) {
      if (!(classes[supers[s]].supers || []).length) { return supers[s]; }
    }
    return k;
  }
  var familyOf = classes.map(function (c, k) { return topClass(k); });
  var familyList = (function () {
    var counts = new Map();
    nodes.forEach(function (n) { counts.set(familyOf[n.c], (counts.get(familyOf[n.c]) || 0) + 1); });
    return Array.from(counts.keys()).sort(function (a, b) { return counts.get(b) - counts.get(a) || a - b; });
  }());
  var byDegree = nodes.map(function (n, i) { return i; })
    .filter(function (i) { return nodes[i].d > 0; })
    .sort(function (a, b) { return nodes[b].d - nodes[a].d || a - b; });
  var overview = { cy: null, shown: false, family: null, counts: null };

  // "mg:RegionalEconomicIntegrationOrganisation" -> "Regional Economic Integration Organisation"
  function shortName(name) { return name.replace(/^[A-Za-z][\w.-]*:/, '').replace(/([a-z])([A-Z])/g, '$1 $2'); }

  function pairKey(a, b) { return Math.min(a, b) + '-' + Math.max(a, b); }

  // Entities per family and links per pair of families, as the filters leave them.
  function familyCounts() {
    var members = new Map();
    var within = new Map();
    var pairs = new Map();
    familyList.forEach(function (f) { members.set(f, 0); within.set(f, 0); });
    nodes.forEach(function (n, i) {
      if (nodeShown[i]) { members.set(familyOf[n.c], members.get(familyOf[n.c]) + 1); }
    });
    edges.forEach(function (e, j) {
      if (!edgeShown[j]) { return; }
      var a = familyOf[nodes[e.s].c];
      var b = familyOf[nodes[e.t].c];
      if (a === b) { within.set(a, within.get(a) + 1); } else { pairs.set(pairKey(a, b), (pairs.get(pairKey(a, b)) || 0) + 1); }
    });
    return { members: members, within: within, pairs: pairs };
  }

  function createOverview() {
    var elements = [];
    var radius = 55 * Math.max(4, familyList.length);
    familyList.forEach(function (f, k) {
      var angle = -Math.PI / 2 + 2 * Math.PI * k / familyList.length;
      elements.push({
        group: 'nodes',
        data: { id: 'f' + f, label: shortName(classes[f].name), color: classes[f].color, base: 40, size: 40, font: 14, outline: 3, wrap: 170 },
        position: { x: Math.round(radius * Math.cos(angle)), y: Math.round(radius * Math.sin(angle)) }
      });
    });
    var seen = new Set();
    edges.forEach(function (e) {
      var a = familyOf[nodes[e.s].c];
      var b = familyOf[nodes[e.t].c];
      if (a === b || seen.has(pairKey(a, b))) { return; }
      seen.add(pairKey(a, b));
      elements.push({ group: 'edges', data: { id: 'p' + pairKey(a, b), source: 'f' + Math.min(a, b), target: 'f' + Math.max(a, b), label: '', links: 1, width: 1, font: 12 } });
    });
    overview.cy = cytoscape({
      container: $('overview-graph'),
      elements: elements,
      style: [
        { selector: 'node', style: {
          'background-color': 'data(color)', 'width': 'data(size)', 'height': 'data(size)',
          'border-width': 2, 'border-color': '#ffffff', 'label': 'data(label)', 'text-wrap': 'wrap',
          'text-valign': 'bottom', 'text-halign': 'center', 'text-margin-y': 3, 'font-size': 'data(font)',
          'font-weight': 'bold', 'text-max-width': 'data(wrap)', 'color': '#1d2329',
          'text-outline-color': '#ffffff', 'text-outline-width': 'data(outline)', 'min-zoomed-font-size': 0
        } },
        { selector: 'edge', style: {
          'width': 'data(width)', 'line-color': '#aab4be', 'opacity': 0.8, 'curve-style': 'straight',
          'label': '', 'font-size': 'data(font)', 'color': '#4a545e', 'text-background-color': '#fbfcfd',
          'text-background-opacity': 1, 'text-background-padding': 2, 'min-zoomed-font-size': 0
        } },
        // How many links join two kinds is written on the lines of the chosen kind (or on all when few).
        { selector: 'edge.counted', style: { 'label': 'data(label)' } },
        { selector: 'edge.near', style: { 'label': 'data(label)', 'line-color': '#52606d', 'opacity': 1, 'z-index': 5 } },
        { selector: 'edge.far', style: { 'opacity': 0.25 } },
        { selector: 'node.chosen', style: { 'border-color': '#d62728', 'border-width': 4 } },
        { selector: '.empty', style: { 'display': 'none' } }
      ],
      layout: { name: 'preset', fit: false },
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      motionBlur: false
    });
    // Labels and lines keep their size on screen whatever the zoom.
    overview.cy.on('zoom', rescaleOverview);
    overview.cy.on('tap', 'node', function (event) { chooseFamily(parseInt(event.target.id().slice(1), 10)); });
    overview.cy.on('tap', function (event) { if (event.target === overview.cy) { chooseFamily(null); } });
  }

  function rescaleOverview() {
    var k = overview.cy.zoom();
    overview.cy.batch(function () {
      overview.cy.nodes().forEach(function (node) {
        node.data({ size: node.data('base') / k, font: 14 / k, outline: 3 / k, wrap: 170 / k });
      });
      overview.cy.edges().forEach(function (edge) { edge.data({ font: 12 / k, width: edge.data('links') / k }); });
    });
  }

  function updateOverview() {
    var counts = familyCounts();
    overview.counts = counts;
    var most = Math.max.apply(null, [1].concat(Array.from(counts.members.values())));
    var mostLinks = Math.max.apply(null, [1].concat(Array.from(counts.pairs.values())));
    overview.cy.batch(function () {
      familyList.forEach(function (f) {
        var n = counts.members.get(f);
        var node = overview.cy.getElementById('f' + f);
        node.data({ label: shortName(classes[f].name) + ' \u00b7 ' + n, base: Math.round(16 + 64 * Math.sqrt(n / most)) });
        node.toggleClass('empty', n === 0);
      });
      overview.cy.edges().forEach(function (edge) {
        var n = counts.pairs.get(edge.id().slice(1)) || 0;
        edge.data({ label: String(n), links: 1 + 11 * Math.sqrt(n / mostLinks) });
        edge.toggleClass('empty', n === 0);
      });
      overview.cy.edges().toggleClass('counted', overview.cy.edges(':visible').length <= 15);
    });
    var shown = parseInt(body.dataset.visibleNodes, 10);
    $('overview-text').textContent = shown + ' entities of ' +
      familyList.filter(function (f) { return counts.members.get(f) > 0; }).length + ' kinds, joined by ' +
      body.dataset.visibleEdges + ' links: each circle is a kind of entity, with how many there are; each ' +
      'line says how many links join two kinds. Click a kind to list its entities.';
    rescaleOverview();
    if (overview.shown) { overviewPanel(); }
  }

  function showOverview() {
    overview.shown = true;
    $('overview').hidden = false;
    body.dataset.mode = 'overview';
    if (!overview.cy) { createOverview(); }
    overview.cy.resize();
    updateOverview();
    overview.cy.fit(overview.cy.nodes(), 80);
    rescaleOverview();
  }

  function showNetwork() {
    if (!overview.shown) { return; }
    overview.shown = false;
    $('overview').hidden = true;
    body.dataset.mode = 'network';
    delete panel.dataset.family;
    if (state.selected !== null) { showPanel(state.selected); } else { hintPanel(); }
  }

  function chooseFamily(f) {
    overview.family = f;
    if (overview.cy) {
      overview.cy.nodes().removeClass('chosen');
      overview.cy.edges().removeClass('near far');
      if (f !== null) {
        var chosen = overview.cy.getElementById('f' + f).addClass('chosen');
        chosen.connectedEdges().addClass('near');
        overview.cy.edges().not(chosen.connectedEdges()).addClass('far');
      }
    }
    overviewPanel();
  }

  function entityRows(list, limit) {
    var ul = el('ul', null, 'kind-list');
    list.slice(0, limit).forEach(function (i) {
      var li = el('li');
      li.appendChild(entityButton(i));
      li.appendChild(el('span', shortName(classes[nodes[i].c].name) + ' \u00b7 ' + nodes[i].d + ' links', 'count'));
      ul.appendChild(li);
    });
    return ul;
  }

  function networkButton(text, onClick) {
    var button = el('button', text, 'primary');
    button.type = 'button';
    button.addEventListener('click', onClick);
    return button;
  }

  function overviewPanel() {
    var counts = overview.counts;
    var f = overview.family;
    panel.textContent = '';
    delete panel.dataset.id;
    if (f === null) {
      panel.dataset.family = '';
      panel.appendChild(el('h2', 'Overview by kind'));
      panel.appendChild(el('p', 'Click a kind to list its entities, or an entity to see it in the network.', 'hint'));
      section('Most linked entities');
      panel.appendChild(entityRows(byDegree.filter(function (i) { return nodeShown[i]; }), 15));
      panel.appendChild(networkButton('Show the whole network', showNetwork));
      return;
    }
    panel.dataset.family = classes[f].name;
    panel.appendChild(el('h2', shortName(classes[f].name)));
    var meta = el('p', null, 'meta');
    var swatch = el('span', null, 'swatch');
    swatch.style.backgroundColor = classes[f].color;
    meta.appendChild(swatch);
    meta.appendChild(el('span', counts.members.get(f) + ' entities \u00b7 ' + counts.within.get(f) + ' links among them'));
    panel.appendChild(meta);
    var kinds = classes.map(function (c, k) { return k; }).filter(function (k) { return familyOf[k] === f && k !== f; });
    if (kinds.length) {
      section('Classes');
      var list = el('ul', null, 'kind-list');
      kinds.forEach(function (k) {
        var n = 0;
        nodes.forEach(function (node, i) { if (node.c === k && nodeShown[i]) { n++; } });
        if (!n) { return; }
        var li = el('li', shortName(classes[k].name));
        li.appendChild(el('span', String(n), 'count'));
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    section('Links to other kinds');
    var links = el('ul', null, 'kind-list');
    familyList.forEach(function (g) {
      var n = g === f ? 0 : (counts.pairs.get(pairKey(f, g)) || 0);
      if (!n) { return; }
      var li = el('li', shortName(classes[g].name));
      li.appendChild(el('span', n + ' links', 'count'));
      links.appendChild(li);
    });
    panel.appendChild(links);
    section('Most linked');
    panel.appendChild(entityRows(byDegree.filter(function (i) { return nodeShown[i] && familyOf[nodes[i].c] === f; }), 15));
    panel.appendChild(networkButton('Show only these in the network', function () {
      state.classOn.forEach(function (_, k) { state.classOn[k] = familyOf[k] === f; });
      Array.prototype.forEach.call($('legend').querySelectorAll('input'), function (box) {
        box.checked = state.classOn[parseInt(box.dataset.index, 10)];
      });
      applyFilters();
      showNetwork();
      graph.fit();
    }));
  }

  function hintPanel() {
    panel.textContent = '';
    delete panel.dataset.id;
    delete panel.dataset.family;
    panel.appendChild(el('p', 'Click a node, or search by name, to see its facts, links and sources.', 'hint'));
  }

  $('show-network').addEventListener('click', showNetwork);
  $('to-overview').addEventListener('click', showOverview);

  // --- Selection and permalink ----------------------------------------------------------------
  function select(i, fromHash) {
    state.selected = i;
    showNetwork();
    graph.select(i);
    body.dataset.selected = nodes[i].id;
    showPanel(i);
    if (!fromHash) {
      var hash = '#id=' + encodeURIComponent(nodes[i].id);
      if (location.hash !== hash) {
        try { history.replaceState(null, '', hash); } catch (err) { location.hash = hash; }
      }
    }
  }

  function selectFromHash() {
    var match = /^#id=(.*)$/.exec(location.hash);
    if (!match) { return; }
    var id;
    try { id = decodeURIComponent(match[1]); } catch (err) { id = match[1]; }
    var i = byId.get(id);
    if (i === undefined) {
      panel.textContent = '';
      panel.appendChild(el('p', 'No entity with the id "' + id + '" in this view.', 'warning'));
      return;
    }
    if (state.selected !== i) { select(i, true); }
  }

  function clearSelection() {
    if (state.selected === null) { return; }
    state.selected = null;
    graph.clear();
    delete body.dataset.selected;
    panel.textContent = '';
    if (overview.shown) { overviewPanel(); } else { hintPanel(); }
    if (location.hash) {
      try { history.replaceState(null, '', location.pathname + location.search); } catch (err) { location.hash = ''; }
    }
  }

  graph.onTap(function (i) { select(i); });
  graph.onBackgroundTap(clearSelection);
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape' || event.target === $('search')) { return; }
    if (overview.shown && overview.family !== null) { chooseFamily(null); }
    clearSelection();
  });
  window.addEventListener('hashchange', selectFromHash);

  // --- Search ---------------------------------------------------------------------------------
  var search = $('search');
  var suggestions = $('suggestions');
  var found = [];

  // Exact name first, then names that start with the query, contain it, or contain all its
  // words in any order ("faso burkina" finds Burkina Faso).
  function matches(query) {
    var words = query.split(/\s+/).filter(function (w) { return w; });
    var ranks = [[], [], [], []];
    nodes.forEach(function (n, i) {
      var best = 4;
      n.terms.forEach(function (t) {
        if (t === query) { best = 0; } else if (best > 1 && t.lastIndexOf(query, 0) === 0) { best = 1; } else if (best > 2 && t.indexOf(query) >= 0) { best = 2; }
      });
      if (best > 3 && words.length > 1) {
        var all = n.terms.join(' ');
        if (words.every(function (w) { return all.indexOf(w) >= 0; })) { best = 3; }
      }
      if (best < 4) { ranks[best].push(i); }
    });
    return { exact: ranks[0], all: ranks[0].concat(ranks[1], ranks[2], ranks[3]).slice(0, 15) };
  }

  function showSuggestions() {
    suggestions.textContent = '';
    found.forEach(function (i, k) {
      var li = el('li');
      li.setAttribute('role', 'option');
      var button = el('button', nodes[i].label);
      button.type = 'button';
      button.dataset.id = nodes[i].id;
      if (k === 0) { button.className = 'active'; }
      button.appendChild(el('span', classes[nodes[i].c].name, 'cls'));
      button.addEventListener('click', function () {
        suggestions.hidden = true;
        search.value = nodes[i].label;
        select(i);
      });
      li.appendChild(button);
      suggestions.appendChild(li);
    });
    suggestions.hidden = found.length === 0;
  }

  search.addEventListener('input', function () {
    var query = search.value.trim().toLowerCase();
    if (!query) {
      found = [];
      showSuggestions();
      return;
    }
    var result = matches(query);
    found = result.all;
    showSuggestions();
    if (result.exact.length) { select(result.exact[0]); }
  });
  search.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && found.length) {
      select(found[0]);
      suggestions.hidden = true;
    } else if (event.key === 'Escape') {
      if (suggestions.hidden) { clearSelection(); }
      suggestions.hidden = true;
    }
  });
  document.addEventListener('click', function (event) {
    if (!$('search-box').contains(event.target)) { suggestions.hidden = true; }
  });

  // --- Start --------------------------------------------------------------------------------
  $('title').textContent = data.title;
  $('about').textContent = 'View "' + data.view + '", ' + nodes.length + ' entities, ' + edges.length +
    ' links; layout ' + data.layout + '. ' + (large ? 'Large view: drawn on a plain canvas, labels when zoomed in.'
    : 'Drawn with Cytoscape.js ' + data.vendor.cytoscape + ' (MIT).') + ' Works offline.';
  body.dataset.nodes = String(nodes.length);
  body.dataset.edges = String(edges.length);
  buildBars();
  applyFilters();
  if (nodes.length > OVERVIEW_FROM && familyList.length > 1 && !/^#id=/.test(location.hash)) {
    showOverview();
  } else {
    body.dataset.mode = 'network';
  }
  selectFromHash();

  window.mgraph = {
    cy: graph.cy || null,
    renderer: large ? 'canvas' : 'cytoscape',
    visibleNodeCount: function () { return graph.drawnNodes(); },
    visibleEdgeCount: function () { return graph.drawnEdges(); },
    isVisible: function (id) {
      var i = byId.get(id);
      return i !== undefined && graph.isDrawn(i);
    },
    select: function (id) { var i = byId.get(id); if (i !== undefined) { select(i); } },
    // Where a node is drawn, in pixels from the graph area's top left corner.
    screenPosition: function (id) { var i = byId.get(id); return i === undefined ? null : graph.screenPosition(i); },
    setPeriod: setPeriod,
    overview: function () { return overview.cy; },
    showOverview: showOverview,
    showNetwork: showNetwork
  };
}());
