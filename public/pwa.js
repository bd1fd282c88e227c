// The page's side of the installable app: registers the service worker, offers a reload when a
// new version has been installed (never switching an open page by itself), and turns reminders on
// for this device, only after the parent presses the button on the reminder settings page (never a
// permission prompt on page load).
(function () {
  if (window.__yorisoiPwa) return;
  window.__yorisoiPwa = true;

  var english = (document.documentElement.lang || '').indexOf('en') === 0;

  function offerReload(worker) {
    if (document.getElementById('app-update')) return;
    var bar = document.createElement('div');
    bar.id = 'app-update';
    bar.className = 'app-update';
    bar.setAttribute('role', 'status');
    var text = document.createElement('span');
    text.textContent = english ? 'A new version of Yorisoi is ready.' : 'よりそいの新しいバージョンがあります。';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = english ? 'Reload' : '再読み込み';
    button.addEventListener('click', function () {
      button.disabled = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    });
    bar.appendChild(text);
    bar.appendChild(button);
    document.body.appendChild(bar);
  }

  if ('serviceWorker' in navigator) {
    var hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener('controllerchange', function () {
      // The first install takes control quietly; a later one was asked for by the reload button.
      if (hadController) location.reload();
      hadController = true;
    });
    navigator.serviceWorker
      .register('/sw.js', { updateViaCache: 'none' })
      .then(function (registration) {
        if (registration.waiting && navigator.serviceWorker.controller) offerReload(registration.waiting);
        registration.addEventListener('updatefound', function () {
          var incoming = registration.installing;
          if (!incoming) return;
          incoming.addEventListener('statechange', function () {
            if (incoming.state === 'installed' && navigator.serviceWorker.controller) offerReload(incoming);
          });
        });
      })
      .catch(function () {});
  }

  function bytesOf(base64url) {
    var padded = base64url.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((base64url.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function deviceLabel() {
    var ua = navigator.userAgent;
    var os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iPhone / iPad' : /Windows/.test(ua) ? 'Windows' : /Mac/.test(ua) ? 'Mac' : /Linux/.test(ua) ? 'Linux' : '';
    var browser = /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : '';
    return [os, browser].filter(Boolean).join(' · ') || 'この端末';
  }

  async function enable(button) {
    var status = document.getElementById('push-status');
    var say = function (key) {
      if (status) status.textContent = button.getAttribute('data-msg-' + key) || key;
    };
    button.disabled = true;
    try {
      if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return say('unsupported');
      var permission = await Notification.requestPermission();
      if (permission !== 'granted') return say('denied');
      var registration = await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
      var subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: bytesOf(button.getAttribute('data-key')),
      });
      var json = subscription.toJSON();
      var body = new URLSearchParams({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth, label: deviceLabel() });
      var response = await fetch('/api/subscribe_device', { method: 'POST', body: body, credentials: 'same-origin' });
      if (!response.ok) return say('failed');
      location.reload();
    } catch (e) {
      say('failed');
    } finally {
      button.disabled = false;
    }
  }

  // Log-out: messages still waiting on this device (the composer's queue, see
  // app/src/ui/islands/outbox.rs) belong to the person who wrote them, not to the next user.
  document.addEventListener('submit', function (event) {
    if (event.target.matches && event.target.matches('[data-clears-outbox]')) {
      try { localStorage.removeItem('yorisoi.unsent'); } catch (e) { /* storage refused: nothing kept */ }
    }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-enable-push]');
    if (button) {
      event.preventDefault();
      enable(button);
    }
  });
})();
