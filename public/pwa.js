// Turns reminders on for this device, only after the parent presses the button on the reminder
// settings page (never a permission prompt on page load). Registers the service worker first.
(function () {
  if (window.__yorisoiPush) return;
  window.__yorisoiPush = true;

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch(function () {});
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

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-enable-push]');
    if (button) {
      event.preventDefault();
      enable(button);
    }
  });
})();
