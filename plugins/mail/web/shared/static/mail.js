// Webmail's page script (no inline scripts under the CSP). Loaded deferred after htmx
// and core's app.js, which sends the CSRF token with every htmx request.
// - live updates: EventSource on /mail/events; on "mail", the list and folder tree are
//   re-fetched with htmx and swapped (unless the user has rows selected)
// - select all, drag a row onto a folder to move it
// - keyboard: j/k next/prev, o/Enter open, s star, e archive, # delete, r reply,
//   c compose, / search, u back to the list
(function () {
  'use strict';
  var app = document.querySelector('.mail-app');
  if (!app) return;

  function listEl() { return document.getElementById('mail-list'); }
  function mailboxId() { var l = listEl(); return l ? l.getAttribute('data-mailbox') : null; }

  // ---- live updates ----
  var refreshTimer = null;
  function refresh() {
    if (!window.htmx) return;
    var selected = document.querySelectorAll('.mail-row input[name="uid"]:checked').length > 0;
    var url = window.location.pathname + window.location.search;
    // Re-render the current list page; keep the reading pane as it is.
    if (listEl() && listEl().getAttribute('data-mailbox') && !selected) {
      window.htmx.ajax('GET', url.replace(/^(\/mail\/m\/[^/?]+)\/\d+/, '$1'), { target: '#mail-list', select: '#mail-list', swap: 'outerHTML' });
    }
    window.htmx.ajax('GET', url.replace(/^(\/mail\/m\/[^/?]+)\/\d+/, '$1'), { target: '#mail-folders', select: '#mail-folders', swap: 'outerHTML' });
  }
  if (window.EventSource && app.getAttribute('data-mail-events')) {
    var es = new EventSource(app.getAttribute('data-mail-events'));
    es.addEventListener('mail', function () {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 150);
    });
    window.addEventListener('pagehide', function () { es.close(); });
  }

  // ---- select all ----
  document.addEventListener('change', function (evt) {
    var t = evt.target;
    if (t instanceof HTMLInputElement && t.hasAttribute('data-select-all')) {
      document.querySelectorAll('.mail-row input[name="uid"]').forEach(function (cb) { cb.checked = t.checked; });
    }
  });
  document.addEventListener('submit', function (evt) {
    var f = evt.target;
    if (!(f instanceof HTMLFormElement) || f.id !== 'mail-bulk') return;
    var checked = document.querySelectorAll('.mail-row input[name="uid"]:checked').length;
    if (checked === 0) { evt.preventDefault(); alertText('Select one or more messages first.'); }
  });
  function alertText(text) {
    if (window.cairn && window.cairn.flash) window.cairn.flash('info', text); // from core's app.js
  }

  // ---- drag a message onto a folder ----
  document.addEventListener('dragstart', function (evt) {
    var row = evt.target instanceof Element ? evt.target.closest('.mail-row[data-uid]') : null;
    if (!row || !evt.dataTransfer) return;
    var uids = [];
    document.querySelectorAll('.mail-row input[name="uid"]:checked').forEach(function (cb) { uids.push(cb.value); });
    if (uids.indexOf(row.getAttribute('data-uid')) === -1) uids = [row.getAttribute('data-uid')];
    evt.dataTransfer.setData('application/x-cairn-uids', uids.join(','));
    evt.dataTransfer.effectAllowed = 'move';
    row.classList.add('dragging');
  });
  document.addEventListener('dragend', function (evt) {
    if (evt.target instanceof Element) evt.target.classList.remove('dragging');
  });
  function dropTarget(evt) { return evt.target instanceof Element ? evt.target.closest('[data-drop-mailbox]') : null; }
  document.addEventListener('dragover', function (evt) {
    var t = dropTarget(evt);
    if (!t || !evt.dataTransfer || evt.dataTransfer.types.indexOf('application/x-cairn-uids') === -1) return;
    evt.preventDefault();
    t.classList.add('drop-target');
  });
  document.addEventListener('dragleave', function (evt) { var t = dropTarget(evt); if (t) t.classList.remove('drop-target'); });
  document.addEventListener('drop', function (evt) {
    var t = dropTarget(evt);
    if (!t || !evt.dataTransfer) return;
    var uids = evt.dataTransfer.getData('application/x-cairn-uids');
    var from = mailboxId();
    if (!uids || !from || !window.htmx) return;
    evt.preventDefault();
    t.classList.remove('drop-target');
    var target = t.getAttribute('data-drop-mailbox');
    if (target === from) return;
    var body = { action: 'move', target: target, uid: uids.split(',') };
    window.htmx.ajax('POST', '/mail/m/' + from + '/bulk', { values: body, swap: 'none' });
  });

  // ---- keyboard ----
  function rows() { return Array.prototype.slice.call(document.querySelectorAll('#mail-list .mail-row[data-uid]')); }
  function current() {
    var r = rows();
    for (var i = 0; i < r.length; i++) if (r[i].classList.contains('kbd-focus')) return i;
    for (var j = 0; j < r.length; j++) if (r[j].classList.contains('selected')) return j;
    return -1;
  }
  function focusRow(i) {
    var r = rows();
    if (i < 0 || i >= r.length) return;
    r.forEach(function (x) { x.classList.remove('kbd-focus'); });
    r[i].classList.add('kbd-focus');
    r[i].scrollIntoView({ block: 'nearest' });
  }
  function click(sel) { var el = document.querySelector(sel); if (el) { el.click(); return true; } return false; }
  document.addEventListener('keydown', function (evt) {
    if (evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var t = evt.target;
    if (t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var i = current();
    var r = rows();
    switch (evt.key) {
      case 'j': focusRow(i + 1); break;
      case 'k': focusRow(i < 0 ? 0 : i - 1); break;
      case 'o': case 'Enter': if (i >= 0) { var a = r[i].querySelector('.mail-row-link'); if (a) a.click(); } else return; break;
      case 's':
        if (document.querySelector('#mail-reader .mail-star')) click('#mail-reader .mail-star');
        else if (i >= 0) { var st = r[i].querySelector('.mail-star'); if (st) st.click(); }
        break;
      case 'e': if (!click('#mail-reader [data-key="e"]')) return; break;
      case '#': if (!click('#mail-reader [data-key="#"]')) return; break;
      case 'r': if (!click('#mail-reader [data-key="r"]')) return; break;
      case 'c': window.location.href = '/mail/compose'; break;
      case 'u': { var mb = mailboxId(); if (mb) window.location.href = '/mail/m/' + mb; else return; break; }
      case '/': { var q = document.getElementById('mail-q'); if (q) q.focus(); else return; break; }
      default: return;
    }
    evt.preventDefault();
  });
})();
