// Shared by the pages that need a login: says so in the status line, with a link back here.
export function askToLogIn(status, message, next) {
  status.textContent = message;
  const link = document.createElement('a');
  link.href = `/login?next=${encodeURIComponent(next)}`;
  link.textContent = ' Log in';
  status.append(link);
  document.documentElement.dataset.ready = 'true';
}
