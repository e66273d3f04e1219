// Chat's page script (the CSP forbids inline scripts). Live updates arrive over one
// EventSource (/chat/events); actions go to the JSON API with the CSRF header.
(function () {
  'use strict';
  var root = document.getElementById('chat');
  if (!root) return;
  var me = root.getAttribute('data-me');
  var current = root.getAttribute('data-channel');
  var list = document.getElementById('messages');
  var threadList = document.getElementById('thread-messages');
  var TYPING_MS = 6000;

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  function flash(kind, text) { if (window.cairn && window.cairn.flash) window.cairn.flash(kind, text); }
  function api(method, path, body) {
    var init = { method: method, headers: { 'X-CSRF-Token': csrf(), Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch('/chat/api' + path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (b) {
        if (!res.ok) { flash('error', (b.error && b.error.message) || 'That did not work (' + res.status + ').'); throw new Error(String(res.status)); }
        return b;
      });
    });
  }

  // ---- rendering helpers ----
  function localTimes(node) {
    node.querySelectorAll('time[data-local]').forEach(function (t) {
      var d = new Date(t.getAttribute('datetime'));
      if (!isNaN(d.getTime())) t.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    });
  }
  function personalize(li) {
    if (li.getAttribute('data-author') === me) li.classList.add('mine');
    li.querySelectorAll('.reaction[data-users]').forEach(function (b) {
      var mine = (' ' + b.getAttribute('data-users') + ' ').indexOf(' ' + me + ' ') >= 0;
      b.classList.toggle('reacted', mine);
      b.setAttribute('aria-pressed', mine ? 'true' : 'false');
    });
    localTimes(li);
  }
  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 120; }
  function upsert(container, html, id) {
    var tpl = document.createElement('template');
    tpl.innerHTML = html.trim(); // server-rendered and sanitized (views/message-item.tsx)
    var li = tpl.content.firstElementChild;
    if (!li) return;
    if (container === threadList) {
      var r = li.querySelector('.msg-replies'); if (r) r.remove();
      var rep = li.querySelector('a[href$="/t/' + id + '"]'); if (rep) rep.remove();
    }
    personalize(li);
    var old = container.querySelector('#m-' + CSS.escape(id));
    if (old) { old.replaceWith(li); return; }
    var stick = nearBottom(document.scrollingElement || document.documentElement);
    container.appendChild(li);
    if (stick) li.scrollIntoView({ block: 'end' });
  }
  function badge(channelId, kind, delta, set) {
    var a = document.querySelector('.chat-side a[data-channel="' + CSS.escape(channelId) + '"]');
    if (!a) return false;
    var b = a.querySelector(kind === 'mention' ? '.mention-badge' : '.unread-badge');
    var n = set !== undefined ? set : (parseInt(b.textContent, 10) || 0) + delta;
    b.textContent = String(n);
    b.hidden = n === 0 || (kind === 'unread' && a.classList.contains('muted-chan'));
    a.classList.toggle('unread', kind === 'unread' ? n > 0 && !a.classList.contains('muted-chan') : a.classList.contains('unread'));
    return true;
  }

  // ---- read state ----
  var readTimer;
  function markRead() {
    if (!current || document.hidden) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () { api('POST', '/channels/' + encodeURIComponent(current) + '/read', {}).catch(function () {}); }, 300);
  }
  document.addEventListener('visibilitychange', function () { if (!document.hidden) markRead(); });

  // ---- live ----
  var typingTimers = {};
  var typingBox = document.getElementById('typing');
  function showTyping() {
    if (!typingBox) return;
    var names = Object.keys(typingTimers).map(function (k) { return typingTimers[k].name; });
    typingBox.textContent = names.length === 0 ? '' : names.join(', ') + (names.length === 1 ? ' is typing…' : ' are typing…');
  }
  if (window.EventSource) {
    var es = new EventSource('/chat/events?after=' + encodeURIComponent(root.getAttribute('data-position') || ''));
    es.addEventListener('message', function (evt) {
      var p = JSON.parse(evt.data);
      var m = p.message;
      if (m.channelId === current) {
        if (!m.rootId && list) upsert(list, p.html, m.id);
        if (threadList && (m.rootId === threadList.getAttribute('data-root') || m.id === threadList.getAttribute('data-root'))) upsert(threadList, p.html, m.id);
        if (m.rootId && p.type === 'chat.MessagePosted' && list) {
          var rootEl = list.querySelector('#m-' + CSS.escape(m.rootId));
          if (rootEl && !rootEl.querySelector('.msg-replies')) {
            var a = document.createElement('a'); a.className = 'msg-replies'; a.href = '/chat/c/' + current + '/t/' + m.rootId; a.textContent = '1 reply';
            rootEl.insertBefore(a, rootEl.querySelector('.msg-actions'));
          } else if (rootEl) {
            var link = rootEl.querySelector('.msg-replies'); var n = (parseInt(link.textContent, 10) || 0) + 1; link.textContent = n + (n === 1 ? ' reply' : ' replies');
          }
        }
        if (p.type === 'chat.MessagePosted') markRead();
      } else if (p.type === 'chat.MessagePosted' && !m.rootId && m.author !== me) {
        if (!badge(m.channelId, 'unread', 1)) { /* a channel new to the sidebar */ }
      }
      delete typingTimers[m.author]; showTyping();
    });
    es.addEventListener('notify', function (evt) {
      var n = JSON.parse(evt.data);
      if (n.channelId !== current) badge(n.channelId, 'mention', 1);
      if (document.hidden && window.Notification && Notification.permission === 'granted') {
        new Notification('You were mentioned', { body: 'Open Cairn chat to read it', tag: n.messageId });
      }
    });
    es.addEventListener('typing', function (evt) {
      var t = JSON.parse(evt.data);
      if (t.channelId !== current) return;
      if (typingTimers[t.userId]) clearTimeout(typingTimers[t.userId].timer);
      typingTimers[t.userId] = { name: t.name, timer: setTimeout(function () { delete typingTimers[t.userId]; showTyping(); }, TYPING_MS) };
      showTyping();
    });
    es.addEventListener('read', function (evt) {
      var r = JSON.parse(evt.data);
      badge(r.channelId, 'unread', 0, 0); badge(r.channelId, 'mention', 0, 0);
    });
    es.addEventListener('channel', function (evt) {
      var c = JSON.parse(evt.data);
      if (c.type === 'chat.MemberLeft' && c.userId === me && c.channelId === current) location.href = '/chat';
      if (c.type === 'chat.MemberJoined' && c.userId === me && !document.querySelector('.chat-side a[data-channel="' + CSS.escape(c.channelId) + '"]')) flash('info', 'You were added to a channel. Reload to see it.');
    });
    es.addEventListener('presence', function (evt) {
      var s = JSON.parse(evt.data);
      document.querySelectorAll('.presence[data-user="' + CSS.escape(s.userId) + '"]').forEach(function (el) {
        el.className = 'presence presence-' + s.presence;
        el.setAttribute('aria-label', s.presence);
      });
    });
    es.addEventListener('reset', function () { location.reload(); });
    // data-live says whether updates are flowing (CSS shows a hint when they are not).
    es.addEventListener('ready', function () { root.setAttribute('data-live', 'on'); });
    es.addEventListener('error', function () { root.setAttribute('data-live', 'off'); });
    es.addEventListener('seen', function (evt) {
      document.dispatchEvent(new CustomEvent('cairn:chat-seen', { detail: JSON.parse(evt.data) }));
    });
  }

  // ---- composer ----
  var lastTyping = 0;
  document.querySelectorAll('form.composer').forEach(function (form) {
    var ta = form.querySelector('textarea');
    var rootInput = form.querySelector('input[name="rootId"]');
    var fileInput = form.querySelector('input[type="file"]');
    function upload(channel) {
      var files = fileInput ? Array.prototype.slice.call(fileInput.files) : [];
      return Promise.all(files.map(function (f) {
        return fetch('/chat/api/channels/' + encodeURIComponent(channel) + '/files?name=' + encodeURIComponent(f.name), {
          method: 'POST', credentials: 'same-origin', body: f,
          headers: { 'X-CSRF-Token': csrf(), 'Content-Type': f.type || 'application/octet-stream', Accept: 'application/json' },
        }).then(function (res) {
          return res.json().then(function (b) { if (!res.ok) { flash('error', (b.error && b.error.message) || 'Upload failed'); throw new Error('upload'); } return b.sha256; });
        });
      }));
    }
    function send() {
      var text = ta.value;
      var hasFiles = fileInput && fileInput.files.length > 0;
      if (!text.trim() && !hasFiles) return;
      var channel = form.getAttribute('data-channel');
      var body = { text: text };
      if (rootInput) body.rootId = rootInput.value;
      if (/^\/call\s*$/.test(text.trim())) {
        var tool = document.querySelector('[data-action="call"]');
        var members = tool ? parseInt(tool.getAttribute('data-members'), 10) : 0;
        if (members > 7 && !confirm('This channel has ' + members + ' members. Call them all?')) return;
        if (members > 7) body.text = '/call confirm';
      }
      ta.disabled = true;
      upload(channel).then(function (shas) {
        if (shas.length) body.files = shas;
        return api('POST', '/channels/' + encodeURIComponent(channel) + '/messages', body);
      }).then(function (r) {
        ta.value = '';
        if (fileInput) fileInput.value = '';
        if (r.command && r.warning) flash('warning', r.warning);
        else if (r.command && r.ephemeral) flash('info', r.ephemeral);
        if (r.command && r.channelId) location.href = '/chat/c/' + r.channelId;
        if (r.id && r.html === undefined) { /* arrives over SSE */ }
      }).catch(function () {}).then(function () { ta.disabled = false; ta.focus(); });
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); send(); });
    ta.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    });
    ta.addEventListener('input', function () {
      var now = Date.now();
      if (now - lastTyping < 3000 || ta.value.charAt(0) === '/') return;
      lastTyping = now;
      api('POST', '/channels/' + encodeURIComponent(form.getAttribute('data-channel')) + '/typing').catch(function () {});
    });
  });

  // ---- message and channel actions ----
  document.addEventListener('click', function (e) {
    var btn = e.target instanceof Element ? e.target.closest('[data-action]') : null;
    if (!btn || !root.contains(btn)) return;
    var action = btn.getAttribute('data-action');
    var li = btn.closest('.msg');
    var id = li && li.getAttribute('data-id');
    var path = id ? '/messages/' + encodeURIComponent(id) : '';
    if (action === 'react' && id) {
      var emoji = btn.getAttribute('data-emoji');
      var existing = li.querySelector('.reaction[data-emoji="' + CSS.escape(emoji) + '"]');
      var on = !(existing && existing.classList.contains('reacted'));
      api('POST', path + '/reactions', { emoji: emoji, remove: !on }).catch(function () {});
    } else if (action === 'pin' && id) {
      api(li.classList.contains('pinned') ? 'DELETE' : 'POST', path + '/pin').catch(function () {});
    } else if (action === 'edit' && id) {
      api('GET', path).then(function (m) {
        var text = prompt('Edit message', m.text);
        if (text !== null && text !== m.text) return api('PATCH', path, { text: text });
      }).catch(function () {});
    } else if (action === 'delete' && id) {
      if (confirm('Delete this message?')) api('DELETE', path).catch(function () {});
    } else if ((action === 'favorite' || action === 'mute') && current) {
      var pref = {}; pref[action === 'favorite' ? 'favorite' : 'muted'] = btn.getAttribute('data-on') === '1';
      api('PUT', '/channels/' + encodeURIComponent(current) + '/preferences', pref).then(function () { location.reload(); }).catch(function () {});
    } else if (action === 'call' && current) {
      var n = parseInt(btn.getAttribute('data-members'), 10) || 0;
      if (n > 7 && !confirm('This channel has ' + n + ' members. Call them all?')) return;
      api('POST', '/channels/' + encodeURIComponent(current) + '/messages', { text: n > 7 ? '/call confirm' : '/call' }).catch(function () {});
    }
  });

  // Ask for notification permission on the first interaction (browsers require a gesture).
  document.addEventListener('click', function ask() {
    document.removeEventListener('click', ask);
    if (window.Notification && Notification.permission === 'default') Notification.requestPermission();
  });

  document.querySelectorAll('.msg').forEach(personalize);
  if (list) { var last = list.lastElementChild; if (last) last.scrollIntoView({ block: 'end' }); markRead(); }
  document.body.addEventListener('htmx:afterSwap', function (e) { if (e.target) (e.target.parentElement || document).querySelectorAll('.msg').forEach(personalize); });
})();

// Read receipts in DMs and group messages: "Seen by …" once they read the newest message.
(function () {
  'use strict';
  var root = document.getElementById('chat');
  var seen = document.getElementById('seen');
  if (!root || !seen || !window.EventSource) return;
  var who = {};
  document.addEventListener('cairn:chat-seen', function (e) {
    var s = e.detail;
    if (s.channelId !== root.getAttribute('data-channel')) return;
    var last = document.querySelector('#messages .msg:last-of-type');
    var newest = last ? Number(last.getAttribute('data-position')) : 0;
    if (s.position >= newest) who[s.userId] = s.name; else delete who[s.userId];
    var names = Object.keys(who).map(function (k) { return who[k]; });
    seen.textContent = names.length ? 'Seen by ' + names.join(', ') : '';
  });
})();

// @mention autocomplete in the composer: people one can see (GET /chat/api/users), Tab or
// Enter takes the highlighted one, arrows move, Escape closes.
(function () {
  'use strict';
  var people;
  function load() {
    if (!people) {
      people = fetch('/chat/api/users', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { users: [] }; }).then(function (b) { return b.users || []; }).catch(function () { return []; });
    }
    return people;
  }
  document.querySelectorAll('form.composer textarea').forEach(function (ta) {
    var box = document.createElement('ul');
    box.className = 'mention-suggest';
    box.setAttribute('role', 'listbox');
    box.hidden = true;
    ta.parentElement.insertBefore(box, ta);
    var items = [];
    var active = 0;
    function close() { box.hidden = true; items = []; }
    function render() {
      box.textContent = '';
      items.forEach(function (u, i) {
        var li = document.createElement('li');
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', i === active ? 'true' : 'false');
        li.textContent = '@' + u.handle + ' — ' + u.name;
        li.addEventListener('mousedown', function (e) { e.preventDefault(); take(u); });
        box.appendChild(li);
      });
      box.hidden = items.length === 0;
    }
    function take(u) {
      var pos = ta.selectionStart;
      var before = ta.value.slice(0, pos).replace(/@[\w.-]*$/, '@' + u.handle + ' ');
      ta.value = before + ta.value.slice(pos);
      ta.selectionStart = ta.selectionEnd = before.length;
      close();
      ta.focus();
    }
    ta.addEventListener('input', function () {
      var m = /(?:^|\s)@([\w.-]*)$/.exec(ta.value.slice(0, ta.selectionStart));
      if (!m) { close(); return; }
      var q = m[1].toLowerCase();
      load().then(function (users) {
        items = users.filter(function (u) { return u.handle.indexOf(q) === 0 || u.name.toLowerCase().indexOf(q) === 0; }).slice(0, 6);
        active = 0;
        render();
      });
    });
    // Capture phase: runs before the composer's Enter-to-send.
    ta.addEventListener('keydown', function (e) {
      if (box.hidden) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') { e.preventDefault(); active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length; render(); }
      else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); e.stopImmediatePropagation(); take(items[active]); }
      else if (e.key === 'Escape') close();
    }, true);
    // Closed a moment after focus leaves (a click on an option lands first), unless it came back meanwhile.
    ta.addEventListener('blur', function () { setTimeout(function () { if (document.activeElement !== ta) close(); }, 150); });
  });
})();
