// Charts: turn each server-drawn SVG (figure[data-chart]) into the interactive Vega view of the same spec.
//
// Works under the strict Content-Security-Policy (script-src 'self', no eval): Vega parses with {ast: true}
// and evaluates expressions with the vendored CSP-safe interpreter (vega-interpreter) instead of new Function.
// The spec and the German number/date locale come from <script type="application/json" id="{chart}-data">.
// The static SVG stays until the view has rendered, so a failure leaves a readable chart (and its table).
(function () {
  'use strict';
  var state = { ready: false, rendered: 0, errors: [] };
  window.integrationsgraphCharts = state;

  function enhance(figure) {
    var id = figure.getAttribute('data-chart');
    var holder = document.getElementById(id);
    var data = document.getElementById(id + '-data');
    if (!holder || !data) return Promise.resolve();
    var payload = JSON.parse(data.textContent);
    var target = document.createElement('div');
    target.className = 'chart-interactive';
    target.hidden = true;
    holder.parentNode.insertBefore(target, holder.nextSibling);
    return window.vegaEmbed(target, payload.spec, {
      ast: true,
      expr: window.vegaInterpreter.expressionInterpreter,
      renderer: 'svg',
      actions: false,
      formatLocale: payload.locale.format,
      timeFormatLocale: payload.locale.time,
      tooltip: true
    }).then(function () {
      var svg = target.querySelector('svg');
      if (svg) {
        svg.setAttribute('role', 'img');
        svg.setAttribute('aria-label', payload.spec.description || 'Diagramm');
      }
      holder.hidden = true;
      target.hidden = false;
      figure.setAttribute('data-interactive', 'true');
      state.rendered += 1;
    }).catch(function (err) {
      target.remove();
      state.errors.push(String(err));
    });
  }

  function start() {
    if (!window.vega || !window.vegaEmbed || !window.vegaInterpreter) {
      state.errors.push('Vega ist nicht geladen');
      state.ready = true;
      return;
    }
    var figures = Array.prototype.slice.call(document.querySelectorAll('figure[data-chart]'));
    Promise.all(figures.map(enhance)).then(function () { state.ready = true; });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
