// Compose page behaviour (no inline scripts: the CSP forbids them).
// - Attachments: each file is uploaded on its own with XMLHttpRequest so the upload
//   progress can be shown; the server answers the <li> to add to the list.
// - Autosave: after a change (1 s later) and every 10 s while there are unsaved edits,
//   the form fires "cairn-autosave", which htmx posts to /mail/compose/draft.
// - Signatures: "Insert signature" puts the chosen one at the cursor.
(function () {
  'use strict';
  var form = document.getElementById('compose-form');
  if (!form) return;
  var dirty = false;
  var timer = null;
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  };
  var autosave = function () {
    if (!dirty || !window.htmx) return;
    dirty = false;
    window.htmx.trigger(form, 'cairn-autosave');
  };
  var markDirty = function () {
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(autosave, 1000);
  };
  form.addEventListener('input', function (e) {
    if (e.target && e.target.type === 'file') return;
    markDirty();
  });
  form.addEventListener('change', function (e) {
    if (e.target && e.target.type === 'file') return;
    markDirty();
  });
  setInterval(autosave, 10000);
  form.addEventListener('submit', function () { dirty = false; if (timer) clearTimeout(timer); });

  // ---- attachments
  var input = document.getElementById('compose-file');
  var list = document.getElementById('attachment-list');
  var box = document.getElementById('upload-progress');
  var bar = document.getElementById('upload-bar');
  var label = document.getElementById('upload-label');
  var error = document.getElementById('upload-error');
  var maxBytes = input ? Number(input.getAttribute('data-max-bytes')) : 0;
  var showError = function (text) {
    error.textContent = text;
    error.hidden = false;
  };
  var uploadOne = function (file, done) {
    if (maxBytes && file.size > maxBytes) {
      showError(file.name + ' is too large: attachments can be up to ' + Math.round(maxBytes / 1048576) + ' MB.');
      done();
      return;
    }
    var xhr = new XMLHttpRequest();
    var data = new FormData();
    data.append('file', file, file.name);
    xhr.open('POST', input.getAttribute('data-upload-url'));
    xhr.setRequestHeader('X-CSRF-Token', csrf());
    box.hidden = false;
    bar.value = 0;
    label.textContent = 'Uploading ' + file.name + '… 0%';
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      label.textContent = 'Uploading ' + file.name + '… ' + pct + '%';
    });
    xhr.addEventListener('load', function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        list.insertAdjacentHTML('beforeend', xhr.responseText);
        bar.value = 100;
        label.textContent = 'Uploaded ' + file.name;
        markDirty();
      } else {
        var tmp = document.createElement('div');
        tmp.innerHTML = xhr.responseText;
        showError(file.name + ': ' + (tmp.textContent.trim() || 'the upload failed (' + xhr.status + ').'));
      }
      done();
    });
    xhr.addEventListener('error', function () {
      showError(file.name + ': the upload failed. Check the connection and try again.');
      done();
    });
    xhr.send(data);
  };
  if (input) {
    input.addEventListener('change', function () {
      error.hidden = true;
      var files = Array.prototype.slice.call(input.files || []);
      var next = function () {
        var f = files.shift();
        if (!f) { input.value = ''; return; }
        uploadOne(f, next);
      };
      next();
    });
  }
  if (list) {
    list.addEventListener('click', function (e) {
      var btn = e.target && e.target.closest ? e.target.closest('[data-remove-attachment]') : null;
      if (!btn) return;
      var li = btn.closest('li');
      if (li) li.remove();
      markDirty();
    });
  }

  // ---- signatures
  var insert = document.getElementById('insert-signature');
  var sigSelect = document.getElementById('compose-signature');
  var body = document.getElementById('compose-body');
  var fromSelect = document.getElementById('compose-from');
  var pickDefault = function () {
    if (!sigSelect || !fromSelect) return;
    var from = fromSelect.value;
    for (var i = 0; i < sigSelect.options.length; i++) {
      var defaults = (sigSelect.options[i].getAttribute('data-default-for') || '').split(' ');
      if (defaults.indexOf(from) >= 0) { sigSelect.selectedIndex = i; return; }
    }
  };
  if (fromSelect) fromSelect.addEventListener('change', pickDefault);
  pickDefault();
  if (insert && sigSelect && body) {
    insert.addEventListener('click', function () {
      var opt = sigSelect.options[sigSelect.selectedIndex];
      if (!opt) return;
      var text = '\n-- \n' + (opt.getAttribute('data-body') || '') + '\n';
      var at = typeof body.selectionStart === 'number' ? body.selectionStart : body.value.length;
      body.value = body.value.slice(0, at) + text + body.value.slice(at);
      body.focus();
      markDirty();
    });
  }
})();
