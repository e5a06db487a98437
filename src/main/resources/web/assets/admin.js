// The admin console: every figure and action comes from an API a script could call (/metrics,
// /api/admin/*, /api/v1/sockets/*), with the session's CSRF token on each change. Text from the
// server is only ever set as textContent, never parsed as HTML.

const $ = (id) => document.getElementById(id);
let csrf = '';

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function button(label, onClick, attrs = {}) {
  const b = el('button', label, { type: 'button', ...attrs });
  b.addEventListener('click', onClick);
  return b;
}

async function api(method, path, body) {
  const headers = { 'X-CSRF-Token': csrf };
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(data.message || `${res.status}`);
  return data;
}

function status(text, state) {
  const s = $('status');
  s.textContent = text;
  s.dataset.state = state;
}

function rows(tbody, list, render, emptyText, columns) {
  tbody.replaceChildren();
  if (list.length === 0) {
    const tr = el('tr');
    tr.append(el('td', emptyText, { colspan: String(columns), class: 'empty' }));
    tbody.append(tr);
    return;
  }
  for (const item of list) tbody.append(render(item));
}

// ---- metrics (the Prometheus text /metrics serves) ----

function parseMetrics(text) {
  const series = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels = {};
    for (const part of (m[3] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[part[1]] = part[2];
    series.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return series;
}

const sum = (series, name) => series.filter((s) => s.name === name).reduce((a, s) => a + s.value, 0);
let lastDeliveries = null;
let metricsSnapshot = [];

async function refreshOverview() {
  const res = await fetch('/metrics', { cache: 'no-store' });
  if (!res.ok) throw new Error(`metrics: ${res.status}`);
  const series = parseMetrics(await res.text());
  metricsSnapshot = series;
  const now = performance.now();
  const deliveries = sum(series, 'nagare_socketio_deliveries_total');
  let rate = '–';
  if (lastDeliveries) rate = Math.round((deliveries - lastDeliveries.n) / ((now - lastDeliveries.t) / 1000)).toLocaleString();
  lastDeliveries = { n: deliveries, t: now };
  const counts = [
    ['Engine.IO sessions', sum(series, 'nagare_engine_sessions')],
    ['Socket.IO sockets', sum(series, 'nagare_socketio_sockets')],
    ['Deliveries per second', rate],
    ['Video viewers', sum(series, 'nagare_video_viewers')],
    ['Audio listeners', sum(series, 'nagare_audio_listeners')],
    ['SSE subscribers', sum(series, 'nagare_sse_subscribers')],
    ['Game players', sum(series, 'nagare_game_players')],
    ['Failed logins', sum(series.filter((s) => s.labels.outcome === 'failure'), 'nagare_logins_total')],
  ];
  $('counts').replaceChildren(...counts.map(([k, v]) => {
    const d = el('div');
    d.append(el('dt', k), el('dd', typeof v === 'number' ? v.toLocaleString() : v));
    return d;
  }));
  const namespaces = series.filter((s) => s.name === 'nagare_socketio_sockets')
    .sort((a, b) => a.labels.namespace.localeCompare(b.labels.namespace));
  rows($('namespaces'), namespaces, (s) => {
    const tr = el('tr');
    tr.append(el('td', s.labels.namespace), el('td', s.value, { class: 'num' }));
    return tr;
  }, 'No namespace yet.', 2);
  for (const select of [$('socket-namespace'), $('room-namespace')]) {
    const chosen = select.value;
    select.replaceChildren(...namespaces.map((s) => el('option', s.labels.namespace, { value: s.labels.namespace })));
    if (chosen) select.value = chosen;
  }
  refreshStreams();
}

function refreshStreams() {
  const list = metricsSnapshot
    .filter((s) => s.name === 'nagare_video_viewers' || s.name === 'nagare_audio_listeners')
    .map((s) => ({ kind: s.name === 'nagare_video_viewers' ? 'video' : 'audio', stream: s.labels.stream, n: s.value }));
  rows($('stream-rows'), list, (s) => {
    const tr = el('tr');
    const link = el('a', s.stream, { href: s.kind === 'video' ? `/video#${s.stream}` : '/audio' });
    const name = el('td');
    name.append(link);
    tr.append(el('td', s.kind), name, el('td', s.n, { class: 'num' }));
    return tr;
  }, 'No stream.', 3);
}

// ---- users ----

async function refreshUsers() {
  const { users } = await api('GET', '/api/admin/users');
  rows($('user-rows'), users, (u) => {
    const tr = el('tr', null, { 'data-user': u.username });
    const rights = el('ul', null, { class: 'rights' });
    for (const right of u.grants) {
      const li = el('li');
      li.append(el('code', right), ' ', button('×', () => userAction('DELETE',
        `/api/admin/users/${encodeURIComponent(u.username)}/grants?right=${encodeURIComponent(right)}`),
      { 'aria-label': `Revoke ${right} from ${u.username}` }));
      rights.append(li);
    }
    const grant = el('input', null, { placeholder: 'action:resource', 'aria-label': `Right to grant ${u.username}`, class: 'grant' });
    const rightsCell = el('td');
    rightsCell.append(rights, grant, button('Grant', () => userAction('POST',
      `/api/admin/users/${encodeURIComponent(u.username)}/grants`, { right: grant.value.trim() }), { class: 'do-grant' }));
    const password = el('input', null, { type: 'password', placeholder: 'New password', autocomplete: 'new-password',
      'aria-label': `New password for ${u.username}` });
    const actions = el('td');
    const del = button('Delete', () => {
      if (del.dataset.armed !== 'yes') {
        del.dataset.armed = 'yes';
        del.textContent = 'Really delete?';
        return;
      }
      userAction('DELETE', `/api/admin/users/${encodeURIComponent(u.username)}`);
    }, { class: 'do-delete' });
    actions.append(password, button('Set password', () => userAction('POST',
      `/api/admin/users/${encodeURIComponent(u.username)}/password`, { password: password.value })),
    button('End logins', () => userAction('POST', `/api/admin/users/${encodeURIComponent(u.username)}/logout`)),
    button(u.disabled ? 'Enable' : 'Disable', () => userAction('POST',
      `/api/admin/users/${encodeURIComponent(u.username)}/${u.disabled ? 'enable' : 'disable'}`), { class: 'do-disable' }), del);
    tr.append(el('td', u.username), el('td', u.disabled ? `${u.role} (disabled)` : u.role), rightsCell, actions);
    return tr;
  }, 'No user.', 4);
}

async function userAction(method, path, body) {
  $('users-error').textContent = '';
  try {
    await api(method, path, body);
  } catch (e) {
    $('users-error').textContent = e.message;
  }
  await refreshUsers();
}

$('user-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  $('users-error').textContent = '';
  try {
    await api('POST', '/api/admin/users', { username: f.username.value.trim(), password: f.password.value, role: f.role.value });
    f.reset();
  } catch (e) {
    $('users-error').textContent = e.message;
  }
  await refreshUsers();
});

// ---- tokens ----

async function refreshTokens() {
  const { tokens } = await api('GET', '/api/admin/tokens');
  rows($('token-rows'), tokens, (t) => {
    const tr = el('tr', null, { 'data-token': String(t.id) });
    const actions = el('td');
    actions.append(button('Revoke', async () => {
      $('tokens-error').textContent = '';
      try {
        await api('DELETE', `/api/admin/tokens/${t.id}`);
      } catch (e) {
        $('tokens-error').textContent = e.message;
      }
      await refreshTokens();
    }));
    tr.append(el('td', t.id), el('td', t.user), el('td', t.name), el('td', t.scopes.join(' ') || 'all of the user\'s rights'),
      el('td', t.expiresAt ? new Date(t.expiresAt).toLocaleString() : 'never'), actions);
    return tr;
  }, 'No token.', 6);
}

$('token-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  $('tokens-error').textContent = '';
  $('token-secret').hidden = true;
  try {
    const t = await api('POST', '/api/admin/tokens', {
      user: f.user.value.trim(), name: f.name.value.trim(),
      scopes: f.scopes.value.split(/\s+/).filter(Boolean), days: Number(f.days.value),
    });
    $('token-secret-value').textContent = t.secret;
    $('token-secret').hidden = false;
    f.reset();
  } catch (e) {
    $('tokens-error').textContent = e.message;
  }
  await refreshTokens();
});

// ---- sockets ----

async function refreshSockets() {
  if ($('socket-namespace').options.length === 0) await refreshOverview(); // the namespaces come from /metrics
  const namespace = $('socket-namespace').value;
  $('sockets-error').textContent = '';
  if (!namespace) return;
  try {
    const { sockets } = await api('POST', '/api/v1/sockets/fetch', { namespace });
    rows($('socket-rows'), sockets, (s) => {
      const tr = el('tr', null, { 'data-socket': s.id });
      const actions = el('td');
      actions.append(button('Disconnect', async () => {
        try {
          await api('POST', '/api/v1/sockets/disconnect', { namespace, rooms: [s.id], close: true });
        } catch (e) {
          $('sockets-error').textContent = e.message;
        }
        await refreshSockets();
      }));
      tr.append(el('td', s.id), el('td', s.data?.username ?? ''), el('td', s.handshake?.address ?? ''),
        el('td', s.rooms.filter((r) => r !== s.id).join(' ')), actions);
      return tr;
    }, 'No socket in this namespace.', 5);
  } catch (e) {
    $('sockets-error').textContent = e.message;
  }
}

$('socket-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  refreshSockets();
});

// ---- rooms: the sockets list turned around (room -> members) ----

async function refreshRooms() {
  const namespace = $('room-namespace').value;
  $('rooms-error').textContent = '';
  if (!namespace) return;
  try {
    const { sockets } = await api('POST', '/api/v1/sockets/fetch', { namespace });
    const rooms = new Map();
    for (const s of sockets) {
      for (const r of s.rooms) {
        if (r === s.id) continue; // every socket's own room
        if (!rooms.has(r)) rooms.set(r, []);
        rooms.get(r).push(s);
      }
    }
    const list = [...rooms.entries()].sort(([a], [b]) => a.localeCompare(b));
    rows($('room-rows'), list, ([room, members]) => {
      const tr = el('tr', null, { 'data-room': room });
      const who = el('ul', null, { class: 'rights' });
      for (const m of members) who.append(el('li', m.data?.username ? `${m.data.username} (${m.id})` : m.id, { 'data-member': m.id }));
      const cell = el('td');
      cell.append(who);
      tr.append(el('td', room), el('td', members.length, { class: 'num' }), cell);
      return tr;
    }, 'No room in this namespace.', 3);
  } catch (e) {
    $('rooms-error').textContent = e.message;
  }
}

$('room-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  refreshRooms();
});

// ---- audit ----

async function refreshAudit() {
  const { actions } = await api('GET', '/api/admin/audit');
  rows($('audit-rows'), actions, (a) => {
    const tr = el('tr');
    tr.append(el('td', new Date(a.at).toLocaleString()), el('td', a.admin), el('td', a.action), el('td', a.target),
      el('td', a.ok ? 'done' : 'refused'));
    return tr;
  }, 'Nothing yet.', 5);
}

// ---- feeds, game, security ----

async function refreshFeeds() {
  const { feeds } = await api('GET', '/api/feeds');
  rows($('feed-rows'), feeds, (f) => {
    const tr = el('tr', null, { 'data-feed': f.name, 'data-paused': String(Boolean(f.paused)) });
    const actions = el('td');
    const path = `/api/feeds/${encodeURIComponent(f.name)}`;
    actions.append(button(f.paused ? 'Resume' : 'Pause', () => feedAction('POST', `${path}/${f.paused ? 'resume' : 'pause'}`),
      { class: 'do-pause', 'aria-label': `${f.paused ? 'Resume' : 'Pause'} ${f.name}` }),
    button('Remove', () => feedAction('DELETE', path), { class: 'do-remove', 'aria-label': `Remove ${f.name}` }));
    tr.append(el('td', f.name), el('td', f.type), el('td', f.samples ?? 0, { class: 'num' }),
      el('td', f.paused ? 'paused' : 'running', { class: 'feed-state' }), el('td', f.status ?? 'running'), actions);
    return tr;
  }, 'No feed.', 6);
}

async function feedAction(method, path) {
  $('feeds-error').textContent = '';
  try {
    await api(method, path);
  } catch (e) {
    $('feeds-error').textContent = e.message;
  }
  await refreshFeeds();
}

$('feed-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  $('feeds-error').textContent = '';
  try {
    await api('POST', '/api/feeds', { name: f.name.value.trim(), type: f.type.value });
    f.reset();
  } catch (e) {
    $('feeds-error').textContent = e.message;
  }
  await refreshFeeds();
});

async function refreshGame() {
  let stats;
  try {
    stats = await api('GET', '/api/game/stats?ticks=300');
  } catch (e) {
    $('game-ticks').textContent = `The game is not running on this server (${e.message}).`;
    rows($('match-rows'), [], null, 'No match.', 4);
    return;
  }
  $('game-ticks').textContent = `${stats.tickHz} ticks a second; a tick takes ${stats.tickMsP50} ms (p50), `
    + `${stats.tickMsP99} ms (p99) over the last ${stats.window} ticks.`;
  rows($('match-rows'), stats.matches, (m) => {
    const tr = el('tr', null, { 'data-match': m.match });
    tr.append(el('td', m.match), el('td', m.players, { class: 'num' }), el('td', m.bots, { class: 'num' }),
      el('td', m.spectators, { class: 'num' }));
    return tr;
  }, 'No match is being played.', 4);
}

async function refreshSecurity() {
  const { events } = await api('GET', '/api/admin/security');
  rows($('security-rows'), events, (e) => {
    const tr = el('tr');
    tr.append(el('td', new Date(e.at).toLocaleString()), el('td', e.kind), el('td', e.address), el('td', e.detail));
    return tr;
  }, 'Nothing recorded since the server started.', 4);
}

// ---- tabs ----

const loaders = { overview: refreshOverview, users: refreshUsers, tokens: refreshTokens, sockets: refreshSockets,
  rooms: () => refreshOverview().then(refreshRooms), // namespaces come and go: list them anew when the tab opens
  streams: refreshOverview, feeds: refreshFeeds, game: refreshGame, security: refreshSecurity, audit: refreshAudit };

async function show() {
  const tab = (location.hash || '#overview').slice(1);
  const name = loaders[tab] ? tab : 'overview';
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== name;
  for (const a of document.querySelectorAll('.tabs a')) {
    if (a.dataset.tab === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  try {
    await loaders[name]();
    status('Connected.', 'up');
  } catch (e) {
    status(`Could not load: ${e.message}`, 'down');
  }
  document.documentElement.dataset.ready = 'true';
}

async function main() {
  const res = await fetch('/api/auth/session', { cache: 'no-store' });
  const me = await res.json();
  csrf = me.csrf || '';
  window.addEventListener('hashchange', show);
  await show();
  // Live counts: the overview refreshes every 2 s while it is shown.
  setInterval(() => {
    const tab = (location.hash || '#overview').slice(1);
    if (tab === 'overview' || tab === 'streams') refreshOverview().catch((e) => status(`Could not load: ${e.message}`, 'down'));
  }, 2000);
}

main();
