// The chat page. Everything from the server is inserted as text (textContent), never as markup.
// No message is lost or doubled across reconnects: the server replays what we missed (connection
// state recovery) or, after a restart, we ask for everything after the last id we saw; messages we
// send wait in an outbox, each with its own clientId, until the server has stored them and said so.
import { io } from '/socket.io/socket.io.esm.min.js';
import { askToLogIn } from '/assets/login-prompt.js';

const $ = (id) => document.getElementById(id);
const OUTBOX_KEY = 'nagare.chat.outbox';
const ROOMS_KEY = 'nagare.chat.rooms'; // {user, rooms}: the rooms joined, rejoined after a reload
const SEND_TIMEOUT_MS = 10000;

const state = {
  me: null, canPost: false, canModerate: false, maxLength: 2000,
  current: 'general',
  joined: new Set(['general']),
  rooms: new Map(),        // name -> member count; the server sends it a page at a time, then only changes
  history: new Map(),      // name -> {msgs: Map(id -> msg), lastId, oldest, more, members: Set, notices: []}
  outbox: loadOutbox(),    // [{clientId, room, text, failed?, inFlight?}]
  typing: new Map(),       // user -> timer
  lastTypingSent: 0,
};

function room(name) {
  let r = state.history.get(name);
  if (!r) {
    r = { msgs: new Map(), lastId: 0, oldest: 0, more: false, members: new Set(), notices: [], canDelete: false };
    state.history.set(name, r);
  }
  return r;
}

function loadOutbox() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(OUTBOX_KEY) || '[]');
    return Array.isArray(saved) ? saved.map((e) => ({ clientId: e.clientId, room: e.room, text: e.text })) : [];
  } catch {
    return [];
  }
}

function saveOutbox() {
  sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(state.outbox.map(({ clientId, room: r, text }) => ({ clientId, room: r, text }))));
}

// Remembered per user, so that someone else logging in on this browser does not join them.
function saveRooms() {
  if (!state.me) return;
  localStorage.setItem(ROOMS_KEY, JSON.stringify({ user: state.me, rooms: [...state.joined] }));
}

function savedRooms(user) {
  try {
    const saved = JSON.parse(localStorage.getItem(ROOMS_KEY) || 'null');
    return saved && saved.user === user && Array.isArray(saved.rooms) ? saved.rooms.filter((r) => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const socket = io('/chat');

function setStatus(kind, text) {
  const s = $('status');
  s.dataset.state = kind;
  s.textContent = text;
}

// ---- receiving ----

function addMessage(m) {
  const r = room(m.room);
  const known = r.msgs.get(m.id);
  r.msgs.set(m.id, m);
  r.lastId = Math.max(r.lastId, m.id);
  r.oldest = r.oldest === 0 ? m.id : Math.min(r.oldest, m.id);
  const queued = state.outbox.findIndex((e) => e.clientId === m.clientId);
  if (queued >= 0) {
    state.outbox.splice(queued, 1);
    saveOutbox();
  }
  if (m.room === state.current) {
    const list = $('messages');
    const shown = list.querySelectorAll('li.msg:not(.pending)');
    const last = shown[shown.length - 1];
    if (!known && (!last || Number(last.dataset.id) < m.id) && queued < 0) {
      const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
      const firstPending = list.querySelector('li.pending');
      list.insertBefore(renderMessage(m), firstPending);
      if (nearBottom) list.scrollTop = list.scrollHeight;
    } else {
      render();
    }
  }
}

function addNotice(name, text) {
  const r = room(name);
  r.notices.push({ after: r.lastId, text });
  if (r.notices.length > 50) r.notices.shift();
  if (name === state.current) render();
}

socket.on('hello', (h) => {
  state.me = h.user;
  state.canPost = h.canPost;
  state.canModerate = h.canModerate;
  state.maxLength = h.maxLength;
  $('whoami').textContent = `Logged in as ${h.user}${h.canPost ? '' : ' (read-only)'}`;
  setRooms(h.rooms);
  if (h.roomsMore) loadMoreRooms(h.rooms[h.rooms.length - 1].name).catch((e) => showError(e.message));
  rejoinSaved();
});

// After a reload: join again the rooms this user had joined (one deleted meanwhile is forgotten).
async function rejoinSaved() {
  for (const name of savedRooms(state.me)) {
    if (state.joined.has(name)) continue;
    try {
      await join(name);
    } catch {
      state.joined.delete(name);
    }
  }
  saveRooms();
}
socket.on('rooms', applyRoomChanges);
socket.on('message', (m) => {
  // A message ends its author's typing at once, not when the 3 s typing timer runs out.
  if (state.typing.has(m.user)) {
    clearTimeout(state.typing.get(m.user));
    state.typing.delete(m.user);
    renderTyping();
  }
  addMessage(m);
});
socket.on('edited', addMessage);
socket.on('deleted', addMessage);
socket.on('presence', (p) => {
  const r = room(p.room);
  const came = p.joined.filter((u) => !r.members.has(u));
  const went = p.left.filter((u) => r.members.has(u));
  came.forEach((u) => r.members.add(u));
  went.forEach((u) => r.members.delete(u));
  state.rooms.set(p.room, p.count);
  if (came.length) addNotice(p.room, `${listOf(came)} joined`);
  if (went.length) addNotice(p.room, `${listOf(went)} left`);
  renderRooms();
  renderMembers();
});

function listOf(users) {
  return users.length <= 5 ? users.join(', ') : `${users.slice(0, 5).join(', ')} and ${users.length - 5} more`;
}
socket.on('typing', (t) => {
  if (t.room !== state.current) return;
  clearTimeout(state.typing.get(t.user));
  state.typing.set(t.user, setTimeout(() => { state.typing.delete(t.user); renderTyping(); }, 3000));
  renderTyping();
});
socket.on('nagare:error', (e) => showError(e.message));

// ---- connection ----

socket.on('connect', () => {
  setStatus('up', 'Connected');
  // Recovered: the server replayed what we missed and kept our rooms. Otherwise catch up from history.
  (socket.recovered ? Promise.resolve() : resync()).then(flushOutbox);
});
socket.on('disconnect', (reason) => {
  setStatus('down', reason === 'io server disconnect' ? 'Disconnected by the server' : 'Reconnecting…');
  for (const e of state.outbox) e.inFlight = false;
  renderOutbox();
});
socket.io.on('reconnect_attempt', (n) => setStatus('down', `Reconnecting (attempt ${n})…`));
socket.on('connect_error', (err) => {
  if (err.message === 'unauthorized') {
    askToLogIn($('status'), 'Log in to chat.', '/chat');
  } else {
    setStatus('down', `Cannot connect (${err.message}); retrying…`);
  }
});

async function resync() {
  for (const name of [...state.joined]) {
    try {
      await join(name);
    } catch (e) {
      state.joined.delete(name);
      showError(e.message);
    }
  }
  saveRooms();
  if (!state.joined.has(state.current)) state.current = 'general';
  render();
  document.documentElement.dataset.ready = 'true';
}

async function request(event, body) {
  const res = await socket.timeout(SEND_TIMEOUT_MS).emitWithAck(event, body);
  if (!res || !res.ok) throw new Error(res && res.message ? res.message : `${event} failed`);
  return res;
}

// The rest of the room list, a page at a time (the server never sends the whole list at once).
async function loadMoreRooms(after) {
  while (after) {
    const res = await request('rooms', { after });
    res.rooms.forEach((r) => state.rooms.set(r.name, r.members));
    after = res.more && res.rooms.length ? res.rooms[res.rooms.length - 1].name : null;
  }
  renderRooms();
}

// Rooms made, deleted (or expired while empty) and member counts, batched by the server.
// Removals first: a room deleted and made again within one batch is in both lists.
function applyRoomChanges(d) {
  for (const name of d.removed) {
    state.rooms.delete(name);
    if (state.joined.delete(name)) {
      saveRooms();
      state.history.delete(name);
      addNotice('general', `#${name} was deleted`);
      if (state.current === name) switchTo('general');
    }
  }
  for (const r of [...d.added, ...d.changed]) state.rooms.set(r.name, r.members);
  renderRooms();
}

async function join(name) {
  const r = room(name);
  const after = r.lastId;
  let res = await request('join', after ? { room: name, after } : { room: name });
  state.joined.add(name);
  saveRooms();
  r.members = new Set(res.members);
  r.canDelete = res.canDelete;
  state.rooms.set(name, res.count);
  res.messages.forEach(addMessage);
  if (!after) r.more = res.more;
  // Catching up after a long outage: keep paging forward until we have everything.
  while (after && res.more) {
    res = await request('history', { room: name, after: r.lastId, limit: 200 });
    res.messages.forEach(addMessage);
  }
  renderRooms();
  renderMembers();
}

// ---- sending ----

function flushOutbox() {
  for (const entry of state.outbox) {
    if (entry.inFlight || entry.failed || !socket.connected) continue;
    entry.inFlight = true;
    socket.timeout(SEND_TIMEOUT_MS).emitWithAck('send', { room: entry.room, text: entry.text, clientId: entry.clientId })
      .then((res) => {
        entry.inFlight = false;
        if (res.ok) {
          addMessage(res.message);
        } else if (res.error === 'rate_limited') {
          showError(res.message);
          setTimeout(flushOutbox, 1000);
        } else {
          entry.failed = res.message;
          render();
        }
      })
      // No answer in time: keep it queued; the retry carries the same clientId, so it cannot double.
      .catch(() => { entry.inFlight = false; if (socket.connected) setTimeout(flushOutbox, 1000); });
  }
  renderOutbox();
}

$('send-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $('text');
  const text = input.value.trim();
  if (!text) return;
  if ([...text].length > state.maxLength) {
    showError(`Messages are at most ${state.maxLength} characters.`);
    return;
  }
  state.outbox.push({ clientId: newClientId(), room: state.current, text });
  saveOutbox();
  input.value = '';
  state.lastTypingSent = 0; // the message clears our typing line on other pages: typing again says so at once
  showError('');
  render();
  flushOutbox();
});

$('text').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $('send-form').requestSubmit();
  }
});

$('text').addEventListener('input', () => {
  const now = Date.now();
  if (socket.connected && now - state.lastTypingSent > 2000) {
    state.lastTypingSent = now;
    socket.emit('typing', { room: state.current });
  }
});

$('create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = $('new-room').value.trim();
  try {
    const res = await request('create', { room: name });
    $('new-room').value = '';
    state.joined.add(res.room);
    saveRooms();
    room(res.room).members = new Set(res.members);
    room(res.room).canDelete = res.canDelete;
    res.messages.forEach(addMessage);
    switchTo(res.room);
  } catch (err) {
    showError(err.message);
  }
});

$('older').addEventListener('click', async () => {
  const r = room(state.current);
  try {
    const res = await request('history', { room: state.current, before: r.oldest });
    res.messages.forEach(addMessage);
    r.more = res.more;
    render();
  } catch (err) {
    showError(err.message);
  }
});

$('leave').addEventListener('click', async () => {
  const name = state.current;
  try {
    await request('leave', { room: name });
    state.joined.delete(name);
    saveRooms();
    switchTo('general');
  } catch (err) {
    showError(err.message);
  }
});

$('delete-room').addEventListener('click', async () => {
  const name = state.current;
  if (!window.confirm(`Delete #${name} and all its messages for everyone?`)) return;
  try {
    await request('deleteRoom', { room: name });
    applyRoomChanges({ added: [], changed: [], removed: [name] });
  } catch (err) {
    showError(err.message);
  }
});

async function switchTo(name) {
  if (!state.joined.has(name)) {
    try {
      await join(name);
    } catch (err) {
      showError(err.message);
      return;
    }
  }
  state.current = name;
  state.typing.clear();
  render();
  $('text').focus();
}

// ---- rendering ----

function showError(text) {
  $('chat-error').textContent = text || '';
}

function setRooms(list) {
  state.rooms = new Map(list.map((r) => [r.name, r.members]));
  renderRooms();
}

// Updated in place (not rebuilt), so that a button keeps keyboard focus while counts change.
function renderRooms() {
  const ul = $('room-list');
  const existing = new Map([...ul.querySelectorAll('button[data-room]')].map((b) => [b.dataset.room, b]));
  for (const [name, b] of existing) {
    if (!state.rooms.has(name)) b.closest('li').remove();
  }
  for (const [name, count] of state.rooms) {
    let b = existing.get(name);
    if (!b) {
      const li = document.createElement('li');
      b = document.createElement('button');
      b.type = 'button';
      b.dataset.room = name;
      const label = document.createElement('span');
      label.textContent = `#${name}`;
      const c = document.createElement('span');
      c.className = 'count';
      b.append(label, c);
      b.addEventListener('click', () => switchTo(name));
      li.append(b);
      ul.append(li);
    }
    b.setAttribute('aria-current', String(name === state.current));
    b.dataset.joined = String(state.joined.has(name));
    const c = b.querySelector('.count');
    c.textContent = String(count);
    c.title = `${count} online`;
  }
}

function renderMembers() {
  const members = [...room(state.current).members].sort((a, b) => a.localeCompare(b));
  $('member-count').textContent = `(${members.length})`;
  $('members').replaceChildren(...members.map((m) => {
    const li = document.createElement('li');
    li.textContent = m;
    return li;
  }));
}

function renderTyping() {
  const who = [...state.typing.keys()].filter((u) => u !== state.me);
  $('typing').textContent = who.length === 0 ? '' : `${who.join(', ')} ${who.length === 1 ? 'is' : 'are'} typing…`;
}

function renderOutbox() {
  const waiting = state.outbox.filter((e) => !e.failed).length;
  $('outbox').textContent = waiting === 0 ? ''
    : socket.connected ? `Sending ${waiting}…` : `${waiting} message${waiting === 1 ? '' : 's'} queued; they will be sent when the connection is back.`;
}

function renderMessage(m) {
  const li = document.createElement('li');
  li.className = 'msg' + (m.deleted ? ' deleted' : '');
  li.dataset.id = String(m.id);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const author = document.createElement('span');
  author.className = 'author';
  author.textContent = m.user;
  const time = document.createElement('time');
  time.dateTime = new Date(m.ts).toISOString();
  time.textContent = new Date(m.ts).toLocaleTimeString();
  meta.append(author, time);
  if (m.editedAt) meta.append(Object.assign(document.createElement('span'), { textContent: '(edited)' }));
  const mine = m.user === state.me;
  if (!m.deleted && (mine || state.canModerate)) {
    const actions = document.createElement('span');
    actions.className = 'actions';
    if (mine) actions.append(button('Edit', () => startEdit(li, m)));
    actions.append(button('Delete', () => request('delete', { id: m.id }).catch((e) => showError(e.message))));
    meta.append(actions);
  }
  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = m.deleted ? 'message deleted' : m.text;
  li.append(meta, text);
  return li;
}

function button(label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function startEdit(li, m) {
  const box = document.createElement('textarea');
  box.className = 'edit-box';
  box.value = m.text;
  box.setAttribute('aria-label', 'Edit message; Enter saves, Escape cancels');
  li.querySelector('.text').replaceWith(box);
  box.focus();
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') render();
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      request('edit', { id: m.id, text: box.value }).then((res) => addMessage(res.message))
        .catch((err) => showError(err.message));
    }
  });
}

function renderPending(e) {
  const li = renderMessage({ id: 0, user: state.me || 'me', ts: Date.now(), text: e.text });
  li.classList.add('pending');
  li.querySelector('.actions')?.remove();
  if (e.failed) {
    li.classList.add('failed');
    li.querySelector('.meta').append(Object.assign(document.createElement('span'), { textContent: `not sent: ${e.failed}` }),
      button('Dismiss', () => { state.outbox.splice(state.outbox.indexOf(e), 1); saveOutbox(); render(); }));
  }
  return li;
}

function render() {
  const r = room(state.current);
  $('room-title').textContent = `#${state.current}`;
  $('leave').hidden = state.current === 'general';
  $('delete-room').hidden = !r.canDelete;
  $('older').hidden = !r.more;
  const items = [];
  const notices = [...r.notices];
  const noticeLi = (n) => Object.assign(document.createElement('li'), { className: 'notice', textContent: n.text });
  while (notices.length && notices[0].after === 0) items.push(noticeLi(notices.shift()));
  for (const m of [...r.msgs.values()].sort((a, b) => a.id - b.id)) {
    items.push(renderMessage(m));
    while (notices.length && notices[0].after <= m.id) items.push(noticeLi(notices.shift()));
  }
  notices.forEach((n) => items.push(noticeLi(n)));
  state.outbox.filter((e) => e.room === state.current).forEach((e) => items.push(renderPending(e)));
  const list = $('messages');
  list.replaceChildren(...items);
  list.scrollTop = list.scrollHeight;
  $('text').disabled = !state.canPost && state.me !== null;
  renderRooms();
  renderMembers();
  renderTyping();
  renderOutbox();
}
