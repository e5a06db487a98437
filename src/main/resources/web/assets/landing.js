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

refresh();
setInterval(refresh, 15000);
