// Landing page: shows live server status. Loaded as a module; no inline script anywhere (strict CSP).
const status = document.getElementById('status');
const version = document.getElementById('version');

async function refresh() {
  try {
    const [live, ready] = await Promise.all([
      fetch('/health/live', { cache: 'no-store' }),
      fetch('/health/ready', { cache: 'no-store' }),
    ]);
    const liveBody = await live.json();
    const readyBody = await ready.json();
    version.textContent = liveBody.version;
    status.textContent = ready.ok ? 'Server is up and ready.' : `Server is ${readyBody.status.toLowerCase()}.`;
    status.dataset.state = ready.ok ? 'up' : 'down';
  } catch (e) {
    status.textContent = 'Server is unreachable.';
    status.dataset.state = 'down';
  }
  document.documentElement.dataset.ready = 'true';
}

// Who is logged in: the session endpoint also hands out the CSRF token the logout form needs.
async function account() {
  try {
    const res = await fetch('/api/auth/session', { cache: 'no-store' });
    const me = await res.json();
    if (!me.authenticated) {
      return;
    }
    document.getElementById('whoami').textContent = `Logged in as ${me.username} (${me.role})`;
    document.getElementById('logout-csrf').value = me.csrf;
    document.getElementById('logout-form').hidden = false;
    document.getElementById('login-link').hidden = true;
  } catch (e) {
    // offline: keep the "Log in" link
  }
}

account().then(refresh);
setInterval(refresh, 15000);

// Only the applications this server runs (--apps): the others' cards go.
fetch('/api/pages', { cache: 'no-store' }).then((res) => res.json()).then(({ pages }) => {
  const enabled = new Set(pages.map((p) => p.path));
  for (const card of document.querySelectorAll('.app')) {
    card.hidden = !enabled.has(card.querySelector('a').getAttribute('href'));
  }
}).catch(() => { /* offline: keep every card */ });
