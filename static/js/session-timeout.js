// Warn two minutes before the session ends for inactivity; "Stay logged in" pings the server.
// The server decides (accounts/sessions.py); this only mirrors its clock from data-session-seconds.
(function () {
  const body = document.body;
  const initial = parseInt(body.dataset.sessionSeconds || "", 10);
  const warning = document.querySelector(".session-warning");
  if (!warning || isNaN(initial)) { return; }
  const WARN_BEFORE = 120;
  let deadline = Date.now() + initial * 1000;

  function token() {
    const field = document.querySelector("[name=csrfmiddlewaretoken]");
    if (field) { return field.value; }
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function restart(seconds) {
    deadline = Date.now() + seconds * 1000;
    warning.classList.add("d-none");
  }
  function tick() {
    const left = (deadline - Date.now()) / 1000;
    if (left <= 0) { window.location.reload(); return; }
    warning.classList.toggle("d-none", left > WARN_BEFORE);
  }
  warning.querySelector("[data-session-stay]").addEventListener("click", function () {
    fetch(body.dataset.sessionPing, {method: "POST", headers: {"X-CSRFToken": token()}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {seconds_left: 0}; })
      .then(function (data) { if (data.seconds_left > 0) { restart(data.seconds_left); } else { window.location.reload(); } });
  });
  // Any htmx request is activity on the server too.
  document.addEventListener("htmx:afterRequest", function () { restart(initial); });
  setInterval(tick, 5000);
})();
