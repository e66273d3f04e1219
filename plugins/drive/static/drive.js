// The drive's page script (no inline scripts: the CSP forbids them).
// - uploads: the file is the request body of an XMLHttpRequest, so it streams to the
//   server and the browser reports progress; files go one after the other.
// - drag and drop of files onto the listing; copy buttons for share links.
(function () {
  'use strict';

  function flash(kind, text) {
    if (window.cairn && window.cairn.flash) window.cairn.flash(kind, text);
  }

  function uploadOne(box, file, index, count) {
    return new Promise(function (resolve) {
      var progress = box.querySelector('.upload-progress');
      var status = box.querySelector('.upload-status');
      var url = box.getAttribute('data-upload-url');
      var parent = box.getAttribute('data-parent');
      var q = (url.indexOf('?') >= 0 ? '&' : '?') + (parent !== null ? 'parent=' + encodeURIComponent(parent) + '&' : '') + 'name=' + encodeURIComponent(file.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', url + q);
      xhr.setRequestHeader('X-CSRF-Token', box.getAttribute('data-csrf') || '');
      xhr.setRequestHeader('Accept', 'application/json');
      if (file.type) xhr.setRequestHeader('Content-Type', file.type);
      progress.hidden = false;
      progress.value = 0;
      status.textContent = 'Uploading ' + file.name + (count > 1 ? ' (' + (index + 1) + ' of ' + count + ')' : '') + '…';
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { progress.value = 100; resolve(true); return; }
        var message = 'Could not upload ' + file.name + '.';
        try { var body = JSON.parse(xhr.responseText); if (body.error && body.error.message) message = file.name + ': ' + body.error.message; } catch (err) { /* not JSON */ }
        flash('error', message);
        resolve(false);
      };
      xhr.onerror = function () { flash('error', 'The upload of ' + file.name + ' was interrupted.'); resolve(false); };
      xhr.send(file);
    });
  }

  function uploadAll(box, files) {
    var list = Array.prototype.slice.call(files);
    var ok = 0;
    var chain = Promise.resolve();
    list.forEach(function (file, i) {
      chain = chain.then(function () { return uploadOne(box, file, i, list.length).then(function (done) { if (done) ok++; }); });
    });
    chain.then(function () {
      box.querySelector('.upload-status').textContent = ok + ' of ' + list.length + ' uploaded';
      if (ok > 0) window.location.reload();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('.drive-upload');
    if (box) {
      var input = box.querySelector('input[type=file]');
      input.addEventListener('change', function () { if (input.files.length) uploadAll(box, input.files); });
      document.querySelectorAll('[data-dropzone]').forEach(function (zone) {
        zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('drive-dragover'); });
        zone.addEventListener('dragleave', function () { zone.classList.remove('drive-dragover'); });
        zone.addEventListener('drop', function (e) {
          e.preventDefault();
          zone.classList.remove('drive-dragover');
          if (e.dataTransfer && e.dataTransfer.files.length) uploadAll(box, e.dataTransfer.files);
        });
      });
    }
    document.querySelectorAll('[data-copy]').forEach(function (b) {
      b.addEventListener('click', function () {
        navigator.clipboard.writeText(b.getAttribute('data-copy')).then(function () { flash('success', 'Link copied'); });
      });
    });
  });
})();
