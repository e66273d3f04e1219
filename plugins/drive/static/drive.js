// The drive's page script (no inline scripts: the CSP forbids them).
// - uploads: a file is the request body of an XMLHttpRequest, so it streams to the
//   server and the browser reports progress; files go one after the other and the bar
//   shows the whole batch.
// - large files go in chunks (/drive/uploads, routes/upload-routes.ts): the upload id is
//   kept in localStorage under folder + name + size + lastModified, so choosing or
//   dropping the same file again after a dropped connection or a reload asks the server
//   which chunks it has and sends only the rest.
// - folders (dropped, or chosen with "Upload folder") are recreated, reusing folders
//   of the same name, and every file in them is uploaded.
// - drag and drop onto the listing; copy buttons for share links.
(function () {
  'use strict';

  /**
   * Files above this go in chunks of CHUNK_BYTES: small enough that a dropped connection
   * costs little to resend, large enough that the per-chunk request and fsync do not show.
   */
  var CHUNKED_ABOVE = 8 * 1024 * 1024;
  var CHUNK_BYTES = 8 * 1024 * 1024;
  /** A chunk is tried this many times before the upload is left to be resumed by hand. */
  var CHUNK_ATTEMPTS = 3;
  var RESUME_PREFIX = 'cairn-drive-upload:';

  function flash(kind, text) {
    if (window.cairn && window.cairn.flash) window.cairn.flash(kind, text);
  }

  /** An XHR as a promise of {status, body}; rejects only when the connection failed. */
  function send(box, method, url, body, opts) {
    opts = opts || {};
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader('X-CSRF-Token', box.getAttribute('data-csrf') || '');
      xhr.setRequestHeader('Accept', 'application/json');
      if (opts.type) xhr.setRequestHeader('Content-Type', opts.type);
      // The file's own "last modified", so the drive shows when it was edited, not uploaded.
      if (opts.mtime) xhr.setRequestHeader('X-OC-Mtime', String(Math.floor(opts.mtime / 1000)));
      if (opts.onprogress) xhr.upload.onprogress = function (e) { opts.onprogress(e.loaded); };
      xhr.onload = function () {
        var parsed = null;
        try { parsed = JSON.parse(xhr.responseText); } catch (err) { /* not JSON */ }
        resolve({ status: xhr.status, body: parsed });
      };
      xhr.onerror = function () { reject(new Error('network')); };
      xhr.send(body === undefined ? null : body);
    });
  }

  function sendJson(box, method, url, value) {
    return send(box, method, url, JSON.stringify(value), { type: 'application/json' });
  }

  function failure(res, what) {
    var e = new Error(res.body && res.body.error && res.body.error.message ? what + ': ' + res.body.error.message : 'Could not upload ' + what + '.');
    e.status = res.status;
    return e;
  }

  function ok(res) { return res.status >= 200 && res.status < 300; }

  /** The id of the folder at `dirs` below the current one, created when missing (cached per batch). */
  function folderFor(ctx, dirs) {
    var key = dirs.join('/');
    if (dirs.length === 0) return Promise.resolve(ctx.parent);
    if (ctx.folders[key]) return ctx.folders[key];
    ctx.folders[key] = folderFor(ctx, dirs.slice(0, -1)).then(function (parent) {
      return sendJson(ctx.box, 'POST', ctx.chunkedUrl + '/folders', { drive: ctx.drive, parent: parent, name: dirs[dirs.length - 1] }).then(function (res) {
        if (!ok(res)) throw failure(res, key);
        return res.body.id;
      });
    });
    return ctx.folders[key];
  }

  function uploadWhole(ctx, file, parent, onprogress) {
    var url = ctx.box.getAttribute('data-upload-url');
    var q = (url.indexOf('?') >= 0 ? '&' : '?') + 'parent=' + encodeURIComponent(parent) + '&name=' + encodeURIComponent(file.name);
    return send(ctx.box, 'POST', url + q, file, { type: file.type || '', onprogress: onprogress, mtime: file.lastModified }).then(function (res) {
      if (!ok(res)) throw failure(res, file.name);
    });
  }

  function putChunk(ctx, id, n, blob, onprogress, attempt) {
    return send(ctx.box, 'PUT', ctx.chunkedUrl + '/' + encodeURIComponent(id) + '/' + n, blob, { type: 'application/octet-stream', onprogress: onprogress }).then(function (res) {
      if (!ok(res)) throw failure(res, 'part ' + n);
    }, function (err) {
      if (attempt + 1 >= CHUNK_ATTEMPTS) throw err;
      // A short wait: a flaky connection often comes back by itself.
      return new Promise(function (r) { setTimeout(r, 1000 * (attempt + 1)); }).then(function () { return putChunk(ctx, id, n, blob, onprogress, attempt + 1); });
    });
  }

  /** Starts or resumes the upload of a large file: its id and the sizes of the chunks the server has. */
  function openUpload(ctx, file, parent, key) {
    var known = null;
    try { known = window.localStorage.getItem(key); } catch (err) { /* storage off: no resume */ }
    var resumed = known
      ? send(ctx.box, 'GET', ctx.chunkedUrl + '/' + encodeURIComponent(known)).then(function (res) {
        return ok(res) ? { id: known, have: res.body.chunks } : null;
      })
      : Promise.resolve(null);
    return resumed.then(function (r) {
      if (r) return r;
      return sendJson(ctx.box, 'POST', ctx.chunkedUrl, { drive: ctx.drive, parent: parent, name: file.name, size: file.size, type: file.type || '', mtime: file.lastModified || null }).then(function (res) {
        if (!ok(res)) throw failure(res, file.name);
        try { window.localStorage.setItem(key, res.body.id); } catch (err) { /* no resume then */ }
        return { id: res.body.id, have: [] };
      });
    });
  }

  function uploadChunked(ctx, file, parent, onprogress, retried) {
    var key = RESUME_PREFIX + [ctx.drive, parent, file.name, file.size, file.lastModified].join('|');
    return openUpload(ctx, file, parent, key).then(function (u) {
      var have = {};
      u.have.forEach(function (c) { have[c.n] = c.size; });
      var count = Math.ceil(file.size / CHUNK_BYTES);
      var sent = 0;
      var chain = Promise.resolve();
      for (var n = 1; n <= count; n++) {
        (function (n) {
          var start = (n - 1) * CHUNK_BYTES;
          var end = Math.min(file.size, start + CHUNK_BYTES);
          chain = chain.then(function () {
            if (have[n] === end - start) { sent += end - start; onprogress(sent); return undefined; }
            return putChunk(ctx, u.id, n, file.slice(start, end), function (loaded) { onprogress(sent + loaded); }, 0).then(function () { sent += end - start; onprogress(sent); });
          });
        })(n);
      }
      return chain.then(function () {
        return send(ctx.box, 'POST', ctx.chunkedUrl + '/' + encodeURIComponent(u.id) + '/complete');
      }).then(function (res) {
        if (!ok(res)) throw failure(res, file.name);
        try { window.localStorage.removeItem(key); } catch (err) { /* nothing kept */ }
      });
    }).catch(function (err) {
      // The server no longer has the upload (finished elsewhere, purged after a day): start over once.
      if (err.status === 404 && !retried) {
        try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
        return uploadChunked(ctx, file, parent, onprogress, true);
      }
      throw err;
    });
  }

  /** Uploads [{file, dirs}] (and creates the folders in `emptyDirs`), one file after the other. */
  function uploadAll(box, items, emptyDirs) {
    var progress = box.querySelector('.upload-progress');
    var status = box.querySelector('.upload-status');
    var ctx = {
      box: box, drive: box.getAttribute('data-drive') || '', parent: box.getAttribute('data-parent') || '',
      chunkedUrl: box.getAttribute('data-chunked-url'), folders: {},
    };
    var total = items.reduce(function (s, it) { return s + it.file.size; }, 0) || 1;
    var done = 0;
    var okCount = 0;
    var interrupted = false;
    progress.hidden = false;
    progress.value = 0;
    var chain = Promise.all((emptyDirs || []).map(function (d) { return folderFor(ctx, d); })).catch(function (err) { flash('error', err.message); });
    items.forEach(function (it, i) {
      chain = chain.then(function () {
        var label = it.dirs.concat(it.file.name).join('/');
        status.textContent = 'Uploading ' + label + (items.length > 1 ? ' (' + (i + 1) + ' of ' + items.length + ')' : '') + '…';
        var onprogress = function (loaded) { progress.value = Math.min(100, Math.round(((done + loaded) / total) * 100)); };
        return folderFor(ctx, it.dirs).then(function (parent) {
          return it.file.size > CHUNKED_ABOVE && ctx.chunkedUrl ? uploadChunked(ctx, it.file, parent, onprogress) : uploadWhole(ctx, it.file, parent, onprogress);
        }).then(function () { okCount++; }, function (err) {
          if (err.message === 'network') {
            interrupted = true;
            flash('error', 'The upload of ' + label + ' was interrupted. Choose or drop it again to continue where it stopped.');
          } else {
            flash('error', err.message);
          }
        }).then(function () { done += it.file.size; onprogress(0); });
      });
    });
    chain.then(function () {
      status.textContent = okCount + ' of ' + items.length + ' uploaded' + (interrupted ? ' — choose the same files again to resume' : '');
      if (okCount > 0 || (items.length === 0 && emptyDirs && emptyDirs.length)) window.location.reload();
    });
  }

  /** Files chosen with the plain or the folder input: a folder's files carry their relative path. */
  function fromInput(files) {
    return Array.prototype.map.call(files, function (f) {
      var parts = (f.webkitRelativePath || f.name).split('/');
      return { file: f, dirs: parts.slice(0, -1) };
    });
  }

  /** Every entry of a directory (readEntries hands them out in batches). */
  function readAll(reader) {
    return new Promise(function (resolve, reject) {
      var out = [];
      (function next() {
        reader.readEntries(function (batch) {
          if (batch.length === 0) { resolve(out); return; }
          out = out.concat(Array.prototype.slice.call(batch));
          next();
        }, reject);
      })();
    });
  }

  function walk(entry, dirs, acc) {
    if (entry.isFile) {
      return new Promise(function (resolve, reject) { entry.file(resolve, reject); }).then(function (file) { acc.items.push({ file: file, dirs: dirs }); });
    }
    var path = dirs.concat(entry.name);
    acc.dirs.push(path);
    return readAll(entry.createReader()).then(function (children) {
      return children.reduce(function (p, child) { return p.then(function () { return walk(child, path, acc); }); }, Promise.resolve());
    });
  }

  /** A drop's files and folders; the entries must be taken during the drop event itself. */
  function fromDrop(dt) {
    var entries = [];
    if (dt.items && dt.items.length && typeof dt.items[0].webkitGetAsEntry === 'function') {
      for (var i = 0; i < dt.items.length; i++) {
        if (dt.items[i].kind !== 'file') continue;
        var e = dt.items[i].webkitGetAsEntry();
        if (e) entries.push(e);
      }
    }
    if (entries.length === 0) return Promise.resolve({ items: fromInput(dt.files), dirs: [] });
    var acc = { items: [], dirs: [] };
    return entries.reduce(function (p, e) { return p.then(function () { return walk(e, [], acc); }); }, Promise.resolve()).then(function () { return acc; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('.drive-upload');
    if (box) {
      box.querySelectorAll('input[type=file]').forEach(function (input) {
        input.addEventListener('change', function () { if (input.files.length) uploadAll(box, fromInput(input.files)); });
      });
      document.querySelectorAll('[data-dropzone]').forEach(function (zone) {
        zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.classList.add('drive-dragover'); });
        zone.addEventListener('dragleave', function () { zone.classList.remove('drive-dragover'); });
        zone.addEventListener('drop', function (e) {
          e.preventDefault();
          zone.classList.remove('drive-dragover');
          if (!e.dataTransfer) return;
          fromDrop(e.dataTransfer).then(function (found) {
            if (found.items.length || found.dirs.length) uploadAll(box, found.items, found.dirs);
          }, function () { flash('error', 'That folder could not be read.'); });
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
