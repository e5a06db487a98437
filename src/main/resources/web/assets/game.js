// The game. The server is in charge: we send inputs (a sequence number and a direction), never
// positions. Our own avatar is predicted (the same move rule the server runs) and reconciled when a
// snapshot says which input it applied last; everyone else is drawn 100 ms in the past, interpolated
// between snapshots, so that they glide instead of jumping at each tick.
import { io } from '/socket.io/socket.io.esm.min.js';
import { askToLogIn } from '/assets/login-prompt.js';

const $ = (id) => document.getElementById(id);
const INTERP_MS = 100;
const canvas = $('arena');
const ctx = canvas.getContext('2d');
const socket = io('/game');

const game = {
  rules: null, you: null, match: null, tick: -1,
  players: new Map(),   // id -> server fields {x, y, s, a, n, k, w} (tenths)
  orbs: new Map(),      // id -> [x, y] (tenths)
  history: [],          // [{at, pos: Map(id -> [x, y])}] for interpolation
  seq: 0, pending: [], predicted: null,
  keys: new Set(), pointer: null, lastResync: 0,
};

function setStatus(kind, text) {
  $('status').dataset.state = kind;
  $('status').textContent = text;
}

socket.on('connect', async () => {
  setStatus('up', 'Connected');
  await refreshLobby();
  if (game.match) await join(game.match); // after a drop: take our slot back within the grace period
  document.documentElement.dataset.ready = 'true';
});
socket.on('disconnect', () => setStatus('down', 'Reconnecting…'));
socket.on('connect_error', (err) => {
  if (err.message === 'unauthorized') askToLogIn($('status'), 'Log in to play.', '/game');
  else setStatus('down', `Cannot connect (${err.message}); retrying…`);
});
socket.on('nagare:error', (e) => setStatus('down', e.message));

async function refreshLobby() {
  const res = await socket.emitWithAck('lobby', {});
  const list = $('matches');
  if (!res.matches.length) {
    const li = Object.assign(document.createElement('li'), { className: 'empty', textContent: 'No matches yet: Quick play starts one.' });
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...res.matches.map((m) => {
    const li = document.createElement('li');
    const play = Object.assign(document.createElement('button'), { type: 'button', textContent: `Join ${m.match}` });
    play.addEventListener('click', () => join(m.match));
    const watch = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: 'Watch' });
    watch.addEventListener('click', () => spectate(m.match));
    li.append(`${m.match}: ${m.players}/${m.maxPlayers} players, ${m.bots} bots `);
    // Our own match offers nothing to do but what we are not doing yet (a spectator may still join).
    if (m.match !== game.match) li.append(play, watch);
    else if (!game.you) li.append(play, ' (watching)');
    else li.append('(you are playing)');
    return li;
  }));
}
// The lobby has no push: ask again every few seconds, in a match too (players come and go).
setInterval(() => { if (socket.connected) refreshLobby(); }, 3000);

function start(res, you) {
  game.rules = res.rules;
  game.you = you;
  game.match = res.match;
  game.pending = [];
  game.predicted = null;
  applySnapshot(res.snapshot);
  $('match-name').textContent = `${res.match}${you ? '' : ' (watching)'}`;
  $('leave').hidden = false;
  $('play').hidden = true;
  canvas.focus();
  refreshLobby();
}

async function join(match) {
  const res = await socket.emitWithAck('join', match ? { match } : {});
  if (!res.ok) { setStatus('down', res.message); return; }
  start(res, res.you);
}

async function spectate(match) {
  const res = await socket.emitWithAck('spectate', { match });
  if (!res.ok) { setStatus('down', res.message); return; }
  start(res, null);
}

$('play').addEventListener('click', () => join(null));
$('leave').addEventListener('click', async () => {
  await socket.emitWithAck('leave', {});
  backToLobby();
});
// The match ended under us (its server shut down): back to the lobby, saying why.
socket.on('ended', (e) => {
  if (e.match !== game.match) return;
  backToLobby();
  setStatus('down', `${e.match} ended: ${e.reason}`);
});

function backToLobby() {
  // Forget the whole match, orbs and interpolation history too, so the field is drawn empty.
  Object.assign(game, { match: null, you: null, rules: null, tick: -1, predicted: null, pending: [], history: [] });
  game.players.clear();
  game.orbs.clear();
  $('leave').hidden = true;
  $('play').hidden = false;
  $('match-name').textContent = 'lobby';
  refreshLobby();
}

// ---- snapshots ----

socket.on('s', applySnapshot);

function applySnapshot(snap) {
  if (!game.match) return; // one still in flight when we left
  if (snap.k) {
    game.players = new Map(Object.entries(snap.p).map(([id, f]) => [Number(id), { ...f }]));
    game.orbs = new Map(snap.o.map(([id, x, y]) => [id, [x, y]]));
  } else {
    if (snap.b !== game.tick) {
      // A delta we cannot apply (one was dropped): ask for the whole state, at most twice a second.
      if (performance.now() - game.lastResync > 500) {
        game.lastResync = performance.now();
        socket.emit('resync', {});
      }
      return;
    }
    for (const [id, f] of Object.entries(snap.p)) {
      const key = Number(id);
      game.players.set(key, { ...(game.players.get(key) || {}), ...f });
    }
    (snap.g || []).forEach((id) => game.players.delete(id));
    (snap.r || []).forEach((id) => game.orbs.delete(id));
    (snap.o || []).forEach(([id, x, y]) => game.orbs.set(id, [x, y]));
  }
  game.tick = snap.t;
  const pos = new Map();
  game.players.forEach((p, id) => pos.set(id, [p.x / 10, p.y / 10]));
  game.history.push({ at: performance.now(), pos });
  while (game.history.length > 30) game.history.shift();
  reconcile();
}

// Our avatar: start from where the server put us and re-apply the inputs it has not seen yet.
function reconcile() {
  const me = game.players.get(game.you);
  if (!me) return;
  game.pending = game.pending.filter((i) => i.seq > me.a);
  let [x, y] = [me.x / 10, me.y / 10];
  for (const i of game.pending) [x, y] = move(x, y, i.dx, i.dy);
  game.predicted = [x, y];
}

function move(x, y, dx, dy) {
  const r = game.rules;
  const len = Math.hypot(dx, dy);
  if (len > 1) { dx /= len; dy /= len; }
  const step = r.speed / r.tickHz;
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  return [clamp(x + dx * step, r.playerRadius, r.width - r.playerRadius),
    clamp(y + dy * step, r.playerRadius, r.height - r.playerRadius)];
}

// ---- input, at the server's tick rate ----

const KEYS = { ArrowLeft: [-1, 0], a: [-1, 0], ArrowRight: [1, 0], d: [1, 0], ArrowUp: [0, -1], w: [0, -1], ArrowDown: [0, 1], s: [0, 1] };
// Letters in either case: Caps Lock or Shift must not stop W A S D (nor leave a key held when
// Shift is let go before the letter, which turns the keyup's "D" into "d").
const keyOf = (e) => (e.key.length === 1 ? e.key.toLowerCase() : e.key);
canvas.addEventListener('keydown', (e) => { const k = keyOf(e); if (KEYS[k]) { game.keys.add(k); e.preventDefault(); } });
canvas.addEventListener('keyup', (e) => game.keys.delete(keyOf(e)));
canvas.addEventListener('blur', () => game.keys.clear());
canvas.addEventListener('pointerdown', (e) => { game.pointer = e; canvas.setPointerCapture(e.pointerId); });
canvas.addEventListener('pointermove', (e) => { if (game.pointer) game.pointer = e; });
canvas.addEventListener('pointerup', () => { game.pointer = null; });

function direction() {
  let dx = 0;
  let dy = 0;
  game.keys.forEach((k) => { dx += KEYS[k][0]; dy += KEYS[k][1]; });
  if (game.pointer && game.predicted) {
    const box = canvas.getBoundingClientRect();
    const px = (game.pointer.clientX - box.left) / box.width * game.rules.width;
    const py = (game.pointer.clientY - box.top) / box.height * game.rules.height;
    dx = px - game.predicted[0];
    dy = py - game.predicted[1];
  }
  const len = Math.hypot(dx, dy);
  return len < 1e-6 ? null : [dx / len, dy / len];
}

function inputLoop() {
  const d = game.you && game.predicted ? direction() : null;
  if (d && socket.connected) {
    const input = { seq: ++game.seq, dx: d[0], dy: d[1] };
    socket.emit('input', { s: input.seq, x: input.dx, y: input.dy });
    game.pending.push(input);
    game.predicted = move(game.predicted[0], game.predicted[1], input.dx, input.dy);
  }
  setTimeout(inputLoop, 1000 / (game.rules ? game.rules.tickHz : 30));
}
inputLoop();

// ---- drawing ----

function interpolated(id) {
  const t = performance.now() - INTERP_MS;
  const h = game.history;
  for (let i = h.length - 1; i > 0; i--) {
    if (h[i - 1].at <= t) {
      const a = h[i - 1].pos.get(id);
      const b = h[i].pos.get(id);
      if (!a || !b) return b || a;
      const f = Math.min(1, (t - h[i - 1].at) / Math.max(1, h[i].at - h[i - 1].at));
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
    }
  }
  return h.length ? h[0].pos.get(id) : null;
}

function draw() {
  ctx.fillStyle = '#0d1820';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (game.rules) {
    ctx.fillStyle = '#f2c94c';
    game.orbs.forEach(([x, y]) => { ctx.beginPath(); ctx.arc(x / 10, y / 10, game.rules.orbRadius, 0, 2 * Math.PI); ctx.fill(); });
    ctx.font = '20px system-ui, sans-serif';
    ctx.textAlign = 'center';
    game.players.forEach((p, id) => {
      const at = id === game.you && game.predicted ? game.predicted : interpolated(id);
      if (!at) return;
      ctx.globalAlpha = p.w ? 0.4 : 1;
      ctx.fillStyle = id === game.you ? '#5cc2f2' : p.k ? '#8a9ba8' : '#e8590c';
      ctx.beginPath();
      ctx.arc(at[0], at[1], game.rules.playerRadius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#e4eef5';
      // The label stays whole inside the field, even when its avatar touches the left or right edge.
      const label = `${p.n} ${p.s}`;
      const half = ctx.measureText(label).width / 2;
      const lx = Math.max(half + 2, Math.min(canvas.width - half - 2, at[0]));
      ctx.fillText(label, lx, Math.max(22, at[1] - game.rules.playerRadius - 6));
      p.drawn = at;
      p.label = [lx - half, lx + half];
    });
    ctx.globalAlpha = 1;
  }
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);

// The scoreboard: text for screen readers (and the tests), with each avatar's drawn position.
setInterval(() => {
  const rows = [...game.players.entries()].sort((a, b) => b[1].s - a[1].s).map(([id, p]) => {
    const li = document.createElement('li');
    li.textContent = `${p.n}${p.k ? ' (bot)' : ''}${p.w ? ' (away)' : ''}: ${p.s}`;
    li.dataset.player = p.n;
    if (p.drawn) { li.dataset.x = String(Math.round(p.drawn[0])); li.dataset.y = String(Math.round(p.drawn[1])); }
    if (p.label) { li.dataset.labelLeft = String(Math.floor(p.label[0])); li.dataset.labelRight = String(Math.ceil(p.label[1])); }
    if (id === game.you) li.className = 'me';
    else if (p.w) li.className = 'away';
    return li;
  });
  $('scoreboard').replaceChildren(...rows);
}, 250);

setInterval(async () => {
  if (!socket.connected) return;
  const t0 = performance.now();
  await socket.emitWithAck('ping', {});
  $('rtt').textContent = `RTT ${Math.round(performance.now() - t0)} ms`;
}, 2000);
