// Cairn's only page script (the CSP forbids inline scripts). Loaded after htmx, deferred.
// - sends the CSRF token with every htmx request (X-CSRF-Token from <meta name="csrf-token">)
// - applies a theme change the server announces (HX-Trigger: {"cairn:theme": "dark"})
// - reports failed htmx requests in #global-flash
// - copy buttons, local times, service worker registration
(function () {
  'use strict';

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  document.addEventListener('htmx:configRequest', function (evt) {
    evt.detail.headers['X-CSRF-Token'] = csrfToken();
  });

  function applyTheme(theme) {
    document.documentElement.setAttribute('data-theme', theme);
    var bg = getComputedStyle(document.body).backgroundColor;
    document.querySelectorAll('meta[name="theme-color"]').forEach(function (m) {
      m.setAttribute('content', bg);
      m.removeAttribute('media');
    });
  }

  document.addEventListener('cairn:theme', function (evt) {
    var theme = evt.detail && evt.detail.value;
    if (theme === 'light' || theme === 'dark' || theme === 'auto') applyTheme(theme);
  });

  /** Shows a message in the page's flash area; plugins' scripts use it as window.cairn.flash. */
  function flash(kind, text) {
    var box = document.getElementById('global-flash');
    if (!box) return;
    box.textContent = '';
    var p = document.createElement('div');
    p.className = 'flash flash-' + kind;
    p.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    p.textContent = text;
    box.appendChild(p);
  }
  window.cairn = Object.assign(window.cairn || {}, { flash: flash });

  function showGlobalError(text) {
    flash('error', text);
  }

  document.addEventListener('htmx:responseError', function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 403) showGlobalError('This page has expired. Reload it and try again.');
    else if (status === 429) showGlobalError('Too many requests. Wait a moment and try again.');
    else if (status >= 500) showGlobalError('Something went wrong on the server. Try again in a moment.');
    else showGlobalError('The request could not be completed (' + status + ').');
  });

  document.addEventListener('htmx:sendError', function () {
    showGlobalError('Cannot reach the server. Check your connection and try again.');
  });

  document.addEventListener('htmx:beforeRequest', function () {
    var box = document.getElementById('global-flash');
    if (box) box.textContent = '';
  });

  // <button data-copy="element-id">: copies that element's text.
  document.addEventListener('click', function (evt) {
    var btn = evt.target instanceof Element ? evt.target.closest('[data-copy]') : null;
    if (!btn) return;
    var src = document.getElementById(btn.getAttribute('data-copy'));
    if (!src || !navigator.clipboard) return;
    navigator.clipboard.writeText(src.textContent.trim()).then(function () {
      var label = btn.textContent;
      btn.textContent = 'Copied';
      setTimeout(function () { btn.textContent = label; }, 1500);
    });
  });

  // <time datetime="…" data-local>: shown in the viewer's time zone and language.
  function localizeTimes(root) {
    root.querySelectorAll('time[data-local]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) t.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    });
  }

  document.addEventListener('DOMContentLoaded', function () { localizeTimes(document); });
  document.addEventListener('htmx:afterSettle', function (evt) { localizeTimes(evt.target); });

  if ('serviceWorker' in navigator && window.isSecureContext) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register('/sw.js').catch(function () { /* installability only */ });
    });
  }
})();
