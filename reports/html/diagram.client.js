// Browser side of the HTML report: draws each run's space-time diagram from its embedded JSON and
// lets the reader step through events (buttons, clicks, keyboard). All text goes in via textContent.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var LANE_H = 58;
  var LEFT = 64;
  var RIGHT = 16;
  var TOP = 34;
  var active = null;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function text(parent, x, y, s, cls, anchor) {
    var t = el('text', { x: x, y: y, 'class': cls || '' }, parent);
    if (anchor) t.setAttribute('text-anchor', anchor);
    t.textContent = s;
    return t;
  }
  function fmt(us) {
    var a = Math.abs(us);
    if (a < 1000) return Math.round(us) + ' µs';
    if (a < 1e6) return (us / 1000).toFixed(a < 1e4 ? 2 : 1) + ' ms';
    return (us / 1e6).toFixed(a < 1e7 ? 3 : 2) + ' s';
  }
  /** A tick label precise enough to tell neighbouring ticks apart. */
  function tickLabel(us, step) {
    if (step >= 1e6) return (us / 1e6).toFixed(0) + ' s';
    var digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step / 1e6) - 1e-9)));
    return (us / 1e6).toFixed(digits) + ' s';
  }
  function niceStep(span) {
    var raw = span / 8;
    var p = Math.pow(10, Math.floor(Math.log10(Math.max(1, raw))));
    var m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }
  /** Intervals where two different nodes own the same resource at once: the race, drawn in red. */
  function findOverlaps(own) {
    var out = [];
    for (var i = 0; i < own.length; i++) for (var j = i + 1; j < own.length; j++) {
      var a = own[i], b = own[j];
      if (a.resource !== b.resource || a.node === b.node) continue;
      var from = Math.max(a.fromUs, b.fromUs), to = Math.min(a.toUs, b.toUs);
      if (to > from) out.push({ resource: a.resource, nodes: [a.node, b.node], fromUs: from, toUs: to });
    }
    out.sort(function (x, y) { return x.fromUs - y.fromUs; });
    return out;
  }
  var OWN_COLOURS = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2'];

  function Diagram(root) {
    this.root = root;
    this.data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
    this.svgBox = root.querySelector('.diagram-canvas');
    this.overview = root.querySelector('.diagram-overview');
    this.detail = root.querySelector('.step-detail');
    this.list = root.querySelector('.step-list');
    this.counter = root.querySelector('.step-counter');
    this.callout = root.querySelector('.violation-callout');
    var d = this.data;
    this.resources = [];
    for (var i = 0; i < d.ownership.length; i++) if (this.resources.indexOf(d.ownership[i].resource) < 0) this.resources.push(d.ownership[i].resource);
    this.resources.sort();
    this.overlaps = findOverlaps(d.ownership);
    this.drawLegend();
    this.violationSteps = d.violations.map(function (v) { return v.step; });
    this.cur = this.violationSteps.length ? this.violationSteps[0] : 0;
    this.span = this.initialSpan();
    this.center = this.stepTime(this.cur);
    var self = this;
    root.addEventListener('click', function (ev) {
      active = self;
      var b = ev.target.closest('[data-act]');
      if (b) { self.act(b.getAttribute('data-act')); return; }
      var s = ev.target.closest('[data-step]');
      if (s) self.go(Number(s.getAttribute('data-step')));
    });
    this.overview.addEventListener('click', function (ev) {
      var r = self.overview.getBoundingClientRect();
      var f = (ev.clientX - r.left) / Math.max(1, r.width);
      self.center = f * d.endUs;
      self.go(self.nearestStep(self.center), true);
    });
    window.addEventListener('resize', function () { self.draw(); });
    if (!active) active = this;
    this.go(this.cur);
  }

  Diagram.prototype.drawLegend = function () {
    var box = this.root.querySelector('.resource-legend');
    if (!box || this.resources.length === 0) return;
    var self = this;
    var label = document.createElement('span');
    label.textContent = 'ownership bands:';
    box.appendChild(label);
    this.resources.forEach(function (r, k) {
      var item = document.createElement('span');
      var sw = document.createElement('i');
      sw.style.background = OWN_COLOURS[k % OWN_COLOURS.length];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(r));
      box.appendChild(item);
    });
    if (this.overlaps.length > 0) {
      var warn = document.createElement('span');
      warn.className = 'overlap-note';
      var first = this.overlaps[0];
      warn.textContent = this.overlaps.length + ' overlapping ownership interval' + (this.overlaps.length === 1 ? '' : 's') + ' (red): first ' + first.resource + ' on n' + first.nodes.join(' and n') + ' at ' + fmt(first.fromUs);
      box.appendChild(warn);
    }
    void self;
  };

  Diagram.prototype.stepTime = function (i) {
    var s = this.data.steps[i];
    return s ? s.t : 0;
  };
  Diagram.prototype.initialSpan = function () {
    var d = this.data;
    var s = d.steps;
    if (s.length === 0) return Math.max(1, d.endUs);
    var c = this.cur;
    var a = s[Math.max(0, c - 150)].t;
    var b = s[Math.min(s.length - 1, c + 30)].t;
    return Math.min(Math.max(1, d.endUs * 1.02), Math.max(20000, (b - a) * 1.4));
  };
  Diagram.prototype.nearestStep = function (t) {
    var s = this.data.steps;
    var lo = 0, hi = s.length - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (s[mid].t < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  Diagram.prototype.act = function (a) {
    var n = this.data.steps.length;
    if (a === 'next') this.go(Math.min(n - 1, this.cur + 1));
    else if (a === 'prev') this.go(Math.max(0, this.cur - 1));
    else if (a === 'first') this.go(0);
    else if (a === 'last') this.go(n - 1);
    else if (a === 'violation') this.go(this.violationSteps.length ? this.violationSteps[0] : this.cur, false, true);
    else if (a === 'zoom-in') { this.span = Math.max(200, this.span / 2); this.draw(); }
    else if (a === 'zoom-out') { this.span = Math.min(this.data.endUs * 1.05, this.span * 2); this.draw(); }
    else if (a === 'fit') { this.span = Math.max(1, this.data.endUs * 1.02); this.center = this.data.endUs / 2; this.draw(); }
  };
  Diagram.prototype.go = function (i, keepCenter, recentre) {
    if (this.data.steps.length === 0) { this.draw(); return; }
    this.cur = Math.max(0, Math.min(this.data.steps.length - 1, i));
    var t = this.stepTime(this.cur);
    var lo = this.center - this.span / 2, hi = this.center + this.span / 2;
    if (recentre || (!keepCenter && (t < lo + this.span * 0.1 || t > hi - this.span * 0.1))) this.center = t;
    this.draw();
    this.showStep();
  };

  Diagram.prototype.laneY = function (node) {
    var idx = this.data.nodes.indexOf(node);
    return TOP + (idx < 0 ? 0 : idx) * LANE_H + LANE_H / 2;
  };

  Diagram.prototype.draw = function () {
    var d = this.data;
    var width = Math.max(600, this.svgBox.clientWidth || 1000);
    var height = TOP + d.nodes.length * LANE_H + 12;
    var t0 = this.center - this.span / 2, t1 = this.center + this.span / 2;
    var pw = width - LEFT - RIGHT;
    var sx = function (t) { return LEFT + ((t - t0) / (t1 - t0)) * pw; };
    var inView = function (a, b) { return b >= t0 && a <= t1; };
    var self = this;
    while (this.svgBox.firstChild) this.svgBox.removeChild(this.svgBox.firstChild);
    var svg = el('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, 'class': 'spacetime', role: 'img', 'aria-label': 'space-time diagram' }, this.svgBox);
    var defs = el('defs', {}, svg);
    [['arrow', '#475569'], ['arrow-cur', '#0f172a'], ['arrow-drop', '#dc2626']].forEach(function (m) {
      var mk = el('marker', { id: m[0] + '-' + self.root.id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
      el('path', { d: 'M0,0 L10,5 L0,10 z', fill: m[1] }, mk);
    });
    var hatch = el('pattern', { id: 'hatch-' + this.root.id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#94a3b8', 'stroke-width': 2 }, hatch);
    var clip = el('clipPath', { id: 'clip-' + this.root.id }, defs);
    el('rect', { x: LEFT, y: 0, width: pw, height: height }, clip);

    // time axis
    var step = niceStep(t1 - t0);
    var axis = el('g', { 'class': 'axis' }, svg);
    for (var tk = Math.ceil(t0 / step) * step; tk <= t1; tk += step) {
      if (tk < 0) continue;
      var x = sx(tk);
      el('line', { x1: x, y1: TOP - 6, x2: x, y2: height - 8, 'class': 'tick-line' }, axis);
      text(axis, x, TOP - 12, tickLabel(tk, step), 'tick', 'middle');
    }
    // lanes
    var lanes = el('g', { 'class': 'lanes' }, svg);
    d.nodes.forEach(function (n, k) {
      var y = self.laneY(n);
      if (k % 2 === 0) el('rect', { x: 0, y: y - LANE_H / 2, width: width, height: LANE_H, 'class': 'lane-bg' }, lanes);
      text(lanes, 10, y + 5, 'n' + n, 'lane-label');
    });
    var plot = el('g', { 'clip-path': 'url(#clip-' + this.root.id + ')' }, svg);
    // intervals: down, paused, fenced, cut
    d.intervals.forEach(function (iv) {
      if (!inView(iv.fromUs, iv.toUs)) return;
      var y = self.laneY(iv.node);
      var x0 = Math.max(LEFT - 2, sx(iv.fromUs)), x1 = Math.min(width, sx(iv.toUs));
      var h = iv.kind === 'cut' ? 10 : LANE_H - 16;
      var yy = iv.kind === 'cut' ? y - LANE_H / 2 + 2 : y - h / 2;
      var r = el('rect', { x: x0, y: yy, width: Math.max(2, x1 - x0), height: h, 'class': 'iv iv-' + iv.kind }, plot);
      if (iv.kind === 'down') r.setAttribute('fill', 'url(#hatch-' + self.root.id + ')');
      var title = el('title', {}, r); title.textContent = iv.label + ' on n' + iv.node + ' from ' + fmt(iv.fromUs) + ' to ' + fmt(iv.toUs);
      if (x1 - x0 > 44) text(plot, x0 + 4, yy + (iv.kind === 'cut' ? 9 : 12), iv.label, 'iv-label iv-label-' + iv.kind);
    });
    // ownership bands under each lane line, one slot per resource
    d.ownership.forEach(function (o) {
      if (!inView(o.fromUs, o.toUs)) return;
      var slot = self.resources.indexOf(o.resource);
      var y = self.laneY(o.node) + 6 + (slot % 4) * 5;
      var x0 = Math.max(LEFT - 2, sx(o.fromUs)), x1 = Math.min(width, sx(o.toUs));
      var r = el('rect', { x: x0, y: y, width: Math.max(2, x1 - x0), height: 4, rx: 1.5, fill: OWN_COLOURS[slot % OWN_COLOURS.length], 'class': 'own' }, plot);
      var title = el('title', {}, r); title.textContent = 'n' + o.node + ' owns ' + o.resource + (o.epoch ? ' (epoch ' + o.epoch + ')' : '') + ' ' + fmt(o.fromUs) + ' → ' + fmt(o.toUs);
    });
    this.overlaps.forEach(function (o) {
      if (!inView(o.fromUs, o.toUs)) return;
      var x0 = Math.max(LEFT - 2, sx(o.fromUs)), x1 = Math.min(width, sx(o.toUs));
      o.nodes.forEach(function (n) {
        var r = el('rect', { x: x0, y: self.laneY(n) + 3, width: Math.max(3, x1 - x0), height: 3 + 5 * Math.min(4, self.resources.length), 'class': 'own-overlap' }, plot);
        var t = el('title', {}, r); t.textContent = 'n' + o.nodes[0] + ' and n' + o.nodes[1] + ' both own ' + o.resource + ' from ' + fmt(o.fromUs) + ' to ' + fmt(o.toUs);
      });
    });
    // lane lines on top of shading
    d.nodes.forEach(function (n) { el('line', { x1: LEFT, y1: self.laneY(n), x2: width - RIGHT, y2: self.laneY(n), 'class': 'lane-line' }, plot); });
    // heal
    if (d.healAtUs > 0 && d.healAtUs >= t0 && d.healAtUs <= t1) {
      el('line', { x1: sx(d.healAtUs), y1: TOP - 4, x2: sx(d.healAtUs), y2: height - 8, 'class': 'heal-line' }, svg);
      text(svg, sx(d.healAtUs) + 3, height - 2, 'heal', 'heal-label');
    }
    // messages and events near the view (limit for speed)
    var cur = this.cur;
    var curStep = d.steps[cur];
    var drawn = 0;
    var drawnMsgs = {};
    var drawMsg = function (mi, stepIndex) {
      var m = d.messages[mi];
      drawnMsgs[mi] = true;
      if (!inView(m.sendUs, m.endUs)) return false;
      var hl = curStep && curStep.msg === mi;
      var cls = 'msg' + (m.fate === 'delivered' ? '' : m.fate === 'lost' ? ' msg-lost' : ' msg-drop') + (hl ? ' msg-cur' : '');
      var marker = hl ? 'arrow-cur' : m.fate === 'delivered' || m.fate === 'lost' ? 'arrow' : 'arrow-drop';
      var line = el('line', { x1: sx(m.sendUs), y1: self.laneY(m.from), x2: sx(m.endUs), y2: self.laneY(m.to), 'class': cls, 'marker-end': 'url(#' + marker + '-' + self.root.id + ')', 'data-step': stepIndex }, plot);
      var tt = el('title', {}, line); tt.textContent = m.type + ' n' + m.from + ' → n' + m.to + ' sent ' + fmt(m.sendUs) + ', ' + m.fate + ' ' + fmt(m.endUs);
      if (m.fate !== 'delivered' && m.fate !== 'lost') text(plot, sx(m.endUs), self.laneY(m.to) + 4, '✕', 'drop-x', 'middle');
      if (hl) {
        var lx = (sx(m.sendUs) + sx(m.endUs)) / 2, ly = (self.laneY(m.from) + self.laneY(m.to)) / 2;
        text(plot, lx + 6, ly - 4, m.type, 'msg-label');
      }
      return true;
    };
    var first = this.nearestStep(t0 - this.span);
    for (var i = first; i < d.steps.length && drawn < 2500; i++) {
      var s = d.steps[i];
      if (s.t > t1) break;
      var isCur = i === cur;
      if (s.msg !== undefined) {
        if (s.k !== 'send' || drawnMsgs[s.msg]) continue; // one arrow per message, drawn at its send
        if (drawMsg(s.msg, i)) drawn++;
      } else if (s.node === 0) {
        var fx = sx(s.t);
        el('line', { x1: fx, y1: TOP - 2, x2: fx, y2: height - 8, 'class': 'fault-line' + (isCur ? ' cur' : ''), 'data-step': i }, plot);
        var ft = el('title', {}, plot.lastChild); ft.textContent = s.text;
        if (s.k === 'fault') text(plot, fx + 3, height - 4, s.text.replace(/^fault /, '').replace(/ \(nodes.*$/, ''), 'fault-label');
        drawn++;
      } else {
        var c = el('circle', { cx: sx(s.t), cy: self.laneY(s.node), r: isCur ? 6 : 3.5, 'class': 'ev ev-' + s.k.replace(/[^a-z0-9-]/gi, '') + (isCur ? ' cur' : ''), 'data-step': i }, plot);
        var ct = el('title', {}, c); ct.textContent = '#' + s.i + ' ' + fmt(s.t) + ' ' + s.text;
        drawn++;
      }
    }
    if (curStep && curStep.msg !== undefined && !drawnMsgs[curStep.msg]) drawMsg(curStep.msg, cur);
    // violations
    d.violations.forEach(function (v) {
      if (v.atUs < t0 || v.atUs > t1) return;
      var vx = sx(v.atUs);
      var vs = d.steps[v.step];
      el('line', { x1: vx, y1: TOP - 4, x2: vx, y2: height - 8, 'class': 'violation-line', 'data-step': v.step }, svg);
      var g = el('g', { 'class': 'violation-mark', 'data-step': v.step }, svg);
      el('path', { d: 'M' + vx + ',' + (TOP - 30) + ' l9,15 h-18 z', 'class': 'violation-tri' }, g);
      text(g, vx, TOP - 18, '!', 'violation-bang', 'middle');
      if (vs && vs.node > 0) el('circle', { cx: vx, cy: self.laneY(vs.node), r: 10, 'class': 'violation-ring' }, svg);
      var vt = el('title', {}, g); vt.textContent = v.checker + ': ' + v.message;
    });
    // cursor
    if (curStep) {
      var cx = sx(curStep.t);
      el('line', { x1: cx, y1: TOP - 6, x2: cx, y2: height - 8, 'class': 'cursor-line' }, svg);
    }
    this.drawOverview();
  };

  Diagram.prototype.drawOverview = function () {
    var d = this.data;
    var box = this.overview;
    while (box.firstChild) box.removeChild(box.firstChild);
    var width = Math.max(600, box.clientWidth || 1000);
    var h = 8 + d.nodes.length * 4 + 8;
    var svg = el('svg', { width: width, height: h, viewBox: '0 0 ' + width + ' ' + h, 'class': 'overview-svg' }, box);
    var sx = function (t) { return (t / Math.max(1, d.endUs)) * width; };
    el('rect', { x: 0, y: 0, width: width, height: h, 'class': 'ov-bg' }, svg);
    d.intervals.forEach(function (iv) {
      var k = d.nodes.indexOf(iv.node);
      el('rect', { x: sx(iv.fromUs), y: 8 + k * 4, width: Math.max(1, sx(iv.toUs) - sx(iv.fromUs)), height: 3, 'class': 'ov-' + iv.kind }, svg);
    });
    if (d.healAtUs > 0) el('line', { x1: sx(d.healAtUs), y1: 0, x2: sx(d.healAtUs), y2: h, 'class': 'heal-line' }, svg);
    d.violations.forEach(function (v) { el('line', { x1: sx(v.atUs), y1: 0, x2: sx(v.atUs), y2: h, 'class': 'violation-line' }, svg); });
    var t0 = this.center - this.span / 2;
    el('rect', { x: sx(Math.max(0, t0)), y: 1, width: Math.max(3, sx(this.span)), height: h - 2, 'class': 'ov-window' }, svg);
  };

  Diagram.prototype.showStep = function () {
    var d = this.data;
    var s = d.steps[this.cur];
    this.counter.textContent = 'step ' + (this.cur + 1) + ' of ' + d.steps.length + (d.truncated ? ' (window)' : '');
    this.root.setAttribute('data-current-step', String(this.cur));
    var vio = d.violations.filter(function (v) { return v.step === this.cur; }, this);
    this.root.classList.toggle('at-violation', vio.length > 0);
    this.detail.textContent = '';
    if (s) {
      var head = document.createElement('div');
      head.className = 'step-head';
      head.textContent = '#' + s.i + '  t = ' + fmt(s.t) + '  ' + (s.node === 0 ? 'cluster' : 'node ' + s.node) + '  ' + s.k;
      var body = document.createElement('div');
      body.className = 'step-text';
      body.textContent = s.text;
      this.detail.appendChild(head);
      this.detail.appendChild(body);
    }
    this.callout.hidden = vio.length === 0;
    this.callout.textContent = '';
    vio.forEach(function (v) {
      var p = document.createElement('div');
      var b = document.createElement('strong');
      b.textContent = v.checker + ' (' + v.kind + ') violated at ' + fmt(v.atUs) + ', event #' + v.atEvent + ': ';
      p.appendChild(b);
      p.appendChild(document.createTextNode(v.message));
      this.callout.appendChild(p);
    }, this);
    // event list: a window of rows around the current step
    var list = this.list;
    list.textContent = '';
    var lo = Math.max(0, this.cur - 8), hi = Math.min(d.steps.length, this.cur + 9);
    for (var i = lo; i < hi; i++) {
      var st = d.steps[i];
      var row = document.createElement('tr');
      row.setAttribute('data-step', String(i));
      if (i === this.cur) row.className = 'step-current';
      if (this.violationSteps.indexOf(i) >= 0) row.className += ' step-violation';
      [String(st.i), fmt(st.t), st.node === 0 ? '—' : 'n' + st.node, st.text].forEach(function (c) {
        var td = document.createElement('td');
        td.textContent = c;
        row.appendChild(td);
      });
      list.appendChild(row);
    }
  };

  document.addEventListener('keydown', function (ev) {
    if (!active || ev.target && /INPUT|TEXTAREA|SELECT/.test(ev.target.tagName)) return;
    var map = { ArrowRight: 'next', j: 'next', ArrowLeft: 'prev', k: 'prev', Home: 'first', End: 'last', v: 'violation', '+': 'zoom-in', '=': 'zoom-in', '-': 'zoom-out', f: 'fit' };
    var a = map[ev.key];
    if (a) { ev.preventDefault(); active.act(a); }
  });

  var roots = document.querySelectorAll('.run-diagram');
  window.lockstepDiagrams = [];
  for (var r = 0; r < roots.length; r++) window.lockstepDiagrams.push(new Diagram(roots[r]));
})();
