/**
 * The browser side of the HTML reports, as plain ES5-style JavaScript inlined into the page.
 * It reads the chart specs (chart-spec.ts) from a JSON script block and hands them to uPlot.
 * Text reaches the page only through `textContent` or canvas `fillText`, never as HTML, so
 * user-supplied names in labels cannot inject markup. When done it sets
 * `window.__stresslabCharts = {count, ms, errors, ids, xRanges, boxes}` for tests and for people debugging a page.
 */
export const CHART_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-data').textContent || '[]');
  var plots = [];
  var errors = [];
  // Tick steps that read well on a clock (1 s … 1 day) instead of uPlot's decimal steps (5000 s).
  var CLOCK_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function clock(sec) {
    if (sec == null) return '–';
    var t = Math.round(sec), h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), s = t % 60;
    return h > 0 ? h + ':' + pad(m) + ':' + pad(s) : m + ':' + pad(s);
  }
  function fmt(v) {
    if (v == null) return '–';
    return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(3));
  }
  function xPos(u, x) { return u.valToPos(x, 'x', true); }
  function drawBands(u, spec) {
    var ctx = u.ctx, b = u.bbox, px = uPlot.pxRatio;
    ctx.save();
    ctx.font = Math.round(11 * px) + 'px sans-serif';
    spec.bands.forEach(function (band) {
      var x0 = Math.max(b.left, xPos(u, band.fromX)), x1 = Math.min(b.left + b.width, xPos(u, band.toX));
      if (!(x1 > x0)) return;
      ctx.fillStyle = band.color;
      if (band.style === 'strip') { ctx.fillRect(x0, b.top, Math.max(x1 - x0, px), 5 * px); return; }
      ctx.fillRect(x0, b.top, x1 - x0, b.height);
      ctx.fillStyle = '#a93226';
      ctx.fillText(band.label, x0 + 3 * px, b.top + 18 * px);
    });
    ctx.restore();
  }
  function drawMarkers(u, spec) {
    var ctx = u.ctx, b = u.bbox, px = uPlot.pxRatio;
    ctx.save();
    ctx.font = Math.round(10 * px) + 'px sans-serif';
    ctx.lineWidth = 1.5 * px;
    spec.markers.forEach(function (m, i) {
      var x = xPos(u, m.atX);
      if (x < b.left || x > b.left + b.width) return;
      ctx.strokeStyle = m.color;
      ctx.fillStyle = m.color;
      ctx.setLineDash(m.dashed ? [5 * px, 4 * px] : []);
      ctx.beginPath(); ctx.moveTo(x, b.top); ctx.lineTo(x, b.top + b.height); ctx.stroke();
      // Staggered so labels of markers a few seconds apart do not print over each other.
      ctx.fillText(m.label, x + 3 * px, b.top + b.height - (5 + (i % 3) * 13) * px);
    });
    ctx.setLineDash([]);
    spec.dots.forEach(function (d) {
      var x = xPos(u, d.atX);
      ctx.fillStyle = d.color;
      ctx.beginPath(); ctx.arc(x, b.top + b.height - 7 * px, 4 * px, 0, 2 * Math.PI); ctx.fill();
    });
    ctx.restore();
  }
  function fromZero(u, min, max) { return [0, max != null && max > 0 ? max * 1.08 : 1]; }
  // One run (or runs at one instant): uPlot widens a time scale by 86400 / ms, which with timestamps
  // in seconds is 1,000 days (a 2027–2029 axis for one night). A day either side of a date, a second
  // either side of a clock instead.
  function xRange(elapsed) {
    return function (u, min, max) {
      var xs = u.data[0];
      if (xs && xs.length > 0 && xs[0] === xs[xs.length - 1]) { var pad = elapsed ? 1 : 86400; return [xs[0] - pad, xs[0] + pad]; }
      return [min, max];
    };
  }
  // A stacked chart draws running sums, each area clipped to the one below it by a band; the
  // legend still shows each part's own value (raw), not the sum.
  // Only series with a fill are parts of the stack; one without (a worst-second line) is drawn as is.
  function stackedData(spec) {
    var sums = spec.x.map(function () { return 0; });
    return spec.series.map(function (s) {
      if (!s.fill) return s.values;
      return s.values.map(function (v, i) { sums[i] += v == null ? 0 : v; return sums[i]; });
    });
  }
  function stackBands(spec) {
    var bands = [], below = -1;
    spec.series.forEach(function (s, i) {
      if (!s.fill) return;
      if (below > 0) bands.push({ series: [i + 1, below] });
      below = i + 1;
    });
    return bands;
  }
  function options(spec, width) {
    var elapsed = spec.xKind === 'elapsed';
    var series = [elapsed ? { label: 'time', value: function (u, v) { return clock(v); } } : { label: 'run' }];
    spec.series.forEach(function (s) {
      var raw = s.values;
      series.push({ label: s.label, stroke: s.color, width: 1.5, dash: s.dash, scale: s.axis || 'y',
        fill: spec.stacked ? s.fill : undefined,
        points: { show: !!s.points, size: 6 }, spanGaps: false,
        value: spec.stacked && s.fill ? function (u, v, si, i) { return i == null ? '–' : fmt(raw[i]); } : function (u, v) { return fmt(v); } });
    });
    var axes = [
      elapsed ? { incrs: CLOCK_INCRS, space: 60, values: function (u, splits) { return splits.map(clock); } } : {},
      { scale: 'y', label: spec.yLabel, size: 60 },
    ];
    var scales = { x: { time: !elapsed, range: xRange(elapsed) }, y: { range: fromZero } };
    if (spec.y2Label) {
      axes.push({ scale: 'y2', side: 1, label: spec.y2Label, grid: { show: false }, size: 60 });
      scales.y2 = { range: fromZero };
    }
    var bands = spec.stacked ? stackBands(spec) : [];
    return { width: width, height: 280, series: series, axes: axes, scales: scales, bands: bands,
      hooks: { drawClear: [function (u) { drawBands(u, spec); }], draw: [function (u) { drawMarkers(u, spec); }] } };
  }
  specs.forEach(function (spec) {
    var el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) return;
    try {
      if (spec.x.length === 0) { el.textContent = 'No data recorded.'; return; }
      var data = [spec.x].concat(spec.stacked ? stackedData(spec) : spec.series.map(function (s) { return s.values; }));
      plots.push({ id: spec.id, el: el, plot: new uPlot(options(spec, el.clientWidth || 900), data, el) });
    } catch (e) {
      errors.push(spec.id + ': ' + e);
      el.textContent = 'This chart could not be drawn: ' + e;
    }
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.plot.setSize({ width: p.el.clientWidth || 900, height: 280 }); });
  });
  window.__stresslabCharts = { count: plots.length, ms: performance.now(), errors: errors, ids: plots.map(function (p) { return p.id; }) };
  // Read when asked: uPlot settles its scales after this script has run.
  Object.defineProperty(window.__stresslabCharts, 'xRanges', { enumerable: true,
    get: function () { return plots.map(function (p) { return [p.plot.scales.x.min, p.plot.scales.x.max]; }); } });
  // Each plot's drawing area in canvas pixels, so a test can look at the pixels of one time window.
  Object.defineProperty(window.__stresslabCharts, 'boxes', { enumerable: true,
    get: function () { return plots.map(function (p) { var b = p.plot.bbox; return { id: p.id, left: b.left, top: b.top, width: b.width, height: b.height }; }); } });
})();
`;
