// Nagare serves the Admin UI from the server it administers: unless the user chose another one,
// the "Server URL" of the connection dialog is this page's own origin (the UI would start empty).
// Runs before the UI's scripts, which read localStorage once at start.
if (!localStorage.getItem('server_url')) {
  localStorage.setItem('server_url', window.location.origin);
}
