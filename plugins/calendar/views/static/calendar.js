// Calendar's page script (the CSP forbids inline scripts). Loaded deferred. Every page
// works without it; it adds:
// - forms marked data-autosubmit submit themselves when a box is ticked (the sidebar's
//   calendar visibility), so their Apply buttons (.js-hide) are only needed without JS
// - the time grid opens scrolled to the working hours
// - drag and drop of events ([data-move]) to another day (month, all-day row) or time
//   (day and week grid), posted to /calendar/events/<cal>/<obj>/move
// - uploads (form[data-upload]) sent with the CSRF header and a progress message: a body
//   over 1 MiB is not searched for the form's token
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  function flash(kind, text) {
    if (window.cairn && window.cairn.flash) window.cairn.flash(kind, text);
    else window.alert(text);
  }

  document.addEventListener('change', function (evt) {
    var form = evt.target && evt.target.closest && evt.target.closest('form[data-autosubmit]');
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  });

  var anchor = document.querySelector('.tgrid [data-scroll-here]');
  var box = document.querySelector('.cal-scroll');
  var head = document.querySelector('.tgrid .dayhead');
  if (anchor && box) box.scrollTop = Math.max(0, anchor.offsetTop - (head ? head.offsetHeight : 0));

  // ---- drag and drop ----
  var dragged = null;
  var grabY = 0;
  document.addEventListener('dragstart', function (evt) {
    var el = evt.target && evt.target.closest && evt.target.closest('[data-move]');
    if (!el) return;
    dragged = el;
    grabY = evt.clientY - el.getBoundingClientRect().top;
    evt.dataTransfer.effectAllowed = 'move';
    evt.dataTransfer.setData('text/plain', el.getAttribute('href') || '');
  });
  document.addEventListener('dragend', function () { dragged = null; });
  function target(evt) {
    return evt.target && evt.target.closest && evt.target.closest('.tgrid .day, .tgrid .allday, .mgrid .cell');
  }
  document.addEventListener('dragover', function (evt) {
    if (dragged && target(evt)) evt.preventDefault();
  });
  document.addEventListener('drop', function (evt) {
    var t = target(evt);
    if (!dragged || !t) return;
    evt.preventDefault();
    var body = new URLSearchParams();
    body.set('date', t.getAttribute('data-day'));
    if (t.classList.contains('day')) {
      var slotPx = t.getBoundingClientRect().height / 96;
      var y = evt.clientY - t.getBoundingClientRect().top - grabY;
      var slot = Math.max(0, Math.min(95, Math.round(y / slotPx)));
      var h = Math.floor(slot / 4), m = (slot % 4) * 15;
      body.set('time', (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m);
    }
    var rid = dragged.getAttribute('data-rid');
    if (rid) body.set('rid', rid);
    var url = dragged.getAttribute('data-move');
    dragged = null;
    fetch(url, { method: 'POST', headers: { 'X-CSRF-Token': csrf(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString(), credentials: 'same-origin' })
      .then(function (res) {
        if (res.ok) { window.location.reload(); return; }
        return res.text().then(function (text) { flash('error', text || 'The event could not be moved.'); });
      })
      .catch(function () { flash('error', 'Cannot reach the server. Check your connection and try again.'); });
  });

  // ---- uploads with progress ----
  document.addEventListener('submit', function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches('form[data-upload]') || !window.XMLHttpRequest) return;
    evt.preventDefault();
    var status = form.querySelector('[data-progress]');
    var button = form.querySelector('button[type=submit], button:not([type])');
    if (button) button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-CSRF-Token', csrf());
    xhr.upload.onprogress = function (e) {
      if (status && e.lengthComputable) status.textContent = 'Uploading… ' + Math.round((e.loaded * 100) / e.total) + '%';
    };
    xhr.upload.onload = function () { if (status) status.textContent = 'Importing… this can take a minute for large files.'; };
    xhr.onload = function () {
      // The answer is the calendar's page with the import's result: show it as the page.
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () {
      if (button) button.disabled = false;
      if (status) status.textContent = '';
      flash('error', 'The upload failed. Check your connection and try again.');
    };
    xhr.send(new FormData(form));
  });
})();

// Print button of the agenda view (no inline handlers: the CSP forbids them).
document.addEventListener('click', (e) => {
  const t = e.target instanceof Element ? e.target.closest('[data-print]') : null;
  if (t) window.print();
});
