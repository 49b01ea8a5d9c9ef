// The browser side of the live page and the HTML report: reads the migration record (embedded, or polled
// from the local status server) and draws it with uPlot. Plain ES2017 in a string, no build step.
export const PAGE_SCRIPT = String.raw`
(function () {
  var PHASE_COLOURS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563'];
  var charts = [];
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function secs(iso) { return Date.parse(iso) / 1000; }
  // The page's twin of report/record-text.ts: counts in words, not JSON.
  function words(k) { return k.replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase(); }
  function describe(o) {
    return Object.keys(o || {}).filter(function (k) { return o[k] !== undefined; })
      .map(function (k) { return words(k) + ' ' + (o[k] === null ? 'none' : o[k]); }).join(', ') || 'none';
  }
  function fmtDuration(s) {
    if (s < 60) return s.toFixed(1) + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  }
  function width() { return Math.min(1100, document.body.clientWidth - 40); }
  function chart(target, title, series, data, axes) {
    var box = el('div', { class: 'chart', 'data-chart': title });
    target.appendChild(box);
    if (!data[0] || data[0].length < 2) { box.appendChild(el('p', { class: 'empty' }, title + ': no samples yet')); return; }
    charts.push(new uPlot({ title: title, width: width(), height: 240, series: [{}].concat(series), axes: axes,
      scales: { x: { time: true }, '%': { range: [0, 105] } } }, data, box));
  }
  function throughput(state) {
    var t = state.results.throughput || [];
    var xs = [], docs = [], mb = [], slow = [];
    for (var i = 1; i < t.length; i++) {
      var dt = Math.max(0.001, secs(t[i].at) - secs(t[i - 1].at));
      xs.push(secs(t[i].at)); docs.push(t[i].docs / dt); mb.push(t[i].bytes / dt / 1e6); slow.push(t[i].slowdown * 100);
    }
    return { xs: xs, docs: docs, mb: mb, slow: slow };
  }
  function draw(state) {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var root = document.getElementById('charts');
    root.textContent = '';
    var t = throughput(state);
    chart(root, 'Throughput (writes to the destination)', [
      { label: 'docs/s', stroke: '#2563eb', width: 2 },
      { label: 'MB/s', stroke: '#16a34a', scale: 'mb' },
      { label: 'speed % (throttle)', stroke: '#dc2626', scale: '%', dash: [4, 4] },
    ], [t.xs, t.docs, t.mb, t.slow], [{}, { label: 'docs/s' }, { scale: 'mb', side: 1, label: 'MB/s', grid: { show: false } }, { scale: '%', show: false }]);
    var lag = state.results.lag || [];
    var lagSeries = [{ label: 'lag (operations)', stroke: '#d97706', width: 2 }, { label: 'lag (seconds)', stroke: '#9333ea', scale: 's' }];
    var lagData = [lag.map(function (l) { return secs(l.at); }), lag.map(function (l) { return l.ops; }), lag.map(function (l) { return l.seconds; })];
    ['writes', 'deletes'].forEach(function (k, i) {
      if (lag.some(function (l) { return typeof l[k] === 'number'; })) {
        lagSeries.push({ label: 'lag ' + k, stroke: i ? '#dc2626' : '#0891b2' });
        lagData.push(lag.map(function (l) { return typeof l[k] === 'number' ? l[k] : null; }));
      }
    });
    chart(root, 'Lag', lagSeries, lagData, [{}, { label: 'operations' }, { scale: 's', side: 1, label: 'seconds', grid: { show: false } }]);
    var samples = state.results.throughput || [];
    var phases = [];
    samples.forEach(function (s) { if (phases.indexOf(s.phase) < 0) phases.push(s.phase); });
    var total = 0, cum = phases.map(function () { return []; }), xs = [];
    samples.forEach(function (s) {
      total += s.docs; xs.push(secs(s.at));
      phases.forEach(function (p, i) { cum[i].push(p === s.phase ? total : null); });
    });
    chart(root, 'Progress per phase (documents written, cumulative)', phases.map(function (p, i) {
      return { label: p, stroke: PHASE_COLOURS[i % PHASE_COLOURS.length], width: 3, spanGaps: false };
    }), [xs].concat(cum), [{}, { label: 'documents' }]);
    timeline(state);
    facts(state);
  }
  function timeline(state) {
    var root = document.getElementById('timeline');
    root.textContent = '';
    var steps = Object.keys(state.steps).map(function (n) { return { name: n, r: state.steps[n] }; });
    var starts = steps.filter(function (s) { return s.r.startedAt; }).map(function (s) { return secs(s.r.startedAt); });
    if (!starts.length) { root.appendChild(el('p', { class: 'empty' }, 'no step has started')); return; }
    var t0 = Math.min.apply(null, starts), now = secs(state.updatedAt);
    var span = Math.max(0.001, now - t0);
    var table = el('table', { class: 'timeline' });
    steps.forEach(function (s) {
      var tr = el('tr', { 'data-step': s.name, 'data-status': s.r.status });
      tr.appendChild(el('td', {}, s.name));
      var skipped = s.r.data && typeof s.r.data.skipped === 'string' ? ' (skipped: ' + s.r.data.skipped + ')' : '';
      tr.appendChild(el('td', { class: 'status ' + s.r.status }, s.r.status + skipped + (s.r.attempts > 1 ? ' (' + s.r.attempts + ' attempts)' : '')));
      var bar = el('td', { class: 'barcell' });
      if (s.r.startedAt) {
        var a = secs(s.r.startedAt), b = s.r.finishedAt ? secs(s.r.finishedAt) : now;
        var d = el('div', { class: 'bar ' + s.r.status, style: 'margin-left:' + ((a - t0) / span * 100).toFixed(2) + '%;width:' + Math.max(0.5, (b - a) / span * 100).toFixed(2) + '%' });
        bar.appendChild(d);
        tr.appendChild(bar);
        // A resumed step: the time of its last attempt first (report/step-time.ts says the same in text).
        var last = s.r.attempts > 1 && s.r.attemptStartedAt && s.r.finishedAt ? fmtDuration(b - secs(s.r.attemptStartedAt)) + ' of ' : '';
        tr.appendChild(el('td', { class: 'num' }, last + fmtDuration(b - a)));
      } else { tr.appendChild(bar); tr.appendChild(el('td', {}, '')); }
      table.appendChild(tr);
      if (s.r.error) { var er = el('tr'); er.appendChild(el('td', { colspan: 4, class: 'error' }, s.r.error)); table.appendChild(er); }
    });
    root.appendChild(table);
  }
  function section(root, title, rows) {
    if (!rows.length) return;
    root.appendChild(el('h2', {}, title));
    var table = el('table', { class: 'facts', 'data-section': title });
    rows.forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (c) { tr.appendChild(el('td', {}, c)); });
      table.appendChild(tr);
    });
    root.appendChild(table);
  }
  function facts(state) {
    var r = state.results, root = document.getElementById('facts');
    root.textContent = '';
    document.getElementById('status').textContent = state.status + ' · updated ' + state.updatedAt;
    var v = r.verification;
    if (v) section(root, 'Verification', [
      ['documents', v.sourceDocs + ' source / ' + v.destDocs + ' dest'],
      ['by verdict', describe(v.byVerdict)],
      ['owned by clients (counted apart)', String(v.clientOwned)],
      ['unexplained', v.unexplained === 0 ? '0 (clean)' : v.unexplained + ' (see ' + v.differencesFile + ')'],
    ]);
    var sync = r.sync || {};
    var conflicts = (window.FERRY_CONFLICTS || []).map(function (c) {
      return [c.id, c.change + ' at source _seq_no ' + c.sourceSeqNo + ', dest _seq_no ' + c.destSeqNo + ' (' + c.at + ')'];
    });
    section(root, 'Conflicts', [['total (a client owned the dest document)', String(sync.conflicts || 0)]].concat(conflicts));
    var c = r.controls;
    if (c) section(root, 'Operator limits', [['now', describe(c.current)]].concat(c.changes.map(function (ch) {
      return [ch.at + ' ' + ch.by, ch.key + ' ' + ch.from + ' -> ' + ch.to];
    })));
    var th = r.throttle;
    if (th) section(root, 'Throttling', [['now', th.throttled ? 'throttled: ' + th.reason : 'not throttled']].concat((th.events || []).map(function (e) {
      return [e.at, (e.throttled ? 'throttled (speed ' + Math.round(e.factor * 100) + '%): ' : 'lifted: ') + e.reason];
    })));
    section(root, 'Hooks', (r.hooks || []).map(function (h) {
      return [h.at + ' ' + h.event + (h.phase ? ' (' + h.phase + ')' : ''), (h.ok ? 'ok' : 'FAILED exit ' + h.exitCode) + ' in ' + h.ms + ' ms: ' + h.command];
    }));
  }
  var embedded = document.getElementById('ferry-state');
  var state = JSON.parse(embedded.textContent);
  draw(state);
  document.body.setAttribute('data-rendered', '1');
  // The browser polls its own page's server (loopback), not a cluster.
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', 'state.json?t=' + Date.now());
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var s = JSON.parse(xhr.responseText);
      draw(s);
      document.body.setAttribute('data-refreshed', s.updatedAt);
    };
    xhr.onerror = function () { document.getElementById('status').textContent += ' (status server gone)'; };
    xhr.send();
  }
  if (window.FERRY_LIVE) setInterval(poll, 2000);
})();
`;
