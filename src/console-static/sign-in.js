// The minimal sign-in page: signs in with a session cookie, handles the first-sign-in password
// change, shows who is signed in. No build step; the React console replaces it later.
/* global document, fetch */
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const views = ['sign-in', 'change-password', 'signed-in'];

  function show(view) {
    for (const id of views) $(id).hidden = id !== view;
    const first = $(view).querySelector('input:not([value]), input, button');
    if (first) first.focus();
  }

  async function call(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    return { ok: response.ok, status: response.status, data };
  }

  /** A problem+json answer as one sentence for a person (field problems included). */
  function describe(result) {
    const data = result.data || {};
    if (data.problems && data.problems.length && data.code === 'ValidationFailed') {
      return data.detail || data.problems.map((p) => p.message).join(' ');
    }
    return data.detail || `The server answered ${result.status}. Try again.`;
  }

  function signedIn(user) {
    $('signed-in-as').textContent = `Signed in as ${user.displayName} (${user.roleLabel})`;
    show('signed-in');
  }

  async function busy(form, work) {
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    try {
      await work();
    } catch {
      return 'Tandem did not answer. Check your connection and try again.';
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
    return null;
  }

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const error = $('sign-in-error');
    error.textContent = '';
    const userName = $('userName').value.trim();
    const password = $('password').value;
    if (!userName || !password) {
      error.textContent = 'Enter your user name and password.';
      return;
    }
    const failed = await busy(form, async () => {
      const result = await call('POST', '/auth/sign-in', { userName, password });
      if (result.ok) {
        $('password').value = '';
        signedIn(result.data);
      } else if (result.data && result.data.code === 'PasswordChangeRequired') {
        $('changeUserName').value = userName;
        $('currentPassword').value = password;
        $('password').value = '';
        show('change-password');
        $('newPassword').focus();
      } else {
        error.textContent = describe(result);
      }
    });
    if (failed) error.textContent = failed;
  });

  $('change-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const error = $('change-error');
    error.textContent = '';
    const userName = $('changeUserName').value.trim();
    const currentPassword = $('currentPassword').value;
    const newPassword = $('newPassword').value;
    if (!userName || !currentPassword || !newPassword) {
      error.textContent = 'Fill in every field.';
      return;
    }
    if (newPassword !== $('confirmPassword').value) {
      error.textContent = 'The new password and its confirmation differ. Type the same password twice.';
      $('confirmPassword').focus();
      return;
    }
    const failed = await busy(form, async () => {
      const changed = await call('POST', '/auth/change-password', { userName, currentPassword, newPassword });
      if (!changed.ok) {
        error.textContent = describe(changed);
        return;
      }
      form.reset();
      const result = await call('POST', '/auth/sign-in', { userName, password: newPassword });
      if (result.ok) signedIn(result.data);
      else {
        show('sign-in');
        $('sign-in-error').textContent = describe(result);
      }
    });
    if (failed) error.textContent = failed;
  });

  $('change-cancel').addEventListener('click', () => {
    $('change-form').reset();
    $('change-error').textContent = '';
    show('sign-in');
  });

  $('sign-out').addEventListener('click', async () => {
    await call('POST', '/auth/sign-out').catch(() => null);
    $('sign-in-form').reset();
    show('sign-in');
  });

  call('GET', '/auth/me')
    .then((result) => (result.ok && result.data.kind === 'user' ? signedIn(result.data) : show('sign-in')))
    .catch(() => show('sign-in'));
})();
